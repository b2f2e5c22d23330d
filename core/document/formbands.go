package document

import (
	"math"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// The form as printed. Both layouts rule their form the same way: the
// outer frame's top, the bottom of the parties' block (数电: both parties
// side by side; 税控: the buyer), the bottom of the goods table under its
// 合计 row, the bottom of the 价税合计 row, and the frame's bottom under
// the last block (税控: the seller; 数电: the 备注). Issuers draw the form
// at their own proportions — a taller goods table, a larger frame for the
// same QR code — so the bands read below the code are placed from the
// rules found on the page, not at fixed distances from the code: each band
// is drawn on the usual form and stretched with the part of the form it
// lies in. A page whose rules are not found as that form has them keeps
// the usual places.

// formRules are the usual form's rules, in QR sides below the code's top:
// frame top, parties' bottom, goods' bottom, 价税合计's bottom, frame
// bottom.
type formRules [5]float64

var (
	rulesTaxControl = formRules{1.63, 2.73, 4.91, 5.30, 6.55}
	rulesDigital    = formRules{1.17, 2.26, 4.67, 5.11, 6.58}
)

// ruleWin is the part of the reading frame searched for rules, in QR
// sides: from below the code to a form a third taller than the usual one;
// ruleScale the coarse picture's pixels per QR side, the frame's (at half
// of it, lines of print are taken for rules).
var ruleWin = band{-1, 0.9, 14.5, 8.5}

const ruleScale = frameScale

// findRules finds the long horizontal rules of the form below the code
// in the reading frame, top to bottom, in QR sides. They are found as the
// outer frame is, on a coarse picture, as lines of ink across most of its
// width; but in the reading frame the form is square to the code, so the
// rules are rows of the picture (give or take two pixels along the
// width), and no slant is looked for.
func (r *paperReader) findRules() []float64 {
	w, h := int((ruleWin.x1-ruleWin.x0)*ruleScale), int((ruleWin.y1-ruleWin.y0)*ruleScale)
	k := qrSide / ruleScale
	m := mul(r.toSrc.Then(ruleWin.x0*qrSide, ruleWin.y0*qrSide), imaging.Homography{k, 0, 0, 0, k, 0, 0, 0, 1})
	plane := r.src
	if s := m.Scale(float64(w)/2, float64(h)/2); s > 1.5 {
		// A reduced copy first, so that thin lines blur rather than
		// alias away.
		plane, m = plane.Scale(1.5/s), m.Scaled(1.5/s)
	}
	ink := ridges(plane.WarpHomography(m, w, h), false)
	const slack = 2
	count := make([]int, h)
	for y := range h {
		for x := range w {
			for d := -slack; d <= slack; d++ {
				if yy := y + d; yy >= 0 && yy < h && ink[yy*w+x] {
					count[y]++
					break
				}
			}
		}
	}
	// One rule per place, as hough keeps one line per place.
	// A rule inks most of the form's width (the usual form's is 12 QR
	// sides; a row of print across it much less).
	need, nms := int(8*ruleScale), int(ruleScale)/6
	var ys []float64
	for y, c := range count {
		if c < need {
			continue
		}
		peak := true
		for d := -nms; d <= nms && peak; d++ {
			if e := y + d; e >= 0 && e < h && e != y && (count[e] > c || count[e] == c && e < y) {
				peak = false
			}
		}
		if yy := float64(y)/ruleScale + ruleWin.y0; peak && yy >= 0.9 {
			ys = append(ys, yy)
		}
	}
	return ys
}

// fit matches the rules found on the page to the usual form's: the first
// and the last are the frame's; of those between, the three that give the
// form's blocks the most alike proportions to the usual form's (a rule
// under the goods table's header, which some issuers draw, or a row of
// print taken for a rule, is left out). The goods table's height is left
// out of the likeness: it is what issuers change. ok is false when no
// three give the form's blocks: too few rules, or a block of a height the
// form never has.
func (u formRules) fit(ys []float64) (formRules, bool) {
	n := len(ys)
	if n < 5 || math.Abs(ys[0]-u[0]) > 0.8 {
		return u, false
	}
	best, bestD := u, math.Inf(1)
	for i := 1; i < n-3; i++ {
		for j := i + 1; j < n-2; j++ {
			for k := j + 1; k < n-1; k++ {
				f := formRules{ys[0], ys[i], ys[j], ys[k], ys[n-1]}
				var ls [4]float64
				ok := true
				for s := range 4 {
					r := (f[s+1] - f[s]) / (u[s+1] - u[s])
					ok = ok && r >= 0.7 && r <= 1.5
					ls[s] = math.Log(r)
				}
				mean := (ls[0] + ls[2] + ls[3]) / 3
				d := 0.0
				for _, s := range []int{0, 2, 3} {
					d += (ls[s] - mean) * (ls[s] - mean)
				}
				if ok && d < bestD {
					best, bestD = f, d
				}
			}
		}
	}
	return best, !math.IsInf(bestD, 1)
}

// place maps y of the usual form u to the form f found: stretched with
// the block it lies in, moved with the nearest rule outside them.
func (u formRules) place(f formRules, y float64) float64 {
	switch {
	case y <= u[0]:
		return f[0] + y - u[0]
	case y >= u[4]:
		return f[4] + y - u[4]
	}
	i := 0
	for y > u[i+1] {
		i++
	}
	return f[i] + (y-u[i])*(f[i+1]-f[i])/(u[i+1]-u[i])
}
