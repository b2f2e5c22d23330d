// Package compare sets the values an invoice's QR code carries beside the
// values printed on its face, field by field, and reports every difference
// as a finding: a QR code that disagrees with its invoice is the first sign
// of an altered or forged one.
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

// Verdict is the outcome for one field.
type Verdict string

const (
	Same      Verdict = "same"
	Different Verdict = "different"
	Missing   Verdict = "missing" // one side has no value
)

// Basis names the printed total a QR amount was compared with.
const (
	BasisAmount = "amount" // 合计金额, before tax
	BasisTotal  = "total"  // 价税合计, including tax
)

// Row is one field compared.
type Row struct {
	Field   string  `json:"field"`
	QR      string  `json:"qr"`
	Printed string  `json:"printed"`
	Verdict Verdict `json:"verdict"`
	// Basis says, for the amount, which printed total it was compared with.
	Basis string `json:"basis,omitempty"`
	// Typed is the value the clerk typed for the field, "" when none
	// (Review only); the verdict is then the QR against it.
	Typed string `json:"typed,omitempty"`
}

// Field names, as in the rows and in the findings' field.
const (
	FieldType        = "type"
	FieldCode        = "code"
	FieldNumber      = "number"
	FieldDate        = "date"
	FieldAmount      = "amount"
	FieldCheckCode   = "check_code"
	FieldSellerTaxID = "seller_tax_id"
	FieldBuyerTaxID  = "buyer_tax_id"
)

var fieldNames = map[string][2]string{
	FieldType:        {"发票种类", "invoice type"},
	FieldCode:        {"发票代码", "invoice code"},
	FieldNumber:      {"发票号码", "invoice number"},
	FieldDate:        {"开票日期", "issue date"},
	FieldAmount:      {"金额", "amount"},
	FieldCheckCode:   {"校验码", "check code"},
	FieldSellerTaxID: {"销售方纳税人识别号", "seller's tax ID"},
}

// Compare compares a parsed QR payload with the printed values. q may be nil
// (a file without a QR code): then only the printed values are checked.
func Compare(q *payload.Result, p document.Printed) ([]Row, []finding.Finding) {
	var rows []Row
	var fs []finding.Finding
	if p.NeedsTyping {
		fs = append(fs, finding.New("printed_needs_typing", finding.Warning, "",
			"未能读取票面文字（扫描件或文字无法解码），请手工录入票面信息后核对",
			"the printed values could not be read (a scan, or text that cannot be decoded): type them in to compare"))
	}
	if q != nil && q.Kind != payload.KindOther {
		rows, fs = compareQR(q, p, rows, fs)
	}
	fs = append(fs, taxid.Findings(FieldBuyerTaxID, p.BuyerTaxID)...)
	fs = append(fs, taxid.Findings(FieldSellerTaxID, p.SellerTaxID)...)
	fs = append(fs, sumFindings(p)...)
	return rows, fs
}

func compareQR(q *payload.Result, p document.Printed, rows []Row, fs []finding.Finding) ([]Row, []finding.Finding) {
	add := func(field, qv, pv string, eq func(a, b string) bool) {
		if qv == "" && pv == "" {
			return
		}
		r := Row{Field: field, QR: qv, Printed: pv}
		switch {
		case qv == "" || pv == "":
			r.Verdict = Missing
		case eq(qv, pv):
			r.Verdict = Same
		default:
			r.Verdict = Different
		}
		rows = append(rows, r)
	}
	exact := func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
	if q.Kind == payload.KindInvoice && q.TypeCode != "" && p.TypeCode != "" {
		add(FieldType, q.TypeCode, p.TypeCode, sameType)
	}
	add(FieldCode, q.Code, p.Code, exact)
	add(FieldNumber, q.Number, p.Number, exact)
	qd := ""
	if !q.Date.IsZero() {
		qd = q.Date.String()
	}
	add(FieldDate, qd, p.Date, exact)
	rows, fs = compareAmount(q, p, rows, fs)
	// The last 6 digits are what 查验 asks for, and what a clerk may type.
	lastSix := func(a, b string) bool {
		b = strings.TrimSpace(b)
		return exact(a, b) || len(b) == 6 && strings.HasSuffix(strings.TrimSpace(a), b)
	}
	add(FieldCheckCode, q.CheckCode, p.CheckCode, lastSix)
	if q.SellerTaxID != "" {
		add(FieldSellerTaxID, q.SellerTaxID, p.SellerTaxID, exact)
	}
	var missing []string
	for _, r := range rows {
		switch {
		case r.Verdict == Different:
			fs = append(fs, mismatch(r))
		case r.Verdict == Missing && r.Printed == "" && !p.NeedsTyping:
			missing = append(missing, r.Field)
		}
	}
	if len(missing) > 0 {
		var zh, en []string
		for _, m := range missing {
			zh = append(zh, fieldNames[m][0])
			en = append(en, fieldNames[m][1])
		}
		fs = append(fs, finding.Finding{Code: "printed_incomplete", Severity: finding.Info,
			Message: fmt.Sprintf("票面上未能读到：%s，请人工核对", strings.Join(zh, "、")),
			English: fmt.Sprintf("not read from the printed invoice: %s; check by eye", strings.Join(en, ", "))})
	}
	return rows, fs
}

// sameType treats 数电 special/ordinary codes as exact, and accepts the
// toll invoice's own code (14) for a title that reads 增值税电子普通发票.
func sameType(a, b string) bool {
	return a == b || (a == "14" && b == "10")
}

