package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// script is the whole clip: segments in time order, none overlapping.
type script struct {
	w, h   int
	seed   uint64
	length float64 // seconds
	segs   []*segment
}

// segment is one image's pass in front of the camera.
type segment struct {
	file, text             string
	enter, in, leave, gone float64 // seconds
	from, hold, to         [2]float64
	shake                  [4]float64 // amplitudes and phases of the hand shake
	wobble                 bool       // a focus wobble while held
	src                    image.Image
	scale, angle           float64
	qrCentre               imaging.Point // in src pixels; qrFound false when none
	qrFound                bool
	paperLo, paperHi       float64
	once                   sync.Once
	layer                  *layer
	layerW, layerH         int
	qrInLayer              [2]float64
	mu                     sync.Mutex
	released               bool
}

// sigmas are the focus blur levels a layer is prepared at.
var sigmas = []float64{0, 1, 2, 3.5}

// plan loads the images, finds their QR codes and lays out the timeline.
func plan(cfg config, r *rand.Rand) (*script, error) {
	sc := &script{w: cfg.w, h: cfg.h, seed: cfg.seed}
	t := 0.7
	for _, path := range cfg.images {
		img, err := imaging.Load(path)
		if err != nil {
			return nil, err
		}
		s := &segment{file: filepath.Base(path), src: img, paperLo: 18 + 25*r.Float64(), paperHi: 205 + 30*r.Float64()}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		codes, _ := imaging.DecodeImage(ctx, img, imaging.Options{})
		cancel()
		qrSide := 0.0
		if len(codes) > 0 && len(codes[0].Points) == 4 {
			c := codes[0]
			s.text, s.qrFound = c.Text, true
			for _, p := range c.Points {
				s.qrCentre.X += p.X / 4
				s.qrCentre.Y += p.Y / 4
			}
			qrSide = (math.Hypot(c.Points[1].X-c.Points[0].X, c.Points[1].Y-c.Points[0].Y) +
				math.Hypot(c.Points[3].X-c.Points[0].X, c.Points[3].Y-c.Points[0].Y)) / 2
		}
		b := img.Bounds()
		if s.qrFound && qrSide > 8 {
			want := float64(cfg.h) * (cfg.qrMin + (cfg.qrMax-cfg.qrMin)*r.Float64())
			s.scale = want / qrSide
		} else {
			s.scale = 0.7 * float64(cfg.w) / float64(b.Dx())
		}
		s.angle = (r.Float64()*12 - 6) * math.Pi / 180
		s.layerW, s.layerH, s.qrInLayer = s.geometry()

		// Where the QR code (or the page's centre) is held.
		var fx, fy float64
		if s.qrFound {
			half := qrSide * s.scale * 0.75
			fx = clampF(float64(cfg.w)*(0.3+0.4*r.Float64()), half+8, float64(cfg.w)-half-8)
			fy = clampF(float64(cfg.h)*(0.35+0.3*r.Float64()), half+8, float64(cfg.h)-half-8)
		} else {
			fx, fy = float64(cfg.w)/2, float64(cfg.h)/2
			s.qrInLayer = [2]float64{float64(s.layerW) / 2, float64(s.layerH) / 2}
		}
		s.hold = [2]float64{fx - s.qrInLayer[0], fy - s.qrInLayer[1]}
		s.from = offscreen(s.hold, s.layerW, s.layerH, cfg.w, cfg.h, r.IntN(3))
		s.to = offscreen(s.hold, s.layerW, s.layerH, cfg.w, cfg.h, r.IntN(4))
		for i := range s.shake {
			s.shake[i] = r.Float64()
		}
		s.wobble = r.IntN(2) == 0

		s.enter = t
		s.in = t + 0.35 + 0.15*r.Float64()
		s.leave = s.in + 0.95 + 0.2*r.Float64()
		s.gone = s.leave + 0.3 + 0.15*r.Float64()
		t = s.gone + 0.4 + 0.2*r.Float64()
		sc.segs = append(sc.segs, s)
	}
	sc.length = t + 0.1
	return sc, nil
}

// offscreen moves hold along one axis until a w×h layer is out of an
// fw×fh frame: side 0 left, 1 right, 2 bottom, 3 top.
func offscreen(hold [2]float64, w, h, fw, fh, side int) [2]float64 {
	switch side {
	case 0:
		return [2]float64{-float64(w) - 4, hold[1]}
	case 1:
		return [2]float64{float64(fw) + 4, hold[1]}
	case 2:
		return [2]float64{hold[0], float64(fh) + 4}
	}
	return [2]float64{hold[0], -float64(h) - 4}
}

