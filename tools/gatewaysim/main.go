// Command gatewaysim serves the fw199 re-billing call on loopback as the
// gateway's documentation describes it (core/gateway/gatewaytest), so that
// the window's re-billing screen can be shown and tried without a partner
// account: it checks each request's signature with the given secret and
// answers by the order number's first letter — I issued (its link serves
// the PDF), B still being issued (开票中), F failed, anything else accepted.
//
// Usage:
//
//	go run ./tools/gatewaysim -addr 127.0.0.1:0 -secret S -pdf INVOICE.pdf -invoice-no N [-appid A]
//
// The endpoint is printed on the first line of standard output; point the
// app at it with FAPIAO_FW199_ENDPOINT.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
)

func main() {
	h, addr, err := handler(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	// The first line of standard output is the endpoint, for scripts that
	// asked for port 0.
	fmt.Printf("http://%s/rebill\n", ln.Addr())
	log.Fatal(http.Serve(ln, h))
}

// handler makes the stand-in gateway the command line asks for, and gives
// the address to listen on. Usage errors are written to stderr.
func handler(args []string, stderr io.Writer) (*gatewaytest.Handler, string, error) {
	fs := flag.NewFlagSet("gatewaysim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:18199", "loopback address to listen on (port 0: any free port)")
	secret := fs.String("secret", "", "the partner secret requests must be signed with")
	appID := fs.String("appid", "", "the only partner AppID accepted (default: any)")
	pdfPath := fs.String("pdf", "", "the invoice PDF issued orders link to")
	invoiceNo := fs.String("invoice-no", "", "the invoice number issued orders report (that of -pdf)")
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	if *secret == "" || *pdfPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: gatewaysim -secret S -pdf INVOICE.pdf [-invoice-no N] [-appid A] [-addr HOST:PORT]")
		return nil, "", errors.New("usage")
	}
	pdf, err := os.ReadFile(*pdfPath)
	if err != nil {
		fmt.Fprintln(stderr, "gatewaysim:", err)
		return nil, "", err
	}
	return &gatewaytest.Handler{Secret: *secret, AppID: *appID, PDF: pdf, InvoiceNo: *invoiceNo,
		OnOrder: func(orderNo string) { log.Printf("order %s", orderNo) }}, *addr, nil
}
