package document

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/fapiaoscanner/fapiao/core/money"
	"golang.org/x/text/unicode/norm"
)

// A page's text is read by position, not by the order the producer wrote it
// in: producers emit labels and values in any order (some write every label
// first, some interleave columns), but on the page a value always sits to
// the right of its label or just below it. The same reader serves PDF text
// layers and OFD text objects.

// glyph is one character with its box; y grows downwards and units are the
// format's own (points, millimetres): only ratios to the glyph size matter.
type glyph struct {
	r              rune
	x0, y0, x1, y1 float64
	// unsure is 1 minus an OCR engine's confidence in the character; 0 for
	// a text layer, which is exact.
	unsure float64
}

func (g glyph) h() float64  { return g.y1 - g.y0 }
func (g glyph) cy() float64 { return (g.y0 + g.y1) / 2 }

// pageText is the text of one page.
type pageText struct {
	glyphs []glyph
	w, h   float64
	// ocr is true for text an OCR engine read from a picture: values may
	// sit a little above their caption's line (dot-matrix print).
	ocr bool
}

// line is glyphs sharing a baseline, left to right, split into segments
// where a gap is wider than a character.
type line struct {
	g    []glyph
	segs [][2]int // [start, end) indexes into g
	y0   float64
	y1   float64
	em   float64 // median glyph height
	ocr  bool    // read by OCR
	// digitW is the median width of the line's digits other than 1 as
	// read by OCR, 0 when it has fewer than three (see gapBefore).
	digitW float64
	// norm is the line's text for matching: NFKC, whitespace removed;
	// at maps each of its runes back to an index in g.
	norm []rune
	at   []int
}

func (l *line) normText() string { return string(l.norm) }

// segOf returns the segment holding glyph i.
func (l *line) segOf(i int) int {
	for s, sg := range l.segs {
		if i >= sg[0] && i < sg[1] {
			return s
		}
	}
	return -1
}

// val is a value as read: its text, the box of the glyphs it came from and
// the reader's confidence (the least of its glyphs'; 1 for a text layer).
type val struct {
	s    string
	box  [4]float64 // x0, y0, x1, y1
	conf float64
	g    []glyph // the glyphs, for reading parts again
	// struck is true for an amount whose print a ruling line cuts
	// (see acrossRule): it is read with the line taken out.
	struck bool
}

// val is the text of glyphs [from, to) with their box and confidence.
func (l *line) val(from, to int) val {
	return l.valOf(from, to, l.text(from, to))
}

func (l *line) valOf(from, to int, s string) val {
	v := val{s: s, conf: 1, box: [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}}
	for i := max(from, 0); i < min(to, len(l.g)); i++ {
		g := l.g[i]
		v.g = append(v.g, g)
		if unicode.IsSpace(g.r) {
			continue
		}
		v.box = [4]float64{min(v.box[0], g.x0), min(v.box[1], g.y0), max(v.box[2], g.x1), max(v.box[3], g.y1)}
		v.conf = min(v.conf, 1-g.unsure)
	}
	if v.box[0] > v.box[2] {
		v.box = [4]float64{}
	}
	return v
}

// join joins values read apart (年, 月 and 日 drawn apart from the digits).
func join(vs []val, sep string) val {
	var ss []string
	out := val{conf: 1}
	for i, v := range vs {
		ss = append(ss, v.s)
		out.g = append(out.g, v.g...)
		out.conf = min(out.conf, v.conf)
		if i == 0 {
			out.box = v.box
		} else {
			out.box = [4]float64{min(out.box[0], v.box[0]), min(out.box[1], v.box[1]), max(out.box[2], v.box[2]), max(out.box[3], v.box[3])}
		}
	}
	out.s = strings.Join(ss, sep)
	return out
}

func (l *line) text(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from && l.gapBefore(i) > 0.35*l.em && !unicode.IsSpace(l.g[i].r) && !unicode.IsSpace(l.g[i-1].r) {
			b.WriteByte(' ')
		}
		b.WriteRune(l.g[i].r)
	}
	return cleanSpaces(b.String())
}

// cleanSpaces collapses runs of white space (ideographic spaces included)
// and trims.
func cleanSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// lightNorm maps the compatibility forms some producers embed (Kangxi
// radicals such as ⼦ for 子, compatibility ideographs) to the ordinary
// characters, and leaves everything else — full-width brackets in company
// names among it — as printed.
func lightNorm(r rune) rune {
	if (r >= 0x2F00 && r <= 0x2FDF) || (r >= 0xF900 && r <= 0xFAFF) || r == 0x2E8B || r == 0x2EC5 {
		if s := norm.NFKC.String(string(r)); len([]rune(s)) == 1 {
			return []rune(s)[0]
		}
	}
	return r
}

