package payload

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// withCRC completes fields 1–7 with their CRC-16/UMTS and the trailing comma.
func withCRC(body string) string { return body + "," + ComputeCRC(body) + "," }

func codes(r *Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func TestCRCCheckValues(t *testing.T) {
	if got := crc16UMTS("123456789"); got != 0xFEE8 {
		t.Errorf("CRC-16/UMTS check value = %04X, want FEE8", got)
	}
	if got := crc16Modbus("123456789"); got != 0x4B37 {
		t.Errorf("CRC-16/MODBUS check value = %04X, want 4B37", got)
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		text string
		kind Kind
		code string // a finding expected, or ""
	}{
		{"", KindOther, "empty"},
		{"   \r\n", KindOther, "empty"},
		{"hello world", KindOther, "not_invoice"},
		{"wxp://f2f0abc", KindOther, "not_invoice"},
		{"https://example.com/pay?id=1", KindOther, "not_invoice"},
		{"https://bcfp.shenzhen.chinatax.gov.cn/verify/scan?hash=00ab&bill_num=03434495&kprq=20190315", KindURL, ""},
		{"https://bcfp.shenzhen.chinatax.gov.cn/verify/scan?hash=00ab", KindURL, "url_no_number"},
		{"https://fp.example.com/q?fpdm=044031900111&fphm=12345678", KindURL, ""},
		{"CZ-EI-00,1.1.0,00010126,0010925600,b05e2a,20260609,90.00", KindReceipt, "receipt_not_vat"},
		{"CZ-EI-00,1.1.0,00010126", KindReceipt, "field_count"},
		{"01,10,044031600111", KindInvoice, "field_count"},
		{"01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,,X", KindInvoice, "field_count"},
		{"\ufeff01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,\r\n", KindInvoice, ""},
	}
	for _, tt := range tests {
		r := Analyze(tt.text, testNow)
		if r.Kind != tt.kind {
			t.Errorf("%q: kind %s, want %s", tt.text, r.Kind, tt.kind)
		}
		if tt.code != "" && !finding.Has(r.Findings, tt.code) {
			t.Errorf("%q: findings %v, want %s", tt.text, codes(r), tt.code)
		}
		if tt.code == "" && finding.Worst(r.Findings) == finding.Error {
			t.Errorf("%q: unexpected errors %v", tt.text, codes(r))
		}
		if r.Raw != tt.text {
			t.Errorf("raw text not kept: %q", r.Raw)
		}
	}
}

func TestURLFields(t *testing.T) {
	r := Analyze("https://bcfp.shenzhen.chinatax.gov.cn/verify/scan?hash=00ab&bill_num=03434495&kprq=20190315", testNow)
	if r.Number != "03434495" || r.Date.String() != "2019-03-15" || r.URLHost != "bcfp.shenzhen.chinatax.gov.cn" || r.URLQuery["hash"] != "00ab" {
		t.Errorf("URL read as %+v", r)
	}
}

func TestSellerTaxIDLayout(t *testing.T) {
	r := Analyze("01,10,044031900111,12345678,91320621MA1MRHG205,100.00,20200101,12345678901234567890", testNow)
	if r.Layout != LayoutSellerTaxID || r.SellerTaxID != "91320621MA1MRHG205" || r.Amount.String() != "100.00" || r.Date.String() != "2020-01-01" {
		t.Fatalf("read as %+v", r)
	}
	// Blockchain invoices' check code is five hex characters.
	bc := Analyze("01,10,144031909110,03434495,91320621MA1MRHG205,100.00,20190315,e9052", testNow)
	if bc.CheckCode != "e9052" || finding.Has(bc.Findings, "check_code_format") {
		t.Errorf("blockchain check code: %q, %v", bc.CheckCode, codes(bc))
	}
	bad := Analyze("01,10,044031900111,12345678,91320621MA1MRHG207,100.00,20200101,12345678901234567890", testNow)
	if !finding.Has(bad.Findings, "tax_id_check") {
		t.Errorf("bad seller tax ID not flagged: %v", codes(bad))
	}
}

// Each check, one payload that should trigger it and nothing worse than it.
func TestFindings(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
		sev  finding.Severity
	}{
		{"crc mismatch", "01,10,044031600111,02407312,582.53,20171104,80883429292637169951,D8EA,", "crc_mismatch", finding.Warning},
		{"crc not hex", "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,ZZZZ,", "crc_mismatch", finding.Warning},
		{"crc missing 7 fields", "01,10,044032100111,63435756,1919.47,20210906,04539546210006473110", "crc_missing", finding.Warning},
		{"crc empty", "01,32,,25317000002856140513,73.20,2025-11-08,,", "crc_missing", finding.Warning},
		{"iso date", "01,32,,25317000002856140513,73.20,2025-11-08,,", "date_layout", finding.Info},
		{"spaces", "01,31, ,23312000000022697648,111598.39,20230531, ,A0FF", "field_spaces", finding.Info},
		{"unknown type", withCRC("01,77,044031600111,02407312,582.52,20171104,80883429292637169951"), "type_unknown", finding.Warning},
		{"unknown version", withCRC("02,10,044031600111,02407312,582.52,20171104,80883429292637169951"), "version_unknown", finding.Warning},
		{"amount not a number", "01,10,044031600111,02407312,58x.52,20171104,80883429292637169951,D8EA,", "amount_format", finding.Error},
		{"amount missing", withCRC("01,10,044031600111,02407312,,20171104,80883429292637169951"), "amount_missing", finding.Error},
		{"red invoice", withCRC("01,10,044031600111,02407312,-582.52,20171104,80883429292637169951"), "amount_negative", finding.Info},
		{"date not real", withCRC("01,10,044031600111,02407312,582.52,20170230,80883429292637169951"), "date_format", finding.Error},
		{"date missing", withCRC("01,10,044031600111,02407312,582.52,,80883429292637169951"), "date_missing", finding.Error},
		{"date in future", withCRC("01,32,,26312000000136634917,10.00,20261123,"), "date_future", finding.Error},
		{"code missing", withCRC("01,10,,02407312,582.52,20171104,80883429292637169951"), "code_missing", finding.Error},
		{"code letters", withCRC("01,10,04403160011A,02407312,582.52,20171104,80883429292637169951"), "code_format", finding.Error},
		{"code length", withCRC("01,01,44001841300,18532887,14208.32,20190219,"), "code_format", finding.Error},
		{"digital on paper", withCRC("01,32,044031600111,24312000000136634917,0.01,20240514,"), "digital_on_paper", finding.Info},
		{"number length", withCRC("01,10,044031600111,0240731,582.52,20171104,80883429292637169951"), "number_format", finding.Error},
		{"number 20 on 数电", withCRC("01,32,,2431200000013663491,0.01,20240514,"), "number_format", finding.Error},
		{"number missing", withCRC("01,10,044031600111,,582.52,20171104,80883429292637169951"), "number_missing", finding.Error},
		{"check code missing", withCRC("01,10,044031600111,02407312,582.52,20171104,"), "check_code_missing", finding.Error},
		{"check code short", withCRC("01,10,044031600111,02407312,582.52,20171104,8088342929263716995"), "check_code_format", finding.Error},
		{"check code on special", withCRC("01,01,4400184130,18532887,14208.32,20190219,80883429292637169951"), "check_code_unexpected", finding.Warning},
		{"code region", withCRC("01,10,099031600111,02407312,582.52,20171104,80883429292637169951"), "code_region_unknown", finding.Warning},
		{"code year 00", withCRC("01,10,044030000111,02407312,582.52,20171104,80883429292637169951"), "code_year_invalid", finding.Error},
		{"code year after date", withCRC("01,10,044031900111,02407312,582.52,20171104,80883429292637169951"), "code_year_after_date", finding.Warning},
		{"code kind vs type", withCRC("01,10,044031600113,02407312,582.52,20171104,80883429292637169951"), "code_type_mismatch", finding.Warning},
		{"10-digit code kind vs type", withCRC("01,01,4200161350,00015045,165106.00,20160501,"), "code_type_mismatch", finding.Warning},
		{"12-digit not starting 0", withCRC("01,10,144031600111,02407312,582.52,20171104,80883429292637169951"), "code_structure", finding.Warning},
		{"number year", withCRC("01,32,,23312000000136634917,0.01,20240514,"), "number_year_mismatch", finding.Warning},
		{"number province", withCRC("01,32,,24992000000136634917,0.01,20240514,"), "number_province_unknown", finding.Warning},
		// Whatever verification lacks is an error of its own as well.
		{"verify incomplete", withCRC("01,01,4400184130,18532887,,20190219,"), "verify_incomplete", finding.Warning},
		{"verify too old", "01,04,4200161350,00015045,165106.00,20160501,48114255542168294433,DBFE,", "verify_too_old", finding.Info},
		{"verify same day", withCRC("01,32,,26312000000136634917,10.00,20261122,"), "verify_same_day", finding.Info},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(tt.text, testNow)
			var got *finding.Finding
			for i := range r.Findings {
				if r.Findings[i].Code == tt.want {
					got = &r.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("%q: findings %v, want %s", tt.text, codes(r), tt.want)
			}
			if got.Severity != tt.sev {
				t.Errorf("%s has severity %s, want %s", tt.want, got.Severity, tt.sev)
			}
			if got.Message == "" || got.English == "" || got.Message == got.English {
				t.Errorf("%s lacks a message in both languages: %+v", tt.want, got)
			}
			if tt.sev != finding.Error && tt.want != "verify_incomplete" && finding.Worst(r.Findings) == finding.Error {
				t.Errorf("%q: unexpected error among %v", tt.text, codes(r))
			}
		})
	}
}

