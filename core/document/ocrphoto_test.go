package document

import (
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// A blurred photo's total as the engine boxed it (¥760.50, 17 pixels
// tall): the 7 by its stem alone, four pixels wide, which leaves gaps
// beside it wider than a third of the print's height. It is one amount;
// two amounts a column apart stay two.
func TestNarrowDigitBoxLeavesNoGap(t *testing.T) {
	pt := pageText{ocr: true}
	placeRead(&pt, 1000, 120, 17, "价税合计(小写)")
	for _, g := range []struct {
		r      rune
		x0, x1 float64
	}{{'¥', 1223, 1233}, {'7', 1239, 1243}, {'6', 1251, 1262}, {'0', 1265, 1276}, {'.', 1278, 1292}, {'5', 1295, 1304}, {'0', 1307, 1318}} {
		pt.glyphs = append(pt.glyphs, glyph{r: g.r, x0: g.x0, x1: g.x1, y0: 103, y1: 120, unsure: 0.02})
	}
	p, vs := readFields(pt)
	if p.Total != "760.50" {
		t.Errorf("total %q (%q read), printed 760.50", p.Total, vs[keyTotal].s)
	}
	l := buildLines(pt)[0]
	if got := moneyVals(l, 0, len(l.g)); len(got) != 1 || got[0].s != "760.50" {
		t.Errorf("amounts %v, want 760.50 alone", got)
	}

	// A blurred point read twice is one.
	twice := pageText{ocr: true}
	placeRead(&twice, 100, 120, 17, "¥879..82")
	l = buildLines(twice)[0]
	if got := moneyVals(l, 0, len(l.g)); len(got) != 1 || got[0].s != "879.82" {
		t.Errorf("amounts %v, want 879.82", got)
	}

	// A dot-matrix point read as a dash; a minus before an amount is
	// none.
	for read, want := range map[string][]string{"¥33913-90(45)": {"33913.90", "45"}, "¥12.30 -4.50": {"12.30", "-4.50"}, "1-90.00": {"1", "-90.00"}} {
		struck := pageText{ocr: true}
		placeRead(&struck, 100, 120, 17, read)
		l = buildLines(struck)[0]
		var got []string
		for _, v := range moneyVals(l, 0, len(l.g)) {
			got = append(got, v.s)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: amounts %q, want %q", read, got, want)
		}
	}

	two := pageText{ocr: true}
	placeRead(&two, 100, 120, 17, "¥12.30      ¥4.50")
	l = buildLines(two)[0]
	if got := moneyVals(l, 0, len(l.g)); len(got) != 2 || got[0].s != "12.30" || got[1].s != "4.50" {
		t.Errorf("amounts %v, want 12.30 and 4.50", got)
	}
}

// A phone photo's 合计 row as the engine boxed it (¥12400.00 and ¥2108.00,
// 17 pixels tall, flattened to its line): the printer spaces its digits six or seven pixels
// apart, more than a third of their height, and the 1s are narrow. Each
// amount is one, and the two stay two.
func TestSpacedDigitsOneAmount(t *testing.T) {
	pt := pageText{ocr: true}
	placeRead(&pt, 198, 140, 21, "合")
	placeRead(&pt, 346, 140, 21, "计")
	for _, g := range []struct {
		r      rune
		x0, x1 float64
	}{{'¥', 1159, 1179}, {'1', 1185, 1194}, {'2', 1203, 1216}, {'4', 1223, 1237}, {'0', 1243, 1257}, {'0', 1263, 1277},
		{'.', 1285, 1289}, {'0', 1295, 1310}, {'0', 1316, 1331},
		{'¥', 1489, 1509}, {'2', 1519, 1533}, {'1', 1542, 1552}, {'0', 1560, 1574}, {'8', 1580, 1594}, {'.', 1602, 1605},
		{'0', 1613, 1627}, {'0', 1633, 1647}} {
		pt.glyphs = append(pt.glyphs, glyph{r: g.r, x0: g.x0, x1: g.x1, y0: 121, y1: 138, unsure: 0.02})
	}
	p, _ := readFields(pt)
	if p.Amount != "12400.00" || p.Tax != "2108.00" {
		t.Errorf("amount %q and tax %q, printed 12400.00 and 2108.00", p.Amount, p.Tax)
	}
}

// A photo's total of which the caption reading kept only "41" (its 1s
// read as i and lost with all after): read again as far as its print runs
// on, the amount and tax read confirm it. The crop is the photo's
// 价税合计 row as the totals band read it.
func TestTotalReadAsFarAsItsPrintRuns(t *testing.T) {
	r := cropReader(t, "total-lost-digits.png")
	r.sum = paperSum("3663.38", "447.88")
	if got, _ := r.settle(fieldOf(t, keyTotal), val{s: "41", box: [4]float64{71, 37, 94, 54}, conf: 0.94}); got != "4111.26" {
		t.Errorf("total read %q, printed 4111.26", got)
	}
}

// paperCrop is a blank crop w by h of paper, and a pen inking rectangles
// of it.
func paperCrop(w, h int) (*image.Gray, func(x0, y0, x1, y1 int)) {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 235
	}
	return g, func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Pix[y*g.Stride+x] = 40
			}
		}
	}
}

