package payload

import (
	"encoding/json"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// jsonResult is the JSON contract of a parse result (docs/cli-json.md).
// Scripts rely on it: add fields, never rename or retype them.
type jsonResult struct {
	Raw           string            `json:"raw"`
	Kind          Kind              `json:"kind"`
	Layout        Layout            `json:"layout,omitempty"`
	Version       string            `json:"version,omitempty"`
	TypeCode      string            `json:"type_code"`
	TypeName      string            `json:"type_name"`
	TypeNameEn    string            `json:"type_name_en"`
	Code          string            `json:"code"`
	Number        string            `json:"number"`
	Identity      string            `json:"identity"`
	Amount        *string           `json:"amount"`
	AmountMeaning AmountMeaning     `json:"amount_meaning,omitempty"`
	Date          *string           `json:"date"`
	CheckCode     string            `json:"check_code"`
	SellerTaxID   string            `json:"seller_tax_id,omitempty"`
	CRC           *CRC              `json:"crc"`
	URLHost       string            `json:"url_host,omitempty"`
	URLQuery      map[string]string `json:"url_query,omitempty"`
	Sealed        *SealedInfo       `json:"sealed,omitempty"`
	Verification  *Verification     `json:"verification,omitempty"`
	Severity      finding.Severity  `json:"severity"`
	Findings      []finding.Finding `json:"findings"`
}

// MarshalJSON writes the result in the documented contract.
func (r Result) MarshalJSON() ([]byte, error) {
	j := jsonResult{
		Raw: r.Raw, Kind: r.Kind, Layout: r.Layout, Version: r.Version,
		TypeCode: r.TypeCode, TypeName: r.TypeName, TypeNameEn: r.TypeNameEn, Code: r.Code, Number: r.Number,
		Identity: r.Identity(), AmountMeaning: r.AmountMeaning, CheckCode: r.CheckCode,
		SellerTaxID: r.SellerTaxID, URLHost: r.URLHost, URLQuery: r.URLQuery, Sealed: r.Sealed,
		Severity: finding.Worst(r.Findings), Findings: r.Findings,
	}
	if r.HasAmount {
		s := r.Amount.String()
		j.Amount = &s
	}
	if !r.Date.IsZero() {
		s := r.Date.String()
		j.Date = &s
	}
	if r.Layout == LayoutStandard || r.Layout == LayoutTicket {
		c := r.CRC
		j.CRC = &c
	}
	if r.Kind == KindInvoice || (r.Sealed != nil && r.Sealed.Opened) {
		v := r.Verification
		if v.Missing == nil {
			v.Missing = []string{}
		}
		j.Verification = &v
	}
	if j.Findings == nil {
		j.Findings = []finding.Finding{}
	}
	return json.Marshal(j)
}
