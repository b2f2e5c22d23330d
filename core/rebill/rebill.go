// Package rebill retries a failed invoice issue through the fw199 gateway
// and keeps what came of it: every attempt is recorded in the history, and
// when the answer links the re-issued invoice's PDF, the PDF is downloaded
// into the data folder and read like any other invoice file, so the new
// invoice is checked and recorded too. The window and the command line
// both retry through it.
package rebill

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// MaxPDF bounds a downloaded invoice PDF; real ones are 50–500 KB.
const MaxPDF = 20 << 20

// Service retries orders. Store and Client are required.
type Service struct {
	Store   *store.Store
	Client  *gateway.Client
	Scanner *scan.Scanner // reads the downloaded PDF; a zero Scanner when nil
	// Dir keeps the downloaded PDFs; "gateway" beside the history when empty.
	Dir string
	// HTTP downloads the PDF; 60 s total timeout when nil.
	HTTP *http.Client
}

// Outcome is what one retry came to.
type Outcome struct {
	// Result is the gateway's answer; its Status is empty when no answer
	// came, and Err then says why.
	Result gateway.Result
	Err    error
	// Order and Attempt are as recorded in the history.
	Order   store.Order
	Attempt store.Attempt
	// PDF is the downloaded invoice file as read and recorded, when the
	// answer linked one and it could be fetched; PDFErr says why not.
	PDF    *scan.FileResult
	PDFErr error
}

// ErrNoCredentials: the gateway's AppID or secret is not configured, so no
// attempt was made.
var ErrNoCredentials = errors.New("the fw199 gateway credentials (AppID and secret) are not configured")

// Error kinds of PDFErr, for errors.Is.
var (
	ErrNotPDF      = errors.New("the gateway's link did not give a PDF")
	ErrPDFTooLarge = errors.New("the gateway's PDF is larger than allowed")
	ErrBadLink     = errors.New("the gateway's PDF link is not an http(s) address")
	ErrNoInvoice   = errors.New("the gateway's PDF holds no invoice")
	ErrWrongPDF    = errors.New("the gateway's PDF is a different invoice than it names")
)

// Retry asks the gateway to issue order orderNo of seller taxNum again,
// as clerk ("" for the history's clerk). Whatever the gateway answers, or
// when it cannot be reached, the attempt is recorded before Retry goes on
// to the PDF. The error is only for what stopped the attempt from being
// recorded (bad arguments, the history unwritable); the gateway's own
// failures are in Outcome.
func (s *Service) Retry(ctx context.Context, orderNo, taxNum, clerk string) (Outcome, error) {
	var out Outcome
	orderNo, taxNum = strings.TrimSpace(orderNo), store.NormalizeTaxID(taxNum)
	if orderNo == "" || taxNum == "" {
		return out, fmt.Errorf("retry order: %w: order number and seller tax number are required", store.ErrInvalid)
	}
	if s.Client.Creds.AppID == "" || s.Client.Creds.Secret == "" {
		return out, ErrNoCredentials
	}
	before, err := s.Store.Order(ctx, orderNo, taxNum)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	res, callErr := s.Client.Rebill(ctx, orderNo, taxNum)
	out.Result, out.Err = res, callErr
	a := store.Attempt{Clerk: clerk, Status: string(res.Status), Code: res.Code, Message: res.Message,
		InvoiceNo: res.InvoiceNo, PDFURL: res.InvoiceDownURL, Requests: res.Attempts}
	if callErr != nil {
		a.Status, a.Error = "error", callErr.Error()
		if a.Requests == 0 {
			a.Requests = 1
		}
	}
	// Recorded even when ctx was cancelled mid-call: the request may have
	// reached the gateway.
	out.Order, out.Attempt, err = s.Store.RecordAttempt(context.WithoutCancel(ctx), orderNo, taxNum, a)
	if err != nil {
		return out, err
	}
	if callErr != nil || res.InvoiceDownURL == "" {
		return out, nil
	}
	// The same invoice already read for this order is not read again: a
	// second sighting would show it as a duplicate.
	if before.InvoiceID != 0 && before.InvoiceNo == res.InvoiceNo {
		return out, s.setPDF(ctx, &out, "already read", before.InvoiceID)
	}
	r, err := s.fetch(ctx, orderNo, res)
	if err != nil {
		out.PDFErr = err
		return out, s.setPDF(ctx, &out, err.Error(), 0)
	}
	out.PDF = r
	id, err := invoiceOf(r, res.InvoiceNo)
	if err != nil {
		out.PDFErr = err
		return out, s.setPDF(ctx, &out, err.Error(), id)
	}
	return out, s.setPDF(ctx, &out, "scanned", id)
}

