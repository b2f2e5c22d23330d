package ocr

import (
	"context"
	"errors"
	"image"
	"image/draw"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// render draws text, px pixels tall, black on white, with a margin: a crop
// as a scan of an invoice gives it. Chinese in the bundled CJK font (it has
// no Latin letters), the rest in Go Regular.
func render(t *testing.T, text string, px float64) *image.Gray {
	t.Helper()
	data, err := os.ReadFile("../../assets/fonts/DroidSansFallbackFull.ttf")
	if err != nil {
		t.Fatal(err)
	}
	var faces [2]font.Face
	for i, ttf := range [][]byte{data, goregular.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		faces[i], err = opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			t.Fatal(err)
		}
		defer faces[i].Close()
	}
	faceOf := func(r rune) font.Face {
		if unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef {
			return faces[0]
		}
		return faces[1]
	}
	w := 0
	for _, r := range text {
		a, _ := faceOf(r).GlyphAdvance(r)
		w += a.Ceil()
	}
	img := image.NewGray(image.Rect(0, 0, w+int(px), int(2*px)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	dot := fixed.P(int(px/2), int(1.4*px))
	for _, r := range text {
		d := font.Drawer{Dst: img, Src: image.Black, Face: faceOf(r), Dot: dot}
		d.DrawString(string(r))
		dot = d.Dot
	}
	return img
}

func engine(t *testing.T) Engine {
	t.Helper()
	e, err := Default()
	if err != nil {
		// The engine is part of the build: CI installs Tesseract.
		t.Fatalf("no OCR engine: %v", err)
	}
	return e
}

func text(gs []Glyph) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.Text)
	}
	return b.String()
}

func TestReadCharsets(t *testing.T) {
	e := engine(t)
	ctx := context.Background()
	cases := []struct {
		text    string
		charset Charset
		want    string
	}{
		{"27259564", Digits, "27259564"},
		{"51001900311", Digits, "51001900311"},
		{"4164.54", Amount, "4164.54"},
		{"2025年09月12日", Date, "20250912"},
		{"2020年10月06日", Date, "20201006"},
		{"91511585MA8Y42K07L", TaxID, "91511585MA8Y42K07L"},
	}
	for _, c := range cases {
		img := render(t, c.text, 30)
		gs, err := e.Read(ctx, img, Options{Charset: c.charset, Layout: Line})
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		got := text(gs)
		if c.charset == Date && len(got) == len(c.want)+1 {
			// The closing 日 may come out as a digit (an 8): the date
			// reader cuts 年, 月 and 日 out of the crop before reading it.
			got = got[:len(c.want)]
		}
		if got != c.want {
			t.Errorf("read %q as %s: got %q", c.text, c.charset, got)
		}
		for _, g := range gs {
			if !g.Box.In(img.Bounds()) || g.Box.Empty() {
				t.Errorf("%q: glyph %q box %v outside the image %v", c.text, g.Text, g.Box, img.Bounds())
			}
			if g.Conf < 0 || g.Conf > 1 {
				t.Errorf("%q: confidence %v out of 0..1", c.text, g.Conf)
			}
		}
	}
}

// A check code printed in four groups of five reads as its twenty digits,
// each as sure as the engine is of it: the first digit of a group is not
// taken for unsure because a space stands before it.
func TestReadDigitGroups(t *testing.T) {
	e := engine(t)
	img := render(t, "90720 59469 69167 12268", 30)
	gs, err := e.Read(context.Background(), img, Options{Charset: Digits, Layout: Line})
	if err != nil {
		t.Fatal(err)
	}
	if got := text(gs); got != "90720594696916712268" {
		t.Fatalf("read %q", got)
	}
	for i, g := range gs {
		if g.Conf < 0.7 {
			t.Errorf("digit %d %q read with confidence %.2f", i, g.Text, g.Conf)
		}
	}
}

