// Command gatewaysim serves the fw199 re-billing call on loopback as the
// gateway's documentation describes it (core/gateway/gatewaytest), so that
// the window's re-billing screen can be shown and tried without a partner
// account: it checks each request's signature with the given secret and
// answers by the order number's first letter — I issued (the PDF is served
// at /pdf), B still being issued (开票中), F failed, anything else accepted.
//
// Usage:
//
//	go run ./tools/gatewaysim -addr 127.0.0.1:0 -secret S -pdf INVOICE.pdf -invoice-no N
//
// The endpoint is printed on the first line of standard output; point the
// app at it with FAPIAO_FW199_ENDPOINT.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18199", "loopback address to listen on (port 0: any free port)")
	secret := flag.String("secret", "", "the partner secret requests must be signed with")
	pdfPath := flag.String("pdf", "", "the invoice PDF issued orders link to")
	invoiceNo := flag.String("invoice-no", "", "the invoice number issued orders report (that of -pdf)")
	flag.Parse()
	if *secret == "" || *pdfPath == "" {
		fmt.Fprintln(os.Stderr, "usage: gatewaysim -secret S -pdf INVOICE.pdf [-invoice-no N] [-addr HOST:PORT]")
		os.Exit(2)
	}
	pdf, err := os.ReadFile(*pdfPath)
	if err != nil {
		log.Fatal(err)
	}
	h := &gatewaytest.Handler{Secret: *secret, PDF: pdf, InvoiceNo: *invoiceNo,
		OnOrder: func(orderNo string) { log.Printf("order %s", orderNo) }}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The first line of standard output is the endpoint, for scripts that
	// asked for port 0.
	fmt.Printf("http://%s/rebill\n", ln.Addr())
	log.Fatal(http.Serve(ln, h))
}