// geometry is the size of the scaled, rotated image and where its QR
// centre lands in it.
func (s *segment) geometry() (int, int, [2]float64) {
	b := s.src.Bounds()
	w, h := float64(b.Dx())*s.scale, float64(b.Dy())*s.scale
	c, sn := math.Abs(math.Cos(s.angle)), math.Abs(math.Sin(s.angle))
	lw, lh := int(w*c+h*sn)+4, int(w*sn+h*c)+4
	q := s.toLayer(s.qrCentre.X-float64(b.Min.X), s.qrCentre.Y-float64(b.Min.Y), lw, lh)
	return lw, lh, q
}

// toLayer maps a point of the source image to the layer.
func (s *segment) toLayer(x, y float64, lw, lh int) [2]float64 {
	b := s.src.Bounds()
	u, v := (x-float64(b.Dx())/2)*s.scale, (y-float64(b.Dy())/2)*s.scale
	c, sn := math.Cos(s.angle), math.Sin(s.angle)
	return [2]float64{c*u - sn*v + float64(lw)/2, sn*u + c*v + float64(lh)/2}
}

// pos is the layer's top-left corner at time t.
func (s *segment) pos(t float64) (float64, float64) {
	switch {
	case t < s.in:
		u := easeOut((t - s.enter) / (s.in - s.enter))
		return lerp(s.from[0], s.hold[0], u), lerp(s.from[1], s.hold[1], u)
	case t >= s.leave:
		u := easeIn(math.Min(1, (t-s.leave)/(s.gone-s.leave)))
		return lerp(s.hold[0], s.to[0], u), lerp(s.hold[1], s.to[1], u)
	}
	// A hand is never still.
	d := t - s.in
	return s.hold[0] + 3*math.Sin(2*math.Pi*(1.3*d+s.shake[0])), s.hold[1] + 2*math.Sin(2*math.Pi*(0.9*d+s.shake[1]))
}

// sigma is the focus blur at t: the page arrives out of focus, the camera
// catches up, and sometimes hunts once more while it is held.
func (s *segment) sigma(t float64) float64 {
	switch {
	case t < s.in:
		return 3.5 * (t - s.enter) / (s.in - s.enter)
	case t >= s.leave:
		return 2 * (t - s.leave) / (s.gone - s.leave)
	}
	d := t - s.in
	if d < 0.3 {
		return 3.5 * (1 - d/0.3)
	}
	if s.wobble && d >= 0.55 && d < 0.85 {
		return 2.5 * (1 - math.Abs(d-0.7)/0.15)
	}
	return 0
}

func easeOut(u float64) float64 { u = 1 - u; return 1 - u*u*u }
func easeIn(u float64) float64  { return u * u * u }
func lerp(a, b, u float64) float64 {
	return a + (b-a)*u
}

func clampF(v, lo, hi float64) float64 {
	if hi < lo {
		return (lo + hi) / 2
	}
	return math.Max(lo, math.Min(hi, v))
}

// layer is the image as the camera sees it, premultiplied by its alpha,
// at each focus level: luma and alpha per level, chroma once.
type layer struct {
	w, h   int
	y, a   [][]byte // per sigma
	cb, cr []byte
}

// getLayer makes the layer on first use.
func (s *segment) getLayer() *layer {
	s.once.Do(func() { s.layer = s.makeLayer() })
	return s.layer
}

func (s *segment) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.layer, s.src, s.released = nil, nil, true
}

func (s *segment) isReleased() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.released
}

