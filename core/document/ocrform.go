package document

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Reading a page whose QR code cannot be read: blurred, mosaicked, torn or
// under a seal. The form's outer ruling frame stands in for the code: its
// four corners give the form's position, scale, rotation and perspective,
// and the frame of each layout is at a known place in the QR-side frame
// the bands are planned in. The page is then read through the same bands
// and the same caption-and-position reader as one with a code; with no QR
// value to compare with, settle keeps a value only when no reading of it
// disagrees (decideAlone).

// formFrame is where a layout's outer frame lies in the reading frame, in
// QR sides from the symbol's top-left corner: a 税控 form's frame starts
// 1.6 sides below the code, a 数电 one's 1.2, and both are about 12 sides
// wide and 4.9 and 5.4 tall.
var (
	formTaxControl = band{-0.11, 1.625, 12.06, 6.52}
	formDigital    = band{-0.28, 1.17, 12.18, 6.58}
)

// formWidth is the width of the coarse picture the frame is looked for
// on: the whole page, about frameScale pixels per QR side when the form
// fills most of the picture, as rectify's window has.
const formWidth = 1000.0

// formAnchor finds the form's outer frame on the whole page and returns
// the mapping from the reading frame to src's pixels that puts it where
// the layout's frame is, and whether the form is a 数电 one. ok is false
// when no frame was found.
func formAnchor(src *imaging.Plane) (h imaging.Homography, digital, ok bool) {
	// A page taller than wide holds the form turned a quarter: it is
	// looked for on the picture turned back, and which way is settled
	// with the form's other ends below.
	long := math.Max(float64(src.W), float64(src.H))
	f := math.Min(1, formWidth/long)
	plane := src
	if f < 1 {
		plane = src.Scale(f)
	}
	m := imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1}
	pic := plane
	if plane.H > plane.W {
		m = imaging.Homography{0, 1, 0, -1, 0, float64(plane.H), 0, 0, 1}
		pic = plane.WarpHomography(m, plane.H, plane.W)
	}
	var rows []stretched
	quad, ok := findFrame(pic, framePick{
		// A sheet bent in the photo bows its sides as well.
		need: 0.3, side: 0.5, slants: []float64{0.36},
		rows: func(hs []ruling, ink []bool) (top, bottom *ruling) {
			rows = frameRows(hs, ink, pic.W, pic.H)
			if len(rows) < 2 {
				return nil, nil
			}
			return &rows[0].ruling, &rows[len(rows)-1].ruling
		},
		sides: func(vs []ruling, ink []bool, top, bottom **ruling) (*ruling, *ruling) {
			return frameSides(vs, ink, rows, top, bottom, pic.W, pic.H)
		},
		// A form's frame is about 2.3 to 2.6 times as wide as tall.
		minH: 0.12 * float64(pic.W), minW: 0.4 * float64(pic.W),
	})
	if !ok {
		return h, false, false
	}
	if upsideDown(pic, quad) {
		quad = [4]imaging.Point{quad[2], quad[3], quad[0], quad[1]}
	}
	w := math.Hypot(quad[1].X-quad[0].X, quad[1].Y-quad[0].Y) + math.Hypot(quad[2].X-quad[3].X, quad[2].Y-quad[3].Y)
	ht := math.Hypot(quad[3].X-quad[0].X, quad[3].Y-quad[0].Y) + math.Hypot(quad[2].X-quad[1].X, quad[2].Y-quad[1].Y)
	if r := w / ht; r < 1.6 || r > 3.2 {
		return h, false, false
	}
	digital = digitalFrame(pic, quad)
	fb := formTaxControl
	if digital {
		fb = formDigital
	}
	canon := [4]imaging.Point{{X: fb.x0 * qrSide, Y: fb.y0 * qrSide}, {X: fb.x1 * qrSide, Y: fb.y0 * qrSide},
		{X: fb.x1 * qrSide, Y: fb.y1 * qrSide}, {X: fb.x0 * qrSide, Y: fb.y1 * qrSide}}
	for i := range quad {
		x, y := m.Apply(quad[i].X, quad[i].Y)
		quad[i] = imaging.Point{X: x / f, Y: y / f}
	}
	h, ok = imaging.SolveHomography(canon, quad)
	return h, digital, ok
}

// stretched is a horizontal rule with where along it the ink runs, from
// a to b.
type stretched struct {
	ruling
	a, b float64
}

