package verifytest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TC3Steps are the intermediate values of a TC3-HMAC-SHA256 signature, as
// the documentation's worked example lists them.
type TC3Steps struct {
	HashedPayload          string
	CanonicalRequest       string
	HashedCanonicalRequest string
	Date                   string // the UTC date of the timestamp
	StringToSign           string
	Signature              string
	Authorization          string
}

// TC3 signs a POST to "/" with the headers content-type and host, as
// Tencent's signature v3 is documented.
func TC3(secretID, secretKey, service, host, contentType string, timestamp int64, body []byte) TC3Steps {
	return tc3(secretID, secretKey, service, timestamp, body,
		[]string{"content-type", "host"}, map[string]string{"content-type": contentType, "host": host})
}

// tc3 signs with the headers named (lower case) and their values.
func tc3(secretID, secretKey, service string, timestamp int64, body []byte, names []string, values map[string]string) TC3Steps {
	var s TC3Steps
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	var canon strings.Builder
	for _, n := range sorted {
		canon.WriteString(n + ":" + strings.ToLower(strings.TrimSpace(values[n])) + "\n")
	}
	signed := strings.Join(sorted, ";")
	s.HashedPayload = sha256Hex(body)
	s.CanonicalRequest = strings.Join([]string{"POST", "/", "", canon.String(), signed, s.HashedPayload}, "\n")
	s.HashedCanonicalRequest = sha256Hex([]byte(s.CanonicalRequest))
	s.Date = time.Unix(timestamp, 0).UTC().Format("2006-01-02")
	scope := s.Date + "/" + service + "/tc3_request"
	s.StringToSign = strings.Join([]string{"TC3-HMAC-SHA256", strconv.FormatInt(timestamp, 10), scope, s.HashedCanonicalRequest}, "\n")
	key := []byte("TC3" + secretKey)
	for _, part := range []string{s.Date, service, "tc3_request"} {
		key = hmacSHA256(key, part)
	}
	s.Signature = hex.EncodeToString(hmacSHA256(key, s.StringToSign))
	s.Authorization = fmt.Sprintf("TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", secretID, scope, signed, s.Signature)
	return s
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// Tencent is a stand-in for Tencent Cloud OCR's VatInvoiceVerifyNew: POST
// to "/" of URL, signed with the credentials it was made with.
type Tencent struct {
	*tax
	srv      *httptest.Server
	URL      string // http://127.0.0.1:port
	SecretID string

	mu          sync.Mutex
	secretKey   string
	badlySigned int
	authErrors  []string
}

// NewTencent starts a Tencent stand-in that accepts secretID and
// secretKey and knows invoices. Close it when done.
func NewTencent(secretID, secretKey string, invoices ...Invoice) *Tencent {
	t := &Tencent{tax: newTax(invoices), SecretID: secretID, secretKey: secretKey}
	mux := http.NewServeMux()
	mux.HandleFunc("/", t.serve)
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		t.tax.mu.Lock()
		t.tax.followed++
		t.tax.mu.Unlock()
		w.WriteHeader(http.StatusTeapot)
	})
	t.srv = httptest.NewServer(mux)
	t.URL = t.srv.URL
	return t
}

// Close stops the stand-in.
func (t *Tencent) Close() { t.srv.Close() }

// BadlySigned counts the requests whose signature did not verify.
func (t *Tencent) BadlySigned() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.badlySigned
}

// AuthErrors lists the AuthFailure codes answered, in order.
func (t *Tencent) AuthErrors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.authErrors...)
}

// tcFail answers a documented error: HTTP 200, the code in Response.Error.
func tcFail(w http.ResponseWriter, code, msg string) {
	tcWrite(w, map[string]any{"Error": map[string]string{"Code": code, "Message": msg}, "RequestId": requestID()})
}

func tcWrite(w http.ResponseWriter, resp map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": resp})
}

