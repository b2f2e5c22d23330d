// Package verify checks invoices with the tax authority (查验) through a cloud
// provider — Tencent Cloud OCR's VatInvoiceVerifyNew or Baidu AI Cloud's
// vat_invoice_verification — and compares the invoice the provider returns,
// field by field, with what the QR code carries and what is printed.
//
// Both providers answer in one vocabulary of outcomes (Authentic, Voided, …,
// Error). What a provider needs depends on the invoice type; an invoice that
// lacks it is not sent, and the error names the value to type
// (MissingError). docs/verification.md says what is checked and what the
// providers' documentation leaves open.
package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// Outcome is what a check found. It is a plain string, as the history keeps
// it (store.Check.Outcome).
type Outcome = string

// The outcomes, the same for every provider.
const (
	Authentic    Outcome = "authentic"     // exists as printed, neither voided nor reversed
	Voided       Outcome = "voided"        // 作废
	RedReversed  Outcome = "red_reversed"  // 红冲, wholly or in part
	NotFound     Outcome = "not_found"     // 查无此票
	Mismatch     Outcome = "mismatch"      // exists, but the values sent differ from the record
	LimitReached Outcome = "limit_reached" // this invoice's checks for today are used up
	Error        Outcome = "error"         // no answer: network, timeout, credentials, quota, provider down…
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{Authentic, Voided, RedReversed, NotFound, Mismatch, LimitReached, Error}

// Answered reports whether o is the tax authority's verdict on the invoice
// (what counts against its daily checks).
func Answered(o Outcome) bool {
	switch o {
	case Authentic, Voided, RedReversed, NotFound, Mismatch:
		return true
	}
	return false
}

// Failed reports whether o says the invoice must not be paid.
func Failed(o Outcome) bool {
	switch o {
	case Voided, RedReversed, NotFound, Mismatch:
		return true
	}
	return false
}

// Kinds of Result.Kind: why a check ended as Error or LimitReached, for
// callers that branch on it.
const (
	KindNetwork   = "network"       // no connection, or it broke
	KindTimeout   = "timeout"       // no answer within the attempt's time
	KindCancelled = "cancelled"     // the caller gave up
	KindRedirect  = "redirect"      // the provider answered with a redirect, which a signed call never follows
	KindAuth      = "auth"          // wrong credentials, bad signature, clock off
	KindAccount   = "account"       // service not opened, account in arrears, no permission
	KindQuota     = "quota"         // the account's paid or daily quota is used up
	KindRateLimit = "rate_limit"    // too many requests a second
	KindDown      = "provider_down" // the provider or the tax network failed
	KindRejected  = "rejected"      // the provider refused a value sent (format, length)
	KindTooEarly  = "too_early"     // issued today: the tax side answers from tomorrow
	KindTooOld    = "too_old"       // issued more than five years ago
	KindBadAnswer = "bad_answer"    // an answer that cannot be read
	KindLocal     = "local"         // LimitReached counted in the history, nothing sent
)

// Provider names.
const (
	Tencent = "tencent"
	Baidu   = "baidu"
)

// Providers lists the provider names.
var Providers = []string{Tencent, Baidu}

// ProviderName gives a provider's name in lang ("en", else Chinese).
func ProviderName(name, lang string) string {
	names := map[string][2]string{Tencent: {"腾讯云", "Tencent Cloud"}, Baidu: {"百度智能云", "Baidu AI Cloud"}}
	n, ok := names[name]
	if !ok {
		return name
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// Provider checks one invoice with the tax authority. Check returns a
// Result for every request it sent, whatever the answer (a network failure
// is a Result with Outcome Error); it returns an error only when nothing was
// sent: a value the provider needs is missing (MissingError), the type is
// one the provider does not check (ErrUnsupported), or ctx was done before
// the first attempt.
type Provider interface {
	Name() string
	Check(ctx context.Context, r Request) (Result, error)
}

// Result is a provider's answer to one check.
type Result struct {
	Provider string  `json:"provider"`
	Outcome  Outcome `json:"status"`
	// Kind says why, for Error and LimitReached (KindTimeout, …).
	Kind string `json:"kind,omitempty"`
	// Reason is what went wrong, or a detail of the verdict (a partial red
	// reversal), in English; it never holds a secret.
	Reason string `json:"reason,omitempty"`
	// Code is the provider's own code for the answer: Tencent's error
	// code or IsAbandoned, Baidu's VerifyResult or error_code.
	Code string `json:"code,omitempty"`
	// RequestID is Tencent's RequestId or Baidu's log_id, for the
	// provider's support.
	RequestID string    `json:"request_id"`
	At        time.Time `json:"at"`
	// Official is the invoice as the tax authority has it, under the
	// history's printed-value keys (Official* constants).
	Official map[string]string `json:"official,omitempty"`
	// Findings are the differences between Official and the QR and
	// printed values (see Compare).
	Findings []finding.Finding `json:"findings,omitempty"`
	// Partial is set for a red reversal of part of the invoice.
	Partial bool `json:"partial,omitempty"`
	// Attempts is how many requests were sent; 0 when nothing was.
	Attempts int `json:"attempts"`
}

// Errors for what is not sent, for errors.Is.
var (
	// ErrMissing: a value the provider needs is not known; see MissingError.
	ErrMissing = errors.New("a value the check needs is missing")
	// ErrUnsupported: the provider does not check this type of invoice.
	ErrUnsupported = errors.New("the provider does not check this type of invoice")
	// ErrTooEarly: the invoice was issued today (or later); the tax side
	// answers from the next day.
	ErrTooEarly = errors.New("issued today: the tax authority answers from tomorrow")
	// ErrTooOld: the invoice was issued more than five years ago; the tax
	// side no longer answers for it.
	ErrTooOld = errors.New("issued more than five years ago: the tax authority no longer checks it")
	// ErrNotInvoice: there is no invoice number to check.
	ErrNotInvoice = errors.New("not an invoice that can be checked")
	// ErrBadConfig: a provider's credentials or endpoint are unusable.
	ErrBadConfig = errors.New("bad verification settings")
)

// Field names of MissingError.Fields.
const (
	FieldType      = "type"
	FieldCode      = "code"
	FieldNumber    = "number"
	FieldDate      = "date"
	FieldAmount    = "amount"     // 合计金额, before tax
	FieldTotal     = "total"      // 价税合计, including tax
	FieldCheckCode = "check_code" // at least the last 6 characters of the 校验码
)

var missingNames = map[string][2]string{
	FieldType:      {"发票种类", "the invoice type"},
	FieldCode:      {"发票代码", "the invoice code"},
	FieldNumber:    {"发票号码", "the invoice number"},
	FieldDate:      {"开票日期", "the issue date"},
	FieldAmount:    {"合计金额（不含税）", "the total before tax (合计金额)"},
	FieldTotal:     {"价税合计", "the total including tax (价税合计)"},
	FieldCheckCode: {"校验码后6位", "the last 6 digits of the check code (校验码)"},
}

// MissingError says which values an invoice lacks for a provider's check:
// the clerk types them, then checks again. Nothing was sent.
type MissingError struct {
	Provider string
	Type     string   // the QR type code
	Fields   []string // Field* names
}

func (e *MissingError) Error() string {
	return e.Text("zh") + " (" + e.Text("en") + ")"
}

// Unwrap makes errors.Is(err, ErrMissing) hold.
func (e *MissingError) Unwrap() error { return ErrMissing }

// Text says what to type, in lang ("en", else Chinese).
func (e *MissingError) Text(lang string) string {
	var zh, en []string
	for _, f := range e.Fields {
		n, ok := missingNames[f]
		if !ok {
			n = [2]string{f, f}
		}
		zh, en = append(zh, n[0]), append(en, n[1])
	}
	if lang == "en" {
		return fmt.Sprintf("%s needs %s to check this invoice: type it in, then check again",
			ProviderName(e.Provider, "en"), strings.Join(en, ", "))
	}
	return fmt.Sprintf("%s查验此发票还需要：%s，请录入后再查验", ProviderName(e.Provider, "zh"), strings.Join(zh, "、"))
}

// UnsupportedError is ErrUnsupported with the provider and the type.
type UnsupportedError struct {
	Provider string
	Type     string
}

func (e *UnsupportedError) Error() string {
	t := e.Type
	if t == "" {
		t = "?"
	}
	return fmt.Sprintf("%s不能查验此类发票（种类 %s）(%s does not check invoices of type %s)",
		ProviderName(e.Provider, "zh"), t, ProviderName(e.Provider, "en"), t)
}

// Unwrap makes errors.Is(err, ErrUnsupported) hold.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// WaitError is ErrTooEarly with the issue date.
type WaitError struct {
	Date string // YYYY-MM-DD
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("%s 开具的发票次日才能查验，请明天再查 (issued on %s: the tax authority answers from the next day; check again tomorrow)",
		e.Date, e.Date)
}

// Unwrap makes errors.Is(err, ErrTooEarly) hold.
func (e *WaitError) Unwrap() error { return ErrTooEarly }

// OldError is ErrTooOld with the issue date.
type OldError struct {
	Date string // YYYY-MM-DD
}

func (e *OldError) Error() string {
	return fmt.Sprintf("%s 开具的发票已超过五年，税务机关不再查验 (issued on %s: more than five years ago, the tax authority no longer checks it)",
		e.Date, e.Date)
}

// Unwrap makes errors.Is(err, ErrTooOld) hold.
func (e *OldError) Unwrap() error { return ErrTooOld }
