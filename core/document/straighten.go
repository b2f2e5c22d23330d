package document

import (
	"image"
	"math"
	"slices"
	"sort"
)

// inkBox is one connected blot of ink of a crop: a glyph, or a piece of one.
type inkBox struct{ x0, y0, x1, y1 int }

func (b inkBox) cx() float64 { return float64(b.x0+b.x1) / 2 }

// inkBoxes are the connected blots of ink of g, a pixel being ink where it
// is darker than the fraction cut of the way from the darkest to the
// lightest.
func inkBoxes(g *image.Gray, cut float64) []inkBox {
	bd := g.Bounds()
	w, h := bd.Dx(), bd.Dy()
	dark, ok := darkLevel(g, cut)
	if !ok {
		return nil
	}
	seen := make([]bool, w*h)
	var out []inkBox
	var stack []int
	for i := range seen {
		if seen[i] || g.GrayAt(bd.Min.X+i%w, bd.Min.Y+i/w).Y >= dark {
			continue
		}
		b := inkBox{w, h, -1, -1}
		seen[i] = true
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := j%w, j/w
			b.x0, b.y0, b.x1, b.y1 = min(b.x0, x), min(b.y0, y), max(b.x1, x+1), max(b.y1, y+1)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					k := ny*w + nx
					if !seen[k] && g.GrayAt(bd.Min.X+nx, bd.Min.Y+ny).Y < dark {
						seen[k] = true
						stack = append(stack, k)
					}
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// darkLevel is the grey below which a pixel of g is ink: the fraction cut
// of the way from the darkest to the lightest. ok is false for a crop
// without print (less than 40 levels between them).
func darkLevel(g *image.Gray, cut float64) (dark uint8, ok bool) {
	bd := g.Bounds()
	if bd.Empty() {
		return 0, false
	}
	lo, hi := uint8(255), uint8(0)
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			p := g.GrayAt(x, y).Y
			lo, hi = min(lo, p), max(hi, p)
		}
	}
	if hi-lo < 40 {
		return 0, false
	}
	return lo + uint8(cut*float64(hi-lo)), true
}

// lineBlots are the blots of ink of g (darker than half way) from half an
// em to maxH ems tall and at most maxW ems wide, whose middles lie within
// near ems of rows [y0, y1): a line's glyphs.
func lineBlots(g *image.Gray, y0, y1 int, em, maxH, maxW, near float64) []inkBox {
	return blotsOn(inkBoxes(g, 0.5), y0, y1, em, maxH, maxW, near)
}

// blotsOn are those of the blots bs that lineBlots keeps.
func blotsOn(bs []inkBox, y0, y1 int, em, maxH, maxW, near float64) []inkBox {
	var out []inkBox
	for _, b := range bs {
		h, w := float64(b.y1-b.y0), float64(b.x1-b.x0)
		cy := float64(b.y0+b.y1) / 2
		if h < 0.5*em || h > maxH*em || w > maxW*em || cy < float64(y0)-near*em || cy > float64(y1)+near*em {
			continue
		}
		out = append(out, b)
	}
	return out
}

// inkLine is the line of glyphs of a value crop: the blots of ink a glyph
// tall (half an em to twice one, and three quarters of the middle
// one's height) and no wider than two, whose middles lie
// within three quarters of an em of rows [y0, y1), where the caption
// reading put the value, and the slope of their bottoms (rows per column,
// the median of the slopes between pairs of them half an em or more
// apart, which a glyph with a descender or a blot of the row above does
// not sway). ok is false with fewer than four glyphs, or when half of
// them have their bottoms more than 0.15 em off the line.
func inkLine(g *image.Gray, y0, y1 int, em float64) (gl []inkBox, slope float64, ok bool) {
	gl = lineBlots(g, y0, y1, em, 2, 2, 0.75)
	// A smaller print running on from the line (a printer's copy of a
	// code beside a number) is not the line: of the blots, those at least
	// three quarters as tall as the middle one are.
	if len(gl) > 0 {
		tall := midHeight(gl)
		gl = slices.DeleteFunc(gl, func(b inkBox) bool { return 4*(b.y1-b.y0) < 3*tall })
	}
	if len(gl) < 4 {
		return nil, 0, false
	}
	var ss []float64
	for i := range gl {
		for j := i + 1; j < len(gl); j++ {
			if dx := gl[j].cx() - gl[i].cx(); math.Abs(dx) >= 0.5*em {
				ss = append(ss, float64(gl[j].y1-gl[i].y1)/dx)
			}
		}
	}
	if len(ss) < 3 {
		return nil, 0, false
	}
	sort.Float64s(ss)
	slope = ss[len(ss)/2]
	// The bottoms must lie on the line: blots of two lines, or of no
	// line, give a slope of nothing.
	var off []float64
	for _, b := range gl {
		off = append(off, float64(b.y1)-slope*b.cx())
	}
	sort.Float64s(off)
	var dev []float64
	for _, o := range off {
		dev = append(dev, math.Abs(o-off[len(off)/2]))
	}
	sort.Float64s(dev)
	if dev[len(dev)/2] > 0.15*em {
		return nil, 0, false
	}
	return gl, slope, true
}