func (s *Service) setPDF(ctx context.Context, out *Outcome, result string, invoiceID int64) error {
	if err := s.Store.SetAttemptPDF(context.WithoutCancel(ctx), out.Attempt.ID, result, invoiceID); err != nil {
		return err
	}
	out.Attempt.PDF, out.Attempt.InvoiceID = result, invoiceID
	if invoiceID != 0 {
		out.Order.InvoiceID = invoiceID
	}
	return nil
}

// fetch downloads the PDF, keeps it in Dir and reads it into the history.
func (s *Service) fetch(ctx context.Context, orderNo string, res gateway.Result) (*scan.FileResult, error) {
	data, err := s.download(ctx, res.InvoiceDownURL)
	if err != nil {
		return nil, err
	}
	dir := s.Dir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(s.Store.Path()), "gateway")
	}
	name := safeName(orderNo)
	if res.InvoiceNo != "" {
		name += "-" + safeName(res.InvoiceNo)
	}
	path := filepath.Join(dir, name+".pdf")
	if err := writeFile(path, data); err != nil {
		return nil, fmt.Errorf("keep the gateway's PDF: %w", err)
	}
	sc := s.Scanner
	if sc == nil {
		sc = &scan.Scanner{}
	}
	r := sc.File(ctx, path)
	if r.Err != nil {
		return &r, fmt.Errorf("read the gateway's PDF %s: %w", path, r.Err)
	}
	if err := scan.Save(context.WithoutCancel(ctx), s.Store, store.SourceGateway, &r); err != nil {
		return &r, fmt.Errorf("record the gateway's PDF %s: %w", path, err)
	}
	return &r, nil
}

func (s *Service) download(ctx context.Context, link string) ([]byte, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ErrBadLink, link)
	}
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", link, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download the invoice PDF: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: HTTP %d", link, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxPDF+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", link, err)
	}
	if len(data) > MaxPDF {
		return nil, fmt.Errorf("%w: over %d MB", ErrPDFTooLarge, MaxPDF>>20)
	}
	if !bytes.HasPrefix(bytes.TrimLeft(data, "\x00\t\r\n "), []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: %d bytes starting %q", ErrNotPDF, len(data), head(data))
	}
	return data, nil
}

// invoiceOf finds the invoice the gateway named in the PDF's result and
// returns its history ID. A PDF naming another number is recorded (it is a
// real invoice) but reported.
func invoiceOf(r *scan.FileResult, number string) (int64, error) {
	var first int64
	for _, inv := range r.Invoices {
		if inv.Recorded == nil || inv.Recorded.InvoiceID == 0 {
			continue
		}
		if first == 0 {
			first = inv.Recorded.InvoiceID
		}
		if number == "" || (inv.QR != nil && inv.QR.Number == number) ||
			(inv.Printed != nil && inv.Printed.Number == number) {
			return inv.Recorded.InvoiceID, nil
		}
	}
	if first == 0 {
		return 0, ErrNoInvoice
	}
	return first, fmt.Errorf("%w: it names %s", ErrWrongPDF, number)
}

// writeFile writes atomically, so a half-downloaded PDF never looks whole.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// safeName keeps letters, digits, '-' and '_' of s, for a file name.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "order"
	}
	if b.Len() > 64 {
		return b.String()[:64]
	}
	return b.String()
}

func head(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}
