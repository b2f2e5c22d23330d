// Command gatewaysim serves the fw199 re-billing call on loopback as the
// gateway's documentation describes it, so that the window's re-billing
// screen can be shown and tried without a partner account: it checks each
// request's signature with the given secret and answers by the order
// number's first letter, linking a real invoice PDF for issued orders.
//
// Usage:
//
//	go run ./tools/gatewaysim -addr 127.0.0.1:18199 -secret S -pdf INVOICE.pdf
//
// Order numbers starting with I are issued (the PDF is served at /pdf),
// B are still being issued (开票中), F fail (the platform wants a login),
// anything else is accepted. A bad signature gets the gateway's 签名错误.
// The endpoint is printed on the first line of standard output; point the
// app at it with FAPIAO_FW199_ENDPOINT.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/fapiaoscanner/fapiao/core/gateway"
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
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(pdf)
	})
	mux.HandleFunc("POST /rebill", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p := map[string]string{}
		for k := range r.PostForm {
			p[k] = r.PostForm.Get(k)
		}
		w.Header().Set("Content-Type", "application/json")
		if gateway.Sign(p, *secret) != p["sign"] {
			fmt.Fprint(w, `{"code":"9002","message":"签名错误"}`)
			return
		}
		var data struct {
			OrderNo string `json:"orderno"`
		}
		if err := json.Unmarshal([]byte(p["request_data"]), &data); err != nil || data.OrderNo == "" {
			fmt.Fprint(w, `{"code":"9001","message":"request_data 格式错误"}`)
			return
		}
		var answer map[string]any
		switch data.OrderNo[0] {
		case 'I':
			answer = map[string]any{"code": 100, "message": "发票已经生成,不需要重复提交",
				"invoice_no": *invoiceNo, "invoice_down_url": "http://" + r.Host + "/pdf"}
		case 'B':
			answer = map[string]any{"code": "9999", "message": "开票中(重试中),请耐心等待开票结果"}
		case 'F':
			answer = map[string]any{"code": "9998", "message": "本次操作需登录电子发票服务平台,请先使用短信验证码登录"}
		default:
			answer = map[string]any{"code": 0, "message": "重试成功"}
		}
		json.NewEncoder(w).Encode(answer)
		log.Printf("order %s: %v", data.OrderNo, answer["code"])
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The first line of standard output is the endpoint, for scripts that
	// asked for port 0.
	fmt.Printf("http://%s/rebill\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
