// Package gatewaytest serves the fw199 re-billing call as the gateway's
// documentation describes it, for tests and demonstrations on loopback:
// every request's signature is checked with the partner secret, and the
// answer is chosen by the order number's first letter.
//
//	I…  issued (code 100), with the invoice number and a link to the PDF
//	B…  still being issued (the 开票中 answer)
//	F…  failed (the platform wants a login)
//	…   accepted (code 0)
//
// A request signed with another secret gets the gateway's 签名错误.
package gatewaytest

import (
	"encoding/json"
	"net/http"

	"github.com/fapiaoscanner/fapiao/core/gateway"
)

// Handler answers POST /rebill and serves the invoice PDF at GET /pdf.
type Handler struct {
	Secret    string // the partner secret requests must be signed with
	PDF       []byte // the invoice PDF issued orders link to
	InvoiceNo string // the invoice number issued orders report
	// OnOrder, when set, is told each correctly signed order number.
	OnOrder func(orderNo string)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(h.PDF)
	case r.Method == http.MethodPost && r.URL.Path == "/rebill":
		h.rebill(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (h *Handler) rebill(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p := map[string]string{}
	for k := range r.PostForm {
		p[k] = r.PostForm.Get(k)
	}
	w.Header().Set("Content-Type", "application/json")
	if gateway.Sign(p, h.Secret) != p["sign"] {
		w.Write([]byte(`{"code":"9002","message":"签名错误"}`))
		return
	}
	var data struct {
		OrderNo string `json:"orderno"`
	}
	if err := json.Unmarshal([]byte(p["request_data"]), &data); err != nil || data.OrderNo == "" {
		w.Write([]byte(`{"code":"9001","message":"request_data 格式错误"}`))
		return
	}
	if h.OnOrder != nil {
		h.OnOrder(data.OrderNo)
	}
	var answer map[string]any
	switch data.OrderNo[0] {
	case 'I':
		answer = map[string]any{"code": 100, "message": "发票已经生成,不需要重复提交",
			"invoice_no": h.InvoiceNo, "invoice_down_url": "http://" + r.Host + "/pdf"}
	case 'B':
		answer = map[string]any{"code": "9999", "message": "开票中(重试中),请耐心等待开票结果"}
	case 'F':
		answer = map[string]any{"code": "9998", "message": "本次操作需登录电子发票服务平台,请先使用短信验证码登录"}
	default:
		answer = map[string]any{"code": 0, "message": "重试成功"}
	}
	json.NewEncoder(w).Encode(answer)
}
