package document

import (
	"context"
	"image"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
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
		{"amount read the tax's print, total tells", "1049.84", "1049.84", "9125.50", "", sure, []string{keyAmount}},
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
		{"total the end of the sum, its 0 read as 9", "10090.03", "605.40", "9695.43", "10090.03", sure, []string{keyTotal}},
		{"total of another sum, no piece of it", "10090.03", "605.40", "10725.91", "10090.03", sure, nil},
		{"tax cut to the end of its digits, all three read", "555.96", "0.04", "606.00", "606.00", sure, []string{keyTax}},
		{"tax and total the QR's amount does not join", "", "7327.74", "129457.37", "122129.60", sure, []string{keyTax}},
		{"tax and total the QR's amount joins", "", "7327.77", "129457.37", "122129.60", sure, nil},
		{"tax and total, the QR carries the total", "", "499.33", "6047.39", "6047.39", sure, nil},
		{"tax alone, of no rate of the QR's amount", "", "934.87", "", "168562.92", sure, []string{keyTax}},
		{"tax alone, no QR amount", "", "934.87", "", "", sure, []string{keyTax}},
		{"tax alone, of a rate of the QR's amount", "", "75.62", "", "581.68", sure, nil},
		{"amount alone, a tax of the QR's amount", "422.24", "", "", "7037.28", sure, []string{keyAmount}},
		{"amount alone, a digit off the QR's amount", "7031.28", "", "", "7037.28", sure, nil},
		{"amount alone, forged, of no rate of the QR's amount", "4220.24", "", "", "7037.28", sure, nil},
		{"total alone, a tax of the QR's amount", "", "", "2443.80", "40730.06", sure, []string{keyTotal}},
		{"total alone, of the QR's amount and its tax", "", "", "46025.97", "40730.06", sure, nil},
		{"total alone, its 0 read as 9", "", "", "3719.39", "3500.37", sure, []string{keyTotal}},
		{"total alone, its 0 read as 9, QR carries the total", "", "", "3719.39", "3710.39", sure, []string{keyTotal}},
		{"total alone, of no rate, no 0 to mend", "", "", "3754.37", "3500.37", sure, nil},
		{"total left alone by its tax misread, its 0 read as 9", "", "218.82", "3719.39", "3500.37", sure, []string{keyTax, keyTotal}},
		{"tax alone, a jiao digit off its rate of the QR's amount", "", "312.09", "", "2407.68", sure, []string{keyTax}},
		{"0 of the tax read as 6, no total: its rate tells", "100560.22", "9650.42", "", "100560.22", sure, []string{keyTax}},
		{"0 of the tax read as 6, no amount: its rate tells", "", "1360.00", "11300.00", "", sure, []string{keyTax}},
		{"tax of its rate, no total", "100560.22", "9050.42", "", "", sure, nil},
		{"tax of two rates, no total", "1000.00", "95.00", "", "", sure, nil},
		{"tax below the lowest rate of its amount, no total", "94709.31", "4.94", "", "94709.31", sure, []string{keyTax}},
		{"tax of goods mostly of the lowest rate, no total", "10000.00", "52.10", "", "", sure, nil},
		{"tax a digit off its rate of its amount, no total", "40.92", "5.42", "", "", sure, []string{keyTax}},
		{"tax above the highest rate of what its total leaves, no amount", "", "3175.25", "6202.90", "", sure, []string{keyTax, keyTotal}},
		{"tax above the highest rate of what its total leaves, the QR confirms the total", "", "3175.25", "6202.90", "6202.90", sure, []string{keyTax}},
		{"red-letter invoice", "-100.00", "-13.00", "-113.00", "-100.00", sure, nil},
		{"does not add up, least sure dropped", "100.00", "13.00", "114.00", "",
			map[string]float64{keyAmount: 0.95, keyTax: 0.6, keyTotal: 0.95}, []string{keyTax}},
		{"does not add up, all sure", "100.00", "13.00", "114.00", "", sure, nil},
		{"a 3 of the tax read as 8, all sure", "4552.11", "273.18", "4825.24", "4552.11", sure, []string{keyTax}},
		{"a 0 of the tax read as 4, all sure", "49530.69", "4011.34", "53541.99", "49530.69", sure, []string{keyTax}},
		{"a 3 read as 8 in the tax or in the total: not told", "100.00", "13.00", "118.00", "100.00", sure, nil},
		{"a total below the amount the QR confirms", "179882.75", "16201.34", "156084.89", "179882.75", sure, []string{keyTotal}},
		{"a total above the amount the QR confirms and the highest rate", "179882.75", "16201.34", "356084.09", "179882.75", sure, []string{keyTotal}},
		{"a total below its amount, nothing confirms either", "179882.75", "16201.34", "156084.89", "", sure, nil},
		{"a tax of no rate, the other two make one of a rate", "1193.16", "5.41", "1348.27", "1348.27", sure, []string{keyTax}},
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
	f := fieldOf(t, keyTotal)
	if got, _ := r.settle(f, val{s: "22924.", box: box, conf: 0.9}); got != "22924.25" {
		t.Errorf("total read %q, printed 22924.25", got)
	}
}

// A dot-matrix total printed up against the rule above it: its digits and
// the rule are one blot of ink, of no glyph's size, and the caption
// reading gave only its first digit (the 2 of 24081.63). The print is
// followed where it inks the line's middle, and read to its end. The crop
// is an office scan's 价税合计 (小写) total, as the reading frame shows it.
func TestTotalRunTogetherReadToItsEnd(t *testing.T) {
	r := cropReader(t, "total-dots-joined.png")
	v := val{s: "2", box: [4]float64{28, 21, 39, 35}, conf: 0.9}
	if end := r.printRunsTo(v.box, 14); end < 128 || end > 140 {
		t.Errorf("print ends at %.0f, printed to about 134", end)
	}
	if got, _ := r.settle(fieldOf(t, keyTotal), v); got != "24081.63" {
		t.Errorf("total read %q, printed 24081.63", got)
	}
}

