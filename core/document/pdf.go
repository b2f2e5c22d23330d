package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// Two libraries share the work on a PDF. pdfcpu, in pure Go, pulls the
// embedded images out of the file: an e-invoice's QR code is almost always
// one of them, and decoding it directly is fast and exact. PDFium reads the
// text layer with the position of every character, decodes what pdfcpu
// cannot (JBIG2 images), and renders a page when its QR code is drawn as
// vector graphics or the whole page is a scan.

// pdfcpu would otherwise write a configuration file into the user's
// configuration folder on first use, unsynchronised: keep it in memory.
func init() { model.ConfigPath = "disable" }

// renderDPI is the first resolution a page is rendered at: high enough for
// a 20 mm QR code, and not so high that print noise breaks it up.
const (
	renderDPI      = 200
	retryDPI       = 300
	maxQRImageSide = 4000
	// maxRenderPixels bounds a page rendered to find its QR code: an A4
	// page at 300 dpi is 8.7 megapixels; a larger page is rendered at less.
	maxRenderPixels = 12_000_000
	// maxPageImagePixels bounds the images of a page that is rendered:
	// PDFium decodes each whole to draw it. A4 scanned at 600 dpi is 35
	// megapixels; the JBIG2 image of a hostile 718-byte file, 3,600.
	maxPageImagePixels = 100_000_000
	// maxStreamDecode bounds what one stream of the file inflates to.
	maxStreamDecode = 64 << 20
	// maxImageCost bounds what one embedded image may cost to decode and
	// search (imaging.Cost): a 4000 × 4000 QR image in colour.
	maxImageCost = 128 << 20
)

// pdfPage is what one page gave.
type pdfPage struct {
	codes   []Code
	printed Printed
	text    bool // the page has a text layer with readable characters
	// native lists QR-shaped images pdfcpu could not decode (JBIG2, JPX):
	// PDFium decodes those.
	native bool
	// w, h are the page's size in points.
	w, h float64
}

// openPDF opens data in pdfium and counts its pages; closeDoc releases it.
// The errors are the package's kinds: ErrEncrypted, ErrCorrupt.
func openPDF(p pdfium.Pdfium, data []byte) (doc references.FPDF_DOCUMENT, pages int, closeDoc func(), err error) {
	d, err := p.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		if errors.Is(err, pdfiumerrors.ErrPassword) || errors.Is(err, pdfiumerrors.ErrSecurity) {
			return "", 0, nil, ErrEncrypted
		}
		return "", 0, nil, fmt.Errorf("%w: %s", ErrCorrupt, engineWords(err))
	}
	closeDoc = func() { p.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: d.Document}) }
	pc, err := p.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: d.Document})
	if err != nil {
		closeDoc()
		return "", 0, nil, fmt.Errorf("%w: %s", ErrCorrupt, engineWords(err))
	}
	return d.Document, pc.PageCount, closeDoc, nil
}

