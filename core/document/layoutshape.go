package document

import (
	"math"
	"strings"
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
