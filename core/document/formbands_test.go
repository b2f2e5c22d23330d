package document

import (
	"image"
	"image/draw"
	"math"
	"testing"
)

func TestFormRulesFit(t *testing.T) {
	u := rulesTaxControl
	for _, c := range []struct {
		name string
		ys   []float64
		ok   bool
	}{
		{"the usual form", u[:], true},
		{"a taller goods table", []float64{1.52, 2.72, 5.27, 5.73, 6.86}, true},
		{"a rule under the goods' header", []float64{1.52, 2.72, 3.0, 5.27, 5.73, 6.86}, true},
		{"a rule lost", []float64{1.52, 2.72, 5.27, 6.86}, false},
		{"a row of print taken for a rule", []float64{1.52, 2.06, 2.72, 5.27, 5.73, 6.86}, true},
		{"a goods table twice as tall", []float64{1.52, 2.72, 7.3, 7.7, 8.9}, false},
		{"the frame far from the code", []float64{3.0, 4.1, 6.3, 6.7, 7.9}, false},
	} {
		f, ok := u.fit(c.ys)
		if ok != c.ok {
			t.Errorf("%s: fit %v, want %v", c.name, ok, c.ok)
		}
		if !ok && f != u {
			t.Errorf("%s: not fitted, yet the form is %v", c.name, f)
		}
	}
	if f, _ := u.fit([]float64{1.52, 2.06, 2.72, 3.0, 5.27, 5.73, 6.86}); f != (formRules{1.52, 2.72, 5.27, 5.73, 6.86}) {
		t.Errorf("rules fitted as %v", f)
	}
	f, _ := u.fit([]float64{1.52, 2.72, 5.27, 5.73, 6.86})
	for _, c := range [][2]float64{
		{1.35, 1.24}, // above the frame: moved with its top
		{2.73, 2.72}, // on a rule: on the rule found
		{3.82, 4.00}, // halfway down the goods: halfway down them
		{5.95, 6.32}, // in the seller's block: stretched with it
		{7.00, 7.31}, // below the frame: moved with its bottom
	} {
		if got := u.place(f, c[0]); math.Abs(got-c[1]) > 0.01 {
			t.Errorf("place(%.2f) = %.2f, want %.2f", c[0], got, c[1])
		}
		if got := u.place(u, c[0]); math.Abs(got-c[0]) > 1e-9 {
			t.Errorf("on the usual form, place(%.2f) = %.2f", c[0], got)
		}
	}
}

// TestBandsFollowTheForm reads a 税控 form drawn taller than the usual
// one, its goods table a QR side taller: the 价税合计 row and the seller's
// block lie below where the usual form has them, and are read where the
// form's rules put them.
func TestBandsFollowTheForm(t *testing.T) {
	p := newPaper(t, 150)
	p.img = image.NewGray(image.Rect(0, 0, int(14*p.side), int(8.6*p.side)))
	draw.Draw(p.img, p.img.Bounds(), image.White, image.Point{}, draw.Src)
	p.qr(t, paperQR)
	for _, y := range []float64{1.6, 2.75, 5.9, 6.35, 7.7} {
		r := image.Rect(int(-0.2*p.side), int((y+0.5)*p.side), int(12.8*p.side), int((y+0.5)*p.side)+2)
		draw.Draw(p.img, r, image.Black, image.Point{}, draw.Src)
	}
	p.text(8.4, 0.3, "发票代码：")
	p.text(9.4, 0.3, "3700163350")
	p.text(8.4, 0.65, "发票号码：")
	p.text(9.4, 0.65, "36182988")
	p.text(0.3, 1.95, "名　　称：厦门市东方贸易有限公司")
	p.text(0.3, 2.25, "纳税人识别号：91353284MA2W632032")
	p.text(1.2, 5.75, "合　计")
	p.text(8.2, 5.75, "¥1234.50")
	p.text(11.2, 5.75, "¥160.49")
	p.text(1.2, 6.2, "价税合计（大写）")
	p.text(8.6, 6.2, "（小写）")
	p.text(9.5, 6.2, "¥1394.99")
	p.text(0.3, 6.7, "名　　称：山东金桥供应链管理有限公司")
	p.text(0.3, 7.05, "纳税人识别号：91370163628072210W")
	pr := readPaper(t, p)
	if pr.Total != "1394.99" || pr.SellerTaxID != "91370163628072210W" || pr.BuyerTaxID != "91353284MA2W632032" {
		t.Errorf("read total %q, taxpayer IDs buyer %q, seller %q", pr.Total, pr.BuyerTaxID, pr.SellerTaxID)
	}
}
