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
)

// engine is the OCR engine scans use, nil when there is none (the error
// says why).
func (s *Scanner) engine() (ocr.Engine, error) {
	if s.NoOCR {
		return nil, nil
	}
	if s.OCR != nil {
		return s.OCR, nil
	}
	return ocr.Default()
}

// OCRStatus says whether printed values can be read from pictures: nil
// when they can (or OCR is switched off), else an error wrapping
// ocr.ErrUnavailable that says why. Scans go on without it; the values are
// then left to be typed.
func (s *Scanner) OCRStatus() error {
	_, err := s.engine()
	return err
}

// Paper reads by OCR the printed values of each invoice r holds that came
// from img (a photo, a scan, a webcam frame), compares them with its QR
// code and adds the findings. An image without an invoice code that can
// be read is read on its form's outer frame (whole when it has none), and
// listed as an invoice without a code when what only an invoice prints is
// found.
// Without an OCR engine r is left as it is.
func (s *Scanner) Paper(ctx context.Context, img image.Image, r *FileResult) error {
	eng, err := s.engine()
	if eng == nil {
		return err
	}
	read := 0
	for i := range r.Invoices {
		inv := &r.Invoices[i]
		if inv.QR == nil || inv.Printed != nil {
			continue
		}
		ok, err := s.readPaper(ctx, eng, img, r.Codes, r.File, inv)
		if err != nil {
			return err
		}
		if ok {
			read++
		}
	}
	if read > 0 || len(r.Invoices) > 0 || hasInvoice(r.Codes) {
		return nil
	}
	p, err := document.ReadImage(ctx, eng, img, document.ImageOptions{Progress: s.progress(r.File)})
	if err != nil {
		return err
	}
	// An invoice by what only an invoice prints: its number, code,
	// check code or total (价税合计, read by its caption or its place on
	// the form's frame).
	if p.Number == "" && p.Code == "" && p.CheckCode == "" && p.Total == "" {
		return nil
	}
	rows, fs := compare.Compare(nil, p)
	fs = append([]finding.Finding{finding.New("qr_missing", finding.Warning, "",
		"图片中未找到发票二维码，无法与票面核对", "no invoice QR code found in the image: nothing to compare the printed values with")}, fs...)
	r.Invoices = append(r.Invoices, Invoice{Printed: &p, Comparison: nonNil(rows), Findings: fs})
	return nil
}

// Frame reads a payload a webcam read in frame (JPEG), as Text does, and
// the printed values of its invoice from the frame by OCR, anchored on the
// code found again in the frame: the capture is read once, in the caller's
// goroutine, never on each frame of the preview. Without an OCR engine, or
// when the frame cannot be decoded, it is Text's result with the frame
// kept; an OCR that fails is a finding, the code stays read.
func (s *Scanner) Frame(ctx context.Context, text string, frame []byte) FileResult {
	start := time.Now()
	r := s.Text(text)
	r.Frame = frame
	defer func() { r.Ms = time.Since(start).Milliseconds() }()
	eng, _ := s.engine()
	if eng == nil || len(frame) == 0 || ctx.Err() != nil {
		return r
	}
	img, err := imaging.Decode(frame)
	if err != nil {
		return r
	}
	codes, _ := imaging.DecodeImage(ctx, img, imaging.Options{Budget: s.Budget, IsInvoice: IsInvoiceText})
	if codeOf(codes, text) != nil {
		r.Codes = codes // where it is in the frame, to outline it
	}
	if err := s.Paper(ctx, img, &r); ocrFailed(err) && !errors.Is(err, ocr.ErrUnavailable) {
		f := finding.New("ocr_failed", finding.Info, "", "未能从画面读取票面：%v",
			"the printed values could not be read from the frame: %v", err)
		for i := range r.Invoices {
			r.Invoices[i].Findings = append(r.Invoices[i].Findings, f)
		}
	}
	return r
}

// readPaper reads by OCR the printed values of inv in img, anchored on its
// QR code among codes, and compares them with the code. ok is false when
// the code is not among codes with its corners: nothing was read.
func (s *Scanner) readPaper(ctx context.Context, eng ocr.Engine, img image.Image, codes []imaging.Code, file string, inv *Invoice) (ok bool, err error) {
	code := codeOf(codes, inv.QR.Raw)
	if code == nil || len(code.Points) != 4 {
		return false, nil
	}
	p, err := document.ReadImage(ctx, eng, img, document.ImageOptions{QR: code, Progress: s.progress(file)})
	if err != nil {
		return false, err
	}
	inv.Printed = &p
	rows, fs := compare.Compare(inv.QR, p)
	inv.Comparison = nonNil(rows)
	inv.QR.Findings = compare.QRFindings(inv.QR, rows)
	inv.Findings = append(append([]finding.Finding{}, inv.QR.Findings...), fs...)
	return true, nil
}

// progress tells OnOCR how reading file's printed values goes.
func (s *Scanner) progress(file string) func(done, total int) {
	return func(done, total int) {
		if s.OnOCR != nil {
			s.OnOCR(file, done, total)
		}
	}
}

func codeOf(cs []imaging.Code, text string) *imaging.Code {
	for i := range cs {
		if cs[i].Text == text {
			return &cs[i]
		}
	}
	return nil
}

func hasInvoice(cs []imaging.Code) bool {
	for _, c := range cs {
		if payload.Parse(c.Text).Kind != payload.KindOther {
			return true
		}
	}
	return false
}

// ocrFailed turns an OCR error into the file's error, unless the scan was
// cancelled (then the caller reports that).
func ocrFailed(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
