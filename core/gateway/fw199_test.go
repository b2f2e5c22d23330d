package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSignVector(t *testing.T) {
	p := map[string]string{
		"appid": "testappid", "timestamp": "1633618722", "tax_num": "91310117568051223X",
		"request_data": `{"orderno":"20240122150518179381"}`, "sign": "ignored",
	}
	if got := Sign(p, "testsecret"); got != "1b0bf1ce9a736aa22c8289617f9706cf" {
		t.Fatalf("sign = %s", got)
	}
}

// gatewayServer implements the documented behaviour and checks every
// request's signature; the order number chooses the answer.
type gatewayServer struct {
	secret string
	calls  atomic.Int32
	fail5x atomic.Int32 // 5xx answers still to give
}

func (g *gatewayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.calls.Add(1)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p := map[string]string{}
	for k := range r.PostForm {
		p[k] = r.PostForm.Get(k)
	}
	for _, k := range []string{"appid", "timestamp", "sign", "tax_num", "request_data"} {
		if _, ok := p[k]; !ok {
			fmt.Fprintf(w, `{"code":"9001","message":"缺少参数%s"}`, k)
			return
		}
	}
	if Sign(p, g.secret) != p["sign"] {
		fmt.Fprint(w, `{"code":"9002","message":"签名错误"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.Contains(p["request_data"], "slow"):
		<-r.Context().Done() // answers only after the client gave up
	case strings.Contains(p["request_data"], "5xx"):
		if g.fail5x.Add(-1) >= 0 {
			http.Error(w, "upstream", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"code":0,"message":"重试成功"}`)
	case strings.Contains(p["request_data"], "issued"):
		fmt.Fprint(w, `{"code":100,"message":"发票已经生成,不需要重复提交","invoice_no":"24312000000136634917","invoice_down_url":"https://example.invalid/x.pdf"}`)
	case strings.Contains(p["request_data"], "wrapped"):
		fmt.Fprint(w, `{"code":"100","message":"ok","data":{"invoice_no":"24312000000136634917","invoice_down_url":"u"},"trace_id":"t1"}`)
	case strings.Contains(p["request_data"], "busy"):
		fmt.Fprint(w, `{"code":"9999","message":"开票中(重试中),请耐心等待开票结果"}`)
	case strings.Contains(p["request_data"], "login"):
		fmt.Fprint(w, `{"code":"9998","message":"本次操作需登录电子发票服务平台,请先使用短信验证码登录"}`)
	case strings.Contains(p["request_data"], "html"):
		fmt.Fprint(w, `<html>gateway maintenance</html>`)
	default:
		fmt.Fprint(w, `{"code":0,"message":"重试成功"}`)
	}
}

func newClient(url, secret string) *Client {
	return &Client{Endpoint: url, Creds: Credentials{AppID: "testappid", Secret: secret},
		HTTP: &http.Client{Timeout: 300 * time.Millisecond}, Backoff: time.Millisecond, Retries: 2}
}

func TestOutcomes(t *testing.T) {
	g := &gatewayServer{secret: "s3cret"}
	srv := httptest.NewServer(g)
	defer srv.Close()
	c := newClient(srv.URL, "s3cret")
	tests := []struct {
		order  string
		status Status
		code   int
		inv    string
	}{
		{"order-ok", Accepted, 0, ""},
		{"order-issued", Issued, 100, "24312000000136634917"},
		{"order-wrapped", Issued, 100, "24312000000136634917"},
		{"order-busy", InProgress, 9999, ""},
		{"order-login", Failed, 9998, ""},
	}
	for _, tt := range tests {
		r, err := c.Rebill(context.Background(), tt.order, "91310117568051223X")
		if err != nil {
			t.Fatalf("%s: %v", tt.order, err)
		}
		if r.Status != tt.status || r.Code != tt.code || r.InvoiceNo != tt.inv || r.Attempts != 1 {
			t.Errorf("%s: %+v", tt.order, r)
		}
		if tt.status == Failed && !strings.Contains(r.Message, "登录") {
			t.Errorf("%s: message %q lost", tt.order, r.Message)
		}
	}
}

func TestRejectedSignature(t *testing.T) {
	srv := httptest.NewServer(&gatewayServer{secret: "right"})
	defer srv.Close()
	r, err := newClient(srv.URL, "wrong").Rebill(context.Background(), "order-ok", "91310117568051223X")
	if err != nil || r.Status != Failed || !strings.Contains(r.Message, "签名") {
		t.Fatalf("%+v, %v", r, err)
	}
}

func TestRetries5xx(t *testing.T) {
	g := &gatewayServer{secret: "s"}
	g.fail5x.Store(2)
	srv := httptest.NewServer(g)
	defer srv.Close()
	r, err := newClient(srv.URL, "s").Rebill(context.Background(), "order-5xx", "T")
	if err != nil || r.Status != Accepted || r.Attempts != 3 {
		t.Fatalf("%+v, %v", r, err)
	}
	g.fail5x.Store(10)
	g.calls.Store(0)
	_, err = newClient(srv.URL, "s").Rebill(context.Background(), "order-5xx", "T")
	if !errors.Is(err, ErrTransport) || g.calls.Load() != 3 {
		t.Fatalf("err %v after %d calls; want ErrTransport after 3", err, g.calls.Load())
	}
}

func TestSlowAndUnreachable(t *testing.T) {
	g := &gatewayServer{secret: "s"}
	srv := httptest.NewServer(g)
	c := newClient(srv.URL, "s")
	if _, err := c.Rebill(context.Background(), "order-slow", "T"); !errors.Is(err, ErrTransport) {
		t.Errorf("slow: %v", err)
	}
	if n := g.calls.Load(); n != 3 {
		t.Errorf("slow answers: %d calls, want 3 (timeouts are retried)", n)
	}
	srv.Close()
	if _, err := c.Rebill(context.Background(), "order-ok", "T"); !errors.Is(err, ErrTransport) {
		t.Errorf("closed server: %v", err)
	}
}

// Malformed answers are not retried: the gateway did answer.
func TestMalformedAnswer(t *testing.T) {
	g := &gatewayServer{secret: "s"}
	srv := httptest.NewServer(g)
	defer srv.Close()
	_, err := newClient(srv.URL, "s").Rebill(context.Background(), "order-html", "T")
	if !errors.Is(err, ErrTransport) || !strings.Contains(err.Error(), "maintenance") || g.calls.Load() != 1 {
		t.Fatalf("err %v, %d calls", err, g.calls.Load())
	}
}

func TestCancelled(t *testing.T) {
	srv := httptest.NewServer(&gatewayServer{secret: "s"})
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newClient(srv.URL, "s").Rebill(ctx, "order-ok", "T"); err == nil {
		t.Fatal("no error when cancelled")
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	c := Credentials{AppID: "a", Secret: "topsecret"}
	if s := fmt.Sprint(c); strings.Contains(s, "topsecret") {
		t.Fatal(s)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "garbage") }))
	defer srv.Close()
	_, err := newClient(srv.URL, "topsecret").Rebill(context.Background(), "o", "T")
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("err %v", err)
	}
}

func FuzzParseAnswer(f *testing.F) {
	f.Add([]byte(`{"code":100,"message":"x","data":{"invoice_no":"1"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseAnswer(b)
		if err == nil && r.Status == "" {
			t.Fatal("no status")
		}
	})
}
