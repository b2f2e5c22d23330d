package imaging

import (
	"context"
	"image"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// readBy decodes img through the ladder and returns the strategy that read
// want, failing the test when nothing did or something else was read.
func readBy(t *testing.T, img image.Image, want string) string {
	t.Helper()
	if gozxingReads(img) {
		t.Fatalf("gozxing reads this image by itself; the test shows nothing")
	}
	codes, err := DecodeImage(context.Background(), img, Options{})
	if err != nil || len(codes) != 1 || codes[0].Text != want {
		t.Fatalf("got %v, %v; want %q", texts(codes), err, want)
	}
	return codes[0].Strategy
}

// eroded draws text's modules px pixels apart but each dark module only
// its inner (px-2)², as a worn print or a dot-matrix printer leaves them:
// light lines cut every finder pattern into squares.
func eroded(t *testing.T, text string, px int) *image.Gray {
	src := qrImage(t, text, px)
	out := image.NewGray(src.Rect)
	for y := 0; y < src.Rect.Dy(); y++ {
		for x := 0; x < src.Rect.Dx(); x++ {
			v := src.Pix[y*src.Stride+x]
			if x%px == 0 || y%px == 0 || x%px == px-1 || y%px == px-1 {
				v = 255
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

// Eroded modules are joined again by the closing of the binarised image.
func TestDenoiseJoinsErodedModules(t *testing.T) {
	const text = "https://example.com/denoise"
	if s := readBy(t, eroded(t, text, 6), text); !strings.Contains(s, "closed") {
		t.Errorf("read by %s, want the closing", s)
	}
}

// A code shown light on dark (a phone's dark mode, a screen photo).
func TestInvertedSymbol(t *testing.T) {
	const text = "https://example.com/inverted"
	img := qrImage(t, text, 4)
	for i := range img.Pix {
		img.Pix[i] = 255 - img.Pix[i]
	}
	if s := readBy(t, img, text); !strings.Contains(s, "inv") {
		t.Errorf("read by %s, want the inverted view", s)
	}
}

// A version-1 symbol at under two pixels a module (a thumbnail, a far
// away code) is read once enlarged twice before it is binarised; at one
// and a half, its modules sampled in the grey picture read as it is.
func TestLowResolutionVersion1(t *testing.T) {
	const text = "LOW RES V1"
	for _, c := range []struct {
		shrink float64
		want   string
	}{{5.5, "luma/global"}, {6.3, "x2"}} {
		p := PlaneOf(qrImage(t, text, 8), Luma).Scale(1 / c.shrink)
		if s := readBy(t, p.Image(), text); !strings.Contains(s, c.want) {
			t.Errorf("at %.1f pixels a module: read by %s, want %s", 8/c.shrink, s, c.want)
		}
	}
}

// Big modules full of sensor noise come clean when averaged down to a
// third: no binarisation reads them at full or half size.
func TestDownscaleNoisyBigModules(t *testing.T) {
	const text = "https://example.com/downscale"
	img := qrImage(t, text, 30)
	r := rand.New(rand.NewPCG(2, 4))
	for i, v := range img.Pix {
		img.Pix[i] = clamp(int(v)/2 + 64 + int(r.NormFloat64()*45))
	}
	p := PlaneOf(img, Luma)
	reads := func(q *Plane, bs ...binarizer) bool {
		for _, b := range bs {
			if c, _, _, _ := decodePlane(q, b); len(c) > 0 {
				return true
			}
		}
		return false
	}
	if reads(p, hybrid, global, adaptive, closed) || reads(p.Scale(0.5), hybrid, global) {
		t.Fatal("read at full or half size; the test shows nothing")
	}
	if !reads(p.Scale(1.0/3), hybrid) {
		t.Error("not read at a third")
	}
	readBy(t, img, text)
}

// The closing, done on whole words of bits, is the textbook one: a pixel
// is dark when every pixel of its 3×3 neighbourhood has a dark pixel in
// its own 3×3 neighbourhood (outside the image counting as dark for the
// second step).
func TestClosingMatchesDefinition(t *testing.T) {
	const w, h = 70, 37
	m, _ := gozxing.NewBitMatrix(w, h)
	r := rand.New(rand.NewPCG(5, 6))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if r.IntN(3) == 0 {
				m.Set(x, y)
			}
		}
	}
	dilated := func(x, y int) bool {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if m.Get(x+dx, y+dy) {
					return true
				}
			}
		}
		return false
	}
	got, err := closing(m)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			want := true
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx >= 0 && ny >= 0 && nx < w && ny < h && !dilated(nx, ny) {
						want = false
					}
				}
			}
			if got.Get(x, y) != want {
				t.Fatalf("(%d, %d): %v, want %v", x, y, got.Get(x, y), want)
			}
		}
	}
}

