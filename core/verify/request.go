package verify

import (
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Invoice is what a check is built from and compared with: the values the
// QR code carries and the values printed on the invoice (read from its file,
// with what a clerk typed over them), as two facts kept apart. Both maps use
// the history's printed-value keys (document.Key*); dates are YYYY-MM-DD.
type Invoice struct {
	ID       int64  // in the history; 0 when not recorded
	Identity string // code-number, or the 数电 number
	QR       map[string]string
	Printed  map[string]string
	// Typed lists the printed keys whose value the clerk typed.
	Typed map[string]bool
	// Items are the goods lines read from the file, when any.
	Items []document.Item
}

// FromPayload takes the values of a parsed QR code.
func FromPayload(q *payload.Result) Invoice {
	inv := Invoice{QR: map[string]string{}}
	if q == nil {
		return inv
	}
	inv.Identity = q.Identity()
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			inv.QR[k] = v
		}
	}
	set(document.KeyKind, q.TypeCode)
	set(document.KeyCode, q.Code)
	set(document.KeyNumber, q.Number)
	set(document.KeyDate, q.Date.String())
	set(document.KeyCheckCode, q.CheckCode)
	set(document.KeySellerTaxID, q.SellerTaxID)
	if q.HasAmount {
		key := document.KeyAmount
		if q.AmountMeaning == payload.InclTax {
			key = document.KeyTotal
		}
		set(key, q.Amount.String())
	}
	return inv
}

// WithPrinted returns inv with the values read from the file and the goods
// lines, keeping the non-empty ones.
func (inv Invoice) WithPrinted(p map[string]string, items []document.Item) Invoice {
	out := inv
	out.Printed = map[string]string{}
	for k, v := range inv.Printed {
		out.Printed[k] = v
	}
	for k, v := range p {
		if v = strings.TrimSpace(v); v != "" {
			out.Printed[k] = v
		}
	}
	if items != nil {
		out.Items = items
	}
	if out.Identity == "" {
		out.Identity = identityOf(out.Printed)
	}
	return out
}

// FromStored takes an invoice of the history (as store.Get returns it):
// the QR values of its latest sighting with a QR code, the printed values
// read with the typed ones over them. When no sighting has a readable QR
// code (a sealed code, an XML invoice), the history's merged values stand
// in for the printed ones that are missing.
func FromStored(s *store.Invoice, now time.Time) Invoice {
	inv := Invoice{QR: map[string]string{}}
	if s == nil {
		return inv
	}
	for i := len(s.Sightings) - 1; i >= 0; i-- {
		if s.Sightings[i].Raw == "" {
			continue
		}
		q := payload.Analyze(s.Sightings[i].Raw, now)
		if q.IsInvoice() && q.Identity() == s.Identity {
			inv = FromPayload(q)
			break
		}
	}
	inv.ID, inv.Identity = s.ID, s.Identity
	inv = inv.WithPrinted(s.Printed, nil)
	if len(s.Typed) > 0 {
		inv.Typed = map[string]bool{}
		for k, v := range s.Typed {
			if strings.TrimSpace(v) != "" {
				inv.Printed[k] = strings.TrimSpace(v)
				inv.Typed[k] = true
			}
		}
	}
	merged := map[string]string{
		document.KeyKind: s.TypeCode, document.KeyCode: s.Code, document.KeyNumber: s.Number,
		document.KeyDate: s.Date, document.KeyCheckCode: s.CheckCode,
		document.KeySellerName: s.SellerName, document.KeySellerTaxID: s.SellerTaxID,
		document.KeyBuyerName: s.BuyerName, document.KeyBuyerTaxID: s.BuyerTaxID,
		document.KeyAmount: decimalText(s.Amount), document.KeyTax: decimalText(s.Tax),
		document.KeyTotal: decimalText(s.Total),
	}
	for k, v := range merged {
		if v != "" && inv.QR[k] == "" && inv.Printed[k] == "" {
			inv.Printed[k] = v
		}
	}
	return inv
}

