package compare

import (
	"fmt"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

// SourceTyped marks the findings that come from values a clerk typed, so
// that they can be computed again whenever the typed values change without
// touching what the QR code and the file said.
const SourceTyped = "typed"

// Typed is what a clerk typed for an invoice, by the history's printed-value
// keys (document.KeyAmount, …): the values exactly as typed, after the
// clean-up of NormalizeTyped. A key that is absent was not typed.
type Typed map[string]string

// Review sets the QR code beside what the file (or OCR) read and what the
// clerk typed, three facts kept apart. The rows compare the QR with the
// typed value where there is one, else with the value read; Row.Printed
// stays the value read and Row.Typed the value typed. The findings are only
// those the typed values give (each with Source SourceTyped): a typed value
// that disagrees with the QR, one that disagrees with the value read, and
// the typed totals that do not add up. What the QR and the file gave is
// reported by Compare and never changes with typing.
func Review(q *payload.Result, read document.Printed, typed Typed) ([]Row, []finding.Finding) {
	eff := read.WithValues(typed)
	if len(typed) > 0 {
		eff.NeedsTyping = false
	}
	rows, _ := Compare(q, eff)
	for i := range rows {
		key := rowKey(rows[i])
		rows[i].Printed = read.Value(key)
		if rows[i].Basis != "" && rows[i].Printed == "" && typed[key] == "" {
			rows[i].Printed = eff.Value(key)
		}
		rows[i].Typed = typed[key]
	}
	var fs []finding.Finding
	for _, r := range rows {
		if r.Typed != "" && r.Verdict == Different {
			fs = append(fs, typedMismatch(r))
		}
	}
	for _, key := range document.Keys {
		t := typed[key]
		if t == "" {
			continue
		}
		if v := read.Value(key); v != "" && !sameValue(key, v, t) {
			n := keyNames[key]
			fs = append(fs, finding.Finding{Code: "typed_differs_read", Severity: finding.Warning, Field: key,
				Source:  SourceTyped,
				Message: fmt.Sprintf("%s：录入为 %s，文件读取为 %s", n[0], t, v),
				English: fmt.Sprintf("%s: typed as %s, read from the file as %s", n[1], t, v)})
		}
	}
	for _, k := range []string{document.KeyBuyerTaxID, document.KeySellerTaxID} {
		if typed[k] == "" {
			continue
		}
		field := FieldBuyerTaxID
		if k == document.KeySellerTaxID {
			field = FieldSellerTaxID
		}
		for _, f := range taxid.Findings(field, typed[k]) {
			f.Source = SourceTyped
			fs = append(fs, f)
		}
	}
	if typed[document.KeyAmount] != "" || typed[document.KeyTax] != "" || typed[document.KeyTotal] != "" {
		for _, f := range sumFindings(eff) {
			f.Source = SourceTyped
			fs = append(fs, f)
		}
	}
	return rows, fs
}

// Effective is the findings an invoice has with its typed values: those of
// the QR code, the file and the history (base), and those of the typed
// values. Once the clerk has typed a value for every field the QR code is
// compared on, the requests to type them (printed_needs_typing,
// printed_incomplete) are answered and left out; they come back if the
// typed values are cleared.
func Effective(base []finding.Finding, rows []Row, typedFindings []finding.Finding) []finding.Finding {
	answered := len(rows) > 0
	for _, r := range rows {
		if r.Verdict == Missing && r.QR != "" && r.Printed == "" && r.Typed == "" {
			answered = false
		}
	}
	typedAny := false
	for _, r := range rows {
		typedAny = typedAny || r.Typed != ""
	}
	out := make([]finding.Finding, 0, len(base)+len(typedFindings))
	for _, f := range base {
		if f.Source == SourceTyped {
			continue
		}
		if typedAny && answered && (f.Code == "printed_needs_typing" || f.Code == "printed_incomplete") {
			continue
		}
		out = append(out, f)
	}
	return append(out, typedFindings...)
}

// rowKey is the printed-value key a row's printed side comes from.
func rowKey(r Row) string {
	switch r.Field {
	case FieldType:
		return document.KeyKind
	case FieldAmount:
		if r.Basis == BasisTotal {
			return document.KeyTotal
		}
		return document.KeyAmount
	}
	return r.Field // code, number, date, check_code, seller_tax_id are keys too
}

func typedMismatch(r Row) finding.Finding {
	f := mismatch(Row{Field: r.Field, QR: r.QR, Printed: r.Typed, Basis: r.Basis})
	n := fieldNames[r.Field]
	switch r.Basis {
	case BasisAmount:
		n = [2]string{"合计金额（不含税）", "total before tax"}
	case BasisTotal:
		n = [2]string{"价税合计", "total including tax"}
	}
	f.Source = SourceTyped
	f.Message = fmt.Sprintf("%s不一致：二维码为 %s，录入为 %s", n[0], r.QR, r.Typed)
	f.English = fmt.Sprintf("%s differs: the QR code says %s, typed as %s", n[1], r.QR, r.Typed)
	return f
}

// sameValue compares a typed value with a value read: amounts as decimals,
// the rest as text without spaces and case.
func sameValue(key, a, b string) bool {
	switch key {
	case document.KeyAmount, document.KeyTax, document.KeyTotal:
		x, err1 := money.Parse(a)
		y, err2 := money.Parse(b)
		if err1 == nil && err2 == nil {
			return x.Equal(y)
		}
	}
	norm := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	return norm(a) == norm(b)
}

var keyNames = map[string][2]string{
	document.KeyKind:        {"发票种类", "invoice type"},
	document.KeyCode:        {"发票代码", "invoice code"},
	document.KeyNumber:      {"发票号码", "invoice number"},
	document.KeyDate:        {"开票日期", "issue date"},
	document.KeyCheckCode:   {"校验码", "check code"},
	document.KeyBuyerName:   {"购买方名称", "buyer's name"},
	document.KeyBuyerTaxID:  {"购买方纳税人识别号", "buyer's tax ID"},
	document.KeySellerName:  {"销售方名称", "seller's name"},
	document.KeySellerTaxID: {"销售方纳税人识别号", "seller's tax ID"},
	document.KeyAmount:      {"合计金额", "total before tax"},
	document.KeyTax:         {"合计税额", "total tax"},
	document.KeyTotal:       {"价税合计", "total including tax"},
}
