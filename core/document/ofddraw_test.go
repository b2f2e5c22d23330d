package document

import (
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// inked counts the pixels of r on img darker than paper.
func inked(img image.Image, r image.Rectangle) (ink, all int) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if (299*cr+587*cg+114*cb)/1000 < 0xb000 {
				ink++
			}
			all++
		}
	}
	return ink, all
}

// TestRenderOFDPage draws the first page of every shared OFD and checks it
// against what the file says is on it: ink inside the text objects' boxes,
// paper around them, and the QR code's image readable where its
// ImageObject puts it.
func TestRenderOFDPage(t *testing.T) {
	dir := shared.Path(t, "corpus", "real", "ofd")
	files, err := filepath.Glob(filepath.Join(dir, "*.ofd"))
	if err != nil || len(files) < 10 {
		t.Fatalf("%d OFDs in %s (%v), want the shared corpus's", len(files), dir, err)
	}
	ctx := context.Background()
	placed := 0
	for _, path := range files {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		od, _, err := openOFD(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pg := od.pages[0]
		img, err := RenderPage(ctx, path, 1, 1_000_000)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b := img.Bounds()
		if got, want := float64(b.Dx())/float64(b.Dy()), pg.w/pg.h; math.Abs(got-want) > 0.01 {
			t.Errorf("%s: drawn %d×%d, want the page's %.1f×%.1f mm proportions", name, b.Dx(), b.Dy(), pg.w, pg.h)
		}
		sx, sy := float64(b.Dx())/pg.w, float64(b.Dy())/pg.h
		device := func(x0, y0, x1, y1 float64) image.Rectangle {
			return image.Rect(int(x0*sx), int(y0*sy), int(math.Ceil(x1*sx)), int(math.Ceil(y1*sy)))
		}

		// Text: every text object's glyph boxes hold ink; the page as a
		// whole is mostly paper.
		boxes, withInk := 0, 0
		var textInk, textAll int
		for _, tx := range pg.texts {
			if strings.TrimSpace(tx.text) == "" || len(tx.glyphs) == 0 {
				continue
			}
			g := tx.glyphs
			x0, y0, x1, y1 := g[0].x0, g[0].y0, g[0].x1, g[0].y1
			for _, gl := range g[1:] {
				x0, y0, x1, y1 = min(x0, gl.x0), min(y0, gl.y0), max(x1, gl.x1), max(y1, gl.y1)
			}
			ink, all := inked(img, device(x0, y0, x1, y1))
			boxes++
			if ink > 0 {
				withInk++
			}
			textInk += ink
			textAll += all
		}
		if boxes == 0 {
			t.Errorf("%s: no text objects on page 1", name)
			continue
		}
		if withInk < boxes*95/100 {
			t.Errorf("%s: ink in %d of %d text objects' boxes, want nearly all", name, withInk, boxes)
		}
		pageInk, pageAll := inked(img, b)
		textShare, pageShare := float64(textInk)/float64(max(1, textAll)), float64(pageInk)/float64(pageAll)
		if pageShare > 0.25 || textShare < 2*pageShare {
			t.Errorf("%s: %.0f%% of the page inked, %.0f%% of the text boxes: want text darker than the page, the page mostly paper",
				name, 100*pageShare, 100*textShare)
		}

		// The QR code: read off the drawn page inside its image's box.
		for _, c := range od.imageCodes(ctx, Options{}) {
			file, ok := strings.CutPrefix(c.Source, "ofd-image:")
			if !ok || !isInvoiceText(c.Text) || c.Page != 1 {
				continue
			}
			var box image.Rectangle
			for _, n := range pageObjects(t, od, pg, "ImageObject") {
				if od.media[n.attr["ResourceID"]] != file {
					continue
				}
				bd := floats(n.attr["Boundary"])
				box = device(bd[0], bd[1], bd[0]+bd[2], bd[1]+bd[3])
			}
			if box.Empty() {
				t.Errorf("%s: no image object places %s", name, file)
				continue
			}
			codes, _ := imaging.DecodeImage(ctx, img, imaging.Options{IsInvoice: isInvoiceText})
			found := false
			for _, dc := range codes {
				if dc.Text != c.Text {
					continue
				}
				found = true
				slack := box.Dx() / 10
				grown := box.Inset(-slack)
				for _, p := range dc.Points {
					if !image.Pt(int(p.X), int(p.Y)).In(grown) {
						t.Errorf("%s: the QR code's corner %v is outside its image's box %v", name, p, box)
					}
				}
			}
			if !found {
				t.Errorf("%s: the drawn page shows the codes %v, want %q inside %v", name, codes, c.Text, box)
			}
			placed++
			break
		}
	}
	if placed < 8 {
		t.Errorf("the QR code was checked on %d pages, want most of the corpus's", placed)
	}
}

// pageObjects are the page's objects named name, its templates' included.
func pageObjects(t *testing.T, od *ofdDoc, pg ofdPage, name string) []*node {
	t.Helper()
	var out []*node
	for _, loc := range append([]string{pg.content}, func() (l []string) {
		for _, tp := range pg.templates {
			l = append(l, tp.loc)
		}
		return l
	}()...) {
		n, err := od.p.xml(loc)
		if err != nil {
			t.Fatalf("%s: %v", loc, err)
		}
		out = append(out, n.findAll(name)...)
	}
	return out
}

func TestRenderOFDPageErrors(t *testing.T) {
	path := shared.Path(t, "corpus", "real", "ofd", "erma0__fapiao-print__sample.ofd")
	if _, err := RenderPage(context.Background(), path, 2, 1_000_000); err == nil || !strings.Contains(err.Error(), ErrNoPage.Error()) {
		t.Errorf("page 2 of a one-page OFD: %v, want %v", err, ErrNoPage)
	}
	broken := filepath.Join(t.TempDir(), "broken.ofd")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if img, err := RenderPage(context.Background(), broken, 1, 1_000_000); err == nil || img != nil {
		t.Errorf("a cut OFD: %v, want an error and no picture", err)
	}
}
