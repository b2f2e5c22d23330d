package imaging

import (
	"fmt"
	"image"
)

// Sizes, in pixels of the longer side, that the ladder works at. gozxing's
// cost grows with the pixel count, while an invoice QR (about 20 mm on a
// 240 mm form) keeps 3 or more pixels a module down to a 1,200-pixel page.
const (
	workSide  = 1600 // first passes on big photos
	smallSide = 1000 // below this, low-dpi scans are enlarged
)

// step is one rung of the ladder.
type step struct {
	name string
	run  func(l *ladder) bool // reports whether the ladder may stop
}

// steps in order of cost and of how often they rescue a code.
var steps = []step{
	{"base", func(l *ladder) bool { return l.try(l.base(Luma), hybrid) }},
	{"native", func(l *ladder) bool { return l.try(l.native(Luma), hybrid) }},
	{"global", func(l *ladder) bool { return l.try(l.base(Luma), global) }},
	{"colour", func(l *ladder) bool {
		if !l.colour() {
			return false
		}
		return l.try(l.base(Red), hybrid) || l.try(l.base(MinRGB), hybrid)
	}},
	{"enlarge", func(l *ladder) bool {
		v := l.base(Luma)
		if max(v.p.W, v.p.H) >= smallSide*3/2 {
			return false
		}
		return l.try(l.scaled(v, 2, "x2"), hybrid, global)
	}},
	{"adaptive", func(l *ladder) bool { return l.try(l.base(Luma), adaptive) }},
	{"normalize", func(l *ladder) bool {
		v := l.base(Luma)
		return l.try(view{p: v.p.Normalize(max(8, max(v.p.W, v.p.H)/60)), scale: v.scale, name: v.name + "+norm"}, hybrid, global)
	}},
	{"shrink", func(l *ladder) bool {
		v := l.base(Luma)
		if max(v.p.W, v.p.H) < 600 {
			return false
		}
		return l.try(l.scaled(v, 0.5, "x0.5"), hybrid, global)
	}},
	{"sharpen", func(l *ladder) bool {
		v := l.base(Luma)
		return l.try(view{p: v.p.Sharpen(), scale: v.scale, name: v.name + "+sharp"}, hybrid)
	}},
	{"candidates", func(l *ladder) bool {
		// Symbols seen but not read so far, enlarged by several factors:
		// low-dpi scans sample at 2–3 pixels a module, and which factor
		// lines the grid up with the modules varies.
		for i := 0; i < len(l.candidates); i++ {
			if l.rescue(l.candidates[i]) {
				return true
			}
		}
		return false
	}},
	{"corner", func(l *ladder) bool {
		// The QR of a tax-control or 数电 invoice sits at the form's top
		// left; on a page turned in the scanner, at another corner. Only
		// when nothing at all has been read: this step is the dearest.
		if len(l.found) > 0 {
			return false
		}
		v := l.native(Luma)
		w, h := v.p.W, v.p.H
		cw, ch := w*2/5, h/2
		for _, r := range []image.Rectangle{
			image.Rect(0, 0, cw, ch), image.Rect(w-cw, 0, w, ch),
			image.Rect(0, h-ch, cw, h), image.Rect(w-cw, h-ch, w, h),
		} {
			if l.rescue(r) {
				return true
			}
		}
		return false
	}},
	{"colour-adaptive", func(l *ladder) bool {
		if !l.colour() {
			return false
		}
		return l.try(l.base(Red), adaptive, global) || l.try(l.base(MinRGB), adaptive, global)
	}},
	{"invert", func(l *ladder) bool {
		v := l.base(Luma)
		inv := &Plane{W: v.p.W, H: v.p.H, Pix: make([]byte, len(v.p.Pix))}
		for i, b := range v.p.Pix {
			inv.Pix[i] = 255 - b
		}
		return l.try(view{p: inv, scale: v.scale, name: v.name + "+inv"}, hybrid)
	}},
}

// run climbs the ladder until a step says stop or the budget is spent.
func (l *ladder) run() {
	for _, s := range steps {
		if l.expired() || s.run(l) {
			return
		}
	}
}

// rescueScales enlarge a region so that one of them lines the sampling grid
// up with the modules of a small symbol.
var rescueScales = []float64{1.5, 2, 3}

// rescue looks hard at one region of the image: luma (and the red channel of
// colour images) at several enlargements, sharpened as well.
func (l *ladder) rescue(r image.Rectangle) bool {
	chans := []Channel{Luma}
	if l.colour() {
		chans = append(chans, Red)
	}
	for _, c := range chans {
		v := l.native(c)
		crop := view{p: v.p.Crop(r), scale: 1, offset: Point{float64(r.Min.X), float64(r.Min.Y)}, name: v.name + "+region"}
		for _, f := range rescueScales {
			if float64(max(crop.p.W, crop.p.H))*f > 2400 {
				continue
			}
			s := l.scaled(crop, f, fmt.Sprintf("x%g", f))
			if l.try(s, hybrid) || l.try(view{p: s.p.Sharpen(), scale: s.scale, offset: s.offset, name: s.name + "+sharp"}, hybrid) {
				return true
			}
		}
	}
	return false
}

// native is channel c at full resolution.
func (l *ladder) native(c Channel) view {
	return view{p: l.plane(c), scale: 1, name: c.String()}
}

// base is channel c at working resolution: big photos shrunk to workSide.
func (l *ladder) base(c Channel) view {
	v := l.native(c)
	side := max(v.p.W, v.p.H)
	if side <= workSide*5/4 {
		return v
	}
	key := c + 100 // cache the shrunk plane beside the native one
	if p, ok := l.planes[key]; ok {
		return view{p: p, scale: float64(v.p.W) / float64(p.W), name: v.name + "@work"}
	}
	p := v.p.Scale(float64(workSide) / float64(side))
	l.planes[key] = p
	return view{p: p, scale: float64(v.p.W) / float64(p.W), name: v.name + "@work"}
}

// scaled resizes v's plane by f, keeping the mapping to the image.
func (l *ladder) scaled(v view, f float64, name string) view {
	p := v.p.Scale(f)
	return view{p: p, scale: v.scale * float64(v.p.W) / float64(p.W), offset: v.offset, name: v.name + "+" + name}
}

// colour reports (once) whether the image has colour worth separating.
func (l *ladder) colour() bool {
	if l.hasColour == 0 {
		l.hasColour = 2
		if hasColour(l.img) {
			l.hasColour = 1
		}
	}
	return l.hasColour == 1
}
