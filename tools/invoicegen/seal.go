package main

import (
	"image/color"
	"math"
	"math/rand/v2"
)

// seal is an oval stamp: a ring, text set along its upper arc and lines of
// text across it. Angles are in radians, clockwise on the page.
type seal struct {
	cx, cy, rx, ry float64 // millimetres
	ring           float64 // ring width
	rot            float64
	arc            string  // text along the upper arc
	arcPt          float64 // its size in points
	lines          []sealLine
}

type sealLine struct {
	text    string
	dy      float64 // baseline-centre offset from the seal centre, mm
	pt      float64
	pitch   float64 // distance between character centres, mm
	squeeze float64
}

// invoiceSeal is the seller's 发票专用章: 40 × 30 mm, company name around
// the top, tax ID across the middle, 发票专用章 below.
func invoiceSeal(cx, cy, rot float64, name, taxID string) seal {
	return seal{
		cx: cx, cy: cy, rx: 20, ry: 15, ring: 1.1, rot: rot,
		arc: name, arcPt: 12,
		lines: []sealLine{
			{text: taxID, dy: 1.6, pt: 8, pitch: 1.5, squeeze: 0.72},
			{text: "发票专用章", dy: 8.2, pt: 12, pitch: 4.6, squeeze: 0.8},
		},
	}
}

// supervisionSeal is the 全国统一发票监制章 printed on tax-control forms.
func supervisionSeal(cx, cy float64, bureau string) seal {
	return seal{
		cx: cx, cy: cy, rx: 12.5, ry: 8.5, ring: 0.55,
		arc: "全国统一发票监制章", arcPt: 7,
		lines: []sealLine{
			{text: "国家税务总局", dy: 1.6, pt: 6.5, pitch: 2.4, squeeze: 0.9},
			{text: bureau, dy: 5.4, pt: 6, pitch: 2.1, squeeze: 0.9},
		},
	}
}

// inside reports whether a page point (mm) lies inside the oval, scaled by k.
func (s seal) inside(x, y, k float64) bool {
	sin, cos := math.Sincos(-s.rot)
	dx, dy := x-s.cx, y-s.cy
	lx, ly := dx*cos-dy*sin, dx*sin+dy*cos
	return (lx*lx)/(s.rx*s.rx*k*k)+(ly*ly)/(s.ry*s.ry*k*k) <= 1
}

// onRing reports whether a point is on the ring, within margin mm.
func (s seal) onRing(x, y, margin float64) bool {
	return s.inside(x, y, 1+margin/s.rx) && !s.inside(x, y, 1-(s.ring+margin)/s.rx)
}

// toPage maps a point in the seal's own frame (mm from its centre) to the page.
func (s seal) toPage(x, y float64) (float64, float64) {
	sin, cos := math.Sincos(s.rot)
	return s.cx + x*cos - y*sin, s.cy + x*sin + y*cos
}

// draw stamps the seal in translucent ink with a blotchy density, as a
// rubber stamp leaves it.
func (c *canvas) drawSeal(s seal, col color.RGBA, density float64, r *rand.Rand) {
	m := c.newMask(s.cx-s.rx-1, s.cy-s.rx-1, s.cx+s.rx+1, s.cy+s.rx+1)
	p := c.path(m)
	// The ring: an outer oval and an inner one wound the other way.
	ellipse := func(rx, ry float64, reverse bool) {
		const k = 0.5522847498
		sgn := 1.0
		if reverse {
			sgn = -1
		}
		ctrl := [][2]float64{
			{rx, 0},
			{rx, sgn * k * ry}, {k * rx, sgn * ry}, {0, sgn * ry},
			{-k * rx, sgn * ry}, {-rx, sgn * k * ry}, {-rx, 0},
			{-rx, -sgn * k * ry}, {-k * rx, -sgn * ry}, {0, -sgn * ry},
			{k * rx, -sgn * ry}, {rx, -sgn * k * ry}, {rx, 0},
		}
		pts := make([]float32, 0, 2*len(ctrl))
		for _, q := range ctrl {
			x, y := s.toPage(q[0], q[1])
			px, py := p.pt(x, y)
			pts = append(pts, px, py)
		}
		p.z.MoveTo(pts[0], pts[1])
		for i := 2; i+5 < len(pts); i += 6 {
			p.z.CubeTo(pts[i], pts[i+1], pts[i+2], pts[i+3], pts[i+4], pts[i+5])
		}
		p.z.ClosePath()
	}
	ellipse(s.rx, s.ry, false)
	ellipse(s.rx-s.ring, s.ry-s.ring, true)
	p.fill()

	// Text around the upper arc, each character upright to the rim.
	rs := []rune(s.arc)
	em := s.arcPt * 25.4 / 72
	span := math.Min(3.8, float64(len(rs))*0.32) // radians
	const squeeze = 0.8
	ax, ay := s.rx-s.ring-em*0.62, s.ry-s.ring-em*0.62
	// Characters sit at equal distances along the arc; long names get
	// smaller characters, as a seal maker would cut them.
	const steps = 400
	var arcLen [steps + 1]float64
	at := func(k int) float64 { return -math.Pi/2 - span/2 + span*float64(k)/steps }
	measure := func() {
		for k := 1; k <= steps; k++ {
			t0, t1 := at(k-1), at(k)
			arcLen[k] = arcLen[k-1] + math.Hypot(ax*(math.Cos(t1)-math.Cos(t0)), ay*(math.Sin(t1)-math.Sin(t0)))
		}
	}
	measure()
	if fit := arcLen[steps] / float64(len(rs)) / squeeze * 0.92; fit < em {
		em = fit
		ax, ay = s.rx-s.ring-em*0.62, s.ry-s.ring-em*0.62
		measure()
	}
	pt := em * 72 / 25.4
	k := 0
	for i, ch := range rs {
		want := arcLen[steps] * (float64(i) + 0.5) / float64(len(rs))
		for k < steps && arcLen[k] < want {
			k++
		}
		t := at(k)
		lx, ly := ax*math.Cos(t), ay*math.Sin(t)
		nx, ny := math.Cos(t)/ax, math.Sin(t)/ay
		x, y := s.toPage(lx, ly)
		c.glyphRotated(m, ch, x, y, pt, math.Atan2(nx, -ny)+s.rot, squeeze)
	}
	for _, l := range s.lines {
		ls := []rune(l.text)
		for i, ch := range ls {
			dx := (float64(i) - float64(len(ls)-1)/2) * l.pitch
			x, y := s.toPage(dx, l.dy)
			c.glyphRotated(m, ch, x, y, l.pt, s.rot, l.squeeze)
		}
	}

	n := newNoise(r.Uint64())
	f := 1 / (0.9 * c.scale) // blotches about a millimetre across
	c.stamp(m, col, func(x, y int) float64 {
		v := n.fbm(float64(x)*f, float64(y)*f, 3)
		d := density * (0.55 + 0.6*v)
		return min(d, 1)
	})
}
