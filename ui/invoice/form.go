package invoice

import (
	"strings"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// fields are the rows of the comparison: a store.Printed… key and the
// translation key of its name.
var fields = []struct{ key, label string }{
	{store.PrintedCode, "field.code"},
	{store.PrintedNumber, "field.number"},
	{store.PrintedDate, "field.date"},
	{store.PrintedAmount, "field.amount"},
	{store.PrintedTotal, "field.amount.incl_tax"},
	{store.PrintedCheckCode, "field.check_code"},
	{store.PrintedSellerTaxID, "field.seller_tax_id"},
	{store.PrintedSellerName, "field.seller_name"},
	{store.PrintedBuyerTaxID, "field.buyer_tax_id"},
}

// historyCodes are the findings the history adds; the rest are recomputed
// from the QR code and the printed values.
var historyCodes = map[string]bool{"duplicate": true, "already_locked": true, "already_reimbursed": true,
	"already_voided": true, "already_red_reversed": true, "blacklisted": true, "not_recorded": true}

// form is the invoice the detail view shows and what the clerk typed into
// it: plain values, no widgets, so that it is tested without a window. It
// belongs to the UI goroutine.
type form struct {
	id       int64 // in the history; 0 when not recorded
	state    store.State
	verified *store.Verification
	qr       *payload.Result
	printed  document.Printed  // as read from the file or stored
	typed    map[string]string // the printed values' entries as they stand, by key
	base     []finding.Finding // the QR code's and the history's findings
}

// result is what a row of the comparison says.
type result int

const (
	resultNone result = iota
	resultSame
	resultDifferent
	resultMissing
	resultError // no verdict, but an error about the field
)

// checked is the comparison of the QR code with the printed values as they
// stand: each row's result, and every finding.
type checked struct {
	results  map[string]result // by key
	findings []finding.Finding
}

// printedValue is the value of key in p, in the history's form.
func printedValue(p *document.Printed, key string) string {
	return scan.PrintedValues(p)[key]
}

// edited is the printed values as the entries hold them now, in the forms
// the comparison reads (dates as ISO, amounts without ¥ and commas), and
// whether anything is typed at all.
func (f *form) edited() (document.Printed, bool) {
	p := f.printed
	typed := false
	for _, fl := range fields {
		v := normalizeTyped(fl.key, f.typed[fl.key])
		typed = typed || v != ""
		*printedField(&p, fl.key) = v
	}
	if typed {
		p.NeedsTyping = false
	}
	return p, typed
}

// printedField is the field of p that holds key, one of fields' keys.
func printedField(p *document.Printed, key string) *string {
	switch key {
	case store.PrintedCode:
		return &p.Code
	case store.PrintedNumber:
		return &p.Number
	case store.PrintedDate:
		return &p.Date
	case store.PrintedAmount:
		return &p.Amount
	case store.PrintedTotal:
		return &p.Total
	case store.PrintedCheckCode:
		return &p.CheckCode
	case store.PrintedSellerTaxID:
		return &p.SellerTaxID
	case store.PrintedSellerName:
		return &p.SellerName
	case store.PrintedBuyerTaxID:
		return &p.BuyerTaxID
	}
	panic("invoice: no printed field " + key)
}

// edits are the typed values that differ from the printed values: what
// saving writes, each audited, and the printed values once it has.
func (f *form) edits() ([]edit, document.Printed) {
	p, typed := f.edited()
	if !typed {
		return nil, f.printed
	}
	var out []edit
	for _, fl := range fields {
		now, was := printedValue(&p, fl.key), printedValue(&f.printed, fl.key)
		if now != was && now != "" {
			out = append(out, edit{key: fl.key, value: now})
		}
	}
	return out, p
}

// normalizeTyped reads a value as a clerk types it: full-width characters
// from an input method, 2024年5月14日, ¥1,234.56.
func normalizeTyped(key, s string) string {
	if key != store.PrintedSellerName {
		s = env.NormalizeGun(s)
	}
	s = strings.TrimSpace(s)
	switch key {
	case store.PrintedDate:
		if dt, err := store.ParseDate(s); err == nil && s != "" {
			return dt.String()
		}
	case store.PrintedAmount, store.PrintedTotal:
		s = strings.NewReplacer("¥", "", "￥", "", ",", "").Replace(s)
	}
	return s
}

// check compares the QR code with the printed values as they stand and
// finds every difference at once.
func (f *form) check() checked {
	p, typed := f.edited()
	var rows []compare.Row
	c := checked{results: map[string]result{}, findings: append([]finding.Finding(nil), f.base...)}
	if typed || f.printed.NeedsTyping || (f.qr == nil && !p.Empty()) {
		var fs []finding.Finding
		rows, fs = compare.Compare(f.qr, p)
		c.findings = append(c.findings, fs...)
	}
	for _, r := range rows {
		key := r.Field
		if r.Field == compare.FieldAmount && r.Basis == compare.BasisTotal {
			key = store.PrintedTotal
		}
		switch r.Verdict {
		case compare.Same:
			c.results[key] = resultSame
		case compare.Different:
			c.results[key] = resultDifferent
		case compare.Missing:
			c.results[key] = resultMissing
		}
	}
	worst := map[string]finding.Severity{}
	for _, fd := range c.findings {
		if cur, ok := worst[fd.Field]; fd.Field != "" && (!ok || fd.Severity.Rank() < cur.Rank()) {
			worst[fd.Field] = fd.Severity
		}
	}
	for _, fl := range fields {
		if worst[fl.key] == finding.Error && c.results[fl.key] != resultDifferent {
			c.results[fl.key] = resultError
		}
	}
	return c
}

// canVerify says whether the invoice can be verified: it is recorded and
// still open.
func (f *form) canVerify() bool { return f.id != 0 && !f.state.Final() }

// canBecome says whether the invoice can be moved to state to.
func (f *form) canBecome(to store.State) bool { return f.id != 0 && f.state.CanBecome(to) }

// verifyAction is a verification of the invoice shown, with the values
// typed into it, as the clerk asks for it now.
func (f *form) verifyAction() (action, bool) {
	if !f.canVerify() {
		return action{}, false
	}
	edits, printed := f.edits()
	return action{invoiceID: f.id, from: f.state, verify: true, edits: edits, printed: printed}, true
}

// stateAction is the move of the invoice shown to state to, as the clerk
// asks for it now.
func (f *form) stateAction(to store.State) (action, bool) {
	if !f.canBecome(to) {
		return action{}, false
	}
	return action{invoiceID: f.id, from: f.state, to: to, printed: f.printed}, true
}
