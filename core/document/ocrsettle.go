package document

import (
	"context"
	"image"
	"image/color"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// ocrField is a value read again in its own box.
type ocrField struct {
	key     string
	charset ocr.Charset
	clean   func(string) string
	at      func(*Printed) *string
	// qr is the QR code's value of the field, "" when it carries none.
	qr func(q *payload.Result, p *Printed) []string
}

var ocrFields = []ocrField{
	{keyCode, ocr.Digits, cleanCode, func(p *Printed) *string { return &p.Code }, func(q *payload.Result, _ *Printed) []string { return []string{q.Code} }},
	{keyNumber, ocr.Digits, cleanNumber, func(p *Printed) *string { return &p.Number }, func(q *payload.Result, _ *Printed) []string { return []string{q.Number} }},
	{keyDate, ocr.Date, cleanReadDate, func(p *Printed) *string { return &p.Date }, func(q *payload.Result, _ *Printed) []string { return []string{q.Date.String()} }},
	{keyCheck, ocr.Digits, cleanCheck, func(p *Printed) *string { return &p.CheckCode }, func(q *payload.Result, _ *Printed) []string { return []string{q.CheckCode} }},
	{keyAmount, ocr.Amount, cleanAmount, func(p *Printed) *string { return &p.Amount }, qrAmountAs(payload.PreTax)},
	{keyTax, ocr.Amount, cleanAmount, func(p *Printed) *string { return &p.Tax }, nil},
	{keyTotal, ocr.Amount, cleanAmount, func(p *Printed) *string { return &p.Total }, qrAmountAs(payload.InclTax)},
	{keyBuyerTaxID, ocr.TaxID, cleanOCRTaxID, func(p *Printed) *string { return &p.BuyerTaxID }, nil},
	{keySellerTaxID, ocr.TaxID, cleanOCRTaxID, func(p *Printed) *string { return &p.SellerTaxID }, func(q *payload.Result, _ *Printed) []string { return []string{q.SellerTaxID} }},
	{keyBuyerName, ocr.Text, cleanOCRBuyerName, func(p *Printed) *string { return &p.BuyerName }, nil},
	{keySellerName, ocr.Text, cleanOCRSellerName, func(p *Printed) *string { return &p.SellerName }, nil},
}

// qrAmountAs gives the QR code's amount for the field it is where the
// code's type says it means m (or does not say): a 税控 code's amount is
// the 合计 row's, before tax, and confirms no total. A dot-matrix offset
// sets that row's amount just above (小写), where the total was looked
// for: confirmed by the code, it was read as the total.
func qrAmountAs(m payload.AmountMeaning) func(*payload.Result, *Printed) []string {
	return func(q *payload.Result, _ *Printed) []string {
		if !q.HasAmount || q.AmountMeaning != "" && q.AmountMeaning != m {
			return nil
		}
		return []string{q.Amount.String()}
	}
}

// reading is one reading of a value.
type reading struct {
	s    string
	conf float64
}

// settle reads field f again in the box where the layout reader found it,
// and decides what was printed there and how sure that is.
func (r *paperReader) settle(f ocrField, v val) (got string, conf float64) {
	var qr []string
	if r.hint != nil && f.qr != nil {
		for _, s := range f.qr(r.hint, nil) {
			if s != "" {
				qr = append(qr, s)
			}
		}
	}
	clean := f.clean
	if f.key == keyNumber && r.hint != nil && r.hint.Number != "" {
		// A 税控 number has 8 digits, a 数电 one 20: a value of the other
		// length beside the caption is another field (a 税控 form's
		// 20-digit check code on the line below), never this number read.
		n := len(r.hint.Number)
		clean = func(s string) string {
			if c := f.clean(s); len(c) == n {
				return c
			}
			return ""
		}
	}
	// A total that is the amount plus the tax, both read, is confirmed
	// by the paper as a QR value would be.
	sum, confirm := "", qr
	if f.key == keyTotal && r.sum != "" {
		sum, confirm = r.sum, append(slices.Clone(qr), r.sum)
	}
	rs := []reading{{clean(v.s), v.conf}}
	// lost are the amount's readings with no point, the point put back
	// (see appendPointLost): the sums' own to choose from.
	var lost []reading
	if f.charset == ocr.Amount {
		lost = appendPointLost(lost, v.s, v.conf)
	}
	extended := false
	// dotsSawQ is set where the crop read again (see rereadDots) gave
	// q surely once, too few times to take it.
	dotsSawQ, q := false, ""
	// digits are the readings' digits as read, before clean: a date
	// whose 0s read as 6s is no date (2626年64月29日), but its digits
	// tell a misread 0 all the same.
	digits := []string{reNonDigit.ReplaceAllString(v.s, "")}
	// band is the digits of the band's reading, where it read the
	// value's print (see bandContests).
	band := digits[0]
	if f.charset != ocr.Text {
		if f.charset == ocr.Amount && r.anchored {
			v.box, v.struck = r.acrossRule(printHeight(v.box))
			if v.struck {
				// The caption reading saw the digits' parts on one
				// side of the line: no digits of the value.
				digits, band = nil, ""
			}
		}
		// A crop with a line taken out through the point reads it as a
		// dash (see pointMended).
		cleanRead := clean
		if v.struck {
			cleanRead = func(s string) string { return clean(pointMended(s)) }
		}
		em := v.box[3] - v.box[1]
		margins := [][4]float64{{0.4, 0.3, 0.6, 0.3}, {0.6, 0.45, 1.0, 0.45}}
		if f.charset == ocr.Amount {
			// Not the ¥ before the digits, which reads as a 1 or a 4.
			margins = [][4]float64{{0.08, 0.3, 0.6, 0.3}, {0.15, 0.45, 1.0, 0.45}}
			// Digits the caption reading lost at the end (under a
			// seal's ring, across a ruling line) are in the box too:
			// as far as the print runs on, and at least as far as the
			// point and two decimals would reach (the print may be
			// seen to end where a glyph touches a rule).
			if r.anchored && !strings.Contains(v.s, "*") {
				if x := r.digitsFrom(v.box, em); x < v.box[0]-0.3*em {
					// Read from digits the caption reading did not
					// box: the engine may drop them again, and readings
					// a digit or two short agree (1.63 for ¥961.63). A
					// value with more digits than the box's reading is
					// taken only where the paper's sums or the QR code
					// confirm it.
					v.box[0], extended = x, true
				}
			}
			if lost := lostDecimals(v.s); lost > 0 {
				reach := v.box[2] + 0.6*float64(lost)*em
				if x := r.printRunsTo(v.box, em); x > v.box[2] {
					v.box[2] = x
				}
				if v.box[2] < reach {
					for i := range margins {
						margins[i][2] += (reach - v.box[2]) / em
					}
				}
			}
		}
		for i, m := range margins {
			if confirmed(rs, confirm) || f.charset == ocr.TaxID && outvoted(rs, qr, len(margins)-i) {
				// decide takes a reading the QR code confirms whatever
				// the others say, and a taxpayer ID two readings agree
				// on whatever those left give: reading again would
				// change nothing.
				r.progress()
				continue
			}
			crop, cs := r.valueCrop(f, v, em, m)
			gs, err := r.eng.Read(r.ctx, crop, ocr.Options{Charset: cs, Layout: ocr.Line})
			r.progress()
			if err != nil {
				continue
			}
			txt, conf := joined(fromYen(gs, cs))
			rs = append(rs, reading{cleanRead(txt), conf})
			digits = append(digits, reNonDigit.ReplaceAllString(txt, ""))
			if f.charset == ocr.Amount {
				lost = appendPointLost(lost, txt, conf)
			}
		}
		split := slices.ContainsFunc(qr, func(q string) bool { return disputed(rs, q) })
		if f.key == keyDate && split || f.key != keyDate && (!confirmed(rs, confirm) || split) && (!agreed(rs) || len(qr) > 0 && !unanimous(rs)) {
			// The engine's misreadings change with the print's size, its
			// right readings do not: once more, half as large again. A
			// value the QR code carries otherwise, read two ways, is read
			// again too: decide then needs three readings of one. So is
			// one whose reading of the code's value is disputed (see
			// disputed): the third reading tells. A date is read so only
			// then, its digits cut out as for its other readings.
			img, cs := r.warpValue(marginBox(v.box, em, margins[0]), 1.5), f.charset
			if v.struck {
				img = unruleCrop(img, 1.5*em)
			}
			if f.key == keyDate {
				var crop *image.Gray
				crop, cs = r.valueCrop(f, v, em, margins[0])
				img = imaging.PlaneOf(crop, imaging.Luma).Scale(1.5).Image()
			}
			gs, err := r.eng.Read(r.ctx, img, ocr.Options{Charset: cs, Layout: ocr.Line})
			r.progress()
			if err == nil {
				txt, conf := joined(fromYen(gs, cs))
				rs = append(rs, reading{cleanRead(txt), conf})
			}
		}
		if f.charset == ocr.Amount {
			rs = r.readUnruled(f, v, em, margins, clean, rs, confirm, qr)
		}
		// A total's dotted zero is tried back against the amount plus
		// the tax as read, as a QR value's is: the paper's own sum.
		// So is a value every reading of which is one digit off the
		// code's: a dot-matrix 9 reads as a 3 at every size, a forger's
		// changed digit reads as itself in every variant.
		q = zeroSuspect(rs, digits, confirm)
		if q == "" && unanimous(rs) && !confirmed(rs, confirm) {
			q = oneOffQR(rs, qr)
		}
		if q != "" {
			rs, dotsSawQ = r.rereadDots(f, v, em, margins[0], clean, rs, q)
		}
	}
	if f.charset == ocr.Text && v.s != "" {
		return r.settleName(f, v, rs)
	}
	if extended {
		defer func() {
			if digitCount(got) > digitCount(v.s) && !slices.ContainsFunc(qr, func(q string) bool { return sameValue(got, q) }) {
				r.contest(f)
			}
		}()
	}
	if f.charset == ocr.Amount {
		if r.sums == nil {
			r.sums = map[string][]reading{}
		}
		r.sums[f.key] = append(slices.Clip(rs), lost...)
		if ts := moneyTokens(v.s); f.key == keyTax && len(ts) == 1 && lostDecimals(ts[0]) == 1 && v.conf >= minAgreed {
			r.cutTax = ts[0]
		}
	}
	if f.key == keyDate {
		// No invoice is dated after the day it is read: such a reading
		// misread the year (2097 for 2017), and is none.
		for i := range rs {
			if future(rs[i].s, r.now) {
				rs[i].s = ""
			}
		}
	}
	if s, c, ok := sumConfirms(rs, qr, sum); ok {
		return s, c
	}
	if c, ok := sumPieced(rs, qr, sum); ok {
		return sum, c
	}
	if r.opt.QR == nil {
		got, conf = decideAlone(f, rs)
		r.markContested(f, got, digits, band)
		return got, conf
	}
	got, conf = decide(rs, qr, f.charset == ocr.Text)
	if !slices.ContainsFunc(qr, func(q string) bool { return sameValue(got, q) }) {
		r.markContested(f, got, digits, band)
	}
	if f.key == keyNumber && blurUnsure(got, rs, qr) {
		return "", conf
	}
	if dotsSawQ && got != "" && !sameValue(got, q) {
		// A forger's digit reads as itself in every variant of the
		// crop; one that read as the code's is not told from a
		// misreading (a photo's first 0 read as a 2 by two crops).
		return "", conf
	}
	if f.key == keyDate && bandSawQR(got, v, qr) {
		return "", conf
	}
	if f.key == keyCheck && got != "" {
		// Twenty digits in a row give blur twenty chances: a check
		// code that differs from the QR code's only where one digit
		// blurs into another, or only where the code has a 0 (a
		// dot-matrix 0 parts into a 2 as well as a 6, 8 or 9), is not
		// told from a misreading.
		for _, q := range qr {
			if misreadAs(got, q, checkBlurred) || zeroParted(got, q) {
				return "", conf
			}
		}
	}
	return got, conf
}

// valueCrop is the picture of value v read for field f with margins m
// (in ems: left, top, right, bottom) around its box, and the characters
// to read it with. A date's 年, 月 and 日 are cut out (see dateDigits)
// and its digits read; where they are not found to be cut out (a
// dot-matrix printer's run into the digits and come apart in strokes),
// the date is read with them as text: read as digits, they add three.
func (r *paperReader) valueCrop(f ocrField, v val, em float64, m [4]float64) (*image.Gray, ocr.Charset) {
	b := marginBox(v.box, em, m)
	if f.charset == ocr.Digits && r.anchored {
		b.Min.X = r.uncutLeft(b, v.box, em)
	}
	crop, off := r.warpValue(b, 1), b.Min
	if r.anchored {
		// A line slanting out of its box (a bent sheet) is cut from a
		// taller picture, straightened, with margins of its own height.
		tall := image.Rect(b.Min.X, int(v.box[1]-em-0.1*float64(b.Dx())), b.Max.X, int(v.box[3]+em+0.1*float64(b.Dx())))
		if s, top, bottom, ok := straighten(r.warpValue(tall, 1), int(v.box[1])-tall.Min.Y, int(v.box[3])-tall.Min.Y, em); ok {
			h := float64(bottom - top)
			y0, y1 := max(0, top-int(m[1]*h)), min(s.Bounds().Dy(), bottom+int(m[3]*h+0.5))
			crop = s.SubImage(image.Rect(0, y0, b.Dx(), y1)).(*image.Gray)
			off = image.Pt(b.Min.X, tall.Min.Y+y0)
			v.box[1], v.box[3] = float64(tall.Min.Y+top), float64(tall.Min.Y+bottom)
		}
	}
	if f.charset == ocr.Digits {
		// Digits end where a smaller print runs on from them.
		cb := crop.Bounds()
		if x := smallRunOn(crop, int(v.box[1])-off.Y, int(v.box[3])-off.Y, em); x < cb.Dx() {
			crop = crop.SubImage(image.Rect(cb.Min.X, cb.Min.Y, cb.Min.X+x, cb.Max.Y)).(*image.Gray)
		}
	}
	if v.struck {
		crop = unruleCrop(crop, em)
	}
	if f.key != keyDate {
		return crop, f.charset
	}
	if cut := dateDigits(crop, off, v, em); cut != crop {
		return cut, f.charset
	}
	return crop, ocr.Text
}

// uncutLeft is the left edge of crop b of a value whose box is box: b's
// own, or where the edge cuts the print of the value's line, the left of
// the glyph it cuts, the margin of 0.4 em clear of it: the ink in the line's
// rows followed left of the edge across gaps under a fifth of an em (a
// dot-matrix glyph's dots), for at most an em. The caption reading may
// put a number's box from its second digit (its first read into the
// caption before it), and a crop cutting the first digit in two reads
// one digit short, or the half it shows as another digit. A number
// reaching to a glyph that is none of its digits reads a digit too many,
// which is no number of its length.
func (r *paperReader) uncutLeft(b image.Rectangle, box [4]float64, em float64) int {
	reach := int(em + 0.5)
	wide := image.Rect(b.Min.X-reach, int(box[1]), b.Min.X+1, int(box[3]))
	if wide.Dy() < 2 {
		return b.Min.X
	}
	if x, ok := cutGlyphLeft(r.warpValue(wide, 1), em); ok {
		return wide.Min.X + x - int(0.4*em+0.5)
	}
	return b.Min.X
}

// cutGlyphLeft is the column of g, the line's rows left of a crop's edge
// (its last column), at which the glyph the edge cuts begins: the ink
// followed left across gaps under a fifth of an em. ok is false where
// the edge cuts no ink, or the ink runs to g's left side (print that is
// no one glyph).
func cutGlyphLeft(g *image.Gray, em float64) (int, bool) {
	dark, ok := darkLevel(g, 0.5)
	if !ok {
		return 0, false
	}
	bd := g.Bounds()
	inked := func(x int) bool { return columnInked(g, bd.Min.X+x, bd.Min.Y, bd.Max.Y, dark) }
	edge := bd.Dx() - 1
	if !inked(edge) {
		return 0, false
	}
	from, gap := edge, 0
	for x := edge - 1; x >= 0; x-- {
		if inked(x) {
			from, gap = x, 0
		} else if gap++; float64(gap) >= 0.2*em {
			return from, true
		}
	}
	return 0, false
}

// columnInked reports whether column x of g has a pixel darker than dark
// in rows [y0, y1).
func columnInked(g *image.Gray, x, y0, y1 int, dark uint8) bool {
	for y := y0; y < y1; y++ {
		if g.GrayAt(x, y).Y < dark {
			return true
		}
	}
	return false
}

// marginBox is box with margins m (in ems: left, top, right, bottom).
func marginBox(box [4]float64, em float64, m [4]float64) image.Rectangle {
	return image.Rect(int(box[0]-m[0]*em), int(box[1]-m[1]*em), int(box[2]+m[2]*em), int(box[3]+m[3]*em))
}

// readUnruled reads value v of field f once more in each crop of margins,
// and half as large again in the first, with the ruling lines that cross it taken out (see unruleCrop), while
// rs, its readings, give no value of confirm surely and either do not
// agree or agree one digit off the QR code's value qr (see oneOffQR): a
// value printed across a line. A crop no line crosses is not read again. With
// its line out, a decimal point the line ran through reads as a dash
// (97-37): a dash with two digits after it, where the point is printed,
// is read as the point. The readings are added to rs.
func (r *paperReader) readUnruled(f ocrField, v val, em float64, margins [][4]float64, clean func(string) string, rs []reading, confirm, qr []string) []reading {
	for i := range len(margins) + 1 {
		if confirmed(rs, confirm) || agreed(rs) && oneOffQR(rs, qr) == "" {
			break
		}
		var crop *image.Gray
		cs, k := f.charset, 1.0
		if i < len(margins) {
			crop, cs = r.valueCrop(f, v, em, margins[i])
		} else {
			// Half as large again, as settle reads it last.
			k = 1.5
			crop = r.warpValue(marginBox(v.box, em, margins[0]), k)
		}
		u := unruleCrop(crop, k*em)
		if u == crop {
			break
		}
		gs, err := r.eng.Read(r.ctx, u, ocr.Options{Charset: cs, Layout: ocr.Line})
		r.progress()
		if err != nil {
			continue
		}
		txt, conf := joined(fromYen(gs, cs))
		rs = append(rs, reading{clean(unstruck(txt)), conf})
	}
	return rs
}

// reStruckPoint is an amount's decimal point read as a dash: two digits
// after it, and no more.
var reStruckPoint = regexp.MustCompile(`(\d)-(\d{2})($|[^\d.])`)

// unstruck is s with each point read as a dash (see reStruckPoint) a
// point again, as many characters long as s.
func unstruck(s string) string { return reStruckPoint.ReplaceAllString(s, "$1.$2$3") }

// pointMended is s, an amount read with the line that ran through its
// point taken out, with the point read as a dash one again: the line's
// ink left about the point reads as a dash beside it (¥21531-.83) or
// instead of it (¥21531-83).
func pointMended(s string) string {
	return unstruck(strings.NewReplacer("-.", ".", ".-", ".").Replace(s))
}

// zeroSuspect is the value among qr (the QR code's, and a total's sum as
// read) that a reading of rs, or the digits of one as read, differs from
// only by a 0 read as a 6, 8 or 9 (see zeroMisread), when no reading
// confirms one of them; "" otherwise.
func zeroSuspect(rs []reading, digits, qr []string) string {
	if confirmed(rs, qr) {
		return ""
	}
	for _, q := range qr {
		for _, x := range rs {
			if zeroMisread(x.s, q) {
				return q
			}
		}
		for _, d := range digits {
			if zeroMisread(d, reNonDigit.ReplaceAllString(q, "")) {
				return q
			}
		}
	}
	return ""
}

// dotVariants are the ways a value's crop is changed to be read again
// where a dot-matrix 0 was read as a 6, 8 or 9: smaller, its dots run
// together by the darkest of their neighbours or by their mean, or cut to
// ink and paper at half way. Each changes which glyph the engine takes a
// 0 with a dot or a stroke inside for; none of them turns the 0 back
// reliably alone, two of them agreeing do more often than not.
var dotVariants = []func(*image.Gray) *image.Gray{
	func(g *image.Gray) *image.Gray { return imaging.PlaneOf(g, imaging.Luma).Scale(0.7).Image() },
	func(g *image.Gray) *image.Gray { return around(g, func(a, b uint8) uint8 { return min(a, b) }) },
	halfCut,
	func(g *image.Gray) *image.Gray { return imaging.PlaneOf(g, imaging.Luma).BoxBlur(1).Image() },
}

// rereadDots reads the value's crop again changed in each of dotVariants
// while a 0 of q, the QR code's value, reads as a 6, 8 or 9: readings of
// q that agree (two, one of them sure) are added to rs, and decide then
// takes q as read. The QR value chooses what to try, never what was read:
// with fewer agreeing readings rs stays as it was, and the value missing.
// saw reports whether one of these readings gave q surely.
func (r *paperReader) rereadDots(f ocrField, v val, em float64, m [4]float64, clean func(string) string, rs []reading, q string) ([]reading, bool) {
	crop, cs := r.valueCrop(f, v, em, m)
	return readDots(r.ctx, r.eng, crop, cs, clean, rs, q, r.progress)
}

// readDots is rereadDots on crop, read with charset cs; done is called
// after each reading.
func readDots(ctx context.Context, eng ocr.Engine, crop *image.Gray, cs ocr.Charset, clean func(string) string, rs []reading, q string, done func()) (_ []reading, saw bool) {
	more := slices.Clone(rs)
	// The crop as it is first, the engine asked what it weighed for each
	// glyph; then changed.
	variants := append([]func(*image.Gray) *image.Gray{nil}, dotVariants...)
	for _, vary := range variants {
		img, opt := crop, ocr.Options{Charset: cs, Layout: ocr.Line, Alternatives: vary == nil}
		if vary != nil {
			img = vary(crop)
		}
		gs, err := eng.Read(ctx, img, opt)
		done()
		if err != nil {
			continue
		}
		if vary == nil {
			gs = weighedZeros(gs, q)
		}
		txt, conf := joined(fromYen(gs, opt.Charset))
		x := reading{clean(txt), conf}
		more = append(more, x)
		saw = saw || x.s != "" && sameValue(x.s, q) && x.conf >= minAgreed
		n, sure := 0, 0.0
		for _, x := range more {
			if x.s != "" && sameValue(x.s, q) {
				n, sure = n+1, math.Max(sure, x.conf)
			}
		}
		if n >= 2 && sure >= minAgreed {
			return more, true
		}
	}
	return rs, saw
}

// altZero is how sure the engine must have been of a 0, weighed for a
// glyph it read as a 6 or an 8, for weighedZeros to take the 0. On
// dot-matrix crops of values known, it weighed a 0 so for 55 of 68 zeros
// read as a 6 or an 8, and for 2 of 247 sixes and eights printed (0.2 or
// more). Nines are left out: a 0 was weighed so for one printed 9 in six.
const altZero = 0.2

// weighedZeros is gs read with their alternatives (ocr.Options.Alternatives)
// where a glyph read as a 6 or an 8 that the engine weighed a 0 for, surely
// enough (altZero), stands where q has a 0: that glyph is read as the 0.
// The QR value q chooses which of the engine's readings of an ambiguous
// glyph to take; a glyph no 0 was weighed for stays as read. gs is left as
// it is when its digits are not as many as q's.
func weighedZeros(gs []ocr.Glyph, q string) []ocr.Glyph {
	qd := reNonDigit.ReplaceAllString(q, "")
	var at []int
	for i, g := range gs {
		if len(g.Text) == 1 && g.Text[0] >= '0' && g.Text[0] <= '9' {
			at = append(at, i)
		}
	}
	if len(at) != len(qd) {
		return gs
	}
	out := slices.Clone(gs)
	for k, i := range at {
		if g := out[i]; qd[k] == '0' && (g.Text == "6" || g.Text == "8") && g.Alts["0"] >= altZero {
			out[i].Text = "0"
		}
	}
	return out
}

// around sets each pixel of g to pick of it and its eight neighbours.
func around(g *image.Gray, pick func(a, b uint8) uint8) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := g.GrayAt(x, y).Y
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if q := image.Pt(x+dx, y+dy); q.In(b) {
						p = pick(p, g.GrayAt(q.X, q.Y).Y)
					}
				}
			}
			out.SetGray(x, y, color.Gray{Y: p})
		}
	}
	return out
}

