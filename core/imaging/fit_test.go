package imaging

import (
	"context"
	"image"
	"testing"

	"github.com/fapiaoscanner/fapiao/internal/shared"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
)

// warped is img seen at an angle: its corners land on to (top-left,
// top-right, bottom-right, bottom-left) of a w × h picture, on gray.
func warped(img *image.Gray, to [4]Point, w, h int) *image.Gray {
	b := img.Bounds()
	W, H := float64(b.Dx()), float64(b.Dy())
	from := [4]Point{{0, 0}, {W, 0}, {W, H}, {0, H}}
	var ms []match
	for i := range to {
		ms = append(ms, match{to[i].X, to[i].Y, from[i].X, from[i].Y})
	}
	hm, ok := fitHomography(ms)
	if !ok {
		panic("degenerate warp")
	}
	src := PlaneOf(img, Luma)
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := hm.Apply(float64(x)+0.5, float64(y)+0.5)
			if sx < 0 || sy < 0 || sx >= W || sy >= H {
				out.Pix[y*w+x] = 160
				continue
			}
			out.Pix[y*w+x] = src.sample(sx-0.5, sy-0.5)
		}
	}
	return out
}

// gozxingReads says whether gozxing's own reader, trying hard, reads img.
func gozxingReads(img image.Image) bool {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return false
	}
	_, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	return err == nil
}

// A small version-1 symbol photographed at an angle: its far corner is
// nowhere near where the three finder patterns put it if the grid were a
// parallelogram (version 1 has no alignment pattern to correct it). The
// grid fit measures each finder pattern's corners and samples through the
// perspective they give.
func TestPerspectiveFit(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		px   int
		to   [4]Point
		w, h int
	}{
		{"version 1", "TILT 1", 4, [4]Point{{8, 6}, {80, 14}, {74, 60}, {14, 70}}, 95, 75},
	} {
		img := warped(qrImage(t, c.text, c.px), c.to, c.w, c.h)
		if gozxingReads(img) {
			t.Errorf("%s: gozxing reads this warp by itself; the test shows nothing", c.name)
		}
		codes, err := DecodeImage(context.Background(), img, Options{})
		if err != nil || len(codes) != 1 || codes[0].Text != c.text {
			t.Errorf("%s: got %v, %v; want %q", c.name, texts(codes), err, c.text)
		}
	}
}

// A photo of a symbol at a steep angle (zxing-cpp's sample qrcode-2/30a):
// its near finder pattern is twice the size of the far ones and squeezed,
// so gozxing's finder confirms only two of the three and gives up. Found
// by their shape, the three make a set, and the grid fit reads it.
func TestSkewedFinderPatterns(t *testing.T) {
	img, err := Load(shared.Path(t, "corpus", "zxing-qr", "qrcode-2_30a.webp"))
	if err != nil {
		t.Fatal(err)
	}
	if gozxingReads(img) {
		t.Fatal("gozxing reads this photo by itself; the test shows nothing")
	}
	p := PlaneOf(img, Luma)
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.Pix, p.W, p.H, 0, 0, p.W, p.H, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	finder := qrdetector.NewFinderPatternFinder(m, nil)
	if _, err := finder.Find(map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}); err == nil {
		t.Error("gozxing's finder found a set of three")
	}
	// The three finder patterns, by eye: top-left, top-right, bottom-left.
	skewed := skewedFinders(m)
	for _, want := range []Point{{148, 133}, {268, 82}, {87, 262}} {
		if !seenFinder(skewed, qrdetector.NewFinderPattern1(want.X, want.Y, 3)) {
			t.Errorf("no finder pattern found near %v", want)
		}
	}
	codes, err := DecodeImage(context.Background(), img, Options{})
	if err != nil || len(codes) != 1 || codes[0].Text != "MECARD:N:測試;;" {
		t.Errorf("got %v, %v", texts(codes), err)
	}
}

