package verify

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Keys of Result.Official: the invoice as the tax authority has it. Those
// shared with the printed values are the history's printed-value keys;
// goods lines are "item.N.FIELD" (N from 1; FIELD name, spec, unit,
// quantity, price, amount, tax_rate, tax). Only the fields the provider
// returned, non-empty, are present.
const (
	OfficialCode           = document.KeyCode
	OfficialNumber         = document.KeyNumber
	OfficialDate           = document.KeyDate // YYYY-MM-DD when it could be read, else as given
	OfficialCheckCode      = document.KeyCheckCode
	OfficialBuyerName      = document.KeyBuyerName
	OfficialBuyerTaxID     = document.KeyBuyerTaxID
	OfficialSellerName     = document.KeySellerName
	OfficialSellerTaxID    = document.KeySellerTaxID
	OfficialAmount         = document.KeyAmount // before tax
	OfficialTax            = document.KeyTax
	OfficialTotal          = document.KeyTotal // including tax
	OfficialType           = "type"            // the provider's type: Tencent's code, Baidu's name
	OfficialElectronicType = "electronic_type" // Tencent: 01 全电专, 02 全电普, 03 train, 04 air
	OfficialMachineNo      = "machine_no"
	OfficialBuyerAddress   = "buyer_address_phone"
	OfficialBuyerBank      = "buyer_bank_account"
	OfficialSellerAddress  = "seller_address_phone"
	OfficialSellerBank     = "seller_bank_account"
	OfficialRemark         = "remark"
	OfficialStatus         = "status"      // the provider's status: Tencent's IsAbandoned, Baidu's InvalidSign
	OfficialRedLetter      = "red_letter"  // Tencent: "true" when the invoice itself is a red (negative) one
	OfficialCheckCount     = "check_count" // Baidu: how many times the invoice has been checked
)

type officialMap map[string]string

func (m officialMap) set(k string, v text) {
	if s := strings.TrimSpace(string(v)); s != "" {
		m[k] = s
	}
}

// setDate keeps a date as YYYY-MM-DD when it reads as one.
func (m officialMap) setDate(k string, v text) {
	s := strings.TrimSpace(string(v))
	if d, err := store.ParseDate(s); err == nil {
		s = d.String()
	}
	m.set(k, text(s))
}

func (m officialMap) setItem(n int, field string, v text) {
	m.set(fmt.Sprintf("item.%d.%s", n, field), v)
}

func (m officialMap) result() map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// officialItems gathers the goods lines of an Official map, in line order.
func officialItems(official map[string]string) []document.Item {
	byLine := map[int]*document.Item{}
	for k, v := range official {
		rest, ok := strings.CutPrefix(k, "item.")
		if !ok {
			continue
		}
		ns, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(ns)
		if !ok || err != nil {
			continue
		}
		it := byLine[n]
		if it == nil {
			it = &document.Item{}
			byLine[n] = it
		}
		switch field {
		case "name":
			it.Name = v
		case "spec":
			it.Spec = v
		case "unit":
			it.Unit = v
		case "quantity":
			it.Quantity = v
		case "price":
			it.Price = v
		case "amount":
			it.Amount = v
		case "tax_rate":
			it.TaxRate = v
		case "tax":
			it.Tax = v
		}
	}
	lines := make([]int, 0, len(byLine))
	for n := range byLine {
		lines = append(lines, n)
	}
	sort.Ints(lines)
	items := make([]document.Item, len(lines))
	for i, n := range lines {
		items[i] = *byLine[n]
	}
	return items
}

// compared are the fields Compare sets beside each other, in the order of
// its findings; names only warn (their spelling varies: brackets, spaces).
var compared = []struct {
	key    string
	zh, en string
	sev    finding.Severity
	same   func(a, b string) (same, comparable bool)
}{
	{document.KeyCode, "发票代码", "invoice code", finding.Error, sameText},
	{document.KeyNumber, "发票号码", "invoice number", finding.Error, sameText},
	{document.KeyDate, "开票日期", "issue date", finding.Error, sameDate},
	{document.KeyCheckCode, "校验码", "check code", finding.Error, sameCheckCode},
	{document.KeySellerTaxID, "销售方纳税人识别号", "seller's tax ID", finding.Error, sameTaxID},
	{document.KeyBuyerTaxID, "购买方纳税人识别号", "buyer's tax ID", finding.Error, sameTaxID},
	{document.KeyAmount, "合计金额（不含税）", "total before tax", finding.Error, sameMoney},
	{document.KeyTax, "合计税额", "total tax", finding.Error, sameMoney},
	{document.KeyTotal, "价税合计", "total including tax", finding.Error, sameMoney},
	{document.KeySellerName, "销售方名称", "seller's name", finding.Warning, sameName},
	{document.KeyBuyerName, "购买方名称", "buyer's name", finding.Warning, sameName},
}

