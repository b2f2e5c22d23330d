package gatewaytest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/gateway"
)

// The stand-in refuses what the real gateway refuses.
func TestRefusals(t *testing.T) {
	srv := httptest.NewServer(&Handler{Secret: "s", AppID: "app"})
	defer srv.Close()
	signed := func(drop string) url.Values {
		p := map[string]string{"appid": "app", "timestamp": "1633618722", "tax_num": "T", "request_data": `{"orderno":"A1"}`}
		p["sign"] = gateway.Sign(p, "s")
		v := url.Values{}
		for k, x := range p {
			if k != drop {
				v.Set(k, x)
			}
		}
		return v
	}
	post := func(v url.Values) string {
		resp, err := http.PostForm(srv.URL+"/rebill", v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := post(signed("")); !strings.Contains(got, "重试成功") {
		t.Errorf("signed request: %s", got)
	}
	if got := post(signed("timestamp")); !strings.Contains(got, "9001") || !strings.Contains(got, "timestamp") {
		t.Errorf("missing timestamp: %s", got)
	}
	v := signed("")
	v.Set("tax_num", "other")
	if got := post(v); !strings.Contains(got, "签名错误") {
		t.Errorf("changed after signing: %s", got)
	}
	resp, err := http.Get(srv.URL + "/rebill")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /rebill: %s", resp.Status)
	}
}

// An issued order's link serves the PDF chosen for it.
func TestIssuedPDF(t *testing.T) {
	pdf := []byte("%PDF-1.7 test")
	h := &Handler{Secret: "s", PDF: pdf, InvoiceNo: "N1", Answer: func(order string) Answer {
		if order == "gone" {
			return Answer{Outcome: Issued, PDFStatus: http.StatusNotFound}
		}
		return ByFirstLetter(order)
	}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &gateway.Client{Endpoint: srv.URL + "/rebill", Creds: gateway.Credentials{AppID: "a", Secret: "s"}}
	get := func(order string) (int, []byte) {
		r, err := c.Rebill(context.Background(), order, "T")
		if err != nil || r.Status != gateway.Issued || r.InvoiceNo != "N1" {
			t.Fatalf("%s: %+v %v", order, r, err)
		}
		resp, err := http.Get(r.InvoiceDownURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, b := get("I 1/2"); code != http.StatusOK || !bytes.Equal(b, pdf) {
		t.Errorf("issued: %d %q", code, b)
	}
	if code, _ := get("gone"); code != http.StatusNotFound {
		t.Errorf("missing PDF: %d", code)
	}
	if h.Requests() != 2 {
		t.Errorf("%d requests, want 2", h.Requests())
	}
}