// buildLines groups a page's glyphs into lines, top to bottom.
func buildLines(pt pageText) []*line {
	var gs []glyph
	for _, g := range pt.glyphs {
		if g.r == 0 || unicode.IsControl(g.r) || g.h() <= 0 || math.IsNaN(g.x0+g.y0+g.x1+g.y1) {
			continue
		}
		if g.x1 < g.x0 {
			g.x1 = g.x0
		}
		g.r = lightNorm(g.r)
		gs = append(gs, g)
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].cy() < gs[j].cy() })
	var lines []*line
	var cur *line
	var sumCY float64
	for _, g := range gs {
		if cur != nil {
			mean := sumCY / float64(len(cur.g))
			tol := max(g.h(), cur.em)
			if pt.ocr {
				// Boxes of OCR'd glyphs are tight: a title's large
				// characters must not pull two lines of small ones into one.
				tol = min(g.h(), cur.em)
			}
			if math.Abs(g.cy()-mean) < 0.45*tol {
				cur.g = append(cur.g, g)
				sumCY += g.cy()
				cur.y0, cur.y1 = min(cur.y0, g.y0), max(cur.y1, g.y1)
				cur.em = max(cur.em, g.h()*0.6)
				continue
			}
		}
		cur = &line{g: []glyph{g}, y0: g.y0, y1: g.y1, em: g.h(), ocr: pt.ocr}
		sumCY = g.cy()
		lines = append(lines, cur)
	}
	for _, l := range lines {
		l.finish()
	}
	return lines
}

func (l *line) finish() {
	sort.SliceStable(l.g, func(i, j int) bool { return l.g[i].x0 < l.g[j].x0 })
	if l.ocr {
		var ws []float64
		for _, g := range l.g {
			if g.r >= '0' && g.r <= '9' && g.r != '1' {
				ws = append(ws, g.x1-g.x0)
			}
		}
		if sort.Float64s(ws); len(ws) >= 3 {
			l.digitW = ws[len(ws)/2]
		}
	}
	hs := make([]float64, 0, len(l.g))
	for _, g := range l.g {
		if !unicode.IsSpace(g.r) {
			hs = append(hs, g.h())
		}
	}
	sort.Float64s(hs)
	if len(hs) > 0 {
		l.em = hs[len(hs)/2]
	}
	start := 0
	for i := 1; i <= len(l.g); i++ {
		if i == len(l.g) || l.g[i].x0-l.g[i-1].x1 > 1.1*max(l.em, min(l.g[i].h(), l.g[i-1].h())) {
			l.segs = append(l.segs, [2]int{start, i})
			start = i
		}
	}
	for i, g := range l.g {
		for _, r := range norm.NFKC.String(string(g.r)) {
			if unicode.IsSpace(r) {
				continue
			}
			l.norm = append(l.norm, r)
			l.at = append(l.at, i)
		}
	}
}

// gapBefore is the white space between glyphs i-1 and i of l. A digit
// read by OCR counts as wide as the line's digits mostly are: the engine
// boxes a blurred 7 by its stem alone, which leaves gaps beside it that
// the print does not have (¥7 60.50 for ¥760.50).
func (l *line) gapBefore(i int) float64 {
	a, b := l.g[i-1], l.g[i]
	x1, x0 := a.x1, b.x0
	if l.digitW > 0 {
		if a.r >= '0' && a.r <= '9' && a.x1-a.x0 < l.digitW {
			x1 = (a.x0 + a.x1 + l.digitW) / 2
		}
		if b.r >= '0' && b.r <= '9' && b.x1-b.x0 < l.digitW {
			x0 = (b.x0 + b.x1 - l.digitW) / 2
		}
	}
	return x0 - x1
}

// hit is a label found on a line: glyphs [from, to) of line li.
type hit struct {
	li       int
	from, to int
}

// findLabels finds every occurrence of a label pattern (on the normalized
// text) that starts a phrase: at the start of the line, after white space or
// a gap, or after one of the characters in after (the vertical 购买方 / 销售方
// captions, the slash of 统一社会信用代码/纳税人识别号).
func findLabels(lines []*line, re *regexp.Regexp, after string) []hit {
	var out []hit
	for li, l := range lines {
		s := l.normText()
		for _, m := range re.FindAllStringIndex(s, -1) {
			from := len([]rune(s[:m[0]]))
			to := len([]rune(s[:m[1]]))
			if to == 0 || from >= len(l.at) {
				continue
			}
			gi := l.at[from]
			if from > 0 {
				prev := l.norm[from-1]
				pg := l.at[from-1]
				spaced := gi-pg > 1 || l.g[gi].x0-l.g[pg].x1 > 0.6*l.em
				if !spaced && !strings.ContainsRune(after, prev) {
					continue
				}
			}
			out = append(out, hit{li: li, from: gi, to: l.at[to-1] + 1})
		}
	}
	return out
}

