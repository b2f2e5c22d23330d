package document

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/money"
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
// 20 pixels tall; Tesseract read invoices best there.
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
// read when the totals band gave the seller's taxpayer ID.
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
	r := &paperReader{ctx: ctx, eng: eng, opt: opt}
	r.src = imaging.PlaneOf(img, imaging.Luma)
	if opt.QR != nil {
		r.hint = payload.Parse(opt.QR.Text)
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
	// toSrc maps the reading frame to src's pixels.
	toSrc      imaging.Homography
	done, plan int
}

func (r *paperReader) progress() {
	r.done++
	if r.opt.Progress != nil {
		r.opt.Progress(r.done, max(r.plan, r.done))
	}
}

func (r *paperReader) read() (Printed, error) {
	var regions []image.Rectangle
	var needs [][]string
	anchored := false
	if r.opt.QR != nil && !r.ticket() {
		if a, ok := imaging.QRFrame(r.opt.QR.Points, 0, 0, qrSide); ok {
			h := imaging.HomographyOf(a)
			if hp, ok := rectify(r.src, a, r.opt.QR.Points); ok {
				h = hp
			}
			r.setFrame(h, qrSide*7, qrSide*3)
			anchored = true
			bands := bandsTaxControl
			if r.hint != nil && r.hint.IsDigital() {
				bands = bandsDigital
			}
			for _, b := range bands {
				regions = append(regions, image.Rect(int(b.x0*qrSide), int(b.y0*qrSide), int(b.x1*qrSide), int(b.y1*qrSide)))
				needs = append(needs, b.needs)
			}
		}
	}
	if !anchored {
		// No code to anchor on: the whole image, at a size Tesseract
		// handles; the text size is unknown.
		f := math.Min(1, 2600/float64(max(r.src.W, r.src.H)))
		r.setFrame(imaging.Homography{1 / f, 0, 0, 0, 1 / f, 0, 0, 0, 1}, 0, 0)
		regions = append(regions, image.Rect(0, 0, int(float64(r.src.W)*f), int(float64(r.src.H)*f)))
	}
	r.plan = len(regions) + 6
	var bandGlyphs [][]glyph
	for i, rg := range regions {
		if err := r.ctx.Err(); err != nil {
			return Printed{}, err
		}
		if anchored && found(needs[i], bandGlyphs) {
			r.progress()
			continue
		}
		gs, err := r.eng.Read(r.ctx, r.warp(rg), ocr.Options{Charset: ocr.Text, Layout: ocr.Sparse})
		if err != nil {
			return Printed{}, fmt.Errorf("read image: %w", err)
		}
		bandGlyphs = append(bandGlyphs, flatten(gs, rg.Min))
		r.progress()
	}
	glyphs := dedupe(bandGlyphs)
	p, vs := readFields(pageText{glyphs: glyphs, ocr: true})
	p.Items = nil // the goods table is not read
	if anchored {
		headerByPlace(bandGlyphs[0], r.hint != nil && r.hint.IsDigital(), vs)
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
		got, conf := r.settle(f, v)
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
		h = h.Scaled(f)
	}
	r.toSrc = h
}

// warp cuts rg of the reading frame out of the image.
func (r *paperReader) warp(rg image.Rectangle) *image.Gray {
	h := r.toSrc.Then(float64(rg.Min.X), float64(rg.Min.Y))
	return evenLight(r.src.WarpHomography(h, rg.Dx(), rg.Dy())).Image()
}

