package document

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The header fields by place. On a photo the header's captions (发票代码,
// 发票号码, 开票日期, 校验码: small, and red, which the grey picture shows
// pale) come out garbled more often than the values beside them, which are
// larger and black; the caption reader then finds no value at all. Both
// layouts print those fields in one column of rows at fixed places beside
// the QR code, each value with a shape of its own: a value read in the
// header band is taken for a field when it is on that field's row and has
// that field's shape, and then read again in its own box as any value is.

// headerRow is a header field's row: the middle of its line in QR sides
// below the symbol's top edge, and the digits its value has (a date's
// without 年, 月 and 日).
type headerRow struct {
	key    string
	y      float64
	digits []int
}

var (
	headerTaxControl = []headerRow{
		{keyCode, 0.08, []int{10, 12}},
		{keyNumber, 0.40, []int{8}},
		{keyDate, 0.72, []int{8}},
		{keyCheck, 1.04, []int{20}},
	}
	headerDigital = []headerRow{
		{keyNumber, 0.30, []int{20}},
		{keyDate, 0.68, []int{8}},
	}
)

// Where the rows are. The printed code's size varies between issuers by a
// tenth, and a photo's perspective is not all taken out: the rows as a
// whole sit up to headerShift from their places, found from the values
// read that fit one row only; then each line is on a row when within
// headerRowTol of it, less than half the rows' spacing (0.31 on a 税控
// form, 0.38 on a 数电 one).
const (
	headerShift  = 0.2
	headerRowTol = 0.1
)

// headerByPlace adds to vs the header fields the caption reader found no
// value of the field's shape for (none, or the 税控 check code on the line
// below the number's caption), from glyphs read in the header band
// (reading frame, the QR code's top-left corner at the origin). On a
// field's row, the one run of digits (with 年, 月 and 日 for a date) with
// the field's shape is its value; a run of about that many digits that is
// not (a 月 read as a 5) is where its value is, to be read again there. A
// row with two such runs gives nothing; a row of the code, number or date
// with none is read where the other values' column crosses it.
func headerByPlace(glyphs []glyph, digital bool, vs map[string]val) {
	rows := headerTaxControl
	if digital {
		rows = headerDigital
	}
	runs := digitRuns(buildLines(pageText{glyphs: glyphs, ocr: true}))
	// The digits of all rows are of one size; the engine gives those read
	// with a date's marks the box of the whole word now and then.
	var hs []float64
	for _, rn := range runs {
		if !rn.marks {
			hs = append(hs, rn.v.box[3]-rn.v.box[1])
		}
	}
	if len(hs) > 0 {
		sort.Float64s(hs)
		h := hs[len(hs)/2]
		for i := range runs {
			if b := &runs[i].v.box; b[3]-b[1] > 1.4*h {
				c := (b[1] + b[3]) / 2
				b[1], b[3] = c-h/2, c+h/2
			}
		}
	}
	cy := func(rn digitRun) float64 { return (rn.v.box[1] + rn.v.box[3]) / 2 / qrSide }
	// The rows' shift: the median of those of the runs that fit one row.
	var shifts []float64
	for _, rn := range runs {
		var fit []headerRow
		for _, row := range rows {
			if row.fits(rn) {
				fit = append(fit, row)
			}
		}
		if d := cy(rn) - fit0(fit).y; len(fit) == 1 && math.Abs(d) <= headerShift {
			shifts = append(shifts, d)
		}
	}
	shift := 0.0
	if len(shifts) > 0 {
		sort.Float64s(shifts)
		shift = shifts[len(shifts)/2]
	}
	// placed are the rows given a value or a place here; seenDigits the
	// digits of a run of about a value's length taken for the place of
	// its value, not read (a check code whose first 0 was read as a sign).
	placed := map[string]bool{}
	seenDigits := map[string]int{}
	shaped := func(row headerRow) bool {
		v, ok := vs[row.key]
		return ok && v.s != "" && row.fits(digitRun{digits: reNonDigit.ReplaceAllString(v.s, ""), date: row.key == keyDate})
	}
	for _, row := range rows {
		if shaped(row) {
			continue
		}
		var exact, near []val
		nearDigits := 0
		for _, rn := range runs {
			if math.Abs(cy(rn)-shift-row.y) > headerRowTol {
				continue
			}
			if row.key == keyDate {
				// The engine's box of a date read with its marks
				// sometimes starts inside the year's first digit; what
				// comes before the year is cut out of the crop read.
				h := rn.v.box[3] - rn.v.box[1]
				rn.v.box[0] -= h
			}
			if row.fits(rn) {
				exact = append(exact, rn.v)
			} else if row.near(rn) && !fitsOther(rows, row, rn) {
				v := rn.misreadAround()
				v.s = ""
				near = append(near, v)
				nearDigits = len(rn.digits)
			}
		}
		switch {
		case len(exact) == 1:
			vs[row.key], placed[row.key] = exact[0], true
		case len(exact) == 0 && len(near) == 1:
			vs[row.key], placed[row.key] = near[0], true
			seenDigits[row.key] = nearDigits
		}
	}
	// A row of the three the comparison needs most with nothing of its
	// value's shape read on it (nothing at all, a piece of it, or the
	// check code below the number's caption: a dot-matrix printer's
	// values lie between the captions' rows, where the band's reading
	// loses or splits them): its value is in the column the other values
	// start in, as long as theirs; it is read there. A value seen on its
	// row but not read (its first digit read as a sign) shows the column
	// as well as one read.
	col, dw, h, n := 0.0, 0.0, 0.0, 0
	for _, row := range rows {
		v, ok := vs[row.key]
		if !ok || row.key == keyDate {
			continue
		}
		d := digitCount(v.s)
		if v.s == "" {
			d = seenDigits[row.key]
		}
		if d == 0 || math.Abs((v.box[1]+v.box[3])/2/qrSide-shift-row.y) > headerRowTol {
			continue
		}
		col += v.box[0]
		dw += (v.box[2] - v.box[0]) / float64(d)
		h += v.box[3] - v.box[1]
		n++
	}
	if n == 0 {
		return
	}
	col, dw, h = col/float64(n), dw/float64(n), h/float64(n)
	for _, row := range rows {
		if _, ok := vs[row.key]; ok && (shaped(row) || placed[row.key]) || row.key == keyCheck {
			continue
		}
		// A date is eight digits and three marks each two digits wide.
		w := float64(slices.Max(row.digits)) * dw
		x0 := col
		if row.key == keyDate {
			w, x0 = 14*dw+h, col-h
		}
		y := (row.y + shift) * qrSide
		vs[row.key] = val{box: [4]float64{x0, y - h/2, x0 + w, y + h/2}}
	}
}

