package document

import (
	"math"
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
	if _, ok := vs[keyCheck]; !ok {
		for _, l := range lines {
			if v, ok := digitGroups(l, 5, 4); ok {
				p.CheckCode, vs[keyCheck] = v.s, v
				break
			}
		}
	}
	if _, ok := vs[keyDate]; ok {
		return
	}
	for _, l := range lines {
		for i, g := range l.g {
			if g.r != '年' || i < 2 || !unicode.IsDigit(l.g[i-1].r) || !unicode.IsDigit(l.g[i-2].r) {
				continue
			}
			from, to := i, i+1
			for from > 0 && i-from < 4 && unicode.IsDigit(l.g[from-1].r) {
				from--
			}
			for to < len(l.g) && to-i < 7 && l.g[to-1].r != '日' {
				to++
			}
			if !strings.ContainsRune(l.text(i, to), '月') {
				continue
			}
			v := l.val(from, to)
			v.s = cleanDate(v.s)
			p.Date, vs[keyDate] = v.s, v
			return
		}
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

// digitGroups finds on l a run of n groups of size digits each, set apart
// by gaps (a space's width) and nothing else, as check codes are printed.
func digitGroups(l *line, size, n int) (val, bool) {
	start, groups, cur := -1, 0, 0
	for i := 0; i <= len(l.g); i++ {
		digit := i < len(l.g) && unicode.IsDigit(l.g[i].r)
		gap := 0.0
		if i > 0 && i < len(l.g) {
			gap = l.g[i].x0 - l.g[i-1].x1
		}
		if digit && start >= 0 && gap <= 0.35*l.em {
			cur++
			continue
		}
		if digit && start >= 0 && cur == size && gap <= 1.5*l.em {
			groups++
			cur = 1
			continue
		}
		// The run ends here.
		if start >= 0 && cur == size && groups+1 == n {
			v := l.val(start, i)
			v.s = stripSpaces(v.s)
			return v, true
		}
		start, groups, cur = -1, 0, 0
		if digit {
			start, cur = i, 1
		}
	}
	return val{}, false
}
