package document

import (
	"image"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/ocr"
)

// rowRun is totalRun on testdata picture name, a 价税合计 row and the
// 合计 row above it (the reading frame's columns from 910), on rows
// [y0, y1).
func rowRun(t *testing.T, name string, y0, y1 int) (*image.Gray, []inkBox, bool) {
	t.Helper()
	g, _, _ := readCrop(t, name)
	u, ok := totalRun(g, int(totalFrom*qrSide)-910, int(totalTo*qrSide)-910, y0, y1, frameEm)
	return g, u, ok
}

// The 价税合计 row of an office scan (rows 59 to 108 of the picture, the
// reading frame's columns from 910): a dot-matrix total printed against
// its (小写) caption, which the row's reading gave as "(小写)oebiate,". Its
// ink gives the run of the ¥ and its digits, and read whole as an amount
// the run is the total.
func TestTotalRunUnboxed(t *testing.T) {
	g, u, ok := rowRun(t, "total-row-unboxed.png", 59, 108)
	if !ok {
		t.Fatal("no run of glyphs on the row")
	}
	b := span(u)
	// ¥7160.75 lies in columns 205 to 320, rows 90 to 112; the caption
	// ends at 203.
	if b.x0 < 205 || b.x1 > 320 || b.y0 < 90 || b.y1 > 112 || len(u) < 7 {
		t.Fatalf("run %v (%d glyphs), want ¥7160.75's", b, len(u))
	}
	crop := g.SubImage(image.Rect(b.x0-6, b.y0-6, b.x1+10, b.y1+6)).(*image.Gray)
	if s := cleanAmount(lineText(t, crop, ocr.Amount)); s != "7160.75" {
		t.Errorf("run read %q, want 7160.75", s)
	}
	// Nothing of the sort on the 合计 row's own rows above it.
	if _, u, ok := rowRun(t, "total-row-unboxed.png", 0, 30); ok {
		t.Errorf("a run %v taken where the row has only its rule and the amounts' edge", span(u))
	}
}

// The 价税合计 row of a phone photo (rows 59 to 109 of the picture, the
// reading frame's columns from 910), its total printed on the row's rule,
// which the row's reading gave as "esCe)me". Blur joins the ¥ to the 2
// and the 2 to the 9 (¥259729.70): each pair is one blot, wider than a
// digit; parted, they are the run's glyphs, the second beginning after
// the ¥, where settle reads the total again from.
func TestTotalRunPairsParted(t *testing.T) {
	_, u, ok := rowRun(t, "total-row-pairs.png", 59, 109)
	if !ok {
		t.Fatal("no run of glyphs on the row")
	}
	b := span(u)
	// ¥259729.70 lies in columns 286 to 431, rows 89 to 110; the ¥ ends
	// about column 298.
	if b.x0 < 284 || b.x1 > 433 || len(u) < 9 || u[1].x0 < 296 || u[1].x0 > 302 {
		t.Fatalf("run %v (%d glyphs, the second from %d), want ¥259729.70's", b, len(u), u[1].x0)
	}
}

// The 价税合计 row of an office scan whose total is lost in the seal's
// ring and its rule: the 合计 row's amount (¥3576.55), printed on the
// rule between the rows, is the one run of glyphs in the window, and it is
// not taken for the total.
func TestTotalRunNotTheAmountAbove(t *testing.T) {
	if _, u, ok := rowRun(t, "total-row-amount-above.png", 58, 109); ok {
		t.Errorf("run %v taken for the total", span(u))
	}
	// Looked for on the 合计 row, it is the amount's.
	if _, u, ok := rowRun(t, "total-row-amount-above.png", 30, 80); !ok || span(u).x0 > 180 || span(u).x1 < 280 {
		t.Errorf("no run of the amount's glyphs on its own row: %v %v", u, ok)
	}
}

// A run read whole counts its digits before the point: with its point and
// decimals lost too, after a ¥ read as such.
func TestIntDigits(t *testing.T) {
	for s, want := range map[string]int{"¥46684": 5, "¥22231.96": 5, "4154.78": 4, "¥1,234.50": 4, "¥26083.": 5, "920": 3, "¥": 0, "(45)": 0} {
		if got := intDigits(s); got != want {
			t.Errorf("intDigits(%q) = %d, want %d", s, got, want)
		}
	}
}