// A total whose box the caption reading cut short: a seal's ring
// touching its 7 lost it "8.67", and the box ends after "2740". It is
// read again in a box reaching as far as its print runs on, not just as
// far as three lost decimals would take. The crop is a clean print's
// 价税合计 row, as the reading frame shows it.
func TestAmountReadToItsEnd(t *testing.T) {
	r := cropReader(t, "total-cut-short.png")
	v := val{s: "2740", box: [4]float64{83, 37, 139, 57}, conf: 0.9}
	if end := r.printRunsTo(v.box, 20); end < 190 || end > 215 {
		t.Errorf("print ends at %.0f, printed to about 200", end)
	}
	if got, _ := r.settle(fieldOf(t, keyTotal), v); got != "27408.67" {
		t.Errorf("total read %q, printed 27408.67", got)
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

// lineText is what the engine reads in g as a single line of charset cs.
func lineText(t *testing.T, g *image.Gray, cs ocr.Charset) string {
	t.Helper()
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	gs, err := eng.Read(context.Background(), g, ocr.Options{Charset: cs, Layout: ocr.Line})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := joined(gs)
	return s
}

// A date on a 100 dpi scan whose 日 is narrower than its 年 and 月 and
// barely wider than its blurred 0 and 9: the three widest runs are not
// its marks, its order tells them. The crop is one a scan's date was
// read from, digits and marks together, misread "20199098148".
func TestDateDigitsNarrowDay(t *testing.T) {
	readDateDigits(t, "date-narrow-day.png", "2019-09-14")
}

// A clean dot-matrix print's date, 2021年01月02日, its marks close to
// the digits: the pale edge of the 年 beside the digits was kept with
// them, and read as a digit (202160102). Its digits are eight. (Its
// dotted 0s read as 6s or as themselves by turns: the QR code's date
// tells those, see zeroSuspect.)
func TestDateDigitsMarkEdges(t *testing.T) {
	crop, v, em := readCrop(t, "date-mark-edges.png")
	out := dateDigits(crop, crop.Bounds().Min, v, em)
	if out == crop {
		t.Fatal("the marks were not found")
	}
	got := reNonDigit.ReplaceAllString(lineText(t, out, ocr.Date), "")
	if len(got) != 8 || got[:4] != "2021" || got[6:] != "02" {
		t.Errorf("read %q, printed 2021年01月02日", got)
	}
}

// readDateDigits cuts the marks out of the date crop testdata/ocr/name
// (see readCrop) and reads its digits, which must be the date want.
func readDateDigits(t *testing.T, name, want string) {
	t.Helper()
	crop, v, em := readCrop(t, name)
	out := dateDigits(crop, crop.Bounds().Min, v, em)
	if out == crop {
		t.Fatal("the marks were not found")
	}
	if got := lineText(t, out, ocr.Date); cleanOCRDate(got) != want {
		t.Errorf("read %q, printed %s", got, want)
	}
}

// Dot-matrix invoices' totals bands: as a 100 dpi scan shows one, the
// tax (¥9832.38) printed down across the 合计 row's bottom ruling line;
// on a clean print, the amount (¥8593.16) and the tax (¥820.85) with
// their decimal points on that line. Read sparsely, the engine loses them
// with the line they touch; with the lines taken out, and the points on
// them kept, it reads them with their points, and the amount beside
// them still.
func TestUnruleSums(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	for _, c := range []struct {
		name  string
		sides bool
		want  []string
	}{
		{"sums-on-rules.png", false, []string{"117698.83", "9832.38"}},
		// The 6 of 8593.16 a column's side crosses is lost in the band,
		// and read in the amount's own box.
		{"sums-points-on-rules.png", false, []string{"8593.1", "820.85"}},
		// A 100 dpi scan's dot-matrix amount, its 4 on a column's side,
		// and its tax across the form's frame. The columns run from the
		// band's top down to the 合计 row's bottom rule, shorter than a
		// rule along a row must be: they are taken out with the sides.
		{"sums-column-sides.png", true, []string{"1439.54", "241.09"}},
	} {
		img, err := imaging.Load(filepath.Join("testdata", "ocr", c.name))
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
		t.Logf("%s: read with the lines: %q", c.name, read())
		unrule(p, frameEm, c.sides)
		s := read()
		for _, want := range c.want {
			if !strings.Contains(s, want) {
				t.Errorf("%s: read %q without the lines: no %s", c.name, s, want)
			}
		}
	}
}

// A column's side running from the band's top down to the 合计 row, 5 em,
// and passing through a digit, on a photo's grey paper: the side is taken
// out and painted with the paper beside it, the digit where it crosses it
// is left, and print (a stroke an em tall, a dash 2 em long) is left.
// Without sides, the side is left, and a rule along a row is painted white.
func TestUnruleColumnSide(t *testing.T) {
	const em, paper, ink = 20, 226, 60
	draw := func() *imaging.Plane {
		p := &imaging.Plane{W: 200, H: 140, Pix: make([]uint8, 200*140)}
		fill := func(x0, y0, x1, y1 int, v uint8) {
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					p.Pix[y*p.W+x] = v
				}
			}
		}
		fill(0, 0, p.W, p.H, paper)
		fill(100, 0, 103, 5*em, ink)     // the column's side
		fill(92, 60, 110, 80, ink)       // a digit on it
		fill(20, 40, 23, 40+em, ink)     // a stroke of print
		fill(40, 110, 40+2*em, 113, ink) // a dash
		return p
	}
	q := draw()
	for x := range q.W {
		q.Pix[130*q.W+x] = ink // a rule along a row
	}
	if unrule(q, em, false) || q.Pix[30*q.W+101] != ink {
		t.Error("a column's side taken out without sides")
	}
	if v := q.Pix[130*q.W+10]; v != 240 {
		t.Errorf("a rule along a row taken out without sides painted %d, want white", v)
	}
	p := draw()
	if !unrule(p, em, true) {
		t.Error("no column's side taken out")
	}
	at := func(x, y int) uint8 { return p.Pix[y*p.W+x] }
	for _, y := range []int{0, 30, 55, 90} {
		if v := at(101, y); v != paper {
			t.Errorf("the column's side at y %d is %d, want the paper's %d", y, v, paper)
		}
	}
	for _, c := range [][2]int{{101, 70}, {95, 70}, {21, 50}, {50, 111}} {
		if v := at(c[0], c[1]); v != ink {
			t.Errorf("print at %v taken out: %d", c, v)
		}
	}
}

// fieldOf is the field the value of key is settled as.
func fieldOf(t *testing.T, key string) ocrField {
	t.Helper()
	for _, f := range ocrFields {
		if f.key == key {
			return f
		}
	}
	t.Fatalf("no %s field", key)
	return ocrField{}
}

// cropReader reads values again on the crop testdata/ocr/name, taken as the
// anchored reading frame itself.
func cropReader(t *testing.T, name string) *paperReader {
	t.Helper()
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	img, err := imaging.Load(filepath.Join("testdata", "ocr", name))
	if err != nil {
		t.Fatal(err)
	}
	return &paperReader{ctx: context.Background(), eng: eng, src: imaging.PlaneOf(img, imaging.Luma),
		toSrc: imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1}, anchored: true}
}