// valueAfter lists the candidate values for a label, best first: the rest of
// its segment, the next segments on its line (the first within firstGap
// ems), then segments on the next lines that start under or right of it.
func valueAfter(lines []*line, h hit, firstGap float64) []val {
	l := lines[h.li]
	var out []val
	s := l.segOf(h.to - 1)
	if s < 0 {
		return nil
	}
	var row []val
	if rest := trimLabelTail(l.text(h.to, l.segs[s][1])); rest != "" {
		row = append(row, l.valOf(h.to, l.segs[s][1], rest))
	}
	prevEnd := l.g[h.to-1].x1
	for n := s + 1; n < len(l.segs); n++ {
		sg := l.segs[n]
		if l.g[sg[0]].x0-prevEnd > firstGap*l.em {
			break
		}
		row = append(row, l.valOf(sg[0], sg[1], trimLabelTail(l.text(sg[0], sg[1]))))
		prevEnd = l.g[sg[1]-1].x1
	}
	out = append(out, row...)
	// A value filled into a form with spaced cells (one character a box)
	// is as many segments: they are also read together.
	if len(row) > 1 {
		out = append(out, join(row, ""))
	}
	// A value filled in over a template may sit a little above its
	// caption's baseline, on a line of its own that still overlaps the
	// caption's: its segments right of the caption come next. Lines go by
	// their middles, so a short mark between them (a dash, a speck) may
	// end above the caption's top while the value's line overlaps it.
	end := l.g[h.to-1].x1
	for n := h.li - 1; n >= 0 && (lines[n].y0+lines[n].y1)/2 > l.y0-l.em; n-- {
		a := lines[n]
		if a.y1 <= l.y0+0.15*l.em {
			continue
		}
		for _, sg := range a.segs {
			if gx := a.g[sg[0]].x0; gx >= end-0.5*l.em && gx-end <= firstGap*l.em {
				out = append(out, a.valOf(sg[0], sg[1], trimLabelTail(a.text(sg[0], sg[1]))))
			}
		}
	}
	x0 := l.g[h.from].x0 - 1.5*l.em
	x1 := l.g[h.to-1].x1 + 14*l.em
	for n := h.li + 1; n < len(lines); n++ {
		b := lines[n]
		if b.y0-l.y1 > 2.2*l.em {
			break
		}
		type cand struct {
			d float64
			t val
		}
		var cs []cand
		for _, sg := range b.segs {
			gx0, gx1 := b.g[sg[0]].x0, b.g[sg[1]-1].x1
			if gx1 < x0 || gx0 > x1 {
				continue
			}
			cs = append(cs, cand{math.Abs(gx0 - l.g[h.to-1].x1), b.val(sg[0], sg[1])})
		}
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
		for _, c := range cs {
			out = append(out, c.t)
		}
	}
	return out
}

// trimLabelTail drops the colon and spaces between a label and its value.
func trimLabelTail(s string) string {
	return strings.TrimSpace(strings.TrimLeft(s, ":： \u3000"))
}