// Chinese captions come with one box per character, left to right.
func TestReadCaption(t *testing.T) {
	e := engine(t)
	img := render(t, "发票号码：27259564", 32)
	gs, err := e.Read(context.Background(), img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := text(gs)
	if !strings.Contains(got, "号码") || !strings.Contains(got, "27259564") {
		t.Fatalf("read %q", got)
	}
	for i := 1; i < len(gs); i++ {
		if gs[i].Box.Min.X < gs[i-1].Box.Min.X || gs[i-1].Box.Max.X > gs[i].Box.Min.X+2 {
			t.Errorf("boxes not left to right: %q %v then %q %v", gs[i-1].Text, gs[i-1].Box, gs[i].Text, gs[i].Box)
		}
	}
}

// A region is read in the coordinates of the image it was cut from.
func TestReadSubImageOffsets(t *testing.T) {
	e := engine(t)
	img := render(t, "36182988", 30)
	big := image.NewGray(image.Rect(0, 0, img.Bounds().Dx()+300, img.Bounds().Dy()+200))
	draw.Draw(big, big.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(big, img.Bounds().Add(image.Pt(300, 200)), img, image.Point{}, draw.Src)
	sub := big.SubImage(image.Rect(280, 180, big.Bounds().Dx(), big.Bounds().Dy())).(*image.Gray)
	gs, err := e.Read(context.Background(), sub, Options{Charset: Digits, Layout: Line})
	if err != nil {
		t.Fatal(err)
	}
	if text(gs) != "36182988" {
		t.Fatalf("read %q", text(gs))
	}
	if gs[0].Box.Min.X < 300 || gs[0].Box.Min.Y < 200 {
		t.Errorf("first box %v: not in the big image's coordinates", gs[0].Box)
	}
}

func TestReadEmptyAndCancelled(t *testing.T) {
	e := engine(t)
	blank := image.NewGray(image.Rect(0, 0, 200, 60))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	gs, err := e.Read(context.Background(), blank, Options{Charset: Digits, Layout: Line})
	if err != nil || len(gs) != 0 {
		t.Errorf("blank region: %v, %v", gs, err)
	}
	if gs, err := e.Read(context.Background(), image.NewGray(image.Rect(0, 0, 1, 1)), Options{}); err != nil || len(gs) != 0 {
		t.Errorf("1×1 image: %v, %v", gs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Read(ctx, blank, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestParseHOCR(t *testing.T) {
	h := `<div class='ocr_page'><span class='ocr_line' title="bbox 0 0 100 20">
<span class='ocrx_word' title='bbox 0 0 40 20; x_wconf 91'>
<span class='ocrx_cinfo' title='x_bboxes 0 0 40 20; x_conf 3.5'>发</span><span class='ocrx_cinfo' title='x_bboxes 20 0 40 20; x_conf 88'>票</span></span>
<span class='ocrx_word' title='bbox 50 0 90 20; x_wconf 97'><span class='ocrx_cinfo' title='x_bboxes 50 0 60 20; x_conf 99'>1</span><span class='ocrx_cinfo' title='x_bboxes 60 0 70 20; x_conf 98.5'>&amp;</span></span>
</span><span class='ocr_line' title="bbox 0 30 100 50"><span class='ocrx_word' title='bbox 0 30 10 50; x_wconf 80'><span class='ocrx_cinfo' title='x_bboxes 0 30 10 50; x_conf 80'>2</span></span></span></div>`
	gs, err := parseHOCR(h)
	if err != nil {
		t.Fatal(err)
	}
	want := []Glyph{
		{"发", image.Rect(0, 0, 20, 20), 0.91, 0, nil}, // the word's confidence, the box cut at its neighbour
		{"票", image.Rect(20, 0, 40, 20), 0.88, 0, nil},
		{"1", image.Rect(50, 0, 60, 20), 0.99, 0, nil},
		{"&", image.Rect(60, 0, 70, 20), 0.985, 0, nil},
		{"2", image.Rect(0, 30, 10, 50), 0.80, 1, nil},
	}
	if len(gs) != len(want) {
		t.Fatalf("got %d glyphs %v, want %d", len(gs), gs, len(want))
	}
	for i := range want {
		g, w := gs[i], want[i]
		if g.Text != w.Text || g.Box != w.Box || g.Line != w.Line || g.Conf < w.Conf-1e-9 || g.Conf > w.Conf+1e-9 {
			t.Errorf("glyph %d: got %+v, want %+v", i, g, w)
		}
	}
	// A digit whose box starts where the one before it starts: it starts
	// where that one ends, so that sorting by position keeps the order.
	h = `<div class='ocr_page'><span class='ocr_line' title="bbox 0 0 100 20"><span class='ocrx_word' title='bbox 0 0 60 20; x_wconf 99'>
<span class='ocrx_cinfo' title='x_bboxes 0 0 13 20; x_conf 99'>1</span><span class='ocrx_cinfo' title='x_bboxes 14 0 28 20; x_conf 99'>9</span><span class='ocrx_cinfo' title='x_bboxes 14 0 41 20; x_conf 99'>4</span><span class='ocrx_cinfo' title='x_bboxes 42 0 55 20; x_conf 99'>9</span></span></span></div>`
	gs, err = parseHOCR(h)
	if err != nil {
		t.Fatal(err)
	}
	var xs []int
	for _, g := range gs {
		xs = append(xs, g.Box.Min.X)
	}
	if !slices.Equal(xs, []int{0, 14, 28, 42}) {
		t.Errorf("left edges %v, want [0 14 28 42]", xs)
	}
	// Bad input is an error or nothing, never a glyph made up.
	if gs, _ := parseHOCR("<div><span class='ocrx_cinfo' title='x_bboxes a b c d; x_conf 9'>x</span></div>"); len(gs) != 0 {
		t.Errorf("malformed box: %v", gs)
	}
	if gs, _ := parseHOCR("<div><span class='ocrx_cinfo' title='x_bboxes 1 2 3 4; x_conf 9'>x"); len(gs) != 0 {
		t.Errorf("truncated: %v", gs)
	}
}

// A read keeps Tesseract's OpenMP work on the thread that reads: libgomp
// is told so on that thread (its setting is kept per thread), whichever
// thread the goroutine runs on.
func TestReadIsSingleThreaded(t *testing.T) {
	e := engine(t)
	if openMPLevels() < 0 {
		t.Skip("Tesseract is built without libgomp here: nothing to keep on one thread")
	}
	if tt, ok := e.(*tesseract); !ok || !tt.serial {
		t.Skip("OMP_THREAD_LIMIT is set: the reads keep what it says")
	}
	done := make(chan int)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if _, err := e.Read(context.Background(), render(t, "发票号码", 24), Options{Charset: Text, Layout: Line}); err != nil {
			t.Error(err)
		}
		done <- openMPLevels()
	}()
	if n := <-done; n != 0 {
		t.Errorf("the reading thread's OpenMP max-active-levels is %d after a read, want 0", n)
	}
}

// Read with lstm_choice_mode, each character's span is followed by the
// characters the engine weighed for it: they become its Alts, without
// itself, and are no glyphs of their own. (The spans as Tesseract 5 writes
// them for a dot-matrix date whose 0 it read as a 6.)
func TestParseHOCRAlternatives(t *testing.T) {
	h := `<div class='ocr_page'><span class='ocr_line' title="bbox 10 13 139 34"><span class='ocrx_word' title='bbox 10 13 139 34; x_wconf 91'>
       <span class='ocrx_cinfo' title='x_bboxes 10 13 24 33; x_conf 99.490303'>2</span>
        <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
         <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 93.07206'>2</span>
         <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 0'>3</span>
        </span>
       <span class='ocrx_cinfo' title='x_bboxes 77 13 90 33; x_conf 99.1'>6</span>
        <span class='ocrx_cinfo' id='lstm_choices_1_1_5'>
         <span class='ocrx_cinfo' id='choice_1_1_15' title='x_confs 92.228745'>6</span>
         <span class='ocrx_cinfo' id='choice_1_1_16' title='x_confs 46.092037'>0</span>
         <span class='ocrx_cinfo' id='choice_1_1_17' title='x_confs 41.60574'>8</span>
        </span>
</span></span></div>`
	gs, err := parseHOCR(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 || gs[0].Text != "2" || gs[1].Text != "6" || gs[1].Box != image.Rect(77, 13, 90, 33) {
		t.Fatalf("glyphs %+v, want 2 and 6 with their boxes", gs)
	}
	if len(gs[0].Alts) != 1 || gs[0].Alts["3"] != 0 {
		t.Errorf("the 2's alternatives %v, want only 3 at 0", gs[0].Alts)
	}
	if a := gs[1].Alts; len(a) != 2 || math.Abs(a["0"]-0.46092037) > 1e-9 || math.Abs(a["8"]-0.4160574) > 1e-9 {
		t.Errorf("the 6's alternatives %v, want 0 at 0.46 and 8 at 0.42", a)
	}
}