// halfCut makes g black and white, cut halfway between its darkest and
// its lightest. g may be a part of a larger picture (a crop of a line
// straightened): only its own pixels count.
func halfCut(g *image.Gray) *image.Gray {
	b := g.Bounds()
	lo, hi := uint8(255), uint8(0)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for _, p := range g.Pix[g.PixOffset(b.Min.X, y):g.PixOffset(b.Max.X, y)] {
			lo, hi = min(lo, p), max(hi, p)
		}
	}
	cut := lo + (hi-lo)/2
	out := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g.GrayAt(x, y).Y > cut {
				out.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	return out
}

// paperSum is amount a plus tax t, as the total should print them; "" when
// either is not an amount read.
func paperSum(a, t string) string {
	fa, okA := fen(a)
	ft, okT := fen(t)
	if !okA || !okT {
		return ""
	}
	return fenText(fa + ft)
}

// sumConfirms takes the reading of a total that is sum, the amount plus
// the tax as read, when it is reasonably sure (as a QR value's reading is):
// three values read apart do not add up by a misreading. Not where a
// reading gives a QR value of qr: decide takes that.
func sumConfirms(rs []reading, qr []string, sum string) (string, float64, bool) {
	if sum == "" || confirmed(rs, qr) {
		return "", 0, false
	}
	s, c := "", -1.0
	for _, x := range rs {
		if x.s != "" && sameValue(x.s, sum) && x.conf > c {
			s, c = x.s, x.conf
		}
	}
	if c < minQR {
		return "", c, false
	}
	return s, c, true
}

