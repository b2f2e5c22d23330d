package document

import (
	"context"
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"golang.org/x/image/font"
)

// The paper adds up: a tax, amount or total read where it cannot be is
// dropped (missing), and which one is told by the others, by the QR code's
// amount and by a 0 read as a 6, 8 or 9; values that add up, or that
// cannot be told apart, stay as they were read.
func TestSumsMisread(t *testing.T) {
	sure := map[string]float64{keyAmount: 0.95, keyTax: 0.95, keyTotal: 0.95}
	for _, c := range []struct {
		name    string
		a, t, s string
		qr      string
		conf    map[string]float64
		want    []string
	}{
		{"adds up", "155934.87", "20271.53", "176206.40", "155934.87", sure, nil},
		{"adds up, forged amount", "2439.66", "146.38", "2586.04", "2339.66", sure, nil},
		{"tax a piece of the amount", "155934.87", "934.87", "176206.40", "155934.87", sure, []string{keyTax}},
		{"tax a piece of the amount, no total", "155934.87", "934.87", "", "", sure, []string{keyTax}},
		{"tax read the total's print", "", "9289.00", "9289.00", "8651.06", sure, []string{keyTax}},
		{"tax above the highest rate", "1049.88", "1049.88", "", "", sure, []string{keyAmount, keyTax}},
		{"amount read the tax's print, total tells", "1049.88", "1049.88", "9125.50", "", sure, []string{keyAmount}},
		{"amount read the tax's print, QR confirms the tax's pair", "8075.62", "8075.62", "", "8075.62", sure, []string{keyTax}},
		{"0 of the tax read as 6", "", "7.86", "267.86", "260.06", sure, []string{keyTax}},
		{"0 of the tax read as 6, all three", "260.06", "7.86", "267.86", "260.06", sure, []string{keyTax}},
		{"0 of the amount read as 8", "40688.63", "3017.84", "43626.47", "", sure, []string{keyAmount}},
		{"tax whose 6 is a 6", "", "7.86", "267.92", "260.06", sure, nil},
		{"amount above its total", "9289.00", "", "637.94", "", sure, []string{keyAmount, keyTotal}},
		{"amount too small for its total", "8000.00", "", "14804.50", "", sure, []string{keyAmount, keyTotal}},
		{"amount read the tax's print, no tax", "1049.88", "", "14804.50", "13754.62", sure, []string{keyAmount}},
		{"amount above its total, QR confirms it", "9289.00", "", "637.94", "9289.00", sure, []string{keyTotal}},
		{"tax-free", "500.00", "", "500.00", "500.00", sure, nil},
		{"tax and total the QR's amount does not join", "", "7327.74", "129457.37", "122129.60", sure, []string{keyTax}},
		{"tax and total the QR's amount joins", "", "7327.77", "129457.37", "122129.60", sure, nil},
		{"tax and total, the QR carries the total", "", "499.33", "6047.39", "6047.39", sure, nil},
		{"tax alone, of no rate of the QR's amount", "", "934.87", "", "168562.92", sure, []string{keyTax}},
		{"tax alone, no QR amount", "", "934.87", "", "", sure, []string{keyTax}},
		{"tax alone, of a rate of the QR's amount", "", "75.62", "", "581.68", sure, nil},
		{"0 of the tax read as 6, no total: its rate tells", "100560.22", "9650.42", "", "100560.22", sure, []string{keyTax}},
		{"0 of the tax read as 6, no amount: its rate tells", "", "1360.00", "11300.00", "", sure, []string{keyTax}},
		{"tax of its rate, no total", "100560.22", "9050.42", "", "", sure, nil},
		{"tax of two rates, no total", "1000.00", "95.00", "", "", sure, nil},
		{"red-letter invoice", "-100.00", "-13.00", "-113.00", "-100.00", sure, nil},
		{"does not add up, least sure dropped", "100.00", "13.00", "114.00", "",
			map[string]float64{keyAmount: 0.95, keyTax: 0.6, keyTotal: 0.95}, []string{keyTax}},
		{"does not add up, all sure", "100.00", "13.00", "114.00", "", sure, nil},
		{"a 3 of the tax read as 8, all sure", "4552.11", "273.18", "4825.24", "4552.11", sure, []string{keyTax}},
		{"a 0 of the tax read as 4, all sure", "49530.69", "4011.34", "53541.99", "49530.69", sure, []string{keyTax}},
		{"a 3 read as 8 in the tax or in the total: not told", "100.00", "13.00", "118.00", "100.00", sure, nil},
		{"does not add up, the QR's value stays", "100.00", "13.00", "114.00", "100.00",
			map[string]float64{keyAmount: 0.5, keyTax: 0.95, keyTotal: 0.8}, []string{keyTotal}},
	} {
		got := sumsMisread(c.a, c.t, c.s, c.qr, c.conf)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: dropped %v, want %v", c.name, got, want)
		}
	}
}

