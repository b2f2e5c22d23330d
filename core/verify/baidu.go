package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Baidu AI Cloud's invoice check (docs: invoice-verification §4).
const (
	BaiduEndpoint = "https://aip.baidubce.com"
	baiduToken    = "/oauth/2.0/token"
	baiduVerify   = "/rest/2.0/ocr/v1/vat_invoice_verification"
	// maxAnswer bounds an answer read: a verified invoice is a few KB.
	maxAnswer = 4 << 20
)

// baiduRules maps QR type codes to invoice_type and what must be sent.
var baiduRules = map[string]rule{
	"01": {kind: "special_vat_invoice", code: true, amount: FieldAmount},
	"02": {kind: "special_freight_transport_invoice", code: true, amount: FieldAmount},
	"03": {kind: "motor_vehicle_invoice", code: true, amount: FieldAmount},
	"04": {kind: "normal_invoice", code: true, checkCode: true},
	"10": {kind: "elec_normal_invoice", code: true, checkCode: true},
	"11": {kind: "roll_normal_invoice", code: true, checkCode: true},
	"14": {kind: "toll_elec_normal_invoice", code: true, checkCode: true},
	"20": {kind: "elec_special_vat_invoice", code: true, amount: FieldAmount, checkCode: true},
	"31": {kind: "elec_invoice_special", amount: FieldTotal},
	"32": {kind: "elec_invoice_normal", amount: FieldTotal},
	"51": {kind: "elec_train_ticket_invoice", amount: FieldTotal},
	"61": {kind: "elec_flight_itinerary_invoice", amount: FieldTotal},
}

// baiduPaper: 数电 invoices printed on paper; Baidu documents nothing
// specific, so they go as 数电 invoices with their code.
var baiduPaper = map[string]rule{
	"31": {kind: "elec_invoice_special", code: true, amount: FieldTotal},
	"32": {kind: "elec_invoice_normal", code: true, amount: FieldTotal},
}

// baiduForm is the form of the check of r, exactly what Baidu needs.
func baiduForm(r Request) (url.Values, error) {
	ru, err := ruleFor(Baidu, r, baiduRules, baiduPaper)
	if err != nil {
		return nil, err
	}
	if err := need(Baidu, r, ru); err != nil {
		return nil, err
	}
	f := url.Values{}
	// Listed as required, and empty for 数电 invoices.
	f.Set("invoice_code", r.Code)
	f.Set("invoice_num", r.Number)
	f.Set("invoice_date", r.Date.Time().Format("20060102"))
	f.Set("invoice_type", ru.kind)
	if ru.checkCode {
		f.Set("check_code", r.check6())
	}
	if ru.amount != "" {
		f.Set("total_amount", r.amountFor(ru))
	}
	return f, nil
}

// BaiduProvider checks invoices over plain HTTP with an access token, asked
// for with the API Key and Secret Key and kept until shortly before it
// expires, or until Baidu says it is no longer valid.
type BaiduProvider struct {
	cfg    Config
	base   *url.URL
	client *http.Client

	mu      sync.Mutex // held while a token is fetched, so only one is
	token   string
	expires time.Time
}

var _ Provider = (*BaiduProvider)(nil)

// NewBaidu makes the Baidu provider of c (c.Provider is not read).
func NewBaidu(c Config) (*BaiduProvider, error) {
	c.Provider = Baidu
	c.ID, c.Secret = strings.TrimSpace(c.ID), strings.TrimSpace(c.Secret)
	if c.ID == "" || c.Secret == "" {
		return nil, fmt.Errorf("%w: Baidu AI Cloud needs an API Key and a Secret Key", ErrBadConfig)
	}
	u, err := baseURL(Baidu, c.Endpoint, BaiduEndpoint)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &BaiduProvider{cfg: c, base: u, client: &http.Client{
		Transport: newTransport(false),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errRedirect // noRedirects already refuses; this is the second lock
		},
	}}, nil
}

// Name is Baidu.
func (b *BaiduProvider) Name() string { return Baidu }

// String leaves the secret out.
func (b *BaiduProvider) String() string { return b.cfg.String() }

// GoString is String, for %#v.
func (b *BaiduProvider) GoString() string { return b.cfg.GoString() }

func (b *BaiduProvider) url(path string, q url.Values) string {
	u := *b.base
	u.Path += path
	u.RawQuery = q.Encode()
	return u.String()
}

