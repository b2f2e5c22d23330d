package document

import (
	"context"
	"image"
	"image/draw"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Dot-matrix values as office scans show them, crops a number or a code
// was read from: each 0 has a dot inside and reads as a 6, 8 or 9 at the
// size the scan gives. Read again changed (smaller, its dots run together,
// cut to black and white), readings agree on the 0, and decide takes the
// value as read. An 8 the QR code has as a 0 is never read as one: the
// value stays missing, and nothing of the QR code is copied.
func TestReadDots(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	for _, c := range []struct {
		crop, misread, qr, want string
		clean                   func(string) string
	}{
		{"dots-number-zero.png", "79886913", "79086913", "79086913", cleanNumber},
		{"dots-code-zero.png", "035822001512", "035022001512", "035022001512", cleanCode},
		// The print is 08440303; a QR code with a 0 for its 8 is
		// another value, not a misreading of this one.
		{"dots-number-eight.png", "08440303", "00440303", "", cleanNumber},
	} {
		crop, _, _ := readCrop(t, c.crop)
		rs := []reading{{c.misread, 0.95}}
		if q := zeroSuspect(rs, nil, []string{c.qr}); q != c.qr {
			t.Errorf("%s: %s read for %s is not taken for a misread 0", c.crop, c.misread, c.qr)
			continue
		}
		reads := 0
		rs, _ = readDots(context.Background(), eng, crop, ocr.Digits, c.clean, rs, c.qr, func() { reads++ })
		if reads == 0 || reads > len(dotVariants)+1 {
			t.Errorf("%s: read %d times", c.crop, reads)
		}
		got, _ := decide(rs, []string{c.qr}, false)
		if c.want == "" && got == c.qr {
			t.Errorf("%s: took the QR code's %s for the print's %s: %v", c.crop, c.qr, c.misread, rs)
		} else if got != c.want {
			t.Errorf("%s: got %q, want %q (readings %v)", c.crop, got, c.want, rs)
		}
	}
}

// A dot-matrix 9 an office scan's number reads as a 3 at every size: the
// readings, unanimous, are one digit off the code's value, and the number
// is read again in the dot variants, which see the 9. A code whose value is
// one digit off the print where the print's digit is plain is not taken.
func TestReadDotsOneDigitOff(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	crop, _, _ := readCrop(t, "dots-number-nine.png")
	for _, c := range []struct{ qr, want string }{
		{"75980506", "75980506"},
		{"75380507", ""},
	} {
		rs := []reading{{"75380506", 0.97}, {"75380506", 0.95}}
		q := oneOffQR(rs, []string{c.qr})
		if q != c.qr {
			t.Errorf("%s: 75380506 not taken as one digit off it", c.qr)
			continue
		}
		rs, _ = readDots(context.Background(), eng, crop, ocr.Digits, cleanNumber, rs, q, func() {})
		if got, _ := decide(rs, []string{c.qr}, false); got == c.qr && c.want == "" || c.want != "" && got != c.want {
			t.Errorf("QR %s: got %q, want %q (readings %v)", c.qr, got, c.want, rs)
		}
	}
}

// A dot-matrix date as an office scan shows it: its 年, 月 and 日 run into
// the digits at a light cut and come apart in strokes at a dark one, so
// they are not found to be cut out, and read with digits only they add
// three digits (20189074288). Read as text, they part the date.
func TestDotsDateAsText(t *testing.T) {
	crop, v, em := readCrop(t, "dots-date.png")
	// As valueCrop reads a date: its digits where its marks are cut out,
	// else the whole as text.
	cs := ocr.Text
	if out := dateDigits(crop, crop.Bounds().Min, v, em); out != crop {
		crop, cs = out, ocr.Date
	}
	if got := lineText(t, crop, cs); cleanOCRDate(got) != "2018-07-28" {
		t.Errorf("read %q, printed 2018年07月28日", got)
	}
}

// A crop that is part of a larger picture (a line straightened, then cut
// to its rows) is cut to black and white by its own pixels, as a copy of
// it is.
func TestHalfCutPart(t *testing.T) {
	crop, _, _ := readCrop(t, "dots-number-zero.png")
	b := crop.Bounds()
	part := crop.SubImage(image.Rect(b.Min.X+3, b.Min.Y+2, b.Max.X-5, b.Max.Y-4)).(*image.Gray)
	own := image.NewGray(part.Bounds())
	draw.Draw(own, own.Bounds(), part, part.Bounds().Min, draw.Src)
	got, want := halfCut(part), halfCut(own)
	if got.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := want.Bounds().Min.Y; y < want.Bounds().Max.Y; y++ {
		for x := want.Bounds().Min.X; x < want.Bounds().Max.X; x++ {
			if got.GrayAt(x, y) != want.GrayAt(x, y) {
				t.Fatalf("pixel (%d, %d) is %d, %d in a copy", x, y, got.GrayAt(x, y).Y, want.GrayAt(x, y).Y)
			}
		}
	}
}

// A dot-matrix date, its digits cut out as a scan's date is read: the
// engine reads its 05's 0 as a 6, weighing a 0 for it, and its 16's 6 as
// the 6 it is, weighing no 0. Where the QR code has a 0 the weighed 0 is
// taken; a QR code with a 0 for the printed 6 does not make it one.
func TestWeighedZeros(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	crop, _, _ := readCrop(t, "dots-date-zero-six.png")
	gs, err := eng.Read(context.Background(), crop, ocr.Options{Charset: ocr.Date, Layout: ocr.Line, Alternatives: true})
	if err != nil {
		t.Fatal(err)
	}
	if txt, _ := joined(gs); txt != "20176516" {
		t.Fatalf("the crop reads %q; it was chosen for reading 20176516", txt)
	}
	for _, c := range []struct{ qr, want string }{
		{"20170516", "20170516"},
		{"2017-05-16", "20170516"},
		{"20170510", "20170516"}, // printed 16, not 10
		{"20176516", "20176516"},
		{"2017051", "20176516"}, // not as many digits: left as read
	} {
		if got, _ := joined(weighedZeros(gs, c.qr)); got != c.want {
			t.Errorf("QR %s: %q, want %q", c.qr, got, c.want)
		}
	}
	plain, err := eng.Read(context.Background(), crop, ocr.Options{Charset: ocr.Date, Layout: ocr.Line})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := joined(weighedZeros(plain, "20170516")); got != "20176516" {
		t.Errorf("read without alternatives: %q, want 20176516 as read", got)
	}
}

// A dot-matrix date as an office scan shows it, its marks cut out: the
// engine reads its 0s as 6s and 9s (26199425). Where a date can print
// only a 0 (the year's second digit, the month's first) the round glyph
// is that 0.
func TestDotsDateRoundZeros(t *testing.T) {
	crop, _, _ := readCrop(t, "dots-date-round-zeros.png")
	if got := lineText(t, crop, ocr.Date); cleanReadDate(got) != "2019-04-25" {
		t.Errorf("read %q, printed 2019年04月25日", got)
	}
}

// A crop's left edge cuts no glyph in two: the glyph it cuts is taken
// whole, from where its ink begins, its dots' gaps passed over. The line
// is a phone photo's number, 55252885, whose first 5 a crop cut.
func TestCropEdgeCutsNoGlyph(t *testing.T) {
	g, v, em := readCrop(t, "number-first-digit.png")
	dark, ok := darkLevel(g, 0.5)
	if !ok {
		t.Fatal("no print")
	}
	y0, y1 := int(v.box[1]), int(v.box[3])
	inked := func(x int) bool { return columnInked(g, x, y0, y1, dark) }
	// The first digit begins at the first inked column after paper (the
	// crop's first column has a speck of the caption).
	first := -1
	for x := 1; x < g.Bounds().Dx() && first < 0; x++ {
		if inked(x) && !inked(x-1) {
			first = x
		}
	}
	if first < 0 {
		t.Fatal("no digit after paper")
	}
	left := func(edge int) (int, bool) {
		sub := g.SubImage(image.Rect(max(0, edge-int(em)), y0, edge+1, y1)).(*image.Gray)
		x, ok := cutGlyphLeft(sub, em)
		return sub.Bounds().Min.X + x, ok
	}
	for _, in := range []float64{0.2, 0.35, 0.5} {
		if x, ok := left(first + int(in*em)); !ok || x != first {
			t.Errorf("edge %.2f em into the first digit: glyph from %d, %v; it begins at %d", in, x, ok, first)
		}
	}
	if x, ok := left(first - 4); ok {
		t.Errorf("edge in the paper left of the first digit taken for one cut at %d", x)
	}
}

// A 数电 photo's number, printed in a font whose zeros have a dot in them
// (25112000000743496220): every reading gives its last 0 as a 6, surely.
// What the engine reads of a dotted zero is no difference from the QR code:
// the number is missing, not different, on a 数电 form as on a 税控 one.
func TestDottedZeroNoDifference(t *testing.T) {
	r := cropReader(t, "number-digital-dotted-zero.png")
	qr := "01,31,,25112000000743496220,38820.74,20250916,,5922"
	r.opt.QR, r.hint = &imaging.Code{Text: qr}, payload.Parse(qr)
	v := val{s: "25112000000743496226", box: [4]float64{239, 148, 514, 166}, conf: 0.99}
	if got, _ := r.settle(fieldOf(t, keyNumber), v); got != "" && got != "25112000000743496220" {
		t.Errorf("number read %q: a dotted 0 taken for a 6", got)
	}
}
