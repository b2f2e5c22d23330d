package document

import (
	"context"
	"image"
	"testing"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// A 税控 e-invoice that names SimSun without embedding it: the 购买方 label
// down the left of the buyer's box is drawn only with the bundled font
// standing in for SimSun.
func TestRenderPageUnembeddedChineseFont(t *testing.T) {
	path := shared.Path(t, "corpus", "real", "pdf", "AlexSarron__LuciferKit__电子发票.pdf")
	img, err := RenderPage(context.Background(), path, 1, 1600*1100)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	// Inside the label's column, clear of the box's lines.
	label := image.Rect(b.Dx()*45/1000, b.Dy()*23/100, b.Dx()*65/1000, b.Dy()*35/100)
	ink := 0
	for y := label.Min.Y; y < label.Max.Y; y++ {
		for x := label.Min.X; x < label.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0xa000 {
				ink++
			}
		}
	}
	if share := float64(ink) / float64(label.Dx()*label.Dy()); share < 0.03 {
		t.Errorf("购买方 label: %.3f of its area inked, want at least 0.03 (no CJK font?)", share)
	}
}