// frameRows are the horizontal rules hs that may be the frame's top and
// bottom and the rules across it, top to bottom: those inked along most
// of the stretch the longest one is. A sheet bent in the photo bows its
// rules, and a straight rule then follows each of them for part of its
// length only; the rules of other papers in the picture, the title's and
// those between columns are shorter or elsewhere.
func frameRows(hs []ruling, ink []bool, w, h int) []stretched {
	all := make([]stretched, len(hs))
	long := -1
	for i, l := range hs {
		a, b := inkedStretch(ink, w, h, l)
		all[i] = stretched{l, a, b}
		if long < 0 || b-a > all[long].b-all[long].a {
			long = i
		}
	}
	if long < 0 {
		return nil
	}
	L := all[long]
	var rows []stretched
	for _, s := range all {
		n := s.b - s.a
		if n >= 0.5*(L.b-L.a) && math.Min(s.b, L.b)-math.Max(s.a, L.a) >= 0.7*n {
			rows = append(rows, s)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].c < rows[j].c })
	return rows
}

// frameSides picks the frame's left and right sides among the vertical
// rules vs (ink their inked pixels) and its top and bottom among rows:
// the sides are the rules nearest the ends of the top's and the bottom's
// inked stretches (or of all rules' together), and each end rule must have a side run from it to the
// next rule in; one that has not (the sheet's edge, shadowed on a desk, or
// a rule of another paper) gives way to the next.
func frameSides(vs []ruling, ink []bool, rows []stretched, top, bottom **ruling, w, h int) (*ruling, *ruling) {
	// Where the rules reach together: a bent sheet's rule may follow
	// its straight line along part of its length only.
	ua, ub := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		ua, ub = math.Min(ua, r.a), math.Max(ub, r.b)
	}
	// The pairs of rules farthest apart first.
	for span := len(rows) - 1; span >= 1; span-- {
		for i := 0; i+span < len(rows); i++ {
			t, b := rows[i], rows[i+span]
			tol := 0.04 * (b.b - b.a)
			left := nearestSide(vs, t, b, t.a, b.a, tol)
			if left == nil {
				left = nearestSide(vs, t, b, ua, ua, tol)
			}
			right := nearestSide(vs, t, b, t.b, b.b, tol)
			if right == nil {
				right = nearestSide(vs, t, b, ub, ub, tol)
			}
			if left == nil || right == nil {
				continue
			}
			next, prev := rows[i+1].ruling, rows[i+span-1].ruling
			// One side of a bent sheet may bow off its straight line.
			reach := func(a, b ruling) bool {
				return math.Max(sideInk(ink, w, h, *left, a, b), sideInk(ink, w, h, *right, a, b)) >= 0.5
			}
			if !reach(t.ruling, next) || !reach(prev, b.ruling) {
				continue
			}
			*top, *bottom = &rows[i].ruling, &rows[i+span].ruling
			return left, right
		}
	}
	return nil, nil
}

// nearestSide is the vertical rule of vs that passes nearest xt at the
// top rule t or xb at the bottom rule b, within tol: a rule bowed or worn
// away at one end is inked short of the side there.
func nearestSide(vs []ruling, t, b stretched, xt, xb, tol float64) *ruling {
	var best *ruling
	d := tol
	for k := range vs {
		v := &vs[k]
		at := func(l ruling, x0 float64) float64 {
			// The side's x where it crosses l, near x0.
			y := l.c + l.t*(x0-l.mid)
			return v.c + v.t*(y-v.mid)
		}
		if e := math.Min(math.Abs(at(t.ruling, xt)-xt), math.Abs(at(b.ruling, xb)-xb)); e < d {
			best, d = v, e
		}
	}
	return best
}

