package document

import (
	"math"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// A page read with no code is anchored on its outer frame: whether the
// photo sees it in perspective, turned a quarter either way or upside
// down, the mapping puts the layout's frame on the frame's corners in the
// photo, its top-left corner on the frame's top-left one.
func TestFormAnchor(t *testing.T) {
	page, frame := formPage(true)
	w, h := float64(page.W), float64(page.H)
	cases := []struct {
		name   string
		t      imaging.Homography
		pw, ph int
	}{
		{"perspective", perspective(page, 0.08), page.W, page.H},
		{"turned left", imaging.Homography{0, 1, 40, -1, 0, w + 60, 0, 0, 1}, page.H + 80, page.W + 120},
		{"turned right", imaging.Homography{0, -1, h + 40, 1, 0, 60, 0, 0, 1}, page.H + 80, page.W + 120},
		{"upside down", imaging.Homography{-1, 0, w + 30, 0, -1, h + 30, 0, 0, 1}, page.W + 60, page.H + 60},
	}
	fb := formTaxControl
	canon := [4][2]float64{{fb.x0, fb.y0}, {fb.x1, fb.y0}, {fb.x1, fb.y1}, {fb.x0, fb.y1}}
	for _, c := range cases {
		photo := photograph(page, c.t, c.pw, c.ph)
		hm, digital, ok := formAnchor(photo)
		if !ok {
			t.Errorf("%s: no frame found", c.name)
			continue
		}
		if digital {
			t.Errorf("%s: a 税控 form's frame taken for a 数电 one", c.name)
		}
		for i, k := range canon {
			x, y := hm.Apply(k[0]*qrSide, k[1]*qrSide)
			wx, wy := c.t.Apply(frame[i].X, frame[i].Y)
			if d := math.Hypot(x-wx, y-wy); d > 0.015*w {
				t.Errorf("%s: frame corner %d at (%.0f, %.0f), want (%.0f, %.0f)", c.name, i, x, y, wx, wy)
			}
		}
	}
}

// A page with no ruled frame gives no anchor: it is read whole.
func TestFormAnchorNoFrame(t *testing.T) {
	page, _ := formPage(false)
	if _, _, ok := formAnchor(page); ok {
		t.Error("a frame found on a page without one")
	}
}

// perspective is a photo's view of page: its far edge k narrower.
func perspective(page *imaging.Plane, k float64) imaging.Homography {
	w, h := float64(page.W), float64(page.H)
	from := [4]imaging.Point{{X: 0, Y: 0}, {X: w, Y: 0}, {X: w, Y: h}, {X: 0, Y: h}}
	to := [4]imaging.Point{{X: k * w, Y: 0.03 * h}, {X: (1 - k) * w, Y: 0}, {X: w, Y: h}, {X: 0, Y: 0.97 * h}}
	m, _ := imaging.SolveHomography(from, to)
	return m
}

// With no code to compare with, readings that disagree give nothing, and
// an invoice code no invoice carries (a 12-digit one whose leading 0 was
// read as a 9 or a 1) is not read however surely.
func TestDecideAlone(t *testing.T) {
	code, number := ocrFields[0], ocrFields[1]
	if code.key != keyCode || number.key != keyNumber {
		t.Fatal("ocrFields: code and number are not first")
	}
	cases := []struct {
		f    ocrField
		rs   []reading
		want string
	}{
		{number, []reading{{"01879046", 0.95}, {"01879046", 0.9}}, "01879046"},
		{number, []reading{{"11879046", 0.95}, {"11879046", 0.9}, {"91879046", 0.9}}, ""},
		{number, []reading{{"01879046", 0.95}}, "01879046"},
		{number, []reading{{"01879046", 0.5}}, ""},
		{code, []reading{{"051001700511", 0.95}, {"051001700511", 0.9}}, "051001700511"},
		{code, []reading{{"951001700511", 0.95}, {"951001700511", 0.9}}, ""},
		{code, []reading{{"111001801711", 0.95}, {"111001801711", 0.9}}, ""},
		{code, []reading{{"111001571071", 0.95}, {"111001571071", 0.9}}, "111001571071"}, // a legacy code
		{code, []reading{{"2303113160", 0.95}, {"2303113160", 0.9}}, "2303113160"},
	}
	for _, c := range cases {
		if got, _ := decideAlone(c.f, c.rs); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.f.key, c.rs, got, c.want)
		}
	}
}