// blurredPagePhoto is a grey form with rows of glyph strokes and an
// invoice's code of px pixels a module at its top left, photographed
// tilted (its far side narrower) at 3300 × 2480, out of focus by blur
// passes of a 3×3 box, with sensor noise.
func blurredPagePhoto(t *testing.T, px, blur int) *image.Gray {
	const fw, fh = 2400, 1600
	r := rand.New(rand.NewPCG(1, 3))
	scene := &Plane{W: fw, H: fh, Pix: make([]byte, fw*fh)}
	fill := func(rc image.Rectangle, v byte) {
		for y := rc.Min.Y; y < rc.Max.Y; y++ {
			for x := rc.Min.X; x < rc.Max.X; x++ {
				scene.Pix[y*fw+x] = v
			}
		}
	}
	fill(image.Rect(0, 0, fw, fh), 228)
	for _, rc := range []image.Rectangle{
		image.Rect(100, 300, 2300, 304), image.Rect(100, 1500, 2300, 1504),
		image.Rect(100, 300, 104, 1504), image.Rect(2296, 300, 2300, 1504),
		image.Rect(100, 900, 2300, 903),
	} {
		fill(rc, 110)
	}
	for y := 340; y < 1460; y += 44 {
		for x := 140; x < 2260; x += 24 + r.IntN(12) {
			if r.IntN(2) == 0 {
				fill(image.Rect(x, y+r.IntN(14), x+16, y+r.IntN(14)+3), 40)
			} else {
				fill(image.Rect(x, y, x+3, y+22), 40)
			}
		}
	}
	q := qrImage(t, invoiceText, px)
	for y := 0; y < q.Rect.Dy(); y++ {
		for x := 0; x < q.Rect.Dx(); x++ {
			scene.Pix[(60+y)*fw+120+x] = min(q.Pix[y*q.Stride+x], 228)
		}
	}
	h, ok := SolveHomography([4]Point{{200, 500}, {3100, 500}, {3600, 2100}, {-300, 2100}}, [4]Point{{0, 0}, {fw, 0}, {fw, fh}, {0, fh}})
	if !ok {
		t.Fatal("no perspective")
	}
	p := scene.WarpHomography(h, 3300, 2480)
	for range blur {
		p = p.BoxBlur(1)
	}
	for i := range p.Pix {
		p.Pix[i] = clamp(int(p.Pix[i]) + int(r.NormFloat64()*6))
	}
	return p.Image()
}

// A phone photo's code, out of focus and at a slant, that no view of the
// whole page reads and no region looked at for other reasons holds, is
// read about the finder patterns the passes saw in the same place.
func TestBlurredCodeReadAboutItsFinders(t *testing.T) {
	img := blurredPagePhoto(t, 5, 4)
	l := &ladder{img: img, opt: Options{IsInvoice: looksLikeInvoice}, maxWork: budgetWork(DefaultBudget), ctx: context.Background(), planes: map[Channel]*Plane{}}
	for _, s := range steps {
		if s.name == "finders" {
			break
		}
		if s.run(l) {
			t.Fatalf("read by %s before the finders step; the test shows nothing", s.name)
		}
	}
	rs := l.finderRegions()
	if len(rs) == 0 || len(rs) > maxFinderRegions {
		t.Fatalf("%d regions about finder patterns", len(rs))
	}
	// The code's top-left corner on the photo.
	if !image.Pt(420, 590).In(rs[0]) {
		t.Errorf("first region %v does not hold the code", rs[0])
	}
	if s := readBy(t, img, invoiceText); !strings.Contains(s, "finder") {
		t.Errorf("read by %s, want a region about its finder patterns", s)
	}
}

// The Print plane keeps black and blue print as dark as luma shows it and
// lightens red ink (a seal) to its red channel.
func TestPrintChannel(t *testing.T) {
	for _, c := range []struct {
		name    string
		r, g, b byte
		want    byte
	}{
		{"paper", 250, 248, 240, 250},
		{"black print", 40, 40, 40, 40},
		{"blue print", 50, 80, 200, pick(50, 80, 200, Luma)},
		{"seal", 215, 35, 40, 215},
	} {
		if got := pick(c.r, c.g, c.b, Print); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
