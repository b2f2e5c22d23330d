package document

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

// Reading the paper: a photo, a scan, a webcam frame or an image-only PDF
// page. The QR code's corners give the form's position, scale and rotation;
// bands of the form where the captions sit are read by OCR into glyphs with
// boxes, which go through the same caption-and-position reader as a PDF's
// text layer. Each value found is then read again in its own box with the
// characters it may hold (digits for numbers, digits and a point for
// amounts), and kept only when the readings agree.

// FieldRead is how one printed value was read by OCR.
type FieldRead struct {
	// Confidence is the engine's, from 0 to 1, of the least sure character.
	Confidence float64 `json:"confidence"`
	// Region is where the value is on the page.
	Region Region `json:"region"`
	// Unsure is true when the value was seen but not read surely enough to
	// be kept: its printed value is "" and the clerk should look at Region.
	Unsure bool `json:"unsure,omitempty"`
}

// Region is a rectangle on a page as fractions of its width and height,
// from the top-left corner: the same on the image, on a preview of it at
// any size and on a PDF page rendered at any resolution.
type Region struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// Rect is r on a page of w × h pixels.
func (r Region) Rect(w, h int) image.Rectangle {
	return image.Rect(int(math.Floor(r.X0*float64(w))), int(math.Floor(r.Y0*float64(h))),
		int(math.Ceil(r.X1*float64(w))), int(math.Ceil(r.Y1*float64(h))))
}

// SourceOCR is Printed.Source for values read from the page's picture.
const SourceOCR = "ocr"

// Thresholds of the honesty rules: a value the QR code does not carry, or
// carries differently, is kept only when two readings agree and no character
// is less sure than minAgreed; a value the QR code confirms needs minQR.
const (
	minAgreed = 0.70
	minQR     = 0.20
	minAlone  = 0.90 // no QR code to compare with: one sure reading
)

// qrSide is the side of a QR symbol in the frame the form is read in:
// about 7 pixels per millimetre for a 19 mm symbol, where 9-point print is
// 20 pixels tall; Tesseract read invoices best there. The engine's time
// goes by the size of the print as much as by the characters read (a band
// read at 0.6 of this scale took 0.6 of the time), which is why a band of
// a 100 dpi scan, enlarged to this frame, costs more than the whole page
// read as scanned; but bands read smaller (at the scan's own resolution,
// or at 0.8 of this frame) lost taxpayer IDs, a date and a total there.
const qrSide = 130.0

// band is a part of the form in QR sides from the symbol's top-left corner.
type band struct{ x0, y0, x1, y1 float64 }

// readBand is a band read for the fields it needs: it is not read when
// the bands before it gave these values already.
type readBand struct {
	band
	needs []string
}

// bands cover where both layouts (税控 and 数电) print the captions read:
// the header fields top right (not the title: slow and not needed), the
// parties' names and taxpayer IDs, the 合计 and 价税合计 rows. The engine's
// time goes by the characters it reads, so the rest is left out: the goods
// table, the parties' addresses and bank accounts, the 密码区 and the 备注.
// The totals band is whole, with a margin above and below its two rows:
// cut to them, or with the amount in words cut out, it lost totals on
// scans and photos for no time saved. The margins take the dot-matrix
// offset of 税控 values and what is left of the perspective. On a 税控
// form the totals band holds the seller's name and taxpayer ID too; the
// seller's band, which reaches lower for a form printed lower, is not
// read when the totals band gave the seller's taxpayer ID. Where it gave
// none either, the seller's rows may sit a row lower, under a 价税合计 row
// drawn taller than the usual form's: sellerLower is read.
var (
	bandsTaxControl = []readBand{
		{band{7.0, -0.9, 12.8, 1.55}, nil},
		{band{-0.7, 1.35, 7.3, 2.4}, nil},
		{band{-0.7, 3.9, 13.8, 5.7}, nil},
		{band{-0.7, 5.15, 7.3, 5.95}, []string{keySellerTaxID}},
	}
	bandsDigital = []readBand{
		{band{7.0, -0.9, 12.8, 1.05}, nil},
		{band{-0.7, 1.1, 13.8, 2.3}, nil},
		{band{-0.7, 3.9, 13.8, 5.7}, nil},
	}
)

// The header values of a 税控 form (code, number, date and check code)
// are 46 to 48 digits, printed in a column right of their captions. A
// header band that gave fewer than minHeaderDigits of them read most as
// nothing: on a 100 dpi scan, dot-matrix values printed half a row off
// their captions, which the engine took for one line with them and gave
// only the captions of. The column alone reads them.
const minHeaderDigits = 14

// headerValuesX is where the header values' column starts, in QR sides: the
// captions (发票代码: and the rest) end left of it.
const headerValuesX = 8.9

// headerDigits counts the digits read in the header band's values column.
func headerDigits(gs []glyph) int {
	n := 0
	for _, g := range gs {
		if isDigitGlyph(g.r) && (g.x0+g.x1)/2 >= headerValuesX*qrSide {
			n++
		}
	}
	return n
}

// headerColumn is the values column of header band b, whose glyphs are
// gs: right of headerValuesX, and of the captions read in b where a form
// printed further right ends them past it.
func headerColumn(b band, gs []glyph) band {
	b.x0 = max(b.x0, headerValuesX)
	for _, g := range gs {
		if x := g.x1 / qrSide; unicode.Is(unicode.Han, g.r) && (g.x0+g.x1)/2 < (headerValuesX+0.4)*qrSide && x > b.x0 {
			b.x0 = x
		}
	}
	return b
}

