package payload

import (
	"net/url"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

// Field names, as used in findings and in the JSON contract.
const (
	FieldVersion   = "version"
	FieldType      = "type_code"
	FieldCode      = "code"
	FieldNumber    = "number"
	FieldAmount    = "amount"
	FieldDate      = "date"
	FieldCheckCode = "check_code"
	FieldCRC       = "crc"
	FieldSellerTax = "seller_tax_id"
)

// receiptPrefix starts the QR of fiscal e-receipts (财政电子票据).
const receiptPrefix = "CZ-EI-"

// Parse reads a QR text. It never fails: text that is not an invoice payload
// comes back with Kind other and a finding that says so. Whitespace around the
// text (scanner guns add CR/LF) is ignored; Raw keeps the text as given.
func Parse(text string) *Result {
	r := &Result{Raw: text}
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	switch {
	case t == "":
		r.Kind = KindOther
		r.add(finding.New("empty", finding.Error, "", "二维码内容为空", "the QR code is empty"))
	case strings.HasPrefix(t, sealed.Prefix):
		r.Kind, r.Layout = KindSealed, LayoutSealed
	case strings.HasPrefix(t, receiptPrefix):
		parseReceipt(r, t)
	case isURL(t):
		parseURL(r, t)
	case looksLikeInvoice(t):
		parseComma(r, t)
	default:
		r.Kind = KindOther
		r.add(notInvoice())
	}
	return r
}

func notInvoice() finding.Finding {
	return finding.New("not_invoice", finding.Error, "",
		"这不是发票二维码（可能是付款码或企业自有二维码）",
		"this QR code is not an invoice (perhaps a payment or company code)")
}

func (r *Result) add(f ...finding.Finding) { r.Findings = append(r.Findings, f...) }

// looksLikeInvoice accepts the comma form: two-digit version, two-digit type,
// then more fields.
func looksLikeInvoice(t string) bool {
	v, rest, ok := strings.Cut(t, ",")
	if !ok || len(v) != 2 || !allDigits(v) {
		return false
	}
	typ, _, ok := strings.Cut(rest, ",")
	return ok && len(strings.TrimSpace(typ)) == 2 && allDigits(strings.TrimSpace(typ))
}

func parseComma(r *Result, t string) {
	r.Kind = KindInvoice
	r.Layout = LayoutStandard
	tok := strings.Split(t, ",")
	field := func(i int) string {
		if i < len(tok) {
			return strings.TrimSpace(tok[i])
		}
		return ""
	}
	var spaced []string
	for i, s := range tok {
		if s != strings.TrimSpace(s) {
			spaced = append(spaced, fieldNames[min(i, len(fieldNames)-1)])
		}
	}
	if len(spaced) > 0 {
		r.add(finding.New("field_spaces", finding.Info, "",
			"字段含空格（%s），按空字段处理", "fields hold spaces (%s); read as empty",
			strings.Join(spaced, ", ")))
	}

	r.Version, r.TypeCode = field(0), field(1)
	if len(tok) == 8 && looksLikeSellerTaxIDLayout(tok) {
		// 01,type,code,number,sellerTaxID,amount,date,check — no CRC.
		r.Layout = LayoutSellerTaxID
		r.Code, r.Number, r.SellerTaxID = field(2), field(3), field(4)
		r.setAmount(field(5))
		r.setDate(field(6))
		r.CheckCode = field(7)
		return
	}
	if len(tok) == 6 && looksLikeTicketLayout(tok) {
		// 01,type,number,amount,date,crc — railway e-tickets of 2022.
		r.Layout = LayoutTicket
		r.add(finding.New("ticket_layout", finding.Info, "",
			"二维码为六字段的客票格式（版本,种类,号码,金额,日期,校验值），没有发票代码和校验码",
			"the QR has the six-field ticket layout (version, type, number, amount, date, check value): no invoice code, no check code"))
		r.Number = field(2)
		r.setAmount(field(3))
		r.setDate(field(4))
		r.checkCRC(tok[:5], field(5), ticketVariants)
		return
	}
	switch {
	case len(tok) < 7:
		r.add(finding.New("field_count", finding.Error, "",
			"二维码内容不完整：只有 %d 个字段，应为 7 到 9 个（可能扫描中断）",
			"the QR text is incomplete: %d fields, want 7 to 9 (scan cut short?)", len(tok)))
	case len(tok) > 9 || (len(tok) == 9 && tok[8] != ""):
		r.add(finding.New("field_count", finding.Error, "",
			"二维码内容多出字段：共 %d 个，应为 7 到 9 个", "the QR text has extra fields: %d, want 7 to 9", len(tok)))
	}
	r.Code, r.Number = field(2), field(3)
	if len(tok) > 4 {
		r.setAmount(field(4))
	}
	if len(tok) > 5 {
		r.setDate(field(5))
	}
	r.CheckCode = field(6)
	if len(tok) < 7 {
		return
	}
	r.checkCRC(tok[:7], field(7), crcVariantsFor(r.TypeCode))
}

// checkCRC checks the check value written after the fields body (the raw
// tokens before it) against the variants accepted for the payload.
func (r *Result) checkCRC(body []string, value string, variants []crcVariant) {
	r.CRC = CRC{Value: value}
	if value == "" {
		r.add(finding.New("crc_missing", finding.Warning, FieldCRC,
			"二维码没有校验值（CRC），无法离线确认内容未被改动",
			"the QR carries no CRC: its text cannot be checked offline for alteration"))
		return
	}
	// A text whose fields are malformed was damaged or mistyped whatever its
	// CRC says: with several variants accepted, a damaged text may happen to
	// match one of them, and the CRC must never vouch for it.
	if finding.Worst(r.Findings) != finding.Error && wellFormedFields(r) {
		r.CRC = matchCRC(strings.Join(body, ","), value, variants)
	}
	if !r.CRC.OK {
		r.add(finding.New(CodeCRCMismatch, finding.Warning, FieldCRC,
			"二维码校验值 %s 与内容不符：内容可能被改动或录入有误",
			"the QR check value %s does not match its text: it may have been altered or mistyped", r.CRC.Value))
	}
}

// CodeCRCMismatch is the finding of a check value that matches no known
// variant.
const CodeCRCMismatch = "crc_mismatch"

// wellFormedFields reports whether every field present is well formed:
// identifiers are digits of a plausible length, amounts and dates parse.
func wellFormedFields(r *Result) bool {
	okLen := func(s string, lens ...int) bool {
		if s == "" {
			return true
		}
		if !allDigits(s) {
			return false
		}
		for _, n := range lens {
			if len(s) == n {
				return true
			}
		}
		return false
	}
	return okLen(r.Code, 10, 12) && okLen(r.Number, 8, 20) && okLen(r.CheckCode, 20) &&
		(r.HasAmount || r.AmountText == "") && (!r.Date.IsZero() || r.DateText == "")
}

var fieldNames = []string{FieldVersion, FieldType, FieldCode, FieldNumber, FieldAmount, FieldDate, FieldCheckCode, FieldCRC, "trailer"}

// looksLikeTicketLayout tells the six-field layout of railway e-tickets
// (01,type,number,amount,date,crc) from a standard payload cut short: the
// number is digits, the amount a decimal, the date a date and the last
// field a check value in hex.
func looksLikeTicketLayout(tok []string) bool {
	num, amount, date, crc := strings.TrimSpace(tok[2]), strings.TrimSpace(tok[3]), strings.TrimSpace(tok[4]), strings.TrimSpace(tok[5])
	if !allDigits(num) || len(num) < 8 {
		return false
	}
	if _, err := money.Parse(amount); err != nil {
		return false
	}
	if _, ok := parseDate(date); !ok {
		return false
	}
	_, ok := parseHex16(crc)
	return ok || crc == ""
}

// looksLikeSellerTaxIDLayout tells the blockchain-invoice layout, whose field 5
// is the seller's tax ID, from the standard one.
func looksLikeSellerTaxIDLayout(tok []string) bool {
	id := strings.TrimSpace(tok[4])
	if len(id) < 15 || len(id) > 20 {
		return false
	}
	if _, err := money.Parse(strings.TrimSpace(tok[5])); err != nil {
		return false
	}
	_, ok := parseDate(strings.TrimSpace(tok[6]))
	return ok
}

func (r *Result) setAmount(s string) {
	r.AmountText = s
	if s == "" {
		return
	}
	d, err := money.Parse(s)
	if err != nil {
		r.add(finding.New("amount_format", finding.Error, FieldAmount,
			"金额 %q 不是有效数字", "amount %q is not a number", s))
		return
	}
	r.Amount, r.HasAmount = d, true
}

func (r *Result) setDate(s string) {
	r.DateText = s
	if s == "" {
		return
	}
	d, ok := parseDate(s)
	if !ok {
		r.add(finding.New("date_format", finding.Error, FieldDate,
			"开票日期 %q 不是有效日期（应为 YYYYMMDD）", "issue date %q is not a valid date (want YYYYMMDD)", s))
		return
	}
	if len(s) != 8 {
		r.add(finding.New("date_layout", finding.Info, FieldDate,
			"开票日期写作 %s，而非通常的 YYYYMMDD", "issue date written %s instead of the usual YYYYMMDD", s))
	}
	r.Date = d
}

// parseDate accepts YYYYMMDD and YYYY-MM-DD, and only real dates.
func parseDate(s string) (Date, bool) {
	layout := "20060102"
	if len(s) == 10 {
		layout = "2006-01-02"
	}
	if len(s) != len(layout) || !allDigits(strings.ReplaceAll(s, "-", "")) {
		return Date{}, false
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, false
	}
	return DateOf(t), true
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; !(s[i] >= '0' && s[i] <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseReceipt reads a fiscal e-receipt: CZ-EI-00,version,code,number,check,date,amount.
func parseReceipt(r *Result, t string) {
	r.Kind = KindReceipt
	tok := strings.Split(t, ",")
	r.Version = strings.TrimPrefix(tok[0], receiptPrefix)
	r.add(finding.New("receipt_not_vat", finding.Warning, "",
		"这是财政电子票据，不是增值税发票，不能抵扣进项税",
		"this is a fiscal e-receipt, not a VAT invoice: no input VAT can be deducted"))
	if len(tok) != 7 {
		r.add(finding.New("field_count", finding.Error, "",
			"财政票据二维码有 %d 个字段，应为 7 个", "the fiscal receipt QR has %d fields, want 7", len(tok)))
		return
	}
	r.Code, r.Number, r.CheckCode = strings.TrimSpace(tok[2]), strings.TrimSpace(tok[3]), strings.TrimSpace(tok[4])
	r.setDate(strings.TrimSpace(tok[5]))
	r.setAmount(strings.TrimSpace(tok[6]))
}

func isURL(t string) bool {
	l := strings.ToLower(t)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// urlKeys maps query keys seen on invoice URLs to the fields they carry.
var urlKeys = map[string]string{
	"fpdm": FieldCode, "invoice_code": FieldCode, "invoicecode": FieldCode,
	"fphm": FieldNumber, "bill_num": FieldNumber, "invoice_no": FieldNumber, "invoiceno": FieldNumber, "invoice_number": FieldNumber,
	"kprq": FieldDate, "bill_date": FieldDate, "issue_date": FieldDate,
	"je": FieldAmount, "amount": FieldAmount,
	"jym": FieldCheckCode, "check_code": FieldCheckCode,
}

// parseURL recognises an invoice URL (a tax bureau host, or a query that
// names an invoice) and keeps what its query holds.
func parseURL(r *Result, t string) {
	u, err := url.Parse(t)
	if err != nil || u.Host == "" {
		r.Kind = KindOther
		r.add(notInvoice())
		return
	}
	r.URLHost = strings.ToLower(u.Hostname())
	q := u.Query()
	r.URLQuery = make(map[string]string, len(q))
	invoiceKeys := 0
	for k, v := range q {
		r.URLQuery[k] = v[0]
		f, ok := urlKeys[strings.ToLower(k)]
		if !ok {
			continue
		}
		invoiceKeys++
		val := strings.TrimSpace(v[0])
		switch f {
		case FieldCode:
			r.Code = val
		case FieldNumber:
			r.Number = val
		case FieldDate:
			r.setDate(val)
		case FieldAmount:
			r.setAmount(val)
		case FieldCheckCode:
			r.CheckCode = val
		}
	}
	if !strings.HasSuffix(r.URLHost, ".chinatax.gov.cn") && invoiceKeys == 0 {
		r.Kind = KindOther
		r.add(finding.New("not_invoice", finding.Error, "",
			"这是一个网址（%s），不是发票二维码", "this QR code is a web address (%s), not an invoice", r.URLHost))
		return
	}
	r.Kind = KindURL
	if r.Number == "" {
		r.add(finding.New("url_no_number", finding.Warning, FieldNumber,
			"发票网址中没有发票号码，需打开网址或手工录入",
			"the invoice URL carries no invoice number: open it or type the values"))
	}
}