// Photos of a symbol on bent paper (zxing-cpp's samples qrcode-3/22,
// qrcode-4/30 and 4/33), enlarged twice as the ladder does: no single
// perspective fits its columns, but the timing patterns say where each one
// is.
func TestCurvedSymbol(t *testing.T) {
	for name, c := range map[string]struct {
		want string
		bin  binarizer
	}{
		"qrcode-3_22.webp": {"UI office hours signup\r\nhttp://www.corp.google.com/sparrow/ui_office_hours/ \r\n", hybrid},
		"qrcode-4_30.webp": {"http://code.google.com", global},
		"qrcode-4_33.webp": {"http://code.google.com", global},
	} {
		want := c.want
		img, err := Load(shared.Path(t, "corpus", "zxing-qr", name))
		if err != nil {
			t.Fatal(err)
		}
		if gozxingReads(img) {
			t.Errorf("%s: gozxing reads it by itself; the test shows nothing", name)
		}
		p := PlaneOf(img, Luma).Scale(2)
		src, err := gozxing.NewPlanarYUVLuminanceSource(p.Pix, p.W, p.H, 0, 0, p.W, p.H, false)
		if err != nil {
			t.Fatal(err)
		}
		var m *gozxing.BitMatrix
		if c.bin == global {
			m, err = gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
		} else {
			m, err = gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		}
		if err != nil {
			t.Fatal(err)
		}
		info, err := qrdetector.NewFinderPatternFinder(m, nil).Find(map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
		if err != nil {
			t.Fatalf("%s: no finder patterns: %v", name, err)
		}
		if c, ok := fitGrid(m, nil, info, false); ok {
			t.Errorf("%s: one perspective reads %q; the test shows nothing", name, c.Text)
		}
		if c, ok := fitGrid(m, nil, info, true); !ok || c.Text != want {
			t.Errorf("%s: along the timing patterns: %q, %v", name, c.Text, ok)
		}
		codes, err := DecodeImage(context.Background(), img, Options{})
		if err != nil || len(codes) != 1 || codes[0].Text != want {
			t.Errorf("%s: got %v, %v", name, texts(codes), err)
		}
	}
}

// A fit nearly singular where the alignment pattern should be (a sheet
// seen nearly edge on) gives modules larger than the picture, or puts the
// pattern outside it: nothing is searched, and no window that size is
// allocated.
func TestFindAlignmentDegenerateFit(t *testing.T) {
	m, err := gozxing.NewBitMatrix(400, 300)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []Homography{
		{1e6, 0, 0, 0, 1e6, 0, 0, 0, 1},
		{4, 0, 50, 0, 4, 50, 1e-9, 0, 1e-7},
		{4, 0, 5000, 0, 4, 5000, 0, 0, 1},
	} {
		if _, ok := findAlignment(m, Point{200, 150}, h, 18); ok {
			t.Errorf("an alignment pattern found for the fit %v", h)
		}
	}
}

// A phone photo's code, out of focus and small (about three pixels a
// module): the detector finds it, but its lone dark modules blur lighter
// than the binariser's threshold and the bits do not decode. Sampled in
// the grey picture, each module against the modules about it, they do.
func TestGreyModulesBlurredPhoto(t *testing.T) {
	img, err := Load("testdata/blurred-photo-qr.png")
	if err != nil {
		t.Fatal(err)
	}
	codes, err := DecodeImage(context.Background(), img, Options{})
	const want = "01,10,033002101511,64175213,70359.32,20210715,55698479667096328818,26F6,"
	if err != nil || len(codes) != 1 || codes[0].Text != want {
		t.Fatalf("read %+v, %v; want %q", codes, err, want)
	}
}

// greyModules tells each module from the modules about it, not from one
// threshold: a dark module on a shadowed side of the symbol stays dark,
// a light one on the lit side light, and a symbol with no contrast gives
// nothing.
func TestGreyModules(t *testing.T) {
	const n = 21
	p := &Plane{W: n * 4, H: n * 4, Pix: make([]byte, n*n*16)}
	dark := func(x, y int) bool { return (x*7+y*3)%5 < 2 }
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			// Light falls off from left to right: paper 230 to 120,
			// ink 150 to 40.
			shade := 110 * x / p.W
			v := 230 - shade
			if dark(x/4, y/4) {
				v = 150 - shade
			}
			p.Pix[y*p.W+x] = byte(v)
		}
	}
	var centres []Point
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			centres = append(centres, Point{float64(x)*4 + 2, float64(y)*4 + 2})
		}
	}
	bits := greyModules(p, centres, n)
	if bits == nil {
		t.Fatal("no modules")
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if bits.Get(x, y) != dark(x, y) {
				t.Errorf("module %d,%d: dark %v, want %v", x, y, bits.Get(x, y), dark(x, y))
			}
		}
	}
	flat := &Plane{W: p.W, H: p.H, Pix: make([]byte, len(p.Pix))}
	for i := range flat.Pix {
		flat.Pix[i] = 200
	}
	if greyModules(flat, centres, n) != nil {
		t.Error("modules told apart on a plane of one grey")
	}
}