// sideInk is the share of the vertical rule v between the horizontal
// rules t and b that is inked.
func sideInk(ink []bool, w, h int, v, t, b ruling) float64 {
	_, y0, ok0 := cross(t, v)
	_, y1, ok1 := cross(b, v)
	if !ok0 || !ok1 || y1-y0 < 2 {
		return 0
	}
	n, on := 0, 0
	for y := y0 + 1; y < y1-1; y++ {
		x := v.c + v.t*(y-v.mid)
		n++
		for dx := -2; dx <= 2; dx++ {
			xx, yy := int(x+0.5)+dx, int(y)
			if xx >= 0 && xx < w && yy >= 0 && yy < h && ink[yy*w+xx] {
				on++
				break
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(on) / float64(n)
}

// frameOnto maps a w × h picture of the frame to the frame quad.
func frameOnto(quad [4]imaging.Point, w, h float64) (imaging.Homography, bool) {
	return imaging.SolveHomography([4]imaging.Point{{X: 0, Y: 0}, {X: w, Y: 0}, {X: w, Y: h}, {X: 0, Y: h}}, quad)
}

// upsideDown reports whether the frame quad on pic is the form's turned
// over: the title, the code and the header fields above the frame ink a
// strip along its top more than the signatures below it (and the desk
// beyond the sheet's edge) ink one along its bottom.
func upsideDown(pic *imaging.Plane, quad [4]imaging.Point) bool {
	const cw, ch = 400, 160
	m, ok := frameOnto(quad, cw, ch)
	if !ok {
		return false
	}
	strip := func(v0 float64) int {
		p := pic.WarpHomography(m.Then(0, v0*ch), cw, ch/4)
		n := 0
		for _, on := range ridges(p, false) {
			if on {
				n++
			}
		}
		return n
	}
	return 5*strip(1.04) > 6*strip(-0.29)
}

// inkedStretch is where along the horizontal rule l the ink runs longest,
// gaps of a hundredth of the picture's width bridged: from a to b, in
// pixels across the picture.
func inkedStretch(ink []bool, w, h int, l ruling) (a, b float64) {
	gap := max(3, w/100)
	bestA, bestB := 0, 0
	start, last := -1, -gap-1
	for x := range w {
		y := l.c + l.t*(float64(x)-l.mid)
		on := false
		for dy := -2; dy <= 2 && !on; dy++ {
			yy := int(y+0.5) + dy
			on = yy >= 0 && yy < h && ink[yy*w+x]
		}
		if !on {
			continue
		}
		if x-last > gap {
			start = x
		}
		last = x
		if last-start > bestB-bestA {
			bestA, bestB = start, last
		}
	}
	return float64(bestA), float64(bestB)
}

// digitalFrame reports whether the frame quad on pic is a 数电 form's: its
// buyer and seller side by side, parted by a rule down the middle of the
// frame's top fifth, where a 税控 form has the 密码区's rules six tenths
// across.
func digitalFrame(pic *imaging.Plane, quad [4]imaging.Point) bool {
	const cw, ch = 600, 240
	m, ok := frameOnto(quad, cw, ch)
	if !ok {
		return false
	}
	p := pic.WarpHomography(m, cw, ch)
	ink := ridges(p, true)
	// The share of the top block's rows inked at column x, or beside it.
	col := func(x0, x1 float64) float64 {
		best := 0.0
		for x := int(x0 * cw); x <= int(x1*cw); x++ {
			n, rows := 0, 0
			for y := ch * 3 / 100; y < ch*18/100; y++ {
				rows++
				for dx := -1; dx <= 1; dx++ {
					if xx := x + dx; xx >= 0 && xx < cw && ink[y*cw+xx] {
						n++
						break
					}
				}
			}
			best = math.Max(best, float64(n)/float64(rows))
		}
		return best
	}
	return col(0.47, 0.53) > col(0.57, 0.65)
}

// formHeaderTop is how far above the code's top edge the header band
// reaches on a page read with no code: a form anchored on its frame has no
// code's size to go by, and above its header rows lies the page's edge, a
// desk or another paper, whose texture the engine takes for an image and
// then reads the header band as one.
const formHeaderTop = -0.35

// framePlan is bands as read on a page anchored on its frame: the header
// band, the first, reaching no higher than formHeaderTop.
func framePlan(bands []readBand) []readBand {
	bands = slices.Clone(bands)
	if len(bands) > 0 {
		bands[0].y0 = math.Max(bands[0].y0, formHeaderTop)
	}
	return bands
}

// decideAlone picks the value printed from its readings of field f on a
// page read with no code: as decide does with no QR value, but only when
// no reading gave another value. Two readings against one are what a
// misreading the engine makes at every size looks like (a dot-matrix 0
// read as an 8), and with no code there is nothing to tell the two apart:
// never guess. An invoice code is not read when a reading of it is no code
// an invoice can carry: its first digit misread, as a 0 read as a 1 or a 9
// is, the readings that agree may be misread as well.
func decideAlone(f ocrField, rs []reading) (string, float64) {
	best := 0.0
	for _, x := range rs {
		best = math.Max(best, x.conf)
	}
	if !unanimous(rs) {
		return "", best
	}
	if f.key == keyCode {
		for _, x := range rs {
			if x.s != "" && !codeCarried(x.s) {
				return "", best
			}
		}
	}
	return decide(rs, nil, false)
}

// codeCarried reports whether c is an invoice code an invoice can carry:
// the checks a QR code's values get find nothing wrong in its digits (a
// 12-digit code starts with 0, its region is a tax bureau's, its year is
// not to come).
func codeCarried(c string) bool {
	for _, f := range payload.CheckTyped(payload.TypedInvoice{Code: c}, time.Now()) {
		switch f.Code {
		case "code_structure", "code_region_unknown", "code_year_invalid":
			return false
		}
	}
	return true
}
