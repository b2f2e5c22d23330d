package document

import "strings"

// Keys of the printed values as the history stores them and a clerk types
// them: one name for each field of Printed a value can be read or typed for.
const (
	KeyKind        = "kind" // invoice type code, e.g. "32"
	KeyCode        = "code"
	KeyNumber      = "number"
	KeyDate        = "date" // 2024-05-14, 20240514 or 2024年05月14日
	KeyCheckCode   = "check_code"
	KeyBuyerName   = "buyer_name"
	KeyBuyerTaxID  = "buyer_tax_id"
	KeySellerName  = "seller_name"
	KeySellerTaxID = "seller_tax_id"
	KeyAmount      = "amount" // 金额, before tax
	KeyTax         = "tax"    // 税额
	KeyTotal       = "total"  // 价税合计
)

// Keys lists every key, in the order the invoice prints them.
var Keys = []string{KeyKind, KeyCode, KeyNumber, KeyDate, KeyCheckCode,
	KeyBuyerName, KeyBuyerTaxID, KeySellerName, KeySellerTaxID, KeyAmount, KeyTax, KeyTotal}

// field returns the place of key's value in p, nil for an unknown key.
func (p *Printed) field(key string) *string {
	switch key {
	case KeyKind:
		return &p.TypeCode
	case KeyCode:
		return &p.Code
	case KeyNumber:
		return &p.Number
	case KeyDate:
		return &p.Date
	case KeyCheckCode:
		return &p.CheckCode
	case KeyBuyerName:
		return &p.BuyerName
	case KeyBuyerTaxID:
		return &p.BuyerTaxID
	case KeySellerName:
		return &p.SellerName
	case KeySellerTaxID:
		return &p.SellerTaxID
	case KeyAmount:
		return &p.Amount
	case KeyTax:
		return &p.Tax
	case KeyTotal:
		return &p.Total
	}
	return nil
}

// Value is the value under key, "" when none was read or the key is unknown.
func (p Printed) Value(key string) string {
	if f := p.field(key); f != nil {
		return *f
	}
	return ""
}

// Values gives the values under their keys, leaving out those that are empty.
func (p Printed) Values() map[string]string {
	m := make(map[string]string, len(Keys))
	for _, k := range Keys {
		if v := strings.TrimSpace(p.Value(k)); v != "" {
			m[k] = v
		}
	}
	return m
}

// WithValues returns p with the non-empty values of m in place of its own
// (keys Keys; others are ignored). p is not changed.
func (p Printed) WithValues(m map[string]string) Printed {
	for k, v := range m {
		if f := p.field(k); f != nil && strings.TrimSpace(v) != "" {
			*f = strings.TrimSpace(v)
		}
	}
	return p
}

// PrintedOf reads values stored under their keys back into a Printed.
func PrintedOf(m map[string]string) Printed {
	return Printed{}.WithValues(m)
}
