package rebill

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// The real 数电 invoice PDF the fake gateway hands out, and its number.
const (
	pdfFile   = "corpus/real/pdf/Caisin__fapiao-print__7.22底座.pdf"
	pdfNumber = "25322000000337005189"
	seller    = "91310117568051223X"
)

// answers are what the stand-in gateway does with each order of the tests.
func answers(order string) gatewaytest.Answer {
	issued := gatewaytest.Answer{Outcome: gatewaytest.Issued, Message: "ok"}
	switch order {
	case "issued", "again":
		return gatewaytest.Answer{Outcome: gatewaytest.Issued}
	case "wrong-number":
		issued.InvoiceNo = "11111111111111111111"
	case "html":
		issued.PDF = []byte("<html><body>请先登录</body></html>")
	case "missing":
		issued.PDFStatus = http.StatusNotFound
	case "corrupt":
		issued.PDF = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("garbage "), 500)...)
	case "huge":
		issued.PDF = append([]byte("%PDF-1.7\n"), make([]byte, MaxPDF)...)
	case "local-file":
		issued.InvoiceNo, issued.Link = "1", "file:///etc/passwd"
	case "busy":
		return gatewaytest.Answer{Outcome: gatewaytest.InProgress}
	case "refused":
		return gatewaytest.Answer{Outcome: gatewaytest.Failed, Message: "本次操作需登录电子发票服务平台"}
	case "slow":
		return gatewaytest.Answer{Outcome: gatewaytest.Slow}
	default:
		return gatewaytest.Answer{Outcome: gatewaytest.Accepted}
	}
	return issued
}

// testGateway is the stand-in gateway on loopback, handing out the real PDF.
type testGateway struct {
	*gatewaytest.Handler
	pdf []byte
	srv *httptest.Server
	// slow receives each request the gateway holds without answering.
	slow chan struct{}
}

func newGateway(t *testing.T) *testGateway {
	pdf, err := os.ReadFile(shared.Path(t, pdfFile))
	if err != nil {
		t.Fatal(err)
	}
	g := &testGateway{pdf: pdf, slow: make(chan struct{}, 16)}
	g.Handler = &gatewaytest.Handler{Secret: "secret", AppID: "app", PDF: pdf, InvoiceNo: pdfNumber,
		Answer: answers, OnHold: func(string) { g.slow <- struct{}{} }}
	g.srv = httptest.NewServer(g.Handler)
	t.Cleanup(g.srv.Close)
	return g
}

func newService(t *testing.T, g *testGateway) *Service {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Service{Store: st, Client: &gateway.Client{Endpoint: g.srv.URL + "/rebill",
		Creds: gateway.Credentials{AppID: "app", Secret: "secret"}, Backoff: time.Millisecond, Retries: 1}}
}

func TestRetryIssuedReadsThePDF(t *testing.T) {
	g := newGateway(t)
	s := newService(t, g)
	ctx := context.Background()

	out, err := s.Retry(ctx, "issued", seller, "王会计")
	if err != nil {
		t.Fatal(err)
	}
	if out.Err != nil || out.PDFErr != nil || out.Result.Status != gateway.Issued {
		t.Fatalf("outcome: %+v", out)
	}
	if out.Order.InvoiceID == 0 || out.Attempt.PDF != "scanned" || out.Attempt.Clerk != "王会计" {
		t.Fatalf("order %+v attempt %+v", out.Order, out.Attempt)
	}
	kept := filepath.Join(filepath.Dir(s.Store.Path()), "gateway", "issued-"+pdfNumber+".pdf")
	if b, err := os.ReadFile(kept); err != nil || !bytes.Equal(b, g.pdf) {
		t.Fatalf("kept PDF %s: %d bytes, %v", kept, len(b), err)
	}
	inv, err := s.Store.Get(ctx, out.Order.InvoiceID)
	if err != nil || inv.Number != pdfNumber {
		t.Fatalf("recorded invoice: %+v, %v", inv, err)
	}
	if len(inv.Sightings) != 1 || inv.Sightings[0].Source != store.SourceGateway || inv.Sightings[0].File != kept {
		t.Errorf("sightings: %+v", inv.Sightings)
	}
	// The invoice's printed values were read from the PDF, like a dropped file's.
	if inv.Printed[store.PrintedSellerName] == "" || inv.Total == nil {
		t.Errorf("printed values not read: %+v", inv)
	}

	// Retrying an issued order does not record its invoice a second time.
	out2, err := s.Retry(ctx, "issued", seller, "")
	if err != nil || out2.Attempt.PDF != "already read" || out2.Order.InvoiceID != out.Order.InvoiceID || out2.Order.Attempts != 2 {
		t.Fatalf("second retry: %+v, %v", out2, err)
	}
	if inv, _ := s.Store.Get(ctx, out.Order.InvoiceID); len(inv.Sightings) != 1 {
		t.Errorf("the re-issued invoice was recorded again: %d sightings", len(inv.Sightings))
	}
	// Another order's answer linking the same invoice is a real duplicate.
	out3, err := s.Retry(ctx, "again", seller, "")
	if err != nil || out3.PDF == nil || out3.PDF.Invoices[0].Recorded.DuplicateOf == nil {
		t.Fatalf("another order, same invoice: %+v, %v", out3, err)
	}
}