// sellerLower is the 税控 seller's band a row lower, for a form whose
// 价税合计 row is drawn taller and whose rules were not found to place the
// band by (a bent sheet bows them).
var sellerLower = readBand{band{-0.7, 5.45, 7.3, 6.25}, []string{keySellerTaxID}}

// bandSlack is the margin, in QR sides, the bands below the code leave
// around the rows they are for.
const bandSlack = 0.25

// formNeeds are the values whose rows lie furthest down the form: when the
// bands gave them all, the form is where the bands looked.
var formNeeds = []string{keyTotal, keyBuyerTaxID, keySellerTaxID}

// layoutBands are the bands of the page's layout, whose usual rules the
// form is taken to have until its own are found.
func (r *paperReader) layoutBands() []readBand {
	bands, usual := bandsTaxControl, rulesTaxControl
	if r.isDigital() {
		bands, usual = bandsDigital, rulesDigital
	}
	r.usual, r.form = usual, usual
	return bands
}

// bandRegions are bands in the reading frame's pixels, and what each is
// read for.
func bandRegions(bands []readBand) ([]image.Rectangle, [][]string) {
	regions := make([]image.Rectangle, len(bands))
	needs := make([][]string, len(bands))
	for i, b := range bands {
		regions[i], needs[i] = b.rect(), b.needs
	}
	return regions, needs
}

// rect is b in the reading frame's pixels.
func (b readBand) rect() image.Rectangle {
	return image.Rect(int(b.x0*qrSide), int(b.y0*qrSide), int(b.x1*qrSide), int(b.y1*qrSide))
}

// placed is band b on the form as printed: a band below the code reaches
// as far as the form's rules put its rows, where that is further than its
// margins take, and half a margin more (a row cut through is not read);
// never less far, for a 税控 printer's values lie off the form's rows by
// as much as the margins. moved is false when b stays as it is.
func (r *paperReader) placed(b readBand) (readBand, bool) {
	if b.y0 < 1 {
		return b, false
	}
	moved := false
	if y0 := r.formY(b.y0); y0 < b.y0-bandSlack {
		b.y0, moved = y0-bandSlack/2, true
	}
	if y1 := r.formY(b.y1); y1 > b.y1+bandSlack {
		b.y1, moved = y1+bandSlack/2, true
	}
	return b, moved
}

// ImageOptions tune ReadImage.
type ImageOptions struct {
	// QR is the invoice code the page was found by, with its corners; nil
	// when the page has none, and then the whole page is read.
	QR *imaging.Code
	// Progress, when set, is called after each region read with the
	// regions done and the regions planned so far.
	Progress func(done, total int)
}

// ReadImage reads the printed values of the invoice in img by OCR. The
// values are only what was read on the paper: the QR code's values choose
// between readings that disagree, never stand in for them; a value not read
// surely is "" and listed in Reads as unsure.
func ReadImage(ctx context.Context, eng ocr.Engine, img image.Image, opt ImageOptions) (Printed, error) {
	if eng == nil {
		return Printed{}, fmt.Errorf("read image: %w", ocr.ErrUnavailable)
	}
	if img == nil || img.Bounds().Empty() {
		return Printed{}, errors.New("read image: empty image")
	}
	r := &paperReader{ctx: ctx, eng: eng, opt: opt, img: img, srcScale: 1, now: time.Now()}
	r.src = imaging.PlaneOf(img, imaging.Luma)
	if opt.QR != nil {
		// Checked for what its type says of its fields (which total its
		// amount is); its findings are the scan's business.
		r.hint = payload.Parse(opt.QR.Text)
		payload.Check(r.hint, time.Now())
	}
	p, err := r.read()
	if err != nil {
		return Printed{}, err
	}
	return p, nil
}

type paperReader struct {
	ctx  context.Context
	eng  ocr.Engine
	opt  ImageOptions
	src  *imaging.Plane
	hint *payload.Result
	// img is the picture src is the luma of, srcScale how src was
	// scaled from it; print is its Print plane at src's size, made when
	// a value is first read where red ink lies (see warpValue), nil
	// for a picture without colour.
	img      image.Image
	srcScale float64
	print    *imaging.Plane
	printed  bool
	// digital is true when the page, read with no code, has a 数电
	// form's frame.
	digital bool
	// toSrc maps the reading frame to src's pixels.
	toSrc imaging.Homography
	// usual are the rules of the layout's usual form, form those found on
	// the page (usual when none were).
	usual, form formRules
	done, plan  int
	// anchored is true when the reading frame is the form's (from its
	// code or its frame), where print is frameEm tall.
	anchored bool
	// sum is the amount plus the tax as settled, "" until both are: a
	// reading of the total equal to it is confirmed by the paper itself.
	sum string
	// contested are the amounts settled whose readings read another
	// digit (see contested).
	contested map[string]bool
	// sums are the readings of the amount, tax and total settled from.
	sums map[string][]reading
	// cutTax is the tax as the band read it to one decimal only (a digit
	// on a ruling line lost), "" when it read it otherwise.
	cutTax string
	// now is when the page is read: no date printed on it is later.
	now time.Time
}

// isDigital reports whether the form is laid out as a 数电 one, by its
// code or, with none, by its frame.
func (r *paperReader) isDigital() bool {
	return r.digital || r.hint != nil && r.hint.IsDigital()
}

// formY is where y of the usual form is on the form as printed, in QR
// sides.
func (r *paperReader) formY(y float64) float64 { return r.usual.place(r.form, y) }

func (r *paperReader) progress() {
	r.done++
	if r.opt.Progress != nil {
		r.opt.Progress(r.done, max(r.plan, r.done))
	}
}