// sumPieced reports whether the readings rs of a total give every digit
// of sum, the amount plus the tax as read, between them, where a dot-matrix
// 0 of it read as a 6, 8 or 9: one reading, at least minAgreed sure, is
// sum but for such 0s (see zeroMisread), and at each of those places another
// reading as sure, lined up with sum on its decimal point, has the 0 (the
// crops read 146626.90 for 146626.00, the band kept 6626.00 of it). conf
// is the less sure of the two. Not where a reading gives a QR value of qr,
// as sumConfirms.
func sumPieced(rs []reading, qr []string, sum string) (conf float64, ok bool) {
	if sum == "" || confirmed(rs, qr) {
		return 0, false
	}
	point := strings.IndexByte(sum, '.')
	if point < 0 {
		return 0, false
	}
	// at is the character of x lined up with sum's i-th on their points.
	at := func(x string, i int) byte {
		p := strings.IndexByte(x, '.')
		if j := i - point + p; p >= 0 && j >= 0 && j < len(x) {
			return x[j]
		}
		return 0
	}
	for _, x := range rs {
		if x.conf < minAgreed || !zeroMisread(x.s, sum) {
			continue
		}
		c := x.conf
		for i := range len(sum) {
			if x.s[i] == sum[i] {
				continue
			}
			best := -1.0
			for _, y := range rs {
				if y.conf >= minAgreed && y.conf > best && at(y.s, i) == '0' {
					best = y.conf
				}
			}
			if best < 0 {
				c = -1
				break
			}
			c = min(c, best)
		}
		if c >= minAgreed {
			return c, true
		}
	}
	return 0, false
}

// printHeight is box, an amount's as the band reading gave it, no taller
// than print is in the reading frame: a ruling line or a seal's ring
// touching the digits stretches their boxes up and down, and a box read
// again with margins in proportion then holds the rows around it too. The
// box keeps its middle.
func printHeight(box [4]float64) [4]float64 {
	if h := box[3] - box[1]; h > 1.5*frameEm {
		mid := (box[1] + box[3]) / 2
		box[1], box[3] = mid-0.6*frameEm, mid+0.6*frameEm
	}
	return box
}

// acrossRule is box, an amount's as the band reading gave it, as tall as
// print is in the reading frame where it is shorter because a ruling line
// cuts the print: a dot-matrix printer's amounts land across the 合计 row's
// bottom rule or the 价税合计 row's, and the engine boxes the glyphs' parts
// on one side of the line only. A crop of that box cuts the digits in two
// and reads them as others (19726.15 as 072). A box two thirds as tall
// as print or more is left: digits standing on a line, their feet in it,
// read as they are, and better than with the line taken out from under
// them (14902.42 as 1492.42). The box reaches across the line, from its
// edge on the line, as far as print is tall, where ink goes on beyond the
// line under much of the box (see inkedBeside); struck is then true. box
// as it is otherwise.
func (r *paperReader) acrossRule(box [4]float64) ([4]float64, bool) {
	h := box[3] - box[1]
	if h >= 0.65*frameEm || h < 0.3*frameEm || box[2]-box[0] < frameEm {
		return box, false
	}
	rg := image.Rect(int(box[0]), int(box[1]-frameEm), int(box[2]), int(box[3]+frameEm))
	g := r.warpValue(rg, 1)
	p := imaging.PlaneOf(g, imaging.Luma)
	if p.W < 4 || p.H < 4 {
		return box, false
	}
	top, bottom := int(box[1])-rg.Min.Y, int(box[3])-rg.Min.Y
	const near = int(0.3 * frameEm)
	for _, b := range ruleBands(p, true, max(3, int(frameEm)/3)) {
		switch {
		case b[0] >= bottom-near && b[0] <= bottom+near && inkedBeside(g, b[1]+1, b[1]+1+near):
			return [4]float64{box[0], box[1], box[2], box[1] + frameEm}, true
		case b[1] >= top-near && b[1] <= top+near && inkedBeside(g, b[0]-near, b[0]):
			return [4]float64{box[0], box[3] - frameEm, box[2], box[3]}, true
		}
	}
	return box, false
}

// inkedBeside reports whether print lies in rows [y0, y1) of g: ink
// (darker than ruleCore) in two fifths of its columns or more, as there is
// beside a line under glyphs that cross it, not under paper or a caption's
// few strokes.
func inkedBeside(g *image.Gray, y0, y1 int) bool {
	bd := g.Bounds()
	y0, y1 = max(y0, 0), min(y1, bd.Dy())
	if y0 >= y1 {
		return false
	}
	n := 0
	for x := bd.Min.X; x < bd.Max.X; x++ {
		if columnInked(g, x, bd.Min.Y+y0, bd.Min.Y+y1, ruleCore) {
			n++
		}
	}
	return 5*n >= 2*bd.Dx()
}

// printRunsTo is where, in the reading frame, the print of value box
// ends on its line (see inkRunEnd), looked for up to maxRunOn ems right
// of it; box's right edge when nothing runs on.
func (r *paperReader) printRunsTo(box [4]float64, em float64) float64 {
	rg := image.Rect(int(box[0]), int(box[1]-0.5*em), int(box[2]+maxRunOn*em), int(box[3]+0.5*em))
	if rg.Dx() < 2 || rg.Dy() < 2 {
		return box[2]
	}
	g := r.warpValue(rg, 1)
	end := inkRunEnd(g, int(box[2])-rg.Min.X, int(box[1])-rg.Min.Y, int(box[3])-rg.Min.Y, em)
	return float64(rg.Min.X + end)
}

// digitsFrom is where, in the reading frame, the digits of amount box
// begin. The caption reading may put an amount's box from its second or
// third digit (the ¥ and the first digit read as one shape no character
// is), and a crop from there reads the amount short. The print's glyphs
// (the blots of ink about a glyph in size; see inkRunEnd) followed left
// from the box across gaps a point's width or less begin with the ¥;
// where they reach further before the box than the ¥ is wide, the digits
// begin with the first glyph after the ¥ (see digitsStart). Otherwise the
// box's left edge, or the left of the glyph it cuts.
func (r *paperReader) digitsFrom(box [4]float64, em float64) float64 {
	rg := image.Rect(int(box[0]-6*em), int(box[1]-0.5*em), int(box[2]), int(box[3]+0.5*em))
	if rg.Dx() < 2 || rg.Dy() < 2 {
		return box[0]
	}
	g := r.warpValue(rg, 1)
	x := digitsStart(g, int(box[0])-rg.Min.X, int(box[1])-rg.Min.Y, int(box[3])-rg.Min.Y, em)
	return math.Min(box[0], float64(rg.Min.X+x))
}

