package main

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// dotPrint is how a tax-control paper invoice's values come out of the
// billing office's dot-matrix printer: the pre-printed form (captions,
// ruling, title) goes through it as a sheet, and every value (the QR code
// among them) lands a few millimetres off its box, the same for all of
// them, now and then across a ruling line or into a caption; the glyphs
// are rows of ribbon dots, heavier and greyer than the form's print.
type dotPrint struct {
	dx, dy float64    // millimetres the values are off their boxes
	ink    color.RGBA // the ribbon's
	pitch  float64    // millimetres between dots
}

// newDotPrint draws an offset of 1.5–4 mm across and 1–2.8 mm down or up,
// either way, and a worn ribbon.
func newDotPrint(r *rand.Rand) *dotPrint {
	sign := func() float64 {
		if r.IntN(2) == 0 {
			return -1
		}
		return 1
	}
	k := uint8(35 + r.IntN(40))
	return &dotPrint{
		dx:    sign() * (1.5 + 2.5*r.Float64()),
		dy:    sign() * (1 + 1.8*r.Float64()),
		ink:   color.RGBA{k, k, k + uint8(r.IntN(30)), 255},
		pitch: 0.14 + 0.04*r.Float64(),
	}
}

// printer draws an invoice's values onto its form: as the form itself is
// printed, or, for a dot-matrix invoice, as the printer does.
type printer struct {
	c   *canvas
	dot *dotPrint
	ink color.RGBA
}

func (p printer) text(x, y float64, s string, pt float64, al align, mono bool) {
	if p.dot == nil {
		p.c.text(x, y, s, pt, p.ink, al, mono)
		return
	}
	p.c.dotText(x+p.dot.dx, y+p.dot.dy, s, pt, al, mono, p.dot)
}

// cross draws the ⊗ before the amount in words.
func (p printer) cross(x, y, d float64) {
	if p.dot == nil {
		circledCross(p.c, x, y, d, p.ink)
		return
	}
	circledCross(p.c, x+p.dot.dx, y+p.dot.dy, d, p.dot.ink)
}

// dotText draws s as a dot-matrix printer does: the glyphs' shapes
// sampled on the print head's grid, each sample inside a glyph struck as a
// round dot half as wide again as the grid, so that the strokes come out
// heavy, beaded at their edges.
func (c *canvas) dotText(x, y float64, s string, pt float64, al align, mono bool, d *dotPrint) {
	w := c.textWidth(s, pt, mono)
	switch al {
	case center:
		x -= w / 2
	case right:
		x -= w
	}
	em := pt * 25.4 / 72
	m := c.newMask(x-0.5, y-1.1*em, x+w+0.5, y+0.4*em)
	shape := image.NewAlpha(image.Rect(m.ox, m.oy, m.ox+m.a.Rect.Dx(), m.oy+m.a.Rect.Dy()))
	c.textTo(shape, image.Opaque, x, y, s, pt, left, mono)
	step := d.pitch * c.scale
	rad := 0.75 * step
	if rad < 0.75 {
		rad = 0.75 // a dot is at least a pixel and a half wide
	}
	b := shape.Rect
	for gy := float64(b.Min.Y) + step/2; gy < float64(b.Max.Y); gy += step {
		for gx := float64(b.Min.X) + step/2; gx < float64(b.Max.X); gx += step {
			if shape.AlphaAt(int(gx), int(gy)).A < 100 {
				continue
			}
			for py := int(gy - rad - 1); py <= int(gy+rad+1); py++ {
				for px := int(gx - rad - 1); px <= int(gx+rad+1); px++ {
					mx, my := px-m.ox, py-m.oy
					if mx < 0 || my < 0 || mx >= m.a.Rect.Dx() || my >= m.a.Rect.Dy() {
						continue
					}
					cov := rad + 0.5 - math.Hypot(float64(px)+0.5-gx, float64(py)+0.5-gy)
					if cov <= 0 {
						continue
					}
					o := my*m.a.Stride + mx
					m.a.Pix[o] = max(m.a.Pix[o], uint8(255*math.Min(1, cov)))
				}
			}
		}
	}
	c.paint(m, d.ink, 1)
}
