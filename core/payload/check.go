package payload

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

// verifyYears is how far back the official verification service reaches.
const verifyYears = 5

// Check runs the offline checks on a parsed result as of now, appending its
// findings and filling TypeName, AmountMeaning and Verification. It is
// idempotent only on a freshly parsed result; call it once.
func Check(r *Result, now time.Time) {
	switch r.Kind {
	case KindInvoice:
		checkInvoice(r, now)
	case KindSealed:
		if r.Sealed != nil && r.Sealed.Opened {
			checkInvoice(r, now)
		}
	case KindURL:
		checkDate(r, now)
	case KindReceipt:
		checkDate(r, now)
	}
}

// spec finds the type's rules, and whether the type code is known.
func (r *Result) spec() (typeSpec, bool) {
	if r.TypeCode == "51" && r.Code != "" {
		return legacyType51, true
	}
	s, ok := typeSpecs[r.TypeCode]
	return s, ok
}

func checkInvoice(r *Result, now time.Time) {
	if r.Layout != LayoutSealed && r.Version != "01" {
		r.add(finding.New("version_unknown", finding.Warning, FieldVersion,
			"二维码版本 %q 未见过，按 01 版解析", "QR version %q is unknown; read as version 01", r.Version))
	}
	spec, known := r.spec()
	r.TypeKnown = known
	if known {
		r.TypeName, r.TypeNameEn = spec.name, spec.english
	} else {
		r.add(finding.New("type_unknown", finding.Warning, FieldType,
			"发票种类代码 %q 未知，字段含义按通用格式解读", "invoice type code %q is unknown; fields read by the common layout", r.TypeCode))
		// Without a spec, infer from the number: a 20-digit number is 数电.
		spec = typeSpec{code: codeTenOrTwelve, check: checkOptional, amount: PreTax, verify: verifyOrdinary}
		if len(r.Number) == 20 {
			spec = typeSpec{code: codeEmpty, digital: true, check: checkOptional, amount: InclTax, verify: verifyDigital}
		}
	}
	r.AmountMeaning = spec.amount

	checkCodeField(r, spec, known)
	checkNumberField(r, spec)
	checkCheckCode(r, spec)
	if r.AmountText == "" {
		r.add(finding.New("amount_missing", finding.Error, FieldAmount, "二维码中没有金额", "the QR carries no amount"))
	} else if r.HasAmount && r.Amount.Sign() < 0 {
		r.add(finding.New("amount_negative", finding.Info, FieldAmount,
			"金额为负数：这是红字（冲红）发票", "negative amount: this is a red-letter (reversing) invoice"))
	}
	if r.DateText == "" {
		r.add(finding.New("date_missing", finding.Error, FieldDate, "二维码中没有开票日期", "the QR carries no issue date"))
	}
	checkDate(r, now)
	checkStructure(r, spec, known, now, false)
	r.add(taxid.Findings(FieldSellerTax, r.SellerTaxID)...)
	checkVerification(r, spec, now)
}

// checkStructure checks what the digits of the code and of a 数电 number
// say against the type and the issue date.
// typed: the type was chosen by a clerk, not read from a QR code.
func checkStructure(r *Result, spec typeSpec, known bool, now time.Time, typed bool) {
	if len(r.Code) == 10 || len(r.Code) == 12 {
		checkCodeStructure(r, spec, known, now, typed)
	}
	if len(r.Number) == 20 && allDigits(r.Number) {
		checkDigitalNumber(r)
	}
}

func checkCodeField(r *Result, spec typeSpec, known bool) {
	c := r.Code
	switch {
	case c == "" && spec.code == codeEmpty:
	case c == "":
		r.add(finding.New("code_missing", finding.Error, FieldCode,
			"缺少发票代码（%[1]s应有发票代码）", "the invoice code is missing (a %[2]s has one)", typeLabel(spec, known), typeLabelEn(spec, known)))
	case !allDigits(c):
		r.add(finding.New("code_format", finding.Error, FieldCode,
			"发票代码 %q 应只含数字", "invoice code %q must be digits only", c))
	case spec.code == codeEmpty && (len(c) == 10 || len(c) == 12):
		r.add(finding.New("digital_on_paper", finding.Info, FieldCode,
			"数电发票带有发票代码：这是纸质数电发票", "a digital invoice with an invoice code: printed on paper stock"))
	case spec.code == codeTen && len(c) != 10,
		spec.code == codeTwelve && len(c) != 12,
		(spec.code == codeTenOrTwelve || spec.code == codeEmpty) && len(c) != 10 && len(c) != 12:
		r.add(finding.New("code_format", finding.Error, FieldCode,
			"发票代码 %[1]s 有 %[2]d 位，%[3]s应为 %[5]s 位", "invoice code %[1]s has %[2]d digits; a %[4]s has %[5]s",
			c, len(c), typeLabel(spec, known), typeLabelEn(spec, known), codeLengths(spec.code)))
	}
}

