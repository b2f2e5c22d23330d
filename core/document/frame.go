package document

import (
	"math"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// Perspective. The QR code's corners give the form's position, scale and
// rotation near the code, but a phone photo sees the sheet in perspective:
// away from the code the form drifts off its place and its lines slant. The
// form's outer ruling frame, the longest lines on it, shows the
// perspective: its four corners are found on a coarse picture of the page,
// and the page is then read through the homography that takes the frame to
// a rectangle. The rectangle's proportions come from the QR symbol, which
// is square: no size of either layout is assumed.

// frameScale is the coarse picture's pixels per QR side; frameWin is the
// part of the page searched, in QR sides from the symbol's top-left corner.
const frameScale = 64.0

var frameWin = band{-1.5, -0.5, 16, 10}

// ruling is y = c + t·(x − mid) for a horizontal line, x = c + t·(y − mid)
// for a vertical one, in the coarse picture's pixels.
type ruling struct{ c, t, mid float64 }

// rectify returns the mapping from the reading frame (qrSide pixels per QR
// side, the code's top-left corner at the origin) to src's pixels, with the
// perspective the form's outer frame shows. a is the mapping the QR code
// alone gives, pts its corners in src. ok is false when no frame was found
// that agrees with the code: the caller keeps a.
func rectify(src *imaging.Plane, a imaging.Affine, pts []imaging.Point) (imaging.Homography, bool) {
	if len(pts) != 4 {
		return imaging.Homography{}, false
	}
	// The coarse picture: frameScale pixels per QR side. A reduced copy
	// of src first, so that thin lines blur rather than alias away.
	toSrc := imaging.HomographyOf(a).Then(frameWin.x0*qrSide, frameWin.y0*qrSide)
	k := qrSide / frameScale
	coarse := imaging.Homography{k, 0, 0, 0, k, 0, 0, 0, 1}
	m := mul(toSrc, coarse)
	w, h := int((frameWin.x1-frameWin.x0)*frameScale), int((frameWin.y1-frameWin.y0)*frameScale)
	plane, f := src, 1.0
	if s := m.Scale(float64(w)/2, float64(h)/2); s > 1.5 {
		f = 1.5 / s
		plane = src.Scale(f)
		m = m.Scaled(f)
	}
	pic := plane.WarpHomography(m, w, h)
	hs := hough(ridges(pic, false), w, h, false, 0.36, int32(0.45*float64(w)))
	if len(hs) < 2 {
		return imaging.Homography{}, false
	}
	// The frame starts below the code and spans most of the page's width.
	top, bottom := extremes(hs, func(l ruling) bool { return l.c/frameScale+frameWin.y0 >= 0.9 })
	if top == nil || bottom.c-top.c < 2.5*frameScale {
		return imaging.Homography{}, false
	}
	// A sheet photographed tilted away from the camera narrows towards
	// its far edge: in the frame the code alone gives, its sides slant the
	// more the further they are from the code, by a third of the page's
	// height and more on a steep photo. They are looked for within 20° of
	// vertical first, then within 32° (a slope of 0.62): the wider search
	// finds other long lines of ink too, and is only tried when the
	// narrower finds no frame that agrees with the code.
	vink := ridges(pic, true)
	frameFrom := func(maxT float64) (imaging.Homography, bool) {
		// The frame's sides run from its top to its bottom; the code and
		// the short rules between columns do not.
		vs := hough(vink, w, h, true, maxT, int32(0.7*(bottom.c-top.c)))
		left, right := extremes(vs, func(ruling) bool { return true })
		if left == nil || right.c-left.c < 8*frameScale {
			return imaging.Homography{}, false
		}
		var quad [4]imaging.Point
		for i, hv := range [4][2]*ruling{{top, left}, {top, right}, {bottom, right}, {bottom, left}} {
			x, y, ok := cross(*hv[0], *hv[1])
			if !ok {
				return imaging.Homography{}, false
			}
			sx, sy := m.Apply(x, y)
			quad[i] = imaging.Point{X: sx, Y: sy}
		}
		for i := range quad {
			quad[i].X /= f
			quad[i].Y /= f
		}
		// The frame as the unit square; the QR symbol, square on the paper,
		// then shows the frame's proportions and size in QR sides.
		unit := [4]imaging.Point{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}, {X: 0, Y: 1}}
		toUnit, ok := imaging.SolveHomography(quad, unit)
		if !ok {
			return imaging.Homography{}, false
		}
		qu := make([]imaging.Point, 4)
		for i, p := range pts {
			x, y := toUnit.Apply(p.X, p.Y)
			qu[i] = imaging.Point{X: x, Y: y}
		}
		fa, ok := imaging.QRFrame(qu, 0, 0, 1)
		if !ok {
			return imaging.Homography{}, false
		}
		inv, ok := fa.Invert()
		if !ok {
			return imaging.Homography{}, false
		}
		var canon [4]imaging.Point
		for i, u := range unit {
			x, y := inv.Apply(u.X, u.Y)
			canon[i] = imaging.Point{X: x * qrSide, Y: y * qrSide}
		}
		hm, ok := imaging.SolveHomography(canon, quad)
		if !ok {
			return imaging.Homography{}, false
		}
		// The frame must be where the code says the form is, give or take
		// the perspective: its top-left corner below-right of the code, and
		// the code's corners where the code alone puts them.
		if c := canon[0]; c.X < -2*qrSide || c.X > 2*qrSide || c.Y < 0.8*qrSide || c.Y > 3*qrSide {
			return imaging.Homography{}, false
		}
		side := math.Hypot(pts[1].X-pts[0].X, pts[1].Y-pts[0].Y)
		for i, c := range [4][2]float64{{0, 0}, {qrSide, 0}, {qrSide, qrSide}, {0, qrSide}} {
			x, y := hm.Apply(c[0], c[1])
			if math.Hypot(x-pts[i].X, y-pts[i].Y) > 0.15*side {
				return imaging.Homography{}, false
			}
		}
		return hm, true
	}
	for _, maxT := range []float64{0.36, 0.62} {
		if hm, ok := frameFrom(maxT); ok {
			return hm, true
		}
	}
	return imaging.Homography{}, false
}