func TestRetryOutcomesAreRecorded(t *testing.T) {
	g := newGateway(t)
	s := newService(t, g)
	ctx := context.Background()
	cases := []struct {
		order     string
		status    string
		pdfErr    error
		pdfResult string
	}{
		{"accepted", "accepted", nil, ""},
		{"busy", "in_progress", nil, ""},
		{"refused", "failed", nil, ""},
		{"html", "issued", ErrNotPDF, "not give a PDF"},
		{"missing", "issued", nil, "HTTP 404"},
		{"corrupt", "issued", nil, "read the gateway's PDF"},
		{"huge", "issued", ErrPDFTooLarge, "larger than allowed"},
		{"local-file", "issued", ErrBadLink, "not an http(s) address"},
		{"wrong-number", "issued", ErrWrongPDF, "different invoice"},
	}
	for _, c := range cases {
		t.Run(c.order, func(t *testing.T) {
			out, err := s.Retry(ctx, c.order, seller, "")
			if err != nil {
				t.Fatal(err)
			}
			if out.Err != nil || string(out.Result.Status) != c.status || out.Order.Status != c.status {
				t.Fatalf("status %q / order %q, err %v; want %s", out.Result.Status, out.Order.Status, out.Err, c.status)
			}
			if c.pdfErr != nil && !errors.Is(out.PDFErr, c.pdfErr) {
				t.Errorf("PDF error %v, want %v", out.PDFErr, c.pdfErr)
			}
			if c.pdfResult == "" && (out.PDFErr != nil || out.Attempt.PDF != "") {
				t.Errorf("no PDF expected: %v %q", out.PDFErr, out.Attempt.PDF)
			}
			if c.pdfResult != "" && (out.PDFErr == nil || !strings.Contains(out.Attempt.PDF, c.pdfResult)) {
				t.Errorf("PDF result %q (%v), want it to say %q", out.Attempt.PDF, out.PDFErr, c.pdfResult)
			}
			atts, err := s.Store.Attempts(ctx, out.Order.ID)
			if err != nil || len(atts) != 1 || atts[0].Status != c.status || atts[0].PDF != out.Attempt.PDF {
				t.Errorf("attempts as stored: %+v, %v", atts, err)
			}
		})
	}
	// The wrong-number PDF is still a real invoice: recorded, and linked.
	if o, _ := s.Store.Order(ctx, "wrong-number", seller); o.InvoiceID == 0 {
		t.Errorf("wrong-number order not linked to the invoice it got: %+v", o)
	}
	// A failed download leaves no partial file behind.
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Store.Path()), "gateway", ".download-*"))
	if len(left) > 0 {
		t.Errorf("partial downloads left: %v", left)
	}
}

func TestRetryWithoutAnAnswerIsRecorded(t *testing.T) {
	g := newGateway(t)
	s := newService(t, g)
	s.Client.HTTP = &http.Client{Timeout: 200 * time.Millisecond}
	ctx := context.Background()

	out, err := s.Retry(ctx, "slow", seller, "")
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(out.Err, gateway.ErrTransport) || out.Order.Status != "error" || out.Attempt.Requests != 2 {
		t.Fatalf("slow gateway: %+v", out)
	}

	// Cancelled by the clerk while waiting: still recorded.
	cctx, cancel := context.WithCancel(ctx)
	s.Client.HTTP = &http.Client{}
	for len(g.slow) > 0 {
		<-g.slow
	}
	go func() {
		<-g.slow
		cancel()
	}()
	out, err = s.Retry(cctx, "slow", seller, "")
	if err != nil || out.Err == nil || out.Order.Attempts != 2 {
		t.Fatalf("cancelled: %+v, %v", out, err)
	}

	g.srv.Close()
	out, err = s.Retry(ctx, "accepted", seller, "")
	if err != nil || !errors.Is(out.Err, gateway.ErrTransport) || out.Attempt.Status != "error" || out.Attempt.Error == "" {
		t.Fatalf("gateway down: %+v, %v", out, err)
	}

	s.Client.Creds.Secret = ""
	if _, err := s.Retry(ctx, "accepted", seller, ""); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no secret: %v", err)
	}
	if _, err := s.Retry(ctx, " ", seller, ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("no order number: %v", err)
	}
	list, _ := s.Store.Orders(ctx)
	if len(list) != 2 {
		t.Errorf("orders: %+v", list)
	}
}