// compareAmount compares the QR amount with the printed total its type
// prescribes (docs/invoice-qr.md §1.2): before tax for tax-control
// invoices, including tax for 数电 invoices and tickets. A QR amount that
// instead equals the other total is a known deviation — invoices issued on a
// seller's behalf (代开) put the total including tax in the QR — and is
// reported as a warning, not as a mismatch.
func compareAmount(q *payload.Result, p document.Printed, rows []Row, fs []finding.Finding) ([]Row, []finding.Finding) {
	if !q.HasAmount && q.AmountText == "" && p.Amount == "" && p.Total == "" {
		return rows, fs
	}
	total := p.Total
	primary, other := p.Amount, total
	basis, otherBasis := BasisAmount, BasisTotal
	if q.AmountMeaning == payload.InclTax || q.AmountMeaning == "" {
		primary, other = total, p.Amount
		basis, otherBasis = BasisTotal, BasisAmount
	}
	if primary == "" && other != "" && q.AmountMeaning == "" {
		primary, basis = other, otherBasis
	}
	qv := ""
	if q.HasAmount {
		qv = q.Amount.String()
	} else {
		qv = q.AmountText
	}
	r := Row{Field: FieldAmount, QR: qv, Printed: primary, Basis: basis}
	switch {
	case qv == "" || primary == "":
		r.Verdict = Missing
		if qv != "" && primary == "" && other != "" && equalMoney(q, other) {
			r.Printed, r.Basis, r.Verdict = other, otherBasis, Same
			fs = append(fs, otherTotal(q, basis))
		}
	case equalMoney(q, primary):
		r.Verdict = Same
	case other != "" && equalMoney(q, other):
		r.Printed, r.Basis, r.Verdict = other, otherBasis, Same
		fs = append(fs, otherTotal(q, basis))
	default:
		r.Verdict = Different
	}
	return append(rows, r), fs
}

func otherTotal(q *payload.Result, basis string) finding.Finding {
	if basis == BasisAmount {
		return finding.New("amount_total_instead", finding.Warning, FieldAmount,
			"二维码金额 %s 等于价税合计，而此类发票的二维码应为不含税合计金额；代开发票常见此情形，请核对",
			"the QR amount %s equals the total including tax, where this type carries the total before tax; common on invoices issued on the seller's behalf (代开): check it",
			q.Amount.String())
	}
	return finding.New("amount_pretax_instead", finding.Warning, FieldAmount,
		"二维码金额 %s 等于不含税合计金额，而此类发票的二维码应为价税合计，请核对",
		"the QR amount %s equals the total before tax, where this type carries the total including tax: check it",
		q.Amount.String())
}

// equalMoney compares exactly, as decimals: "57" equals "57.00".
func equalMoney(q *payload.Result, printed string) bool {
	if !q.HasAmount {
		return false
	}
	d, err := money.Parse(printed)
	return err == nil && d.Equal(q.Amount)
}

func mismatch(r Row) finding.Finding {
	n := fieldNames[r.Field]
	switch r.Basis {
	case BasisAmount:
		n = [2]string{"合计金额（不含税）", "total before tax"}
	case BasisTotal:
		n = [2]string{"价税合计", "total including tax"}
	}
	code := "mismatch_" + r.Field
	sev := finding.Error
	if r.Field == FieldType {
		sev = finding.Warning
	}
	return finding.Finding{Code: code, Severity: sev, Field: r.Field,
		Message: fmt.Sprintf("%s不一致：二维码为 %s，票面为 %s", n[0], r.QR, r.Printed),
		English: fmt.Sprintf("%s differs: the QR code says %s, the invoice prints %s", n[1], r.QR, r.Printed)}
}

// QRFindings gives the QR code's own findings as the printed values that
// were compared with it (rows) leave them. A check value that matches no
// known variant is a sign of alteration only while nothing vouches for the
// text: when every value the QR code carries is printed alike on the
// invoice, number, date and amount among them, the check value is of a kind
// not known here, and is said so as an info.
func QRFindings(q *payload.Result, rows []Row) []finding.Finding {
	out := make([]finding.Finding, 0, len(q.Findings))
	for _, f := range q.Findings {
		if f.Code == payload.CodeCRCMismatch && payload.IsCheckValue(q.CRC.Value) && corroborated(rows) {
			f = finding.New("crc_unknown_kind", finding.Info, f.Field,
				"二维码校验值 %s 不属于已知的校验算法；二维码各项内容与票面一致",
				"the QR check value %s is of an unknown kind; every value of the QR code agrees with the printed invoice",
				q.CRC.Value)
		}
		out = append(out, f)
	}
	return out
}

// corroborated reports whether the printed values agree with every value
// the QR code carries, and at least with its number, date and amount.
func corroborated(rows []Row) bool {
	same := map[string]bool{}
	for _, r := range rows {
		if r.QR == "" {
			continue
		}
		if r.Verdict != Same {
			return false
		}
		same[r.Field] = true
	}
	return same[FieldNumber] && same[FieldDate] && same[FieldAmount]
}

// sumFindings checks the printed totals against each other: 合计金额 plus
// 合计税额 must make 价税合计.
func sumFindings(p document.Printed) []finding.Finding {
	if p.Amount == "" || p.Total == "" || p.Tax == "" {
		return nil
	}
	a, err1 := money.Parse(p.Amount)
	t, err2 := money.Parse(p.Tax)
	if p.Tax == "***" {
		t, err2 = money.Decimal{}, nil
	}
	s, err3 := money.Parse(p.Total)
	if err1 != nil || err2 != nil || err3 != nil || a.Add(t).Equal(s) {
		return nil
	}
	return []finding.Finding{finding.New("printed_sum_mismatch", finding.Warning, "total",
		"票面金额 %s 加税额 %s 不等于价税合计 %s", "the printed amount %s plus tax %s does not make the printed total %s",
		p.Amount, p.Tax, p.Total)}
}
