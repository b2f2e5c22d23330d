package document

import (
	"image"
	"slices"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// Ruling lines. A value printed across one of the form's ruling lines (a
// dot-matrix printer's values land a few millimetres off their boxes, on
// the 合计 row's bottom line, across a column's side) is lost by the
// engine: it takes the line and the glyphs touching it for one shape that
// is no character, and sparse reading drops the whole value. Elsewhere the
// engine finds the form's lines itself and reads past them better than
// past what is left of a line taken out, so the lines are taken out only
// to read again a band that lost its totals.

// Ink levels on a plane evenLight made, whose paper is at 240: a line's
// middle is darker than ruleCore, its blurred edges darker than ruleEdge.
const (
	ruleCore = 205
	ruleEdge = 222
)

// unrule takes the ruling lines out of p, whose print is em pixels tall: a
// run of ink along a row (a column) at least 6 em long, or crossing all of
// a small region from side to side, and at most a third of an em thick
// across it and no thicker than most of the run, is painted over with
// paper. Print is never that long: the tops of a row of zeros, touching in
// a blurred scan, run 1 em a digit. Where a glyph crosses the line the ink
// is as thick as the glyph and is left. A run may have gaps of two pixels
// (a scanned line is uneven). p is changed in place.
//
// With sides, a run down a column at least 3 em long is a line too: a
// column of print stops within its line, an em tall. The columns' sides
// of the goods table run from a band's top down to the 合计 row, some 5 em,
// and a dot-matrix amount printed on one is lost with it. They are left
// otherwise: a photo's amount and tax a side parts were read as one run
// with it taken out (see unruledSums). The lines are then painted with the
// paper beside them, not white: a photo's paper is greyer, and the white
// stripe a side left was read as a stroke beside the glyphs it passed.
// sides reports whether a side shorter than a line was taken out.
func unrule(p *imaging.Plane, em float64, withSides bool) (sides bool) {
	if p == nil || p.W == 0 || p.H == 0 || em <= 0 {
		return false
	}
	minRun, minWhole, minTall := int(6*em), int(1.5*em), int(6*em)
	with := func(uint8) uint8 { return 240 }
	if withSides {
		minTall = int(3 * em)
		with = func(paper uint8) uint8 { return paper }
	}
	maxThick := max(3, int(em/3+0.5))
	// erase are the pixels to paint, each with what it is painted with.
	type paint struct {
		i    int
		with uint8
	}
	var erase []paint
	// along walks the runs of row n (across) or column n (!across) and
	// queues the pixels of their thin parts.
	along := func(across bool, n, length int) {
		pix := func(i int) (int, int) {
			if across {
				return i, n
			}
			return n, i
		}
		start, last := -1, -1
		flush := func() {
			whole := start <= 2 && last >= length-3 && last-start+1 >= minWhole
			side := !across && !whole && last-start+1 >= minTall && last-start+1 < minRun
			if start >= 0 && (last-start+1 >= minRun || side || whole) {
				// The line is as thick as most of its run: ink
				// thicker than that by two pixels is print touching it
				// (a decimal point printed on the line), and is left.
				inks := make([][]int, 0, last-start+1)
				papers := make([]uint8, 0, last-start+1)
				var thick []int
				for i := start; i <= last; i++ {
					x, y := pix(i)
					t, paper := thinInk(p, x, y, across, maxThick)
					inks, papers = append(inks, t), append(papers, paper)
					if len(t) > 0 {
						thick = append(thick, len(t))
					}
				}
				if len(thick) > 0 {
					slices.Sort(thick)
					line := thick[len(thick)/2]
					sides = sides || side
					for k, t := range inks {
						if len(t) <= line+1 {
							for _, i := range t {
								erase = append(erase, paint{i, with(papers[k])})
							}
						}
					}
				}
			}
			start, last = -1, -1
		}
		for i := range length {
			x, y := pix(i)
			if p.Pix[y*p.W+x] >= ruleCore {
				if last >= 0 && i-last > 2 {
					flush()
				}
				continue
			}
			if start < 0 {
				start = i
			}
			last = i
		}
		flush()
	}
	for y := range p.H {
		along(true, y, p.W)
	}
	for x := range p.W {
		along(false, x, p.H)
	}
	for _, e := range erase {
		p.Pix[e.i] = e.with
	}
	return sides
}

// thinInk lists the pixels of the ink at (x, y) across a line through it
// (up and down when vertical, else left and right): those darker than
// ruleEdge joined to it, when they are at most maxThick; none when the ink
// there is thicker (a glyph crossing the line). paper is the lighter of
// the pixels either side of them.
func thinInk(p *imaging.Plane, x, y int, vertical bool, maxThick int) (ink []int, paper uint8) {
	dx, dy := 0, 1
	if !vertical {
		dx, dy = 1, 0
	}
	idx := func(k int) (int, bool) {
		xx, yy := x+k*dx, y+k*dy
		if xx < 0 || yy < 0 || xx >= p.W || yy >= p.H {
			return 0, false
		}
		return yy*p.W + xx, true
	}
	lo, hi := 0, 0
	for {
		i, ok := idx(lo - 1)
		if !ok || p.Pix[i] >= ruleEdge {
			break
		}
		if lo--; hi-lo+1 > maxThick {
			return nil, 0
		}
	}
	for {
		i, ok := idx(hi + 1)
		if !ok || p.Pix[i] >= ruleEdge {
			break
		}
		if hi++; hi-lo+1 > maxThick {
			return nil, 0
		}
	}
	out := make([]int, 0, hi-lo+1)
	for k := lo; k <= hi; k++ {
		i, _ := idx(k)
		out = append(out, i)
	}
	for _, k := range []int{lo - 1, hi + 1} {
		if i, ok := idx(k); ok {
			paper = max(paper, p.Pix[i])
		}
	}
	if paper == 0 {
		paper = 240
	}
	return out, paper
}

// frameEm is the height of the values' print in the reading frame.
const frameEm = 20 * qrSide / 130

// sumsRow is where both layouts print the 合计 and 价税合计 rows, in QR
// sides below the symbol's top.
const sumsRow = 4.8

// unruledSums reads again, with its ruling lines taken out, the band of
// regions (those read, in the reading frame) that holds the totals rows,
// when vs, what the bands gave, has no amount or no total, not even a
// place to read one again. With sides, the columns' sides are taken out
// too (see unrule), and the band is not read when there are none. nil when
// nothing was read again.
func (r *paperReader) unruledSums(regions []image.Rectangle, vs map[string]val, sides bool) ([]glyph, error) {
	_, amount := vs[keyAmount]
	_, total := vs[keyTotal]
	if amount && total {
		return nil, nil
	}
	for _, rg := range regions {
		if float64(rg.Min.Y) > sumsRow*qrSide || float64(rg.Max.Y) < sumsRow*qrSide || rg.Dx() < 8*qrSide {
			continue
		}
		h := r.toSrc.Then(float64(rg.Min.X), float64(rg.Min.Y))
		p := evenLight(r.src.WarpHomography(h, rg.Dx(), rg.Dy()))
		if taken := unrule(p, frameEm, sides); sides && !taken {
			return nil, nil
		}
		return r.readBand(p.Image(), rg)
	}
	return nil, nil
}

// unruleCrop is value crop g, whose print is em pixels tall, with the
// ruling lines that cross it taken out; g itself when none does. A
// dot-matrix printer's values land a few millimetres off their boxes:
// a line then strikes through the digits' tops or bottoms, the engine
// takes the line and the glyphs on it for one shape, and reads a 7 on a
// column's side as a 4 or drops the decimal point. A line is a band of
// rows (columns) at most a third of an em thick, each inked along most of
// the crop's width (height): no row of print is, its glyphs stand apart.
// The band is painted with paper, and bridged where a glyph touches it
// from either side: there the glyph's ink is carried across the band, so
// a stroke through the line or ending on it keeps its length.
func unruleCrop(g *image.Gray, em float64) *image.Gray {
	p := imaging.PlaneOf(g, imaging.Luma)
	if p.W < 4 || p.H < 4 || em <= 0 {
		return g
	}
	maxThick := max(3, int(em/3+0.5))
	lines := func(across bool) [][2]int { return ruleBands(p, across, maxThick) }
	q := &imaging.Plane{W: p.W, H: p.H, Pix: slices.Clone(p.Pix)}
	// paint clears band [lo, hi] of rows (across) or columns of q,
	// carrying a glyph's ink across it where the glyph crosses it (print
	// on both sides).
	paint := func(across bool, lo, hi int) {
		n, m := p.W, p.H
		if !across {
			n, m = p.H, p.W
		}
		pix := func(k, i int) int {
			if across {
				return i*p.W + k
			}
			return k*p.W + i
		}
		for k := range n {
			// Print touches the band where the pixel beside it is as
			// dark as a line's middle: a line's blurred edge is not.
			var v byte = 240
			if lo > 0 && hi+1 < m && q.Pix[pix(k, lo-1)] < ruleCore && q.Pix[pix(k, hi+1)] < ruleCore {
				v = max(q.Pix[pix(k, lo-1)], q.Pix[pix(k, hi+1)])
			}
			for i := lo; i <= hi; i++ {
				q.Pix[pix(k, i)] = v
			}
		}
	}
	// Rows first: a glyph standing on a line across the crop is a
	// column of ink as long as the crop is high until the line is out.
	rows := lines(true)
	for _, b := range rows {
		paint(true, b[0], b[1])
	}
	p = q
	cols := lines(false)
	for _, b := range cols {
		paint(false, b[0], b[1])
	}
	if len(rows) == 0 && len(cols) == 0 {
		return g
	}
	return q.Image()
}

// ruleBands are the bands of rows (across) or columns of p, each at most
// maxThick thick, whose ink (darker than ruleEdge) runs along at least
// four fifths of them, across gaps of two pixels: ruling lines. No row of
// print is inked so far along, its glyphs stand apart.
func ruleBands(p *imaging.Plane, across bool, maxThick int) [][2]int {
	ink := func(x, y int) bool { return p.Pix[y*p.W+x] < ruleEdge }
	n, length := p.W, p.H
	if across {
		n, length = p.H, p.W
	}
	at := func(i, k int) bool {
		if across {
			return ink(k, i)
		}
		return ink(i, k)
	}
	var out [][2]int
	start := -1
	for i := 0; i <= n; i++ {
		ruled := false
		if i < n {
			run, gap, best := 0, 0, 0
			for k := range length {
				if at(i, k) {
					run, gap = run+gap+1, 0
				} else if run > 0 {
					if gap++; gap > 2 {
						run, gap = 0, 0
					}
				}
				best = max(best, run)
			}
			ruled = best*5 >= length*4
		}
		if ruled && start < 0 {
			start = i
		}
		if !ruled && start >= 0 {
			if i-start <= maxThick {
				out = append(out, [2]int{start, i - 1})
			}
			start = -1
		}
	}
	return out
}
