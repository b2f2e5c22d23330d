// Package gatewaytest is the one stand-in for the fw199 gateway's re-billing
// call, for tests and demonstrations on loopback. It serves the call as the
// gateway's documentation describes it (../shared docs fw199-rebilling.md):
// a form-encoded POST whose parameters are all present and signed with the
// partner secret, else the gateway's own refusals (缺少参数, 签名错误). What
// a correctly signed order gets is an Answer, chosen per order number; by
// default by its first letter (ByFirstLetter):
//
//	I…  issued (code 100), with the invoice number and a link to the PDF
//	B…  still being issued (the 开票中 answer)
//	F…  failed (the platform wants a login)
//	…   accepted (code 0)
//
// Tests choose other answers — slow, a 5xx, garbage, a wrapped answer, a PDF
// link that serves something else — with Handler.Answer.
package gatewaytest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fapiaoscanner/fapiao/core/gateway"
)

// Outcome is what the gateway does with a correctly signed order.
type Outcome int

const (
	// Accepted: code 0, 重试成功; the gateway will push the result later.
	Accepted Outcome = iota
	// Issued: code 100, with the invoice number and a link to its PDF.
	Issued
	// InProgress: the order is still being issued (开票中(重试中)).
	InProgress
	// Failed: any other code; by default the platform wants a login.
	Failed
	// Slow: no answer until the client gives up (its request is cancelled).
	Slow
	// Garbage: an HTML maintenance page instead of JSON, HTTP 200.
	Garbage
	// ServerError: HTTP 502, as a gateway whose upstream is down.
	ServerError
)

// Answer is what one correctly signed order gets.
type Answer struct {
	Outcome Outcome
	// Message replaces the documented message of the outcome.
	Message string
	// Wrapped gives the answer as other gateway endpoints do:
	// {code, message, data: {invoice_no, invoice_down_url}, trace_id}.
	Wrapped bool

	// For Issued: InvoiceNo replaces Handler.InvoiceNo, and the PDF link
	// serves PDF (Handler.PDF when nil) with status PDFStatus (200 when 0).
	// Link, when set, is given instead of a link to this server.
	InvoiceNo string
	PDF       []byte
	PDFStatus int
	Link      string
}

// Handler answers POST /rebill and serves issued invoices' PDFs under
// GET /pdf/ (Handler.PDF itself at GET /pdf).
type Handler struct {
	Secret    string // the partner secret requests must be signed with
	PDF       []byte // the invoice PDF issued orders link to
	InvoiceNo string // the invoice number issued orders report
	// OnOrder, when set, is told each correctly signed order number.
	OnOrder func(orderNo string)

	// AppID, when set, is the only partner ID accepted.
	AppID string
	// Answer chooses what each correctly signed order gets; ByFirstLetter
	// when nil.
	Answer func(orderNo string) Answer
	// OnHold, when set, is told each order held without an answer (Slow),
	// once its request has arrived.
	OnHold func(orderNo string)

	requests atomic.Int64
	mu       sync.Mutex
	issued   map[string]Answer // by order number, for their PDF links
}

// ByFirstLetter is the default choice of answer: I… issued, B… in progress,
// F… failed, anything else accepted.
func ByFirstLetter(orderNo string) Answer {
	switch orderNo[0] {
	case 'I':
		return Answer{Outcome: Issued}
	case 'B':
		return Answer{Outcome: InProgress}
	case 'F':
		return Answer{Outcome: Failed}
	}
	return Answer{Outcome: Accepted}
}

// Requests is how many re-billing requests came, answered or not.
func (h *Handler) Requests() int { return int(h.requests.Load()) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/pdf":
		servePDF(w, h.PDF, 0)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/pdf/"):
		h.mu.Lock()
		a, ok := h.issued[strings.TrimPrefix(r.URL.Path, "/pdf/")]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		servePDF(w, firstPDF(a.PDF, h.PDF), a.PDFStatus)
	case r.URL.Path == "/rebill":
		h.rebill(w, r)
	default:
		http.NotFound(w, r)
	}
}

func servePDF(w http.ResponseWriter, pdf []byte, status int) {
	if status != 0 && status != http.StatusOK {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Write(pdf)
}

func firstPDF(a, b []byte) []byte {
	if a != nil {
		return a
	}
	return b
}

func (h *Handler) rebill(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Error(w, "want a form-encoded POST", http.StatusBadRequest)
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
			writeJSON(w, map[string]any{"code": "9001", "message": "缺少参数" + k})
			return
		}
	}
	if gateway.Sign(p, h.Secret) != p["sign"] || (h.AppID != "" && p["appid"] != h.AppID) {
		writeJSON(w, map[string]any{"code": "9002", "message": "签名错误"})
		return
	}
	var data struct {
		OrderNo string `json:"orderno"`
	}
	if err := json.Unmarshal([]byte(p["request_data"]), &data); err != nil || data.OrderNo == "" {
		writeJSON(w, map[string]any{"code": "9001", "message": "request_data 格式错误"})
		return
	}
	if h.OnOrder != nil {
		h.OnOrder(data.OrderNo)
	}
	choose := h.Answer
	if choose == nil {
		choose = ByFirstLetter
	}
	h.answer(w, r, data.OrderNo, choose(data.OrderNo))
}

// documented are the outcomes' codes and messages as the gateway gives them
// (some codes as strings, some as numbers).
var documented = map[Outcome]struct {
	code    any
	message string
}{
	Accepted:   {0, "重试成功"},
	Issued:     {100, "发票已经生成,不需要重复提交"},
	InProgress: {"9999", "开票中(重试中),请耐心等待开票结果"},
	Failed:     {"9998", "本次操作需登录电子发票服务平台,请先使用短信验证码登录"},
}

func (h *Handler) answer(w http.ResponseWriter, r *http.Request, orderNo string, a Answer) {
	switch a.Outcome {
	case Slow:
		if h.OnHold != nil {
			h.OnHold(orderNo)
		}
		<-r.Context().Done()
		return
	case Garbage:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>gateway maintenance</html>"))
		return
	case ServerError:
		http.Error(w, "upstream unavailable", http.StatusBadGateway)
		return
	}
	d := documented[a.Outcome]
	msg := d.message
	if a.Message != "" {
		msg = a.Message
	}
	answer := map[string]any{"code": d.code, "message": msg}
	if a.Outcome == Issued {
		invoice := map[string]any{"invoice_no": firstString(a.InvoiceNo, h.InvoiceNo), "invoice_down_url": a.Link}
		if a.Link == "" {
			h.mu.Lock()
			if h.issued == nil {
				h.issued = map[string]Answer{}
			}
			h.issued[orderNo] = a
			h.mu.Unlock()
			invoice["invoice_down_url"] = "http://" + r.Host + "/pdf/" + url.PathEscape(orderNo)
		}
		if a.Wrapped {
			answer["data"] = invoice
		} else {
			for k, v := range invoice {
				answer[k] = v
			}
		}
	}
	if a.Wrapped {
		answer["trace_id"] = "gatewaytest-" + orderNo
	}
	writeJSON(w, answer)
}

func firstString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