// A clean payload of each family triggers nothing above info.
func TestCleanPayloads(t *testing.T) {
	for _, text := range []string{
		withCRC("01,10,044031600111,02407312,582.52,20241104,80883429292637169951"),
		withCRC("01,01,4400184130,18532887,14208.32,20241104,"),
		withCRC("01,14,042002400112,07007198,286.23,20241104,12636666022332927910"),
		withCRC("01,20,052002100113,00008006,24519.05,20220505,18001801513030862041"),
		"01,32,,24312000000136634917,0.01,20240514,,1DD6",
		"01,51,,25379266878000000370,6.50,20250616,,7b25",
	} {
		r := Analyze(text, testNow)
		if w := finding.Worst(r.Findings); w == finding.Error || w == finding.Warning {
			t.Errorf("%q: %v", text, codes(r))
		}
		if !r.Verification.Ready {
			t.Errorf("%q: verification not ready: %+v", text, r.Verification)
		}
	}
}

func TestVerificationNeeds(t *testing.T) {
	tests := map[string]string{
		"01,04,4200161350,00015045,165106.00,20160501,48114255542168294433,DBFE,": "code number date check_code_last6",
		"01,01,1200154130,03630024,94339.62,20160621,,9335,":                      "code number date amount",
		"01,31,,24312000000358032546,633.00,20241118,,16C0":                       "number date amount",
	}
	for text, want := range tests {
		r := Analyze(text, testNow)
		if got := strings.Join(r.Verification.Needs, " "); got != want {
			t.Errorf("%q needs %q, want %q", text, got, want)
		}
	}
}

