package invoice

import (
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
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
	{store.PrintedTax, "field.tax"},
	{store.PrintedTotal, "field.amount.incl_tax"},
	{store.PrintedCheckCode, "field.check_code"},
	{store.PrintedSellerTaxID, "field.seller_tax_id"},
	{store.PrintedSellerName, "field.seller_name"},
	{store.PrintedBuyerTaxID, "field.buyer_tax_id"},
	{store.PrintedBuyerName, "field.buyer_name"},
}

// Shown reports whether the 票面 column has a row for the printed value
// of key: every value but the invoice's kind (票种).
func Shown(key string) bool {
	return slices.ContainsFunc(fields, func(f struct{ key, label string }) bool { return f.key == key })
}

// historyCodes are the findings the history adds; the rest are recomputed
// from the QR code and the printed values.
var historyCodes = map[string]bool{"duplicate": true, "already_locked": true, "already_reimbursed": true,
	"already_voided": true, "already_red_reversed": true, "blacklisted": true, "not_recorded": true,
	"queued": true}

// form is the invoice the detail view shows and what the clerk typed into
// it: plain values, no widgets, so that it is tested without a window. It
// belongs to the UI goroutine. The QR code's values, the values read from
// the file (or by OCR) and the values typed are three facts: none is ever
// written over another, and the comparison is made from all three.
type form struct {
	id int64 // in the history; 0 when not recorded
	// st is the history id is in: the window may have switched to
	// another since the invoice was shown.
	st     *store.Store
	queued bool // kept in the outbox: the team's server could not be reached
	// waiting is the invoice in the outbox, for what is typed into it.
	waiting  *waitingInvoice
	reading  bool // a capture whose printed values are being read, to be recorded then
	state    store.State
	verified *store.Verification
	checked  *store.CheckSummary // the tax authority's latest answer
	qr       *payload.Result
	printed  document.Printed  // as read from the file or by OCR
	stored   map[string]string // the typed values the history has, by key
	entries  map[string]string // the printed values' entries as they stand, by key
	base     []finding.Finding // the QR code's and the history's findings
	// recorded are the findings the history has found on the invoice since
	// it was shown: the tax authority's answer, a blacklisting.
	recorded []finding.Finding
	now      func() time.Time // for the checks of an invoice typed from the paper
}

// recordedFindings are those of fs that the history itself adds and the
// form does not compute: the tax authority's answer, the blacklist, an
// invoice already paid or voided.
func recordedFindings(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Source == store.SourceOfficial || (historyCodes[f.Code] && f.Code != "duplicate") {
			out = append(out, f)
		}
	}
	return out
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
// stand: each row's result, whether it compared a typed value, and every
// finding.
type checked struct {
	results  map[string]result // by key
	typed    map[string]bool   // by key: the row compared what the clerk typed
	findings []finding.Finding
}

// printedValue is the value of key in p, in the history's form.
func printedValue(p *document.Printed, key string) string {
	return strings.TrimSpace(p.Value(key))
}

// entryText is what the entry of key shows at first: the value typed before,
// else the value read.
func (f *form) entryText(key string) string {
	if v := f.stored[key]; v != "" {
		return v
	}
	return printedValue(&f.printed, key)
}

// typedValues are the entries that differ from what was read, in the forms
// the comparison reads (dates as ISO, amounts without ¥ and commas): what
// the clerk typed. An entry left as read, or emptied, is not a typed value.
func (f *form) typedValues() compare.Typed {
	typed := compare.Typed{}
	for _, fl := range fields {
		v := normalizeTyped(fl.key, f.entries[fl.key])
		if v != "" && v != normalizeTyped(fl.key, printedValue(&f.printed, fl.key)) {
			typed[fl.key] = v
		}
	}
	return typed
}

// edits are the typed values that differ from those the history has, by
// key: what saving writes, each audited; "" clears a value typed before.
func (f *form) edits() map[string]string {
	typed := f.typedValues()
	out := map[string]string{}
	for _, fl := range fields {
		if typed[fl.key] != f.stored[fl.key] {
			out[fl.key] = typed[fl.key]
		}
	}
	return out
}

// isName says whether key is a party's name (a company's, or a buyer's
// own), typed as the clerk's input method gives it: its full-width
// characters are the name's own.
func isName(key string) bool { return key == store.PrintedSellerName || key == store.PrintedBuyerName }

// normalizeTyped reads a value as a clerk types it: full-width characters
// from an input method, 2024年5月14日, ¥1,234.56.
func normalizeTyped(key, s string) string {
	if !isName(key) {
		s = env.NormalizeGun(s)
	}
	s = strings.TrimSpace(s)
	switch key {
	case store.PrintedDate:
		if dt, err := store.ParseDate(s); err == nil && s != "" {
			return dt.String()
		}
	case store.PrintedAmount, store.PrintedTax, store.PrintedTotal:
		s = strings.NewReplacer("¥", "", "￥", "", ",", "").Replace(s)
	}
	return s
}