// Print runs on over glyph-sized blots a point's width apart, across a
// ruling line; a value a column away, or a glyph joined to a seal's ring
// (a blot too big for a glyph), end it.
func TestInkRunEnd(t *testing.T) {
	const em = 20
	g, ink := paperCrop(400, 60)
	// 41|11.26: digits 13 wide, 17 apart; the point a digit's advance.
	for _, x := range []int{20, 37, 54, 71, 105, 122} {
		ink(x, 20, x+13, 40)
	}
	ink(90, 36, 94, 40)
	if got := inkRunEnd(g, 50, 20, 40, em); got != 135 {
		t.Errorf("run from 50 ends at %d, want 135 (after the last decimal)", got)
	}
	if got := inkRunEnd(g, 135, 20, 40, em); got != 135 {
		t.Errorf("run from its end goes on to %d", got)
	}
	// A value a column away.
	ink(250, 20, 263, 40)
	if got := inkRunEnd(g, 50, 20, 40, em); got != 135 {
		t.Errorf("run reaches %d, the next column's value", got)
	}
	// A ruling line after the third digit, the value printed across it.
	ink(68, 0, 70, 60)
	if got := inkRunEnd(g, 50, 20, 40, em); got != 135 {
		t.Errorf("run ends at %d at the rule, want 135", got)
	}
	// A ring joined to the decimals' feet: they are followed where they
	// ink the line's middle, not along the ring.
	ink(108, 38, 200, 44)
	if got := inkRunEnd(g, 50, 20, 40, em); got != 135 {
		t.Errorf("run ends at %d, want 135 (after the last decimal)", got)
	}
	// A rule along the line's middle from the last decimal on is no glyph:
	// the run ends before the glyph it joins, not at the rule's end.
	ink(130, 29, 230, 31)
	if got := inkRunEnd(g, 50, 20, 40, em); got != 118 {
		t.Errorf("run ends at %d along the rule, want 118 (before the decimal the rule joins)", got)
	}
}

// Digits run together by a heavy print: one blot, wider than any glyph,
// followed glyph by glyph.
func TestInkRunEndJoined(t *testing.T) {
	const em = 20
	g, ink := paperCrop(300, 60)
	// Five digits joined at their heads and feet, a point, two decimals.
	for _, x := range []int{20, 34, 48, 62, 76} {
		ink(x, 20, x+11, 22)
		ink(x, 38, x+11, 40)
		ink(x, 20, x+3, 40)
		ink(x+8, 20, x+11, 40)
	}
	ink(20, 20, 87, 22)
	ink(20, 38, 87, 40)
	ink(94, 36, 98, 40)
	for _, x := range []int{104, 118} {
		ink(x, 20, x+11, 40)
	}
	if got := inkRunEnd(g, 31, 20, 40, em); got != 129 {
		t.Errorf("run from the first digit ends at %d, want 129 (after the last decimal)", got)
	}
}

// A photo's date (2019年10月18日) whose 日 a dark cut parts into its
// sides and middle, none wider than a digit, while a lighter cut joins
// the digits: the 日 is the pieces that end the line, the marks are cut
// out and the digits read. Read with its marks, the engine took the 0 of
// 2019 for a 6.
func TestDateDayApart(t *testing.T) {
	readDateDigits(t, "date-day-apart.png", "2019-10-18")
}

// A photo's total whose last digits the seller's seal's ring touches
// (¥12640.88): in luma the ring and the 8s are one shape, read as 3s and
// 5s; cut from the picture's Print plane, where the red ring fades, the
// total reads as printed and the amount and tax confirm it. The crop is
// of the photo as taken, in colour.
func TestTotalUnderSealRing(t *testing.T) {
	r := cropReader(t, "total-under-seal.png")
	img, err := imaging.Load(filepath.Join("testdata", "ocr", "total-under-seal.png"))
	if err != nil {
		t.Fatal(err)
	}
	r.img, r.srcScale = img, 1
	// dark counts the pixels of g darker than half way to the paper.
	dark := func(g *image.Gray) int {
		n := 0
		for _, v := range g.Pix {
			if v < 128 {
				n++
			}
		}
		return n
	}
	// Where the ring runs under the decimals, the value's box is cut
	// from the Print plane: the ring fades.
	ring := image.Rect(150, 62, 300, 110)
	if l, p := dark(r.warp(ring)), dark(r.warpValue(ring, 1)); p*4 > l {
		t.Errorf("under the ring: %d dark pixels cut for the value, %d in luma; want the ring faded", p, l)
	}
	// Where no red ink lies, as luma shows it.
	digits := image.Rect(95, 45, 150, 68)
	if l, p := r.warp(digits), r.warpValue(digits, 1); !slices.Equal(l.Pix, p.Pix) {
		t.Error("a box with no red ink on it is not cut as luma shows it")
	}
	r.sum = "12640.88"
	if got, _ := r.settle(fieldOf(t, keyTotal), val{s: "12640", box: [4]float64{103, 50, 170, 66}, conf: 0.83}); got != "12640.88" {
		t.Errorf("total read %q, printed 12640.88", got)
	}
}