// finding.New shares its args between both languages; messages that name the
// type pick the Chinese or English label by argument index.
func typeLabel(spec typeSpec, known bool) string {
	if known {
		return spec.name
	}
	return "该类发票"
}

func typeLabelEn(spec typeSpec, known bool) string {
	if known {
		return spec.english
	}
	return "this type"
}

func codeLengths(c codeRule) string {
	switch c {
	case codeTen:
		return "10"
	case codeTwelve:
		return "12"
	case codeEmpty:
		return "0"
	}
	return "10/12"
}

func checkNumberField(r *Result, spec typeSpec) {
	n := r.Number
	want := 8
	if spec.digital && r.Code == "" {
		want = 20
	}
	switch {
	case n == "":
		r.add(finding.New("number_missing", finding.Error, FieldNumber, "缺少发票号码", "the invoice number is missing"))
	case !allDigits(n):
		r.add(finding.New("number_format", finding.Error, FieldNumber,
			"发票号码 %q 应只含数字", "invoice number %q must be digits only", n))
	case len(n) != want && !(spec.digital && len(n) == 20):
		r.add(finding.New("number_format", finding.Error, FieldNumber,
			"发票号码 %s 有 %d 位，应为 %d 位", "invoice number %s has %d digits, want %d", n, len(n), want))
	}
}

func checkCheckCode(r *Result, spec typeSpec) {
	c := r.CheckCode
	switch {
	case c == "" && spec.check == checkRequired:
		r.add(finding.New("check_code_missing", finding.Error, FieldCheckCode,
			"缺少校验码（普通发票应有20位校验码）", "the check code is missing (ordinary invoices carry 20 digits)"))
	case c == "":
	case r.Layout == LayoutSellerTaxID && len(c) == 5 && allHex(c):
		// Shenzhen's blockchain invoices carry five hex characters.
	case !allDigits(c) || len(c) != 20:
		r.add(finding.New("check_code_format", finding.Error, FieldCheckCode,
			"校验码 %q 应为20位数字", "check code %q must be 20 digits", c))
	case spec.check == checkEmpty:
		r.add(finding.New("check_code_unexpected", finding.Warning, FieldCheckCode,
			"此类发票通常没有校验码，却带有 %s", "this type usually has no check code, yet carries %s", c))
	}
}

func checkDate(r *Result, now time.Time) {
	if r.Date.IsZero() {
		return
	}
	today := DateOf(now)
	if r.Date.Time().After(today.Time()) {
		r.add(finding.New("date_future", finding.Error, FieldDate,
			"开票日期 %s 晚于今天 %s", "issue date %s is after today, %s", r.Date, today))
	}
}

// checkCodeStructure checks the region, year and kind digits of a 10- or
// 12-digit invoice code against the type code and the issue date.
func checkCodeStructure(r *Result, spec typeSpec, known bool, now time.Time, typed bool) {
	c := r.Code
	if !allDigits(c) {
		return
	}
	var region, yy, kind string
	if len(c) == 10 {
		region, yy, kind = c[0:4], c[4:6], c[7:8]
	} else {
		region, yy, kind = c[1:5], c[5:7], c[10:12]
		if c[0] != '0' && !legacyOrdinaryCodes[c] {
			r.add(finding.New("code_structure", finding.Warning, FieldCode,
				"12位发票代码 %s 通常以 0 开头", "12-digit invoice code %s usually starts with 0", c))
		}
	}
	if RegionName(region) == "" {
		r.add(finding.New("code_region_unknown", finding.Warning, FieldCode,
			"发票代码 %s 的地区代码 %s 不是已知的省级税务机关", "invoice code %s: region %s is not a known tax bureau", c, region))
	}
	year := 2000 + int(yy[0]-'0')*10 + int(yy[1]-'0')
	switch {
	case yy == "00" || year > now.Year():
		r.add(finding.New("code_year_invalid", finding.Error, FieldCode,
			"发票代码 %s 中的年份 %s 不可能", "invoice code %s: year %s is impossible", c, yy))
	case !r.Date.IsZero() && year > r.Date.Year:
		r.add(finding.New("code_year_after_date", finding.Warning, FieldCode,
			"发票代码 %s 的印制年份 %d 晚于开票日期 %s", "invoice code %s: printed in %d, after the issue date %s", c, year, r.Date))
	}
	if !known || len(spec.codeKinds) == 0 {
		return
	}
	if len(c) == 12 && legacyOrdinaryCodes[c] {
		kind = "11"
	}
	if !slices.Contains(spec.codeKinds, kind) {
		zh, en := impliedType(len(c), kind)
		said := [2]string{"二维码中的种类", "the QR says type"}
		if typed {
			said = [2]string{"所选的种类", "the type chosen is"}
		}
		r.add(finding.New("code_type_mismatch", finding.Warning, FieldCode,
			"发票代码 %[1]s 表示%[2]s，与%[7]s %[4]s（%[5]s）不符", "invoice code %[1]s implies %[3]s, but %[8]s %[4]s (%[6]s)",
			c, zh, en, r.TypeCode, spec.name, spec.english, said[0], said[1]))
	}
}

