package main

import (
	"image"
	"math"
	"math/rand/v2"
)

// photoOpts describes a phone photo of a sheet lying on a desk.
type photoOpts struct {
	longSide int         // output pixels on the long side
	portrait bool        // phone held upright, sheet turned a quarter in frame
	tilt     float64     // degrees the sheet is tilted away from the camera
	fill     float64     // fraction of the frame the sheet spans
	focus    *[2]float64 // where the camera focused, mm on the sheet; nil for its middle
	qr       *qrPlace    // where the code is on the sheet, mm
}

// minModule is the smallest module a photo shows, in pixels.
const minModule = 2.6

// sheetDPI is the resolution to render a sheet of wmm × hmm for a photo so
// that its nearest part is sampled at about one page pixel per photo pixel.
func (o photoOpts) sheetDPI(wmm, hmm float64) float64 {
	short := float64(o.longSide) * 3 / 4
	span := float64(o.longSide)
	if o.portrait {
		span = short
	}
	pxPerMM := span * o.fill / math.Max(wmm, hmm) * 1.3
	return math.Min(math.Max(pxPerMM*25.4, 150), 420)
}

// photograph projects sheet (pxPerMM pixels per millimetre) through a
// pinhole camera onto a desk, then applies uneven light, a shadow, lens
// blur and sensor noise.
func photograph(sheet *image.RGBA, pxPerMM float64, o photoOpts, r *rand.Rand) *image.RGBA {
	W, H := o.longSide, o.longSide*3/4
	if o.portrait {
		W, H = H, W
	}
	sw, sh := float64(sheet.Rect.Dx())/pxPerMM, float64(sheet.Rect.Dy())/pxPerMM

	// The sheet in 3D: tilted about its horizontal axis, a little yaw,
	// turned in the frame (a quarter turn when the phone is upright).
	tilt := o.tilt * math.Pi / 180
	if r.IntN(2) == 0 {
		tilt = -tilt
	}
	yaw := (r.Float64() - 0.5) * 0.25
	roll := (r.Float64() - 0.5) * 0.2
	if o.portrait {
		roll += math.Pi / 2 * float64(1-2*r.IntN(2))
	}
	dist := 260 + 120*r.Float64() // mm
	corners := [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}}
	var proj [4][2]float64
	for i, c := range corners {
		x, y, z := c[0]-sw/2, c[1]-sh/2, 0.0
		// yaw about y, tilt about x, roll about z
		x, z = x*math.Cos(yaw)+z*math.Sin(yaw), -x*math.Sin(yaw)+z*math.Cos(yaw)
		y, z = y*math.Cos(tilt)-z*math.Sin(tilt), y*math.Sin(tilt)+z*math.Cos(tilt)
		x, y = x*math.Cos(roll)-y*math.Sin(roll), x*math.Sin(roll)+y*math.Cos(roll)
		z += dist
		proj[i] = [2]float64{x / z, y / z}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range proj {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	s := math.Min(float64(W)*o.fill/(maxX-minX), float64(H)*0.92/(maxY-minY))
	offX := (float64(W) - s*(maxX-minX)) * (0.3 + 0.4*r.Float64())
	offY := (float64(H) - s*(maxY-minY)) * (0.3 + 0.4*r.Float64())
	var dst, src [4][2]float64
	place := func() {
		for i, p := range proj {
			dst[i] = [2]float64{offX + (p[0]-minX)*s, offY + (p[1]-minY)*s}
			src[i] = [2]float64{corners[i][0] * pxPerMM, corners[i][1] * pxPerMM}
		}
	}
	place()
	if o.qr != nil {
		// Step closer when the code would come out with modules under
		// minModule pixels: smaller than that no decoder can be asked to read
		// it through blur and JPEG. The sheet may then leave the frame; the
		// code stays inside it.
		q := o.qr
		qc := func() (pts [4][2]float64) {
			fs := solveHomography(src, dst)
			for i, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
				pts[i][0], pts[i][1] = fs.Apply((q.x+c[0]*q.size)*pxPerMM, (q.y+c[1]*q.size)*pxPerMM)
			}
			return pts
		}
		pts := qc()
		edge := math.Inf(1)
		for i := range 4 {
			a, b := pts[i], pts[(i+1)%4]
			edge = math.Min(edge, math.Hypot(a[0]-b[0], a[1]-b[1]))
		}
		if k := minModule / (edge / float64(q.modules)); k > 1 {
			cx, cy := (pts[0][0]+pts[2][0])/2, (pts[0][1]+pts[2][1])/2
			offX, offY = cx-(cx-offX)*k, cy-(cy-offY)*k
			s *= k
			place()
			pts = qc()
			margin := 0.04 * float64(min(W, H))
			for _, p := range pts {
				offX += math.Max(0, margin-p[0]) - math.Max(0, p[0]-(float64(W)-margin))
				offY += math.Max(0, margin-p[1]) - math.Max(0, p[1]-(float64(H)-margin))
			}
			place()
		}
	}
	toSheet := solveHomography(dst, src)

	desk := newDesk(r)
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	lit := newLighting(W, H, r)
	sheetW, sheetH := float64(sheet.Rect.Dx()), float64(sheet.Rect.Dy())
	norm := 1 / float64(max(W, H))
	for y := range H {
		for x := range W {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			sx, sy := toSheet.Apply(fx, fy)
			c, cov := sample(sheet, sx, sy)
			if cov < 1 {
				bg := desk.at(fx*norm, fy*norm)
				// The sheet's soft shadow on the desk.
				dx := math.Max(math.Max(-sx, sx-sheetW), 0) / pxPerMM
				dy := math.Max(math.Max(-sy, sy-sheetH), 0) / pxPerMM
				sh := 1.0
				if dx < 15 && dy < 15 {
					sh = 1 - 0.35*math.Exp(-math.Sqrt(dx*dx+dy*dy)/2.5)
				}
				for i := range 3 {
					c[i] += (1 - cov) * bg[i] * sh
				}
			}
			l := lit.grid(x, y)
			o := y*out.Stride + x*4
			out.Pix[o] = clamp8(c[0] * l * lit.cast[0])
			out.Pix[o+1] = clamp8(c[1] * l * lit.cast[1])
			out.Pix[o+2] = clamp8(c[2] * l * lit.cast[2])
			out.Pix[o+3] = 255
		}
	}
	// Depth of field: sharp where the camera focused (the sheet's middle or
	// the QR code), softer towards the near and far edges of a tilted sheet.
	// On a plane, depth is proportional to 1 / the homography's denominator.
	res := float64(o.longSide) / 2500
	depth := func(x, y float64) float64 { return 1 / (toSheet[6]*x + toSheet[7]*y + toSheet[8]) }
	fs := solveHomography(src, dst)
	fx, fy := fs.Apply(sheetW/2, sheetH/2)
	if o.focus != nil {
		fx, fy = fs.Apply(o.focus[0]*pxPerMM, o.focus[1]*pxPerMM)
	}
	zf := depth(fx, fy)
	far := image.NewRGBA(out.Rect)
	copy(far.Pix, out.Pix)
	blur(out, math.Min((0.5+0.4*r.Float64())*math.Max(res, 0.8), 1.1))
	blur(far, (1.2+0.6*r.Float64())*math.Min(math.Max(res, 0.8), 1.2))
	gain := 3 + 3*r.Float64()
	for y := range H {
		for x := range W {
			w := math.Min(1, math.Abs(depth(float64(x)+0.5, float64(y)+0.5)/zf-1)*gain)
			o := y*out.Stride + x*4
			for i := range 3 {
				out.Pix[o+i] = clamp8(float64(out.Pix[o+i])*(1-w) + float64(far.Pix[o+i])*w)
			}
		}
	}
	// Half of the photos were taken with a slightly shaking hand.
	if r.IntN(2) == 0 {
		rad := 1
		if r.IntN(2) == 0 {
			boxH(out.Pix, W, H, out.Stride, rad)
		} else {
			boxV(out.Pix, W, H, out.Stride, rad)
		}
	}
	addNoise(out, r, 2.5+3.5*r.Float64(), 1.5+1.5*r.Float64())
	return out
}

