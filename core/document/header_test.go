package document

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"
)

// glyphsAt lays s out as glyphs from x on the line whose middle is y, in
// QR sides, as the engine gives them for the header band: an em of 0.11
// sides, a digit 0.07 wide, a Chinese character 0.12.
func glyphsAt(x, y float64, s string) []glyph {
	const em = 0.11
	var gs []glyph
	for _, r := range s {
		w := 0.07
		if r > 0x2e80 {
			w = 0.12
		}
		if r != ' ' {
			gs = append(gs, glyph{r: r, x0: x * qrSide, x1: (x + w - 0.01) * qrSide,
				y0: (y - em/2) * qrSide, y1: (y + em/2) * qrSide, unsure: 0.1})
		}
		x += w
	}
	return gs
}

func TestHeaderByPlace(t *testing.T) {
	// A 税控 header photographed: captions garbled, the rows as a whole a
	// little lower than their places.
	var gs []glyph
	gs = append(gs, glyphsAt(8, 0.13, "发村>5aS 034002200413")...)
	gs = append(gs, glyphsAt(8, 0.45, "阴aS 99076915")...)
	gs = append(gs, glyphsAt(8, 0.77, "开票 2023年11月24日")...)
	gs = append(gs, glyphsAt(8, 1.09, "TS 49666 18700 18274 24493")...)
	vs := map[string]val{}
	headerByPlace(gs, false, vs)
	want := map[string]string{keyCode: "034002200413", keyNumber: "99076915", keyDate: "2023-11-24", keyCheck: "49666187001827424493"}
	for k, w := range want {
		if vs[k].s != w {
			t.Errorf("%s: %q, want %q", k, vs[k].s, w)
		}
		if b := vs[k].box; b[2] <= b[0] || b[0] < 8*qrSide {
			t.Errorf("%s: box %v is not the value's", k, b)
		}
	}

	// A value the caption reader found stays; a date whose 月 and 日 were
	// read as digits is where the date is, to be read again; a row with two
	// runs of its shape, or none, gives nothing.
	gs = nil
	gs = append(gs, glyphsAt(8, 0.08, "代码 3502201320 3502201320")...)
	gs = append(gs, glyphsAt(8, 0.40, "号码 56892161")...)
	gs = append(gs, glyphsAt(8, 0.72, "日期 2020065178")...)
	vs = map[string]val{keyNumber: {s: "56892161", box: [4]float64{1, 2, 3, 4}}}
	headerByPlace(gs, false, vs)
	if v := vs[keyNumber]; v.box != [4]float64{1, 2, 3, 4} {
		t.Errorf("the caption reader's number was replaced: %+v", v)
	}
	if v, ok := vs[keyDate]; !ok || v.s != "" || v.box[0] < 8*qrSide {
		t.Errorf("misread date: %+v, %v; want its place, unread", v, ok)
	}
	if v, ok := vs[keyCode]; ok {
		t.Errorf("two codes on a row: took %+v", v)
	}
	if v, ok := vs[keyCheck]; ok {
		t.Errorf("no check code printed: took %+v", v)
	}

	// Nothing read on the date's row: it is read where the column of
	// values crosses the row; no check code is looked for so.
	gs = nil
	gs = append(gs, glyphsAt(8, 0.08, "代码 3502201320")...)
	gs = append(gs, glyphsAt(8, 0.40, "号码 56892161")...)
	gs = append(gs, glyphsAt(8, 0.72, "开票 AsTe")...)
	vs = map[string]val{}
	headerByPlace(gs, false, vs)
	d, ok := vs[keyDate]
	if cy := (d.box[1] + d.box[3]) / 2 / qrSide; !ok || d.s != "" || math.Abs(cy-0.72) > 0.02 || d.box[0] > vs[keyNumber].box[0] || d.box[2] < vs[keyNumber].box[2] {
		t.Errorf("date: %+v, %v; want the place of a date in the column", d, ok)
	}
	if v, ok := vs[keyCheck]; ok {
		t.Errorf("check code: %+v", v)
	}

	// A dot-matrix number printed between the captions' rows, of which the
	// band's reading gave a piece the caption reader could not take (a
	// value seen, not read): it is read where the column of values
	// crosses its row, as long as the number is.
	gs = nil
	gs = append(gs, glyphsAt(8.4, 0.08, "034001801612")...)
	gs = append(gs, glyphsAt(8, 0.40, "号码")...)
	gs = append(gs, glyphsAt(8.61, 0.37, "43626")...)
	gs = append(gs, glyphsAt(8.4, 0.72, "2018年07月02日")...)
	gs = append(gs, glyphsAt(8.4, 1.04, "42982 07581 69385 72617")...)
	piece := [4]float64{8.61 * qrSide, 0.32 * qrSide, 8.95 * qrSide, 0.42 * qrSide}
	below := [4]float64{8.4 * qrSide, 0.99 * qrSide, 9.8 * qrSide, 1.09 * qrSide}
	for _, n := range []val{{box: piece}, {s: "42982075816938572617", box: below}} {
		vs = map[string]val{keyNumber: n}
		headerByPlace(gs, false, vs)
		n := vs[keyNumber]
		if cy := (n.box[1] + n.box[3]) / 2 / qrSide; n.s != "" || math.Abs(n.box[0]-vs[keyCode].box[0]) > 1 || n.box[2] < 8.4*qrSide+8*0.06*qrSide || math.Abs(cy-0.40) > 0.1 {
			t.Errorf("number: %+v; want the place of 8 digits in the column (code at %v)", n, vs[keyCode].box)
		}
	}

	// On a 数电 form the number has 20 digits: an 8-digit run on its row
	// is not it, nor a date.
	gs = glyphsAt(8, 0.30, "号码 99076915")
	vs = map[string]val{}
	headerByPlace(gs, true, vs)
	if len(vs) != 0 {
		t.Errorf("took %+v", vs)
	}
}