func readPDF(ctx context.Context, data []byte, opt Options) (*Document, error) {
	if err := checkStreams(data); err != nil {
		return nil, err
	}
	pages, pdfcpuOK := pdfImages(ctx, data, opt)
	d := &Document{Format: PDF}
	err := withPDFium(ctx, func(p pdfium.Pdfium) error {
		doc, n, closeDoc, err := openPDF(p, data)
		if err != nil {
			return err
		}
		defer closeDoc()
		d.Pages = n
		if d.Pages > MaxPages {
			return fmt.Errorf("%d pages, more than %d: %w", d.Pages, MaxPages, ErrTooLarge)
		}
		for len(pages) < d.Pages {
			pages = append(pages, &pdfPage{native: !pdfcpuOK})
		}
		for i := 0; i < d.Pages; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			pg := pages[i]
			page := requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: i}}
			pt, err := pageGlyphs(p, page)
			if err != nil {
				return fmt.Errorf("%w: page %d: %s", ErrCorrupt, i+1, engineWords(err))
			}
			pg.w, pg.h = pt.w, pt.h
			pg.text = readable(pt)
			if pg.text {
				pg.printed = readLayout(pt)
			}
			if len(pg.codes) == 0 && pg.native {
				for _, t := range nativeImages(ctx, p, page, opt) {
					pg.codes = append(pg.codes, Code{Text: t, Page: i + 1, Source: "pdf-image"})
				}
			}
			// A page that continues the invoice before it (a goods list) has
			// no QR code of its own: rendering it would only cost time.
			if len(pg.codes) == 0 && !continues(pages[:i], pg) {
				if err := pageImagesFit(p, page); err != nil {
					return fmt.Errorf("page %d: %w", i+1, err)
				}
				texts, err := renderCodes(ctx, p, page, opt, pg)
				if err != nil {
					return err
				}
				d.Rendered++
				for _, t := range texts {
					pg.codes = append(pg.codes, Code{Text: t, Page: i + 1, Source: "pdf-render"})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Invoices = groupPages(pages[:d.Pages], "pdf-text")
	return d, nil
}

// pdfImages decodes the QR-shaped embedded images of every page with
// pdfcpu. ok is false when pdfcpu could not read the file at all.
func pdfImages(ctx context.Context, data []byte, opt Options) (pages []*pdfPage, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			pages, ok = nil, false
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Cmd = model.EXTRACTIMAGES
	// Content streams are decoded with a limit of pdfcpu's own (512 MB):
	// checkStreams has bounded them before. These bound the rest.
	conf.Limits.MaxStreamBytes = MaxFileBytes
	conf.Limits.MaxDecodeBytes = maxStreamDecode
	conf.Limits.MaxImageBytes = maxStreamDecode
	conf.Limits.MaxImagePixels = maxQRImageSide * maxQRImageSide
	pc, err := api.ReadValidateAndOptimize(bytes.NewReader(data), conf)
	if err != nil {
		return nil, false
	}
	n := min(pc.PageCount, MaxPages)
	for pageNr := 1; pageNr <= n; pageNr++ {
		pg := &pdfPage{}
		pages = append(pages, pg)
		stubs, _ := pdfcpu.ExtractPageImages(pc, pageNr, true)
		// Largest square image first: the QR code is the biggest square
		// picture on an invoice; logos and stamps are smaller. Pictures
		// that may hold several codes come after the square ones. One
		// invoice code per page is the rule, so the page stops at the
		// first image that gives one, with every code that image holds.
		var objs []int
		for objNr, st := range stubs {
			if !st.Thumb && mayHoldQR(st.Width, st.Height) && max(st.Width, st.Height) <= maxQRImageSide {
				objs = append(objs, objNr)
			}
		}
		sort.Slice(objs, func(i, j int) bool {
			a, b := stubs[objs[i]], stubs[objs[j]]
			if sa, sb := squareish(a.Width, a.Height), squareish(b.Width, b.Height); sa != sb {
				return sa
			}
			if a.Width*a.Height != b.Width*b.Height {
				return a.Width*a.Height > b.Width*b.Height
			}
			return objs[i] < objs[j]
		})
		for _, objNr := range objs {
			if ctx.Err() != nil || hasInvoiceCode(pg.codes) {
				break
			}
			st := stubs[objNr]
			obj, ok := pc.Optimize.ImageObjects[objNr]
			if !ok || obj == nil {
				continue
			}
			im, err := pdfcpu.ExtractImage(pc, obj.ImageDict, false, st.Name, objNr, false)
			if err != nil || im == nil || im.Reader == nil {
				pg.native = true
				continue
			}
			b, err := readAllLimit(im.Reader, maxStreamDecode)
			if err != nil {
				continue
			}
			img, err := imaging.DecodeWithin(b, maxImageCost)
			if err != nil {
				pg.native = true
				continue
			}
			for _, t := range decodeEmbedded(ctx, img, st.IsImgMask || st.Bpc == 1, opt) {
				if !hasCode(pg.codes, t) {
					pg.codes = append(pg.codes, Code{Text: t, Page: pageNr, Source: "pdf-image"})
				}
			}
		}
	}
	return pages, true
}

func hasInvoiceCode(cs []Code) bool {
	for _, c := range cs {
		if isInvoiceText(c.Text) {
			return true
		}
	}
	return false
}

func readAllLimit(r io.Reader, n int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > n {
		return nil, ErrTooLarge
	}
	return b, nil
}

// pageGlyphs reads the characters of a page with their boxes, turned to
// y-down coordinates.
func pageGlyphs(p pdfium.Pdfium, page requests.Page) (pageText, error) {
	var pt pageText
	w, err := p.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: page})
	if err != nil {
		return pt, err
	}
	h, err := p.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: page})
	if err != nil {
		return pt, err
	}
	pt.w, pt.h = float64(w.PageWidth), float64(h.PageHeight)
	tp, err := p.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return pt, err
	}
	defer p.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	cc, err := p.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return pt, err
	}
	for i := 0; i < min(cc.Count, 20000); i++ {
		u, err := p.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: i})
		if err != nil {
			return pt, err
		}
		r := rune(u.Unicode)
		if r == 0 || r == '\r' || r == '\n' || r > unicode.MaxRune {
			continue
		}
		if unicode.IsSpace(r) {
			gen, err := p.FPDFText_IsGenerated(&requests.FPDFText_IsGenerated{TextPage: tp.TextPage, Index: i})
			if err == nil && gen.IsGenerated {
				continue
			}
		}
		b, err := p.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: i})
		if err != nil {
			continue
		}
		rc := b.Rect
		pt.glyphs = append(pt.glyphs, glyph{
			r:  r,
			x0: float64(rc.Left), x1: float64(rc.Right),
			y0: pt.h - float64(rc.Top), y1: pt.h - float64(rc.Bottom),
		})
	}
	return pt, nil
}