// digitsStart is digitsFrom's column in g, the picture of an amount's
// line from 6 ems before its box, which begins at column at and spans rows
// [y0, y1).
func digitsStart(g *image.Gray, at, y0, y1 int, em float64) int {
	all := lineGlyphs(g, y0, y1, em)
	// k is the glyph the box begins in or at.
	k := slices.IndexFunc(all, func(b inkBox) bool { return b.x1 > at })
	if k < 0 {
		return at
	}
	// The glyphs on its line: their middles within its rows (not a
	// caption's bracket above them), and as tall as its glyphs nearly
	// (not a speck, nor a piece of a glyph printed in dots).
	var gl []inkBox
	tall := 0.75 * float64(all[k].y1-all[k].y0)
	for i, b := range all {
		if cy := (b.y0 + b.y1) / 2; i == k || cy >= all[k].y0 && cy <= all[k].y1 && float64(b.y1-b.y0) >= tall {
			if i == k {
				k = len(gl)
			}
			gl = append(gl, b)
		}
	}
	// A box cutting the left half of a glyph off reads it as another:
	// the glyph is the value's. One cutting off more of it is past a
	// glyph before the value (the ¥, the box's edge in its ink).
	uncut := at
	if float64(at) < gl[k].cx() {
		uncut = min(at, gl[k].x0)
	}
	f := k
	for f > 0 && float64(gl[f].x0-gl[f-1].x1) <= maxGlyphGap*em && gl[f-1].x1 <= gl[f].x0+1 {
		f--
	}
	if f == k {
		return uncut
	}
	// The ¥ takes one of the print's cells, a glyph's height wide or
	// less (printed in pieces, it is still one); glyphs before the box
	// reaching further than that are the amount's first digits, from
	// the first that begins most of a glyph's height after the ¥.
	h := float64(midHeight(gl[f:]))
	if float64(gl[k].x0-gl[f].x0) < 1.2*h {
		return uncut
	}
	for i := f + 1; i <= k; i++ {
		if float64(gl[i].x0-gl[f].x0) >= 0.7*h {
			return min(at, gl[i].x0)
		}
	}
	return uncut
}

// maxRunOn is how far, in ems, a value's print is followed past the box
// the caption reading gave it: all but the first digit of a total of
// hundreds of thousands, its point and decimals (¥1|47991.29).
const maxRunOn = 8.0

// lostDecimals is how many characters amount s, as the caption reading
// gave it, lacks of its point and two decimals.
func lostDecimals(s string) int {
	s = strings.TrimRight(stripSpaces(nfkc(s)), "-")
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return 3
	}
	return max(0, 2-(len(s)-i-1))
}

// fromYen is gs, read with charset cs, from the last ¥ that has glyphs
// after it where cs is Amount: what an amount's crop shows before its ¥
// (the end of the (小写) caption, 写), read as 1.5) is no part of it.
func fromYen(gs []ocr.Glyph, cs ocr.Charset) []ocr.Glyph {
	if cs != ocr.Amount {
		return gs
	}
	for i := len(gs) - 2; i > 0; i-- {
		if gs[i].Text == "¥" {
			return gs[i:]
		}
	}
	return gs
}

// joined is the text of gs and the engine's least confidence in it, 0
// when nothing was read.
func joined(gs []ocr.Glyph) (string, float64) {
	var sb strings.Builder
	conf := 1.0
	for _, g := range gs {
		sb.WriteString(g.Text)
		conf = math.Min(conf, g.Conf)
	}
	if len(gs) == 0 {
		conf = 0
	}
	return sb.String(), conf
}

// agreed reports whether two of rs read the same value, one of them
// surely, as decide takes a value: two unsure readings that agree (a
// dot-matrix decimal point read at 0.5) are read again, where a sure one
// may join them.
func agreed(rs []reading) bool {
	for i, a := range rs {
		for _, b := range rs[i+1:] {
			if a.s != "" && a.s == b.s && max(a.conf, b.conf) >= minAgreed {
				return true
			}
		}
	}
	return false
}

// unanimous reports whether every reading of rs that gave a value gave the
// same.
func unanimous(rs []reading) bool {
	first := ""
	for _, x := range rs {
		if x.s == "" {
			continue
		}
		if first != "" && x.s != first {
			return false
		}
		first = x.s
	}
	return true
}

// confirmed reports whether one of rs is a QR value read surely enough for
// decide to take it.
func confirmed(rs []reading, qr []string) bool {
	for _, q := range qr {
		for _, x := range rs {
			if x.s != "" && sameValue(x.s, q) && x.conf >= minQR {
				return true
			}
		}
	}
	return false
}

// outvoted reports whether, with no QR value to compare with, the value
// two sure readings of rs agree on stays what decide takes whatever left
// more readings give: no other value can be read as often. The confidence
// decide gives may still rise with them; a taxpayer ID's weighs nothing
// else (an amount's does, in the sums' check).
func outvoted(rs []reading, qr []string, left int) bool {
	if len(qr) > 0 {
		return false
	}
	n := map[string]int{}
	sure := map[string]float64{}
	for _, x := range rs {
		if x.s != "" {
			n[x.s]++
			sure[x.s] = math.Max(sure[x.s], x.conf)
		}
	}
	for s, k := range n {
		if k < 2 || sure[s] < minAgreed {
			continue
		}
		others := 0
		for o, m := range n {
			if o != s {
				others = max(others, m)
			}
		}
		if others+left < k {
			return true
		}
	}
	return false
}

// dateDigits cuts the 年, 月 and 日 out of a date in crop (whose top-left
// corner is at off in the reading frame, where v's box is) and sets its digits side by side, so
// that reading it with digits only gives the date's eight digits: the Latin
// model reads a 月 as a 5 and a 日 as an 8 now and then, and so does the
// caption reading, which then has no 年, 月 or 日 to go by. The glyphs are
// found on the crop itself, as runs of inked columns on the value's line
// (a column is inked where a pixel is darker than halfway from ink to
// paper); the three widest are the marks when they are clearly wider than
// the digits, which are half as wide. Otherwise crop is returned as it is.
// A digit run together with a mark is cut out with it: the date then has
// too few digits and is not read, never misread. Marks paler than the
// digits (printed in the form's colour) are left out by the darkest cut,
// where eight digits alone remain.
func dateDigits(crop *image.Gray, off image.Point, v val, em float64) *image.Gray {
	b := crop.Bounds()
	y0 := max(b.Min.Y, b.Min.Y+int(v.box[1])-off.Y)
	y1 := min(b.Max.Y, b.Min.Y+int(v.box[3])-off.Y+1)
	if y1-y0 < 4 {
		return crop
	}
	lo, hi := uint8(255), uint8(0)
	for y := y0; y < y1; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := crop.GrayAt(x, y).Y
			lo, hi = min(lo, p), max(hi, p)
		}
	}
	if hi-lo < 40 {
		return crop
	}
	// Lighter ink first: on a blurred photo the thin top and bottom of a 0
	// are pale, and a cut at half way parts it in two. A darker cut parts
	// glyphs that blur joins.
	var runs [][2]int
	var mark map[int]bool
	for _, cut := range []float64{2.0 / 3, 1.0 / 2, 1.0 / 3, 1.0 / 4} {
		runs, mark = dateRuns(crop, y0, y1, lo+uint8(cut*float64(hi-lo)), em)
		if mark != nil {
			break
		}
	}
	if mark == nil && paleMarks(runs, em) {
		mark = map[int]bool{}
	}
	if mark == nil {
		// Blur joins neighbours: two digits, or a digit and a mark,
		// come as one run. Parted where their ink is thinnest, the date
		// may show its order again.
		for _, cut := range []float64{2.0 / 3, 1.0 / 2, 1.0 / 3} {
			dark := lo + uint8(cut*float64(hi-lo))
			rs, _ := dateRuns(crop, y0, y1, dark, em)
			if rs = partJoined(crop, y0, y1, dark, rs, em); len(rs) >= 11 {
				if mark = dateWindow(rs, em); mark != nil {
					runs = rs
					break
				}
			}
		}
		if mark == nil {
			return crop
		}
	}
	gap, margin := max(1, int(0.12*em)), int(0.5*em)
	w := 2 * margin
	for i, r := range runs {
		if !mark[i] {
			w += r[1] - r[0] + 2 + gap
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, b.Dy()))
	for i := range out.Pix {
		out.Pix[i] = hi
	}
	x := margin
	for i, r := range runs {
		if mark[i] {
			continue
		}
		// A column of paper is kept each side of the digit's run, but
		// not where a mark cut out begins there: its pale edge would
		// be read as a stroke (2021|0102 as 202160102).
		from, to := r[0]-1, r[1]+1
		if i > 0 && mark[i-1] && runs[i-1][1] >= from {
			from = runs[i-1][1] + 1
		}
		if i+1 < len(runs) && mark[i+1] && runs[i+1][0] <= to {
			to = runs[i+1][0] - 1
		}
		for sx := max(b.Min.X, from); sx < min(b.Max.X, to); sx++ {
			for y := 0; y < b.Dy(); y++ {
				out.SetGray(x, y, crop.GrayAt(sx, b.Min.Y+y))
			}
			x++
		}
		x += gap
	}
	return out
}

// paleMarks reports whether runs, at the darkest cut, are a date whose
// 年, 月 and 日 were printed in the form's colour, paler than the digits,
// and are gone: eight digits are left, four, two and two, with a mark's
// width between the groups.
func paleMarks(runs [][2]int, em float64) bool {
	if len(runs) != 8 {
		return false
	}
	for i, r := range runs {
		if float64(r[1]-r[0]) > 0.9*em {
			return false
		}
		if i == 7 {
			break
		}
		wide := float64(runs[i+1][0]-r[1]) >= 0.6*em
		if wide != (i == 3 || i == 5) {
			return false
		}
	}
	return true
}

// partJoined parts the runs of columns (of rows y0–y1 of crop, inked at
// most dark) too wide for one digit and too wide for one mark, 1.75
// digits or more: at the column of least ink in their middle, again until
// no part is that wide. A digit's width is the runs' middle one among
// those no wider than 0.9 em; with fewer than three such, runs are
// returned as they are.
func partJoined(crop *image.Gray, y0, y1 int, dark uint8, runs [][2]int, em float64) [][2]int {
	var ws []int
	for _, r := range runs {
		if w := r[1] - r[0]; float64(w) <= 0.9*em && float64(w) >= 0.25*em {
			ws = append(ws, w)
		}
	}
	if len(ws) < 3 {
		return runs
	}
	slices.Sort(ws)
	digit := float64(ws[len(ws)/2])
	ink := func(x int) int {
		n := 0
		for y := y0; y < y1; y++ {
			if crop.GrayAt(x, y).Y <= dark {
				n++
			}
		}
		return n
	}
	var out [][2]int
	var part func(r [2]int)
	part = func(r [2]int) {
		w := r[1] - r[0]
		if float64(w) < 1.75*digit {
			out = append(out, r)
			return
		}
		at := leastInk(r[0]+int(0.3*float64(w)), r[0]+int(0.7*float64(w)), ink)
		part([2]int{r[0], at})
		part([2]int{at + 1, r[1]})
	}
	for _, r := range runs {
		part(r)
	}
	return out
}