// runsPicture is a picture w wide and 30 high, ink in columns cols on
// rows 8 to 21, paper elsewhere.
func runsPicture(w int, cols [][2]int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, 30))
	for i := range img.Pix {
		img.Pix[i] = 240
	}
	for _, c := range cols {
		for x := c[0]; x < c[1]; x++ {
			for y := 8; y < 22; y++ {
				img.SetGray(x, y, color.Gray{Y: 40})
			}
		}
	}
	return img
}

// A blurred 0 comes as two pieces of ink two columns apart: they are one
// run, and the year's first digit is not taken for what lies before the
// date (the caption's colon, a space away), which is.
func TestDateRunsSplitZero(t *testing.T) {
	const em = 20
	// colon, 2 0(two halves) 2 5 年 0 6 月 0 9 日, as columns of ink.
	cols := [][2]int{{4, 6}, {24, 35}, {38, 43}, {45, 50}, {53, 64}, {68, 79}, {82, 101},
		{105, 116}, {120, 131}, {135, 154}, {158, 169}, {172, 183}, {188, 206}}
	runs, mark := dateRuns(runsPicture(215, cols), 5, 25, 140, em)
	if len(runs) != len(cols)-1 || runs[2] != [2]int{38, 50} || mark == nil {
		t.Fatalf("runs %v, marks %v", runs, mark)
	}
	want := map[int]bool{0: true, 5: true, 8: true, 11: true}
	for i := range runs {
		if mark[i] != want[i] {
			t.Errorf("run %d %v: cut out %v, want %v", i, runs[i], mark[i], want[i])
		}
	}
}

