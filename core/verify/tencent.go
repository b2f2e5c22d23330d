package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// Tencent Cloud OCR's invoice check (docs: invoice-verification §3).
const (
	TencentEndpoint = "https://ocr.tencentcloudapi.com"
	tencentService  = "ocr"
	tencentVersion  = "2018-11-19"
	tencentAction   = "VatInvoiceVerifyNew"
)

// tencentRules maps QR type codes to InvoiceKind and what must be sent.
// Types 51 and 61 are not in the action's list of kinds: they go without
// one, with the total including tax as for every 数电 invoice (unconfirmed).
var tencentRules = map[string]rule{
	"01": {kind: "01", code: true, amount: FieldAmount},
	"02": {kind: "02", code: true, amount: FieldAmount},
	"03": {kind: "03", code: true, amount: FieldAmount},
	"04": {kind: "04", code: true, checkCode: true},
	"10": {kind: "10", code: true, checkCode: true},
	"11": {kind: "11", code: true, checkCode: true},
	"14": {kind: "14", code: true, checkCode: true},
	"20": {kind: "08", code: true, amount: FieldAmount},
	"31": {kind: "08", amount: FieldTotal},
	"32": {kind: "10", amount: FieldTotal},
	"51": {amount: FieldTotal},
	"61": {amount: FieldTotal},
}

// tencentPaper: 数电 invoices printed on paper. The check code is required
// for the ordinary one; which InvoiceKind to send is not documented.
var tencentPaper = map[string]rule{
	"31": {code: true, amount: FieldTotal},
	"32": {code: true, checkCode: true},
}

// tencentParams is the body of the check of r, exactly what Tencent needs.
func tencentParams(r Request) (map[string]any, error) {
	ru, err := ruleFor(Tencent, r, tencentRules, tencentPaper)
	if err != nil {
		return nil, err
	}
	if err := need(Tencent, r, ru); err != nil {
		return nil, err
	}
	p := map[string]any{
		"InvoiceNo":   r.Number,
		"InvoiceDate": r.Date.String(),
	}
	if r.Code != "" {
		p["InvoiceCode"] = r.Code
	}
	if ru.kind != "" {
		p["InvoiceKind"] = ru.kind
	}
	if ru.checkCode {
		p["CheckCode"] = r.check6()
	}
	if ru.amount != "" {
		p["Amount"] = r.amountFor(ru)
	}
	return p, nil
}

// TencentProvider checks invoices through the official SDK's generic
// request path, which signs them (TC3-HMAC-SHA256).
type TencentProvider struct {
	cfg    Config
	client *common.Client
}

var _ Provider = (*TencentProvider)(nil)

// NewTencent makes the Tencent provider of c (c.Provider is not read).
func NewTencent(c Config) (*TencentProvider, error) {
	c.Provider = Tencent
	if strings.TrimSpace(c.ID) == "" || strings.TrimSpace(c.Secret) == "" {
		return nil, fmt.Errorf("%w: Tencent Cloud needs a SecretId and a SecretKey", ErrBadConfig)
	}
	u, err := baseURL(Tencent, c.Endpoint, TencentEndpoint)
	if err != nil {
		return nil, err
	}
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = u.Host + strings.TrimSuffix(u.EscapedPath(), "/")
	cpf.HttpProfile.Scheme = strings.ToUpper(u.Scheme)
	cpf.HttpProfile.ReqTimeout = int(math.Ceil(c.timeout().Seconds()))
	// The breaker would send requests to a backup host after failures:
	// never anywhere but the endpoint configured.
	cpf.DisableRegionBreaker = true
	// Retries are ours: the SDK's would sleep without heed of the context.
	cpf.NetworkFailureMaxRetries = 0
	cpf.RateLimitExceededMaxRetries = 0
	cpf.Debug = false
	client := common.NewCommonClient(common.NewCredential(strings.TrimSpace(c.ID), strings.TrimSpace(c.Secret)), "", cpf)
	// Tencent answers every call, errors included, with HTTP 200: any
	// other status is a failure of the way there, whatever the body.
	client.WithHttpTransport(newTransport(true))
	return &TencentProvider{cfg: c, client: client}, nil
}

// Name is Tencent.
func (t *TencentProvider) Name() string { return Tencent }

// String leaves the secret out.
func (t *TencentProvider) String() string { return t.cfg.String() }

// GoString is String, for %#v.
func (t *TencentProvider) GoString() string { return t.cfg.GoString() }

// Check sends one check, repeated only when it never reached Tencent or
// was refused for its rate.
func (t *TencentProvider) Check(ctx context.Context, r Request) (Result, error) {
	params, err := tencentParams(r)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	retries := t.cfg.retries()
	for n := 1; ; n++ {
		res, retry := t.attempt(ctx, params)
		res.Attempts = n
		if !retry || n > retries || !sleep(ctx, t.cfg.backoff(n)) {
			return res, nil
		}
	}
}

