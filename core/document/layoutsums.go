package document

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
)

// readSums reads the 合计 row (amount before tax, then tax) and the total
// written after (小写).
func readSums(lines []*line, reSum *regexp.Regexp, p *Printed, vs map[string]val) {
	for _, h := range findLabels(lines, reSum, "") {
		l := lines[h.li]
		// Not 价税合计 nor 合计金额-style captions.
		k := indexOfGlyph(l, h.from)
		if k > 0 && strings.HasSuffix(string(l.norm[:k]), "价税") {
			continue
		}
		if k+2 < len(l.norm) && strings.ContainsRune("(金税", l.norm[k+2]) {
			continue
		}
		toks := moneyVals(l, h.to, len(l.g))
		if len(toks) == 0 && l.ocr {
			toks = offRow(lines, h)
		}
		if len(toks) == 0 {
			continue
		}
		p.Amount = toks[0].s
		vs[keyAmount] = toks[0]
		if len(toks) > 1 {
			p.Tax = toks[1].s
			if p.Tax != "***" {
				vs[keyTax] = toks[1]
			}
		}
		break
	}
	for _, h := range findLabels(lines, reTotalLabel, "") {
		for _, c := range valueAfter(lines, h, 12) {
			if t := moneyTokens(c.s); len(t) > 0 && t[0] != "***" {
				p.Total = t[0]
				c.s = t[0]
				vs[keyTotal] = c
				break
			}
		}
		if p.Total != "" {
			break
		}
	}
	if !ocrLines(lines) || p.Total != "" && p.Amount != "" {
		return
	}
	// OCR often garbles (小写); the total is then the last amount on the
	// 价税合计 row.
	for _, h := range findLabels(lines, reOCRTotalRow, "") {
		if toks := rowVals(lines, h); p.Total == "" && len(toks) > 0 && toks[len(toks)-1].s != "***" {
			t := toks[len(toks)-1]
			p.Total = t.s
			vs[keyTotal] = t
		}
	}
	// Captions in the form's colour are what OCR loses first; the rows
	// are then known by their ¥ signs: the 合计 row has two amounts after
	// ¥, the 价税合计 row below it one.
	for li, l := range lines {
		yen := sumsRowVals(l)
		if len(yen) != 2 {
			continue
		}
		if p.Amount == "" {
			p.Amount, p.Tax = yen[0].s, yen[1].s
			vs[keyAmount], vs[keyTax] = yen[0], yen[1]
		}
		for _, b := range lines[li+1:] {
			if b.y0-l.y1 > 4*l.em {
				break
			}
			t := yenVals(b)
			if len(t) == 0 {
				t = latinYenVals(b)
			}
			if len(t) == 1 && p.Total == "" {
				p.Total = t[0].s
				vs[keyTotal] = t[0]
				break
			}
		}
		return
	}
}

// readFare reads what a ticket prints instead of the 合计 row: 票价 (the
// total including tax) and, where printed, 金额 and 税额. Only values the
// invoice's own rows did not give are taken.
func readFare(lines []*line, p *Printed, vs map[string]val) {
	for _, f := range []struct {
		re  *regexp.Regexp
		key string
		to  *string
	}{{reFareLabel, keyTotal, &p.Total}, {reTicketAmount, keyAmount, &p.Amount}, {reTicketTaxLabel, keyTax, &p.Tax}} {
		if *f.to != "" {
			continue
		}
		for _, h := range findLabels(lines, f.re, "") {
			v := firstMatch(valueAfter(lines, h, 4), func(s string) string {
				if t := moneyTokens(s); len(t) > 0 && t[0] != "***" {
					return t[0]
				}
				return ""
			})
			if v.s != "" {
				*f.to = v.s
				vs[f.key] = v
				break
			}
		}
	}
}

