package imaging

import "math"

// Homography maps one plane's coordinates to another's through a 3×3
// matrix, row by row: a flat sheet seen in perspective, as a phone photo
// shows a page.
type Homography [9]float64

// Apply maps (x, y).
func (h Homography) Apply(x, y float64) (float64, float64) {
	d := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / d, (h[3]*x + h[4]*y + h[5]) / d
}

// HomographyOf is a as a homography.
func HomographyOf(a Affine) Homography {
	return Homography{a[0], a[1], a[2], a[3], a[4], a[5], 0, 0, 1}
}

// Then is h applied after the translation by (dx, dy): the same mapping
// for a plane whose origin is at (dx, dy).
func (h Homography) Then(dx, dy float64) Homography {
	h[2] += h[0]*dx + h[1]*dy
	h[5] += h[3]*dx + h[4]*dy
	h[8] += h[6]*dx + h[7]*dy
	return h
}

// Scaled is h followed by scaling its result by f.
func (h Homography) Scaled(f float64) Homography {
	for i := range 6 {
		h[i] *= f
	}
	return h
}

// Scale is the linear scale of h at (x, y): the square root of the area a
// unit square there maps to.
func (h Homography) Scale(x, y float64) float64 {
	x0, y0 := h.Apply(x, y)
	x1, y1 := h.Apply(x+1, y)
	x2, y2 := h.Apply(x, y+1)
	return math.Sqrt(math.Abs((x1-x0)*(y2-y0) - (x2-x0)*(y1-y0)))
}

// SolveHomography finds the mapping taking from[i] to to[i]; ok is false
// when three of the points are on one line.
func SolveHomography(from, to [4]Point) (h Homography, ok bool) {
	if flat(from) || flat(to) {
		return Homography{}, false
	}
	var a [8][8]float64
	var b [8]float64
	for i := range 4 {
		x, y, u, v := from[i].X, from[i].Y, to[i].X, to[i].Y
		a[2*i], b[2*i] = [8]float64{x, y, 1, 0, 0, 0, -u * x, -u * y}, u
		a[2*i+1], b[2*i+1] = [8]float64{0, 0, 0, x, y, 1, -v * x, -v * y}, v
	}
	// Eight unknowns, h[8] = 1.
	g, ok := solve8(a, b)
	if !ok {
		return Homography{}, false
	}
	copy(h[:8], g[:])
	h[8] = 1
	for _, v := range h {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Homography{}, false
		}
	}
	return h, true
}

// WarpHomography samples p through h (which maps the result's pixel
// centres to p's coordinates) into a w × ht plane, bilinearly; outside p
// is white.
func (p *Plane) WarpHomography(h Homography, w, ht int) *Plane { return warpThrough(p, h, w, ht) }

// flat reports whether three of q are on one line.
func flat(q [4]Point) bool {
	for i := range 4 {
		a, b, c := q[i], q[(i+1)%4], q[(i+2)%4]
		ux, uy, vx, vy := b.X-a.X, b.Y-a.Y, c.X-a.X, c.Y-a.Y
		if math.Abs(ux*vy-uy*vx) <= 1e-9*math.Hypot(ux, uy)*math.Hypot(vx, vy) {
			return true
		}
	}
	return false
}