func (t *TencentProvider) attempt(ctx context.Context, params map[string]any) (Result, bool) {
	res := Result{Provider: Tencent, At: t.cfg.now()}
	actx, cancel := context.WithTimeout(ctx, t.cfg.timeout())
	defer cancel()
	req := tchttp.NewCommonRequest(tencentService, tencentVersion, tencentAction)
	req.SetContext(actx)
	if err := req.SetActionParameters(params); err != nil {
		res.Outcome, res.Kind, res.Reason = Error, KindRejected, "request: "+err.Error()
		return res, false
	}
	resp := tchttp.NewCommonResponse()
	err := t.client.Send(req, resp)
	if err != nil {
		return t.failed(res, err, ctx, actx)
	}
	var a tcAnswer
	if err := json.Unmarshal(resp.GetBody(), &a); err != nil {
		res.Outcome, res.Kind, res.Reason = Error, KindBadAnswer, "bad answer: "+shorten(err.Error())
		return res, false
	}
	res.RequestID = string(a.Response.RequestID)
	if e := a.Response.Error; e != nil && e.Code != "" {
		// The SDK reports these as errors; kept for an answer it let by.
		return tencentCode(res, string(e.Code), string(e.Message))
	}
	inv := a.Response.Invoice
	if inv == nil {
		res.Outcome, res.Kind, res.Reason = Error, KindBadAnswer, "bad answer: no Invoice in Tencent's answer"
		return res, false
	}
	res.Official = inv.official()
	res.Code = string(inv.IsAbandoned)
	switch strings.ToUpper(strings.TrimSpace(string(inv.IsAbandoned))) {
	case "N", "":
		res.Outcome = Authentic
	case "Y":
		res.Outcome = Voided
	case "H", "HF":
		res.Outcome = RedReversed
	case "HP":
		res.Outcome, res.Partial, res.Reason = RedReversed, true, "partial red reversal (部分红冲)"
	default:
		res.Outcome, res.Kind = Error, KindBadAnswer
		res.Reason = fmt.Sprintf("bad answer: unknown invoice status IsAbandoned=%q", shorten(string(inv.IsAbandoned)))
	}
	return res, false
}

// failed classifies an error of the SDK.
func (t *TencentProvider) failed(res Result, err error, parent, actx context.Context) (Result, bool) {
	res.Outcome = Error
	var se *tcerr.TencentCloudSDKError
	if !errors.As(err, &se) {
		f := transportFailure(err, parent, actx, t.cfg.timeout())
		res.Kind, res.Reason = f.kind, f.reason
		return res, f.retry
	}
	res.RequestID = se.GetRequestId()
	switch se.GetCode() {
	case "ClientError.NetworkError", "ClientError.IOError":
		f := transportFailure(err, parent, actx, t.cfg.timeout())
		res.Kind, res.Reason = f.kind, f.reason
		return res, f.retry
	case "ClientError.HttpStatusCodeError":
		status := se.GetMessage()
		if _, s, ok := strings.Cut(status, "status code: "); ok {
			status, _, _ = strings.Cut(s, ", with body")
		}
		res.Kind, res.Reason = KindDown, "provider down: HTTP "+shorten(status)
		return res, false
	case "ClientError.ParseJsonError":
		if parent.Err() != nil || actx.Err() != nil {
			f := transportFailure(context.DeadlineExceeded, parent, actx, t.cfg.timeout())
			res.Kind, res.Reason = f.kind, f.reason
			return res, false
		}
		res.Kind, res.Reason = KindBadAnswer, "bad answer: Tencent's answer is not the JSON documented"
		return res, false
	}
	if strings.HasPrefix(se.GetCode(), "ClientError") {
		res.Kind, res.Reason = KindBadAnswer, shorten(se.GetCode()+": "+se.GetMessage())
		return res, false
	}
	return tencentCode(res, se.GetCode(), se.GetMessage())
}

