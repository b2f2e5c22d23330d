// Package payload reads the text of a QR code found on an invoice into a typed
// result and checks it offline: the CRC-16, field formats, code structures,
// tax IDs and what an official verification (查验) would need.
package payload

import (
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

// Kind says what a QR text is.
type Kind string

const (
	KindInvoice Kind = "invoice" // the comma form printed on VAT invoices
	KindURL     Kind = "url"     // an invoice URL (e.g. blockchain invoices)
	KindSealed  Kind = "sealed"  // an enterprise sealed QR (SM4/SM2)
	KindReceipt Kind = "receipt" // a fiscal e-receipt (财政电子票据), not a VAT invoice
	KindOther   Kind = "other"   // anything else
)

// AmountMeaning says which total the QR amount is.
type AmountMeaning string

const (
	PreTax  AmountMeaning = "pre_tax"  // 合计金额, before tax
	InclTax AmountMeaning = "incl_tax" // 价税合计, including tax
)

// Layout names the field order of a comma-form payload.
type Layout string

const (
	LayoutStandard    Layout = "standard"      // 01,type,code,number,amount,date,check,crc[,]
	LayoutSellerTaxID Layout = "seller_tax_id" // 01,type,code,number,sellerTaxID,amount,date,check
	LayoutSealed      Layout = "sealed"        // FPSQ: envelope (docs/sealed-qr.md)
	LayoutTicket      Layout = "ticket"        // 01,type,number,amount,date,crc (railway e-tickets, 2022)
)

// Date is a calendar date without a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// String gives the ISO form YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// Time is the date at midnight UTC.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// DateOf takes the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// CRC is what the payload's field 8 says and whether it matches.
type CRC struct {
	Value     string `json:"value"`               // as written, "" when absent
	OK        bool   `json:"ok"`                  // a known variant matched
	Variant   string `json:"variant"`             // e.g. "umts-with-comma"; "" when none matched
	Algorithm string `json:"algorithm,omitempty"` // "CRC-16/UMTS" or "CRC-16/MODBUS"
	WithComma bool   `json:"with_comma"`          // the comma after field 7 was included
}

// Verification is what the official check (查验) of this invoice type needs.
type Verification struct {
	Needs   []string `json:"needs"`   // field names: code, number, date, amount, check_code_last6
	Missing []string `json:"missing"` // needed but absent or malformed in the payload
	Ready   bool     `json:"ready"`
}

// Result is everything read from one QR text. Raw is the text as given; the
// other fields are derived from it.
type Result struct {
	Raw        string
	Kind       Kind
	Layout     Layout
	Version    string // field 1, "01"
	TypeCode   string
	TypeName   string // Chinese name, "" for unknown codes
	TypeNameEn string
	TypeKnown  bool
	Code       string // 发票代码, "" for 数电
	Number     string // 发票号码
	// Amount is the QR amount; AmountText is the field as written. HasAmount is
	// false when the field was empty or not a number.
	Amount        money.Decimal
	AmountText    string
	HasAmount     bool
	AmountMeaning AmountMeaning
	Date          Date
	DateText      string
	CheckCode     string
	SellerTaxID   string // only in the seller-tax-ID layout
	CRC           CRC
	// URL payloads: the query values found, by key.
	URLHost  string
	URLQuery map[string]string
	// Receipt payloads (CZ-EI): 票据代码 in Code, 票据号码 in Number, 校验码 in CheckCode.
	// Sealed payloads: what the envelope says and, once opened, the fields
	// beyond those above.
	Sealed       *SealedInfo
	Verification Verification
	Findings     []finding.Finding
}

// IsInvoice reports whether the result identifies a VAT invoice.
func (r *Result) IsInvoice() bool {
	return (r.Kind == KindInvoice || r.Kind == KindURL || r.Kind == KindSealed) && r.Number != ""
}

// IsDigital reports whether this is a 数电 invoice (a 20-digit number).
func (r *Result) IsDigital() bool { return len(r.Number) == 20 }

// Identity is the key that names the invoice whatever file it came in:
// the 20-digit number for 数电, code + "-" + number otherwise; "" when unknown.
func (r *Result) Identity() string {
	switch {
	case r.Number == "":
		return ""
	case r.IsDigital() || r.Code == "":
		return r.Number
	}
	return r.Code + "-" + r.Number
}

// Analyze parses text and runs every offline check as of now. Sealed codes
// are reported as such but not opened: see AnalyzeWith.
func Analyze(text string, now time.Time) *Result { return AnalyzeWith(text, now, nil) }

// AnalyzeWith is Analyze that opens sealed codes with keys.
func AnalyzeWith(text string, now time.Time, keys *sealed.Keyring) *Result {
	r := Parse(text)
	if r.Kind == KindSealed {
		openSealed(r, keys)
	}
	Check(r, now)
	return r
}
