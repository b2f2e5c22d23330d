package scan

import (
	"context"
	"errors"
	"image"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

// isDocument reports whether path is read by the document reader (PDF, OFD,
// 数电 XML) rather than as an image.
func isDocument(path string) bool { return document.Supported(path) }

// fileDocument reads an electronic invoice file: every QR code with its
// page, and for each invoice the printed values compared with its QR code.
func (s *Scanner) fileDocument(ctx context.Context, path string) FileResult {
	start := time.Now()
	r := FileResult{File: path, Codes: []imaging.Code{}, Invoices: []Invoice{}}
	d, err := document.Read(ctx, path, document.Options{Budget: s.Budget})
	if d != nil && (err == nil || !errors.Is(err, document.ErrNotInvoice)) {
		r.Invoices = documentInvoices(d, s.now(), s.Keyring())
		for _, c := range d.Codes() {
			r.Codes = append(r.Codes, imaging.Code{Text: c.Text, Page: c.Page, Points: []imaging.Point{}})
		}
	}
	if err != nil {
		r.Err, r.Error = err, err.Error()
	} else if d != nil && d.Format == document.PDF {
		if oerr := s.paperPages(ctx, path, &r); ocrFailed(oerr) && !errors.Is(oerr, ocr.ErrUnavailable) {
			r.Err, r.Error = oerr, oerr.Error()
		}
	}
	r.Ms = time.Since(start).Milliseconds()
	return r
}

// pagePixels bounds a PDF page rendered to be read by OCR: an A4 page at
// 200 dpi, a 240 × 140 mm invoice at 300.
const pagePixels = 1800 * 2400

// paperPages reads by OCR the printed values of the invoices of a PDF whose
// text layer gave none (a scanned page, a font without a character map):
// the page is rendered and read as a picture is, anchored on the QR code
// found on it. An invoice whose text layer gave values is never read again.
func (s *Scanner) paperPages(ctx context.Context, path string, r *FileResult) error {
	var todo []int
	for i, inv := range r.Invoices {
		if inv.QR != nil && inv.Printed != nil && inv.Printed.NeedsTyping && inv.Page > 0 {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	eng, err := s.engine()
	if eng == nil {
		return err
	}
	// One page rendered at a time; a page's invoices follow each other.
	page, img, codes := 0, image.Image(nil), []imaging.Code(nil)
	for _, i := range todo {
		inv := &r.Invoices[i]
		if inv.Page != page {
			page = inv.Page
			if img, err = document.RenderPage(ctx, path, page, pagePixels); err != nil {
				return err
			}
			codes, err = imaging.DecodeImage(ctx, img, imaging.Options{Budget: s.Budget, IsInvoice: IsInvoiceText})
			if err != nil && !errors.Is(err, imaging.ErrNoCode) {
				return err
			}
		}
		if _, err := s.readPaper(ctx, eng, img, codes, r.File, inv); err != nil {
			return err
		}
	}
	return nil
}

// documentInvoices pairs each invoice's QR codes with its printed values.
// An invoice without a QR code (a 数电 XML file, a voucher) is listed with
// its printed values alone.
func documentInvoices(d *document.Document, now time.Time, keys *sealed.Keyring) []Invoice {
	var out []Invoice
	for _, inv := range d.Invoices {
		p := inv.Printed
		n := 0
		for _, c := range inv.Codes {
			q := payload.AnalyzeWith(c.Text, now, keys)
			if q.Kind == payload.KindOther {
				continue
			}
			n++
			rows, fs := compare.Compare(q, p)
			q.Findings = compare.QRFindings(q, rows)
			fs = append(dataDiffers(inv, c), fs...)
			out = append(out, Invoice{
				QR: q, Page: pageOf(c.Page, inv.Page), Printed: &p, Comparison: nonNil(rows),
				Findings: append(append([]finding.Finding{}, q.Findings...), fs...),
			})
		}
		if n > 0 {
			continue
		}
		rows, fs := compare.Compare(nil, p)
		if d.Format != document.XML {
			fs = append([]finding.Finding{finding.New("qr_missing", finding.Warning, "",
				"文件中未找到发票二维码，无法与票面核对", "no invoice QR code found in the file: nothing to compare the printed values with")}, fs...)
		}
		out = append(out, Invoice{Page: inv.Page, Printed: &p, Comparison: nonNil(rows), Findings: fs})
	}
	return out
}

// dataDiffers reports the QR texts the file keeps as data that differ from
// the code c its QR image gave.
func dataDiffers(inv document.Invoice, c document.Code) []finding.Finding {
	var out []finding.Finding
	for _, d := range inv.DataCodes {
		out = append(out, finding.New("qr_data_differs", finding.Warning, "",
			"文件内附数据中的二维码内容 %s 与票面二维码图片 %s 不一致：已按图片读取，请核对",
			"the QR text kept as data in the file, %s, differs from the QR image on the invoice, %s: the image was read; check it",
			d.Text, c.Text))
	}
	return out
}

func pageOf(codePage, invPage int) int {
	if codePage > 0 {
		return codePage
	}
	return invPage
}

func nonNil(rows []compare.Row) []compare.Row {
	if rows == nil {
		return []compare.Row{}
	}
	return rows
}