// On a blurred photo the 价税合计 row's caption and its (小写) total fall
// on two lines half a line apart, the (小写) caption garbled: the total is
// the last amount right of the caption on its row. The crop is a photo's
// 合计 and 价税合计 rows as the totals band read them.
func TestTotalOnItsCaptionsRow(t *testing.T) {
	r := cropReader(t, "sums-row-apart.png")
	gs, err := r.eng.Read(r.ctx, r.src.Image(), ocr.Options{Charset: ocr.Text, Layout: ocr.Sparse})
	if err != nil {
		t.Fatal(err)
	}
	p, vs := readFields(pageText{glyphs: flatten(gs, image.Point{}), ocr: true})
	if p.Total != "96518.36" {
		for _, l := range buildLines(pageText{glyphs: flatten(gs, image.Point{}), ocr: true}) {
			t.Logf("line %.0f-%.0f: %s", l.y0, l.y1, string(l.norm))
		}
		t.Errorf("total %q, printed 96518.36 (%q read)", p.Total, vs[keyTotal].s)
	}
}

// A total whose glyphs' boxes a seal's ring stretched to two lines' height
// is read again in a box of the print's height: in one of its own height
// the crops hold the rows around it and read nothing.
func TestTotalTallBoxReadAgain(t *testing.T) {
	r := cropReader(t, "total-tall-box.png")
	// The invoice's code carries the amount before tax: the total's
	// readings must agree.
	qr := "01,10,037001800711,13051877,42670.08,20180112,96475809498740791132,2AEE,"
	r.opt.QR, r.hint = &imaging.Code{Text: qr}, payload.Parse(qr)
	v := val{s: "45353.99", box: [4]float64{1273, 130, 1388, 182}, conf: 0.98}
	if got, _ := r.settle(fieldOf(t, keyTotal), v); got != "45353.99" {
		t.Errorf("total read %q, printed 45353.99", got)
	}
}

// A total read two ways (its first 2 lost beside the ¥ in some crops, as
// on a photo) is the reading the amount and tax read add up to.
func TestSumConfirms(t *testing.T) {
	rs := []reading{{"26727.54", 0.96}, {"6727.54", 0.9}, {"6727.54", 0.9}}
	for _, c := range []struct {
		name string
		rs   []reading
		qr   []string
		sum  string
		want string
	}{
		{"a reading is the sum", rs, nil, "26727.54", "26727.54"},
		{"no sum", rs, nil, "", ""},
		{"no reading is the sum", rs, nil, "26727.55", ""},
		{"the reading of the sum unsure", []reading{{"26727.54", 0.1}, {"6727.54", 0.9}}, nil, "26727.54", ""},
		{"a QR value read: decide's", rs, []string{"6727.54"}, "26727.54", ""},
	} {
		got, _, ok := sumConfirms(c.rs, c.qr, c.sum)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: %q %v, want %q", c.name, got, ok, c.want)
		}
	}
	if s := paperSum("25150.41", "1577.13"); s != "26727.54" {
		t.Errorf("paperSum = %q", s)
	}
	if s := paperSum("25150.41", "***"); s != "" {
		t.Errorf("paperSum with no tax = %q", s)
	}
}

// A dot-matrix total whose 0s every crop read as 9s, where a reading
// that lost its first digits kept them: between them the readings give
// every digit of the sum of the amount and the tax, which is taken.
func TestSumPieced(t *testing.T) {
	crops := []reading{{"6626.00", 0.95}, {"146626.90", 0.88}, {"146626.90", 0.93}}
	for _, c := range []struct {
		name string
		rs   []reading
		qr   []string
		sum  string
		want bool
	}{
		{"the 0 read by a piece", crops, nil, "146626.00", true},
		{"no sum", crops, nil, "", false},
		{"the piece unsure", []reading{{"6626.00", 0.5}, {"146626.90", 0.93}}, nil, "146626.00", false},
		{"the whole unsure", []reading{{"6626.00", 0.95}, {"146626.90", 0.5}}, nil, "146626.00", false},
		{"no reading of the 0", []reading{{"6626.90", 0.95}, {"146626.90", 0.93}}, nil, "146626.00", false},
		{"the piece's 0 elsewhere", []reading{{"6606.99", 0.95}, {"146626.90", 0.93}}, nil, "146626.00", false},
		{"another digit than a 0 differs", []reading{{"6626.00", 0.95}, {"146636.90", 0.93}}, nil, "146626.00", false},
		{"a piece without its point", []reading{{"662600", 0.95}, {"146626.90", 0.93}}, nil, "146626.00", false},
		{"a QR value read: decide's", crops, []string{"6626.00"}, "146626.00", false},
	} {
		if _, ok := sumPieced(c.rs, c.qr, c.sum); ok != c.want {
			t.Errorf("%s: %v, want %v", c.name, ok, c.want)
		}
	}
}

func TestPrintHeight(t *testing.T) {
	if b := printHeight([4]float64{10, 130, 100, 182}); b[1] != 156-0.6*frameEm || b[3] != 156+0.6*frameEm || b[0] != 10 || b[2] != 100 {
		t.Errorf("tall box %v", b)
	}
	if b := printHeight([4]float64{10, 100, 100, 121}); b != [4]float64{10, 100, 100, 121} {
		t.Errorf("box of the print's height changed: %v", b)
	}
}

// A photo's 合计 row as the totals band read it: a dot-matrix printer put
// the amount and the tax a line above their caption, and the engine read
// their ¥ signs as # and $. They are the row's two amounts right of the
// caption. Where the line above holds more (a goods row's price, rate and
// tax), it is not the row.
func TestSumsRowOffItsCaption(t *testing.T) {
	for above, want := range map[string][2]string{
		"#2564.60       $333.40":      {"2564.60", "333.40"},
		"#2564.60   13       $333.40": {"", ""},
	} {
		pt := pageText{ocr: true}
		placeRead(&pt, 197, 152, 21, "合")
		placeRead(&pt, 353, 152, 21, "计")
		placeRead(&pt, 1193, 128, 18, above)
		placeRead(&pt, 1209, 176, 19, "(小写)¥2898.00")
		p, _ := readFields(pt)
		if p.Amount != want[0] || p.Tax != want[1] {
			t.Errorf("%q above 合计: amount %q, tax %q, want %q", above, p.Amount, p.Tax, want)
		}
	}
}

