package gateway_test

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

	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
)

func TestSignVector(t *testing.T) {
	p := map[string]string{
		"appid": "testappid", "timestamp": "1633618722", "tax_num": "91310117568051223X",
		"request_data": `{"orderno":"20240122150518179381"}`, "sign": "ignored",
	}
	if got := gateway.Sign(p, "testsecret"); got != "1b0bf1ce9a736aa22c8289617f9706cf" {
		t.Fatalf("sign = %s", got)
	}
}

const invoiceNo = "24312000000136634917"

// answers are the outcomes the tests ask for, by order number.
var answers = map[string]gatewaytest.Answer{
	"order-ok":      {Outcome: gatewaytest.Accepted},
	"order-issued":  {Outcome: gatewaytest.Issued},
	"order-wrapped": {Outcome: gatewaytest.Issued, Wrapped: true},
	"order-busy":    {Outcome: gatewaytest.InProgress},
	"order-login":   {Outcome: gatewaytest.Failed},
	"order-slow":    {Outcome: gatewaytest.Slow},
	"order-html":    {Outcome: gatewaytest.Garbage},
}

// newGateway serves the call with secret, answering by the table above.
func newGateway(t *testing.T, secret string) (*gatewaytest.Handler, *httptest.Server) {
	g := &gatewaytest.Handler{Secret: secret, AppID: "testappid", InvoiceNo: invoiceNo,
		Answer: func(order string) gatewaytest.Answer { return answers[order] }}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv
}

func newClient(url, secret string) *gateway.Client {
	return &gateway.Client{Endpoint: url + "/rebill", Creds: gateway.Credentials{AppID: "testappid", Secret: secret},
		HTTP: &http.Client{Timeout: 300 * time.Millisecond}, Backoff: time.Millisecond, Retries: 2}
}

func TestOutcomes(t *testing.T) {
	_, srv := newGateway(t, "s3cret")
	c := newClient(srv.URL, "s3cret")
	tests := []struct {
		order  string
		status gateway.Status
		code   int
		inv    string
	}{
		{"order-ok", gateway.Accepted, 0, ""},
		{"order-issued", gateway.Issued, 100, invoiceNo},
		{"order-wrapped", gateway.Issued, 100, invoiceNo},
		{"order-busy", gateway.InProgress, 9999, ""},
		{"order-login", gateway.Failed, 9998, ""},
	}
	for _, tt := range tests {
		r, err := c.Rebill(context.Background(), tt.order, "91310117568051223X")
		if err != nil {
			t.Fatalf("%s: %v", tt.order, err)
		}
		if r.Status != tt.status || r.Code != tt.code || r.InvoiceNo != tt.inv || r.Attempts != 1 {
			t.Errorf("%s: %+v", tt.order, r)
		}
		if tt.inv != "" && !strings.HasPrefix(r.InvoiceDownURL, srv.URL+"/pdf/") {
			t.Errorf("%s: PDF link %q", tt.order, r.InvoiceDownURL)
		}
		if tt.status == gateway.Failed && !strings.Contains(r.Message, "登录") {
			t.Errorf("%s: message %q lost", tt.order, r.Message)
		}
	}
}

func TestRejectedSignature(t *testing.T) {
	_, srv := newGateway(t, "right")
	r, err := newClient(srv.URL, "wrong").Rebill(context.Background(), "order-ok", "91310117568051223X")
	if err != nil || r.Status != gateway.Failed || !strings.Contains(r.Message, "签名") {
		t.Fatalf("%+v, %v", r, err)
	}
}

func TestRetries5xx(t *testing.T) {
	g, srv := newGateway(t, "s")
	var fail5x atomic.Int32 // 5xx answers still to give
	g.Answer = func(string) gatewaytest.Answer {
		if fail5x.Add(-1) >= 0 {
			return gatewaytest.Answer{Outcome: gatewaytest.ServerError}
		}
		return gatewaytest.Answer{Outcome: gatewaytest.Accepted}
	}
	fail5x.Store(2)
	r, err := newClient(srv.URL, "s").Rebill(context.Background(), "order-5xx", "T")
	if err != nil || r.Status != gateway.Accepted || r.Attempts != 3 {
		t.Fatalf("%+v, %v", r, err)
	}
	fail5x.Store(10)
	before := g.Requests()
	_, err = newClient(srv.URL, "s").Rebill(context.Background(), "order-5xx", "T")
	if n := g.Requests() - before; !errors.Is(err, gateway.ErrTransport) || n != 3 {
		t.Fatalf("err %v after %d calls; want ErrTransport after 3", err, n)
	}
}

