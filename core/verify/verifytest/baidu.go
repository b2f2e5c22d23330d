package verifytest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Baidu is a stand-in for Baidu AI Cloud: the access token at
// /oauth/2.0/token and the check at /rest/2.0/ocr/v1/vat_invoice_verification
// under URL.
type Baidu struct {
	*tax
	srv    *httptest.Server
	URL    string // http://127.0.0.1:port
	APIKey string

	mu         sync.Mutex
	secretKey  string
	tokens     map[string]time.Time // token → expiry
	life       time.Duration
	issued     int
	tokenFails []Fault
	badTokens  int
	nested     bool
}

// DefaultTokenLife is the documented lifetime of a token (30 days).
const DefaultTokenLife = 30 * 24 * time.Hour

// NewBaidu starts a Baidu stand-in that accepts apiKey and secretKey and
// knows invoices. Close it when done.
func NewBaidu(apiKey, secretKey string, invoices ...Invoice) *Baidu {
	b := &Baidu{tax: newTax(invoices), APIKey: apiKey, secretKey: secretKey,
		tokens: map[string]time.Time{}, life: DefaultTokenLife}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/2.0/token", b.serveToken)
	mux.HandleFunc("/rest/2.0/ocr/v1/vat_invoice_verification", b.serveCheck)
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		b.tax.mu.Lock()
		b.tax.followed++
		b.tax.mu.Unlock()
		w.WriteHeader(http.StatusTeapot)
	})
	b.srv = httptest.NewServer(mux)
	b.URL = b.srv.URL
	return b
}

// Close stops the stand-in.
func (b *Baidu) Close() { b.srv.Close() }

// SetTokenLife sets the expires_in of the tokens issued from now on.
func (b *Baidu) SetTokenLife(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.life = d
}

// ExpireTokens makes every token issued so far expired (error 111).
func (b *Baidu) ExpireTokens() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for t := range b.tokens {
		b.tokens[t] = time.Time{}
	}
}

// TokensIssued counts the tokens handed out.
func (b *Baidu) TokensIssued() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.issued
}

// BadTokens counts the checks refused for their token (100, 110, 111).
func (b *Baidu) BadTokens() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.badTokens
}

// FailToken makes the next times token requests fail with f (Slow,
// Malformed, ServerError or Redirect).
func (b *Baidu) FailToken(f Fault, times int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range times {
		b.tokenFails = append(b.tokenFails, f)
	}
}

// Nest puts the verdict fields (VerifyResult, InvalidSign, …) inside
// words_result, where one client reads them, instead of at the top level,
// where a captured answer has them.
func (b *Baidu) Nest(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nested = on
}

func bdJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// serveToken issues tokens for the client_credentials grant, the
// parameters in the URL (§4.1). Errors are answered with HTTP 401: the
// documentation does not say which status they have.
func (b *Baidu) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		bdJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "POST or GET"})
		return
	}
	b.mu.Lock()
	var f Fault
	if len(b.tokenFails) > 0 {
		f, b.tokenFails = b.tokenFails[0], b.tokenFails[1:]
	}
	b.mu.Unlock()
	switch f {
	case Slow:
		if !b.slow(r.Context()) {
			return
		}
	case Malformed, ServerError, Redirect:
		bdFault(w, r, f)
		return
	}
	q := r.URL.Query()
	switch {
	case q.Get("grant_type") != "client_credentials":
		bdJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "The authorization grant type is not supported"})
		return
	case q.Get("client_id") != b.APIKey:
		bdJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "unknown client id"})
		return
	}
	b.mu.Lock()
	if q.Get("client_secret") != b.secretKey {
		b.mu.Unlock()
		bdJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	now := b.clock()
	life := b.life
	token := "24." + randomHex(16) + "." + strconv.Itoa(int(life.Seconds())) + "." + strconv.FormatInt(now.Unix(), 10) + "-" + randomHex(4)
	b.tokens[token] = now.Add(life)
	b.issued++
	b.mu.Unlock()
	bdJSON(w, http.StatusOK, map[string]any{"access_token": token, "expires_in": int(life.Seconds()),
		"refresh_token": "25." + randomHex(16), "scope": "public brain_all_scope", "session_key": randomHex(8),
		"session_secret": randomHex(8)})
}