// An amount in brackets on the 价税合计 row is its (小写) caption misread
// ("(45)"), not the total; the total on a line of its own below the
// caption, within the row, is.
func TestRowVals(t *testing.T) {
	mk := func(s string, x, y0, y1 float64) []glyph {
		var gs []glyph
		for _, r := range s {
			gs = append(gs, glyph{r: r, x0: x, x1: x + 10, y0: y0, y1: y1})
			x += 11
		}
		return gs
	}
	var gs []glyph
	gs = append(gs, mk("价税合计(XS)(45)", 0, 100, 120)...)
	lines := buildLines(pageText{glyphs: gs, ocr: true})
	h := findLabels(lines, reOCRTotalRow, "")
	if len(h) != 1 {
		t.Fatalf("caption found %d times", len(h))
	}
	if vs := rowVals(lines, h[0]); len(vs) != 0 {
		t.Errorf("bracketed caption read as %q", vs[0].s)
	}
	gs = append(gs, mk("¥1555.06", 400, 112, 134)...)
	gs = append(gs, mk("¥9.99", 400, 140, 160)...) // the next row
	lines = buildLines(pageText{glyphs: gs, ocr: true})
	h = findLabels(lines, reOCRTotalRow, "")
	if vs := rowVals(lines, h[0]); len(vs) != 1 || vs[0].s != "1555.06" {
		t.Errorf("row read %v, want the total 1555.06", vs)
	}
	// A dot-matrix total printed most of a line above its caption (the
	// band kept only its ¥2): it is the row's last amount, right of a
	// figure misread in the amount in words.
	gs = mk("价税合计(大写)", 0, 100, 120)
	gs = append(gs, mk("3", 200, 98, 116)...)
	gs = append(gs, mk("¥2", 400, 80, 98)...)
	lines = buildLines(pageText{glyphs: gs, ocr: true})
	h = findLabels(lines, reOCRTotalRow, "")
	if vs := rowVals(lines, h[0]); len(vs) == 0 || vs[len(vs)-1].s != "2" {
		t.Errorf("row read %v, want the total after the ¥ last", vs)
	}
}

// Dates on blurred photos whose neighbours blur joins: the 0 and 6 of
// 06 (2024年06月11日), the 1 and 月 of 01月 (2022年01月10日), come as one
// run of inked columns at every cut that keeps the digits whole. Parted
// where their ink is thinnest, the date's order shows its marks. The
// crops are two photos' dates as settle cut them, misread "2024068118"
// and "2022018108" whole.
func TestDateDigitsJoinedByBlur(t *testing.T) {
	for name, want := range map[string]string{"date-joined-digits.png": "2024-06-11", "date-joined-mark.png": "2022-01-10"} {
		crop, v, em := readCrop(t, name)
		out := dateDigits(crop, crop.Bounds().Min, v, em)
		if out == crop {
			t.Errorf("%s: the marks were not found", name)
			continue
		}
		if got := lineText(t, out, ocr.Date); cleanOCRDate(got) != want {
			t.Errorf("%s: read %q, printed %s", name, got, want)
		}
	}
}

// A run as wide as two digits is parted between them; a mark, 1.6 digits
// wide, is not.
func TestPartJoined(t *testing.T) {
	// Digits 10 wide with a gap of 2, a mark 16 wide; "06" touching.
	img := image.NewGray(image.Rect(0, 0, 120, 20))
	for i := range img.Pix {
		img.Pix[i] = 240
	}
	ink := func(x0, x1 int) {
		for x := x0; x < x1; x++ {
			for y := 2; y < 18; y++ {
				img.Pix[y*img.Stride+x] = 40
			}
		}
	}
	ink(0, 10)
	ink(12, 22)
	ink(24, 40) // a mark
	ink(42, 52)
	ink(52, 62)                    // two digits touching
	img.Pix[10*img.Stride+52] = 40 // joined by a thin stroke only
	for y := 2; y < 18; y++ {
		if y != 10 {
			img.Pix[y*img.Stride+52] = 240
		}
	}
	ink(64, 74)
	runs := [][2]int{{0, 10}, {12, 22}, {24, 40}, {42, 62}, {64, 74}}
	got := partJoined(img, 0, 20, 120, runs, 20)
	want := [][2]int{{0, 10}, {12, 22}, {24, 40}, {42, 52}, {53, 62}, {64, 74}}
	if !slices.Equal(got, want) {
		t.Errorf("parted %v, want %v", got, want)
	}
}

// Dot-matrix amounts printed across the form's ruling lines, as cut for
// reading: a tax whose middle the 合计 row's bottom line strikes through
// and whose 7 a column's side does (read 36844 as cut: its 1 and point
// lost in the lines), a total whose point the line runs through (read
// 97.3, 973). With the lines taken out, and the glyphs bridged across
// them, they read as printed, the point of the total as a dash. A crop no
// line crosses is left as it is.
func TestUnruleCrop(t *testing.T) {
	read := func(g *image.Gray) string {
		return cleanAmount(unstruck(lineText(t, g, ocr.Amount)))
	}
	for _, c := range []struct{ crop, want string }{
		{"tax-struck-by-rules.png", "1368.47"},
		{"total-point-on-rule.png", "97.37"},
		// A line under a dot-matrix 6 reads it as a 4 at every size.
		{"amount-six-on-rule.png", "7202.65"},
	} {
		crop, _, em := readCrop(t, c.crop)
		if s := read(crop); s == c.want {
			t.Logf("%s: read %q with the lines", c.crop, s)
		}
		u := unruleCrop(crop, em)
		if u == crop {
			t.Errorf("%s: no ruling line found across the value", c.crop)
			continue
		}
		if s := read(u); s != c.want {
			t.Errorf("%s: read %q without the lines, want %s", c.crop, s, c.want)
		}
	}
	for _, name := range []string{"dots-number-zero.png", "date-narrow-day.png"} {
		g, _, em := readCrop(t, name)
		if unruleCrop(g, em) != g {
			t.Errorf("%s: a line found where none crosses the value", name)
		}
	}
}

