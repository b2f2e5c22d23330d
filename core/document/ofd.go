package document

import (
	"bytes"
	"context"
	"encoding/base64"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// An OFD (GB/T 33190) invoice is a zip. OFD.xml holds the document's
// metadata (CustomData: 发票号码, 合计金额, …) and points to Document.xml,
// which lists the pages, their templates and resources. The values shown are
// text objects on the pages; Tags/CustomTag.xml says which object holds which
// field. Older tax-control OFDs also carry the invoice as data
// (Attachs/original_invoice.xml), QR text included. Object IDs differ from
// producer to producer, so everything is found by following these
// references, never by a fixed ID.

// ofdText is one text object: its ID, its text and the glyphs it draws.
type ofdText struct {
	id     string
	text   string
	glyphs []glyph
}

// ofdImage is an image object placed on a page.
type ofdImage struct {
	resource string
	w, h     float64 // boundary size
	page     int
}

type ofdDoc struct {
	p       *pkg
	dir     string // folder of Document.xml
	pages   []ofdPage
	media   map[string]string // resource ID → package path
	w, h    float64
	customs map[string]string // OFD.xml CustomData by name
	// For drawing: DrawParams, ColorSpaces and Fonts by ID, with the
	// package path of a font's embedded file.
	params, spaces, fonts map[string]*node
	fontFiles             map[string]string
}

type ofdPage struct {
	texts  []ofdText
	images []ofdImage
	w, h   float64
	// For drawing it: its ID, content file and templates (ZOrder by file).
	id        string
	content   string
	templates []ofdTemplate
}

// ofdTemplate is a template a page is drawn over (or under, Foreground).
type ofdTemplate struct {
	loc        string
	foreground bool
}

func readOFD(ctx context.Context, data []byte, opt Options) (*Document, error) {
	od, doc, err := openOFD(data)
	if err != nil {
		return nil, err
	}
	d := &Document{Format: OFD, Pages: max(1, len(od.pages))}
	inv := Invoice{Page: 1, Pages: d.Pages}
	inv.Printed = od.printed(doc)

	inv.Codes, inv.DataCodes = ofdCodes(od.graphCodes(ctx, doc, opt), od.imageCodes(ctx, opt))
	if len(inv.Codes) > 0 || !inv.Printed.Empty() {
		if inv.Printed.Empty() {
			inv.Printed.NeedsTyping = true
		}
		d.Invoices = append(d.Invoices, inv)
	}
	if od.p.fatal != nil {
		return nil, od.p.fatal
	}
	return d, ctx.Err()
}

// ofdCodes chooses an OFD's QR codes from those kept as data
// (original_invoice.xml's GraphCode) and those its images give. The image is
// what the invoice shows, and producers have written other values into the
// data (the check code in the code's place): the data is not trusted over
// the image. Data that agrees with an image stands for it; data that differs
// from an image that gives an invoice code is returned apart, as differs,
// for the reader to be told; data is the code only where no image gives one.
func ofdCodes(data []string, images []Code) (codes, differs []Code) {
	imageInvoice := hasInvoiceCode(images)
	for _, t := range data {
		c := Code{Text: t, Page: 1, Source: "ofd-data"}
		switch {
		case hasCode(codes, t):
		case !imageInvoice || hasCode(images, t):
			codes = append(codes, c)
		default:
			differs = append(differs, c)
		}
	}
	for _, c := range images {
		if !hasCode(codes, c.Text) {
			codes = append(codes, c)
		}
	}
	return codes, differs
}

// openOFD opens an OFD package and reads its resources and pages.
func openOFD(data []byte) (*ofdDoc, *node, error) {
	p, err := openPkg(data)
	if err != nil {
		return nil, nil, err
	}
	od := &ofdDoc{p: p, media: map[string]string{}, customs: map[string]string{}, w: 210, h: 140,
		params: map[string]*node{}, spaces: map[string]*node{}, fonts: map[string]*node{}, fontFiles: map[string]string{}}
	root, err := p.xml("OFD.xml")
	if err != nil {
		if f, _ := p.lookup("OFD.xml"); f == nil {
			return nil, nil, ErrUnsupported
		}
		return nil, nil, err
	}
	for _, cd := range root.findAll("CustomData") {
		if n := strings.TrimSpace(cd.attr["Name"]); n != "" {
			od.customs[n] = cd.value()
		}
	}
	docRoot := root.findText("DocRoot")
	if docRoot == "" {
		docRoot = "Doc_0/Document.xml"
	}
	docRoot = resolve("", docRoot)
	od.dir = path.Dir(docRoot)
	doc, _ := p.xml(docRoot)
	od.readResources(doc)
	od.readPages(doc)
	return od, doc, nil
}

// readResources maps multimedia resource IDs to package paths, from the
// document's public and document resource files.
func (od *ofdDoc) readResources(doc *node) {
	var resFiles []string
	if cd := doc.child("CommonData"); cd != nil {
		for _, k := range cd.kids {
			if k.name == "PublicRes" || k.name == "DocumentRes" {
				resFiles = append(resFiles, resolve(od.dir, k.value()))
			}
		}
		if pb := cd.find("PhysicalBox"); pb != nil {
			if b := floats(pb.value()); len(b) == 4 && b[2] > 0 && b[3] > 0 {
				od.w, od.h = b[2], b[3]
			}
		}
	}
	for _, rf := range resFiles {
		res, err := od.p.xml(rf)
		if err != nil {
			continue
		}
		base := path.Dir(rf)
		if bl := res.attr["BaseLoc"]; bl != "" {
			base = resolve(path.Dir(rf), bl)
		}
		for _, mm := range res.findAll("MultiMedia") {
			if f := mm.findText("MediaFile"); f != "" {
				od.media[mm.attr["ID"]] = resolve(base, f)
			}
		}
		for _, n := range res.findAll("DrawParam") {
			od.params[n.attr["ID"]] = n
		}
		for _, n := range res.findAll("ColorSpace") {
			od.spaces[n.attr["ID"]] = n
		}
		for _, n := range res.findAll("Font") {
			od.fonts[n.attr["ID"]] = n
			if f := n.findText("FontFile"); f != "" {
				od.fontFiles[n.attr["ID"]] = resolve(base, f)
			}
		}
	}
}

// readPages reads every page's text and image objects, its templates' too
// (the captions 发票号码: … usually live in the template).
func (od *ofdDoc) readPages(doc *node) {
	tpls := map[string]string{}
	if cd := doc.child("CommonData"); cd != nil {
		for _, t := range cd.findAll("TemplatePage") {
			tpls[t.attr["ID"]] = resolve(od.dir, t.attr["BaseLoc"])
		}
	}
	var locs, ids []string
	for _, pg := range doc.path("Pages").findAll("Page") {
		if bl := pg.attr["BaseLoc"]; bl != "" {
			locs = append(locs, resolve(od.dir, bl))
			ids = append(ids, pg.attr["ID"])
		}
	}
	if len(locs) == 0 {
		// A package without a page list: take the content files there are.
		for _, n := range od.p.names {
			b := strings.ToLower(path.Base(n))
			if strings.HasPrefix(n, od.dir+"/") && strings.HasPrefix(b, "content") && strings.HasSuffix(b, ".xml") && !strings.Contains(strings.ToLower(n), "tpl") {
				locs = append(locs, n)
			}
		}
		sort.Strings(locs)
	}
	for i, loc := range locs {
		if i >= MaxPages {
			break
		}
		content, err := od.p.xml(loc)
		if err != nil {
			continue
		}
		pg := ofdPage{w: od.w, h: od.h, content: loc}
		if i < len(ids) {
			pg.id = ids[i]
		}
		if pb := content.find("PhysicalBox"); pb != nil {
			if b := floats(pb.value()); len(b) == 4 && b[2] > 0 && b[3] > 0 {
				pg.w, pg.h = b[2], b[3]
			}
		}
		for _, t := range content.findAll("Template") {
			if tl, ok := tpls[t.attr["TemplateID"]]; ok {
				pg.templates = append(pg.templates, ofdTemplate{loc: tl, foreground: t.attr["ZOrder"] == "Foreground"})
				if tc, err := od.p.xml(tl); err == nil {
					pg.add(tc, i+1)
				}
			}
		}
		pg.add(content, i+1)
		od.pages = append(od.pages, pg)
	}
}

func (pg *ofdPage) add(content *node, page int) {
	for _, to := range content.findAll("TextObject") {
		pg.texts = append(pg.texts, textObject(to))
	}
	for _, io := range content.findAll("ImageObject") {
		b := floats(io.attr["Boundary"])
		im := ofdImage{resource: io.attr["ResourceID"], page: page}
		if len(b) == 4 {
			im.w, im.h = b[2], b[3]
		}
		pg.images = append(pg.images, im)
	}
}

// textObject places the glyphs of a text object: each TextCode starts at
// (X, Y) and advances by DeltaX ("g n d" repeats d n times), in the object's
// space, which its CTM and Boundary map to the page.
func textObject(to *node) ofdText {
	t := ofdText{id: to.attr["ID"]}
	ts := textSpace(to)
	ts.each(to, func(r rune, x, y, adv float64, last bool) {
		px, py := ts.page(x, y)
		w := math.Abs(adv) * ts.scale
		if last {
			w = ts.size * ts.scale
			if r < 0x2E80 {
				w /= 2
			}
		}
		s := ts.size * ts.scale
		t.glyphs = append(t.glyphs, glyph{r: r, x0: px, x1: px + min(w, s), y0: py - 0.88*s, y1: py + 0.12*s})
	})
	for _, tc := range to.findAll("TextCode") {
		t.text += tc.text
	}
	return t
}

// ofdTextSpace is where a text object's glyphs go: its CTM, the origin of
// its Boundary, its font size (mm) and the CTM's scale.
type ofdTextSpace struct {
	ctm         [6]float64
	bx, by      float64
	size, scale float64
}

func textSpace(to *node) ofdTextSpace {
	ts := ofdTextSpace{ctm: [6]float64{1, 0, 0, 1, 0, 0}, size: 3.5}
	if b := floats(to.attr["Boundary"]); len(b) >= 2 {
		ts.bx, ts.by = b[0], b[1]
	}
	if c := floats(to.attr["CTM"]); len(c) == 6 {
		copy(ts.ctm[:], c)
	}
	if s := floats(to.attr["Size"]); len(s) == 1 && s[0] > 0 {
		ts.size = s[0]
	}
	ts.scale = math.Sqrt(math.Abs(ts.ctm[0]*ts.ctm[3] - ts.ctm[1]*ts.ctm[2]))
	if ts.scale == 0 {
		ts.scale = 1
	}
	return ts
}

// page maps a point of the object's space to the page (mm).
func (ts ofdTextSpace) page(x, y float64) (float64, float64) {
	c := ts.ctm
	return c[0]*x + c[2]*y + c[4] + ts.bx, c[1]*x + c[3]*y + c[5] + ts.by
}

// each calls fn with every character of the object's TextCodes, at its
// origin in the object's space, with its advance; last marks the last of
// its TextCode or one without advances.
func (ts ofdTextSpace) each(to *node, fn func(r rune, x, y, adv float64, last bool)) {
	var x, y float64
	for _, tc := range to.findAll("TextCode") {
		if v := floats(tc.attr["X"]); len(v) == 1 {
			x = v[0]
		}
		if v := floats(tc.attr["Y"]); len(v) == 1 {
			y = v[0]
		}
		dx := deltas(tc.attr["DeltaX"])
		dy := deltas(tc.attr["DeltaY"])
		runes := []rune(tc.text)
		for i, r := range runes {
			adv := ts.size
			if r < 0x2E80 {
				adv = ts.size / 2
			}
			if i < len(dx) {
				adv = dx[i]
			} else if len(dx) > 0 {
				adv = dx[len(dx)-1]
			}
			fn(r, x, y, adv, i == len(runes)-1 || len(dx) == 0)
			x += adv
			if i < len(dy) {
				y += dy[i]
			}
		}
	}
}

// deltas expands an OFD DeltaX list: "g 3 1.5 2" is 1.5 1.5 1.5 2.
func deltas(s string) []float64 {
	f := strings.Fields(s)
	var out []float64
	for i := 0; i < len(f) && len(out) < 100000; i++ {
		if f[i] == "g" && i+2 < len(f) {
			n, err1 := strconv.Atoi(f[i+1])
			v, err2 := strconv.ParseFloat(f[i+2], 64)
			if err1 == nil && err2 == nil && n > 0 && n < 100000 {
				for k := 0; k < n; k++ {
					out = append(out, v)
				}
			}
			i += 2
			continue
		}
		if v, err := strconv.ParseFloat(f[i], 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}

func floats(s string) []float64 {
	var out []float64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// printed gathers the printed values: the fields the custom tags point at
// (exactly what is shown), then original_invoice.xml, then OFD.xml's
// CustomData, then captions found on the page by position.
func (od *ofdDoc) printed(doc *node) Printed {
	var p Printed
	var sources []string
	fill := func(q Printed, source string) {
		before := p
		items := q.Items
		q.Items = nil
		mergePrinted(&p, q)
		if len(p.Items) == 0 {
			p.Items = items
		}
		if !samePrinted(p, before) || len(p.Items) != len(before.Items) {
			sources = append(sources, source)
		}
	}
	fill(od.tagged(doc), "ofd-content")
	if inv := od.originalInvoice(doc); inv != nil {
		q := fieldsPrinted(xmlFields(inv))
		q.Items = goodsInfos(inv)
		fill(q, "ofd-original-invoice")
	}
	fill(customDataPrinted(od.customs), "ofd-customdata")
	if len(od.pages) > 0 {
		pg := od.pages[0]
		pt := pageText{w: pg.w, h: pg.h}
		for _, t := range pg.texts {
			pt.glyphs = append(pt.glyphs, t.glyphs...)
		}
		lay := readLayout(pt)
		for _, more := range od.pages[1:] {
			mt := pageText{w: more.w, h: more.h}
			for _, t := range more.texts {
				mt.glyphs = append(mt.glyphs, t.glyphs...)
			}
			lay.Items = append(lay.Items, readItems(buildLines(mt))...)
		}
		fill(lay, "ofd-content")
	}
	completeTotal(&p)
	p.Source = joinSources(sources...)
	if p.Empty() {
		p.Source = ""
	}
	return p
}

func samePrinted(a, b Printed) bool {
	a.Items, b.Items = nil, nil
	return a.fields() == b.fields()
}

// tagged reads the fields that Tags/CustomTag.xml maps to text objects.
func (od *ofdDoc) tagged(doc *node) Printed {
	byID := map[string]string{}
	for _, pg := range od.pages {
		for _, t := range pg.texts {
			if t.id != "" {
				byID[t.id] += t.text
			}
		}
	}
	var tagFiles []string
	if ct := doc.child("CustomTags"); ct != nil && ct.value() != "" {
		loc := resolve(od.dir, ct.value())
		if list, err := od.p.xml(loc); err == nil {
			for _, fl := range list.findAll("FileLoc") {
				tagFiles = append(tagFiles, resolve(path.Dir(loc), fl.value()))
			}
		}
	}
	fields := map[string]string{}
	for _, tf := range tagFiles {
		tags, err := od.p.xml(tf)
		if err != nil {
			continue
		}
		collectTagged(tags, byID, fields)
	}
	return fieldsPrinted(fields)
}

// collectTagged walks a tag tree: an element whose children are ObjectRefs
// names a field, and its value is the text of those objects. Goods lines
// are left to the goods table reader.
func collectTagged(n *node, byID map[string]string, fields map[string]string) {
	for _, k := range n.kids {
		if k.name == "GoodsInfos" || k.name == "GoodsInfo" {
			continue
		}
		var refs []string
		for _, r := range k.kids {
			if r.name == "ObjectRef" {
				refs = append(refs, r.value())
			}
		}
		if len(refs) > 0 {
			if _, done := fields[k.name]; !done {
				var b strings.Builder
				for _, id := range refs {
					b.WriteString(byID[id])
				}
				fields[k.name] = b.String()
			}
			continue
		}
		collectTagged(k, byID, fields)
	}
}

// originalInvoice finds the invoice data file among the attachments.
func (od *ofdDoc) originalInvoice(doc *node) *node {
	var cands []string
	if at := doc.child("Attachments"); at != nil && at.value() != "" {
		loc := resolve(od.dir, at.value())
		if list, err := od.p.xml(loc); err == nil {
			for _, a := range list.findAll("Attachment") {
				if fl := a.findText("FileLoc"); fl != "" {
					cands = append(cands, resolve(path.Dir(loc), fl))
				}
			}
		}
	}
	for _, n := range od.p.names {
		if strings.Contains(strings.ToLower(n), "attachs/") && strings.HasSuffix(strings.ToLower(n), ".xml") {
			cands = append(cands, n)
		}
	}
	for _, c := range cands {
		x, err := od.p.xml(c)
		if err != nil {
			continue
		}
		if strings.EqualFold(x.name, "eInvoice") || x.find("InvoiceNo") != nil {
			return x
		}
	}
	return nil
}

// xmlFields gives the first text of each element name in the tree.
func xmlFields(x *node) map[string]string {
	out := map[string]string{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, k := range n.kids {
			if k.name == "GoodsInfos" {
				continue
			}
			if len(k.kids) == 0 {
				if _, ok := out[k.name]; !ok {
					out[k.name] = k.value()
				}
				continue
			}
			walk(k)
		}
	}
	walk(x)
	return out
}

// fieldsPrinted maps the field names the tax authority's e-invoice schema
// uses (InvoiceNo, IssueDate, …) to printed values.
func fieldsPrinted(f map[string]string) Printed {
	var p Printed
	p.Code = cleanCode(f["InvoiceCode"])
	p.Number = cleanNumber(f["InvoiceNo"])
	p.Date = cleanDate(f["IssueDate"])
	p.CheckCode = cleanAnyCheck(f["InvoiceCheckCode"])
	p.BuyerName = cleanSpaces(f["BuyerName"])
	p.BuyerTaxID = cleanTaxID(f["BuyerTaxID"])
	p.SellerName = cleanSpaces(f["SellerName"])
	p.SellerTaxID = cleanTaxID(f["SellerTaxID"])
	p.Amount = firstMoney(f["TaxExclusiveTotalAmount"])
	p.Tax = firstMoney(f["TaxTotalAmount"])
	p.Total = firstMoney(f["TaxInclusiveTotalAmount"])
	return p
}

// customDataPrinted maps OFD.xml's CustomData names.
func customDataPrinted(c map[string]string) Printed {
	var p Printed
	p.Code = cleanCode(c["发票代码"])
	p.Number = cleanNumber(c["发票号码"])
	p.Date = cleanDate(c["开票日期"])
	p.CheckCode = cleanAnyCheck(c["校验码"])
	p.BuyerName = cleanSpaces(c["购买方名称"])
	p.BuyerTaxID = cleanTaxID(c["购买方纳税人识别号"])
	p.SellerName = cleanSpaces(c["销售方名称"])
	p.SellerTaxID = cleanTaxID(c["销售方纳税人识别号"])
	p.Amount = firstMoney(c["合计金额"])
	p.Tax = firstMoney(c["合计税额"])
	p.Total = firstMoney(c["价税合计"])
	return p
}

func firstMoney(s string) string {
	if t := moneyTokens(s); len(t) > 0 {
		return t[0]
	}
	return ""
}

// graphCodes reads the QR text kept as data in original_invoice.xml: plain
// text, base64 text, or a base64 image.
func (od *ofdDoc) graphCodes(ctx context.Context, doc *node, opt Options) []string {
	inv := od.originalInvoice(doc)
	if inv == nil {
		return nil
	}
	var out []string
	for _, gc := range inv.findAll("GraphCode") {
		out = append(out, graphCode(ctx, gc.value(), opt)...)
	}
	return out
}

func graphCode(ctx context.Context, v string, opt Options) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if isInvoiceText(v) {
		return []string{v}
	}
	raw, err := base64.StdEncoding.DecodeString(stripSpaces(v))
	if err != nil {
		return nil
	}
	if t := strings.TrimSpace(string(raw)); utf8.ValidString(t) && isInvoiceText(t) {
		return []string{t}
	}
	img, err := imaging.DecodeWithin(raw, maxImageCost)
	if err != nil {
		return nil
	}
	return decodeEmbedded(ctx, img, false, opt)
}

// imageCodes decodes the images of the document, those placed square on a
// page first, until one gives an invoice QR code.
func (od *ofdDoc) imageCodes(ctx context.Context, opt Options) []Code {
	type cand struct {
		file   string
		page   int
		square bool
	}
	var cands []cand
	seen := map[string]bool{}
	for _, pg := range od.pages {
		for _, im := range pg.images {
			f, ok := od.media[im.resource]
			if !ok || seen[f] {
				continue
			}
			seen[f] = true
			sq := im.w > 0 && im.h > 0 && math.Max(im.w, im.h) <= 1.15*math.Min(im.w, im.h)
			cands = append(cands, cand{f, im.page, sq})
		}
	}
	// Images that no page places (a package without a page list).
	for _, n := range od.p.names {
		if !seen[n] && isImageName(n) {
			seen[n] = true
			cands = append(cands, cand{n, 1, false})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].square && !cands[j].square })
	var out []Code
	for _, c := range cands {
		if ctx.Err() != nil {
			break
		}
		data, err := od.p.get(c.file)
		if err != nil {
			continue
		}
		texts := decodeImageBytes(ctx, data, opt)
		for _, t := range texts {
			out = append(out, Code{Text: t, Page: c.page, Source: "ofd-image:" + c.file})
		}
		for _, t := range texts {
			if isInvoiceText(t) {
				return out
			}
		}
	}
	return out
}

func isImageName(n string) bool {
	switch strings.ToLower(path.Ext(n)) {
	case ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".jb2", ".jbig2":
		return true
	}
	return false
}

// decodeImageBytes reads the QR codes of an image file: the usual formats
// directly, standalone JBIG2 through PDFium.
func decodeImageBytes(ctx context.Context, data []byte, opt Options) []string {
	if bytes.HasPrefix(data, jbig2Magic) {
		texts, _ := decodeJBIG2(ctx, data, opt)
		return texts
	}
	img, err := imaging.DecodeWithin(data, maxImageCost)
	if err != nil {
		return nil
	}
	b := img.Bounds()
	if !mayHoldQR(b.Dx(), b.Dy()) {
		return nil
	}
	return decodeEmbedded(ctx, img, false, opt)
}

// completeTotal fills 价税合计 from 合计金额 and 合计税额 when only those were
// given, as 数电 OFD metadata does.
func completeTotal(p *Printed) {
	if p.Total != "" || p.Amount == "" || p.Tax == "" {
		return
	}
	a, err1 := parseMoney(p.Amount)
	if err1 != nil {
		return
	}
	if p.Tax == "***" {
		p.Total = a.Fixed(max(2, a.Scale()))
		return
	}
	t, err2 := parseMoney(p.Tax)
	if err2 != nil {
		return
	}
	s := a.Add(t)
	p.Total = s.Fixed(max(2, s.Scale()))
}
