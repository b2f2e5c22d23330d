package document

import (
	"image"
	"math"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// slantedLine is a crop of a printed line on grey paper: n glyphs em tall
// and 0.6 em wide (each a ring, as a 0 is), their bottoms on a line
// falling slope rows per column from (x0, base), and, where small is set,
// a smaller print (half as tall) running on from the line's end a little
// lower, as a printer's copy of a code beside a number does.
func slantedLine(w, h, n, x0, base int, em, slope float64, small bool) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 200
	}
	ring := func(x, y1, gw, gh int) {
		for y := y1 - gh; y < y1; y++ {
			for xx := x; xx < x+gw; xx++ {
				edge := y < y1-gh+2 || y >= y1-2 || xx < x+2 || xx >= x+gw-2
				if edge && xx >= 0 && xx < w && y >= 0 && y < h {
					g.Pix[y*g.Stride+xx] = 40
				}
			}
		}
	}
	gw, step := int(0.6*em), int(0.8*em)
	x := x0
	for i := 0; i < n; i++ {
		ring(x, base+int(math.Round(slope*float64(x-x0))), gw, int(em))
		x += step
	}
	if small {
		for i := 0; i < n; i++ {
			ring(x, base+int(em/4), gw/2, int(em/2))
			x += step / 2
		}
	}
	return g
}

// A line slanting across its crop is levelled: the glyphs' bottoms lie
// on one row afterwards, and the rows given span the glyphs, whose tops
// a crop of the caption reading's box would cut off at one end.
func TestStraightenSlantedLine(t *testing.T) {
	em := 14.0
	for _, slope := range []float64{-0.06, 0.05} {
		g := slantedLine(220, 60, 12, 10, 38, em, slope, false)
		s, top, bottom, ok := straighten(g, 24, 38, em)
		if !ok {
			t.Fatalf("slope %.2f: not straightened", slope)
		}
		_, after, ok := inkLine(s, top, bottom, em)
		if !ok || math.Abs(after)*150 > 2 {
			t.Errorf("slope %.2f: still slants %.3f (line found: %v)", slope, after, ok)
		}
		if d := float64(bottom - top); d < em-1 || d > em+3 {
			t.Errorf("slope %.2f: line spans rows %d-%d, want about %.0f rows", slope, top, bottom, em)
		}
		for _, b := range inkBoxes(s.SubImage(image.Rect(0, top, 220, bottom)).(*image.Gray), 0.5) {
			if b.y1-b.y0 < int(em)-2 {
				t.Errorf("slope %.2f: a glyph cut to %d rows in the line's rows", slope, b.y1-b.y0)
			}
		}
	}
}

// A level line is left as it is, and so is one a smaller print runs on
// from: its small glyphs neither make a slope nor count as the line.
func TestStraightenLevelLine(t *testing.T) {
	em := 30.0
	for _, small := range []bool{false, true} {
		g := slantedLine(500, 90, 8, 10, 60, em, 0, small)
		if _, _, _, ok := straighten(g, 30, 60, em); ok {
			t.Errorf("small print %v: a level line straightened", small)
		}
	}
	blank := slantedLine(100, 40, 0, 0, 30, 14, 0, false)
	if _, _, _, ok := straighten(blank, 10, 30, 14); ok {
		t.Error("a crop with no ink straightened")
	}
}

// Digits end where a smaller print runs on from them (a printer's copy
// of the code after a number): the crop is cut after the line's last
// glyph. A line of one size, spaces in it or not, is not cut.
func TestSmallRunOn(t *testing.T) {
	em := 30.0
	g := slantedLine(500, 90, 8, 10, 60, em, 0, true)
	last := 10 + 7*int(0.8*em) + int(0.6*em)
	if x := smallRunOn(g, 30, 60, em); x < last || x > last+int(0.3*em) {
		t.Errorf("cut at column %d, want just after the line's last glyph at %d", x, last)
	}
	g = slantedLine(500, 90, 8, 10, 60, em, 0, false)
	if x := smallRunOn(g, 30, 60, em); x != 500 {
		t.Errorf("a line of one size cut at column %d", x)
	}
}

// A dot-matrix number printed half a row above its caption, as an office
// scan's header band shows it: the engine gave it the caption's line, a
// box lower than its digits, and a crop of the box cut the digits' tops
// (read 5001, 00, 90). The line is level, and its own rows are given.
func TestStraightenLevelLineOffItsBox(t *testing.T) {
	img, err := imaging.Load(filepath.Join("testdata", "ocr", "header-dots-off-rows.png"))
	if err != nil {
		t.Fatal(err)
	}
	g := imaging.PlaneOf(img, imaging.Luma).Image()
	// The number's box as the caption's line put it, and the tall crop
	// valueCrop cuts around it.
	em, box := 20.0, [4]float64{292, 173, 406, 193}
	tall := image.Rect(int(box[0]-0.4*em), int(box[1]-em-0.1*(box[2]-box[0])), int(box[2]+0.6*em), int(box[3]+em+0.1*(box[2]-box[0])))
	crop := g.SubImage(tall).(*image.Gray)
	s, top, bottom, ok := straighten(crop, int(box[1])-tall.Min.Y, int(box[3])-tall.Min.Y, em)
	if !ok {
		t.Fatal("the line's rows were not given")
	}
	// The digits span rows 161-181 of the band.
	if y0, y1 := tall.Min.Y+top, tall.Min.Y+bottom; y0 > 162 || y0 < 158 || y1 < 180 || y1 > 185 {
		t.Errorf("the line spans rows %d-%d, its digits 161-181", y0, y1)
	}
	if s.Bounds().Dx() != tall.Dx() || s.Bounds().Dy() != tall.Dy() {
		t.Errorf("crop of %v, want %v", s.Bounds().Size(), tall.Size())
	}
}

// A dot-matrix number between the captions' rows of an office scan, in
// a box as tall as its caption's line: the date's digits under it are
// within reach of the crop, and more of them than the number's. A line
// sharing less than half its rows with the box is not the value's: the
// crop is not moved onto the date, whose digits read as a number's.
func TestStraightenNotOntoNextLine(t *testing.T) {
	img, err := imaging.Load(filepath.Join("testdata", "ocr", "header-number-over-date.png"))
	if err != nil {
		t.Fatal(err)
	}
	g := imaging.PlaneOf(img, imaging.Luma).Image()
	// The number's digits span rows 165-188 of the band, the date's
	// below them from row 206.
	box := [4]float64{296, 165, 412, 200}
	em := box[3] - box[1]
	tall := image.Rect(int(box[0]-0.4*em), int(box[1]-em-0.1*(box[2]-box[0])), int(box[2]+0.6*em), int(box[3]+em+0.1*(box[2]-box[0])))
	crop := g.SubImage(tall).(*image.Gray)
	if _, top, bottom, ok := straighten(crop, int(box[1])-tall.Min.Y, int(box[3])-tall.Min.Y, em); ok && tall.Min.Y+top > 175 {
		t.Errorf("the crop moved to rows %d-%d, the number's are 165-188", tall.Min.Y+top, tall.Min.Y+bottom)
	}
}