// lighting is the light falling on the scene: exposure, a gradient, a lamp
// hot spot, vignetting and the soft shadow of the phone or a hand.
type lighting struct {
	w, h                    float64
	exposure                float64
	gx, gy, grad            float64
	hx, hy, hr, hot         float64
	shx, shy, shOff, shSoft float64
	shDepth                 float64
	vignette                float64
	cast                    [3]float64
	cache                   []float64 // light every lightStep pixels
	cw, ch                  int
}

func newLighting(W, H int, r *rand.Rand) *lighting {
	a := r.Float64() * 2 * math.Pi
	sa := r.Float64() * 2 * math.Pi
	l := &lighting{
		w: float64(W), h: float64(H),
		exposure: 0.88 + 0.12*r.Float64(),
		gx:       math.Cos(a), gy: math.Sin(a), grad: 0.12 + 0.2*r.Float64(),
		hx: r.Float64(), hy: r.Float64(), hr: 0.25 + 0.3*r.Float64(), hot: 0.04 + 0.1*r.Float64(),
		shx: math.Cos(sa), shy: math.Sin(sa), shOff: 0.15 + 0.35*r.Float64(), shSoft: 0.015 + 0.05*r.Float64(),
		shDepth:  0.25 + 0.25*r.Float64(),
		vignette: 0.15 + 0.15*r.Float64(),
	}
	switch r.IntN(3) {
	case 0: // warm lamp
		l.cast = [3]float64{1, 0.96, 0.86}
	case 1: // daylight
		l.cast = [3]float64{0.97, 0.99, 1}
	default:
		l.cast = [3]float64{1, 0.98, 0.94}
	}
	return l
}