var (
	// OCR drops a caption's first character now and then (开 of 开票日期
	// most often): the rest is still distinctive.
	reCodeLabel   = regexp.MustCompile(`发?票?代码:?`)
	reNumberLabel = regexp.MustCompile(`发?票?号码:?`)
	// A paper invoice prints its number after № with no caption (NFKC
	// makes the sign No; OCR reads it as No or NO, its o now and then as
	// a zero or a degree sign).
	reNumeroLabel = regexp.MustCompile(`N[oO0º°]\.?:?`)
	reDateLabel   = regexp.MustCompile(`开?票日期:?`)
	reCheckLabel  = regexp.MustCompile(`校验码:?`)
	reNameLabel   = regexp.MustCompile(`名称:`)
	// Railway e-tickets caption the buyer's ID 统一社会信用代码: alone.
	reTaxIDLabel = regexp.MustCompile(`(统一社会信用代码/)?纳税人识别号:?|统一社会信用代码:`)
	reSumLabel   = regexp.MustCompile(`合计`)
	// What OCR makes of the captions it misreads most: 合 of 合计 as "=",
	// 名称 without its colon or, with it, without its 名 (the engine
	// puts a 名 spaced wide from its 称 on a line of its own beside a
	// taller 销 or 购), 纳税人识别号 missing characters.
	reOCRSumLabel   = regexp.MustCompile(`合?计`)
	reOCRNameLabel  = regexp.MustCompile(`名称:?|称:`)
	reOCRTaxIDLabel = regexp.MustCompile(`(统一社会信用代码/)?(纳?税?人?识别号|纳税人识别?号?):?|统一社会信用代码:`)
	reOCRCheckLabel = regexp.MustCompile(`校?验码:?|校码:?`)
	reOCRTotalRow   = regexp.MustCompile(`价?税合计`)
	reTotalLabel    = regexp.MustCompile(`\(?小写\)?`)
	// Tickets print the fare (including tax; a refund's ticket the fee)
	// and, on some, its amount and tax under captions of their own, each
	// with its colon.
	reFareLabel      = regexp.MustCompile(`票价:|退票费:`)
	reTicketAmount   = regexp.MustCompile(`(不含税)?金额:`)
	reTicketTaxLabel = regexp.MustCompile(`税额:`)
	reTitle          = regexp.MustCompile(`发票|票据|客票|行程单`)
	reHeaderLabel    = regexp.MustCompile(`项目名称|货物或应税劳务|服务名称|货物\(劳务\)名称|商品名称`)
	// Receipts (财政电子票据) label their fields differently.
	reReceiptCode   = regexp.MustCompile(`票据代码:?`)
	reReceiptNumber = regexp.MustCompile(`票据号码:?`)
	reReceiptTotal  = regexp.MustCompile(`金额合计\(小写\)|\(小写\)`)

	reCodeValue   = regexp.MustCompile(`^\d{10}(\d{2})?$`)
	reNumberValue = regexp.MustCompile(`^(\d{8}|\d{20})$`)
	reDigits      = regexp.MustCompile(`^\d+$`)
	reShortCheck  = regexp.MustCompile(`^[0-9a-fA-F]{5}$`)
	reTaxIDValue  = regexp.MustCompile(`[0-9A-Z]{15,20}`)
	reMoney       = regexp.MustCompile(`-?\d[\d,]*(\.\d+)?|\*{3}`)
	reDateValue   = regexp.MustCompile(`(\d{4})\s*[年\-./\s]\s*(\d{1,2})\s*[月\-./\s]\s*(\d{1,2})`)
)

// A ruling line before a caption reads as |.
const sideCaptions = "购销买售方信息/|"

// firstMatch returns the first candidate that clean accepts, cleaned.
func firstMatch(cands []val, clean func(string) string) val {
	for _, c := range cands {
		if v := clean(c.s); v != "" {
			c.s = v
			return c
		}
	}
	return val{}
}

func cleanCode(s string) string {
	s = stripSpaces(nfkc(s))
	if reCodeValue.MatchString(s) {
		return s
	}
	return ""
}

// cleanOCRCode reads an invoice code as cleanCode does, but only one an
// invoice can carry (see codeCarried): OCR finds other runs of 10 or 12
// digits about the header, a 机器编号 or a number run into the digits
// beside it, that no tax bureau issues.
func cleanOCRCode(s string) string {
	if c := cleanCode(s); c != "" && codeCarried(c) {
		return c
	}
	return ""
}

func cleanNumber(s string) string {
	s = stripSpaces(nfkc(s))
	if reNumberValue.MatchString(s) {
		return s
	}
	return ""
}

// cleanCheck reads the 20-digit check code of tax-control invoices.
func cleanCheck(s string) string {
	s = stripSpaces(nfkc(s))
	if len(s) == 20 && reDigits.MatchString(s) {
		return s
	}
	return ""
}

// cleanShortCheck reads the five hex characters Shenzhen's blockchain
// invoices print as their check code (e9052), as printed. Five digits are
// also a group of a 20-digit code, so this is tried only on a caption's own
// value and only where no 20-digit code was found.
func cleanShortCheck(s string) string {
	s = stripSpaces(nfkc(s))
	if reShortCheck.MatchString(s) {
		return s
	}
	return ""
}

// cleanAnyCheck reads a check code given as data, exact: either kind.
func cleanAnyCheck(s string) string {
	if c := cleanCheck(s); c != "" {
		return c
	}
	return cleanShortCheck(s)
}

func cleanTaxID(s string) string {
	s = strings.ToUpper(stripSpaces(nfkc(s)))
	m := reTaxIDValue.FindString(s)
	if m == "" || len(m) != len(s) {
		return ""
	}
	return m
}

func cleanName(s string) string {
	s = cleanSpaces(s)
	// A label is not a value.
	n := stripSpaces(nfkc(s))
	// Nor is a taxpayer ID on the line below.
	if n == "" || strings.HasSuffix(n, ":") || strings.Contains(n, "纳税人识别号") || strings.Contains(n, "名称:") || cleanTaxID(n) != "" {
		return ""
	}
	return s
}