// An amount whose readings read another digit is kept where the paper's
// sums confirm it, and dropped where they cannot.
func TestContestedKeptBySums(t *testing.T) {
	if !contested("168027.32", []string{"16802782", "16802732"}) || contested("168027.32", []string{"168027.32", "1680273"}) ||
		contested("55222.32", []string{"522232"}) || !contested("55222.32", []string{"5522232", "522237"}) {
		t.Fatal("contested digits not told")
	}
	// A first digit lost under the ¥ (80.74 for ¥380.74), not a ¥ read as a
	// 1 or a 4; a piece of the value the band read (35 of 3520.56) that is
	// no run of the crops' 20.56.
	if !bandContests("80.74", "38074") || bandContests("80.74", "18074") || bandContests("80.74", "8074") ||
		!bandContests("20.56", "35") || bandContests("3520.56", "35") || bandContests("20.56", "") {
		t.Fatal("digits lost at the start not told")
	}
	r := &paperReader{contested: map[string]bool{keyTax: true}}
	reads := map[string]FieldRead{keyAmount: {Confidence: 0.99}, keyTax: {Confidence: 0.99}, keyTotal: {Confidence: 0.99}}
	p := Printed{Amount: "1029.93", Tax: "133.89", Total: "1163.82"}
	r.crossCheck(&p, reads)
	if p.Tax != "133.89" {
		t.Errorf("a contested tax the sums confirm was dropped")
	}
	p = Printed{Amount: "", Tax: "133.89", Total: "1163.82"}
	r.crossCheck(&p, reads)
	if p.Tax != "" || !reads[keyTax].Unsure {
		t.Errorf("a contested tax no sum confirms was kept: %q", p.Tax)
	}
	// A 税控 code's amount before tax, its printed amount not read
	// surely (a dotted 0 read as 4 and 8): the tax and the total read
	// add up to it.
	const code = "01,04,4400213620,15190458,1515.06,20211110,44543883918314774959,FC56,"
	r = &paperReader{contested: map[string]bool{keyTotal: true}, hint: payload.Parse(code)}
	payload.Check(r.hint, time.Now())
	reads = map[string]FieldRead{keyAmount: {Unsure: true}, keyTax: {Confidence: 0.99}, keyTotal: {Confidence: 0.98}}
	p = Printed{Tax: "196.96", Total: "1712.02"}
	if r.crossCheck(&p, reads); p.Total != "1712.02" {
		t.Errorf("a contested total the code's amount and the tax confirm was dropped")
	}
	p = Printed{Tax: "196.96", Total: "1712.92"}
	if r.crossCheck(&p, reads); p.Total != "" {
		t.Errorf("a contested total that does not add up was kept: %q", p.Total)
	}
	// A tax whose last digit is on the form's right rule, read to its
	// first decimal only (17974.5 for 17974.59): the amount and the total
	// leave a tax of those digits and one more.
	for _, c := range []struct {
		cut, total, want string
	}{
		{"17974.5", "225694.41", "225694.41"},
		{"17974.5", "225694.51", ""},
		{"17974.", "225694.41", ""},
		{"", "225694.41", ""},
	} {
		r = &paperReader{contested: map[string]bool{keyTotal: true}, cutTax: c.cut}
		reads = map[string]FieldRead{keyAmount: {Confidence: 0.99}, keyTax: {Unsure: true}, keyTotal: {Confidence: 0.97}}
		p = Printed{Amount: "207719.82", Total: c.total}
		if r.crossCheck(&p, reads); p.Total != c.want {
			t.Errorf("a contested total %s, the tax read %q: %q, want %q", c.total, c.cut, p.Total, c.want)
		}
	}
}

// A total read alone, where the code carries the amount before tax, is
// that amount and a tax of at most the highest rate of it: one no rate
// reaches is not shown as read (a photo's 2726.40 read as 9726.40). A
// total the code carries (数电) is compared with it as read.
func TestTotalAloneOfNoRate(t *testing.T) {
	for _, c := range []struct {
		name, code, total, want string
	}{
		{"of a rate", "01,04,4400213620,15190458,2412.74,20211110,44543883918314774959,FC56,", "2726.40", "2726.40"},
		{"tax-free", "01,04,4400213620,15190458,2412.74,20211110,44543883918314774959,FC56,", "2412.74", "2412.74"},
		{"of no rate", "01,04,4400213620,15190458,2412.74,20211110,44543883918314774959,FC56,", "9726.40", ""},
		{"below the amount", "01,04,4400213620,15190458,2412.74,20211110,44543883918314774959,FC56,", "2126.40", ""},
		{"the code carries the total", "01,32,,24442000000578216121,2412.74,20241119,,A1B2", "9726.40", "9726.40"},
	} {
		r := &paperReader{hint: payload.Parse(c.code)}
		payload.Check(r.hint, time.Now())
		reads := map[string]FieldRead{keyTotal: {Confidence: 0.95}}
		p := Printed{Total: c.total}
		r.crossCheck(&p, reads)
		if p.Total != c.want || reads[keyTotal].Unsure != (c.want == "") {
			t.Errorf("%s: total %q (unsure %v), want %q", c.name, p.Total, reads[keyTotal].Unsure, c.want)
		}
	}
}

// A date the band read with its 8 as a 6 and its crop with the 8: the
// code's value is disputed, and a third reading, the digits cut out and
// half as large again, tells. The crop is a clean print's date as the
// reading frame shows it.
func TestDateDisputeReadAgain(t *testing.T) {
	r := cropReader(t, "date-disputed.png")
	const qr = "01,32,,25322000000248900215,11366.37,20250708,,1038"
	r.opt.QR, r.hint = &imaging.Code{Text: qr}, payload.Parse(qr)
	f := fieldOf(t, keyDate)
	v := val{s: "2025年07月06日", box: [4]float64{42, 32, 233, 53}, conf: 0.9}
	if got, _ := r.settle(f, v); got != "2025-07-08" {
		t.Errorf("date read %q, printed 2025-07-08", got)
	}
}

// altEngine reads every crop as text, but the one read with the engine's
// alternatives asked for (rereadDots's first) as alt.
type altEngine struct{ text, alt string }

func (e altEngine) Read(_ context.Context, img *image.Gray, opt ocr.Options) ([]ocr.Glyph, error) {
	s := e.text
	if opt.Alternatives {
		s = e.alt
	}
	return []ocr.Glyph{{Text: s, Box: img.Bounds(), Conf: 0.97}}, nil
}

func (altEngine) Name() string { return "alt" }

// A photo's invoice code 044001600111 whose first 0 the band and every crop
// read as a 2: one digit off the QR code's, it is read again changed (see
// rereadDots), and one variant gives the code's value, too few times to
// take it. A forger's digit reads as itself in every variant: the code is
// left unread, not different. Read so in every variant, it is different.
func TestDotsSawCodeValue(t *testing.T) {
	const qr = "01,04,044001600111,12345678,6943.10,20170415,,1A2B"
	f := fieldOf(t, keyCode)
	for _, c := range []struct{ alt, want string }{{"044001600111", ""}, {"244001600111", "244001600111"}} {
		r := &paperReader{
			ctx:      context.Background(),
			eng:      altEngine{"244001600111", c.alt},
			src:      &imaging.Plane{W: 400, H: 100, Pix: make([]byte, 400*100)},
			toSrc:    imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1},
			opt:      ImageOptions{QR: &imaging.Code{Text: qr}},
			hint:     payload.Parse(qr),
			anchored: true,
		}
		v := val{s: "244001600111", box: [4]float64{20, 20, 300, 40}, conf: 0.97}
		if got, _ := r.settle(f, v); got != c.want {
			t.Errorf("a variant read %s: code %q, want %q", c.alt, got, c.want)
		}
	}
}