func (r *paperReader) read() (Printed, error) {
	var regions []image.Rectangle
	var needs [][]string
	var planned []readBand
	anchored := false
	if r.opt.QR != nil && !r.ticket() {
		if a, ok := imaging.QRFrame(r.opt.QR.Points, 0, 0, qrSide); ok {
			h := imaging.HomographyOf(a)
			if hp, ok := rectify(r.src, a, r.opt.QR.Points); ok {
				h = hp
			}
			r.setFrame(h, qrSide*7, qrSide*3)
			anchored = true
			planned = r.layoutBands()
		}
	}
	if !anchored && r.opt.QR == nil {
		// No code to anchor on: the form's outer frame stands in for it.
		if h, digital, ok := formAnchor(r.src); ok {
			r.setFrame(h, qrSide*7, qrSide*3)
			anchored, r.digital = true, digital
			planned = framePlan(r.layoutBands())
		}
	}
	regions, needs = bandRegions(planned)
	r.anchored = anchored
	if !anchored {
		// No code nor frame to anchor on: the whole image, at a size
		// Tesseract handles; the text size is unknown.
		f := math.Min(1, 2600/float64(max(r.src.W, r.src.H)))
		r.setFrame(imaging.Homography{1 / f, 0, 0, 0, 1 / f, 0, 0, 0, 1}, 0, 0)
		regions = append(regions, image.Rect(0, 0, int(float64(r.src.W)*f), int(float64(r.src.H)*f)))
	}
	r.plan = len(regions) + 6
	var bandGlyphs [][]glyph
	// at is where each region's glyphs are in bandGlyphs, -1 when it was
	// not read.
	at := make([]int, len(regions))
	for i, rg := range regions {
		if err := r.ctx.Err(); err != nil {
			return Printed{}, err
		}
		at[i] = -1
		if anchored && found(needs[i], bandGlyphs) {
			r.progress()
			continue
		}
		gs, err := r.readBand(r.warp(rg), rg)
		if err != nil {
			return Printed{}, err
		}
		at[i] = len(bandGlyphs)
		bandGlyphs = append(bandGlyphs, gs)
	}
	if anchored && !found(formNeeds, bandGlyphs) {
		// A form drawn at its own proportions: the bands whose rows its
		// rules put elsewhere are read again there, on a page anchored
		// on its code or on its frame.
		r.form, _ = r.usual.fit(r.findRules())
		for i, b := range planned {
			nb, moved := r.placed(b)
			if !moved {
				continue
			}
			if err := r.ctx.Err(); err != nil {
				return Printed{}, err
			}
			rg := nb.rect()
			gs, err := r.readBand(r.warp(rg), rg)
			if err != nil {
				return Printed{}, err
			}
			if at[i] < 0 {
				bandGlyphs = append(bandGlyphs, gs)
			} else {
				bandGlyphs[at[i]] = gs
			}
		}
	}
	if anchored && !r.isDigital() && !found(sellerLower.needs, bandGlyphs) {
		if err := r.ctx.Err(); err != nil {
			return Printed{}, err
		}
		b := sellerLower
		b.y0, b.y1 = r.formY(b.y0), r.formY(b.y1)
		rg := b.rect()
		gs, err := r.readBand(r.warp(rg), rg)
		if err != nil {
			return Printed{}, err
		}
		bandGlyphs = append(bandGlyphs, gs)
	}
	if anchored && !r.isDigital() && at[0] == 0 && headerDigits(bandGlyphs[0]) < minHeaderDigits {
		// The header band's values read as nothing, their captions
		// read: the values alone, right of the captions, are read as a
		// band of their own, taken with the header band's glyphs.
		if err := r.ctx.Err(); err != nil {
			return Printed{}, err
		}
		rg := readBand{band: headerColumn(planned[0].band, bandGlyphs[0])}.rect()
		gs, err := r.readBand(r.warp(rg), rg)
		if err != nil {
			return Printed{}, err
		}
		bandGlyphs[0] = append(slices.Clip(bandGlyphs[0]), gs...)
	}
	glyphs := dedupe(bandGlyphs)
	p, vs := readFields(pageText{glyphs: glyphs, ocr: true})
	if anchored {
		// Without the lines along the rows first, then without the
		// columns' sides too where that lost them still.
		for _, sides := range []bool{false, true} {
			more, err := r.unruledSums(regions, vs, sides)
			if err != nil {
				return Printed{}, err
			}
			if more == nil {
				break
			}
			bandGlyphs = append(bandGlyphs, more)
			sumsReadAgain(&p, vs, bandGlyphs, more)
		}
	}
	boxedTwice(vs, &p)
	inkTotal := ""
	if t := vs[keyTotal].s; anchored && (t == "" || lostDecimals(t) > 0) {
		// A row the bands' reading dropped whole or in part (a photo's
		// 价税合计 row, its rules close about the print; a dot-matrix
		// total of which it kept a digit or two) is read on its own with the
		// 合计 row above it: the right half of the form from the 合计
		// row's amounts, above the goods' bottom rule, to the 价税合计
		// row's rule, where the (小写) caption and the total are printed,
		// with a dot-matrix printer's offset about them. A (小写) caption
		// lost, the total is known as the one amount after a ¥ below the
		// row with two (see readSums).
		b := band{7.0, r.formY(r.usual[2]) - 0.45, 12.8, r.formY(r.usual[3]) + 0.2}
		rg := readBand{band: b}.rect()
		row := r.warp(rg)
		gs, err := r.readBand(row, rg)
		if err != nil {
			return Printed{}, err
		}
		// What the row alone gives of the total is taken for what the
		// bands gave of it, unless it lacks more of its decimals: it
		// is read where the total is printed, and read again from
		// there (see settle).
		if p2, vs2 := readFields(pageText{glyphs: gs, ocr: true}); vs2[keyTotal].s != "" && (t == "" || lostDecimals(vs2[keyTotal].s) <= lostDecimals(t)) {
			vs[keyTotal], p.Total = vs2[keyTotal], p2.Total
		}
		if vs[keyTotal].s == "" {
			if v, ok := r.inkTotal(row, rg); ok {
				vs[keyTotal], inkTotal = v, v.s
			}
		}
	}
	p.Items = nil // the goods table is not read
	if anchored {
		// Where bands overlap, a line two bands read differently is
		// read in pieces of each: a taxpayer ID one band read whole is
		// taken from it.
		for _, bg := range bandGlyphs {
			fillTaxIDs(&p, vs, taxIDsByShape(buildLines(pageText{glyphs: bg, ocr: true})))
		}
		if !r.isDigital() {
			codeByShape(bandGlyphs[0], vs)
		}
		headerByPlace(bandGlyphs[0], r.isDigital(), vs)
		r.parties(&p, vs)
	}
	reads := map[string]FieldRead{}
	for _, f := range ocrFields {
		v, ok := vs[f.key]
		if !ok {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			return Printed{}, err
		}
		if f.key == keyTotal {
			r.sum = paperSum(p.Amount, p.Tax)
		}
		got, conf := r.settle(f, v)
		if f.key == keyTotal && inkTotal != "" && intDigits(inkTotal) > intDigits(got) {
			// Read from its ink alone (see inkTotal): the readings
			// after its ¥ must give as many digits as the whole run
			// read; fewer, the run's first glyph was a digit.
			got = ""
		}
		*f.at(&p) = got
		reads[f.key] = FieldRead{Confidence: round2(conf), Region: r.region(v.box), Unsure: got == ""}
	}
	if p.Tax == "***" {
		delete(reads, keyTax)
	}
	r.crossCheck(&p, reads)
	if p.Kind != "" {
		// The title was read in free text; keep it only as a hint of the type.
		if p.TypeCode == "" {
			p.Kind = ""
		}
	}
	p.Reads = reads
	if p.Empty() {
		p.NeedsTyping = true
	} else {
		p.Source = SourceOCR
	}
	return p, nil
}

