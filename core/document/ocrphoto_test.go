package document

import "testing"

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

	two := pageText{ocr: true}
	placeRead(&two, 100, 120, 17, "¥12.30      ¥4.50")
	l = buildLines(two)[0]
	if got := moneyVals(l, 0, len(l.g)); len(got) != 2 || got[0].s != "12.30" || got[1].s != "4.50" {
		t.Errorf("amounts %v, want 12.30 and 4.50", got)
	}
}