// Check sends one check. It is repeated when it never reached Baidu, when
// Baidu refused it for its rate, and once with a new token when Baidu says
// the token is no longer valid; never after a timeout, which may have used
// one of the invoice's daily checks.
func (b *BaiduProvider) Check(ctx context.Context, r Request) (Result, error) {
	form, err := baiduForm(r)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	retries := b.cfg.retries()
	renewed := false
	sent := 0
	for n := 1; ; n++ {
		token, res, retry := b.accessToken(ctx, n)
		if token == "" {
			res.Attempts = sent
			if !retry || n > retries || !sleep(ctx, b.cfg.backoff(n)) {
				return res, nil
			}
			continue
		}
		sent++
		res, retry, stale := b.attempt(ctx, token, form)
		res.Attempts = sent
		if stale && !renewed {
			renewed = true
			b.forget(token)
			n-- // a new token is not a repeat
			continue
		}
		if !retry || n > retries || !sleep(ctx, b.cfg.backoff(n)) {
			return res, nil
		}
	}
}

// accessToken returns the cached token, or fetches one. On failure the
// token is "" and res says why.
func (b *BaiduProvider) accessToken(ctx context.Context, n int) (string, Result, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.cfg.now()
	if b.token != "" && now.Before(b.expires) {
		return b.token, Result{}, false
	}
	res := Result{Provider: Baidu, At: now, Outcome: Error}
	q := url.Values{"grant_type": {"client_credentials"}, "client_id": {b.cfg.ID}, "client_secret": {b.cfg.Secret}}
	body, status, f := b.post(ctx, b.url(baiduToken, q), "", nil)
	if f != nil {
		res.Kind, res.Reason = f.kind, "access token: "+f.reason
		// Asking for a token uses up nothing: repeat it unless it hung.
		return "", res, f.kind != KindTimeout && f.kind != KindCancelled && f.kind != KindRedirect
	}
	var a struct {
		AccessToken text `json:"access_token"`
		ExpiresIn   text `json:"expires_in"`
		Error       text `json:"error"`
		Description text `json:"error_description"`
		ErrorCode   text `json:"error_code"`
		ErrorMsg    text `json:"error_msg"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		if status >= 500 {
			res.Kind, res.Reason = KindDown, fmt.Sprintf("access token: provider down: HTTP %d", status)
			return "", res, true
		}
		res.Kind, res.Reason = KindBadAnswer, fmt.Sprintf("access token: bad answer (HTTP %d, not JSON)", status)
		return "", res, false
	}
	switch {
	case a.Error != "":
		res.Kind, res.Reason = KindAuth, "access token: credentials: "+shorten(string(a.Error)+": "+string(a.Description))
		return "", res, false
	case a.ErrorCode != "":
		res.Code = string(a.ErrorCode)
		res.Kind, res.Reason = KindAuth, "access token: "+shorten(string(a.ErrorCode)+": "+string(a.ErrorMsg))
		return "", res, false
	case a.AccessToken == "":
		res.Kind, res.Reason = KindBadAnswer, fmt.Sprintf("access token: bad answer (HTTP %d, no access_token)", status)
		return "", res, false
	}
	life, err := strconv.ParseFloat(string(a.ExpiresIn), 64)
	if err != nil || life <= 0 {
		life = 3600 // not said: ask again within the hour
	}
	ttl := time.Duration(life * float64(time.Second))
	// Renew a tenth of its life early (a day at most), so that a token
	// never expires between being taken from the cache and being used.
	ttl -= min(ttl/10, 24*time.Hour)
	b.token, b.expires = string(a.AccessToken), now.Add(ttl)
	return b.token, res, false
}

// forget drops token if it is still the cached one.
func (b *BaiduProvider) forget(token string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.token == token {
		b.token, b.expires = "", time.Time{}
	}
}

// post sends one request within the attempt's time and reads its answer
// whatever its status (Baidu does not document the statuses of errors).
func (b *BaiduProvider) post(ctx context.Context, u, contentType string, body []byte) ([]byte, int, *failure) {
	actx, cancel := context.WithTimeout(ctx, b.cfg.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &failure{kind: KindRejected, reason: "request: " + innermost(err)}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		f := transportFailure(err, ctx, actx, b.cfg.timeout())
		return nil, 0, &f
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		f := transportFailure(err, ctx, actx, b.cfg.timeout())
		return nil, resp.StatusCode, &f
	}
	return data, resp.StatusCode, nil
}

// attempt sends the check once. stale reports that Baidu refused the token.
func (b *BaiduProvider) attempt(ctx context.Context, token string, form url.Values) (res Result, retry, stale bool) {
	res = Result{Provider: Baidu, At: b.cfg.now(), Outcome: Error}
	body, status, f := b.post(ctx, b.url(baiduVerify, url.Values{"access_token": {token}}),
		"application/x-www-form-urlencoded", []byte(form.Encode()))
	if f != nil {
		res.Kind, res.Reason = f.kind, f.reason
		return res, f.retry, false
	}
	var a bdAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		if status >= 500 {
			res.Kind, res.Reason = KindDown, fmt.Sprintf("provider down: HTTP %d", status)
		} else {
			res.Kind, res.Reason = KindBadAnswer, fmt.Sprintf("bad answer: Baidu's answer is not JSON (HTTP %d)", status)
		}
		return res, false, false
	}
	res.RequestID = string(a.LogID)
	if a.ErrorCode != "" && a.ErrorCode != "0" {
		res, retry, stale = baiduPlatform(res, string(a.ErrorCode), string(a.ErrorMsg))
		return res, retry, stale
	}
	words := a.words()
	v := a.bdVerdict.or(words.bdVerdict)
	res.Code = string(v.VerifyResult)
	if v.VerifyResult == "" {
		res.Kind, res.Reason = KindBadAnswer, fmt.Sprintf("bad answer: no VerifyResult in Baidu's answer (HTTP %d)", status)
		return res, false, false
	}
	detail := shorten(string(v.VerifyResult) + ": " + string(v.VerifyMessage))
	switch v.VerifyResult {
	case "0001":
		res.Official = words.official(v)
		res.Code = string(v.InvalidSign)
		switch strings.ToUpper(strings.TrimSpace(string(v.InvalidSign))) {
		case "N", "":
			res.Outcome = Authentic
		case "Y":
			res.Outcome = Voided
		case "H", "QH":
			res.Outcome = RedReversed
		case "BH":
			res.Outcome, res.Partial, res.Reason = RedReversed, true, "partial red reversal (部分红冲)"
		default:
			res.Kind = KindBadAnswer
			res.Reason = fmt.Sprintf("bad answer: unknown invoice status InvalidSign=%q", shorten(string(v.InvalidSign)))
		}
	case "0002":
		res.Outcome, res.Reason = LimitReached, "today's checks of this invoice are used up: "+detail
	case "0006":
		res.Outcome = Mismatch
	case "0009":
		res.Outcome = NotFound
	case "0005", "1005", "1008", "1009":
		res.Kind, res.Reason = KindRejected, "rejected: "+detail
	case "1004":
		res.Kind, res.Reason = KindQuota, "quota: "+detail
	case "1014":
		res.Kind, res.Reason = KindTooEarly, "too early: "+detail
	case "1015":
		res.Kind, res.Reason = KindTooOld, "too old: "+detail
	case "1020":
		res.Kind, res.Reason = KindAccount, "account: "+detail
	default:
		// 1006, 1021, 9999 and codes not documented.
		res.Kind, res.Reason = KindDown, "provider error: "+detail
	}
	return res, false, false
}

// baiduPlatform turns a platform error (error_code) into an outcome.
func baiduPlatform(res Result, code, msg string) (Result, bool, bool) {
	res.Code = code
	detail := shorten(code + ": " + msg)
	switch code {
	case "100", "110", "111":
		res.Kind, res.Reason = KindAuth, "access token: "+detail
		return res, false, true
	case "4", "18":
		res.Kind, res.Reason = KindRateLimit, "rate limit: "+detail
		return res, true, false
	case "17", "19":
		res.Kind, res.Reason = KindQuota, "quota: "+detail
	case "6":
		res.Kind, res.Reason = KindAccount, "account: "+detail
	case "14", "15":
		res.Kind, res.Reason = KindAuth, "credentials: "+detail
	case "216100":
		res.Kind, res.Reason = KindRejected, "rejected: "+detail
	default:
		res.Kind, res.Reason = KindDown, "provider error: "+detail
	}
	return res, false, false
}

// bdVerdict holds the fields that one client finds at the top level of
// Baidu's answer and another inside words_result (unconfirmed which).
type bdVerdict struct {
	VerifyResult    text `json:"VerifyResult"`
	VerifyMessage   text `json:"VerifyMessage"`
	VerifyFrequency text `json:"VerifyFrequency"`
	InvalidSign     text `json:"InvalidSign"`
	InvoiceType     text `json:"InvoiceType"`
	InvoiceCode     text `json:"InvoiceCode"`
	InvoiceNum      text `json:"InvoiceNum"`
	InvoiceDate     text `json:"InvoiceDate"`
	CheckCode       text `json:"CheckCode"`
	MachineCode     text `json:"MachineCode"`
}

// or fills the fields of v that are empty from w.
func (v bdVerdict) or(w bdVerdict) bdVerdict {
	pick := func(a, b text) text {
		if strings.TrimSpace(string(a)) != "" {
			return a
		}
		return b
	}
	return bdVerdict{pick(v.VerifyResult, w.VerifyResult), pick(v.VerifyMessage, w.VerifyMessage),
		pick(v.VerifyFrequency, w.VerifyFrequency), pick(v.InvalidSign, w.InvalidSign),
		pick(v.InvoiceType, w.InvoiceType), pick(v.InvoiceCode, w.InvoiceCode), pick(v.InvoiceNum, w.InvoiceNum),
		pick(v.InvoiceDate, w.InvoiceDate), pick(v.CheckCode, w.CheckCode), pick(v.MachineCode, w.MachineCode)}
}

type bdAnswer struct {
	LogID     text `json:"log_id"`
	ErrorCode text `json:"error_code"`
	ErrorMsg  text `json:"error_msg"`
	bdVerdict
	WordsResult json.RawMessage `json:"words_result"`
}

type bdWord struct {
	Row  text `json:"row"`
	Word text `json:"word"`
}

type bdWords struct {
	bdVerdict
	PurchaserName, PurchaserRegisterNum, PurchaserAddress, PurchaserBank text
	SellerName, SellerRegisterNum, SellerAddress, SellerBank             text
	TotalAmount, TotalTax, AmountInFiguers, Remarks                      text
	CommodityName, CommodityType, CommodityUnit, CommodityNum            []bdWord
	CommodityPrice, CommodityAmount, CommodityTaxRate, CommodityTax      []bdWord
}

// words reads words_result when it is an object; anything else there
// gives no face data.
func (a *bdAnswer) words() bdWords {
	var w bdWords
	if len(a.WordsResult) > 0 && a.WordsResult[0] == '{' {
		if err := json.Unmarshal(a.WordsResult, &w); err != nil {
			return bdWords{}
		}
	}
	return w
}

func (w *bdWords) official(v bdVerdict) map[string]string {
	m := officialMap{}
	m.set(OfficialType, v.InvoiceType)
	m.set(OfficialCode, v.InvoiceCode)
	m.set(OfficialNumber, v.InvoiceNum)
	m.setDate(OfficialDate, v.InvoiceDate)
	m.set(OfficialCheckCode, v.CheckCode)
	m.set(OfficialMachineNo, v.MachineCode)
	m.set(OfficialStatus, v.InvalidSign)
	m.set(OfficialCheckCount, v.VerifyFrequency)
	m.set(OfficialBuyerName, w.PurchaserName)
	m.set(OfficialBuyerTaxID, w.PurchaserRegisterNum)
	m.set(OfficialBuyerAddress, w.PurchaserAddress)
	m.set(OfficialBuyerBank, w.PurchaserBank)
	m.set(OfficialSellerName, w.SellerName)
	m.set(OfficialSellerTaxID, w.SellerRegisterNum)
	m.set(OfficialSellerAddress, w.SellerAddress)
	m.set(OfficialSellerBank, w.SellerBank)
	m.set(OfficialAmount, w.TotalAmount)
	m.set(OfficialTax, w.TotalTax)
	m.set(OfficialTotal, w.AmountInFiguers)
	m.set(OfficialRemark, w.Remarks)
	cols := []struct {
		field string
		words []bdWord
	}{
		{"name", w.CommodityName}, {"spec", w.CommodityType}, {"unit", w.CommodityUnit},
		{"quantity", w.CommodityNum}, {"price", w.CommodityPrice}, {"amount", w.CommodityAmount},
		{"tax_rate", w.CommodityTaxRate}, {"tax", w.CommodityTax},
	}
	// Lines are numbered by their "row"; a column without rows counts
	// its entries.
	rows := map[string]int{}
	var order []string
	for _, c := range cols {
		for i, wd := range c.words {
			r := strings.TrimSpace(string(wd.Row))
			if r == "" {
				r = strconv.Itoa(i + 1)
			}
			if _, ok := rows[r]; !ok {
				rows[r] = 0
				order = append(order, r)
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, errA := strconv.Atoi(order[i])
		b, errB := strconv.Atoi(order[j])
		return errA == nil && errB == nil && a < b
	})
	for i, r := range order {
		rows[r] = i + 1
	}
	for _, c := range cols {
		for i, wd := range c.words {
			r := strings.TrimSpace(string(wd.Row))
			if r == "" {
				r = strconv.Itoa(i + 1)
			}
			m.setItem(rows[r], c.field, wd.Word)
		}
	}
	return m.result()
}