// straighten levels the line of glyphs of a value crop g (see inkLine)
// where it slants, as the lines of a bent sheet or one photographed askew
// do: each column is shifted up or down by the slope of the glyphs'
// bottoms, so that they lie on one row. It returns the crop straightened
// and the rows its glyphs then span: from the highest top to the lowest
// bottom, the line's own height, which a margin of ems about the box the
// caption reading gave does not follow once the line slants out of it.
// A level line (its ends within a sixth of an em of one row) is left as
// it is, and its rows are given where they stick out of rows [y0, y1)
// by more than a sixth of an em, as long as they share a quarter of them: a
// dot-matrix printer's values lie between the captions' rows, and the
// engine gives such a value the caption's line's rows, where a crop of
// its box cuts its digits. ok is false when no line is found, or when it
// is level and within [y0, y1) or off them by more than three quarters
// of its height.
func straighten(g *image.Gray, y0, y1 int, em float64) (out *image.Gray, top, bottom int, ok bool) {
	gl, slope, ok := inkLine(g, y0, y1, em)
	if !ok {
		return nil, 0, 0, false
	}
	xa, xb := gl[0].cx(), gl[0].cx()
	for _, b := range gl {
		xa, xb = math.Min(xa, b.cx()), math.Max(xb, b.cx())
	}
	level := math.Abs(slope)*(xb-xa) < em/6
	if level {
		slope = 0
	}
	bd := g.Bounds()
	w, h := bd.Dx(), bd.Dy()
	xc := (xa + xb) / 2
	paper := uint8(0)
	for _, p := range g.Pix {
		paper = max(paper, p)
	}
	out = image.NewGray(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		d := slope * (float64(x) - xc)
		for y := 0; y < h; y++ {
			sy := float64(y) + d
			i := int(math.Floor(sy))
			f := sy - float64(i)
			at := func(k int) float64 {
				if k < 0 || k >= h {
					return float64(paper)
				}
				return float64(g.GrayAt(bd.Min.X+x, bd.Min.Y+k).Y)
			}
			out.Pix[y*out.Stride+x] = uint8(math.Round((1-f)*at(i) + f*at(i+1)))
		}
	}
	// The line's height: of its glyphs, and of the blots a glyph tall or
	// taller (a 年 or 月 beside digits) standing on it as they do.
	var base []float64
	for _, b := range gl {
		base = append(base, float64(b.y1)-slope*(b.cx()-xc))
	}
	sort.Float64s(base)
	line := base[len(base)/2]
	top, bottom = h, 0
	for _, b := range inkBoxes(g, 0.5) {
		d := slope * (b.cx() - xc)
		bh, bw := float64(b.y1-b.y0), float64(b.x1-b.x0)
		if bh < 0.5*em || bh > 2*em || bw > 2*em || math.Abs(float64(b.y1)-d-line) > 0.35*em {
			continue
		}
		top = min(top, int(math.Floor(float64(b.y0)-d)))
		bottom = max(bottom, int(math.Ceil(float64(b.y1)-d)))
	}
	top, bottom = max(top, 0), min(bottom, h)
	if level {
		// Of the line's own glyphs: not a smaller print beside them,
		// nor the glyphs of the line above or below.
		gt, gb := h, 0
		for _, b := range gl {
			if math.Abs(float64(b.y1)-line) <= 0.35*em {
				gt, gb = min(gt, b.y0), max(gb, b.y1)
			}
		}
		if float64(gt) >= float64(y0)-em/6 && float64(gb) <= float64(y1)+em/6 {
			return nil, 0, 0, false
		}
		// Sharing a quarter of its rows at least: a line further off
		// is the next value's (the date under a number between the
		// rows), whose digits are not this value's.
		if 4*(min(gb, y1)-max(gt, y0)) < gb-gt {
			return nil, 0, 0, false
		}
	}
	return out, top, bottom, true
}

// smallRunOn is the column of value crop g at which a smaller print
// running on from the value's line begins (a printer's copy of the code
// printed on after the number, over its last digit): the right end of the
// line's last glyph (see inkLine), when blots of ink, pale ones too, a
// third to a half as tall as the line's glyphs stand within an em after it. It is the crop's
// width when nothing smaller runs on.
func smallRunOn(g *image.Gray, y0, y1 int, em float64) int {
	w := g.Bounds().Dx()
	gl, _, ok := inkLine(g, y0, y1, em)
	if !ok {
		return w
	}
	end, h := 0, 0
	for _, b := range gl {
		end, h = max(end, b.x1), max(h, b.y1-b.y0)
	}
	// The smaller print may be paler: lighter ink counts.
	for _, b := range inkBoxes(g, 0.75) {
		bh := b.y1 - b.y0
		if b.x0 >= end && float64(b.x0-end) <= em && 2*bh <= h+1 && 3*bh >= h && float64(b.y1) > float64(y0)-0.25*em && float64(b.y0) < float64(y1)+0.25*em {
			return min(w, end+int(0.15*em+0.5))
		}
	}
	return w
}