// leastInk is the first column of [from, to] with the least ink (ink(x)
// of column x): where two glyphs that run together are parted.
func leastInk(from, to int, ink func(x int) int) int {
	at, least := -1, math.MaxInt
	for x := from; x <= to; x++ {
		if n := ink(x); n < least {
			at, least = x, n
		}
	}
	return at
}

// dateRuns splits the rows y0–y1 of crop into runs of columns with a pixel
// at most dark, and finds among them the 年, 月 and 日 of a date: the three
// widest, each clearly wider than the digits, after four digits, two and
// two, or by their order (see dateWindowApart). mark is nil when the runs
// are not such a date. Two runs a column or two apart that together are
// no wider than a digit are one: a dot-matrix 1's flag apart from its
// stem, a 0's sides whose top and bottom blur pale.
func dateRuns(crop *image.Gray, y0, y1 int, dark uint8, em float64) ([][2]int, map[int]bool) {
	b := crop.Bounds()
	inked := func(x int) bool {
		for y := y0; y < y1; y++ {
			if crop.GrayAt(x, y).Y <= dark {
				return true
			}
		}
		return false
	}
	var runs [][2]int
	for x := b.Min.X; x < b.Max.X; {
		if !inked(x) {
			x++
			continue
		}
		s := x
		for x < b.Max.X && inked(x) {
			x++
		}
		if n := len(runs); n > 0 && float64(s-runs[n-1][1]) <= max(1, 0.1*em) && float64(x-runs[n-1][0]) <= 0.6*em {
			runs[n-1][1] = x
			continue
		}
		runs = append(runs, [2]int{s, x})
	}
	if len(runs) < 11 {
		return runs, nil
	}
	if mark := dateMarks(runs, em); mark != nil {
		return runs, mark
	}
	return dateWindowApart(runs, em)
}

// dateMarks finds the 年, 月 and 日 of a date among runs (eleven or
// more), as dateRuns says, and marks them and what lies before the year
// or after the 日; nil where they are not so.
func dateMarks(runs [][2]int, em float64) map[int]bool {
	byWidth := make([]int, len(runs))
	for i := range byWidth {
		byWidth[i] = i
	}
	width := func(i int) float64 { return float64(runs[i][1] - runs[i][0]) }
	sort.SliceStable(byWidth, func(i, j int) bool { return width(byWidth[i]) > width(byWidth[j]) })
	digit := width(byWidth[len(byWidth)/2])
	mark := map[int]bool{}
	var at []int
	for _, i := range byWidth[:3] {
		if w := width(i); w < 1.25*digit || w < 0.4*em || w > 1.6*em {
			return nil
		}
		mark[i] = true
		at = append(at, i)
	}
	sort.Ints(at)
	// Digits: four before 年, two before 月, two before 日; what lies
	// before the year (a caption's colon, apart from it by a space) or
	// after the 日 is cut out. The year's digits stand close together; a
	// 0 whose thin top and bottom blur pale comes as two runs.
	first := at[0] - 1
	for first > 0 && float64(runs[first][0]-runs[first-1][1]) < 0.5*em {
		first--
	}
	// A caption printed close before the year is no digit: its 期's
	// strokes, a column of ink each, narrower than a 1; its side, further
	// from the year's first digit than the year's digits are from each
	// other.
	for at[0]-first > 4 && float64(runs[first][1]-runs[first][0]) < 0.2*em {
		first++
	}
	if y := at[0] - 4; y > first {
		inner := 0
		for i := y + 1; i < at[0]; i++ {
			inner = max(inner, runs[i][0]-runs[i-1][1])
		}
		if gap := runs[y][0] - runs[y-1][1]; gap > inner && float64(gap) >= 0.3*em {
			first = y
		}
	}
	if at[0]-first < 4 || at[1]-at[0] != 3 || at[2]-at[1] != 3 {
		return nil
	}
	for i := range runs {
		if i < first || i > at[2] {
			mark[i] = true // cut out: not a digit of the date
		}
	}
	return mark
}

// dateWindow finds a date among runs by its order alone: eleven runs in a
// row, four digits, a mark, two digits, a mark, two digits, a mark, every
// mark wider than every digit among them, the year's four digits and the
// month's and day's two as wide as their cells. The three widest runs of
// the line are not always the marks: a 日 is narrower than 年 and 月, and
// a blurred 0 or 9 is nearly as wide as it. The last such run of eleven
// is taken; nil when there is none.
func dateWindow(runs [][2]int, em float64) map[int]bool {
	width := func(i int) int { return runs[i][1] - runs[i][0] }
	isMark := func(k int) bool { return k == 4 || k == 7 || k == 10 }
	for s := len(runs) - 11; s >= 0; s-- {
		maxDigit, minMark, maxMark := 0, math.MaxInt, 0
		for k := range 11 {
			if w := width(s + k); isMark(k) {
				minMark, maxMark = min(minMark, w), max(maxMark, w)
			} else {
				maxDigit = max(maxDigit, w)
			}
		}
		if minMark <= maxDigit || float64(minMark) < 0.4*em || float64(maxMark) > 1.6*em || float64(maxDigit) > 0.9*em {
			continue
		}
		// Digits take a cell each: glyphs parted into their strokes
		// by a pale cut span less.
		span := func(a, b int) float64 { return float64(runs[s+b][1] - runs[s+a][0]) }
		if span(0, 3) < 1.5*em || span(5, 6) < 0.7*em || span(8, 9) < 0.7*em {
			continue
		}
		mark := map[int]bool{}
		for i := range runs {
			if i < s || i > s+10 || isMark(i-s) {
				mark[i] = true
			}
		}
		return mark
	}
	return nil
}

// dateWindowApart is dateWindow on runs, or, where it finds no date, on
// runs with those that end the line joined into one: a 日 whose thin bars
// a dark cut loses comes as its two sides and its middle, each narrower
// than a digit. The pieces joined stand within a mark's width (1.6 em),
// each less than a third of an em from the next. It returns the runs the
// marks are of.
func dateWindowApart(runs [][2]int, em float64) ([][2]int, map[int]bool) {
	if mark := dateWindow(runs, em); mark != nil {
		return runs, mark
	}
	n := len(runs)
	for k := 2; k <= min(4, n-10); k++ {
		first := runs[n-k]
		if float64(runs[n-1][1]-first[0]) > 1.6*em {
			break
		}
		apart := false
		for i := n - k + 1; i < n; i++ {
			apart = apart || float64(runs[i][0]-runs[i-1][1]) >= em/3
		}
		if apart {
			continue
		}
		joined := append(slices.Clone(runs[:n-k]), [2]int{first[0], runs[n-1][1]})
		if mark := dateWindow(joined, em); mark != nil {
			return joined, mark
		}
	}
	return runs, nil
}

// decide picks the value printed from its readings. A reading equal to the
// QR code's value is taken when reasonably sure: a misreading seldom lands
// on exactly that. Otherwise two readings must agree, each sure; without a
// QR value to compare with, one very sure reading is enough. Anything else
// is not read: "", with the best confidence seen.
func decide(rs []reading, qr []string, single bool) (string, float64) {
	best := 0.0
	for _, x := range rs {
		best = math.Max(best, x.conf)
	}
	for _, q := range qr {
		c := -1.0
		for _, x := range rs {
			if x.s != "" && sameValue(x.s, q) {
				c = math.Max(c, x.conf)
			}
		}
		if c >= minQR && !disputed(rs, q) {
			for _, x := range rs {
				if x.s != "" && sameValue(x.s, q) && x.conf == c {
					return x.s, c
				}
			}
		}
	}
	type group struct {
		s     string
		n     int
		least float64
	}
	var gs []group
	for _, x := range rs {
		if x.s == "" {
			continue
		}
		found := false
		for i := range gs {
			if gs[i].s == x.s {
				gs[i].n++
				gs[i].least = math.Min(gs[i].least, x.conf)
				found = true
			}
		}
		if !found {
			gs = append(gs, group{x.s, 1, x.conf})
		}
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].n != gs[j].n {
			return gs[i].n > gs[j].n
		}
		return gs[i].least > gs[j].least
	})
	if len(gs) == 0 {
		return "", best
	}
	g := gs[0]
	for _, q := range qr {
		if zeroMisread(g.s, q) {
			return "", best
		}
	}
	if s, c, ok := dottedAgree(rs); ok && !zeroSeen(s, qr, rs) && !slices.ContainsFunc(qr, func(q string) bool { return zeroMisread(s, q) || !sameValue(s, q) && readAs(rs, q) }) {
		// Not against a QR value read: a dot-matrix 9 reads as a 0 too
		// (46873300 twice, 46873309 twice, the code's).
		return s, c
	}
	// The engine's confidence in a character read under a whitelist is
	// often near 0 however plain the print: agreement counts, and one of the
	// agreeing readings must be sure.
	sure := 0.0
	for _, x := range rs {
		if x.s == g.s {
			sure = math.Max(sure, x.conf)
		}
	}
	switch {
	case g.n >= 2 && sure >= minAgreed && len(gs) == 1:
		return g.s, sure
	case g.n >= 2 && sure >= minAgreed && len(qr) == 0 && gs[1].n < g.n:
		return g.s, sure
	case g.n >= 3 && sure >= minAgreed && gs[1].n == 1 && !zeroSeen(g.s, qr, rs):
		// No reading gave the QR code's value, three gave this one:
		// a real difference, not a misreading.
		return g.s, sure
	case (single || len(qr) == 0) && len(gs) == 1 && g.least >= minAlone:
		return g.s, g.least
	}
	return "", best
}

// readAs reports whether a reading of rs gives value q.
func readAs(rs []reading, q string) bool {
	return slices.ContainsFunc(rs, func(x reading) bool { return x.s != "" && sameValue(x.s, q) })
}

// dottedAgree is the value three readings of rs or more give but for
// dotted zeros: read surely once at least, and every other reading
// differing from it only where it has a 0 and they a 6, 8 or 9 (see
// zeroMisread). A dot-matrix 0 reads so at one size and as itself at
// another, seldom the other way: the readings agree on every other
// digit, and on those they tell the value. decide does not take it
// against a QR value a reading gave: a blurred 9 reads as a 0 too. ok is false otherwise, and where all
// readings give one value (decide takes it by their count).
func dottedAgree(rs []reading) (string, float64, bool) {
	n := 0
	for _, x := range rs {
		if x.s != "" {
			n++
		}
	}
	if n < 3 {
		return "", 0, false
	}
	for _, c := range rs {
		if c.s == "" || c.conf < minAgreed {
			continue
		}
		sure, dotted := c.conf, 0
		for _, x := range rs {
			switch {
			case x.s == "":
			case x.s == c.s:
				sure = math.Max(sure, x.conf)
			case zeroMisread(x.s, c.s):
				dotted++
			default:
				dotted = -n
			}
		}
		if dotted > 0 {
			return c.s, sure, true
		}
	}
	return "", 0, false
}

