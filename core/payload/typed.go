package payload

import (
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// TypedInvoice is what a clerk typed from an invoice whose QR code cannot be
// read (torn, smudged, or a paper invoice with no file): the values a QR
// code would carry.
type TypedInvoice struct {
	TypeCode  string // e.g. "01", "32"
	Code      string // 发票代码; "" for 数电
	Number    string
	Date      Date   // zero when not typed
	Amount    string // 金额 (before tax), exact decimal text; "" when not typed
	Total     string // 价税合计 (including tax); "" when not typed
	CheckCode string // 20 digits, or its last 6 as 查验 asks for
}

// CheckTyped runs on typed values the checks a QR code's values get (Check):
// the type, the code and the number the type has, the check code, the issue
// date as of now, and what the digits of the code and of a 数电 number say.
// It adds what is missing to record the invoice (errors) and what 查验 would
// still lack (a warning). Tax IDs and totals are checked where typed values
// are compared (compare.Review).
func CheckTyped(t TypedInvoice, now time.Time) []finding.Finding {
	r := &Result{Kind: KindInvoice, TypeCode: t.TypeCode, Code: t.Code, Number: t.Number,
		Date: t.Date, DateText: t.Date.String(), CheckCode: t.CheckCode}
	spec, known := r.spec()
	switch {
	case t.TypeCode == "":
		r.add(finding.New("type_missing", finding.Error, FieldType, "请选择发票种类", "choose the invoice type"))
	case !known:
		r.add(finding.New("type_unknown", finding.Error, FieldType,
			"发票种类代码 %q 未知", "invoice type code %q is unknown", t.TypeCode))
	}
	if !known {
		spec = typeSpec{code: codeTenOrTwelve, check: checkOptional, amount: PreTax, verify: verifyOrdinary}
		if len(t.Number) == 20 {
			spec = typeSpec{code: codeEmpty, digital: true, check: checkOptional, amount: InclTax, verify: verifyDigital}
		}
	}
	r.AmountMeaning = spec.amount
	amount := t.Amount
	if spec.amount == InclTax {
		amount = t.Total
	}
	r.HasAmount = amount != ""

	checkCodeField(r, spec, known)
	checkNumberField(r, spec)
	switch c := t.CheckCode; {
	case c == "":
	case !allDigits(c) || (len(c) != 6 && len(c) != 20):
		r.add(finding.New("check_code_format", finding.Error, FieldCheckCode,
			"校验码 %q 应为20位数字，或其后6位", "check code %q must be its 20 digits, or the last 6", c))
	case spec.check == checkEmpty:
		r.add(finding.New("check_code_unexpected", finding.Warning, FieldCheckCode,
			"此类发票通常没有校验码，却录入了 %s", "this type usually has no check code, yet %s was typed", c))
	}
	if t.Amount == "" && t.Total == "" {
		r.add(finding.New("amount_missing", finding.Error, FieldAmount,
			"缺少金额：请填写金额（不含税）或价税合计", "the amount is missing: type the amount before tax or the total including tax"))
	}
	if t.Date.IsZero() {
		r.add(finding.New("date_missing", finding.Error, FieldDate, "缺少开票日期", "the issue date is missing"))
	}
	checkDate(r, now)
	checkStructure(r, spec, known, now, true)

	var zh, en []string
	for _, need := range spec.verify {
		if supplies(r, need) || hasField(r.Findings, needFields[need]) {
			continue // supplied, or already said wrong
		}
		n := needNames[need]
		if need == needAmount && spec.amount == InclTax {
			n = [2]string{"价税合计", "the total including tax"}
		}
		zh, en = append(zh, n[0]), append(en, n[1])
	}
	if len(zh) > 0 && known {
		r.add(finding.New("verify_incomplete", finding.Warning, "",
			"查验还需要：%[1]s", "verification (查验) also needs %[2]s", strings.Join(zh, "、"), strings.Join(en, ", ")))
	}
	return r.Findings
}

// needFields are the fields of what 查验 needs.
var needFields = map[string]string{needCode: FieldCode, needNumber: FieldNumber, needDate: FieldDate,
	needAmount: FieldAmount, needCheck6: FieldCheckCode}

func hasField(fs []finding.Finding, field string) bool {
	for _, f := range fs {
		if f.Field == field {
			return true
		}
	}
	return false
}

// needNames are what 查验 needs, as the clerk reads them on the form.
var needNames = map[string][2]string{
	needCode:   {"发票代码", "the invoice code"},
	needNumber: {"发票号码", "the invoice number"},
	needDate:   {"开票日期", "the issue date"},
	needAmount: {"金额（不含税）", "the amount before tax"},
	needCheck6: {"校验码后6位", "the last 6 digits of the check code"},
}

// TypeCodes lists the known invoice type codes, in order.
func TypeCodes() []string {
	out := make([]string, 0, len(typeSpecs))
	for c := range typeSpecs {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