func requestID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (t *Tencent) authFail(w http.ResponseWriter, code, msg string) {
	t.mu.Lock()
	t.authErrors = append(t.authErrors, code)
	if code == "AuthFailure.SignatureFailure" {
		t.badlySigned++
	}
	t.mu.Unlock()
	tcFail(w, code, msg)
}

// tcKinds are the documented InvoiceKind values.
var tcKinds = map[string]bool{"01": true, "02": true, "03": true, "04": true, "08": true, "10": true,
	"11": true, "14": true, "15": true, "16": true, "32": true}

// tcParams are the documented body parameters, with their JSON type.
var tcParams = map[string]string{"InvoiceNo": "string", "InvoiceDate": "string", "InvoiceCode": "string",
	"InvoiceKind": "string", "CheckCode": "string", "Amount": "string", "RegionCode": "string",
	"SellerTaxCode": "string", "EnableCommonElectronic": "bool", "EnableTodayInvoice": "bool"}

func (t *Tencent) serve(w http.ResponseWriter, r *http.Request) {
	t.request()
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		tcFail(w, "InvalidParameter", "only POST is served here")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	if !t.authorized(w, r, body) {
		return
	}
	if r.Header.Get("X-TC-Action") != "VatInvoiceVerifyNew" {
		tcFail(w, "InvalidAction", "unknown action "+r.Header.Get("X-TC-Action"))
		return
	}
	if r.Header.Get("X-TC-Version") != "2018-11-19" {
		tcFail(w, "NoSuchVersion", "unknown version "+r.Header.Get("X-TC-Version"))
		return
	}
	params, code, msg := tcReadParams(body)
	if code != "" {
		t.saw(params, code)
		tcFail(w, code, msg)
		return
	}
	switch f := t.nextFault(); f {
	case "":
	case Slow:
		if !t.slow(r.Context()) {
			t.decide(tcQuery(params)) // the tax side received it
			t.saw(params, string(f))
			return
		}
	default:
		t.saw(params, string(f))
		tcFault(w, r, f)
		return
	}
	v, inv := t.decide(tcQuery(params))
	switch v {
	case sameDay:
		t.saw(params, "ResourceNotFound.NotSupportCurrentInvoiceQuery")
		tcFail(w, "ResourceNotFound.NotSupportCurrentInvoiceQuery", "不支持当日发票查询")
	case tooOld:
		t.saw(params, "InvalidParameterValue.TicketDateParameterValueLimit")
		tcFail(w, "InvalidParameterValue.TicketDateParameterValueLimit", "开票日期超过5年")
	case notFound:
		t.saw(params, "ResourceNotFound.NoInvoice")
		tcFail(w, "ResourceNotFound.NoInvoice", "查无此票")
	case limit:
		t.saw(params, "FailedOperation.CountLimitError")
		tcFail(w, "FailedOperation.CountLimitError", "今日次数达到限制")
	case mismatch:
		t.saw(params, "FailedOperation.InvoiceMismatch")
		tcFail(w, "FailedOperation.InvoiceMismatch", "发票数据不一致")
	default:
		abandoned := map[Status]string{Normal: "N", Voided: "Y", Red: "H", RedFull: "HF", RedPartial: "HP"}[inv.Status]
		t.saw(params, abandoned)
		tcWrite(w, map[string]any{"Invoice": tcInvoice(inv, abandoned), "RequestId": requestID()})
	}
}