// midHeight is the middle one of the heights of bs, which is not empty.
func midHeight(bs []inkBox) int {
	hs := make([]int, len(bs))
	for i, b := range bs {
		hs[i] = b.y1 - b.y0
	}
	sort.Ints(hs)
	return hs[len(hs)/2]
}

// lineGlyphs are the glyphs of g on rows [y0, y1) as inkRunEnd counts them
// at print em pixels tall (glyph-sized blots, and the glyphs of wider blots
// where they ink the line's middle; see middlePieces), left to right.
func lineGlyphs(g *image.Gray, y0, y1 int, em float64) []inkBox {
	bs := inkBoxes(g, 0.5)
	gl := append(blotsOn(bs, y0, y1, em, 1.4, 1.5, 0.3), middlePieces(g, bs, y0, y1, em)...)
	sort.Slice(gl, func(i, j int) bool { return gl[i].x0 < gl[j].x0 })
	return gl
}

// inkRunEnd is the column of crop g at which the print of a line, running
// on from column from in rows [y0, y1), ends: glyph-sized blots of ink
// (half an em to 1.4 em tall, at most 1.5 em wide, their middles within
// the rows) that follow each other at most maxGlyphGap em apart; from
// when none follows. Blots of other sizes (a ruling line, a seal's ring)
// are passed over, and a wider blot of a glyph's height counts where it
// inks the line's middle (see middlePieces): glyphs a heavy print runs
// together, or a glyph joined to a rule or a ring along its foot.
func inkRunEnd(g *image.Gray, from, y0, y1 int, em float64) int {
	bs := inkBoxes(g, 0.5)
	gl := blotsOn(bs, y0, y1, em, 1.4, 1.5, 0.3)
	if len(gl) >= 2 {
		// The gaps go by the glyphs' own height where the box they were
		// looked for from is shorter (a ¥ and one digit read of a total).
		em = max(em, float64(midHeight(gl)))
	}
	gl = append(gl, middlePieces(g, bs, y0, y1, em)...)
	sort.Slice(gl, func(i, j int) bool { return gl[i].x0 < gl[j].x0 })
	end := from
	for _, b := range gl {
		if b.x1 <= end {
			continue
		}
		if float64(b.x0-end) > maxGlyphGap*em {
			break
		}
		end = b.x1
	}
	return end
}

// maxGlyphGap is the widest gap, in ems, between two glyphs of one value:
// a decimal point, as wide as a digit in fixed-pitch print, and the
// space about it.
const maxGlyphGap = 1.3

// middlePieces are the runs of columns in which the blots bs of g (see
// inkBoxes) that are no glyph (wider than 1.5 em or taller than 1.4 em)
// but cross the middle half of rows [y0, y1) have ink in that middle
// half: the glyphs of such a blot, where a rule or a ring joined to their
// feet or heads has none. A run with ink in the crop's top row and its
// bottom one (a fifth of an em aside allowed for a slant) is a rule across
// the line, and a run wider than 1.5 em with a row inked across nine
// tenths of it a rule along the line's middle: neither is glyphs.
func middlePieces(g *image.Gray, bs []inkBox, y0, y1 int, em float64) []inkBox {
	dark, ok := darkLevel(g, 0.5)
	if !ok {
		return nil
	}
	bd := g.Bounds()
	q := (y1 - y0) / 4
	m0, m1 := max(y0+q, 0), min(y1-q, bd.Dy())
	inked := func(x, y int) bool { return g.GrayAt(bd.Min.X+x, bd.Min.Y+y).Y < dark }
	slant := int(0.2*em + 0.5) // a rule's lean over the crop's height
	across := func(x0, x1 int) bool {
		top, bottom := false, false
		for x := max(x0-slant, 0); x < min(x1+slant, bd.Dx()); x++ {
			top = top || inked(x, 0)
			bottom = bottom || inked(x, bd.Dy()-1)
		}
		return top && bottom
	}
	along := func(x0, x1, ya, yb int) bool {
		for y := ya; y < yb; y++ {
			n := 0
			for x := x0; x < x1; x++ {
				if inked(x, y) {
					n++
				}
			}
			if 10*n >= 9*(x1-x0) {
				return true
			}
		}
		return false
	}
	var out []inkBox
	for _, b := range bs {
		w, h := float64(b.x1-b.x0), float64(b.y1-b.y0)
		if w <= 1.5*em && h <= 1.4*em || b.y1 <= m0 || b.y0 >= m1 {
			continue
		}
		ya, yb := max(m0, b.y0), min(m1, b.y1)
		start := -1
		for x := b.x0; x <= b.x1; x++ {
			on := false
			for y := ya; x < b.x1 && y < yb; y++ {
				if inked(x, y) {
					on = true
					break
				}
			}
			switch {
			case on && start < 0:
				start = x
			case !on && start >= 0:
				if !across(start, x) && (float64(x-start) <= 1.5*em || !along(start, x, ya, yb)) {
					out = append(out, inkBox{start, max(b.y0, y0), x, min(b.y1, y1)})
				}
				start = -1
			}
		}
	}
	return out
}
