package imaging

import "image"

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
	{"corner", func(l *ladder) bool {
		// The QR of a tax-control or 数电 invoice sits at the form's top left.
		v := l.native(Luma)
		r := image.Rect(0, 0, v.p.W*2/5, v.p.H/2)
		c := view{p: v.p.Crop(r), scale: v.scale, name: v.name + "+corner"}
		f := 2.0
		if max(c.p.W, c.p.H) > smallSide {
			f = 1
		}
		return l.try(l.scaled(c, f, "x2"), hybrid, adaptive)
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