// extremes are the first and the last of ls that keep admits, by place.
func extremes(ls []ruling, keep func(ruling) bool) (first, last *ruling) {
	for i := range ls {
		l := &ls[i]
		if !keep(*l) {
			continue
		}
		if first == nil || l.c < first.c {
			first = l
		}
		if last == nil || l.c > last.c {
			last = l
		}
	}
	return first, last
}

// mul is the mapping a after b.
func mul(a, b imaging.Homography) imaging.Homography {
	var c imaging.Homography
	for r := range 3 {
		for k := range 3 {
			for j := range 3 {
				c[3*r+k] += a[3*r+j] * b[3*j+k]
			}
		}
	}
	return c
}

// cross is where horizontal line hl meets vertical line vl.
func cross(hl, vl ruling) (x, y float64, ok bool) {
	// y = hl.c + hl.t(x − hl.mid); x = vl.c + vl.t(y − vl.mid).
	d := 1 - hl.t*vl.t
	if math.Abs(d) < 1e-6 {
		return 0, 0, false
	}
	x = (vl.c + vl.t*(hl.c-hl.t*hl.mid-vl.mid)) / d
	y = hl.c + hl.t*(x-hl.mid)
	return x, y, true
}

// ridges marks the pixels of p darker than the paper on both sides of
// them, across a horizontal line (vertical when vertical is set): thin
// rules and print, not the edge of the sheet against a dark desk.
func ridges(p *imaging.Plane, vertical bool) []bool {
	const d, dark = 2, 6
	out := make([]bool, p.W*p.H)
	dx, dy := 0, d
	if vertical {
		dx, dy = d, 0
	}
	for y := dy; y < p.H-dy; y++ {
		for x := dx; x < p.W-dx; x++ {
			v := int(p.Pix[y*p.W+x])
			a := int(p.Pix[(y-dy)*p.W+x-dx])
			b := int(p.Pix[(y+dy)*p.W+x+dx])
			out[y*p.W+x] = v+dark < a && v+dark < b
		}
	}
	return out
}

