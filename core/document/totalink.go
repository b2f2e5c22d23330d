package document

import (
	"image"
	"math"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/ocr"
)

// A total the reading of its row left unboxed. Read as free text with the
// form's captions, a dot-matrix total on its row (¥22231.96 clear of the
// rules, a seal's ring under it) comes out as letters ("sataeUtCNS)"),
// and the caption reading has no box to read it again from. Its ink does:
// the total is the run of digit-sized glyphs on the 价税合计 row right of
// its (小写) caption, below the 合计 row's amounts, a ¥ first.

// span is the box of blots bs, which are not empty.
func span(bs []inkBox) inkBox {
	b := bs[0]
	for _, g := range bs[1:] {
		b.x0, b.y0 = min(b.x0, g.x0), min(b.y0, g.y0)
		b.x1, b.y1 = max(b.x1, g.x1), max(b.y1, g.y1)
	}
	return b
}

// totalRun is the run of glyphs in g, a picture em pixels to the print, on
// rows [y0, y1) (a dot-matrix printer's offset allowed about them) whose
// first glyph lies in columns [x0, x1): glyphs no wider than a digit (a
// caption's Chinese glyph ends a run; two glyphs blurred into one blot
// are parted first, see pairsParted), no further apart than a point's
// width (see maxGlyphGap), their middles within half an em of each other.
// Of the runs of four glyphs or more (a ¥ and three digits: the point is
// too small to count) whose middle is half an em or more below row y0,
// the lowest, the total being printed below the amounts of the 合计 row.
// ok is false when there is none.
func totalRun(g *image.Gray, x0, x1, y0, y1 int, em float64) ([]inkBox, bool) {
	gl := pairsParted(g, lineGlyphs(g, y0, y1, em), em)
	narrow := func(b inkBox) bool { return float64(b.x1-b.x0) <= 0.85*em }
	cy := func(b inkBox) float64 { return float64(b.y0+b.y1) / 2 }
	var runs [][]inkBox
	used := make([]bool, len(gl))
	for i, b := range gl {
		if used[i] || !narrow(b) || b.x0 < x0 || b.x0 >= x1 {
			continue
		}
		run := []inkBox{b}
		used[i] = true
		for j := i + 1; j < len(gl); j++ {
			last := run[len(run)-1]
			c := gl[j]
			if math.Abs(cy(c)-cy(run[0])) > 0.5*em {
				continue
			}
			if float64(c.x0-last.x1) > maxGlyphGap*em || !narrow(c) {
				break
			}
			if c.x0 < last.x1-1 {
				continue
			}
			run = append(run, c)
			used[j] = true
		}
		// A speck or a point before the ¥ is no glyph of the run: the
		// run begins with a glyph as tall as most of its others.
		for tall := 0.8 * float64(midHeight(run)); len(run) > 0 && float64(run[0].y1-run[0].y0) < tall; {
			run = run[1:]
		}
		// On the row, its middle half an em or more below the rule
		// above: the 合计 row's amount printed on that rule is none.
		if len(run) >= 4 && cy(span(run)) >= float64(y0)+0.5*em {
			runs = append(runs, run)
		}
	}
	if len(runs) == 0 {
		return nil, false
	}
	best := runs[0]
	for _, u := range runs[1:] {
		if cy(span(u)) > cy(span(best)) {
			best = u
		}
	}
	return best, true
}

// pairsParted is gl, the glyphs of a line of g, with each blot as wide as
// two of a total's glyphs blurred together (a ¥ and its first digit, two
// digits: 1.15 to 1.8 ems wide, wider than the print's Chinese glyphs)
// and most of an em tall parted in two at the column of least ink in its
// middle.
func pairsParted(g *image.Gray, gl []inkBox, em float64) []inkBox {
	dark, ok := darkLevel(g, 0.5)
	if !ok {
		return gl
	}
	bd := g.Bounds()
	var out []inkBox
	for _, b := range gl {
		w := float64(b.x1 - b.x0)
		if w < 1.15*em || w > 1.8*em || float64(b.y1-b.y0) < 0.7*em {
			out = append(out, b)
			continue
		}
		ink := func(x int) int {
			n := 0
			for y := b.y0; y < b.y1; y++ {
				if g.GrayAt(bd.Min.X+x, bd.Min.Y+y).Y < dark {
					n++
				}
			}
			return n
		}
		at := leastInk(b.x0+int(0.35*w), b.x0+int(0.65*w), ink)
		out = append(out, inkBox{b.x0, b.y0, at, b.y1}, inkBox{at + 1, b.y0, b.x1, b.y1})
	}
	return out
}

// inkTotal finds the total in row, the picture of the reading frame's
// region rg that holds the 合计 and 价税合计 rows, where reading it gave
// none: the lowest run of digit-sized glyphs (see totalRun) on the
// 价税合计 row, beginning from the form's (小写) caption to the 合计 row's
// tax. The run is read whole as an amount, its ¥ with it; v is that
// reading, with the box of the run after its first glyph (the ¥), from
// which settle reads it again. A total read so is kept only where those
// readings give as many digits as the whole run read: where the ¥ was no
// glyph of the run (lost in a rule), the run's first glyph is the total's
// first digit, and the readings after it are a digit short; where the
// engine read the ¥ as a digit, the whole run's reading has one too many,
// and which it is is not told. The digits before the point count: a run
// whose point and decimals the engine lost (¥46684) is read again as far
// as its print runs on, as a total read so by its caption is.
func (r *paperReader) inkTotal(row *image.Gray, rg image.Rectangle) (val, bool) {
	em := frameEm
	top := int(r.formY(r.usual[2])*qrSide) - rg.Min.Y
	bottom := int(r.formY(r.usual[3])*qrSide) - rg.Min.Y
	x0, x1 := int(totalFrom*qrSide)-rg.Min.X, int(totalTo*qrSide)-rg.Min.X
	u, ok := totalRun(row, x0, x1, top, bottom, em)
	if !ok {
		return val{}, false
	}
	b := span(u)
	whole := image.Rect(b.x0-int(0.3*em), b.y0-int(0.3*em), b.x1+int(0.5*em), b.y1+int(0.3*em)).Intersect(row.Bounds())
	gs, err := r.eng.Read(r.ctx, row.SubImage(whole).(*image.Gray), ocr.Options{Charset: ocr.Amount, Layout: ocr.Line})
	r.progress()
	if err != nil {
		return val{}, false
	}
	s, conf := joined(gs)
	if intDigits(s) < 3 {
		return val{}, false
	}
	off := rg.Min
	return val{
		s:    s,
		conf: conf,
		box:  [4]float64{float64(u[1].x0 + off.X), float64(b.y0 + off.Y), float64(b.x1 + off.X), float64(b.y1 + off.Y)},
	}, true
}

// intDigits is how many digits amount s, as read, has before its point
// (all of them where it has none): after a ¥ or a sign, up to the first
// character that is neither a digit nor a thousands' comma.
func intDigits(s string) int {
	s = strings.TrimLeft(stripSpaces(nfkc(s)), "¥Y-")
	n := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			n++
		case c == ',':
		default:
			return n
		}
	}
	return n
}

// The (小写) caption ends, and the 合计 row's tax begins, about here, in
// QR sides right of the code's left edge: a total's ¥ lies between.
const (
	totalFrom = 8.3
	totalTo   = 10.6
)