// sumsReadAgain fills p and vs with what the totals rows read again
// (more, the last of bands) give. They fill only what the bands missed, or
// gave without its point and decimals (a caption's 写 read as a 5 for a
// total the rules hid): a value read stays as read, since mixing two
// readings of one line can spoil it. Where the bands' line of the 合计 row
// is kept over the one read again and lacks a value (¥¥15.96 for ¥364.78
// ¥15.96), the value is the one the row read again alone gives. Not the
// total's: a total still missing is read on its own row (see read).
func sumsReadAgain(p *Printed, vs map[string]val, bands [][]glyph, more []glyph) {
	p2, vs2 := readFields(pageText{glyphs: dedupe(bands), ocr: true})
	p3, vs3 := readFields(pageText{glyphs: more, ocr: true})
	for _, f := range []struct {
		key             string
		at, from, alone *string
	}{{keyAmount, &p.Amount, &p2.Amount, &p3.Amount}, {keyTax, &p.Tax, &p2.Tax, &p3.Tax}, {keyTotal, &p.Total, &p2.Total, &p3.Total}} {
		v, ok := vs2[f.key]
		from := f.from
		if (!ok || v.s == "") && f.key != keyTotal {
			v, ok = vs3[f.key]
			from = f.alone
		}
		if ok && v.s != "" && (vs[f.key].s == "" || lostDecimals(vs[f.key].s) > 0 && lostDecimals(v.s) == 0) {
			vs[f.key], *f.at = v, *from
		}
	}
}

// boxedTwice drops the total of vs and p where the caption reading boxed
// it where it boxed the amount or the tax: it gave the 合计 row's value
// for the total too, the 价税合计 row lost, and the total is not there.
func boxedTwice(vs map[string]val, p *Printed) {
	for _, k := range []string{keyAmount, keyTax} {
		if t, a := vs[keyTotal], vs[k]; t.s != "" && a.s != "" && sameBox(t.box, a.box) {
			delete(vs, keyTotal)
			p.Total = ""
			return
		}
	}
}

// readBand reads img, the picture of the frame's region rg, as free text.
func (r *paperReader) readBand(img *image.Gray, rg image.Rectangle) ([]glyph, error) {
	gs, err := r.eng.Read(r.ctx, img, ocr.Options{Charset: ocr.Text, Layout: ocr.Sparse})
	if err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	r.progress()
	return flatten(gs, rg.Min), nil
}

// ticket reports whether the page is a railway or air ticket laid out as
// one: its QR code right of the page's middle (along the code's own
// across, whichever way the picture is turned), its values left of it,
// where neither form prints them. Such a page is read whole, as a page
// without a code is.
func (r *paperReader) ticket() bool {
	q, ps := r.hint, r.opt.QR.Points
	if q == nil || q.TypeCode != "51" && q.TypeCode != "61" || len(ps) != 4 {
		return false
	}
	cx, cy := (ps[0].X+ps[1].X+ps[2].X+ps[3].X)/4, (ps[0].Y+ps[1].Y+ps[2].Y+ps[3].Y)/4
	ax, ay := ps[1].X-ps[0].X, ps[1].Y-ps[0].Y
	return (float64(r.src.W)/2-cx)*ax+(float64(r.src.H)/2-cy)*ay < 0
}

