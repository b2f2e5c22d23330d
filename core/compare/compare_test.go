package compare

import (
	"slices"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const (
	taxControlQR = "01,10,012001800211,23326471,734.59,20180921,16707184549009707698,B7D0,"
	digitalQR    = "01,32,,25447000001115703415,50.00,20250923,,0CA3"
	onBehalfQR   = "01,10,044031800311,64439397,187.73,20190318,13771669087169651488,9991"
)

func taxControl() document.Printed {
	return document.Printed{
		Kind: "天津增值税电子普通发票", TypeCode: "10", Code: "012001800211", Number: "23326471",
		Date: "2018-09-21", CheckCode: "16707184549009707698",
		BuyerTaxID: "91330000734500338C", SellerTaxID: "911201163409833307",
		Amount: "734.59", Tax: "22.04", Total: "756.63", Source: "pdf-text",
	}
}

func digital() document.Printed {
	return document.Printed{
		Kind: "电子发票（普通发票）", TypeCode: "32", Number: "25447000001115703415", Date: "2025-09-23",
		BuyerTaxID: "91440106068698695J", SellerTaxID: "91440101MA5AL52Y44",
		Amount: "47.17", Tax: "2.83", Total: "50.00", Source: "pdf-text",
	}
}

func codes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func verdicts(rows []Row) map[string]Verdict {
	m := map[string]Verdict{}
	for _, r := range rows {
		m[r.Field] = r.Verdict
	}
	return m
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		name     string
		qr       string
		printed  func(p *document.Printed)
		base     func() document.Printed
		verdicts map[string]Verdict
		findings []string
		basis    string
	}{
		{
			name: "tax-control, all agree", qr: taxControlQR, base: taxControl,
			verdicts: map[string]Verdict{"type": Same, "code": Same, "number": Same, "date": Same, "amount": Same, "check_code": Same},
			basis:    BasisAmount,
		},
		{
			name: "数电, amount including tax", qr: digitalQR, base: digital,
			verdicts: map[string]Verdict{"type": Same, "number": Same, "date": Same, "amount": Same},
			basis:    BasisTotal,
		},
		{
			name: "amount differs", qr: taxControlQR, base: taxControl,
			printed:  func(p *document.Printed) { p.Amount, p.Total = "743.59", "765.63" },
			verdicts: map[string]Verdict{"amount": Different},
			findings: []string{"mismatch_amount"},
		},
		{
			name: "number, code, date and check code differ", qr: taxControlQR, base: taxControl,
			printed: func(p *document.Printed) {
				p.Number, p.Code, p.Date, p.CheckCode = "23326472", "012001800212", "2018-09-22", "16707184549009707699"
			},
			verdicts: map[string]Verdict{"number": Different, "code": Different, "date": Different, "check_code": Different},
			findings: []string{"mismatch_code", "mismatch_number", "mismatch_date", "mismatch_check_code"},
		},
		{
			name: "exact decimals: 57 is 57.00", qr: "01,10,031001900511,04875996,57,20200420,77669856890717802165,64CF,",
			base: func() document.Printed {
				return document.Printed{Code: "031001900511", Number: "04875996", Date: "2020-04-20", CheckCode: "77669856890717802165", Amount: "57.00", Tax: "***", Total: "57.00"}
			},
			verdicts: map[string]Verdict{"amount": Same},
		},
		{
			// The real 代开 invoice of the corpus: its QR carries the total
			// including tax. The clerk sees a warning, not a mismatch.
			name: "issued on behalf (代开): QR amount is the total", qr: onBehalfQR,
			base: func() document.Printed {
				return document.Printed{Kind: "深圳增值税电子普通发票", TypeCode: "10", Code: "044031800311", Number: "64439397",
					Date: "2019-03-18", CheckCode: "13771669087169651488", Amount: "182.26", Tax: "5.47", Total: "187.73"}
			},
			verdicts: map[string]Verdict{"amount": Same},
			findings: []string{"amount_total_instead"},
			basis:    BasisTotal,
		},
		{
			name: "数电 QR amount before tax", qr: "01,32,,25447000001115703415,47.17,20250923,,", base: digital,
			verdicts: map[string]Verdict{"amount": Same},
			findings: []string{"amount_pretax_instead"},
			basis:    BasisAmount,
		},
		{
			name: "type differs", qr: taxControlQR, base: taxControl,
			printed:  func(p *document.Printed) { p.TypeCode = "20" },
			verdicts: map[string]Verdict{"type": Different},
			findings: []string{"mismatch_type"},
		},
		{
			name: "printed values must be typed", qr: taxControlQR,
			base:     func() document.Printed { return document.Printed{NeedsTyping: true} },
			verdicts: map[string]Verdict{"code": Missing, "number": Missing, "date": Missing, "amount": Missing, "check_code": Missing},
			findings: []string{"printed_needs_typing"},
		},
		{
			name: "a value not read", qr: taxControlQR, base: taxControl,
			printed:  func(p *document.Printed) { p.Date = "" },
			verdicts: map[string]Verdict{"date": Missing},
			findings: []string{"printed_incomplete"},
		},
		{
			name: "printed tax ID and sums checked", qr: taxControlQR, base: taxControl,
			printed:  func(p *document.Printed) { p.BuyerTaxID, p.Total = "91330000734500338D", "756.64" },
			verdicts: map[string]Verdict{"amount": Same},
			findings: []string{"tax_id_check", "printed_sum_mismatch"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.base()
			if tc.printed != nil {
				tc.printed(&p)
			}
			q := payload.Analyze(tc.qr, now)
			rows, fs := Compare(q, p)
			got := verdicts(rows)
			for f, v := range tc.verdicts {
				if got[f] != v {
					t.Errorf("%s: %q, want %q (rows %+v)", f, got[f], v, rows)
				}
			}
			gotCodes := codes(fs)
			for _, c := range tc.findings {
				if !slices.Contains(gotCodes, c) {
					t.Errorf("findings %v lack %s", gotCodes, c)
				}
			}
			for _, f := range fs {
				if !slices.Contains(tc.findings, f.Code) {
					t.Errorf("unexpected finding %s: %s", f.Code, f.English)
				}
				if f.Message == "" || f.English == "" {
					t.Errorf("finding %s lacks a message", f.Code)
				}
			}
			if tc.basis != "" {
				for _, r := range rows {
					if r.Field == FieldAmount && r.Basis != tc.basis {
						t.Errorf("amount compared with %q, want %q", r.Basis, tc.basis)
					}
				}
			}
		})
	}
}