// cleanDate reads 2018年09月21日, 2018-09-21 or 2018/9/21 as YYYY-MM-DD.
func cleanDate(s string) string {
	m := reDateValue.FindStringSubmatch(nfkc(s))
	if m == nil {
		return ""
	}
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	if y < 1990 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return ""
	}
	return pad4(y) + "-" + pad2(mo) + "-" + pad2(d)
}

// moneyTokens lists the amounts in s as decimal text: "¥1,234.50" gives
// "1234.50", "¥380,74" 380.74 (see pointed); "***" is kept.
func moneyTokens(s string) []string {
	var out []string
	for _, m := range reMoney.FindAllString(pointed(nfkc(s)), -1) {
		out = append(out, strings.ReplaceAll(m, ",", ""))
	}
	return out
}

// reCommaPoint is a decimal point printed, or read by OCR, as a comma:
// two digits after it and no more, where a thousands' comma has three.
var reCommaPoint = regexp.MustCompile(`(\d),(\d{2})($|[^\d.,])`)

// pointed is s with each point printed as a comma (see reCommaPoint) a
// point, as many characters long as s.
func pointed(s string) string { return reCommaPoint.ReplaceAllString(s, "$1.$2$3") }

func nfkc(s string) string { return norm.NFKC.String(s) }

func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func pad2(n int) string { return string([]byte{byte('0' + n/10%10), byte('0' + n%10)}) }
func pad4(n int) string { return pad2(n/100) + pad2(n%100) }

// readLayout reads the printed values of one page.
func readLayout(pt pageText) Printed {
	p, _ := readFields(pt)
	return p
}

// Field keys of the values read, as Printed's JSON names.
const (
	keyKind        = "kind"
	keyCode        = "code"
	keyNumber      = "number"
	keyDate        = "date"
	keyCheck       = "check_code"
	keyBuyerName   = "buyer_name"
	keyBuyerTaxID  = "buyer_tax_id"
	keySellerName  = "seller_name"
	keySellerTaxID = "seller_tax_id"
	keyAmount      = "amount"
	keyTax         = "tax"
	keyTotal       = "total"
)