// authorized checks the request's signature as documented (§3.5) and
// answers the documented AuthFailure when it does not verify.
func (t *Tencent) authorized(w http.ResponseWriter, r *http.Request, body []byte) bool {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "TC3-HMAC-SHA256 ")
	parts := map[string]string{}
	if ok {
		for _, p := range strings.Split(rest, ", ") {
			k, v, found := strings.Cut(p, "=")
			if !found {
				ok = false
				break
			}
			parts[k] = v
		}
	}
	cred := strings.Split(parts["Credential"], "/")
	if !ok || len(cred) != 4 || parts["SignedHeaders"] == "" || len(parts["Signature"]) != 64 {
		t.authFail(w, "AuthFailure.InvalidAuthorization", "Authorization header is not TC3-HMAC-SHA256 as documented")
		return false
	}
	if cred[0] != t.SecretID {
		t.authFail(w, "AuthFailure.SecretIdNotFound", "SecretId not found")
		return false
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	now := t.clock().Unix()
	if err != nil || ts < now-300 || ts > now+300 {
		t.authFail(w, "AuthFailure.SignatureExpire", "the timestamp is more than 5 minutes off the server's clock")
		return false
	}
	names := strings.Split(parts["SignedHeaders"], ";")
	values := map[string]string{}
	for _, n := range names {
		if n != strings.ToLower(n) {
			t.authFail(w, "AuthFailure.InvalidAuthorization", "signed header names must be lower case")
			return false
		}
		if n == "host" {
			values[n] = r.Host
		} else {
			values[n] = r.Header.Get(n)
		}
	}
	if !contains(names, "content-type") || !contains(names, "host") {
		t.authFail(w, "AuthFailure.InvalidAuthorization", "content-type and host must be signed")
		return false
	}
	t.mu.Lock()
	key := t.secretKey
	t.mu.Unlock()
	want := tc3(cred[0], key, "ocr", ts, body, names, values)
	if cred[1] != want.Date || cred[2] != "ocr" || cred[3] != "tc3_request" ||
		!hmac.Equal([]byte(parts["Signature"]), []byte(want.Signature)) {
		t.authFail(w, "AuthFailure.SignatureFailure", "the signature does not verify")
		return false
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		tcFail(w, "InvalidParameter", "the body must be application/json")
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// tcReadParams reads the body and checks each parameter's presence and
// form, and what each kind of invoice needs.
func tcReadParams(body []byte) (map[string]string, string, string) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return nil, "InvalidParameter", "the body is not a JSON object"
	}
	params := map[string]string{}
	for k, v := range raw {
		typ, known := tcParams[k]
		if !known {
			return params, "UnknownParameter", "unknown parameter " + k
		}
		var s string
		var b bool
		switch {
		case typ == "string" && json.Unmarshal(v, &s) == nil:
			params[k] = s
		case typ == "bool" && json.Unmarshal(v, &b) == nil:
			params[k] = strconv.FormatBool(b)
		default:
			return params, "InvalidParameter", k + " must be a " + typ
		}
	}
	no, date, code := params["InvoiceNo"], params["InvoiceDate"], params["InvoiceCode"]
	kind, check, amount := params["InvoiceKind"], params["CheckCode"], params["Amount"]
	switch {
	case no == "":
		return params, "MissingParameter", "InvoiceNo is required"
	case date == "":
		return params, "MissingParameter", "InvoiceDate is required"
	case !allDigits(no) || (len(no) != 8 && len(no) != 20):
		return params, "InvalidParameterValue.TicketSnParameterValueLimit", "发票号码格式错误"
	case !isDate(date):
		return params, "InvalidParameterValue.TicketDateParameterValueLimit", "开票日期格式错误 (YYYY-MM-DD)"
	case code != "" && (!allDigits(code) || (len(code) != 10 && len(code) != 12)):
		return params, "InvalidParameterValue.TicketCodeParameterValueLimit", "发票代码格式错误"
	case kind != "" && !tcKinds[kind]:
		return params, "InvalidParameterValue.InvalidParameterValueLimit", "InvoiceKind 取值错误"
	case amount != "" && !twoDecimals(amount):
		return params, "InvalidParameterValue.PriceOrVerificationParameterValueLimit", "金额格式错误"
	case check != "" && len(check) != 6:
		return params, "InvalidParameterValue.PriceOrVerificationParameterValueLimit", "校验码应为后6位"
	}
	digital := len(no) == 20
	needCheck := !digital && (kind == "04" || kind == "10" || kind == "11" || kind == "14")
	needAmount := digital || kind == "01" || kind == "02" || kind == "03" || kind == "08" || kind == "15"
	switch {
	case !digital && code == "":
		return params, "InvalidParameterValue.TicketCodeParameterValueLimit", "非全电发票须填发票代码"
	case needCheck && check == "":
		return params, "InvalidParameterValue.PriceOrVerificationParameterValueLimit", "此类发票须填校验码后6位"
	case needAmount && amount == "":
		return params, "InvalidParameterValue.PriceOrVerificationParameterValueLimit", "此类发票须填金额"
	}
	return params, "", ""
}

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func tcQuery(p map[string]string) query {
	return query{code: p["InvoiceCode"], number: p["InvoiceNo"], date: p["InvoiceDate"],
		amount: p["Amount"], check6: p["CheckCode"]}
}