// A QR code's amount confirms the printed value its type says it is: a
// 税控 code's the 合计 row's amount before tax, a 数电 code's the total;
// a type that does not say, either. (A dot-matrix 合计 amount printed just
// above (小写) was read as the total, confirmed by a 税控 code's amount.)
func TestQRAmountConfirmsItsOwnField(t *testing.T) {
	for _, c := range []struct {
		qr            string
		amount, total bool
	}{
		{"01,01,3100203150,07844784,44221.96,20211121,,EAD8", true, false},
		{"01,32,,24442000000578216121,9322.09,20241119,,A1B2", false, true},
	} {
		q := payload.Parse(c.qr)
		payload.Check(q, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		for _, f := range ocrFields {
			var want bool
			switch f.key {
			case keyAmount:
				want = c.amount
			case keyTotal:
				want = c.total
			default:
				continue
			}
			if got := f.qr(q, nil); (len(got) > 0) != want {
				t.Errorf("%s: the code's amount is given for %s: %v, want %v", c.qr, f.key, got, want)
			}
		}
	}
}

// An amount's line from six ems before the box the band reading gave it
// (rows 10 to 30 of the picture, print 20 pixels tall), each as a scan
// showed it: where the digits begin.
func TestDigitsStart(t *testing.T) {
	for _, c := range []struct {
		name       string
		at, y0, y1 int
		em         float64
		want       int
		what       string
	}{
		// ¥159.78 on the 价税合计 row's rule, its box from the 5: the
		// engine read the ¥ and the 1 as one shape and lost both.
		{"total-digits-after-yen.png", 120, 10, 30, 20, 110, "the 1 after the ¥"},
		// ¥253.40, its box's edge in the ¥'s last columns: the box begins
		// at the 2 already.
		{"amount-box-past-yen.png", 126, 11, 32, 21, 126, "the box as it is"},
		// A photo's ¥4348.61, its box from the 4: before it only the ¥ in
		// pieces and a speck of the caption's bracket, none a glyph tall.
		{"total-specks-before.png", 102, 9, 26, 17, 102, "the box as it is"},
	} {
		g, _, _ := readCrop(t, c.name)
		if got := digitsStart(g, c.at, c.y0, c.y1, c.em); got != c.want {
			t.Errorf("%s: digits from column %d, want %d (%s)", c.name, got, c.want, c.what)
		}
	}
}

// readingsOf lists readings given as text and confidence in turn.
func readingsOf(vs ...any) []reading {
	var out []reading
	for i := 0; i < len(vs); i += 2 {
		out = append(out, reading{vs[i].(string), vs[i+1].(float64)})
	}
	return out
}

// A tax read 14117.65 once and 14117.45 twice, a total read 192813.84
// three times, an amount the QR code's: the one reading of the tax that
// makes the sums add up is what is printed. Where two readings would, or
// the one that would is unsure, or the sums add up as settled, nothing is
// taken.
func TestSumsReading(t *testing.T) {
	p005 := map[string][]reading{
		keyAmount: readingsOf("178696.19", 0.98),
		keyTax:    readingsOf("14117.65", 0.99, "14117.45", 0.98, "14117.45", 0.98),
		keyTotal:  readingsOf("192813.84", 0.96, "192813.84", 0.92),
	}
	k, v, _, ok := sumsReading("178696.19", "14117.45", "192813.84", "178696.19", p005)
	if !ok || k != keyTax || v != "14117.65" {
		t.Errorf("got %s %q %v, want tax 14117.65", k, v, ok)
	}
	// The tax settled as missing (its readings disputed): the same.
	if k, v, _, ok := sumsReading("178696.19", "", "192813.84", "178696.19", p005); !ok || k != keyTax || v != "14117.65" {
		t.Errorf("tax missing: got %s %q %v, want tax 14117.65", k, v, ok)
	}
	unsure := maps.Clone(p005)
	unsure[keyTax] = readingsOf("14117.65", 0.6, "14117.45", 0.98)
	if _, _, _, ok := sumsReading("178696.19", "14117.45", "192813.84", "178696.19", unsure); ok {
		t.Error("a reading under minAgreed taken")
	}
	two := maps.Clone(p005)
	two[keyTotal] = readingsOf("192813.84", 0.96, "192813.64", 0.95)
	if _, _, _, ok := sumsReading("178696.19", "14117.45", "192813.84", "178696.19", two); ok {
		t.Error("taken where the tax's and the total's readings each make the sums")
	}
	if _, _, _, ok := sumsReading("178696.19", "14117.65", "192813.84", "178696.19", p005); ok {
		t.Error("taken where the sums add up as settled")
	}
	// An amount the QR code confirms is not read otherwise.
	amt := maps.Clone(p005)
	amt[keyAmount] = readingsOf("178696.39", 0.98)
	amt[keyTotal] = readingsOf("192814.04", 0.96)
	if _, _, _, ok := sumsReading("178696.19", "14117.65", "192814.04", "178696.19", amt); ok {
		t.Error("the QR code's amount read otherwise")
	}
}

// The GuoShuyin photo's tax, the frame's rule across its last 0: read
// 333.40 once, at 0, and 333.4 and 338.40 otherwise; the amount and the total
// read surely. The sums take the reading at 0 that adds up, and only for
// the one value missing: with the total missing too, or no reading adding
// up, nothing is taken.
func TestSumsMissingUnsure(t *testing.T) {
	rs := map[string][]reading{
		keyAmount: readingsOf("2564.60", 0.96),
		keyTax:    readingsOf("333.4", 0.8, "333.40", 0.0, "338.40", 0.5),
		keyTotal:  readingsOf("2898.00", 0.97, "2898.00", 0.95),
	}
	if k, v, _, ok := sumsReading("2564.60", "", "2898.00", "", rs); !ok || k != keyTax || v != "333.40" {
		t.Errorf("got %s %q %v, want tax 333.40", k, v, ok)
	}
	if k, v, _, ok := sumsReading("2564.60", "", "", "", rs); ok {
		t.Errorf("taken %s %q with the total missing too", k, v)
	}
	none := maps.Clone(rs)
	none[keyTax] = readingsOf("333.4", 0.8, "338.40", 0.5)
	if k, v, _, ok := sumsReading("2564.60", "", "2898.00", "", none); ok {
		t.Errorf("taken %s %q, no reading adding up", k, v)
	}
}

// A scan of a forged invoice (amount 18776.13 where the QR code has
// 19651.13): the amount read 18776.13 twice and 118776.13 (its ¥ as a 1),
// the total 20947.91 and 20547.91, both left missing, the tax settled. One
// choice of their readings adds up: both are taken. Where two choices do,
// or one reading in place of one value does (sumsReading's), or a choice
// would read the QR code's amount otherwise, nothing is.
func TestSumsReadings(t *testing.T) {
	p008 := map[string][]reading{
		keyAmount: readingsOf("", 0.98, "18776.13", 0.87, "118776.13", 0.87, "18776.13", 0.88),
		keyTax:    readingsOf("1771.78", 0.9, "1771.78", 0.99, "1771.48", 0.98),
		keyTotal:  readingsOf("20947.91", 0.88, "", 0.88, "20547.91", 0.91),
	}
	ch, ok := sumsReadings("", "1771.78", "", "19651.13", p008)
	if !ok || len(ch) != 2 || ch[keyAmount].s != "18776.13" || ch[keyTotal].s != "20547.91" {
		t.Errorf("got %v %v, want amount 18776.13 and total 20547.91", ch, ok)
	}
	two := maps.Clone(p008)
	two[keyAmount] = append(readingsOf("19176.13", 0.9), p008[keyAmount]...)
	two[keyTax] = append(readingsOf("1371.78", 0.9), p008[keyTax]...)
	if ch, ok := sumsReadings("", "1771.78", "", "19651.13", two); ok {
		t.Errorf("taken %v where two choices add up", ch)
	}
	if ch, ok := sumsReadings("18776.13", "1771.78", "", "19651.13", p008); ok {
		t.Errorf("taken %v where one reading in place of the total adds up", ch)
	}
	qr := maps.Clone(p008)
	qr[keyAmount] = readingsOf("18776.13", 0.9)
	if ch, ok := sumsReadings("19651.13", "", "", "19651.13", qr); ok {
		t.Errorf("taken %v in place of the QR code's amount", ch)
	}
}

// A scan's dot-matrix number 46379833 the band did not read and both crops
// read 46379633: one blurred digit off the QR code's, it is not taken.
// Read so by every reading, or off by a digit that does not blur into the
// code's (a forger's 4 for an 8), it is.
func TestBlurUnsure(t *testing.T) {
	qr := []string{"46379833"}
	for _, c := range []struct {
		got    string
		rs     []reading
		unsure bool
	}{
		{"46379633", []reading{{"", 0}, {"46379633", 0.97}, {"46379633", 0.94}}, true},
		{"46379633", []reading{{"46379633", 0.9}, {"46379633", 0.97}, {"46379633", 0.94}}, false},
		{"46379433", []reading{{"", 0}, {"46379433", 0.97}, {"46379433", 0.94}}, false},
		{"46379833", []reading{{"", 0}, {"46379833", 0.97}}, false},
		{"2025-11-26", []reading{{"2025-11-20", 0.9}, {"2025-11-26", 0.97}, {"2025-11-26", 0.94}}, true},
		{"2025-11-26", []reading{{"2025-11-26", 0.9}, {"2025-11-26", 0.97}}, false},
	} {
		if got := blurUnsure(c.got, c.rs, append(qr, "2025-11-20")); got != c.unsure {
			t.Errorf("%s from %v: unsure %v, want %v", c.got, c.rs, got, c.unsure)
		}
	}
}

// A dot-matrix date whose 8 every crop reads as a 6 (2018-06-18), where
// the band's glyphs, not read as a date (a mark read as a digit), hold the
// code's 20180818: not taken. A forger's date, which the band reads as
// printed, or one off by a digit that does not blur into the code's, is.
func TestBandSawQR(t *testing.T) {
	band := func(s string) val {
		var v val
		for _, r := range s {
			v.g = append(v.g, glyph{r: r})
		}
		return v
	}
	qr := []string{"2018-08-18"}
	for _, c := range []struct {
		got    string
		band   string
		unsure bool
	}{
		{"2018-06-18", "201808188", true},
		{"2018-06-18", "2018年08月18日", true},
		{"2018-06-18", "201806188", false},
		{"2018-06-18", "", false},
		{"2018-08-14", "201808188", false},
		{"2018-08-18", "201808188", false},
		{"", "201808188", false},
	} {
		if got := bandSawQR(c.got, band(c.band), qr); got != c.unsure {
			t.Errorf("%s, band %q: unsure %v, want %v", c.got, c.band, got, c.unsure)
		}
	}
}

// A photo's 合计 amount the caption reading gave for the total too: the
// two boxes are one. The amount and the tax beside it, or the total on the
// row below, are not.
func TestSameBox(t *testing.T) {
	amount := [4]float64{1010, 577, 1122, 600}
	for _, c := range []struct {
		b    [4]float64
		same bool
	}{
		{amount, true},
		{[4]float64{1012, 578, 1120, 601}, true},
		{[4]float64{1460, 577, 1560, 600}, false},
		{[4]float64{1150, 630, 1260, 652}, false},
		{[4]float64{1100, 577, 1200, 600}, false},
	} {
		if got := sameBox(amount, c.b); got != c.same {
			t.Errorf("%v: same %v, want %v", c.b, got, c.same)
		}
	}
	// A 数电 scan whose 价税合计 row the bands lost: the tax's box given
	// for the total too.
	tax := val{s: "17921.10", box: [4]float64{1478, 570, 1588, 591}}
	vs := map[string]val{keyAmount: {s: "200916.52", box: [4]float64{1070, 570, 1190, 592}}, keyTax: tax, keyTotal: tax}
	p := Printed{Amount: "200916.52", Tax: "17921.10", Total: "17921.10"}
	if boxedTwice(vs, &p); p.Total != "" || vs[keyTotal].s != "" {
		t.Errorf("a total boxed where the tax was kept: %q", p.Total)
	}
	vs[keyTotal] = val{s: "218837.62", box: [4]float64{1150, 630, 1290, 652}}
	p.Total = "218837.62"
	if boxedTwice(vs, &p); p.Total != "218837.62" {
		t.Error("a total boxed on its own row dropped")
	}
}

// A clean dot-matrix print whose amounts landed across the rules: the
// amount (¥19726.15) across the 合计 row's bottom rule, the total
// (¥21531.83) across the 价税合计 row's. The caption reading boxed the
// glyphs' parts above each line only, and read them as 19726.1 and
// 4213531; crops of those boxes cut the digits in two (the amount read
// 072). Each box reaches across its line, and the amount, read with the
// line taken out, is read. (The total is not read here: a seal's red ring
// crosses its last digit, which the picture's colours take out, and this
// crop has none.) The crop is the 合计 and 价税合计 rows as the totals
// band read them.
func TestStruckAmountReadAcross(t *testing.T) {
	r := cropReader(t, "sums-struck.png")
	for _, c := range []struct {
		read      string
		box, want [4]float64
	}{
		{"19726.1", [4]float64{71, 36, 161, 47}, [4]float64{71, 36, 161, 36 + frameEm}},
		{"4213531", [4]float64{173, 83, 317, 95}, [4]float64{173, 83, 317, 83 + frameEm}},
	} {
		if b, struck := r.acrossRule(c.box); !struck || b != c.want {
			t.Errorf("%s: box %v across the line (%v), want %v", c.read, b, struck, c.want)
		}
	}
	f := fieldOf(t, keyTotal)
	f.key = keyAmount
	if got, _ := r.settle(f, val{s: "19726.1", box: [4]float64{71, 36, 161, 47}, conf: 0.9}); got != "19726.15" {
		t.Errorf("amount read %q, printed 19726.15 (readings %v)", got, r.sums[keyAmount])
	}
	// A value clear of the lines, as tall as its print, is read as boxed.
	crop, v, _ := readCrop(t, "dots-number-zero.png")
	r = &paperReader{src: imaging.PlaneOf(crop, imaging.Luma), toSrc: imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1}, anchored: true}
	if b, struck := r.acrossRule(v.box); struck || b != v.box {
		t.Errorf("a value no line cuts taken as cut: box %v, was %v", b, v.box)
	}
}