// readable reports whether a page's text layer decodes to real characters:
// a layer whose fonts lack a usable encoding gives private-use code points
// or nothing a reader could use.
func readable(pt pageText) bool {
	good, bad := 0, 0
	for _, g := range pt.glyphs {
		switch {
		case unicode.IsSpace(g.r):
		case unicode.Is(unicode.Han, g.r), g.r < 0x7f && (unicode.IsLetter(g.r) || unicode.IsDigit(g.r)):
			good++
		case unicode.In(g.r, unicode.Co), g.r == unicode.ReplacementChar:
			bad++
		}
	}
	return good >= 10 && good > 3*bad
}

// nativeImages decodes QR-shaped image objects with PDFium: the images
// pdfcpu could not decode, or all of them when pdfcpu could not read the
// file.
func nativeImages(ctx context.Context, p pdfium.Pdfium, page requests.Page, opt Options) []string {
	var out []string
	for _, o := range pageImages(p, page) {
		if ctx.Err() != nil {
			break
		}
		sz, err := p.FPDFImageObj_GetImagePixelSize(&requests.FPDFImageObj_GetImagePixelSize{ImageObject: o})
		if err != nil || !mayHoldQR(int(sz.Width), int(sz.Height)) || max(sz.Width, sz.Height) > maxQRImageSide {
			continue
		}
		g, err := objectBitmap(p, o)
		if err != nil {
			continue
		}
		out = append(out, decodeEmbedded(ctx, g, true, opt)...)
		if len(out) > 0 {
			break
		}
	}
	return out
}

// pageImages lists the image objects of a page, also those in form objects.
func pageImages(p pdfium.Pdfium, page requests.Page) []references.FPDF_PAGEOBJECT {
	var objs []references.FPDF_PAGEOBJECT
	n, err := p.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return nil
	}
	for i := 0; i < min(n.Count, 5000); i++ {
		o, err := p.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
		if err != nil {
			continue
		}
		objs = append(objs, collectImages(p, o.PageObject, 0)...)
	}
	return objs
}

// pageImagesFit refuses to render a page with an image larger than
// maxPageImagePixels: drawing the page would decode it whole, and PDFium's
// memory would run out before the QR code could be read.
func pageImagesFit(p pdfium.Pdfium, page requests.Page) error {
	for _, o := range pageImages(p, page) {
		sz, err := p.FPDFImageObj_GetImagePixelSize(&requests.FPDFImageObj_GetImagePixelSize{ImageObject: o})
		if err != nil {
			continue
		}
		if px := int64(sz.Width) * int64(sz.Height); px > maxPageImagePixels {
			return fmt.Errorf("an image of %d × %d pixels, more than the %d megapixels a page may hold: %w",
				sz.Width, sz.Height, maxPageImagePixels/1_000_000, ErrTooLarge)
		}
	}
	return nil
}