// hough finds the long straight lines of ink, at most maxT off
// horizontal (or off vertical when vertical is set) as a slope: those with
// at least need inked pixels along them, one per place.
func hough(ink []bool, w, h int, vertical bool, maxT float64, need int32) []ruling {
	span, across := w, h
	if vertical {
		span, across = h, w
	}
	mid := float64(span) / 2
	step := 1.2 / float64(span)
	nt := int(2*maxT/step) + 1
	acc := make([]int32, nt*across)
	for i, on := range ink {
		if !on {
			continue
		}
		x, y := i%w, i/w
		s, a := float64(x), float64(y)
		if vertical {
			s, a = a, s
		}
		for ti := range nt {
			t := -maxT + float64(ti)*step
			c := int(a - t*(s-mid) + 0.5)
			if c >= 0 && c < across {
				acc[ti*across+c]++
			}
		}
	}
	best := make([]int32, across)
	bestT := make([]int, across)
	for c := range across {
		for ti := range nt {
			if v := acc[ti*across+c]; v > best[c] {
				best[c], bestT[c] = v, ti
			}
		}
	}
	// One line per place: a peak at least as high as its neighbours
	// within a sixth of a QR side.
	nms := int(frameScale) / 6
	var out []ruling
	for c := range across {
		if best[c] < need {
			continue
		}
		peak := true
		for d := -nms; d <= nms && peak; d++ {
			if e := c + d; e >= 0 && e < across && e != c && (best[e] > best[c] || best[e] == best[c] && e < c) {
				peak = false
			}
		}
		if peak {
			out = append(out, ruling{c: float64(c), t: -maxT + float64(bestT[c])*step, mid: mid})
		}
	}
	return out
}

// lightBlock is the side of the blocks evenLight finds the paper's
// brightness in: about two characters of the reading frame.
const lightBlock = 40

// evenLight evens out the light on p: each pixel is divided by the
// brightness of the paper around it (the brightest pixel of its block and
// the blocks beside it, interpolated between blocks), so that a shadow or
// the fall-off of a phone's light across a band does not push the
// engine's one threshold for the whole band into the paper on the dark
// side or into the print on the light one.
func evenLight(p *imaging.Plane) *imaging.Plane {
	bw, bh := (p.W+lightBlock-1)/lightBlock, (p.H+lightBlock-1)/lightBlock
	if bw < 2 && bh < 2 {
		return p
	}
	peak := make([]int, bw*bh)
	for y := range p.H {
		for x := range p.W {
			i := (y/lightBlock)*bw + x/lightBlock
			peak[i] = max(peak[i], int(p.Pix[y*p.W+x]))
		}
	}
	// A block all print (inside a large character) takes its neighbours'.
	paper := make([]float64, bw*bh)
	for by := range bh {
		for bx := range bw {
			m := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if x, y := bx+dx, by+dy; x >= 0 && y >= 0 && x < bw && y < bh {
						m = max(m, peak[y*bw+x])
					}
				}
			}
			paper[by*bw+bx] = float64(max(m, 32))
		}
	}
	at := func(bx, by int) float64 { return paper[min(max(by, 0), bh-1)*bw+min(max(bx, 0), bw-1)] }
	q := &imaging.Plane{W: p.W, H: p.H, Pix: make([]byte, len(p.Pix))}
	for y := range p.H {
		fy := (float64(y)+0.5)/lightBlock - 0.5
		by := int(math.Floor(fy))
		ty := fy - float64(by)
		for x := range p.W {
			fx := (float64(x)+0.5)/lightBlock - 0.5
			bx := int(math.Floor(fx))
			tx := fx - float64(bx)
			l := (at(bx, by)*(1-tx)+at(bx+1, by)*tx)*(1-ty) + (at(bx, by+1)*(1-tx)+at(bx+1, by+1)*tx)*ty
			q.Pix[y*p.W+x] = byte(math.Min(255, float64(p.Pix[y*p.W+x])*240/l))
		}
	}
	return q
}