func TestPointMended(t *testing.T) {
	for in, want := range map[string]string{
		"¥21531-.83": "¥21531.83",
		"¥21531-83":  "¥21531.83",
		"¥21531.-83": "¥21531.83",
		"¥21531.83":  "¥21531.83",
		"2-1531":     "2-1531",
	} {
		if got := pointMended(in); got != want {
			t.Errorf("pointMended(%q) = %q, want %q", in, got, want)
		}
	}
}

// A check code read with a dot-matrix 6 as a 5 and two 0s as 9s is one
// blur misread, not a check code that differs; a 5 for a 3 is not.
func TestCheckCodeBlurred(t *testing.T) {
	const qr = "06024896160271038271"
	if !misreadAs("96024896150271938271", qr, checkBlurred) {
		t.Error("a check code blur misread taken for another")
	}
	if misreadAs("06024896160271058271", qr, checkBlurred) || blurMisread("96024896150271938271", qr) {
		t.Error("digits blur does not read as one another taken for a misreading")
	}
}

// A date after the day the page is read is no date printed on it.
func TestFutureDate(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for s, want := range map[string]bool{"2097-12-11": true, "2026-12-09": true, "2026-12-08": false, "2017-12-11": false, "": false} {
		if got := future(s, now); got != want {
			t.Errorf("future(%q) = %v, want %v", s, got, want)
		}
	}
	if future("2097-12-11", time.Time{}) {
		t.Error("a date taken for the future with no day to read it on")
	}
}