// zeroMisread reports whether reading s differs from QR value q only where
// q has a 0 and s a 6, 8 or 9: a zero printed with a dot or a stroke in it
// (a dot-matrix printer's, a monospaced font's) reads so, every time and
// at every size, and such a difference is not told from a misreading.
func zeroMisread(s, q string) bool {
	a, b := []rune(s), []rune(q)
	if len(a) != len(b) || s == q {
		return false
	}
	for i := range a {
		if a[i] != b[i] && (b[i] != '0' || !strings.ContainsRune("689", a[i])) {
			return false
		}
	}
	return true
}

// zeroParted reports whether check code s differs from QR value q only
// where q has a 0.
func zeroParted(s, q string) bool {
	a, b := []rune(s), []rune(q)
	if len(a) != len(b) || s == q {
		return false
	}
	for i := range a {
		if a[i] != b[i] && b[i] != '0' {
			return false
		}
	}
	return true
}

// oneOffQR is the value of qr that no reading of rs gave and a reading is
// one digit off: a digit a ruling line runs through, or a dot-matrix digit,
// reads as another at every size, so readings agreeing on it tell nothing
// yet. "" when there is none.
func oneOffQR(rs []reading, qr []string) string {
	for _, q := range qr {
		if readAs(rs, q) {
			continue
		}
		if slices.ContainsFunc(rs, func(x reading) bool { return oneDigitOff(x.s, q) }) {
			return q
		}
	}
	return ""
}

// future reports whether date s (YYYY-MM-DD) is after the day of now, a
// day allowed for time zones; false for a zero now.
func future(s string, now time.Time) bool {
	if now.IsZero() {
		return false
	}
	d, err := time.Parse(time.DateOnly, s)
	return err == nil && d.After(now.AddDate(0, 0, 1))
}

// blurred are the digits a blurred print reads as one another: the round
// ones (6, 8, 9 and 0, whose inner strokes blur shut or open), 1 and 7,
// and 3 and 8.
var blurred = [][2]rune{{'0', '6'}, {'0', '8'}, {'0', '9'}, {'6', '8'}, {'6', '9'}, {'8', '9'}, {'1', '7'}, {'3', '8'}}

// blurMisread reports whether reading s differs from QR value q only where
// a digit of one is a blurred digit of the other (see blurred), the same
// number of them: such a difference, read the same way every time, is as
// likely a misreading as a real one.
func blurMisread(s, q string) bool { return misreadAs(s, q, blurred) }

// checkBlurred are the digits blur reads as one another in a check code's
// twenty: those of blurred, and a dot-matrix 6 whose stroke at the lower
// left blurs open, read as a 5 (a scan's 06024896160271038271 read
// 96024896150271938271 by every crop).
var checkBlurred = append(slices.Clone(blurred), [2]rune{'5', '6'})

// misreadAs reports whether reading s differs from QR value q only where
// a digit of one is a digit of the other the pairs read as one another.
func misreadAs(s, q string, pairs [][2]rune) bool {
	a, b := []rune(s), []rune(q)
	if len(a) != len(b) || s == q {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !slices.Contains(pairs, [2]rune{min(a[i], b[i]), max(a[i], b[i])}) {
			return false
		}
	}
	return true
}

// blurUnsure reports whether value got, decided from readings rs,
// differs from a value of qr only where a digit blurs into another (see
// blurMisread) while a reading, the band's among them, did not give it:
// crops of one box read a dot-matrix 8 as a 6 at every size, where a
// forger's digit reads as itself in the band as well. Such a number is
// not taken. Dates are not held to it: a forger's day read so (16 for
// 18, 06 for 09) is as likely, and their digits stand between 年, 月 and
// 日 where a number's run together.
func blurUnsure(got string, rs []reading, qr []string) bool {
	if got == "" || !slices.ContainsFunc(rs, func(x reading) bool { return x.s != got }) {
		return false
	}
	return slices.ContainsFunc(qr, func(q string) bool { return blurMisread(got, q) })
}

// bandSawQR reports whether date got, read from the crops of v, differs
// from a QR value only where a digit blurs into another (see
// blurMisread) while the band's glyphs of v, not read as a date (a mark
// read as a digit: 201808188), hold that value's digits: crops of a
// dot-matrix date read its 8 as a 6 at every size (2018-06-18), where a
// forger's date reads as itself in the band as well. Such a date is not
// taken.
func bandSawQR(got string, v val, qr []string) bool {
	if got == "" || len(v.g) == 0 {
		return false
	}
	var seen strings.Builder
	for _, g := range v.g {
		seen.WriteRune(g.r)
	}
	band := reNonDigit.ReplaceAllString(seen.String(), "")
	return slices.ContainsFunc(qr, func(q string) bool {
		return blurMisread(got, q) && strings.Contains(band, reNonDigit.ReplaceAllString(q, ""))
	})
}

// disputed reports whether the readings rs of QR value q are split: as
// many sure readings as give q give one value that differs from it only
// where a digit blurs into another that is not a 0 (an 8 for a 9, a 3
// for an 8, a 1 for a 7). A forger's change is the same kind of change,
// and the reading that gives the code's value is then no surer than the
// one that does not: the value is not taken as the code's. A 0 read as
// a 6, 8 or 9 does not dispute it: a dotted or blurred zero reads so.
func disputed(rs []reading, q string) bool {
	n := 0
	others := map[string]int{}
	for _, x := range rs {
		switch {
		case x.s == "":
		case sameValue(x.s, q):
			n++
		case x.conf >= minAgreed && blurMisread(x.s, q) && !zeroMisread(x.s, q):
			others[x.s]++
		}
	}
	for _, m := range others {
		if m >= n {
			return true
		}
	}
	return false
}

// oneDigitOff reports whether s and q, of one length, differ in one
// character.
func oneDigitOff(s, q string) bool {
	a, b := []rune(s), []rune(q)
	if len(a) != len(b) {
		return false
	}
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n == 1
}

// zeroSeen reports whether, where reading s has another digit than a QR
// value's 0, one of the readings rs saw a zero there (a 0, or the 6, 8 or
// 9 a dotted zero reads as): the engine reads a dot-matrix 0 as a 4 now
// and then, the same way at every size, and the other reading tells that
// the glyph is not surely the digit the majority read.
func zeroSeen(s string, qr []string, rs []reading) bool {
	a := []rune(s)
	for _, q := range qr {
		b := []rune(q)
		if len(b) != len(a) {
			continue
		}
		for i := range a {
			if a[i] == b[i] || b[i] != '0' {
				continue
			}
			for _, x := range rs {
				c := []rune(x.s)
				if len(c) == len(a) && c[i] != a[i] && strings.ContainsRune("0689", c[i]) {
					return true
				}
			}
		}
	}
	return false
}

// markContested notes amount got of field f as contested by the digits of
// its readings (see contested) or of the band's, band (see bandContests):
// crossCheck keeps it only when the paper's sums confirm it.
func (r *paperReader) markContested(f ocrField, got string, digits []string, band string) {
	if f.charset != ocr.Amount || !contested(got, digits) && !bandContests(got, band) {
		return
	}
	r.contest(f)
}

// contest notes amount f as contested: crossCheck keeps it only where
// the sums confirm it.
func (r *paperReader) contest(f ocrField) {
	if r.contested == nil {
		r.contested = map[string]bool{}
	}
	r.contested[f.key] = true
}

// contested reports whether the digits of a reading of amount s as read
// (digits, before clean: one that lost its point is still read), as many as
// s has, are others: where a ruling line or a seal's ring crosses a digit,
// the engine reads it one way at one size and another at the next (an 8
// crossed as a 3), and the readings that agree tell nothing of which is
// printed. So are those of a reading a digit short that are neither s's
// after its first (lost under the ¥) nor before its last. No QR value
// confirms s: one that does is what is printed.
func contested(s string, digits []string) bool {
	d := reNonDigit.ReplaceAllString(s, "")
	if d == "" {
		return false
	}
	for _, x := range digits {
		if len(x) == len(d) && x != d || len(x) == len(d)-1 && x != d[1:] && x != d[:len(x)] {
			return true
		}
	}
	return false
}

// bandContests reports whether the band's reading of amount s, its digits
// band, tells that s lost digits at its start: band is s's digits after
// another first digit than a ¥ reads as (a 1 or a 4; ¥380.74 read as
// 80.74 by the crops), or a piece of the value, its decimals lost, that is
// no run of s's digits (35 for crops' 20.56 of ¥3520.56).
func bandContests(s, band string) bool {
	d := reNonDigit.ReplaceAllString(s, "")
	switch {
	case d == "":
		return false
	case len(band) == len(d)+1:
		return band[1:] == d && band[0] != '1' && band[0] != '4'
	}
	return len(band) >= 2 && len(band) < len(d)-1 && !strings.Contains(d, band)
}

// sameValue compares a reading with a QR value: amounts as decimals.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	da, err1 := money.Parse(a)
	db, err2 := money.Parse(b)
	return err1 == nil && err2 == nil && da.Equal(db) && strings.ContainsRune(a, '.')
}