// collectImages lists the image objects in o, looking into form objects.
func collectImages(p pdfium.Pdfium, o references.FPDF_PAGEOBJECT, depth int) []references.FPDF_PAGEOBJECT {
	t, err := p.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o})
	if err != nil {
		return nil
	}
	switch t.Type {
	case enums.FPDF_PAGEOBJ_IMAGE:
		return []references.FPDF_PAGEOBJECT{o}
	case enums.FPDF_PAGEOBJ_FORM:
		if depth > 4 {
			return nil
		}
		n, err := p.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: o})
		if err != nil {
			return nil
		}
		var out []references.FPDF_PAGEOBJECT
		for i := 0; i < min(n.Count, 5000); i++ {
			c, err := p.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: o, Index: uint64(i)})
			if err == nil {
				out = append(out, collectImages(p, c.PageObject, depth+1)...)
			}
		}
		return out
	}
	return nil
}

// objectBitmap copies an image object's decoded pixels out of PDFium.
func objectBitmap(p pdfium.Pdfium, o references.FPDF_PAGEOBJECT) (*image.Gray, error) {
	bm, err := p.FPDFImageObj_GetBitmap(&requests.FPDFImageObj_GetBitmap{ImageObject: o})
	if err != nil {
		return nil, err
	}
	defer p.FPDFBitmap_Destroy(&requests.FPDFBitmap_Destroy{Bitmap: bm.Bitmap})
	return bitmapGray(p, bm.Bitmap)
}

func bitmapGray(p pdfium.Pdfium, bm references.FPDF_BITMAP) (*image.Gray, error) {
	w, err := p.FPDFBitmap_GetWidth(&requests.FPDFBitmap_GetWidth{Bitmap: bm})
	if err != nil {
		return nil, err
	}
	h, err := p.FPDFBitmap_GetHeight(&requests.FPDFBitmap_GetHeight{Bitmap: bm})
	if err != nil {
		return nil, err
	}
	st, err := p.FPDFBitmap_GetStride(&requests.FPDFBitmap_GetStride{Bitmap: bm})
	if err != nil {
		return nil, err
	}
	f, err := p.FPDFBitmap_GetFormat(&requests.FPDFBitmap_GetFormat{Bitmap: bm})
	if err != nil {
		return nil, err
	}
	buf, err := p.FPDFBitmap_GetBuffer(&requests.FPDFBitmap_GetBuffer{Bitmap: bm})
	if err != nil {
		return nil, err
	}
	bpp := map[enums.FPDF_BITMAP_FORMAT]int{
		enums.FPDF_BITMAP_FORMAT_GRAY: 1, enums.FPDF_BITMAP_FORMAT_BGR: 3,
		enums.FPDF_BITMAP_FORMAT_BGRX: 4, enums.FPDF_BITMAP_FORMAT_BGRA: 4,
	}[f.Format]
	if bpp == 0 || w.Width <= 0 || h.Height <= 0 || len(buf.Buffer) < st.Stride*h.Height {
		return nil, fmt.Errorf("bitmap format %d not supported", f.Format)
	}
	return grayFromBytes(buf.Buffer, w.Width, h.Height, st.Stride, bpp, f.Format == enums.FPDF_BITMAP_FORMAT_BGRA), nil
}

