package imaging

import (
	"fmt"
	"image"
	"math"
	"slices"
	"sort"
)

// Sizes, in pixels of the longer side, that the ladder works at. gozxing's
// cost grows with the pixel count, while an invoice QR (about 20 mm on a
// 240 mm form) keeps 3 or more pixels a module down to a 1,200-pixel page.
const (
	workSide  = 1600 // first passes on big photos
	smallSide = 1000 // below this, low-dpi scans are enlarged
	pageSide  = 500  // below this, a picture is not of a whole page
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
	// Before the checkpoint: eroded modules show no finder pattern until
	// they are joined.
	{"denoise", func(l *ladder) bool { return l.try(l.base(Luma), closed) }},
	{"enlarge", func(l *ladder) bool {
		v := l.base(Luma)
		if max(v.p.W, v.p.H) >= smallSide*3/2 {
			return false
		}
		return l.try(l.scaled(v, 2, "x2"), hybrid, global)
	}},
	{"colour-native", func(l *ladder) bool {
		// A photo of a whole page, shrunk to the working size, leaves
		// the form's QR under two pixels a module: a seal across it is
		// looked through in the red channel at full size. After the
		// checkpoint: a photo with no sign of a code is not searched
		// again at full size.
		if !l.colour() || l.base(Red).scale == 1 {
			return false
		}
		return l.try(l.native(Red), hybrid)
	}},
	{"adaptive", func(l *ladder) bool { return l.try(l.base(Luma), adaptive) }},
	{"normalize", func(l *ladder) bool {
		v := l.base(Luma)
		return l.try(view{p: v.p.Normalize(max(8, max(v.p.W, v.p.H)/60)), scale: v.scale, name: v.name + "+norm"}, hybrid, global)
	}},
	{"shrink", func(l *ladder) bool {
		// Big modules photographed close up, with noise or blur in them:
		// averaged down to a half, then a third, they become clean.
		v := l.base(Luma)
		if max(v.p.W, v.p.H) < 600 {
			return false
		}
		if l.try(l.scaled(v, 0.5, "x0.5"), hybrid, global) {
			return true
		}
		if max(v.p.W, v.p.H) < 900 {
			return false
		}
		return l.try(l.scaled(v, 1.0/3, "x0.33"), hybrid)
	}},

	{"sharpen", func(l *ladder) bool {
		v := l.base(Luma)
		return l.try(view{p: v.p.Sharpen(), scale: v.scale, name: v.name + "+sharp"}, hybrid)
	}},
	{"candidates", func(l *ladder) bool {
		// Symbols seen but not read so far, enlarged by several factors:
		// low-dpi scans sample at 2–3 pixels a module, and which factor
		// lines the grid up with the modules varies.
		for ; l.rescued < len(l.candidates); l.rescued++ {
			if l.rescue(l.candidates[l.rescued], true, "region") {
				l.rescued++
				return true
			}
		}
		return false
	}},
	{"finders", func(l *ladder) bool {
		// A code too blurred or too small at the working size to be read,
		// whose finder patterns the passes so far saw all the same: looked
		// at hard about them (see finderRegions).
		for _, r := range l.finderRegions() {
			if l.rescue(r, true, "finder") {
				return true
			}
		}
		return false
	}},
	{"corner", func(l *ladder) bool {
		// The QR of a tax-control or 数电 invoice sits at the form's top
		// left; on a page turned in the scanner, at another corner. Only
		// when nothing at all has been read: this step is the dearest. A
		// picture too small to be a page has been searched enlarged whole.
		v := l.native(Luma)
		w, h := v.p.W, v.p.H
		if len(l.found) > 0 || max(w, h) < pageSide {
			return false
		}
		cw, ch := w*2/5, h/2
		for _, r := range []image.Rectangle{
			image.Rect(0, 0, cw, ch), image.Rect(w-cw, 0, w, ch),
			image.Rect(0, h-ch, cw, h), image.Rect(w-cw, h-ch, w, h),
		} {
			if l.rescue(r, false, "corner") {
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
	{"invert", func(l *ladder) bool { return l.tryInverted() }},
}

// run climbs the ladder until a step says stop or the budget is spent.
// Then symbols that were detected but not read, and that no code read so
// far explains, get their own look: the second invoice on a page must not
// be lost because the first was read.
func (l *ladder) run() {
	for _, s := range steps {
		if l.expired() || s.run(l) {
			break
		}
		if s.name == checkpoint && l.noQR() {
			l.gaveUp = true
			return
		}
		if (s.name == settled || s.name == checkpoint) && l.noOther() {
			l.complete = true
			break
		}
	}
	// Those the candidates step looked at already would show the same.
	for i := l.rescued; i < len(l.candidates) && !l.expired(); i++ {
		if r := l.candidates[i]; !l.explained(r) {
			l.rescue(r, true, "region")
		}
	}
	l.another()
}

// checkpoint is the step after which an image that has shown no sign of a
// QR code is given up: the cheap views have been searched (as it is, at
// full size, by a global threshold, by colour, with eroded modules joined,
// enlarged when small), and
// the dearer steps that follow only rescue codes some view has glimpsed.
const checkpoint = "enlarge"

// settled is the step after which the codes read so far may already be
// all the image holds: it has been searched as it is, at full size and by
// a global threshold, and a code read there whose finder patterns explain
// every one seen needs no dearer view (joined, enlarged) to be sure.
const settled = "global"

// minEvidence is the finder pattern candidates the passes up to the
// checkpoint must have come upon, in all, for the search to go on: a QR
// code shows its three in most of those passes, even one too damaged to
// be read there (a seal across it); paper texture, print and photos of
// desks give one now and then.
const minEvidence = 6

// noQR decides, at the checkpoint, that the image holds no QR code: nothing
// was read, no symbol was detected, and the finder patterns every symbol
// has in three corners were hardly seen — not even with dark and light
// swapped (a code shown light on dark), which is looked at now rather
// than last.
func (l *ladder) noQR() bool {
	quiet := func() bool { return len(l.found) == 0 && len(l.candidates) == 0 && l.evidence < minEvidence }
	if !quiet() {
		return false
	}
	l.tryInverted()
	return quiet()
}

// noOther decides, at the checkpoint, that the codes read so far (none an
// invoice's: the ladder would have stopped) are all the image holds:
// every symbol detected and every finder pattern candidate seen lies on one
// of them. A payment code beside an invoice's blurred one leaves the
// blurred one's finder patterns unexplained, and the search goes on.
func (l *ladder) noOther() bool {
	if len(l.found) == 0 {
		return false
	}
	for _, r := range l.candidates {
		if !l.explained(r) {
			return false
		}
	}
	var boxes []image.Rectangle
	for _, c := range l.found {
		if len(c.Points) != 4 {
			return false
		}
		boxes = append(boxes, boundsOf(c.Points, view{scale: 1}))
	}
	stray := 0
	for _, c := range l.centres {
		in := false
		for _, b := range boxes {
			in = in || image.Pt(int(c.at.X), int(c.at.Y)).In(b)
		}
		if !in {
			stray++
		}
	}
	// Three candidates elsewhere may be one more symbol's finder patterns.
	return stray < 3
}

// tryInverted searches the image with dark and light swapped, once.
func (l *ladder) tryInverted() bool {
	if l.inverted {
		return false
	}
	l.inverted = true
	v := l.base(Luma)
	inv := &Plane{W: v.p.W, H: v.p.H, Pix: make([]byte, len(v.p.Pix))}
	for i, b := range v.p.Pix {
		inv.Pix[i] = 255 - b
	}
	return l.try(view{p: inv, scale: v.scale, name: v.name + "+inv"}, hybrid)
}

// another looks once more on a portrait page (an A4 scan can hold two
// invoices, one above the other) with the codes already read painted
// over: their finder patterns can keep the detector from pairing up
// another symbol's.
func (l *ladder) another() {
	b := l.img.Bounds()
	if len(l.found) == 0 || l.expired() || b.Dy()*5 < b.Dx()*6 {
		return
	}
	// At full resolution: a second symbol that the working size missed is
	// usually one too small for it.
	v := l.native(Luma)
	p := &Plane{W: v.p.W, H: v.p.H, Pix: append([]byte(nil), v.p.Pix...)}
	for _, c := range l.found {
		r := boundsOf(c.Points, v)
		for y := max(r.Min.Y, 0); y < min(r.Max.Y, p.H); y++ {
			for x := max(r.Min.X, 0); x < min(r.Max.X, p.W); x++ {
				p.Pix[y*p.W+x] = 255
			}
		}
	}
	l.try(view{p: p, scale: v.scale, offset: v.offset, name: v.name + "+erased"}, hybrid)
}

// boundsOf is the box of image points in v's pixels, with a margin.
func boundsOf(pts []Point, v view) image.Rectangle {
	r := image.Rectangle{Min: image.Pt(1<<30, 1<<30), Max: image.Pt(-1<<30, -1<<30)}
	for _, q := range pts {
		x, y := int((q.X-v.offset.X)/v.scale), int((q.Y-v.offset.Y)/v.scale)
		r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
		r.Max.X, r.Max.Y = max(r.Max.X, x), max(r.Max.Y, y)
	}
	m := max(r.Dx(), r.Dy()) / 8
	return r.Inset(-m)
}

// explained reports whether a code already read lies in region r.
func (l *ladder) explained(r image.Rectangle) bool {
	for _, c := range l.found {
		p := centre(c.Points)
		if image.Pt(int(p.X), int(p.Y)).In(r) {
			return true
		}
	}
	return false
}

// finderRegions are regions of the image about the finder pattern
// candidates that several passes came upon at the same place, those seen
// by most passes first: a code the detector could not pair or sample (a
// phone photo's, blurred and foreshortened, at two pixels a module at the
// working size) shows its finder patterns in most views, as one of a
// page's glyphs seldom does. Each reaches finderReach modules (of the
// candidate's size) every way: the whole symbol, whichever of its corners
// the candidate is. A region about a code already read, or about a
// candidate a region before it holds, is left out; at most
// maxFinderRegions.
func (l *ladder) finderRegions() []image.Rectangle {
	type spot struct {
		at     Point
		module float64
		passes []int
	}
	var spots []*spot
	for _, c := range l.centres {
		if !(c.module > 0) || math.IsNaN(c.at.X+c.at.Y) {
			continue
		}
		var near *spot
		for _, s := range spots {
			if math.Hypot(s.at.X-c.at.X, s.at.Y-c.at.Y) < 3*max(s.module, c.module) {
				near = s
				break
			}
		}
		if near == nil {
			spots = append(spots, &spot{at: c.at, module: c.module, passes: []int{c.pass}})
		} else if !slices.Contains(near.passes, c.pass) {
			near.passes = append(near.passes, c.pass)
		}
	}
	sort.SliceStable(spots, func(i, j int) bool { return len(spots[i].passes) > len(spots[j].passes) })
	var out []image.Rectangle
	for _, s := range spots {
		if len(out) == maxFinderRegions || len(s.passes) < 2 {
			break
		}
		reach := min(finderReach*s.module, maxFinderReach)
		r := image.Rect(int(s.at.X-reach), int(s.at.Y-reach), int(s.at.X+reach)+1, int(s.at.Y+reach)+1)
		r = r.Intersect(l.img.Bounds().Sub(l.img.Bounds().Min))
		held := l.explained(r)
		for _, o := range out {
			held = held || image.Pt(int(s.at.X), int(s.at.Y)).In(o)
		}
		if !held && !r.Empty() {
			out = append(out, r)
		}
	}
	return out
}

// finderReach is how far, in modules, a region about a finder pattern
// reaches: an invoice's code (version 4 to 6, 33 to 41 modules) from any
// of its corners, with its quiet zone. maxFinderReach bounds it in pixels
// (a candidate with modules that big is no invoice code's).
const (
	finderReach      = 44
	maxFinderReach   = 800
	maxFinderRegions = 3
)

// rescueScales enlarge a region so that one of them lines the sampling grid
// up with the modules of a small symbol.
var rescueScales = []float64{1.5, 2, 3}

// rescueMaxPixels bounds one enlarged region: past it a pass costs more
// than the chance it gives, and a code that small in so big a region would
// have been read at the working size already.
const rescueMaxPixels = 1_600_000

// rescue looks hard at one region of the image: luma (and, for a region
// where a symbol was seen, the red channel where red ink lies on it) at
// several enlargements, sharpened as well. tag names the views after why
// the region is looked at.
func (l *ladder) rescue(r image.Rectangle, seen bool, tag string) bool {
	chans := []Channel{Luma}
	if seen && l.colour() && l.redInk(r) {
		chans = append(chans, Red)
	}
	before := len(l.found)
	for _, c := range chans {
		v := l.native(c)
		crop := view{p: v.p.Crop(r), scale: 1, offset: Point{float64(r.Min.X), float64(r.Min.Y)}, name: v.name + "+" + tag}
		for _, f := range rescueScales {
			if float64(crop.p.W*crop.p.H)*f*f > rescueMaxPixels {
				continue
			}
			s := l.scaled(crop, f, fmt.Sprintf("x%g", f))
			l.try(s, hybrid)
			if len(l.found) == before {
				l.try(view{p: s.p.Sharpen(), scale: s.scale, offset: s.offset, name: s.name + "+sharp"}, hybrid)
			}
			if len(l.found) > before || l.expired() {
				return l.invoice
			}
		}
	}
	return false
}

// redInk reports whether red ink (a seal) lies on region r (see RedInk).
// Where none does, the red channel shows what luma shows, and searching it
// again would find nothing new.
func (l *ladder) redInk(r image.Rectangle) bool {
	return RedInk(l.plane(Luma), l.plane(Red), r)
}

// RedInk reports whether red ink (a seal) lies on region r of an image
// whose luma is luma and whose red channel, or another where red ink is
// light (Print), is red: whether some of its pixels are much lighter there
// than in luma. The planes are of one size.
func RedInk(luma, red *Plane, r image.Rectangle) bool {
	r = r.Intersect(image.Rect(0, 0, luma.W, luma.H)).Intersect(image.Rect(0, 0, red.W, red.H))
	inked, n := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			if int(red.Pix[y*red.W+x])-int(luma.Pix[y*luma.W+x]) > redInkContrast {
				inked++
			}
			n++
		}
	}
	return inked*100 >= n*redInkPercent && inked > 0
}

// A pixel of a red seal is lighter in the red channel than in luma by
// more than redInkContrast (a seal printed over paper: red about 210,
// luma about 80); a region where redInkPercent of the pixels are is one a
// seal crosses.
const (
	redInkContrast = 60
	redInkPercent  = 1
)

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
