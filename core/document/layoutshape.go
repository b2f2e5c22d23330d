package document

import (
	"math"
	"regexp"
	"strings"
	"unicode"
)

// shapedValues finds, in text read by OCR, the header values whose
// captions were lost: OCR reads a caption spread over its cell (校 验 码)
// or set in the form's pale colour as Latin letters now and then, while the
// value beside it, in black, reads well. A check code is known by its
// shape alone, four groups of five digits; a date by its 年 and 月, or,
// when those were misread too, by its place: the line under the invoice
// number's value, starting where it starts, as both layouts print it. A
// date found by place is only where to read again (its text is left out).
func shapedValues(lines []*line, p *Printed, vs map[string]val) {
	runs := digitRuns(lines)
	if _, ok := vs[keyCheck]; !ok {
		for _, rn := range runs {
			if v, ok := rn.groupsOf(5, 4); ok {
				p.CheckCode, vs[keyCheck] = v.s, v
				break
			}
		}
	}
	if _, ok := vs[keyDate]; ok {
		return
	}
	for _, rn := range runs {
		// A run with 年 and 月 is the date, read as one or not.
		if t := rn.l.text(rn.from, rn.to); rn.date || strings.ContainsRune(t, '年') && strings.ContainsRune(t, '月') {
			p.Date, vs[keyDate] = rn.v.s, rn.v
			return
		}
	}
	if v, ok := dateMisread(lines); ok {
		vs[keyDate] = v
		return
	}
	num, ok := vs[keyNumber]
	if !ok {
		return
	}
	for _, l := range lines {
		if l.y0 <= num.box[3] || l.y0-num.box[3] > 2*l.em {
			continue
		}
		for i, g := range l.g {
			// From the glyph under the number's first: a lost caption's
			// remains may run into the value.
			if end := l.segs[l.segOf(i)][1]; math.Abs(g.x0-num.box[0]) < 0.6*l.em && end-i >= 8 {
				v := l.val(i, end)
				v.s = ""
				vs[keyDate] = v
				return
			}
		}
	}
}

// codeByShape adds to vs, from glyphs read in the header band, the
// invoice code no caption gave: a paper invoice prints its code with no
// caption (large beside the QR code, and the printer's copy in small print
// at the top right), and a photo's pale captions are lost. A run of 10 or
// 12 digits standing alone (no letter or digit run into it) that is a code
// an invoice can carry is the code; runs that give two codes give none.
func codeByShape(glyphs []glyph, vs map[string]val) {
	if _, ok := vs[keyCode]; ok {
		return
	}
	var code val
	for _, rn := range digitRuns(buildLines(pageText{glyphs: glyphs, ocr: true})) {
		if rn.marks || cleanOCRCode(rn.digits) == "" || runOn(rn) {
			continue
		}
		if code.s != "" && code.s != rn.digits {
			return
		}
		if code.s == "" {
			code = rn.v
			code.s = rn.digits
		}
	}
	if code.s != "" {
		vs[keyCode] = code
	}
}

// runOn reports whether a letter or a digit touches run rn on its line: it
// is then part of a longer value, read in pieces.
func runOn(rn digitRun) bool {
	l := rn.l
	touches := func(a, b glyph) bool { return b.x0-a.x1 < 0.6*l.em }
	alnum := func(r rune) bool { return unicode.IsLetter(r) && r < 0x80 || unicode.IsDigit(r) }
	if rn.from > 0 && alnum(l.g[rn.from-1].r) && touches(l.g[rn.from-1], l.g[rn.from]) {
		return true
	}
	return rn.to < len(l.g) && alnum(l.g[rn.to].r) && touches(l.g[rn.to-1], l.g[rn.to])
}

// reMisreadDate is a date whose 年, 月 and 日 were all misread (as %, A,
// a digit): a year of this century or the last, a month and a day, each
// after one character that is no digit.
var reMisreadDate = regexp.MustCompile(`(19|20)\d\d[^\d](\d\d)[^\d](\d\d)`)

// dateMisread finds where a date is whose marks the engine misread on a
// line of lines: its digits are a year, a month and a day in their groups
// of four, two and two, parted by one character each. The date is only
// where to read again (its text is left out); its 日, misread too, is
// taken in.
func dateMisread(lines []*line) (val, bool) {
	for _, l := range lines {
		s := l.normText()
		for _, m := range reMisreadDate.FindAllStringSubmatchIndex(s, -1) {
			mo, d := atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])
			if mo < 1 || mo > 12 || d < 1 || d > 31 {
				continue
			}
			from := l.at[len([]rune(s[:m[0]]))]
			to := l.at[len([]rune(s[:m[1]]))-1] + 1
			if to < len(l.g) && l.g[to].x0-l.g[to-1].x1 < 0.6*l.em {
				to++
			}
			v := l.val(from, to)
			v.s = ""
			return v, true
		}
	}
	return val{}, false
}

// amountAsTotal reads, in OCR'd text, the 合计 row's amount where neither
// its caption nor a second ¥ amount told which row it is: an invoice with
// no tax (免税, 不征税: its tax printed ***) has one ¥ amount on the row,
// the same as the total on the 价税合计 row below it. The nearest line
// above the total's with one ¥ amount, equal to the total read, is the
// row; with tax, no amount on it equals the total.
func amountAsTotal(lines []*line, p *Printed, vs map[string]val) {
	t, ok := vs[keyTotal]
	if !ocrLines(lines) || p.Amount != "" || !ok || t.s == "" {
		return
	}
	for li := len(lines) - 1; li >= 0; li-- {
		l := lines[li]
		if l.y1 > t.box[1] || t.box[1]-l.y1 > 4*l.em {
			continue
		}
		if yen := yenVals(l); len(yen) == 1 && sameValue(yen[0].s, t.s) {
			p.Amount, vs[keyAmount] = yen[0].s, yen[0]
			return
		}
	}
}