// check compares the QR code with the values read and typed as they stand
// and finds every difference at once: those of the values read stay
// whatever is typed, and the typed values add theirs.
func (f *form) check() checked {
	typed := f.typedValues()
	c := checked{results: map[string]result{}, typed: map[string]bool{}}
	base := append([]finding.Finding(nil), f.base...)
	for _, r := range f.recorded {
		if !slices.ContainsFunc(base, func(b finding.Finding) bool { return b.Code == r.Code && b.Field == r.Field }) {
			base = append(base, r)
		}
	}
	var rows []compare.Row
	if !f.printed.Empty() || f.printed.NeedsTyping {
		var fs []finding.Finding
		rows, fs = compare.Compare(f.qr, f.printed)
		base = append(base, fs...)
	}
	var typedFindings []finding.Finding
	if len(typed) > 0 {
		rows, typedFindings = compare.Review(f.qr, f.printed, typed)
	}
	if f.typedOnly() && len(typed) > 0 {
		typedFindings = append(store.TypedOnlyFindings(f.allTyped(typed), f.now()), typedFindings...)
	}
	c.findings = compare.Effective(base, rows, typedFindings)
	for _, r := range rows {
		key := r.Field
		if r.Field == compare.FieldAmount && r.Basis == compare.BasisTotal {
			key = store.PrintedTotal
		}
		c.typed[key] = r.Typed != ""
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

// typedOnly says whether the invoice is one typed from the paper: recorded,
// with neither a QR code nor a value read.
func (f *form) typedOnly() bool {
	return f.id != 0 && f.qr == nil && f.printed.Empty() && !f.printed.NeedsTyping && f.now != nil
}

// allTyped is every typed value of the invoice as the form stands: those of
// its rows as typed now, and the others (its type) as the history has them.
func (f *form) allTyped(typed compare.Typed) map[string]string {
	all := map[string]string{}
	for k, v := range f.stored {
		all[k] = v
	}
	for _, fl := range fields {
		delete(all, fl.key)
		if typed[fl.key] != "" {
			all[fl.key] = typed[fl.key]
		}
	}
	return all
}

// canVerify says whether the invoice can be verified: it is recorded and
// still open.
func (f *form) canVerify() bool { return f.id != 0 && !f.state.Final() }

// stepKey is the translation key of what the clerk does next with the
// invoice: 报销 waits for 锁定, and the form says so; "" for an invoice
// not recorded, which has no steps.
func (f *form) stepKey() string {
	switch {
	case f.id == 0:
		return ""
	case f.state == store.StateNew && f.verified != nil:
		return "detail.step.new_verified"
	}
	return "detail.step." + string(f.state)
}

// describe names the invoice for a question the clerk answers: its number
// and amount, as the clerk finds them on the paper (not the file's name).
func (f *form) describe(tr *env.Translator) string {
	number := f.entries[store.PrintedNumber]
	if f.qr != nil && f.qr.Number != "" {
		number = f.qr.Number
	}
	amount := tr.T("confirm.no_amount")
	total := strings.TrimSpace(f.entries[store.PrintedTotal])
	if d, err := money.Parse(total); err == nil && total != "" {
		total = d.Grouped()
	}
	switch {
	case total != "":
		amount = tr.F("confirm.amount", total)
	case f.qr != nil && f.qr.HasAmount:
		amount = tr.F("confirm.qr_amount", f.qr.Amount.Grouped())
	}
	if number == "" {
		return amount
	}
	return tr.F("confirm.invoice", number, amount)
}

// canBecome says whether the invoice can be moved to state to.
func (f *form) canBecome(to store.State) bool { return f.id != 0 && f.state.CanBecome(to) }

// openErrors are the errors the clerk sees on the invoice now: verifying it
// needs each confirmed.
func (f *form) openErrors() []finding.Finding {
	return store.OpenErrors(f.check().findings)
}

// verifyAction is a verification of the invoice shown, with the values
// typed into it and the errors shown (confirmed by verifying), as the clerk
// asks for it now.
func (f *form) verifyAction() (action, bool) {
	if !f.canVerify() {
		return action{}, false
	}
	a := action{invoiceID: f.id, from: f.state, verify: true, edits: f.edits()}
	for _, fd := range f.openErrors() {
		a.confirmed = append(a.confirmed, fd.Code)
	}
	return a, true
}

// stateAction is the move of the invoice shown to state to, as the clerk
// asks for it now, with the values typed into it (saved first).
func (f *form) stateAction(to store.State) (action, bool) {
	if !f.canBecome(to) {
		return action{}, false
	}
	return action{invoiceID: f.id, from: f.state, to: to, edits: f.edits()}, true
}