// Compare sets the invoice the tax authority returned beside what the QR
// code carries and what is printed (or typed), field by field, and
// reports each field that differs as one finding (code
// "official_differs_FIELD"), naming every side that differs. A field
// the provider did not return is not compared. The goods lines are
// compared when both the file and the provider give them.
func Compare(inv Invoice, official map[string]string) []finding.Finding {
	var fs []finding.Finding
	for _, c := range compared {
		ov := official[c.key]
		if ov == "" {
			continue
		}
		if c.key == document.KeyCheckCode && ov == official[document.KeyNumber] {
			continue // Baidu gives a 数电 invoice's number as its check code
		}
		var zh, en []string
		if qv := inv.QR[c.key]; qv != "" {
			if same, ok := c.same(ov, qv); ok && !same {
				zh, en = append(zh, "二维码为 "+qv), append(en, "the QR code says "+qv)
			}
		}
		if pv := inv.Printed[c.key]; pv != "" {
			if same, ok := c.same(ov, pv); ok && !same {
				if inv.Typed[c.key] {
					zh, en = append(zh, "录入为 "+pv), append(en, "typed as "+pv)
				} else {
					zh, en = append(zh, "票面为 "+pv), append(en, "the invoice prints "+pv)
				}
			}
		}
		if len(zh) == 0 {
			continue
		}
		fs = append(fs, finding.Finding{Code: "official_differs_" + c.key, Severity: c.sev, Field: c.key,
			Message: fmt.Sprintf("%s与税务机关记录不一致：税务机关为 %s，%s", c.zh, ov, strings.Join(zh, "，")),
			English: fmt.Sprintf("%s differs from the tax authority's record: the authority has %s, %s", c.en, ov, strings.Join(en, ", "))})
	}
	fs = append(fs, compareItems(inv.Items, officialItems(official))...)
	if official[OfficialRedLetter] == "true" {
		fs = append(fs, finding.New("official_red_letter", finding.Warning, "",
			"税务机关记录此发票本身为红字（负数）发票", "the tax authority records this invoice as a red-letter (negative) invoice"))
	}
	return fs
}

// compareItems compares the goods lines: their number, then each line's
// amount and tax, in order.
func compareItems(printed, official []document.Item) []finding.Finding {
	if len(printed) == 0 || len(official) == 0 {
		return nil
	}
	if len(printed) != len(official) {
		return []finding.Finding{finding.New("official_differs_items", finding.Warning, "items",
			"货物明细行数与税务机关记录不一致：税务机关为 %d 行，票面为 %d 行",
			"the goods lines differ from the tax authority's record: the authority has %d lines, the invoice %d",
			len(official), len(printed))}
	}
	var lines []string
	for i := range printed {
		for _, pair := range [][2]string{{official[i].Amount, printed[i].Amount}, {official[i].Tax, printed[i].Tax}} {
			if same, ok := sameMoney(pair[0], pair[1]); ok && !same {
				lines = append(lines, strconv.Itoa(i+1))
				break
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []finding.Finding{finding.New("official_differs_items", finding.Warning, "items",
		"货物明细第 %s 行的金额或税额与税务机关记录不一致",
		"the amount or tax of goods line %s differs from the tax authority's record",
		strings.Join(lines, "、"))}
}

func sameText(a, b string) (bool, bool) {
	return strings.EqualFold(compact(a), compact(b)), true
}

func sameTaxID(a, b string) (bool, bool) {
	return store.NormalizeTaxID(a) == store.NormalizeTaxID(b), true
}

func sameDate(a, b string) (bool, bool) {
	da, err1 := store.ParseDate(a)
	db, err2 := store.ParseDate(b)
	if err1 != nil || err2 != nil {
		return sameText(a, b)
	}
	return da == db, true
}

// sameCheckCode compares what both sides give: a clerk may have typed only
// the last 6 characters.
func sameCheckCode(a, b string) (bool, bool) {
	a, b = strings.ToUpper(compact(a)), strings.ToUpper(compact(b))
	if len(a) < 6 || len(b) < 6 {
		return false, false
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	return strings.HasSuffix(a, b), true
}

// sameMoney compares amounts as decimals; text that is not an amount (a
// tax printed as ***) is not compared.
func sameMoney(a, b string) (bool, bool) {
	x, y := twoDecimals(a), twoDecimals(b)
	if x == "" || y == "" {
		return false, false
	}
	dx, _ := money.Parse(x)
	dy, _ := money.Parse(y)
	return dx.Equal(dy), true
}

// sameName ignores spaces, case and the width of brackets.
func sameName(a, b string) (bool, bool) {
	norm := strings.NewReplacer("（", "(", "）", ")", "　", "", " ", "")
	return strings.EqualFold(norm.Replace(a), norm.Replace(b)), true
}
