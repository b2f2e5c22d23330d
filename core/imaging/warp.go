package imaging

import (
	"image"
	"math"
)

// Affine maps one plane's coordinates to another's:
// x' = A[0]·x + A[1]·y + A[2], y' = A[3]·x + A[4]·y + A[5].
type Affine [6]float64

// Apply maps (x, y).
func (a Affine) Apply(x, y float64) (float64, float64) {
	return a[0]*x + a[1]*y + a[2], a[3]*x + a[4]*y + a[5]
}

// Invert returns the inverse mapping; ok is false when a is degenerate.
func (a Affine) Invert() (inv Affine, ok bool) {
	det := a[0]*a[4] - a[1]*a[3]
	if math.Abs(det) < 1e-12 || math.IsNaN(det) {
		return Affine{}, false
	}
	i0, i1 := a[4]/det, -a[1]/det
	i3, i4 := -a[3]/det, a[0]/det
	return Affine{i0, i1, -(i0*a[2] + i1*a[5]), i3, i4, -(i3*a[2] + i4*a[5])}, true
}

// QRFrame is the mapping from a frame aligned with a QR symbol to the image
// the symbol was read in: the symbol's top-left corner is at (ox, oy) and
// its side is side pixels, upright, whatever the symbol's rotation, scale
// and shear in the image. pts are its corners as Code.Points gives them.
// ok is false when the corners do not make a usable quadrilateral.
func QRFrame(pts []Point, ox, oy, side float64) (Affine, bool) {
	if len(pts) != 4 || side <= 0 {
		return Affine{}, false
	}
	tl, tr, br, bl := pts[0], pts[1], pts[2], pts[3]
	// Average the opposite sides: less sensitive to one corner's error.
	ux, uy := ((tr.X-tl.X)+(br.X-bl.X))/2/side, ((tr.Y-tl.Y)+(br.Y-bl.Y))/2/side
	vx, vy := ((bl.X-tl.X)+(br.X-tr.X))/2/side, ((bl.Y-tl.Y)+(br.Y-tr.Y))/2/side
	if math.Hypot(ux, uy) < 1e-3 || math.Hypot(vx, vy) < 1e-3 {
		return Affine{}, false
	}
	a := Affine{ux, vx, 0, uy, vy, 0}
	// The top-left corner maps to pts[0].
	a[2] = tl.X - (a[0]*ox + a[1]*oy)
	a[5] = tl.Y - (a[3]*ox + a[4]*oy)
	if _, ok := a.Invert(); !ok {
		return Affine{}, false
	}
	return a, true
}

// PlaneOf extracts channel c of img as a plane.
func PlaneOf(img image.Image, c Channel) *Plane { return planeOf(img, c) }

// Warp samples p through a (which maps the result's pixel centres to p's
// coordinates) into a w × h plane, bilinearly; outside p is white.
func (p *Plane) Warp(a Affine, w, h int) *Plane { return warpThrough(p, a, w, h) }

// warpThrough is Warp through any mapping: an affine one, or a
// homography's perspective (WarpHomography).
func warpThrough[M interface {
	Apply(x, y float64) (float64, float64)
}](p *Plane, m M, w, h int) *Plane {
	q := &Plane{W: w, H: h, Pix: make([]byte, w*h)}
	for y := 0; y < h; y++ {
		fy := float64(y) + 0.5
		for x := 0; x < w; x++ {
			sx, sy := m.Apply(float64(x)+0.5, fy)
			q.Pix[y*w+x] = p.sample(sx-0.5, sy-0.5)
		}
	}
	return q
}

// sample reads p at (x, y) bilinearly, white outside.
func (p *Plane) sample(x, y float64) byte {
	if x < -1 || y < -1 || x > float64(p.W) || y > float64(p.H) || math.IsNaN(x+y) {
		return 255
	}
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	wx, wy := x-float64(x0), y-float64(y0)
	at := func(xx, yy int) float64 {
		if xx < 0 || yy < 0 || xx >= p.W || yy >= p.H {
			return 255
		}
		return float64(p.Pix[yy*p.W+xx])
	}
	v := (at(x0, y0)*(1-wx)+at(x0+1, y0)*wx)*(1-wy) + (at(x0, y0+1)*(1-wx)+at(x0+1, y0+1)*wx)*wy
	return byte(v + 0.5)
}