// renderCodes renders a page and reads its QR codes: the slow path, for a
// QR code drawn as vector paths or a scanned page.
func renderCodes(ctx context.Context, p pdfium.Pdfium, page requests.Page, opt Options, pg *pdfPage) ([]string, error) {
	dpis := []int{renderDPI}
	if pg.text && pg.printed.Kind != "" || !pg.text {
		dpis = append(dpis, retryDPI)
	}
	for _, dpi := range dpis {
		w, h := fitPixelsAt(pg.w, pg.h, dpi, maxRenderPixels)
		if w < 1 || h < 1 {
			return nil, fmt.Errorf("%w: page of %.0f×%.0f points", ErrCorrupt, pg.w, pg.h)
		}
		r, err := p.RenderPageInPixels(&requests.RenderPageInPixels{Page: page, Width: w, Height: h})
		if err != nil {
			return nil, fmt.Errorf("%w: render: %s", ErrCorrupt, engineWords(err))
		}
		g := grayOver(r.Result.Image)
		r.Cleanup()
		codes, err := imaging.DecodeImage(ctx, g, decodeOptions(opt, imaging.DefaultBudget))
		if err != nil && !errors.Is(err, imaging.ErrNoCode) {
			return nil, nil
		}
		var out []string
		for _, c := range codes {
			out = append(out, c.Text)
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, nil
}

// groupPages turns pages into invoices. A page with an invoice QR code, or
// with an invoice number of its own, starts an invoice; a page without
// either (a goods list) continues the one before it.
func groupPages(pages []*pdfPage, source string) []Invoice {
	var out []Invoice
	for i, pg := range pages {
		num := pg.printed.Number
		hasQR := false
		for _, c := range pg.codes {
			hasQR = hasQR || isInvoiceText(c.Text)
		}
		cur := len(out) - 1
		cont := cur >= 0 && !hasQR && (num == "" || num == out[cur].Printed.Number)
		if cur >= 0 && hasQR && sameCodes(out[cur].Codes, pg.codes) {
			cont = true
		}
		if cont {
			inv := &out[cur]
			inv.Pages = i + 2 - inv.Page
			mergePrinted(&inv.Printed, pg.printed)
			for _, c := range pg.codes {
				if !hasCode(inv.Codes, c.Text) {
					inv.Codes = append(inv.Codes, c)
				}
			}
			continue
		}
		if !hasQR && pg.printed.Empty() && len(pg.codes) == 0 {
			continue
		}
		inv := Invoice{Page: i + 1, Pages: 1, Codes: pg.codes, Printed: pg.printed}
		finishPrinted(&inv.Printed, source)
		out = append(out, inv)
	}
	return out
}

// continues reports whether a page with text but no QR code carries on the
// invoice of the pages before it: no invoice number of its own, or the same.
func continues(before []*pdfPage, pg *pdfPage) bool {
	if !pg.text || len(before) == 0 {
		return false
	}
	for k := len(before) - 1; k >= 0; k-- {
		b := before[k]
		if hasInvoiceCode(b.codes) || b.printed.Number != "" {
			return pg.printed.Number == "" || pg.printed.Number == b.printed.Number
		}
	}
	return false
}

func sameCodes(a, b []Code) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for _, c := range b {
		if !hasCode(a, c.Text) {
			return false
		}
	}
	return true
}

func hasCode(cs []Code, text string) bool {
	for _, c := range cs {
		if c.Text == text {
			return true
		}
	}
	return false
}

// mergePrinted fills what the first page lacked from a continuation page
// and appends its goods.
func mergePrinted(p *Printed, q Printed) {
	fill := func(a *string, b string) {
		if *a == "" {
			*a = b
		}
	}
	fill(&p.Kind, q.Kind)
	fill(&p.TypeCode, q.TypeCode)
	fill(&p.Code, q.Code)
	fill(&p.Number, q.Number)
	fill(&p.Date, q.Date)
	fill(&p.CheckCode, q.CheckCode)
	fill(&p.BuyerName, q.BuyerName)
	fill(&p.BuyerTaxID, q.BuyerTaxID)
	fill(&p.SellerName, q.SellerName)
	fill(&p.SellerTaxID, q.SellerTaxID)
	fill(&p.Amount, q.Amount)
	fill(&p.Tax, q.Tax)
	fill(&p.Total, q.Total)
	p.Items = append(p.Items, q.Items...)
}

// finishPrinted sets where the values came from, or that they must be typed.
func finishPrinted(p *Printed, source string) {
	if p.Empty() {
		p.NeedsTyping = true
		p.Source = ""
		return
	}
	if p.Source == "" {
		p.Source = source
	}
}

// joinSources joins source names without repeats.
func joinSources(ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" && !strings.Contains("+"+strings.Join(out, "+")+"+", "+"+s+"+") {
			out = append(out, s)
		}
	}
	return strings.Join(out, "+")
}