// found reports whether the glyphs of the bands read so far give every
// field of needs a value the layout reader took: a band needed for those
// only is then not read. A field seen but not read (a caption with no
// clean value after it) is not found. Nothing is found for no needs.
func found(needs []string, read [][]glyph) bool {
	if len(needs) == 0 || len(read) == 0 {
		return false
	}
	_, vs := readFields(pageText{glyphs: dedupe(read), ocr: true})
	for _, k := range needs {
		if vs[k].s == "" {
			return false
		}
	}
	return true
}

// setFrame sets the mapping from the reading frame to the source image. A
// frame much coarser than the image (at (x, y) of the frame, the middle of
// what is read) is sampled from a reduced copy, so that bilinear sampling
// does not alias.
func (r *paperReader) setFrame(h imaging.Homography, x, y float64) {
	if scale := h.Scale(x, y); scale > 1.25 {
		f := 1 / scale
		r.src = r.src.Scale(f)
		r.srcScale *= f
		h = h.Scaled(f)
	}
	r.toSrc = h
}

// warp cuts rg of the reading frame out of the image.
func (r *paperReader) warp(rg image.Rectangle) *image.Gray {
	return r.warpScaled(rg, 1)
}

// warpScaled cuts rg of the reading frame out of the image k times as
// large.
func (r *paperReader) warpScaled(rg image.Rectangle, k float64) *image.Gray {
	return evenLight(r.cut(r.src, rg, k)).Image()
}

// cut is rg of the reading frame, k times as large, out of p, a plane of
// src's size.
func (r *paperReader) cut(p *imaging.Plane, rg image.Rectangle, k float64) *imaging.Plane {
	h := r.toSrc.Then(float64(rg.Min.X), float64(rg.Min.Y))
	for _, i := range []int{0, 1, 3, 4, 6, 7} {
		h[i] /= k
	}
	return p.WarpHomography(h, int(float64(rg.Dx())*k), int(float64(rg.Dy())*k))
}

// warpValue cuts a value's box rg of the reading frame out of the image k
// times as large. Values are printed in black or blue: where red ink lies
// on the box (the seller's seal stamped across the total, its ring under
// a digit), the box is cut from the picture's Print plane, where the seal
// fades to the paper and the digits stay as they are.
func (r *paperReader) warpValue(rg image.Rectangle, k float64) *image.Gray {
	g := r.cut(r.src, rg, k)
	if p := r.printPlane(); p != nil {
		if q := r.cut(p, rg, k); imaging.RedInk(g, q, image.Rect(0, 0, g.W, g.H)) {
			g = q
		}
	}
	return evenLight(g).Image()
}

// printPlane is the picture's Print plane at src's size, made once; nil
// when the picture has no colour.
func (r *paperReader) printPlane() *imaging.Plane {
	if !r.printed {
		r.printed = true
		if r.img != nil && imaging.HasColour(r.img) {
			r.print = imaging.PlaneOf(r.img, imaging.Print)
			if r.srcScale != 1 {
				r.print = r.print.Scale(r.srcScale)
			}
			if r.print.W != r.src.W || r.print.H != r.src.H {
				r.print = nil
			}
		}
	}
	return r.print
}

// region maps a box of the reading frame to fractions of the image.
func (r *paperReader) region(b [4]float64) Region {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}} {
		x, y := r.toSrc.Apply(c[0], c[1])
		x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
	}
	w, h := float64(r.src.W), float64(r.src.H)
	cl := func(v float64) float64 { return round4(math.Max(0, math.Min(1, v))) }
	return Region{cl(x0 / w), cl(y0 / h), cl(x1 / w), cl(y1 / h)}
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
func round4(f float64) float64 { return math.Round(f*10000) / 10000 }

// flatten turns an engine's glyphs into the reader's, offset into the
// reading frame. The glyphs of one engine line share the line's top and
// bottom, as a text layer's do: a point or a comma sits low in its own box
// and would otherwise fall out of its line, and a character the engine
// gave a box half as tall again (reaching into the ruling line or the row
// above) would pull its line apart.
func flatten(gs []ocr.Glyph, off image.Point) []glyph {
	byLine := map[int][]int{}
	for i, g := range gs {
		byLine[g.Line] = append(byLine[g.Line], i)
	}
	var out []glyph
	for _, idx := range byLine {
		var hs, tight []int
		for _, i := range idx {
			hs = append(hs, gs[i].Box.Dy())
			if r, _ := utf8.DecodeRuneInString(gs[i].Text); unicode.Is(unicode.Han, r) {
				tight = append(tight, gs[i].Box.Dy())
			}
		}
		sort.Ints(hs)
		medH := hs[len(hs)/2]
		if sort.Ints(tight); len(tight) >= 4 && tight[len(tight)/4]*10 < medH*8 {
			// The engine gives the Chinese characters of a word the
			// word's box now and then, the height of two rows; never a
			// box too small. A Chinese line whose characters' boxes are
			// mostly too tall is as tall as its tightest quarter.
			medH = tight[len(tight)/4]
		}
		var y0s, y1s []int
		for _, i := range idx {
			if b := gs[i].Box; b.Dy()*10 >= medH*7 && b.Dy()*10 <= medH*13 {
				y0s, y1s = append(y0s, b.Min.Y), append(y1s, b.Max.Y)
			}
		}
		sort.Ints(y0s)
		sort.Ints(y1s)
		ly0, ly1 := float64(y0s[len(y0s)/2]+off.Y), float64(y1s[len(y1s)/2]+off.Y)
		for _, i := range idx {
			g := gs[i]
			rs := []rune(g.Text)
			w := float64(g.Box.Dx()) / float64(len(rs))
			y0, y1 := ly0, ly1
			for k, c := range rs {
				x0 := float64(g.Box.Min.X+off.X) + w*float64(k)
				out = append(out, glyph{r: c, x0: x0, x1: x0 + w, y0: y0, y1: y1, unsure: 1 - g.Conf})
			}
		}
	}
	return out
}