func TestLostDecimals(t *testing.T) {
	for s, want := range map[string]int{"22924.25": 0, "22924.2": 1, "22924.": 2, "22924": 3, "¥2627.": 2, "-5.2-": 1} {
		if got := lostDecimals(s); got != want {
			t.Errorf("lostDecimals(%q) = %d, want %d", s, got, want)
		}
	}
}

// A total whose last digits the caption reading lost (under a seal's ring)
// is read again in a box that reaches its two decimals.
func TestAmountReadToItsDecimals(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	p := newPaper(t, 130)
	p.text(0.5, 0.5, "¥22924.25")
	s := 130.0
	em := 0.18 * s
	yen := font.MeasureString(p.faces[1], "¥").Ceil()
	lost := font.MeasureString(p.faces[1], "¥22924.").Ceil()
	box := [4]float64{s + float64(yen), s - 0.75*em, s + float64(lost), s + 0.05*em}
	r := &paperReader{ctx: context.Background(), eng: eng, src: imaging.PlaneOf(p.img, imaging.Luma),
		toSrc: imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1}}
	var f ocrField
	for _, x := range ocrFields {
		if x.key == keyTotal {
			f = x
		}
	}
	if got, _ := r.settle(f, val{s: "22924.", box: box, conf: 0.9}); got != "22924.25" {
		t.Errorf("total read %q, printed 22924.25", got)
	}
}

// readCrop reads a crop of an office scan as settle cut it: em is the
// value's height, the crop's margins settle's first (0.4, 0.3, 0.6, 0.3
// em), so that the value's box is known in it.
func readCrop(t *testing.T, name string) (*image.Gray, val, float64) {
	t.Helper()
	img, err := imaging.Load(filepath.Join("testdata", "ocr", name))
	if err != nil {
		t.Fatal(err)
	}
	g := imaging.PlaneOf(img, imaging.Luma).Image()
	b := g.Bounds()
	em := float64(b.Dy()) / 1.6
	return g, val{box: [4]float64{0.4 * em, 0.3 * em, float64(b.Dx()) - 0.6*em, float64(b.Dy()) - 0.3*em}}, em
}

// A date on a 100 dpi scan whose 日 is narrower than its 年 and 月 and
// barely wider than its blurred 0 and 9: the three widest runs are not
// its marks, its order tells them. The crop is one a scan's date was
// read from, digits and marks together, misread "20199098148".
func TestDateDigitsNarrowDay(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	crop, v, em := readCrop(t, "date-narrow-day.png")
	out := dateDigits(crop, crop.Bounds().Min, v, em)
	if out == crop {
		t.Fatal("the marks were not found")
	}
	gs, err := eng.Read(context.Background(), out, ocr.Options{Charset: ocr.Date, Layout: ocr.Line})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := joined(gs); cleanOCRDate(got) != "2019-09-14" {
		t.Errorf("read %q, printed 2019年09月14日", got)
	}
}

// A dot-matrix invoice's totals band, as a 100 dpi scan shows it: the
// tax (¥9832.38) printed down across the 合计 row's bottom ruling line.
// Read sparsely, the engine loses it with the line it touches; with the
// lines taken out it reads it, and the amount still.
func TestUnruleSums(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	img, err := imaging.Load(filepath.Join("testdata", "ocr", "sums-on-rules.png"))
	if err != nil {
		t.Fatal(err)
	}
	p := imaging.PlaneOf(img, imaging.Luma)
	read := func() string {
		gs, err := eng.Read(context.Background(), p.Image(), ocr.Options{Charset: ocr.Text, Layout: ocr.Sparse})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := joined(gs)
		return s
	}
	if s := read(); strings.Contains(s, "9832.38") {
		t.Logf("the tax read with its line: %q", s)
	}
	unrule(p, frameEm)
	s := read()
	for _, want := range []string{"117698.83", "9832.38"} {
		if !strings.Contains(s, want) {
			t.Errorf("read %q without the lines: no %s", s, want)
		}
	}
}
