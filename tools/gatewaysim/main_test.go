package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/gateway"
)

// The simulator answers the app's client as its flags say.
func TestSimulator(t *testing.T) {
	pdf := []byte("%PDF-1.7 demo")
	path := filepath.Join(t.TempDir(), "demo.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if _, _, err := handler([]string{"-pdf", path}, &stderr); err == nil || !bytes.Contains(stderr.Bytes(), []byte("usage")) {
		t.Errorf("no -secret: %v %q", err, stderr.String())
	}
	h, addr, err := handler([]string{"-secret", "demo", "-appid", "demo-app", "-pdf", path, "-invoice-no", "N1", "-addr", "127.0.0.1:0"}, &stderr)
	if err != nil || addr != "127.0.0.1:0" {
		t.Fatalf("%q %v %s", addr, err, stderr.String())
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &gateway.Client{Endpoint: srv.URL + "/rebill", Creds: gateway.Credentials{AppID: "demo-app", Secret: "demo"}}
	for order, want := range map[string]gateway.Status{"I1": gateway.Issued, "B1": gateway.InProgress, "F1": gateway.Failed, "A1": gateway.Accepted} {
		r, err := c.Rebill(context.Background(), order, "91310117568051223X")
		if err != nil || r.Status != want {
			t.Errorf("%s: %+v %v, want %s", order, r, err, want)
		}
		if want != gateway.Issued {
			continue
		}
		resp, err := http.Get(r.InvoiceDownURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if r.InvoiceNo != "N1" || !bytes.Equal(b, pdf) {
			t.Errorf("issued: %+v, PDF %q", r, b)
		}
	}
	c.Creds.AppID = "other"
	if r, err := c.Rebill(context.Background(), "A1", "T"); err != nil || r.Status != gateway.Failed {
		t.Errorf("another AppID: %+v %v", r, err)
	}
}