// bdTypes are the documented invoice_type values and what each needs:
// "code" an invoice code, "amount" total_amount, "check" check_code.
var bdTypes = map[string][]string{
	"special_vat_invoice":               {"code", "amount"},
	"elec_special_vat_invoice":          {"code", "amount", "check"},
	"normal_invoice":                    {"code", "check"},
	"elec_normal_invoice":               {"code", "check"},
	"roll_normal_invoice":               {"code", "check"},
	"toll_elec_normal_invoice":          {"code", "check"},
	"blockchain_invoice":                {"check"},
	"elec_invoice_special":              {"amount"},
	"elec_invoice_normal":               {"amount"},
	"special_freight_transport_invoice": {"code", "amount"},
	"motor_vehicle_invoice":             {"code", "amount"},
	"used_vehicle_invoice":              {"amount"},
	"elec_flight_itinerary_invoice":     {"amount"},
	"elec_train_ticket_invoice":         {"amount"},
	"elec_toll_invoice":                 {"amount"},
}

var bdMessages = map[string]string{
	"0001": "查验成功发票一致", "0002": "超过该张票当天查验次数", "0005": "请求不合法", "0006": "发票信息不一致",
	"0009": "发票不存在", "1008": "字段不能为空", "1009": "参数长度不正确", "1014": "日期当天的不能查验",
	"1015": "超过5年的不能查验", "1021": "网络超时",
}

func (b *Baidu) serveCheck(w http.ResponseWriter, r *http.Request) {
	b.request()
	logID := time.Now().UnixNano()
	platform := func(code int, msg string) {
		bdJSON(w, http.StatusOK, map[string]any{"log_id": logID, "error_code": code, "error_msg": msg})
	}
	token := r.URL.Query().Get("access_token")
	b.mu.Lock()
	exp, known := b.tokens[token]
	now := b.clock()
	switch {
	case token == "":
		b.badTokens++
		b.mu.Unlock()
		platform(100, "Invalid parameter")
		return
	case !known:
		b.badTokens++
		b.mu.Unlock()
		platform(110, "Access token invalid or no longer valid")
		return
	case !now.Before(exp):
		b.badTokens++
		b.mu.Unlock()
		platform(111, "Access token expired")
		return
	}
	nested := b.nested
	b.mu.Unlock()
	if r.Method != http.MethodPost {
		platform(216100, "invalid param: POST only")
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		platform(216100, "invalid param: the body must be application/x-www-form-urlencoded")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		platform(216100, "invalid param: the body is not a form")
		return
	}
	params := map[string]string{}
	for k := range form {
		params[k] = form.Get(k)
	}
	verdict := func(code string, extra map[string]any, words map[string]any) {
		top := map[string]any{"log_id": logID}
		v := map[string]any{"VerifyResult": code, "VerifyMessage": bdMessages[code]}
		for k, x := range extra {
			v[k] = x
		}
		if words == nil {
			words = map[string]any{}
		}
		target := top
		if nested {
			target = words
		}
		for k, x := range v {
			target[k] = x
		}
		top["words_result"] = words
		top["words_result_num"] = len(words)
		bdJSON(w, http.StatusOK, top)
	}
	if code := bdCheckForm(params); code != "" {
		b.saw(params, code)
		verdict(code, nil, nil)
		return
	}
	switch f := b.nextFault(); f {
	case "":
	case Slow:
		if !b.slow(r.Context()) {
			b.decide(bdQuery(params))
			b.saw(params, string(f))
			return
		}
	case Quota:
		b.saw(params, "17")
		platform(17, "Open api daily request limit reached")
		return
	case RateLimit:
		b.saw(params, "18")
		platform(18, "Open api qps request limit reached")
		return
	case Account:
		b.saw(params, "6")
		platform(6, "No permission to access data")
		return
	case Internal:
		b.saw(params, "282000")
		platform(282000, "internal error")
		return
	case TaxDown:
		b.saw(params, "1021")
		verdict("1021", nil, nil)
		return
	default:
		b.saw(params, string(f))
		bdFault(w, r, f)
		return
	}
	v, inv := b.decide(bdQuery(params))
	switch v {
	case sameDay:
		b.saw(params, "1014")
		verdict("1014", nil, nil)
	case tooOld:
		b.saw(params, "1015")
		verdict("1015", nil, nil)
	case notFound:
		b.saw(params, "0009")
		verdict("0009", nil, nil)
	case limit:
		b.saw(params, "0002")
		verdict("0002", map[string]any{"VerifyFrequency": "6"}, nil)
	case mismatch:
		b.saw(params, "0006")
		verdict("0006", nil, nil)
	default:
		sign := map[Status]string{Normal: "N", Voided: "Y", Red: "H", RedFull: "QH", RedPartial: "BH"}[inv.Status]
		b.saw(params, sign)
		verdict("0001", bdIdentity(inv, sign, b.Count(inv.Number)), bdWords(inv))
	}
}

