package document

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"testing"
)

// TestSeveralCodesInOneImage reads a PDF whose only picture, 800 × 600, holds
// the invoice's QR code beside a shop's web address and a WeChat code, as
// online shops' invoices have it: every symbol is listed, from the embedded
// image, without rendering the page.
func TestSeveralCodesInOneImage(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 800, 600))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	draw := func(text string, x0, y0, k int) {
		m := qrModules(t, text)
		for y := 0; y < m.GetHeight()*k; y++ {
			for x := 0; x < m.GetWidth()*k; x++ {
				if m.Get(x/k, y/k) {
					g.SetGray(x0+x, y0+y, color.Gray{})
				}
			}
		}
	}
	const shop, wechat = "https://www.example-shop.cn/invoice", "https://u.wechat.com/MHaXyz123abcDEF"
	draw(genPayload, 40, 40, 5)
	draw(shop, 450, 60, 6)
	draw(wechat, 300, 330, 5)
	// Drawn small on the page, as on the shop's invoice: at the resolution a
	// page is rendered at, the smaller codes are lost.
	content := "q 64 0 0 48 20 150 cm /Im0 Do Q BT /F1 9 Tf 240 260 Td (Online shop invoice) Tj ET"
	dict := fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 >>", 800, 600)
	d, err := readGen(t, "shop.pdf", onePage(400, 300, content, dict, g.Pix))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range d.Codes() {
		texts = append(texts, c.Text)
		if c.Source != "pdf-image" {
			t.Errorf("%q came from %s, want the embedded image", c.Text, c.Source)
		}
	}
	for _, want := range []string{genPayload, shop, wechat} {
		if !slices.Contains(texts, want) {
			t.Errorf("codes %q lack %q", texts, want)
		}
	}
	if len(texts) != 3 || d.Rendered != 0 {
		t.Errorf("%d codes, %d pages rendered; want 3 codes and no rendering", len(texts), d.Rendered)
	}
}