// fitsOther reports whether rn, no longer than row's value, has the
// shape of the value of another row: the number's eight digits beside its
// row are the number, not the date misread. A run longer than row's value
// is that value with its marks read as digits.
func fitsOther(rows []headerRow, row headerRow, rn digitRun) bool {
	if len(rn.digits) > slices.Max(row.digits) {
		return false
	}
	for _, o := range rows {
		if o.key != row.key && o.fits(rn) {
			return true
		}
	}
	return false
}

func fit0(rows []headerRow) headerRow {
	if len(rows) == 0 {
		return headerRow{y: math.Inf(1)}
	}
	return rows[0]
}

// fits reports whether rn has the shape of row's value.
func (row headerRow) fits(rn digitRun) bool {
	if row.key == keyDate {
		return rn.date || !rn.marks && len(rn.digits) == 8 && cleanOCRDate(rn.digits) != ""
	}
	return !rn.marks && slices.Contains(row.digits, len(rn.digits))
}

// near reports whether rn has about as many digits as row's value: its
// value misread, or a date read with a mark as a digit.
func (row headerRow) near(rn digitRun) bool {
	n := len(rn.digits)
	lo, hi := slices.Min(row.digits), slices.Max(row.digits)
	if row.key == keyDate {
		return n >= lo && n <= hi+3
	}
	return !rn.marks && n >= lo-1 && n <= hi+1
}

// digitRun is a run of digits on a line, with 年, 月 or 日 among them when
// marks is set; date is set when it reads as a date, then v.s.
type digitRun struct {
	v           val
	digits      string
	marks, date bool
	// l is the run's line; groups are the glyphs of l (from, to) of the
	// run's groups of digits: set apart by more than a third of a
	// character's width, as a check code's are, or by a mark (an empty
	// group).
	l        *line
	from, to int
	groups   [][2]int
}