func TestIdentity(t *testing.T) {
	for text, want := range map[string]string{
		"01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,": "044031600111-02407312",
		"01,32,,24312000000136634917,0.01,20240514,,1DD6":                        "24312000000136634917",
		"01,31, ,23312000000022697648,111598.39,20230531, ,A0FF":                 "23312000000022697648",
		"hello": "",
	} {
		if got := Parse(text).Identity(); got != want {
			t.Errorf("Identity(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestJSONContract(t *testing.T) {
	r := Analyze("01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,", testNow)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"kind": "invoice", "type_code": "10", "type_name": "增值税电子普通发票", "code": "044031600111",
		"number": "02407312", "amount": "582.52", "amount_meaning": "pre_tax", "date": "2017-11-04",
		"check_code": "80883429292637169951",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	crc, _ := m["crc"].(map[string]any)
	if crc["value"] != "D8EA" || crc["ok"] != true || crc["variant"] != "umts-with-comma" {
		t.Errorf("crc = %v", crc)
	}
	if _, ok := m["findings"].([]any); !ok {
		t.Errorf("findings is not a list: %v", m["findings"])
	}
	other, _ := json.Marshal(Analyze("hello", testNow))
	if !strings.Contains(string(other), `"amount":null`) || !strings.Contains(string(other), `"kind":"other"`) {
		t.Errorf("other JSON = %s", other)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,",
		"01,32,,24312000000136634917,0.01,20240514,,1DD6",
		"01,51,,25379266878000000370,6.50,20250616,,7b25",
		"01,31, ,23312000000022697648,111598.39,20230531, ,A0FF",
		"CZ-EI-00,1.1.0,00010126,0010925600,b05e2a,20260609,90.00",
		"https://bcfp.shenzhen.chinatax.gov.cn/verify/scan?bill_num=1&kprq=20190315",
		"01,10,044031900111,12345678,91320621MA1MRHG205,100.00,20200101,12345678901234567890",
		"",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		r := Analyze(text, now)
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if !r.CRC.OK {
			return
		}
		// A CRC reported ok must really be the CRC of fields 1–7 as given.
		tok := strings.Split(strings.TrimSpace(strings.TrimPrefix(text, "\ufeff")), ",")
		body := strings.Join(tok[:7], ",")
		if r.CRC.WithComma {
			body += ","
		}
		sum := crc16UMTS(body)
		if r.CRC.Algorithm == "CRC-16/MODBUS" {
			sum = crc16Modbus(body)
		}
		if !strings.EqualFold(fmt.Sprintf("%04X", sum), r.CRC.Value) {
			t.Fatalf("CRC %s reported ok (%s) for %q; it is %04X", r.CRC.Value, r.CRC.Variant, text, sum)
		}
	})
}

// The six-field layout of 2022 railway e-tickets is read as such, not as
// a standard payload whose fields have slid one place: no false findings.
func TestTicketLayout(t *testing.T) {
	body := "01,51,22110000000012345678,166.05,20220317"
	for _, v := range []string{"umts-with-comma", "umts-without-comma", "modbus-with-comma", "modbus-without-comma"} {
		crc := strings.ToLower(ComputeCRCVariant(body, v))
		r := Analyze(body+","+crc, testNow)
		if r.Layout != LayoutTicket || r.Number != "22110000000012345678" || r.Amount.String() != "166.05" ||
			r.Date.String() != "2022-03-17" || r.Code != "" || !r.CRC.OK || r.CRC.Variant != v {
			t.Fatalf("%s: read as layout %s number %q amount %q date %s crc %+v", v, r.Layout, r.Number, r.AmountText, r.Date, r.CRC)
		}
		if w := finding.Worst(r.Findings); w != finding.Info {
			t.Errorf("%s: findings %v, want only infos", v, codes(r))
		}
		if !finding.Has(r.Findings, "ticket_layout") {
			t.Errorf("%s: the layout is not said: %v", v, codes(r))
		}
	}
	// A wrong check value is still a warning, and a six-field text that is
	// not the ticket layout is still incomplete.
	if r := Analyze(body+",0000", testNow); !finding.Has(r.Findings, CodeCRCMismatch) {
		t.Errorf("wrong check value not flagged: %v", codes(r))
	}
	if r := Analyze("01,10,044031600111,02407312,582.52,20171104", testNow); r.Layout != LayoutStandard || !finding.Has(r.Findings, "field_count") {
		t.Errorf("a cut standard payload read as %s: %v", r.Layout, codes(r))
	}
}

// A check value written without its leading zero is the same number.
func TestCRCThreeDigits(t *testing.T) {
	n := 0
	for i := 0; i < 5000 && n < 3; i++ {
		body := fmt.Sprintf("01,32,,24312000000136%06d,0.01,20240514,", i)
		crc := ComputeCRC(body)
		if crc[0] != '0' {
			continue
		}
		n++
		short := body + "," + crc[1:]
		r := Analyze(short, testNow)
		if !r.CRC.OK || finding.Has(r.Findings, CodeCRCMismatch) {
			t.Errorf("%q: CRC %+v, findings %v", short, r.CRC, codes(r))
		}
		if r.CRC.Value != crc[1:] {
			t.Errorf("%q: CRC value kept as %q, want it as written", short, r.CRC.Value)
		}
		// Another number in three digits is still a mismatch.
		other := fmt.Sprintf("%03X", (int(crc16UMTS(body+","))+1)&0xFFF)
		if r := Analyze(body+","+other, testNow); r.CRC.OK {
			t.Errorf("%q matched with %s", body, other)
		}
	}
	if n == 0 {
		t.Fatal("no body with a CRC below 0x1000 tried")
	}
}