// readFields reads the printed values of one page, and for each the glyphs
// it came from: where it is on the page, how sure the reader was.
func readFields(pt pageText) (Printed, map[string]val) {
	lines := buildLines(pt)
	vs := map[string]val{}
	set := func(k string, v val) string {
		if v.s != "" {
			vs[k] = v
		}
		return v.s
	}
	// seen keeps, for OCR'd text, where a caption's value is when it was
	// not read cleanly: it is read again there.
	seen := func(k string, cands []val) {
		if _, ok := vs[k]; !ok && pt.ocr && len(cands) > 0 && cands[0].box != [4]float64{} {
			v := cands[0]
			v.s = ""
			vs[k] = v
		}
	}
	reCheck, reName, reTaxID, reSum := reCheckLabel, reNameLabel, reTaxIDLabel, reSumLabel
	if pt.ocr {
		reCheck, reName, reTaxID, reSum = reOCRCheckLabel, reOCRNameLabel, reOCRTaxIDLabel, reOCRSumLabel
	}
	var p Printed
	p.Kind = title(lines)
	p.TypeCode = typeFromTitle(p.Kind)
	cleanC := cleanCode
	if pt.ocr {
		cleanC = cleanOCRCode
	}
	if hs := findLabels(lines, reCodeLabel, ""); len(hs) > 0 {
		cands := valueAfter(lines, hs[0], 10)
		p.Code = set(keyCode, firstMatch(cands, cleanC))
		seen(keyCode, cands)
	}
	// The number's own caption first; the № of a paper form where no
	// caption gave one.
	for _, h := range append(findLabels(lines, reNumberLabel, ""), findLabels(lines, reNumeroLabel, "")...) {
		cands := valueAfter(lines, h, 10)
		if p.Number = set(keyNumber, firstMatch(cands, cleanNumber)); p.Number != "" {
			break
		}
		seen(keyNumber, cands)
	}
	for _, h := range findLabels(lines, reDateLabel, "") {
		// 年, 月 and 日 are sometimes drawn apart from the digits, which are
		// then three values in a row.
		cands := valueAfter(lines, h, 10)
		// Where it is to be read again is all of it that is on its row.
		row := cands[:min(1, len(cands))]
		for _, c := range cands[min(1, len(cands)):min(3, len(cands))] {
			if c.box[1] < row[0].box[3] && c.box[3] > row[0].box[1] && c.box[0] > row[len(row)-1].box[2] {
				row = append(row, c)
			}
		}
		if len(cands) > 1 {
			cands = append(cands[:1:1], append([]val{join(cands[:min(3, len(cands))], " ")}, cands[1:]...)...)
		}
		if p.Date = set(keyDate, firstMatch(cands, cleanDate)); p.Date != "" {
			break
		}
		if len(row) > 1 {
			cands = []val{join(row, " ")}
		}
		seen(keyDate, cands)
	}
	if hs := findLabels(lines, reCheck, ""); len(hs) > 0 {
		cands := valueAfter(lines, hs[0], 10)
		p.CheckCode = set(keyCheck, firstMatch(cands, cleanCheck))
		if p.CheckCode == "" && !pt.ocr && len(cands) > 0 && cands[0].g != nil && cands[0].g[0].y0 < lines[hs[0].li].y1 {
			p.CheckCode = set(keyCheck, firstMatch(cands[:1], cleanShortCheck))
		}
		seen(keyCheck, cands)
	}
	if pt.ocr {
		shapedValues(lines, &p, vs)
	}
	names := findLabels(lines, reName, sideCaptions)
	ids := findLabels(lines, reTaxID, sideCaptions)
	if len(ids) == 2 {
		// Side by side (数电), the buyer's on the left, though a tilted
		// photo's line through it may be read below the seller's.
		a, b := lines[ids[0].li], lines[ids[1].li]
		if math.Abs(a.y0-b.y0) < 1.5*math.Max(a.em, b.em) && b.g[ids[1].from].x0 < a.g[ids[0].from].x0 {
			ids[0], ids[1] = ids[1], ids[0]
		}
	}
	// A name follows its caption closely; but a caption spread over its
	// cell (名　　称　：) ends in a colon OCR often loses, and the name is
	// then as far from the 称 as the colon's cell is wide.
	nameGap := 4.0
	if pt.ocr {
		nameGap = 10
	}
	if pt.ocr {
		// OCR loses a caption now and then: each party's name is the one
		// over its own taxpayer ID's caption, not the first or second
		// found on the page.
		pn := partyNames(lines, names, ids, nameGap)
		p.BuyerName, p.SellerName = set(keyBuyerName, pn[0]), set(keySellerName, pn[1])
	} else {
		if len(names) > 0 {
			p.BuyerName = set(keyBuyerName, firstMatch(valueAfter(lines, names[0], nameGap), cleanName))
		}
		if len(names) > 1 {
			p.SellerName = set(keySellerName, firstMatch(valueAfter(lines, names[1], nameGap), cleanName))
		}
	}
	cleanID := cleanTaxID
	if pt.ocr {
		cleanID = cleanOCRTaxID
	}
	if len(ids) > 0 {
		cands := valueAfter(lines, ids[0], 10)
		p.BuyerTaxID = set(keyBuyerTaxID, firstMatch(cands, cleanID))
		seen(keyBuyerTaxID, cands)
	}
	if len(ids) > 1 {
		cands := valueAfter(lines, ids[1], 10)
		p.SellerTaxID = set(keySellerTaxID, firstMatch(cands, cleanID))
		seen(keySellerTaxID, cands)
	}
	if pt.ocr {
		fillTaxIDs(&p, vs, taxIDsByShape(lines))
	}
	// Where the 名称 caption is not in the text layer (drawn as a path, or in
	// a font without a character map), the name is the line above the
	// taxpayer ID's caption.
	if p.BuyerName == "" && len(ids) > 0 {
		p.BuyerName = set(keyBuyerName, nameAbove(lines, ids[0]))
	}
	if p.SellerName == "" && len(ids) > 1 {
		p.SellerName = set(keySellerName, nameAbove(lines, ids[1]))
	}
	readSums(lines, reSum, &p, vs)
	amountAsTotal(lines, &p, vs)
	readFare(lines, &p, vs)
	if p.Kind != "" && strings.Contains(p.Kind, "票据") {
		readReceipt(lines, &p)
	}
	p.Items = readItems(lines)
	return p, vs
}