// grid reads the light at pixel (x,y) from values computed every
// lightStep pixels; the light varies slowly, so this loses nothing visible.
func (l *lighting) grid(x, y int) float64 {
	if l.cache == nil {
		l.cw, l.ch = int(l.w)/lightStep+2, int(l.h)/lightStep+2
		l.cache = make([]float64, l.cw*l.ch)
		for j := range l.ch {
			for i := range l.cw {
				l.cache[j*l.cw+i] = l.at(float64(i*lightStep), float64(j*lightStep))
			}
		}
	}
	i, j := x/lightStep, y/lightStep
	fx, fy := float64(x%lightStep)/lightStep, float64(y%lightStep)/lightStep
	c := l.cache[j*l.cw+i:]
	d := l.cache[(j+1)*l.cw+i:]
	return (c[0]*(1-fx)+c[1]*fx)*(1-fy) + (d[0]*(1-fx)+d[1]*fx)*fy
}

const lightStep = 8

func (l *lighting) at(x, y float64) float64 {
	u, v := x/l.w-0.5, y/l.h-0.5
	f := l.exposure * (1 + l.grad*(u*l.gx+v*l.gy))
	f *= 1 + l.hot*math.Exp(-(sq(u+0.5-l.hx)+sq(v+0.5-l.hy))/(2*l.hr*l.hr))
	f *= 1 - l.vignette*(u*u+v*v)*2
	// The shadow covers the part of the frame beyond a line, with a soft edge.
	d := u*l.shx + v*l.shy - (0.5 - l.shOff)
	f *= 1 - l.shDepth/(1+math.Exp(-d/l.shSoft))
	return f
}

// desk is a background texture: wood, grey laminate or dark cloth.
type desk struct {
	kind int
	base [3]float64
	n    noise
}