// crossCheck uses the totals' arithmetic and what a tax can be: the paper
// adds up (amount plus tax is the total, on a forged invoice too: its
// forger keeps the sums), and a tax is below its amount by one of the VAT
// rates (17 % the highest there was). A value the arithmetic shows
// misread is dropped, never mended: what it should be is not what was read.
func (r *paperReader) crossCheck(p *Printed, reads map[string]FieldRead) {
	qr := ""
	if r.hint != nil && r.hint.HasAmount {
		qr = r.hint.Amount.Fixed(2)
	}
	conf := map[string]float64{}
	for k, rd := range reads {
		conf[k] = rd.Confidence
	}
	take := func(k, v string, c float64) {
		*amountAt(p, k) = v
		rd := reads[k]
		rd.Confidence, rd.Unsure = round2(c), false
		reads[k] = rd
		conf[k] = rd.Confidence
	}
	if k, v, c, ok := sumsReading(p.Amount, p.Tax, p.Total, qr, r.sums); ok {
		// One of the three read two ways, one of them making the sums
		// add up with the other two as read: the paper tells which.
		take(k, v, c)
	} else if ch, ok := sumsReadings(p.Amount, p.Tax, p.Total, qr, r.sums); ok {
		for k, x := range ch {
			take(k, x.s, x.conf)
		}
	}
	drop := sumsMisread(p.Amount, p.Tax, p.Total, qr, conf)
	// The amount before tax the sums are done with: as read, or where it
	// was not read surely, the QR code's (a tax and a total read wrong do
	// not add up to it by chance).
	before := p.Amount
	if before == "" && r.hint != nil && r.hint.HasAmount && r.hint.AmountMeaning != payload.InclTax {
		before = qr
	}
	if !addsUp(before, p.Tax, p.Total) && !cutAddsUp(before, r.cutTax, p.Tax, p.Total) {
		// An amount whose readings read another digit is taken only
		// where the sums confirm it.
		for _, k := range []string{keyAmount, keyTax, keyTotal} {
			if r.contested[k] && !slices.Contains(drop, k) {
				drop = append(drop, k)
			}
		}
	}
	gone := func(k string) bool { return *amountAt(p, k) == "" || slices.Contains(drop, k) }
	if !gone(keyTotal) && gone(keyAmount) && gone(keyTax) && r.hint != nil && r.hint.HasAmount && r.hint.AmountMeaning == payload.PreTax {
		// A total left alone, where the code carries the amount before
		// tax: it is that amount and a tax of it. One no rate can
		// reach (9726.40 on 2412.74: a 2 read as a 9) is misread, or a
		// forger's whose amount and tax were not read; either way it
		// is not shown as read. The code's amount is compared with the
		// printed amount, not the total, so no verdict changes.
		fs, okS := fen(p.Total)
		if fb, ok := fen(qr); ok && okS && !totalOf(fs, fb) {
			drop = append(drop, keyTotal)
		}
	}
	for _, k := range drop {
		rd := reads[k]
		rd.Unsure = true
		reads[k] = rd
		*amountAt(p, k) = ""
	}
}

// cutAddsUp reports whether total s less amount a is a tax whose print
// the band read to its first decimal only, as cut, where the tax t was not
// read whole: a tax's last digit printed on the form's right rule is lost
// at every size (17974.5 for 17974.59), but the digits read leave the
// total a window of ten fen, which a misread total does not fall in by
// chance.
func cutAddsUp(a, cut, t, s string) bool {
	fa, okA := fen(a)
	fs, okS := fen(s)
	if t != "" || cut == "" || !okA || !okS {
		return false
	}
	d := fenText(fs - fa)
	return len(d) == len(cut)+1 && strings.HasPrefix(d, cut)
}

// amountAt is p's amount, tax or total by its key.
func amountAt(p *Printed, k string) *string {
	switch k {
	case keyAmount:
		return &p.Amount
	case keyTax:
		return &p.Tax
	}
	return &p.Total
}

// appendPointLost appends to rs amount txt, read with conf, with its
// decimal point put back where the engine lost it (2217317 for ¥22173.17,
// printed on a ruling line): before the last two digits, for every amount
// is printed with two. Such a reading is no reading of the amount on its
// own; the sums take it only where it makes them add up (see
// sumsReading). Nothing is appended for a reading with a point, or one of
// fewer than three digits.
func appendPointLost(rs []reading, txt string, conf float64) []reading {
	s := strings.TrimRight(strings.TrimLeft(stripSpaces(nfkc(txt)), "¥Y"), "-")
	if len(s) < 3 || !reDigits.MatchString(s) || s[0] == '0' && len(s) > 3 {
		return rs
	}
	return append(rs, reading{s[:len(s)-2] + "." + s[len(s)-2:], conf})
}

// sumsReading finds where amount a, tax t and total s as settled (""
// where not) do not add up, the one reading among rs (each value's
// readings) that, put in its value's place, makes them add up with the
// other two as read: a reading at least minAgreed sure, of a value the
// QR code's amount qr does not confirm as settled. ok is false where
// none or more than one does; where none does, the one value not read
// surely may be read by the sums (see missingBySums).
func sumsReading(a, t, s, qr string, rs map[string][]reading) (key, v string, conf float64, ok bool) {
	if addsUp(a, t, s) {
		return "", "", 0, false
	}
	val := map[string]string{keyAmount: a, keyTax: t, keyTotal: s}
	cands := sumsCandidates(val, qr, rs)
	for _, k := range []string{keyAmount, keyTax, keyTotal} {
		for _, x := range cands[k] {
			if !makesSums(val, k, x.s) {
				continue
			}
			if ok && (k != key || x.s != v) {
				return "", "", 0, false
			}
			key, v, conf, ok = k, x.s, max(conf, x.conf), true
		}
	}
	if !ok {
		return missingBySums(val, rs)
	}
	return key, v, conf, ok
}

// missingBySums finds, where one of the amount, tax and total (val, by
// key) was not read surely and the other two were, the one reading of it,
// however unsure, that makes the three add up to the fen: the engine gave
// the digits printed, unsure of one it read through a ruling line (the tax
// 333.40, the frame's rule across its last 0, read at 0), and the two
// values read surely say what that digit is. A reading that does not add
// up, as a misread one does not by chance, is not taken; nor two readings
// that each do.
func missingBySums(val map[string]string, rs map[string][]reading) (key, v string, conf float64, ok bool) {
	for _, k := range []string{keyAmount, keyTax, keyTotal} {
		if val[k] != "" {
			continue
		}
		if key != "" {
			return "", "", 0, false
		}
		key = k
	}
	if key == "" {
		return "", "", 0, false
	}
	for _, x := range rs[key] {
		if x.s == "" || !makesSums(val, key, x.s) {
			continue
		}
		if ok && x.s != v {
			return "", "", 0, false
		}
		v, conf, ok = x.s, max(conf, x.conf), true
	}
	return key, v, conf, ok
}

// sumsCandidates lists, for each of the amount, tax and total as settled
// (val, by key), the readings of rs that may stand in its place: readings
// of another value, at least minAgreed sure. A value the QR code's amount
// qr confirms has none.
func sumsCandidates(val map[string]string, qr string, rs map[string][]reading) map[string][]reading {
	out := map[string][]reading{}
	for _, k := range []string{keyAmount, keyTax, keyTotal} {
		out[k] = nil
		if k != keyTax && qr != "" && sameValue(val[k], qr) {
			continue
		}
		for _, x := range rs[k] {
			if x.s != "" && x.s != val[k] && x.conf >= minAgreed {
				out[k] = append(out[k], x)
			}
		}
	}
	return out
}

// sumsReadings finds, where amount a, tax t and total s as settled (""
// where not) do not add up and no one reading in place of one of them
// makes them (see sumsReading), the readings among rs (each value's) that,
// in place of two of them or all three, do: each at least minAgreed sure,
// none in place of a value the QR code's amount qr confirms. Three values
// read apart that add up to the fen are what is printed; the engine's
// misreadings of them do not add up by chance. ok is false where no
// choice does, or more than one.
func sumsReadings(a, t, s, qr string, rs map[string][]reading) (map[string]reading, bool) {
	if addsUp(a, t, s) {
		return nil, false
	}
	val := map[string]string{keyAmount: a, keyTax: t, keyTotal: s}
	// opts are each value's choices: the first as settled (conf -1),
	// then each other value read.
	opts := map[string][]reading{}
	for k, xs := range sumsCandidates(val, qr, rs) {
		opts[k] = []reading{{val[k], -1}}
		for _, x := range xs {
			if !slices.ContainsFunc(opts[k], func(o reading) bool { return o.s == x.s }) {
				opts[k] = append(opts[k], x)
			}
		}
	}
	var found map[string]reading
	n := 0
	for _, x := range opts[keyAmount] {
		for _, y := range opts[keyTax] {
			for _, z := range opts[keyTotal] {
				if !addsUp(x.s, y.s, z.s) {
					continue
				}
				ch := map[string]reading{}
				for k, c := range map[string]reading{keyAmount: x, keyTax: y, keyTotal: z} {
					if c.conf >= 0 {
						ch[k] = c
					}
				}
				if len(ch) < 2 {
					// sumsReading's: it found none, or more than one.
					return nil, false
				}
				found, n = ch, n+1
			}
		}
	}
	return found, n == 1
}

// makesSums reports whether s, in place of the value of key among the
// amount, tax and total val (by key), makes the three add up.
func makesSums(val map[string]string, key, s string) bool {
	alt := maps.Clone(val)
	alt[key] = s
	return addsUp(alt[keyAmount], alt[keyTax], alt[keyTotal])
}

// addsUp reports whether amount a and tax t, both read, make total s.
func addsUp(a, t, s string) bool {
	fa, okA := fen(a)
	ft, okT := fen(t)
	fs, okS := fen(s)
	return okA && okT && okS && fa+ft == fs
}

// maxRate is the highest VAT rate (17 %, before 2018), with room for the
// rounding of each goods line's tax.
const maxRate = 0.18

// totalOf reports whether total s (in fen) can be amount a and its tax:
// at least a, and a tax of at most maxRate of it more, of a's sign.
func totalOf(s, a int64) bool {
	return sameSign(a, s) && abs64(a) <= abs64(s) && float64(abs64(s)) <= (1+maxRate)*float64(abs64(a))+5
}