// dedupe drops glyphs read twice where bands overlap. Two bands' readings
// of one line are not mixed: taken character by character, the surer
// copy of each, they interleave where the two differ ("武汉城市一一卡通"
// of 武汉城市一卡通 read as 武汉城市一卡通 and 武汉城市卡通). Of two lines
// of different bands on one row and overlapping along it, the one read
// more surely where they overlap is kept whole there; what only the
// other read, beyond it, is kept too.
func dedupe(bands [][]glyph) []glyph {
	type bandLine struct {
		b      int
		g      []glyph
		x0, x1 float64
		y0, y1 float64
		drop   []bool
	}
	var ls []*bandLine
	for b, bg := range bands {
		for _, l := range buildLines(pageText{glyphs: bg, ocr: true}) {
			bl := &bandLine{b: b, g: l.g, x0: math.Inf(1), x1: math.Inf(-1), y0: l.y0, y1: l.y1, drop: make([]bool, len(l.g))}
			for _, g := range l.g {
				bl.x0, bl.x1 = math.Min(bl.x0, g.x0), math.Max(bl.x1, g.x1)
			}
			ls = append(ls, bl)
		}
	}
	// unsureIn is the mean doubt of l's glyphs between x0 and x1, and
	// how many there are.
	unsureIn := func(l *bandLine, x0, x1 float64) (float64, int) {
		sum, n := 0.0, 0
		for k, g := range l.g {
			if c := (g.x0 + g.x1) / 2; c >= x0 && c <= x1 && !l.drop[k] {
				sum += g.unsure
				n++
			}
		}
		if n == 0 {
			return 1, 0
		}
		return sum / float64(n), n
	}
	for i, a := range ls {
		for _, c := range ls[i+1:] {
			if a.b == c.b {
				continue
			}
			iy := math.Min(a.y1, c.y1) - math.Max(a.y0, c.y0)
			x0, x1 := math.Max(a.x0, c.x0), math.Min(a.x1, c.x1)
			if iy < 0.5*math.Min(a.y1-a.y0, c.y1-c.y0) || x1 <= x0 {
				continue
			}
			ua, na := unsureIn(a, x0, x1)
			uc, nc := unsureIn(c, x0, x1)
			if na == 0 || nc == 0 {
				continue
			}
			keep, other := a, c
			if uc < ua {
				keep, other = c, a
			}
			for k, g := range other.g {
				if cx := (g.x0 + g.x1) / 2; cx >= keep.x0 && cx <= keep.x1 {
					other.drop[k] = true
				}
			}
		}
	}
	var out []glyph
	for _, l := range ls {
		for k, g := range l.g {
			if !l.drop[k] {
				out = append(out, g)
			}
		}
	}
	return out
}

// parties puts a party's name or taxpayer ID where the form prints it: the
// layout reader takes the first 名称 it finds for the buyer's, the second
// for the seller's, and a caption the engine missed would otherwise give
// the seller's name as the buyer's. On a 数电 form the buyer is on the left,
// the seller on the right; on a 税控 form the buyer above the goods, the
// seller below them. A value on the other party's side moves there when
// that one was not found, and is dropped when it was.
func (r *paperReader) parties(p *Printed, vs map[string]val) {
	digital := r.isDigital()
	seller := func(v val) bool {
		if digital {
			return v.box[0] > 5.5*qrSide
		}
		return (v.box[1]+v.box[3])/2 > r.formY(4.2)*qrSide
	}
	at := func(key string) *string {
		for _, f := range ocrFields {
			if f.key == key {
				return f.at(p)
			}
		}
		return nil
	}
	for _, pair := range [][2]string{{keyBuyerName, keySellerName}, {keyBuyerTaxID, keySellerTaxID}} {
		b, bok := vs[pair[0]]
		sl, sok := vs[pair[1]]
		if bok && sok && seller(b) && !seller(sl) {
			// Each on the other's side: the buyer's caption was lost.
			vs[pair[0]], vs[pair[1]] = sl, b
			*at(pair[0]), *at(pair[1]) = *at(pair[1]), *at(pair[0])
			continue
		}
		if sok && !seller(sl) {
			if !bok {
				vs[pair[0]], *at(pair[0]) = sl, *at(pair[1])
				b, bok = sl, true
			}
			delete(vs, pair[1])
			*at(pair[1]) = ""
			sok = false
		}
		if bok && seller(b) {
			if !sok {
				vs[pair[1]], *at(pair[1]) = b, *at(pair[0])
			}
			delete(vs, pair[0])
			*at(pair[0]) = ""
		}
	}
}