// partyNames reads, in OCR'd text, the names of the parties whose
// taxpayer ID captions are ids: each after the 名称 caption over its ID's
// in its block (on one of the two lines above, starting where it starts),
// else on the line above its ID's caption when that 名称 was lost. A 名称
// caption on the ID's own line (a railway ticket's 购买方名称: beside its
// 统一社会信用代码:) is the name's too. A party whose ID caption was lost
// takes the 名称 captions left, in order.
func partyNames(lines []*line, names, ids []hit, gap float64) [2]val {
	var out [2]val
	used := make([]bool, len(names))
	after := func(n hit) val {
		if v := nameRow(lines, n); v.s != "" {
			return v
		}
		return firstMatch(valueAfter(lines, n, gap), cleanName)
	}
	for i, id := range ids[:min(2, len(ids))] {
		l := lines[id.li]
		paired, beside := false, false
		for j, n := range names {
			nl := lines[n.li]
			em := math.Max(l.em, nl.em)
			over := n.li < id.li && l.y0-nl.y1 < 2.2*em && math.Abs(nl.g[n.from].x0-l.g[id.from].x0) < 3*em
			beside = beside || n.li == id.li
			if !used[j] && (over || n.li == id.li && n.to <= id.from) {
				used[j], paired = true, true
				out[i] = after(n)
				break
			}
		}
		if !paired && !beside {
			out[i] = nameAbove(lines, id)
		}
	}
	j := 0
	for i := len(ids); i < 2; i++ {
		for j < len(names) && used[j] {
			j++
		}
		if j < len(names) {
			used[j] = true
			out[i] = after(names[j])
		}
	}
	return out
}

// nameRow is the name after caption h on its line, read whole: OCR splits
// a name where the print spaces its characters a little wider, and its
// first piece alone (广东 of 广东嘉禾商贸有限公司) would be taken for it.
// The name runs to the first gap of three characters or to the next
// caption.
func nameRow(lines []*line, h hit) val {
	l := lines[h.li]
	end := h.to
	for end < len(l.g) && (end == h.to || l.g[end].x0-l.g[end-1].x1 < 3*l.em) && l.g[end].r != ':' && l.g[end].r != '：' {
		end++
	}
	t := trimLabelTail(l.text(h.to, end))
	if v := cleanName(t); v == "" || hanCount(v) < 2 {
		return val{}
	}
	return l.valOf(h.to, end, t)
}

// taxIDsByShape finds, in OCR'd text, the taxpayer IDs whose caption
// was lost (纳税人识别号 is long, and read with a character or two missing
// now and then): runs of 18 letters and digits whose check characters
// hold, which a misreading almost never keeps, top to bottom, left to
// right. The caption's last letter read onto the ID is left out.
func taxIDsByShape(lines []*line) []val {
	idRune := func(c rune) bool { return c < 0x80 && (unicode.IsDigit(c) || unicode.IsLetter(c)) }
	var out []val
	for _, l := range lines {
		for i := 0; i < len(l.g); i++ {
			if !idRune(l.g[i].r) {
				continue
			}
			j := i + 1
			for j < len(l.g) && idRune(l.g[j].r) && l.g[j].x0-l.g[j-1].x1 < 0.8*l.em {
				j++
			}
			for _, from := range []int{i, j - 18} {
				if from < i || from > i && !unicode.IsLetter(l.g[from-1].r) {
					// A longer run of digits is a bank account.
					continue
				}
				if v := l.val(from, j); cleanOCRTaxID(v.s) != "" {
					v.s = cleanOCRTaxID(v.s)
					out = append(out, v)
					break
				}
			}
			i = j - 1
		}
	}
	return out
}

// fillTaxIDs puts the taxpayer IDs found by their shape where no caption
// gave one: where a caption's value was seen but not read, when it is that
// value; else the buyer's first, then the seller's (which party's each
// is, is for its place on the form to say). A caption's value seen is not
// given away: it is read again where it is.
func fillTaxIDs(p *Printed, vs map[string]val, ids []val) {
	at := map[string]*string{keyBuyerTaxID: &p.BuyerTaxID, keySellerTaxID: &p.SellerTaxID}
	for _, v := range ids {
		if v.s == p.BuyerTaxID || v.s == p.SellerTaxID {
			continue
		}
		slot := ""
		for _, k := range []string{keyBuyerTaxID, keySellerTaxID} {
			if w, ok := vs[k]; ok && w.s == "" && overlaps(w.box, v.box) {
				slot = k
				break
			}
		}
		for _, k := range []string{keyBuyerTaxID, keySellerTaxID} {
			if _, ok := vs[k]; !ok && slot == "" {
				slot = k
			}
		}
		if slot != "" {
			*at[slot], vs[slot] = v.s, v
		}
	}
}