// rowVals lists the amounts right of caption h on its row, left to
// right: on its line and on the lines whose middle is within 0.8 em
// of its line's (a photo's tilt or blur sets the value a little above or
// below its caption, where the lines are told apart), or within 1.5 em
// for an amount after a ¥ (a dot-matrix printer's values sit up to a line
// off their captions; the rows above and below are twice that away). An
// amount in brackets is the (小写) caption misread, not a value.
func rowVals(lines []*line, h hit) []val {
	c := lines[h.li]
	end := c.g[h.to-1].x1
	mid := (c.y0 + c.y1) / 2
	var out []val
	for li, l := range lines {
		from := 0
		off := math.Abs((l.y0+l.y1)/2 - mid)
		if li == h.li {
			from, off = h.to, 0
		} else if off > 1.5*c.em {
			continue
		}
		for _, v := range amountsRight(l, from, end) {
			if off <= 0.8*c.em || afterYen(l, v) {
				out = append(out, v)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b val) int { return cmp.Compare(a.box[0], b.box[0]) })
	return out
}

// offRow lists the amount and the tax of the 合计 row whose caption h has
// none on its line, read by OCR: a dot-matrix printer's values sit up to
// a line off their captions, and their ¥ signs, read as other signs, do
// not tell them (see rowVals). They are the two amounts, and no more,
// right of the caption on the nearest line within 1.5 em of its.
func offRow(lines []*line, h hit) []val {
	c := lines[h.li]
	end := c.g[h.to-1].x1
	mid := (c.y0 + c.y1) / 2
	var out []val
	best := math.Inf(1)
	for li, l := range lines {
		off := math.Abs((l.y0+l.y1)/2 - mid)
		if li == h.li || off > 1.5*c.em || off >= best {
			continue
		}
		if vs := amountsRight(l, 0, end); len(vs) == 2 {
			out, best = vs, off
		}
	}
	return out
}

// amountsRight lists the amounts of l from its glyph from on that start
// right of x end, but for one in brackets: the (小写) caption misread.
func amountsRight(l *line, from int, end float64) []val {
	for from < len(l.g) && l.g[from].x0 < end {
		from++
	}
	var out []val
	for _, v := range moneyVals(l, from, len(l.g)) {
		if !bracketed(l, v) {
			out = append(out, v)
		}
	}
	return out
}

// afterYen reports whether value v of line l is written after a ¥ sign.
func afterYen(l *line, v val) bool {
	if len(v.g) == 0 {
		return false
	}
	i := slices.IndexFunc(l.g, func(g glyph) bool { return g == v.g[0] })
	return i > 0 && (l.g[i-1].r == '¥' || l.g[i-1].r == '￥')
}

// bracketed reports whether value v of line l is written in brackets.
func bracketed(l *line, v val) bool {
	if len(v.g) == 0 {
		return false
	}
	i := slices.IndexFunc(l.g, func(g glyph) bool { return g == v.g[0] })
	j := slices.IndexFunc(l.g, func(g glyph) bool { return g == v.g[len(v.g)-1] })
	return i > 0 && j >= 0 && j+1 < len(l.g) && strings.ContainsRune("(（", l.g[i-1].r) && strings.ContainsRune(")）", l.g[j+1].r)
}

// sumsRowVals lists the amounts of l when it can be the 合计 row: its two
// amounts after ¥ signs, or, where the engine took one ¥ for another
// sign, its two amounts with their decimals, one of them after ¥.
func sumsRowVals(l *line) []val {
	yen := yenVals(l)
	if len(yen) != 1 {
		return yen
	}
	all := moneyVals(l, 0, len(l.g))
	if len(all) != 2 || !reAmount.MatchString(all[0].s) || !reAmount.MatchString(all[1].s) {
		return yen
	}
	return all
}

// yenVals lists the amounts on l written after a ¥ sign.
func yenVals(l *line) []val {
	var out []val
	for i, g := range l.g {
		if g.r != '¥' && g.r != '￥' {
			continue
		}
		if vs := moneyVals(l, i+1, len(l.g)); len(vs) > 0 && vs[0].g != nil && vs[0].g[0].x0-g.x1 < 0.6*l.em {
			out = append(out, vs[0])
		}
	}
	return out
}

// latinYenVals lists the amounts with their decimals on l, read by OCR,
// written after a ¥ the engine read as a Latin Y: the total under the 合计
// row, where its caption was lost too. Digits between the Y and the
// amount read as letters like them (¥88577.42 as ygg577.42) are the
// amount's print: the value's box takes them in, for its crops to read
// them, and its text is what was read as digits.
func latinYenVals(l *line) []val {
	if !l.ocr {
		return nil
	}
	var out []val
	for i, g := range l.g {
		if g.r != 'Y' && g.r != 'y' {
			continue
		}
		j := i + 1
		for j < len(l.g) && strings.ContainsRune("gqB", l.g[j].r) && l.gapBefore(j) < 0.35*l.em {
			j++
		}
		if j == len(l.g) || l.gapBefore(j) > 0.35*l.em {
			continue
		}
		vs := moneyVals(l, j, len(l.g))
		if len(vs) == 0 || len(vs[0].g) == 0 || vs[0].g[0] != l.g[j] || !reAmount.MatchString(vs[0].s) {
			continue
		}
		// The value's glyphs run on from the j-th.
		out = append(out, l.valOf(i+1, j+len(vs[0].g), vs[0].s))
	}
	return out
}

// ocrLines reports whether lines were read by OCR.
func ocrLines(lines []*line) bool { return len(lines) > 0 && lines[0].ocr }

// moneyVals lists the amounts printed in glyphs [from, to) of l, as
// moneyTokens does, each with its glyphs' box and confidence. A point
// read twice is one; read by OCR, a dash between digits with two after
// it is a point too (a dot-matrix point read as a stroke, ¥33913-90). A
// comma with two digits after it is a point (see pointed). Amounts are
// told apart by a gap wider than a third of the print's height, or, where
// the printer spaces its digits wider than that, by one wider than twice
// the gaps between its digits.
func moneyVals(l *line, from, to int) []val {
	var rs []rune
	var at []int
	apart := max(0.35*l.em, min(2*digitGap(l, from, to), 0.7*l.em))
	for i := from; i < to; i++ {
		if i > from && l.gapBefore(i) > apart && !strings.ContainsRune(".,", l.g[i].r) && !strings.ContainsRune(".,", l.g[i-1].r) {
			rs = append(rs, ' ')
			at = append(at, -1)
		}
		for _, r := range nfkc(string(l.g[i].r)) {
			if r == '.' && len(rs) > 0 && rs[len(rs)-1] == '.' {
				// A blurred point read twice (¥879..82).
				continue
			}
			rs = append(rs, r)
			at = append(at, i)
		}
	}
	s := pointed(string(rs))
	if l.ocr {
		s = unstruck(s)
	}
	var out []val
	for _, m := range reMoney.FindAllStringIndex(s, -1) {
		a, b := len([]rune(s[:m[0]])), len([]rune(s[:m[1]]))
		v := l.valOf(at[a], at[b-1]+1, strings.ReplaceAll(s[m[0]:m[1]], ",", ""))
		out = append(out, v)
	}
	return out
}

// digitGap is the median gap between two digits side by side in glyphs
// [from, to) of l, 0 where fewer than four pairs are.
func digitGap(l *line, from, to int) float64 {
	var gs []float64
	for i := from + 1; i < to; i++ {
		if isDigitGlyph(l.g[i-1].r) && isDigitGlyph(l.g[i].r) {
			gs = append(gs, l.gapBefore(i))
		}
	}
	if len(gs) < 4 {
		return 0
	}
	slices.Sort(gs)
	return gs[len(gs)/2]
}

// indexOfGlyph is the index in l.norm of the first rune of glyph gi.
func indexOfGlyph(l *line, gi int) int {
	for k, a := range l.at {
		if a == gi {
			return k
		}
	}
	return -1
}

// receiptDigits is a fiscal e-receipt's code or number: its digits only.
func receiptDigits(s string) string {
	s = stripSpaces(nfkc(s))
	if reDigits.MatchString(s) {
		return s
	}
	return ""
}

// readReceipt reads a fiscal e-receipt's (财政电子票据) own labels.
func readReceipt(lines []*line, p *Printed) {
	if hs := findLabels(lines, reReceiptCode, ""); len(hs) > 0 {
		p.Code = firstMatch(valueAfter(lines, hs[0], 10), receiptDigits).s
	}
	if hs := findLabels(lines, reReceiptNumber, ""); len(hs) > 0 {
		p.Number = firstMatch(valueAfter(lines, hs[0], 10), receiptDigits).s
	}
	if hs := findLabels(lines, reCheckLabel, ""); len(hs) > 0 && p.CheckCode == "" {
		p.CheckCode = firstMatch(valueAfter(lines, hs[0], 10), func(s string) string {
			s = stripSpaces(nfkc(s))
			if len(s) >= 4 && len(s) <= 20 {
				return s
			}
			return ""
		}).s
	}
	if p.Total == "" {
		for _, h := range findLabels(lines, reReceiptTotal, "") {
			if t := moneyTokens(firstMatch(valueAfter(lines, h, 12), func(s string) string { return s }).s); len(t) > 0 {
				p.Total = t[0]
				break
			}
		}
	}
}