// settleName reads a name again on its own line, rs holding the layout
// reader's reading. A name has no QR value to check it against, and the
// engine reads a wrong character in one as surely as a right one: it is
// kept only when the readings agree and every character but the company
// suffix is read surely. A character read less surely than nameSure (the
// engine's own language model puts a 和 after 华信 that is not printed)
// is read once more half as large again, where the engine's misreadings
// change and its right readings do not.
func (r *paperReader) settleName(f ocrField, v val, rs []reading) (string, float64) {
	if rs[0].s == "" {
		// No name to agree with: reading it again would change nothing.
		return "", v.conf
	}
	em := v.box[3] - v.box[1]
	// A margin of most of a character before it: the engine's boxes of
	// the characters of a word are its box cut in equal parts, and the
	// caption's colon the margin may take is not the name's.
	b := image.Rect(int(v.box[0]-0.8*em), int(v.box[1]-0.3*em), int(v.box[2]+1.5*em), int(v.box[3]+0.3*em))
	// Print smaller than the bands' (a page read whole) is read at their
	// size, where the engine reads best.
	k0 := math.Min(3, math.Max(1, nameEm/em))
	for _, k := range []float64{k0, 1.5 * k0} {
		if k != k0 && rs[len(rs)-1].conf >= nameSure {
			break
		}
		crop := r.warpValue(b, k)
		// A name is Chinese characters and brackets: the Latin model,
		// which free text tries too on a line the Chinese one is unsure
		// of, reads none of it and doubles the time.
		gs, err := r.eng.Read(r.ctx, crop, ocr.Options{Charset: ocr.Chinese, Layout: ocr.Line})
		r.progress()
		if err != nil {
			return "", v.conf
		}
		txt, _ := joined(gs)
		again := f.clean(txt)
		conf := nameConf(gs, again)
		if again == "" || again != rs[0].s || conf < nameLeast {
			return "", math.Max(v.conf, conf)
		}
		rs = append(rs, reading{again, conf})
	}
	if sure := math.Max(rs[1].conf, rs[len(rs)-1].conf); sure < minName {
		return "", sure
	}
	got, conf := decide(rs, nil, true)
	if formMisread(got) {
		return "", conf
	}
	return got, conf
}

// formMisread reports whether name ends in a company form the law spells
// otherwise by one character (有限贵任公司 for 有限责任公司, 有限公可 for
// 有限公司): a misreading, however sure, since no company is registered
// so. Not the form's first character, nor the second of 有限公司: a name's
// own word may stand there (有色公司).
func formMisread(name string) bool {
	rs := []rune(name)
	for _, f := range []struct {
		form string
		from int
	}{{"有限责任公司", 1}, {"有限公司", 2}} {
		fr := []rune(f.form)
		if len(rs) <= len(fr) {
			continue
		}
		tail := rs[len(rs)-len(fr):]
		var diff []int
		for i := range fr {
			if tail[i] != fr[i] {
				diff = append(diff, i)
			}
		}
		if len(diff) == 1 && diff[0] >= f.from {
			return true
		}
	}
	return false
}

// minName is how sure the engine must be of every character of a name
// but its company suffix: it reads a wrong character in a name, where no
// QR value or check digit can catch it, nearly as surely as a right one.
const minName = 0.97

// nameSure is how sure the engine must be of a name's characters for two
// readings to do; down to nameLeast a third reading must agree, and one of
// the two read again be read with minName. A reading half as large again
// that agrees is what tells a misreading (it changes with the size) from
// a right reading the engine is unsure of; its confidence says less.
const (
	nameSure  = 0.985
	nameLeast = 0.85
)

// nameEm is the height of a name's characters in the bands' reading frame
// (9-point print at qrSide).
const nameEm = 20.0

// nameSuffixes end company names; the engine knows their characters well,
// and a misreading of them is not what a clerk would miss.
var nameSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "公司"}

// nameConf is the engine's least confidence in the characters of name, as
// glyphs gs read it, but those of its company suffix. The glyphs may hold
// more than the name (its caption, a speck beside it): the name's
// characters are found among theirs; 0 when they are not there.
func nameConf(gs []ocr.Glyph, name string) float64 {
	var rs []rune
	var confs []float64
	for _, g := range gs {
		for _, c := range g.Text {
			if nameRune(c) {
				rs, confs = append(rs, c), append(confs, g.Conf)
			}
		}
	}
	want := []rune(name)
	n := len(want) - len([]rune(nameSuffix(name)))
	at := -1
	for i := 0; i+len(want) <= len(rs) && at < 0; i++ {
		if string(rs[i:i+len(want)]) == name {
			at = i
		}
	}
	if at < 0 || len(want) == 0 {
		return 0
	}
	conf := 1.0
	for _, c := range confs[at : at+n] {
		conf = math.Min(conf, c)
	}
	return conf
}

// nameSuffix is the company suffix name ends with, "" when none.
func nameSuffix(name string) string {
	for _, sfx := range nameSuffixes {
		if strings.HasSuffix(name, sfx) {
			return sfx
		}
	}
	return ""
}

// nameRune reports whether c may be part of a company's name as OCR
// gives it: a Chinese character or one of the brackets and dots names have.
func nameRune(c rune) bool {
	return unicode.Is(unicode.Han, c) || strings.ContainsRune("()（）·", c)
}

var reNonDigit = regexp.MustCompile(`\D+`)

// reDateMarks is a date whose 年 and 月 read as one mark each: not a
// digit, not a space.
var reDateMarks = regexp.MustCompile(`^\D*(\d{4})[^\d\s](\d{2})[^\d\s](\d{2})(?:\d?\D*)$`)

// cleanOCRDate reads a date as cleanDate does, or eight digits when the
// engine dropped 年, 月 and 日, or four, two and two digits parted by one
// mark each where it read 年 and 月 as other marks (2016%04A11): the
// month and day as printed, two digits each, a 日 read as a digit after
// them.
func cleanOCRDate(s string) string {
	// A blurred 日 reads as 目.
	s = strings.ReplaceAll(s, "目", "日")
	if d := cleanDate(s); d != "" {
		return d
	}
	if m := reDateMarks.FindStringSubmatch(nfkc(s)); m != nil {
		return cleanDate(m[1] + "-" + m[2] + "-" + m[3])
	}
	d := reNonDigit.ReplaceAllString(nfkc(s), "")
	if len(d) != 8 {
		return ""
	}
	return cleanDate(d[:4] + "-" + d[4:6] + "-" + d[6:])
}

