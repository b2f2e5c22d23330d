package rebill

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/internal/shared"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// The real 数电 invoice PDF the fake gateway hands out, and its number.
const (
	pdfFile   = "corpus/real/pdf/Caisin__fapiao-print__7.22底座.pdf"
	pdfNumber = "25322000000337005189"
	seller    = "91310117568051223X"
)

// gatewayServer answers re-billing calls as the gateway documents, checking
// each signature, and serves the invoice PDFs its answers link to. The
// order number chooses the answer.
type gatewayServer struct {
	t     *testing.T
	pdf   []byte
	calls atomic.Int32
	srv   *httptest.Server
	// slow receives each request the gateway holds without answering.
	slow chan struct{}
}

func newGateway(t *testing.T) *gatewayServer {
	pdf, err := os.ReadFile(shared.Path(t, pdfFile))
	if err != nil {
		t.Fatal(err)
	}
	g := &gatewayServer{t: t, pdf: pdf, slow: make(chan struct{}, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rebill", g.rebill)
	mux.HandleFunc("GET /pdf/{name}", g.file)
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gatewayServer) rebill(w http.ResponseWriter, r *http.Request) {
	g.calls.Add(1)
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p := map[string]string{}
	for k := range r.PostForm {
		p[k] = r.PostForm.Get(k)
	}
	if gateway.Sign(p, "secret") != p["sign"] || p["appid"] != "app" {
		fmt.Fprint(w, `{"code":"9002","message":"签名错误"}`)
		return
	}
	order := strings.TrimSuffix(strings.TrimPrefix(p["request_data"], `{"orderno":"`), `"}`)
	link := func(name string) string { return g.srv.URL + "/pdf/" + name }
	switch order {
	case "issued", "again":
		fmt.Fprintf(w, `{"code":100,"message":"发票已经生成,不需要重复提交","invoice_no":%q,"invoice_down_url":%q}`, pdfNumber, link("good.pdf"))
	case "wrong-number":
		fmt.Fprintf(w, `{"code":100,"message":"ok","invoice_no":"11111111111111111111","invoice_down_url":%q}`, link("good.pdf"))
	case "html", "missing", "corrupt", "huge":
		fmt.Fprintf(w, `{"code":100,"message":"ok","invoice_no":%q,"invoice_down_url":%q}`, pdfNumber, link(order+".pdf"))
	case "local-file":
		fmt.Fprint(w, `{"code":100,"message":"ok","invoice_no":"1","invoice_down_url":"file:///etc/passwd"}`)
	case "busy":
		fmt.Fprint(w, `{"code":"9999","message":"开票中(重试中),请耐心等待开票结果"}`)
	case "refused":
		fmt.Fprint(w, `{"code":"9998","message":"本次操作需登录电子发票服务平台"}`)
	case "slow":
		g.slow <- struct{}{}
		<-r.Context().Done()
	default:
		fmt.Fprint(w, `{"code":0,"message":"重试成功"}`)
	}
}

func (g *gatewayServer) file(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("name") {
	case "good.pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(g.pdf)
	case "html.pdf":
		fmt.Fprint(w, "<html><body>请先登录</body></html>")
	case "corrupt.pdf":
		w.Write(append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("garbage "), 500)...))
	case "huge.pdf":
		w.Write([]byte("%PDF-1.7\n"))
		chunk := make([]byte, 1<<20)
		for range MaxPDF>>20 + 1 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	default:
		http.NotFound(w, r)
	}
}

func newService(t *testing.T, g *gatewayServer) *Service {
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