// misreadAround is rn's value with the glyphs that touch its ends taken
// into its box: a digit the engine read as a sign (a check code's first 0
// as @) ends the run, and a box without it cuts the digit in two when the
// value is read again there, where half a 0 reads as a 1.
func (rn digitRun) misreadAround() val {
	v, l := rn.v, rn.l
	// A Latin letter or a sign a digit reads as, not a caption's
	// character, its colon nor a ruling line's bar.
	sign := func(g glyph) bool {
		return g.r < 0x80 && unicode.IsLetter(g.r) || strings.ContainsRune("@&$#%§°º", g.r)
	}
	touch := func(a, b glyph) bool { return b.x0-a.x1 < 0.35*l.em }
	if i := rn.from - 1; i >= 0 && sign(l.g[i]) && touch(l.g[i], l.g[rn.from]) {
		v.box[0] = math.Min(v.box[0], l.g[i].x0)
	}
	if j := rn.to; j < len(l.g) && sign(l.g[j]) && touch(l.g[rn.to-1], l.g[j]) {
		v.box[2] = math.Max(v.box[2], l.g[j].x1)
	}
	return v
}

// groupsOf is the value of rn's last n groups when each has size digits
// and the group before them, if any, has not: a check code printed as
// four groups of five.
func (rn digitRun) groupsOf(size, n int) (val, bool) {
	if len(rn.groups) < n {
		return val{}, false
	}
	tail := rn.groups[len(rn.groups)-n:]
	for _, g := range tail {
		if g[1]-g[0] != size {
			return val{}, false
		}
	}
	if k := len(rn.groups) - n - 1; k >= 0 && rn.groups[k][1]-rn.groups[k][0] == size {
		return val{}, false
	}
	v := rn.l.val(tail[0][0], tail[n-1][1])
	v.s = stripSpaces(v.s)
	return v, true
}

// digitRuns lists the runs of digits of lines: glyphs one after another
// with less than one and a half characters' width between them (the
// groups of a check code are a space apart), and the marks of a date
// among them. It is the one walk of a line's digits: the header's values
// by place and the values known by their shape both go by its runs.
func digitRuns(lines []*line) []digitRun {
	var out []digitRun
	for _, l := range lines {
		for i := 0; i < len(l.g); {
			if !isDigitGlyph(l.g[i].r) {
				i++
				continue
			}
			j := i + 1
			for j < len(l.g) && (isDigitGlyph(l.g[j].r) || isDateMark(l.g[j].r)) && l.g[j].x0-l.g[j-1].x1 < 1.5*l.em {
				j++
			}
			// A mark after the last digit is the date's 日.
			end := j
			for end > i && isDateMark(l.g[end-1].r) && !(l.g[end-1].r == '日' || l.g[end-1].r == '目') {
				end--
			}
			var ds []rune
			var groups [][2]int
			marks := false
			for k := i; k < end; k++ {
				g := l.g[k]
				if isDateMark(g.r) {
					marks = true
					groups = append(groups, [2]int{k, k})
					continue
				}
				ds = append(ds, []rune(norm.NFKC.String(string(g.r)))...)
				if n := len(groups); n > 0 && groups[n-1][0] < groups[n-1][1] && g.x0-l.g[k-1].x1 <= 0.35*l.em {
					groups[n-1][1] = k + 1
				} else {
					groups = append(groups, [2]int{k, k + 1})
				}
			}
			v := l.valOf(i, end, string(ds))
			// The line of the digits: the engine gives a mark read
			// with the Chinese model a box of its own size.
			var y0s, y1s []float64
			for _, g := range l.g[i:end] {
				if isDigitGlyph(g.r) {
					y0s, y1s = append(y0s, g.y0), append(y1s, g.y1)
				}
			}
			sort.Float64s(y0s)
			sort.Float64s(y1s)
			v.box[1], v.box[3] = y0s[len(y0s)/2], y1s[len(y1s)/2]
			date := false
			if marks {
				// A date that does not read as one (a year of 2623) is
				// still where the date is: its digits stay for near.
				v.s = cleanOCRDate(stripSpaces(l.text(i, end)))
				date = v.s != ""
			}
			out = append(out, digitRun{v: v, digits: string(ds), marks: marks, date: date, l: l, from: i, to: end, groups: groups})
			i = j
		}
	}
	return out
}

func isDigitGlyph(r rune) bool {
	return unicode.IsDigit(r) && len(norm.NFKC.String(string(r))) == 1
}

func isDateMark(r rune) bool { return r == '年' || r == '月' || r == '日' || r == '目' }