// bdCheckForm checks the form as documented: the VerifyResult code of
// what is wrong, "" when nothing is.
func bdCheckForm(p map[string]string) string {
	needs, ok := bdTypes[p["invoice_type"]]
	if !ok {
		return "0005"
	}
	if p["invoice_num"] == "" || p["invoice_date"] == "" {
		return "1008"
	}
	if _, err := time.Parse("20060102", p["invoice_date"]); err != nil || len(p["invoice_date"]) != 8 {
		return "0005"
	}
	if !allDigits(p["invoice_num"]) || (len(p["invoice_num"]) != 8 && len(p["invoice_num"]) != 20) {
		return "1009"
	}
	for _, n := range needs {
		switch n {
		case "code":
			if p["invoice_code"] == "" {
				return "1008"
			}
			if c := p["invoice_code"]; !allDigits(c) || (len(c) != 10 && len(c) != 12) {
				return "1009"
			}
		case "amount":
			if p["total_amount"] == "" {
				return "1008"
			}
			if !twoDecimals(p["total_amount"]) {
				return "0005"
			}
		case "check":
			if p["check_code"] == "" {
				return "1008"
			}
			if len(p["check_code"]) != 6 {
				return "1009"
			}
		}
	}
	return ""
}

func bdQuery(p map[string]string) query {
	d, _ := time.Parse("20060102", p["invoice_date"])
	return query{code: p["invoice_code"], number: p["invoice_num"], date: d.Format("2006-01-02"),
		amount: p["total_amount"], check6: p["check_code"]}
}

var bdTypeNames = map[string]string{"01": "增值税专用发票", "04": "增值税普通发票", "10": "增值税电子普通发票",
	"11": "增值税普通发票(卷式)", "14": "通行费电子普通发票", "20": "增值税电子专用发票",
	"31": "全电发票（专用发票）", "32": "全电发票（普通发票）", "51": "电子发票(铁路电子客票)", "61": "电子发票(航空运输电子客票行程单)"}

// bdIdentity are the verdict fields of an answer with an invoice, as the
// captured answer has them.
func bdIdentity(inv Invoice, sign string, count int) map[string]any {
	d, _ := time.Parse("2006-01-02", inv.Date)
	check := inv.CheckCode
	if inv.Digital() {
		check = inv.Number // as in the captured answer of a 数电 invoice
	}
	return map[string]any{"VerifyFrequency": strconv.Itoa(count), "InvalidSign": sign,
		"InvoiceType": bdTypeNames[inv.Type], "InvoiceCode": inv.Code, "InvoiceNum": inv.Number,
		"InvoiceDate": d.Format("20060102"), "CheckCode": check, "MachineCode": ""}
}

// bdWords is the face data: fields as text, goods as {row, word} lists.
func bdWords(inv Invoice) map[string]any {
	w := map[string]any{
		"PurchaserName": inv.BuyerName, "PurchaserRegisterNum": inv.BuyerTaxID, "PurchaserAddress": "", "PurchaserBank": "",
		"SellerName": inv.SellerName, "SellerRegisterNum": inv.SellerTaxID, "SellerAddress": "", "SellerBank": "",
		"TotalAmount": inv.Amount, "TotalTax": inv.Tax, "AmountInFiguers": inv.Total, "AmountInWords": "", "Remarks": "",
	}
	cols := map[string]func(Item) string{
		"CommodityName": func(i Item) string { return i.Name }, "CommodityType": func(i Item) string { return i.Spec },
		"CommodityUnit": func(i Item) string { return i.Unit }, "CommodityNum": func(i Item) string { return i.Quantity },
		"CommodityPrice": func(i Item) string { return i.Price }, "CommodityAmount": func(i Item) string { return i.Amount },
		"CommodityTaxRate": func(i Item) string { return i.TaxRate }, "CommodityTax": func(i Item) string { return i.Tax },
	}
	for name, get := range cols {
		words := []map[string]string{}
		for n, it := range inv.Items {
			if v := get(it); v != "" {
				words = append(words, map[string]string{"row": strconv.Itoa(n + 1), "word": v})
			}
		}
		w[name] = words
	}
	return w
}

func bdFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f {
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"log_id": 1, "words_result": {"VerifyResult": "00`)
	case ServerError:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	case Redirect:
		http.Redirect(w, r, "/elsewhere?"+strings.TrimPrefix(r.URL.RawQuery, "?"), http.StatusTemporaryRedirect)
	}
}