// Two scans' dot-matrix dates as the runs of their crops at the 2/3 cut.
// 2017年09月11日 whose 1s come as a stem and a flag a column apart: each
// 1 is one run, and the date's eleven are four digits, 年, two, 月, two,
// 日. 2018年10月24日 printed close after its caption: the strokes of 期,
// a column of ink each, are cut out with the marks; so is 期's side, as
// wide as a digit, before 2018年12月16日 (a clean print's).
func TestDateRunsSplitOne(t *testing.T) {
	const em = 21
	for _, c := range []struct {
		cols [][2]int
		runs int
		cut  []int
	}{
		{[][2]int{{31, 42}, {46, 57}, {62, 68}, {69, 72}, {76, 86}, {91, 109}, {114, 126},
			{129, 141}, {146, 163}, {170, 171}, {173, 176}, {185, 196}, {202, 218}}, 11, []int{4, 7, 10}},
		{[][2]int{{5, 6}, {10, 11}, {15, 16}, {22, 34}, {36, 49}, {50, 62}, {65, 75}, {78, 98},
			{102, 113}, {115, 127}, {129, 146}, {152, 164}, {166, 177}, {183, 198}}, 14, []int{0, 1, 2, 7, 10, 13}},
		{[][2]int{{0, 12}, {20, 31}, {36, 46}, {49, 62}, {64, 75}, {79, 100}, {103, 116}, {118, 129},
			{133, 151}, {157, 165}, {173, 184}, {189, 206}}, 12, []int{0, 5, 8, 11}},
	} {
		runs, mark := dateRuns(runsPicture(225, c.cols), 5, 25, 140, em)
		if len(runs) != c.runs || mark == nil {
			t.Fatalf("runs %v, marks %v", runs, mark)
		}
		for i := range runs {
			if want := slices.Contains(c.cut, i); mark[i] != want {
				t.Errorf("run %d %v: cut out %v, want %v", i, runs[i], mark[i], want)
			}
		}
	}
}

// A scan's 2019年04月23日 cut pale, its digits parted into strokes: no
// eleven runs of it are a date, though some have marks wider than their
// digits. The same date's runs at a darker cut are one.
func TestDateWindowCells(t *testing.T) {
	const em = 22
	pale := [][2]int{{33, 42}, {46, 49}, {53, 56}, {63, 67}, {73, 75}, {80, 84}, {89, 100}, {109, 113},
		{117, 120}, {123, 133}, {138, 143}, {151, 153}, {160, 169}, {178, 183}, {190, 192}, {201, 203}}
	if mark := dateWindow(pale, em); mark != nil {
		t.Errorf("strokes taken for a date: %v", mark)
	}
	dark := [][2]int{{32, 43}, {45, 57}, {62, 69}, {72, 84}, {87, 105}, {108, 120}, {121, 133}, {137, 155},
		{159, 170}, {173, 184}, {188, 205}}
	if mark := dateWindow(dark, em); len(mark) != 3 || !mark[4] || !mark[7] || !mark[10] {
		t.Errorf("date's marks %v, want runs 4, 7 and 10", mark)
	}
}

// A check code whose first 0 the band read as a sign is one digit short:
// it is read again in a box that takes the sign in, or the crop would cut
// the 0 in two (half a 0 reads as a 1).
func TestHeaderRunMisreadEnd(t *testing.T) {
	gs := glyphsAt(8, 1.04, "校验码 @1561 78686 48463 73543")
	vs := map[string]val{}
	headerByPlace(gs, false, vs)
	v, ok := vs[keyCheck]
	if !ok || v.s != "" {
		t.Fatalf("check code %+v, want a place to read it again", v)
	}
	at := gs[3] // the @
	if at.r != '@' || v.box[0] > at.x0 || v.box[2] < gs[len(gs)-1].x1 {
		t.Errorf("check code's box %v does not take in the sign at %.0f", v.box, at.x0)
	}
}

// A dot-matrix header whose code and number the band's reading lost, and
// whose check code came with its first 0 read as a sign: that check code,
// seen but not read, shows the column of values all the same, and the
// number is read where the column crosses its row.
func TestHeaderColumnFromValueSeen(t *testing.T) {
	var gs []glyph
	gs = append(gs, glyphsAt(8, 0.08, "发票代码:")...)
	gs = append(gs, glyphsAt(8, 0.40, "发票号码;")...)
	gs = append(gs, glyphsAt(8, 0.72, "开票日期:")...)
	gs = append(gs, glyphsAt(8.6, 1.04, "$0728 31075 14325 75882")...)
	vs := map[string]val{}
	headerByPlace(gs, false, vs)
	c, ok := vs[keyCheck]
	if !ok || c.s != "" {
		t.Fatalf("check code %+v, want its place", c)
	}
	n, ok := vs[keyNumber]
	if cy := (n.box[1] + n.box[3]) / 2 / qrSide; !ok || n.s != "" || math.Abs(n.box[0]-c.box[0]) > 1 || math.Abs(cy-0.40) > 0.02 {
		t.Errorf("number %+v, %v; want the place of 8 digits in the column at %.0f", n, ok, c.box[0])
	}
}