// overlaps reports whether boxes a and b share some of the page.
func overlaps(a, b [4]float64) bool {
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

// sameBox reports whether boxes a and b (x0, y0, x1, y1) are one: they
// overlap over more than half the smaller one.
func sameBox(a, b [4]float64) bool {
	w := math.Min(a[2], b[2]) - math.Max(a[0], b[0])
	h := math.Min(a[3], b[3]) - math.Max(a[1], b[1])
	if w <= 0 || h <= 0 {
		return false
	}
	area := func(r [4]float64) float64 { return (r[2] - r[0]) * (r[3] - r[1]) }
	return w*h > 0.5*math.Min(area(a), area(b))
}

// nameAbove finds a name on the line just above a taxpayer ID caption,
// starting under or right of the caption.
func nameAbove(lines []*line, h hit) val {
	l := lines[h.li]
	x0, x1 := l.g[h.from].x0-l.em, l.g[h.to-1].x1+10*l.em
	for n := h.li - 1; n >= 0 && l.y0-lines[n].y1 < 2.2*l.em; n-- {
		a := lines[n]
		for _, sg := range a.segs {
			// The party's side caption (a 买 of 购买方) may begin the
			// segment left of the ID's caption: the name begins after it.
			from := sg[0]
			for from < sg[1] && a.g[from].x0 < x0 && strings.ContainsRune(sideCaptions, a.g[from].r) {
				from++
			}
			if from == sg[1] || a.g[from].x0 > x1 {
				continue
			}
			t := trimLabelTail(a.text(from, sg[1]))
			t = strings.TrimSpace(strings.TrimPrefix(stripSpacesPrefix(t, "名称"), ":"))
			// A caption's character left alone (名 of a 名称 misread) is
			// not a name: a name has two characters at least.
			if v := cleanName(t); v != "" && hanCount(v) >= 2 {
				return a.valOf(from, sg[1], v)
			}
		}
	}
	return val{}
}

// hanCount is how many Chinese characters s has.
func hanCount(s string) int {
	n := 0
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			n++
		}
	}
	return n
}

// stripSpacesPrefix drops a caption written with spaces ("名 称") from s.
func stripSpacesPrefix(s, caption string) string {
	rs := []rune(s)
	k := 0
	for _, c := range caption {
		for k < len(rs) && unicode.IsSpace(rs[k]) {
			k++
		}
		if k >= len(rs) || rs[k] != c {
			return s
		}
		k++
	}
	return strings.TrimLeft(string(rs[k:]), " :：\u3000")
}

// title finds the invoice's title: the biggest print near the top of the
// page that names a kind of invoice. Smaller glyphs on the same line (a seal's
// ring of characters drawn across the title) are left out.
func title(lines []*line) string {
	if len(lines) == 0 {
		return ""
	}
	top, bottom := lines[0].y0, lines[len(lines)-1].y1
	best, bestH := "", 0.0
	for _, l := range lines {
		if l.y0 > top+0.45*(bottom-top) {
			continue
		}
		for _, sg := range l.segs {
			maxH := 0.0
			for i := sg[0]; i < sg[1]; i++ {
				if !unicode.IsSpace(l.g[i].r) {
					maxH = max(maxH, l.g[i].h())
				}
			}
			var b strings.Builder
			n := 0
			for i := sg[0]; i < sg[1]; i++ {
				if g := l.g[i]; !unicode.IsSpace(g.r) && g.h() >= 0.75*maxH {
					b.WriteRune(g.r)
					n++
				}
			}
			t := b.String()
			if n < 4 || !reTitle.MatchString(nfkc(t)) {
				continue
			}
			if maxH > bestH*1.05 {
				best, bestH = titleText(t), maxH
			}
		}
	}
	return best
}

// titleText cuts what follows a title on its segment (发票号码: … when the
// producer set them close together).
func titleText(t string) string {
	t = stripSpaces(t)
	for _, cut := range []string{"发票号码", "发票代码", "开票日期", "No", "NO"} {
		if i := strings.Index(t, cut); i > 0 {
			t = t[:i]
		}
	}
	return t
}

// typeFromTitle maps a printed title to the QR type code it implies.
func typeFromTitle(t string) string {
	n := nfkc(t)
	switch {
	case n == "":
		return ""
	case strings.Contains(n, "铁路电子客票"):
		return "51"
	case strings.Contains(n, "航空运输电子客票行程单"):
		return "61"
	case strings.Contains(n, "电子发票(增值税专用发票)"):
		return "31"
	case strings.Contains(n, "电子发票(普通发票)"):
		return "32"
	case strings.Contains(n, "电子发票(机动车销售统一发票)"):
		return "33"
	case strings.Contains(n, "电子发票(二手车销售统一发票)"):
		return "34"
	case strings.Contains(n, "增值税电子专用发票"):
		return "20"
	case strings.Contains(n, "增值税电子普通发票"):
		return "10"
	case strings.Contains(n, "卷票"):
		return "11"
	case strings.Contains(n, "增值税专用发票"):
		return "01"
	case strings.Contains(n, "增值税普通发票"):
		return "04"
	case strings.Contains(n, "机动车销售统一发票"):
		return "03"
	case strings.Contains(n, "二手车销售统一发票"):
		return "15"
	}
	return ""
}

func parseMoney(s string) (money.Decimal, error) { return money.Parse(s) }