func (s *segment) makeLayer() *layer {
	b := s.src.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), s.src, b.Min, draw.Src)
	// Scale each channel with area averaging, then rotate bilinearly.
	var planes [3]*imaging.Plane
	for c := range 3 {
		p := &imaging.Plane{W: b.Dx(), H: b.Dy(), Pix: make([]byte, b.Dx()*b.Dy())}
		for i := range p.Pix {
			p.Pix[i] = rgba.Pix[4*i+c]
		}
		planes[c] = p.Scale(s.scale)
	}
	sw, sh := planes[0].W, planes[0].H
	lw, lh := s.layerW, s.layerH
	l := &layer{w: lw, h: lh, cb: make([]byte, lw*lh), cr: make([]byte, lw*lh)}
	y0, a0 := make([]byte, lw*lh), make([]byte, lw*lh)
	c, sn := math.Cos(s.angle), math.Sin(s.angle)
	span := s.paperHi - s.paperLo
	for y := range lh {
		for x := range lw {
			u, v := float64(x)+0.5-float64(lw)/2, float64(y)+0.5-float64(lh)/2
			sx, sy := c*u+sn*v+float64(sw)/2-0.5, -sn*u+c*v+float64(sh)/2-0.5
			var rgb [3]float64
			cover := 0.0
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(ix), sy-float64(iy)
			for k, wgt := range [4]float64{(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy} {
				px, py := ix+k%2, iy+k/2
				if px < 0 || py < 0 || px >= sw || py >= sh || wgt == 0 {
					continue
				}
				cover += wgt
				for ch := range 3 {
					rgb[ch] += wgt * float64(planes[ch].Pix[py*sw+px])
				}
			}
			if cover <= 0 {
				continue
			}
			for ch := range 3 {
				// Paper under room light: no pure white, no pure black.
				rgb[ch] = s.paperLo + rgb[ch]/cover*span/255
			}
			yy, cb, cr := color.RGBToYCbCr(uint8(rgb[0]), uint8(rgb[1]), uint8(rgb[2]))
			a := cover
			i := y*lw + x
			y0[i] = uint8(float64(yy)*a + 0.5)
			a0[i] = uint8(255*a + 0.5)
			l.cb[i] = uint8(float64(cb)*a + 0.5)
			l.cr[i] = uint8(float64(cr)*a + 0.5)
		}
	}
	for _, sg := range sigmas {
		if sg == 0 {
			l.y, l.a = append(l.y, y0), append(l.a, a0)
			continue
		}
		l.y = append(l.y, gauss(y0, lw, lh, sg))
		l.a = append(l.a, gauss(a0, lw, lh, sg))
	}
	return l
}

// gauss approximates a Gaussian blur by three box blurs.
func gauss(p []byte, w, h int, sigma float64) []byte {
	r := int(math.Round((math.Sqrt(4*sigma*sigma+1) - 1) / 2))
	out := append([]byte(nil), p...)
	tmp := make([]byte, len(p))
	for range 3 {
		boxH(out, tmp, w, h, r)
		boxV(tmp, out, w, h, r)
	}
	return out
}

func boxH(src, dst []byte, w, h, r int) {
	n := 2*r + 1
	for y := range h {
		row := src[y*w : (y+1)*w]
		sum := 0
		for x := -r; x <= r; x++ {
			sum += int(row[min(max(x, 0), w-1)])
		}
		for x := range w {
			dst[y*w+x] = byte(sum / n)
			sum += int(row[min(x+r+1, w-1)]) - int(row[max(x-r, 0)])
		}
	}
}

func boxV(src, dst []byte, w, h, r int) {
	n := 2*r + 1
	for x := range w {
		sum := 0
		for y := -r; y <= r; y++ {
			sum += int(src[min(max(y, 0), h-1)*w+x])
		}
		for y := range h {
			dst[y*w+x] = byte(sum / n)
			sum += int(src[min(y+r+1, h-1)*w+x]) - int(src[max(y-r, 0)*w+x])
		}
	}
}

// desk is the empty scene: a wooden desk under a lamp.
func desk(w, h int, seed uint64) *frame {
	r := rand.New(rand.NewPCG(seed, 0x6465736b))
	f := &frame{w: w, h: h, y: make([]byte, w*h), cb: make([]byte, w*h/4), cr: make([]byte, w*h/4)}
	ph := r.Float64() * 10
	full := make([][3]byte, w*h)
	for y := range h {
		for x := range w {
			dx, dy := float64(x)/float64(w)-0.5, float64(y)/float64(h)-0.5
			light := 1 - 0.9*(dx*dx+dy*dy)
			grain := 10*math.Sin(float64(x)*0.035+4*math.Sin(float64(y)*0.006+ph)) + 4*math.Sin(float64(x)*0.31+float64(y)*0.01)
			rr, gg, bb := (150+grain)*light, (112+grain*0.8)*light, (78+grain*0.6)*light
			yy, cb, cr := color.RGBToYCbCr(uint8(rr), uint8(gg), uint8(bb))
			full[y*w+x] = [3]byte{yy, cb, cr}
		}
	}
	for i, p := range full {
		f.y[i] = p[0]
	}
	for y := 0; y < h; y += 2 {
		for x := 0; x < w; x += 2 {
			p := full[y*w+x]
			f.cb[(y/2)*(w/2)+x/2], f.cr[(y/2)*(w/2)+x/2] = p[1], p[2]
		}
	}
	return f
}