// A total's crop that reaches into its (小写) caption: the engine reads the
// caption's 写) as 1.5 before the ¥ (1.5¥32349.31). The amount is what
// follows the last ¥; a ¥ first, or last, is kept as read, and so is text
// read with another charset.
func TestFromYen(t *testing.T) {
	texts := func(gs []ocr.Glyph) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Text)
		}
		return out
	}
	glyphs := func(s string, conf float64) []ocr.Glyph {
		var gs []ocr.Glyph
		for _, r := range s {
			gs = append(gs, ocr.Glyph{Text: string(r), Conf: conf})
		}
		return gs
	}
	caption := glyphs("1.5", 0.6)
	for _, c := range []struct {
		gs   []ocr.Glyph
		want string
		conf float64
	}{
		{slices.Concat(caption, glyphs("¥32349.31", 0.9)), "¥32349.31", 0.9},
		{glyphs("¥32349.31", 0.9), "¥32349.31", 0.9},
		{slices.Concat(glyphs("32349.31", 0.9), caption), "32349.311.5", 0.6},
		{slices.Concat(caption, glyphs("¥", 0.9)), "1.5¥", 0.6},
		{nil, "", 0},
	} {
		if s, conf := joined(fromYen(c.gs, ocr.Amount)); s != c.want || conf != c.conf {
			t.Errorf("%q at %.2f, want %q at %.2f", s, conf, c.want, c.conf)
		}
		if s, _ := joined(fromYen(c.gs, ocr.Text)); s != strings.Join(texts(c.gs), "") {
			t.Errorf("%q read as text: cut to %q", texts(c.gs), s)
		}
	}
}

// A total under the 合计 row whose ¥ and first digits the engine read as
// Latin letters (¥88577.42 as ygg577.42), its (小写) caption lost too: the
// value is found after the Y, its box over the letters, for the crops to
// read them. A Y apart from the digits, or letters that are no digits'
// likeness, give nothing.
func TestTotalAfterLatinYen(t *testing.T) {
	for _, c := range []struct {
		row, want string
		from      float64
	}{
		{"CANS) ygg577.42", "577.42", 2.14},
		{"CANS) Y4452.02", "4452.02", 2.14},
		{"CANS) y 577.42", "", 0},
		{"CANS) yxg577.42", "", 0},
		{"CANS) ygg577.4", "", 0},
	} {
		var gs []glyph
		gs = append(gs, glyphsAt(1, 4.9, "合计 ¥82064.10 ¥6513.32")...)
		gs = append(gs, glyphsAt(1.65, 5.2, c.row)...)
		_, vs := readFields(pageText{glyphs: gs, ocr: true})
		if vs[keyAmount].s != "82064.10" || vs[keyTax].s != "6513.32" {
			t.Fatalf("%s: the 合计 row read %q %q", c.row, vs[keyAmount].s, vs[keyTax].s)
		}
		v := vs[keyTotal]
		if v.s != c.want {
			t.Errorf("%s: total %q, want %q", c.row, v.s, c.want)
		}
		if c.want != "" && math.Abs(v.box[0]-c.from*qrSide) > 1 {
			t.Errorf("%s: box from %.2f sides, want %.2f", c.row, v.box[0]/qrSide, c.from)
		}
	}
}

// An amount printed on a ruling line is read with its point lost (2217317
// for ¥22173.17). Put back before the last two digits, such readings of
// the amount, the tax and the total are taken where they make the sums
// add up, and not otherwise.
func TestPointLost(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"¥2217317", "22173.17"},
		{"2369944-", "23699.44"},
		{"152627", "1526.27"},
		{"023", "0.23"},
		{"1526.27", ""}, // read with its point
		{"159627.", ""},
		{"17", ""},
		{"0023", ""},
		{"22a17", ""},
		{"", ""},
	} {
		got := ""
		if rs := appendPointLost(nil, c.in, 0.9); len(rs) == 1 {
			got = rs[0].s
		}
		if got != c.want {
			t.Errorf("%q: point put back as %q, want %q", c.in, got, c.want)
		}
	}
	rs := map[string][]reading{
		keyAmount: appendPointLost(readingsOf("", 0.95), "2217317", 0.95),
		keyTax:    appendPointLost(readingsOf("", 0.9), "152627", 0.93),
		keyTotal:  appendPointLost(readingsOf("", 0.9), "¥2369944", 0.96),
	}
	ch, ok := sumsReadings("", "", "", "22173.17", rs)
	got := map[string]string{}
	for k, x := range ch {
		got[k] = x.s
	}
	if want := map[string]string{keyAmount: "22173.17", keyTax: "1526.27", keyTotal: "23699.44"}; !ok || !maps.Equal(got, want) {
		t.Errorf("sums chose %v (%v), want %v", got, ok, want)
	}
	rs[keyTotal] = appendPointLost(readingsOf("", 0.9), "¥2369945", 0.96)
	if ch, ok := sumsReadings("", "", "", "22173.17", rs); ok {
		t.Errorf("readings that do not add up taken: %v", ch)
	}
}