// tcTypes are Tencent's type values of the QR types.
var tcTypes = map[string]string{"01": "01", "02": "02", "03": "03", "04": "04", "10": "10", "11": "11",
	"14": "14", "20": "08", "31": "08", "32": "10", "51": "83", "61": "61"}

// tcInvoice is the documented VatInvoice. The date is written as the old
// action's example writes it (YYYYMMDD): this action's format is not
// documented.
func tcInvoice(inv Invoice, abandoned string) map[string]any {
	items := []map[string]string{}
	for i, it := range inv.Items {
		items = append(items, map[string]string{"LineNo": strconv.Itoa(i + 1), "Name": it.Name, "Spec": it.Spec,
			"Unit": it.Unit, "Quantity": it.Quantity, "UnitPrice": it.Price, "AmountWithoutTax": it.Amount,
			"TaxRate": it.TaxRate, "TaxAmount": it.Tax, "TaxClassifyCode": ""})
	}
	electronic := map[string]string{"31": "01", "32": "02", "51": "03", "61": "04"}[inv.Type]
	d, _ := time.Parse("2006-01-02", inv.Date)
	out := map[string]any{
		"Code": inv.Code, "Number": inv.Number, "Date": d.Format("20060102"), "Type": tcTypes[inv.Type],
		"ElectronicType": electronic, "CheckCode": inv.CheckCode, "MachineNo": "", "TaxBureau": "",
		"BuyerName": inv.BuyerName, "BuyerTaxCode": inv.BuyerTaxID, "BuyerAddressPhone": "", "BuyerBankAccount": "",
		"SellerName": inv.SellerName, "SellerTaxCode": inv.SellerTaxID, "SellerAddressPhone": "",
		"SellerBankAccount": "", "SellerAgentName": "", "SellerAgentTaxID": "",
		"AmountWithoutTax": inv.Amount, "TaxAmount": inv.Tax, "AmountWithTax": inv.Total,
		"Items": items, "HasSellerList": "N", "SellerListTitle": "", "SellerListTax": "",
		"IsAbandoned": abandoned, "RedLetterInvoiceMark": inv.RedLetter, "Remark": "",
		"TrafficFreeFlag": "N", "IssuingTypeMark": 1,
	}
	return out
}

// tcFault answers as f says.
func tcFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f {
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Response": {"Invoice": {"Number": "1234`)
	case ServerError:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	case Quota:
		tcFail(w, "ResourceUnavailable.ResourcePackageRunOut", "账号资源包耗尽")
	case Account:
		tcFail(w, "FailedOperation.ArrearsError", "账号已欠费")
	case RateLimit:
		tcFail(w, "RequestLimitExceeded", "请求的次数超过了频率限制")
	case TaxDown:
		tcFail(w, "ResourceUnavailable.TaxNetworkError", "税务局网络异常")
	case Internal:
		tcFail(w, "InternalError", "内部错误")
	case Redirect:
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}
}