// warpScaled cuts rg of the reading frame out of the image k times as
// large.
func (r *paperReader) warpScaled(rg image.Rectangle, k float64) *image.Gray {
	h := r.toSrc.Then(float64(rg.Min.X), float64(rg.Min.Y))
	for _, i := range []int{0, 1, 3, 4, 6, 7} {
		h[i] /= k
	}
	return evenLight(r.src.WarpHomography(h, int(float64(rg.Dx())*k), int(float64(rg.Dy())*k))).Image()
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
		var hs []int
		for _, i := range idx {
			hs = append(hs, gs[i].Box.Dy())
		}
		sort.Ints(hs)
		medH := hs[len(hs)/2]
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

// dedupe drops glyphs read twice where bands overlap, keeping the surer.
func dedupe(bands [][]glyph) []glyph {
	var gs []glyph
	var from []int
	for b, bg := range bands {
		gs = append(gs, bg...)
		for range bg {
			from = append(from, b)
		}
	}
	idx := make([]int, len(gs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return gs[idx[i]].x0 < gs[idx[j]].x0 })
	sorted := make([]glyph, len(gs))
	band := make([]int, len(gs))
	for k, i := range idx {
		sorted[k], band[k] = gs[i], from[i]
	}
	gs = sorted
	drop := make([]bool, len(gs))
	for i := range gs {
		if drop[i] {
			continue
		}
		for j := i + 1; j < len(gs) && gs[j].x0 < gs[i].x1; j++ {
			if drop[j] || band[i] == band[j] {
				continue
			}
			a, b := gs[i], gs[j]
			ix := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
			iy := math.Min(a.y1, b.y1) - math.Max(a.y0, b.y0)
			if ix <= 0 || iy <= 0 {
				continue
			}
			inter := ix * iy
			small := math.Min((a.x1-a.x0)*(a.y1-a.y0), (b.x1-b.x0)*(b.y1-b.y0))
			if inter < 0.5*small {
				continue
			}
			if a.unsure <= b.unsure {
				drop[j] = true
			} else {
				drop[i] = true
				break
			}
		}
	}
	out := gs[:0]
	for i, g := range gs {
		if !drop[i] {
			out = append(out, g)
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
	digital := r.hint != nil && r.hint.IsDigital()
	seller := func(v val) bool {
		if digital {
			return v.box[0] > 5.5*qrSide
		}
		return (v.box[1]+v.box[3])/2 > 4.2*qrSide
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

// minName is how sure the engine must be of every character of a name
// but its company suffix: it reads a wrong character in a name, where no
// QR value or check digit can catch it, nearly as surely as a right one.
const minName = 0.97

// nameSuffixes end company names; the engine knows their characters well,
// and a misreading of them is not what a clerk would miss.
var nameSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "公司"}

// nameConf is the engine's least confidence in the characters of name, as
// glyphs gs read it, but those of its company suffix.
func nameConf(gs []ocr.Glyph, name string) float64 {
	n := len([]rune(name))
	for _, sfx := range nameSuffixes {
		if strings.HasSuffix(name, sfx) {
			n -= len([]rune(sfx))
			break
		}
	}
	conf, k := 1.0, 0
	for _, g := range gs {
		for _, c := range g.Text {
			if !unicode.Is(unicode.Han, c) && !strings.ContainsRune("()（）·", c) {
				continue
			}
			if k < n {
				conf = math.Min(conf, g.Conf)
			}
			k++
		}
	}
	if k == 0 {
		return 0
	}
	return conf
}

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
	{keyDate, ocr.Date, cleanOCRDate, func(p *Printed) *string { return &p.Date }, func(q *payload.Result, _ *Printed) []string { return []string{q.Date.String()} }},
	{keyCheck, ocr.Digits, cleanCheck, func(p *Printed) *string { return &p.CheckCode }, func(q *payload.Result, _ *Printed) []string { return []string{q.CheckCode} }},
	{keyAmount, ocr.Amount, cleanAmount, func(p *Printed) *string { return &p.Amount }, qrAmount},
	{keyTax, ocr.Amount, cleanAmount, func(p *Printed) *string { return &p.Tax }, nil},
	{keyTotal, ocr.Amount, cleanAmount, func(p *Printed) *string { return &p.Total }, qrAmount},
	{keyBuyerTaxID, ocr.TaxID, cleanOCRTaxID, func(p *Printed) *string { return &p.BuyerTaxID }, nil},
	{keySellerTaxID, ocr.TaxID, cleanOCRTaxID, func(p *Printed) *string { return &p.SellerTaxID }, func(q *payload.Result, _ *Printed) []string { return []string{q.SellerTaxID} }},
	{keyBuyerName, ocr.Text, cleanOCRName, func(p *Printed) *string { return &p.BuyerName }, nil},
	{keySellerName, ocr.Text, cleanOCRName, func(p *Printed) *string { return &p.SellerName }, nil},
}

func qrAmount(q *payload.Result, _ *Printed) []string {
	if !q.HasAmount {
		return nil
	}
	return []string{q.Amount.String()}
}

// reading is one reading of a value.
type reading struct {
	s    string
	conf float64
}

// settle reads field f again in the box where the layout reader found it,
// and decides what was printed there and how sure that is.
func (r *paperReader) settle(f ocrField, v val) (string, float64) {
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
	rs := []reading{{clean(v.s), v.conf}}
	if f.charset != ocr.Text {
		em := v.box[3] - v.box[1]
		margins := [][4]float64{{0.4, 0.3, 0.6, 0.3}, {0.6, 0.45, 1.0, 0.45}}
		if f.charset == ocr.Amount {
			// Not the ¥ before the digits, which reads as a 1 or a 4.
			margins = [][4]float64{{0.08, 0.3, 0.6, 0.3}, {0.15, 0.45, 1.0, 0.45}}
		}
		for _, m := range margins {
			if confirmed(rs, qr) {
				// decide takes a reading the QR code confirms whatever
				// the others say: reading again would change nothing.
				r.progress()
				continue
			}
			b := image.Rect(int(v.box[0]-m[0]*em), int(v.box[1]-m[1]*em), int(v.box[2]+m[2]*em), int(v.box[3]+m[3]*em))
			crop := r.warp(b)
			if f.key == keyDate {
				crop = dateDigits(crop, b.Min, v, em)
			}
			gs, err := r.eng.Read(r.ctx, crop, ocr.Options{Charset: f.charset, Layout: ocr.Line})
			r.progress()
			if err != nil {
				continue
			}
			txt, conf := joined(gs)
			rs = append(rs, reading{clean(txt), conf})
		}
		if f.key != keyDate && !confirmed(rs, qr) && (!agreed(rs) || len(qr) > 0 && !unanimous(rs)) {
			// The engine's misreadings change with the print's size, its
			// right readings do not: once more, half as large again. A
			// value the QR code carries otherwise, read two ways, is read
			// again too: decide then needs three readings of one.
			m := margins[0]
			b := image.Rect(int(v.box[0]-m[0]*em), int(v.box[1]-m[1]*em), int(v.box[2]+m[2]*em), int(v.box[3]+m[3]*em))
			gs, err := r.eng.Read(r.ctx, r.warpScaled(b, 1.5), ocr.Options{Charset: f.charset, Layout: ocr.Line})
			r.progress()
			if err == nil {
				txt, conf := joined(gs)
				rs = append(rs, reading{clean(txt), conf})
			}
		}
	}
	if f.charset == ocr.Text && v.s != "" {
		// A name has no QR value to check it against, and the engine
		// reads a wrong character in one as surely as a right one: read
		// it again on its own line, and keep it only when both agree.
		em := v.box[3] - v.box[1]
		b := image.Rect(int(v.box[0]-0.3*em), int(v.box[1]-0.3*em), int(v.box[2]+1.5*em), int(v.box[3]+0.3*em))
		gs, err := r.eng.Read(r.ctx, r.warp(b), ocr.Options{Charset: ocr.Text, Layout: ocr.Line})
		r.progress()
		if err != nil {
			return "", v.conf
		}
		txt, _ := joined(gs)
		again := f.clean(txt)
		conf := nameConf(gs, again)
		if again == "" || again != rs[0].s || conf < minName {
			return "", math.Max(v.conf, conf)
		}
		rs = append(rs, reading{again, conf})
	}
	return decide(rs, qr, f.charset == ocr.Text)
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

// agreed reports whether two of rs read the same value.
func agreed(rs []reading) bool {
	for i, a := range rs {
		for _, b := range rs[i+1:] {
			if a.s != "" && a.s == b.s {
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
	if mark == nil {
		// 年, 月 and 日 printed in the form's colour, paler than the
		// digits, are gone at the darkest cut: eight digits are left,
		// four, two and two, with a mark's width between the groups.
		if len(runs) != 8 {
			return crop
		}
		for i, r := range runs {
			if float64(r[1]-r[0]) > 0.9*em {
				return crop
			}
			if i == 7 {
				break
			}
			wide := float64(runs[i+1][0]-r[1]) >= 0.6*em
			if wide != (i == 3 || i == 5) {
				return crop
			}
		}
		mark = map[int]bool{}
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
		for sx := max(b.Min.X, r[0]-1); sx < min(b.Max.X, r[1]+1); sx++ {
			for y := 0; y < b.Dy(); y++ {
				out.SetGray(x, y, crop.GrayAt(sx, b.Min.Y+y))
			}
			x++
		}
		x += gap
	}
	return out
}

// dateRuns splits the rows y0–y1 of crop into runs of columns with a pixel
// at most dark, and finds among them the 年, 月 and 日 of a date: the three
// widest, each clearly wider than the digits, after four digits, two and
// two. mark is nil when the runs are not such a date.
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
		runs = append(runs, [2]int{s, x})
	}
	if len(runs) < 11 {
		return runs, nil
	}
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
			return runs, nil
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
	if at[0]-first < 4 || at[1]-at[0] != 3 || at[2]-at[1] != 3 {
		return runs, nil
	}
	for i := range runs {
		if i < first || i > at[2] {
			mark[i] = true // cut out: not a digit of the date
		}
	}
	return runs, mark
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
		if c >= minQR {
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
	case g.n >= 3 && sure >= minAgreed && gs[1].n == 1:
		// No reading gave the QR code's value, three gave this one:
		// a real difference, not a misreading.
		return g.s, sure
	case (single || len(qr) == 0) && len(gs) == 1 && g.least >= minAlone:
		return g.s, g.least
	}
	return "", best
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

// sameValue compares a reading with a QR value: amounts as decimals.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	da, err1 := money.Parse(a)
	db, err2 := money.Parse(b)
	return err1 == nil && err2 == nil && da.Equal(db) && strings.ContainsRune(a, '.')
}

// crossCheck uses the totals' arithmetic: amount plus tax making the total
// confirms all three; a total that does not add up is kept only when it was
// read surely (a real difference is what the comparison must show).
func (r *paperReader) crossCheck(p *Printed, reads map[string]FieldRead) {
	if p.Amount == "" || p.Tax == "" || p.Total == "" || p.Tax == "***" {
		return
	}
	a, err1 := money.Parse(p.Amount)
	t, err2 := money.Parse(p.Tax)
	s, err3 := money.Parse(p.Total)
	if err1 != nil || err2 != nil || err3 != nil || a.Add(t).Equal(s) {
		return
	}
	// One of the three is misread or the invoice is altered; drop the
	// least sure if it is not sure enough to stand on its own.
	least, k := 2.0, ""
	for _, key := range []string{keyAmount, keyTax, keyTotal} {
		if c := reads[key].Confidence; c < least {
			least, k = c, key
		}
	}
	if least < 0.9 {
		rd := reads[k]
		rd.Unsure = true
		reads[k] = rd
		switch k {
		case keyAmount:
			p.Amount = ""
		case keyTax:
			p.Tax = ""
		case keyTotal:
			p.Total = ""
		}
	}
}

var reNonDigit = regexp.MustCompile(`\D+`)

// cleanOCRDate reads a date as cleanDate does, or eight digits when the
// engine dropped 年, 月 and 日.
func cleanOCRDate(s string) string {
	// A blurred 日 reads as 目.
	s = strings.ReplaceAll(s, "目", "日")
	if d := cleanDate(s); d != "" {
		return d
	}
	d := reNonDigit.ReplaceAllString(nfkc(s), "")
	if len(d) != 8 {
		return ""
	}
	return cleanDate(d[:4] + "-" + d[4:6] + "-" + d[6:])
}

// cleanAmount reads one amount with two decimals, as totals are printed.
var reAmount = regexp.MustCompile(`^-?\d{1,12}\.\d{2}$`)

func cleanAmount(s string) string {
	// A sign before the digits, a speck of a ruling line after them.
	s = strings.TrimRight(strings.TrimLeft(stripSpaces(nfkc(s)), "¥Y"), "-.")
	s = strings.ReplaceAll(s, ",", "")
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

// cleanOCRName keeps a name made of Chinese characters and the brackets
// company names have.
func cleanOCRName(s string) string {
	// OCR spaces the characters of a name apart; names have no spaces.
	s = stripSpaces(cleanName(s))
	n := 0
	for _, c := range s {
		switch {
		case unicode.Is(unicode.Han, c):
			n++
		case strings.ContainsRune("()（）· ", c):
		default:
			return ""
		}
	}
	if n < 2 {
		return ""
	}
	return s
}