func TestSlowAndUnreachable(t *testing.T) {
	g, srv := newGateway(t, "s")
	c := newClient(srv.URL, "s")
	if _, err := c.Rebill(context.Background(), "order-slow", "T"); !errors.Is(err, gateway.ErrTransport) {
		t.Errorf("slow: %v", err)
	}
	if n := g.Requests(); n != 3 {
		t.Errorf("slow answers: %d calls, want 3 (timeouts are retried)", n)
	}
	srv.Close()
	if _, err := c.Rebill(context.Background(), "order-ok", "T"); !errors.Is(err, gateway.ErrTransport) {
		t.Errorf("closed server: %v", err)
	}
}

// Malformed answers are not retried: the gateway did answer.
func TestMalformedAnswer(t *testing.T) {
	g, srv := newGateway(t, "s")
	_, err := newClient(srv.URL, "s").Rebill(context.Background(), "order-html", "T")
	if !errors.Is(err, gateway.ErrTransport) || !strings.Contains(err.Error(), "maintenance") || g.Requests() != 1 {
		t.Fatalf("err %v, %d calls", err, g.Requests())
	}
}

func TestCancelled(t *testing.T) {
	_, srv := newGateway(t, "s")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newClient(srv.URL, "s").Rebill(ctx, "order-ok", "T"); err == nil {
		t.Fatal("no error when cancelled")
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	c := gateway.Credentials{AppID: "a", Secret: "topsecret"}
	if s := fmt.Sprint(c); strings.Contains(s, "topsecret") {
		t.Fatal(s)
	}
	_, srv := newGateway(t, "topsecret")
	_, err := newClient(srv.URL, "topsecret").Rebill(context.Background(), "order-html", "T")
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("err %v", err)
	}
}

// A redirect is refused, whatever its kind: the signed form is never sent
// to the address it names (a 307 would re-POST it, a 302 turn it into a
// GET), no answer from there is recorded, and nothing is retried.
func TestRedirectRefused(t *testing.T) {
	g, elsewhere := newGateway(t, "s3cret")
	var hits atomic.Int32
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		code := http.StatusTemporaryRedirect
		if strings.Contains(r.URL.Path, "302") {
			code = http.StatusFound
		}
		http.Redirect(w, r, elsewhere.URL+"/rebill?appid=testappid", code)
	}))
	t.Cleanup(redirector.Close)
	for _, path := range []string{"/307", "/302"} {
		hits.Store(0)
		c := newClient(redirector.URL, "s3cret")
		c.Endpoint = redirector.URL + path
		res, err := c.Rebill(context.Background(), "order-ok", "91310117568051223X")
		if !errors.Is(err, gateway.ErrRedirect) || !errors.Is(err, gateway.ErrTransport) || res.Status != "" {
			t.Errorf("%s: %+v, err %v", path, res, err)
		}
		if err != nil && strings.Contains(err.Error(), "appid") {
			t.Errorf("%s: the redirect's query was printed: %v", path, err)
		}
		if hits.Load() != 1 || res.Attempts != 1 {
			t.Errorf("%s: %d requests, %d attempts; want 1", path, hits.Load(), res.Attempts)
		}
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("the other gateway got %d calls", n)
	}
}

// A URL the call cannot go to is refused before anything is sent, at once
// and without retries: the check the settings screen makes. A retry would
// count an attempt and wait out the backoff; the deadline only turns a
// hang into a failure.
func TestBadEndpointNotRetried(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://kf.fw199.com/x", "kf.fw199.com/gateway", "https://", "http://[::1", "https://user:pw@/x"} {
		c := newClient("", "s3cret")
		c.Endpoint, c.Backoff = u, time.Second
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res, err := c.Rebill(ctx, "order-ok", "91310117568051223X")
		cancel()
		if !errors.Is(err, gateway.ErrBadEndpoint) || errors.Is(err, context.DeadlineExceeded) || res.Attempts != 0 {
			t.Errorf("%s: %+v, err %v", u, res, err)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: the password was printed: %v", u, err)
		}
	}
	for _, u := range []string{"https://kf.fw199.com/gateway/nuonuo/invoice/rebillingnew", "http://127.0.0.1:8080/rebill"} {
		if err := gateway.CheckEndpoint(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}