func newDesk(r *rand.Rand) desk {
	d := desk{kind: r.IntN(3), n: newNoise(r.Uint64())}
	switch d.kind {
	case 0:
		d.base = [3]float64{128 + 20*r.Float64(), 88 + 12*r.Float64(), 58 + 10*r.Float64()}
	case 1:
		g := 80 + 35*r.Float64()
		d.base = [3]float64{g, g + 2, g + 5}
	default:
		d.base = [3]float64{45 + 15*r.Float64(), 55 + 15*r.Float64(), 75 + 20*r.Float64()}
	}
	return d
}

// at gives the desk colour at normalised coordinates (0..1 on the long side).
func (d desk) at(u, v float64) [3]float64 {
	var f float64
	switch d.kind {
	case 0: // wood grain running along u
		g := math.Sin(u*30 + 8*d.n.fbm(u*3, v*18, 3))
		f = 0.82 + 0.1*g + 0.12*d.n.fbm(u*60, v*400, 2)
	case 1:
		f = 0.88 + 0.12*d.n.fbm(u*6, v*6, 3) + 0.06*(d.n.at(u*900, v*900)-0.5)
	default:
		f = 0.85 + 0.1*d.n.fbm(u*10, v*10, 2) + 0.12*(d.n.at(u*700, v*700)-0.5)
	}
	return [3]float64{d.base[0] * f, d.base[1] * f, d.base[2] * f}
}

// deskPhoto is a photo of a desk with a few things on it (a phone, a
// notebook, a mug seen from above) and no code anywhere.
func deskPhoto(longSide int, r *rand.Rand) *image.RGBA {
	W, H := longSide, longSide*3/4
	d := newDesk(r)
	lit := newLighting(W, H, r)
	type object struct {
		cx, cy, a, b, sin, cos float64 // centre, half sizes, turn
		round                  bool
		col                    [3]float64
	}
	objs := make([]object, 2+r.IntN(4))
	for i := range objs {
		ang := r.Float64() * math.Pi
		o := object{
			cx: r.Float64() * float64(W), cy: r.Float64() * float64(H),
			a: (0.05 + 0.15*r.Float64()) * float64(W), round: r.IntN(3) == 0,
			sin: math.Sin(ang), cos: math.Cos(ang),
		}
		o.b = o.a * (0.3 + 0.7*r.Float64())
		if o.round {
			o.b = o.a
		}
		g := 20 + 220*r.Float64()
		o.col = [3]float64{g * (0.6 + 0.4*r.Float64()), g * (0.6 + 0.4*r.Float64()), g * (0.6 + 0.4*r.Float64())}
		objs[i] = o
	}
	// inside is a signed distance in pixels, positive inside the object.
	inside := func(o object, x, y float64) float64 {
		dx, dy := x-o.cx, y-o.cy
		lx, ly := dx*o.cos+dy*o.sin, -dx*o.sin+dy*o.cos
		if o.round {
			return o.a - math.Hypot(lx, ly)
		}
		return math.Min(o.a-math.Abs(lx), o.b-math.Abs(ly))
	}
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	norm := 1 / float64(W)
	shOff := 0.01 * float64(W)
	for y := range H {
		for x := range W {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			c := d.at(fx*norm, fy*norm)
			for _, ob := range objs {
				// A soft shadow to one side, then the object itself.
				if s := inside(ob, fx-shOff, fy-shOff); s > -3*shOff {
					k := 0.45 * math.Min(1, (s+3*shOff)/(3*shOff))
					for i := range c {
						c[i] *= 1 - k
					}
				}
				if s := inside(ob, fx, fy); s > -1 {
					k := math.Min(1, (s+1)/2)
					for i := range c {
						c[i] = c[i]*(1-k) + ob.col[i]*k
					}
				}
			}
			l := lit.grid(x, y) * 1.4
			o := y*out.Stride + x*4
			for i := range 3 {
				out.Pix[o+i] = clamp8(c[i] * l * lit.cast[i])
			}
			out.Pix[o+3] = 255
		}
	}
	blur(out, 0.8)
	addNoise(out, r, 4, 2)
	return out
}