// impliedType names, in Chinese and English, the invoice kind that a code's
// kind digits stand for.
func impliedType(n int, kind string) (string, string) {
	names := codeKinds12
	if n == 10 {
		names = codeKinds10
	}
	if k, ok := names[kind]; ok {
		return k[0], k[1]
	}
	return fmt.Sprintf("未知种类(%s)", kind), fmt.Sprintf("an unknown kind (%s)", kind)
}

var codeKinds10 = map[string][2]string{
	"1": {"专用发票", "a special invoice"}, "5": {"专用发票", "a special invoice"},
	"3": {"普通发票", "an ordinary invoice"}, "6": {"普通发票", "an ordinary invoice"},
	"2": {"货运专用发票", "a freight special invoice"}, "7": {"货运专用发票", "a freight special invoice"},
}

var codeKinds12 = map[string][2]string{
	"11": {"电子普通发票", "an electronic ordinary invoice"},
	"12": {"通行费电子普通发票", "a toll invoice"},
	"06": {"卷票", "a roll invoice"}, "07": {"卷票", "a roll invoice"},
	"04": {"纸质普通发票", "a paper ordinary invoice"}, "05": {"纸质普通发票", "a paper ordinary invoice"},
	"13": {"电子专用发票", "an electronic special invoice"},
}

// checkDigitalNumber checks the year and province digits of a 20-digit number.
func checkDigitalNumber(r *Result) {
	n := r.Number
	if !r.Date.IsZero() && fmt.Sprintf("%02d", r.Date.Year%100) != n[:2] {
		r.add(finding.New("number_year_mismatch", finding.Warning, FieldNumber,
			"发票号码 %s 的年份 20%s 与开票日期 %s 不符", "invoice number %s: year 20%s disagrees with the issue date %s",
			n, n[:2], r.Date))
	}
	if provinces[n[2:4]] == "" {
		r.add(finding.New("number_province_unknown", finding.Warning, FieldNumber,
			"发票号码 %s 的省份代码 %s 未知", "invoice number %s: province code %s is unknown", n, n[2:4]))
	}
}

// checkVerification says what the official verification needs for this type
// and whether the payload supplies it.
func checkVerification(r *Result, spec typeSpec, now time.Time) {
	v := Verification{Needs: spec.verify}
	for _, need := range spec.verify {
		if !supplies(r, need) {
			v.Missing = append(v.Missing, need)
		}
	}
	v.Ready = len(v.Missing) == 0
	r.Verification = v
	if !v.Ready {
		r.add(finding.New("verify_incomplete", finding.Warning, "",
			"二维码缺少查验所需的：%s", "the QR lacks what verification (查验) needs: %s", strings.Join(v.Missing, ", ")))
	}
	if r.Date.IsZero() {
		return
	}
	today := DateOf(now)
	switch {
	case r.Date.Time().Before(today.Time().AddDate(-verifyYears, 0, 0)):
		r.add(finding.New("verify_too_old", finding.Info, FieldDate,
			"开票日期早于%d年前，官方查验平台已不能查验", "issued more than %d years ago: the official service no longer verifies it", verifyYears))
	case r.Date == today:
		r.add(finding.New("verify_same_day", finding.Info, FieldDate,
			"当日开具的发票通常次日才能查验", "invoices issued today can usually be verified only from tomorrow"))
	}
}

func supplies(r *Result, need string) bool {
	switch need {
	case needCode:
		return allDigits(r.Code) && (len(r.Code) == 10 || len(r.Code) == 12)
	case needNumber:
		return allDigits(r.Number) && (len(r.Number) == 8 || len(r.Number) == 20)
	case needDate:
		return !r.Date.IsZero()
	case needAmount:
		return r.HasAmount
	case needCheck6:
		return len(r.CheckCode) >= 6 && allDigits(r.CheckCode)
	}
	return false
}