// cleanReadDate reads a date value's reading as cleanOCRDate does, and
// where that reads no date, its eight digits with a 6, 8 or 9 taken for
// the 0 it must be where a date prints nothing else: the year's second
// digit (20xx), the month's first, the month's second after a 1 (10 to
// 12), and the day's first before a 2 to 9 (no day is 32 to 39). A round
// glyph reads so where it is a dot-matrix or blurred 0 (see zeroMisread);
// a 1, 2 or 3 never does. A 6, 8 or 9 where a date may print one is left
// as read, and a reading that is still no date is none, as is one before
// 2010, which no form read here prints, or after this year: a date whose
// 0s read as 9s may have its 1s read as 0s or 3s too (2007年11月99日 for
// 2017年11月09日, 2038 for 2018). Not for telling a date among a header's
// digits (see headerByPlace): an invoice number of eight digits would
// read as one.
func cleanReadDate(s string) string {
	if d := cleanOCRDate(s); d != "" {
		return d
	}
	d := []byte(reNonDigit.ReplaceAllString(nfkc(s), ""))
	if len(d) != 8 || d[0] != '2' {
		return ""
	}
	round := func(i int) {
		if strings.IndexByte("689", d[i]) >= 0 {
			d[i] = '0'
		}
	}
	round(1)
	round(4)
	if d[4] == '1' {
		round(5)
	}
	if d[7] >= '2' {
		round(6)
	}
	if y := string(d[:4]); y < "2010" || y > strconv.Itoa(time.Now().Year()) {
		return ""
	}
	return cleanDate(string(d[:4]) + "-" + string(d[4:6]) + "-" + string(d[6:]))
}

// digitCount is how many digits s has.
func digitCount(s string) int { return len(reNonDigit.ReplaceAllString(s, "")) }

// cleanAmount reads one amount with two decimals, as totals are printed.
var (
	reAmount       = regexp.MustCompile(`^-?\d{1,12}\.\d{2}$`)
	reDoubledPoint = regexp.MustCompile(`(\d)\.\.(\d{2})$`)
)

func cleanAmount(s string) string {
	// A sign before the digits, a speck of a ruling line after them.
	s = strings.TrimRight(strings.TrimLeft(stripSpaces(nfkc(s)), "¥Y"), "-.")
	s = strings.ReplaceAll(s, ",", "")
	// A dot-matrix point read as two.
	s = reDoubledPoint.ReplaceAllString(s, "$1.$2")
	if reAmount.MatchString(s) {
		return s
	}
	return ""
}

// cleanOCRTaxID keeps a taxpayer ID whose check characters hold: a misread
// character almost always breaks them.
func cleanOCRTaxID(s string) string {
	id := cleanTaxID(s)
	if len(id) != 18 {
		return ""
	}
	if f, err := taxid.Validate(id); err != nil || f != taxid.USCC {
		return ""
	}
	return id
}

// reSideAfterName is an organisation's suffix (see orgSuffixes) and, apart
// from it, a party's side caption: one character of 购买方 or 销售方 and
// what follows it.
var reSideAfterName = regexp.MustCompile(`(` + strings.Join(orgSuffixes, "|") + `)\s+[购买销售方]([\s|].*)?$`)

// cleanOCRName keeps a name made of Chinese characters and the brackets
// company names have. What OCR adds around a name is left out: its
// caption up to the colon (名称:, or the caption misread, its colon read as
// a semicolon), a stray colon, semicolon or quotation mark before it (the
// colon's dots read as “), and specks after a company suffix (the ruling
// line or the 密码区 beside it) and what follows them. Anything else not
// Chinese rejects it: a misread character may be anywhere, and a name is
// never guessed.
func cleanOCRName(s string) string {
	// The other party's side caption read on after a name (公司 售 of a
	// 数电 form's 销售方) is no part of it.
	s = reSideAfterName.ReplaceAllString(s, "$1")
	// OCR spaces the characters of a name apart; names have no spaces.
	rs := []rune(stripSpaces(s))
	for i, c := range rs {
		if i > 5 {
			break
		}
		// A semicolon is the caption's colon only after the caption: a
		// character of the name misread so ends nothing.
		caption := !slices.ContainsFunc(rs[:i], func(r rune) bool { return unicode.Is(unicode.Han, r) && r != '名' && r != '称' })
		if c == ':' || c == '：' || (c == ';' || c == '；') && caption {
			rs = rs[i+1:]
			break
		}
	}
	for len(rs) > 0 && strings.ContainsRune(":：;；,，.。、|'\"“”‘’`", rs[0]) {
		rs = rs[1:]
	}
	// A company suffix followed by what is no name's (a speck, a letter)
	// ends the name: what comes after is the next caption's (纳税人识别号
	// read on along the line) or the 密码区's.
	for end := 1; end < len(rs); end++ {
		if !nameRune(rs[end]) && nameSuffix(string(rs[:end])) != "" {
			rs = rs[:end]
			break
		}
	}
	s = cleanName(string(rs))
	// A company suffix alone (公司 of a name cut short) is no name.
	n := -len([]rune(nameSuffix(s)))
	for _, c := range s {
		switch {
		case unicode.Is(unicode.Han, c):
			n++
		case nameRune(c):
		default:
			return ""
		}
	}
	if n < 2 {
		return ""
	}
	return s
}