func TestMismatchSeverity(t *testing.T) {
	p := taxControl()
	p.Amount, p.Number = "1.00", "23326472"
	_, fs := Compare(payload.Analyze(taxControlQR, now), p)
	for _, f := range fs {
		if (f.Code == "mismatch_amount" || f.Code == "mismatch_number") && f.Severity != finding.Error {
			t.Errorf("%s is %s, want error", f.Code, f.Severity)
		}
	}
}

func TestCompareWithoutQR(t *testing.T) {
	p := digital()
	p.SellerTaxID = "91440101MA5AL52Y4X"
	rows, fs := Compare(nil, p)
	if len(rows) != 0 || !slices.Contains(codes(fs), "tax_id_check") {
		t.Errorf("rows %+v, findings %v", rows, codes(fs))
	}
}

// A check value of no known kind is an info when the printed invoice
// vouches for every value of the QR code, and stays a warning of possible
// alteration when it does not.
func TestUnknownCheckValue(t *testing.T) {
	const odd = "01,10,012001800211,23326471,734.59,20180921,16707184549009707698,1234,"
	q := payload.Analyze(odd, now)
	if !finding.Has(q.Findings, payload.CodeCRCMismatch) {
		t.Fatalf("the odd check value matched a known variant: %v", codes(q.Findings))
	}
	find := func(fs []finding.Finding, code string) *finding.Finding {
		for i := range fs {
			if fs[i].Code == code {
				return &fs[i]
			}
		}
		return nil
	}
	rows, fs := Compare(q, taxControl())
	got := append(QRFindings(q, rows), fs...)
	if f := find(got, "crc_unknown_kind"); f == nil || f.Severity != finding.Info || f.Message == f.English || f.English == "" {
		t.Errorf("corroborated: findings %v, want crc_unknown_kind as an info in both languages", codes(got))
	}
	if finding.Has(got, payload.CodeCRCMismatch) {
		t.Errorf("corroborated: the alteration warning stayed: %v", codes(got))
	}
	for name, change := range map[string]func(p *document.Printed){
		"amount differs":     func(p *document.Printed) { p.Amount = "734.95" },
		"check code differs": func(p *document.Printed) { p.CheckCode = "16707184549009707699" },
		"number not read":    func(p *document.Printed) { p.Number = "" },
		"nothing read":       func(p *document.Printed) { *p = document.Printed{NeedsTyping: true} },
	} {
		p := taxControl()
		change(&p)
		rows, fs := Compare(q, p)
		got := append(QRFindings(q, rows), fs...)
		if !finding.Has(got, payload.CodeCRCMismatch) || finding.Has(got, "crc_unknown_kind") {
			t.Errorf("%s: findings %v, want the alteration warning kept", name, codes(got))
		}
	}
	// A value that is no check value at all is not vouched for.
	bad := payload.Analyze("01,10,012001800211,23326471,734.59,20180921,16707184549009707698,ZZZZ,", now)
	rows, fs = Compare(bad, taxControl())
	if got := append(QRFindings(bad, rows), fs...); !finding.Has(got, payload.CodeCRCMismatch) {
		t.Errorf("non-hex check value: %v", codes(got))
	}
}