// tencentCode turns one of Tencent's error codes into an outcome; the
// message is only kept in the reason (the code is what is branched on).
func tencentCode(res Result, code, msg string) (Result, bool) {
	res.Code = code
	detail := shorten(code + ": " + msg)
	res.Outcome = Error
	retry := false
	switch {
	case code == "ResourceNotFound.NoInvoice":
		res.Outcome = NotFound
	case code == "FailedOperation.InvoiceMismatch":
		res.Outcome = Mismatch
	case code == "FailedOperation.CountLimitError":
		res.Outcome, res.Reason = LimitReached, "today's checks of this invoice are used up: "+detail
	case code == "ResourceNotFound.NotSupportCurrentInvoiceQuery":
		res.Kind, res.Reason = KindTooEarly, "too early: "+detail
	case code == "RequestLimitExceeded" || strings.HasPrefix(code, "RequestLimitExceeded."):
		res.Kind, res.Reason, retry = KindRateLimit, "rate limit: "+detail, true
	case strings.HasPrefix(code, "AuthFailure"):
		res.Kind, res.Reason = KindAuth, "credentials: "+detail
	case code == "ResourceUnavailable.ResourcePackageRunOut":
		res.Kind, res.Reason = KindQuota, "quota: "+detail
	case code == "FailedOperation.ArrearsError", code == "ResourceUnavailable.InArrears",
		code == "ResourcesSoldOut.ChargeStatusException", code == "FailedOperation.UnOpenError",
		strings.HasPrefix(code, "UnauthorizedOperation"):
		res.Kind, res.Reason = KindAccount, "account: "+detail
	case strings.HasPrefix(code, "InvalidParameter"), strings.HasPrefix(code, "MissingParameter"),
		strings.HasPrefix(code, "UnknownParameter"), code == "ResourceNotFound.NoAreaCode",
		code == "InvalidAction", code == "NoSuchVersion", code == "UnsupportedOperation":
		res.Kind, res.Reason = KindRejected, "rejected: "+detail
	default:
		// ResourceUnavailable.TaxNetworkError, FailedOperation.UnKnowError,
		// InternalError and codes not documented.
		res.Kind, res.Reason = KindDown, "provider error: "+detail
	}
	return res, retry
}

// tcAnswer is Tencent's answer, read leniently: every field may be
// missing, and extra fields are ignored.
type tcAnswer struct {
	Response struct {
		RequestID text       `json:"RequestId"`
		Invoice   *tcInvoice `json:"Invoice"`
		Error     *struct {
			Code    text `json:"Code"`
			Message text `json:"Message"`
		} `json:"Error"`
	} `json:"Response"`
}

type tcInvoice struct {
	Code, Number, Date, Type, ElectronicType, CheckCode, MachineNo text
	BuyerName, BuyerTaxCode, BuyerAddressPhone, BuyerBankAccount   text
	SellerName, SellerTaxCode, SellerAddressPhone                  text
	SellerBankAccount, AmountWithoutTax, TaxAmount, AmountWithTax  text
	Remark, IsAbandoned                                            text
	RedLetterInvoiceMark                                           *bool
	Items                                                          []struct {
		LineNo, Name, Spec, Unit, Quantity, UnitPrice text
		AmountWithoutTax, TaxRate, TaxAmount          text
	}
}

func (v *tcInvoice) official() map[string]string {
	m := officialMap{}
	m.set(OfficialType, v.Type)
	m.set(OfficialElectronicType, v.ElectronicType)
	m.set(OfficialCode, v.Code)
	m.set(OfficialNumber, v.Number)
	m.setDate(OfficialDate, v.Date)
	m.set(OfficialCheckCode, v.CheckCode)
	m.set(OfficialMachineNo, v.MachineNo)
	m.set(OfficialBuyerName, v.BuyerName)
	m.set(OfficialBuyerTaxID, v.BuyerTaxCode)
	m.set(OfficialBuyerAddress, v.BuyerAddressPhone)
	m.set(OfficialBuyerBank, v.BuyerBankAccount)
	m.set(OfficialSellerName, v.SellerName)
	m.set(OfficialSellerTaxID, v.SellerTaxCode)
	m.set(OfficialSellerAddress, v.SellerAddressPhone)
	m.set(OfficialSellerBank, v.SellerBankAccount)
	m.set(OfficialAmount, v.AmountWithoutTax)
	m.set(OfficialTax, v.TaxAmount)
	m.set(OfficialTotal, v.AmountWithTax)
	m.set(OfficialRemark, v.Remark)
	m.set(OfficialStatus, v.IsAbandoned)
	if v.RedLetterInvoiceMark != nil {
		m[OfficialRedLetter] = fmt.Sprint(*v.RedLetterInvoiceMark)
	}
	for i, it := range v.Items {
		n := i + 1
		m.setItem(n, "name", it.Name)
		m.setItem(n, "spec", it.Spec)
		m.setItem(n, "unit", it.Unit)
		m.setItem(n, "quantity", it.Quantity)
		m.setItem(n, "price", it.UnitPrice)
		m.setItem(n, "amount", it.AmountWithoutTax)
		m.setItem(n, "tax_rate", it.TaxRate)
		m.setItem(n, "tax", it.TaxAmount)
	}
	return m.result()
}

// text reads a JSON string leniently: a number or a boolean as its text,
// null as "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v.(type) {
	case float64, bool:
		*t = text(strings.TrimSpace(string(b)))
	default:
		*t = "" // null, or an object or array where text belongs: not available
	}
	return nil
}