// noiseTable is sensor noise, read at a different offset each frame.
func noiseTable(seed uint64) []int8 {
	r := rand.New(rand.NewPCG(seed, 0x6e6f6973))
	t := make([]int8, 1<<21)
	for i := range t {
		t[i] = int8(max(-12, min(12, math.Round(r.NormFloat64()*2.5))))
	}
	return t
}

// frameAt renders the frame that starts at t, exposed for part of dt.
func (sc *script) frameAt(t, dt float64, bg *frame, noise []int8, index int) *frame {
	f := &frame{w: bg.w, h: bg.h, y: append([]byte(nil), bg.y...), cb: append([]byte(nil), bg.cb...), cr: append([]byte(nil), bg.cr...)}
	for _, s := range sc.segs {
		if t < s.enter || t >= s.gone {
			continue
		}
		s.mu.Lock()
		if s.released {
			s.mu.Unlock()
			panic(fmt.Sprintf("segment %s used after release", s.file))
		}
		s.mu.Unlock()
		l := s.getLayer()
		level := 0
		sg := s.sigma(t)
		for i, v := range sigmas {
			if math.Abs(v-sg) < math.Abs(sigmas[level]-sg) {
				level = i
			}
		}
		// Motion blur: the average of the layer over the exposure.
		exposure := 0.6 * dt
		x0, y0 := s.pos(t)
		x1, y1 := s.pos(t + exposure)
		k := max(1, min(8, int(math.Hypot(x1-x0, y1-y0)/6)))
		if k == 1 {
			composite(f, l, level, int(math.Round(x0)), int(math.Round(y0)))
			break
		}
		acc := &accum{y: make([]uint16, len(f.y)), cb: make([]uint16, len(f.cb)), cr: make([]uint16, len(f.cr))}
		for j := range k {
			g := &frame{w: bg.w, h: bg.h, y: append([]byte(nil), bg.y...), cb: append([]byte(nil), bg.cb...), cr: append([]byte(nil), bg.cr...)}
			x, y := s.pos(t + exposure*float64(j)/float64(k-1))
			composite(g, l, level, int(math.Round(x)), int(math.Round(y)))
			acc.add(g)
		}
		acc.into(f, k)
		break
	}
	// Sensor noise and a lamp that is not quite steady.
	gain := 1 + 0.03*math.Sin(2*math.Pi*t/3.7)
	off := int(uint64(index)*2654435761) & (len(noise) - 1)
	for i, v := range f.y {
		f.y[i] = clampB(float64(v)*gain + float64(noise[(off+i)&(len(noise)-1)]))
	}
	return f
}

type accum struct{ y, cb, cr []uint16 }

func (a *accum) add(f *frame) {
	for i, v := range f.y {
		a.y[i] += uint16(v)
	}
	for i := range f.cb {
		a.cb[i] += uint16(f.cb[i])
		a.cr[i] += uint16(f.cr[i])
	}
}

func (a *accum) into(f *frame, k int) {
	for i, v := range a.y {
		f.y[i] = byte(int(v) / k)
	}
	for i := range a.cb {
		f.cb[i], f.cr[i] = byte(int(a.cb[i])/k), byte(int(a.cr[i])/k)
	}
}

// composite lays level lv of l over f with its top-left corner at (ox, oy).
func composite(f *frame, l *layer, lv, ox, oy int) {
	ly, la := l.y[lv], l.a[lv]
	x0, x1 := max(0, ox), min(f.w, ox+l.w)
	y0, y1 := max(0, oy), min(f.h, oy+l.h)
	for y := y0; y < y1; y++ {
		frow := f.y[y*f.w:]
		li := (y-oy)*l.w - ox
		for x := x0; x < x1; x++ {
			a := int(la[li+x])
			if a == 0 {
				continue
			}
			frow[x] = byte(min(255, (int(frow[x])*(255-a)+127)/255+int(ly[li+x])))
		}
	}
	cw := f.w / 2
	for cy := (y0 + 1) / 2; cy*2 < y1; cy++ {
		for cx := (x0 + 1) / 2; cx*2 < x1; cx++ {
			li := (2*cy-oy)*l.w + 2*cx - ox
			a := int(la[li])
			if a == 0 {
				continue
			}
			ci := cy*cw + cx
			f.cb[ci] = clampB(float64((int(f.cb[ci])*(255-a)+127)/255 + int(l.cb[li])))
			f.cr[ci] = clampB(float64((int(f.cr[ci])*(255-a)+127)/255 + int(l.cr[li])))
		}
	}
}

func clampB(v float64) byte {
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return byte(v + 0.5)
}