// sumsMisread lists which of the amount a, tax t and total s (as read,
// "" when not) cannot be what is printed, by the paper's arithmetic: a tax
// that is a piece of the amount or the total (the end of its digits, read
// where a box cut it), as large as either, or above the highest rate; an
// amount that is not below its total by a tax; three that do not add up.
// Which one is misread is told by the others and by the QR code's amount
// qr (a value equal to it is not misread); a 0 read as a 6, 8 or 9 (see
// zeroMisread) that would make the sums add up is the one; where nothing
// tells, the least sure under 0.9 (conf) is dropped, as before, or both
// of a pair that cannot be.
func sumsMisread(a, t, s, qr string, conf map[string]float64) []string {
	fa, okA := fen(a)
	ft, okT := fen(t)
	fs, okS := fen(s)
	ok := map[string]bool{keyAmount: okA, keyTax: okT, keyTotal: okS}
	val := map[string]string{keyAmount: a, keyTax: t, keyTotal: s}
	if addsUp(a, t, s) {
		return nil
	}
	confirmed := func(k string) bool { return qr != "" && k != keyTax && ok[k] && sameValue(val[k], qr) }
	var out []string
	drop := func(ks ...string) {
		for _, k := range ks {
			if ok[k] && !confirmed(k) {
				ok[k] = false
				out = append(out, k)
			}
		}
	}
	// An amount and a total that cannot go together: the total is the
	// amount and a tax of at most maxRate of it.
	pairAS := func() bool { return totalOf(fs, fa) }
	if okT {
		piece := okA && isPiece(t, a) || okS && isPiece(t, s)
		tooBigS := okS && (abs64(ft) >= abs64(fs) || !sameSign(ft, fs))
		tooBigA := okA && (float64(abs64(ft)) > maxRate*float64(abs64(fa))+5 || !sameSign(ft, fa))
		switch {
		case piece || tooBigS:
			drop(keyTax)
		case tooBigA && okS && pairAS():
			drop(keyTax)
		case tooBigA && okS:
			// The total goes with neither: the amount read the tax's
			// print, or the tax the amount's.
			drop(keyAmount)
			if ok[keyAmount] {
				drop(keyTax)
			}
		case tooBigA:
			if confirmed(keyAmount) {
				drop(keyTax)
			} else {
				drop(keyAmount, keyTax)
			}
		}
	}
	if ok[keyAmount] && ok[keyTotal] && !ok[keyTax] && !pairAS() {
		if sameSign(fa, fs) && float64(abs64(fa)) <= maxRate*float64(abs64(fs)) {
			// An amount the size of a tax of the total: the 合计 row's
			// tax read in the amount's place, beside it; the total is
			// read on its own row.
			drop(keyAmount)
		} else {
			drop(keyAmount, keyTotal)
		}
	}
	if !ok[keyAmount] || !ok[keyTax] || !ok[keyTotal] {
		// A tax that joins the other value read to the QR code's amount
		// (its amount before tax, or a 数电 invoice's total) adds up: its
		// rate has nothing to tell.
		q, okQ := fen(qr)
		joins := okQ && ok[keyTax] && (ok[keyTotal] && fs-q == ft || ok[keyAmount] && fa+ft == q)
		switch {
		case joins:
		case okQ && ok[keyAmount] && !ok[keyTax] && !ok[keyTotal] && fa != 0 && fa != q && ofRate(fa, q):
			// An amount alone that is a tax of the QR code's amount: the
			// 合计 row's tax, read in the amount's place beside it.
			drop(keyAmount)
		case okQ && ok[keyTotal] && !ok[keyTax] && !ok[keyAmount] && fs != 0 && fs != q && ofRate(fs, q):
			// A total alone that is a tax of the code's amount: the tax
			// read on the total's row.
			drop(keyTotal)
		case ok[keyTax] && !ok[keyAmount] && !ok[keyTotal]:
			// A tax alone: nothing on the paper to check it by, and the
			// end of an amount whose box cut its first digits off reads
			// as one. It stays when it is of a rate of the QR code's
			// amount (the code does not carry the tax).
			if !okQ || !ofRate(ft, q) {
				drop(keyTax)
			}
		case ok[keyTax] && ok[keyAmount] && rateMisread(t, func(int64) int64 { return fa }):
			drop(keyTax)
		case ok[keyTax] && ok[keyAmount] && !ok[keyTotal] && !ofRate(ft, fa) && rateDigitOff(t, fa):
			// A tax a digit off a rate of its amount: a digit misread
			// (5.32 read as 5.42), which nothing else read can check.
			drop(keyTax)
		case ok[keyTax] && ok[keyTotal] && !ok[keyAmount] && float64(abs64(ft)) > maxRate/(1+maxRate)*float64(abs64(fs))+5:
			// A tax above the highest rate of the amount its total
			// leaves: one of the two is misread, and nothing tells
			// which.
			drop(keyTax, keyTotal)
		case ok[keyTax] && ok[keyAmount] && !ok[keyTotal] && belowRates(ft, fa):
			// A tax of less than the lowest rate of its amount: the end
			// of the tax's digits, its first ones lost where a box cut
			// them (7134.94 read as 4.94).
			drop(keyTax)
		case ok[keyTax] && ok[keyTotal] && rateMisread(t, func(ft int64) int64 { return fs - ft }):
			drop(keyTax)
		}
		// Two of three: the QR code's amount stands for the third only to
		// tell a 0 misread in the tax, which is then dropped.
		if okQ && ok[keyTax] {
			misread := func(want int64) bool { return want > 0 && zeroMisread(t, fenText(want)) }
			if ok[keyTotal] && misread(fs-q) || ok[keyAmount] && misread(q-fa) {
				drop(keyTax)
			}
			// A tax and total that the QR code's amount (an invoice's
			// amount before tax, or a 数电 invoice's total) does not
			// join: the tax is misread (a 7 whose stroke a ruling line
			// crosses reads as a 4), or the total, which is compared
			// with the code on its own. The tax goes.
			if ok[keyTax] && ok[keyTotal] && !ok[keyAmount] && fs != q && fs-q != ft {
				drop(keyTax)
			}
		}
		if okQ && ok[keyTotal] && !ok[keyTax] && !ok[keyAmount] && zeroMended(s, func(f int64) bool { return f == q || f > q && ofRate(f-q, q) }) {
			// A total alone (or left alone, its tax misread) that is
			// not the code's amount and a tax of it, but would be with
			// a 0 read as a 6, 8 or 9 (3719.39 for 3710.39 on 3500.37
			// and 6 %): a dot-matrix 0 misread.
			drop(keyTotal)
		}
		return out
	}
	wants := []struct {
		key  string
		want int64
	}{{keyTax, fs - fa}, {keyAmount, fs - ft}, {keyTotal, fa + ft}}
	for _, k := range wants {
		// A 0 misread, or the end of the digits the other two make it:
		// a value whose box cut its first digits off.
		if (zeroMisread(val[k.key], fenText(k.want)) || isPiece(val[k.key], fenText(k.want))) && !confirmed(k.key) {
			drop(k.key)
			return out
		}
	}
	// Then the one that differs from what the other two make it only by
	// digits that blur into one another, or else by one digit alone: a
	// misread glyph, where the other two would need several. Where two
	// of them read so, nothing tells which.
	for _, misread := range []func(s, q string) bool{blurMisread, oneDigitOff} {
		var hit []string
		for _, k := range wants {
			if !confirmed(k.key) && misread(val[k.key], fenText(k.want)) {
				hit = append(hit, k.key)
			}
		}
		if len(hit) == 1 {
			drop(hit[0])
			return out
		}
	}
	// A total that cannot go with an amount the QR code confirms (below
	// it, or above it by more than the highest rate): the total is the
	// one misread, whatever the tax (156084.89 for 196084.09 on
	// 179882.75).
	if confirmed(keyAmount) && !pairAS() {
		drop(keyTotal)
		return out
	}
	// A tax of no rate of its amount, where the tax the amount and the
	// total make is of one: the tax is the one misread (155.11 read as
	// 5.41, its first digits lost where a box cut them).
	if !ofRate(ft, fa) && ofRate(fs-fa, fa) {
		drop(keyTax)
		return out
	}
	least, k := 2.0, ""
	for _, key := range []string{keyAmount, keyTax, keyTotal} {
		if c := conf[key]; c < least && !confirmed(key) {
			least, k = c, key
		}
	}
	if k != "" && least < 0.9 {
		drop(k)
	}
	return out
}

// vatRates are the VAT rates and levy rates a tax is of its amount.
var vatRates = []float64{0.17, 0.16, 0.13, 0.11, 0.10, 0.09, 0.06, 0.05, 0.03, 0.015, 0.01, 0.005}

// rateTolerance is how far, in fen, an invoice's tax may be from its
// rate of the amount: each goods line's tax is rounded on its own, half a
// fen at most, and the form has eight lines. The tax authority admits
// 1.27 yuan in all (an invoice with a list of goods), but that much lets
// a digit misread in the jiao pass: such a tax is then not known to be of
// a rate, and a tax nothing else checks is left unread.
const rateTolerance = 4

// ofRate reports whether tax is one of the rates of amount (both in fen).
func ofRate(tax, amount int64) bool {
	if tax == 0 {
		return true
	}
	for _, r := range vatRates {
		if abs64(tax-int64(math.Round(float64(amount)*r))) <= rateTolerance {
			return true
		}
	}
	return false
}

// belowRates reports whether tax (in fen, not 0) is less than the lowest
// rate of amount: goods of several rates give a tax between their rates'
// shares of the amount, never below the lowest.
func belowRates(tax, amount int64) bool {
	low := vatRates[len(vatRates)-1]
	return tax != 0 && abs64(tax)+rateTolerance < int64(math.Round(low*float64(abs64(amount))))
}

// rateDigitOff reports whether tax t as read differs from a rate of
// amount (in fen) by one digit of its jiao or fen: goods of several rates
// give a tax yuan off each rate's, not a few jiao.
func rateDigitOff(t string, amount int64) bool {
	for _, r := range vatRates {
		q := fenText(int64(math.Round(float64(amount) * r)))
		if n := len(q); len(t) == n && t[:n-2] == q[:n-2] && oneDigitOff(t, q) {
			return true
		}
	}
	return false
}

// rateMisread reports whether tax t as read is of no rate of its amount
// (given by amount from the tax) while t with some 6, 8 or 9 taken for a
// misread 0 is: a dot-matrix or blurred 0 (see zeroMisread), with the
// rates standing for the missing third of the sums. A tax of several
// rates fits none, and is then kept unless a misread 0 would make it fit.
func rateMisread(t string, amount func(tax int64) int64) bool {
	return zeroMended(t, func(tax int64) bool { return ofRate(tax, amount(tax)) })
}

// zeroMended reports whether amount t as read does not fit (by fits, in
// fen) while t with some 6, 8 or 9 taken for a misread 0 does.
func zeroMended(t string, fits func(int64) bool) bool {
	ft, ok := fen(t)
	if !ok || fits(ft) {
		return false
	}
	rs := []rune(t)
	var at []int
	for i, c := range rs {
		if c == '6' || c == '8' || c == '9' {
			at = append(at, i)
		}
	}
	if len(at) > 10 {
		return false
	}
	for m := 1; m < 1<<len(at); m++ {
		v := slices.Clone(rs)
		for j, i := range at {
			if m&(1<<j) != 0 {
				v[i] = '0'
			}
		}
		w := strings.TrimPrefix(string(v), "-")
		if w[0] == '0' && w[1] != '.' {
			continue // no amount is printed with a leading 0
		}
		if f, ok := fen(string(v)); ok && fits(f) {
			return true
		}
	}
	return false
}

// fen reads an amount as read ("-12.30") in fen.
func fen(s string) (int64, bool) {
	if !reAmount.MatchString(s) {
		return 0, false
	}
	neg := strings.HasPrefix(s, "-")
	n := int64(0)
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// fenText writes n fen as an amount is printed.
func fenText(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/100, 10) + "." + pad2(int(n%100))
}

// isPiece reports whether amount t is the end of amount a's digits, fewer
// of them, its dot-matrix 0s perhaps read as 6, 8 or 9 (see zeroMisread):
// a box that cut a's first digits off, or a ¥ and a 1 run together and
// lost with them (¥10695.43 read as 9695.43).
func isPiece(t, a string) bool {
	t, a = strings.TrimPrefix(t, "-"), strings.TrimPrefix(a, "-")
	if len(t) >= len(a) {
		return false
	}
	end := a[len(a)-len(t):]
	return end == t || zeroMisread(t, end)
}

func sameSign(a, b int64) bool { return a == 0 || b == 0 || (a < 0) == (b < 0) }

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