func decimalText(d *money.Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func identityOf(p map[string]string) string {
	n := p[document.KeyNumber]
	switch {
	case n == "":
		return ""
	case len(n) == 20 || p[document.KeyCode] == "":
		return n
	}
	return p[document.KeyCode] + "-" + n
}

// Request is what a provider is asked: the values of one invoice, the QR
// code's first and the printed ones where the QR code has none. Amounts
// have two decimals; empty means unknown.
type Request struct {
	Type      string // QR type code: 01, 04, 10, 11, 14, 20, 31, 32, 51, 61, …
	Code      string // 发票代码; empty for 数电
	Number    string
	Date      payload.Date
	Amount    string // 合计金额, before tax
	Total     string // 价税合计, including tax
	CheckCode string // the 校验码 as known: 20 digits, or at least its last 6
}

// NewRequest picks the values to send for inv.
func NewRequest(inv Invoice) Request {
	get := func(k string) string {
		if v := inv.QR[k]; v != "" {
			return v
		}
		return inv.Printed[k]
	}
	r := Request{
		Type:      get(document.KeyKind),
		Code:      compact(get(document.KeyCode)),
		Number:    compact(get(document.KeyNumber)),
		CheckCode: strings.ToUpper(compact(get(document.KeyCheckCode))),
	}
	if d, err := store.ParseDate(get(document.KeyDate)); err == nil {
		r.Date = d
	}
	r.Amount = pickAmount(inv, document.KeyAmount, document.KeyTotal)
	r.Total = pickAmount(inv, document.KeyTotal, document.KeyAmount)
	return r
}

// pickAmount is the QR code's amount under key, unless it equals the
// printed value of the other total and not the printed one of its own (a
// 代开 invoice's QR code carries the total including tax where the amount
// before tax belongs): then, and when the QR code has none, the printed one.
func pickAmount(inv Invoice, key, other string) string {
	q, p, po := twoDecimals(inv.QR[key]), twoDecimals(inv.Printed[key]), twoDecimals(inv.Printed[other])
	switch {
	case q == "":
		return p
	case p != "" && q != p && q == po:
		return p
	}
	return q
}

// twoDecimals writes an amount as the providers show it, "88.00"; "" when
// s is not an amount.
func twoDecimals(s string) string {
	s = strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	d, err := money.Parse(s)
	if err != nil {
		return ""
	}
	return d.Fixed(2)
}

// compact drops the spaces a clerk may type inside a code or number.
func compact(s string) string { return strings.Join(strings.Fields(s), "") }

// Digital reports whether r is a 数电 invoice (a 20-digit number).
func (r Request) Digital() bool { return len(r.Number) == 20 }

// check6 is the last 6 characters of the check code, "" when fewer are known.
func (r Request) check6() string {
	if len(r.CheckCode) < 6 {
		return ""
	}
	return r.CheckCode[len(r.CheckCode)-6:]
}

// rule is what a provider needs for one type of invoice.
type rule struct {
	kind      string // the provider's type value; "" sends none
	code      bool   // an invoice code is required
	amount    string // FieldAmount or FieldTotal: which total to send; "" none
	checkCode bool
}

// ruleFor finds the rule of r's type in rules; paper holds the rules of 数电
// invoices printed on paper (a 31/32 type with a code).
func ruleFor(provider string, r Request, rules, paper map[string]rule) (rule, error) {
	if r.Type == "" {
		return rule{}, &MissingError{Provider: provider, Fields: []string{FieldType}}
	}
	if r.Code != "" && (r.Type == "31" || r.Type == "32") {
		if ru, ok := paper[r.Type]; ok {
			return ru, nil
		}
	}
	if r.Type == "51" && r.Code != "" {
		// The 2017 electronic invoices that used type 51.
		return rule{}, &UnsupportedError{Provider: provider, Type: r.Type}
	}
	ru, ok := rules[r.Type]
	if !ok {
		return rule{}, &UnsupportedError{Provider: provider, Type: r.Type}
	}
	return ru, nil
}

// need lists what r lacks for ru, in the order a clerk reads the invoice.
func need(provider string, r Request, ru rule) error {
	var miss []string
	if ru.code && !(len(r.Code) == 10 || len(r.Code) == 12) {
		miss = append(miss, FieldCode)
	}
	if !(len(r.Number) == 8 || len(r.Number) == 20) {
		miss = append(miss, FieldNumber)
	}
	if r.Date.IsZero() {
		miss = append(miss, FieldDate)
	}
	switch {
	case ru.amount == FieldAmount && r.Amount == "":
		miss = append(miss, FieldAmount)
	case ru.amount == FieldTotal && r.Total == "":
		miss = append(miss, FieldTotal)
	}
	if ru.checkCode && r.check6() == "" {
		miss = append(miss, FieldCheckCode)
	}
	if len(miss) > 0 {
		return &MissingError{Provider: provider, Type: r.Type, Fields: miss}
	}
	return nil
}

func (r Request) amountFor(ru rule) string {
	switch ru.amount {
	case FieldAmount:
		return r.Amount
	case FieldTotal:
		return r.Total
	}
	return ""
}

// Ready reports whether provider can check r: nil, or the MissingError or
// UnsupportedError that Check would return without sending anything.
func Ready(provider string, r Request) error {
	switch provider {
	case Tencent:
		_, err := tencentParams(r)
		return err
	case Baidu:
		_, err := baiduForm(r)
		return err
	}
	return &UnsupportedError{Provider: provider, Type: r.Type}
}
