package payload

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// testNow is a fixed "today" so that date checks do not drift.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

type fixture struct {
	payload, typ, code, number, amount, date, check, crc, variant, meaning string
}

func readFixtures(t *testing.T) []fixture {
	f, err := os.Open(shared.Path(t, "fixtures", "qr-payloads.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fixture
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 10 {
			t.Fatalf("fixture row has %d columns: %q", len(c), sc.Text())
		}
		out = append(out, fixture{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]})
	}
	if len(out) == 0 {
		t.Fatal("no fixtures read")
	}
	return out
}

func TestFixtures(t *testing.T) {
	for _, fx := range readFixtures(t) {
		t.Run(fx.number, func(t *testing.T) {
			r := Analyze(fx.payload, testNow)
			wantDate := fx.date[:4] + "-" + fx.date[4:6] + "-" + fx.date[6:]
			wantMeaning := map[string]AmountMeaning{"pre-tax": PreTax, "incl-tax": InclTax}[fx.meaning]
			got := []string{string(r.Kind), r.TypeCode, r.Code, r.Number, r.Amount.String(), r.Date.String(), r.CheckCode, r.CRC.Value, string(r.AmountMeaning)}
			want := []string{"invoice", fx.typ, fx.code, fx.number, fx.amount, wantDate, fx.check, fx.crc, string(wantMeaning)}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("field %d = %q, want %q", i, got[i], want[i])
				}
			}
			if !r.CRC.OK || r.CRC.Variant != "umts-"+fx.variant {
				t.Errorf("CRC = %+v, want ok with umts-%s", r.CRC, fx.variant)
			}
			if w := finding.Worst(r.Findings); w == finding.Error {
				t.Errorf("real payload has errors: %+v", r.Findings)
			}
		})
	}
}

// Changing any one character of fields 1–7 must be caught by the CRC check:
// CRC-16 detects every error burst of up to 16 bits.
func TestFixtureTamperingCaught(t *testing.T) {
	var alphabet []byte
	for c := byte(0x20); c < 0x7f; c++ {
		alphabet = append(alphabet, c)
	}
	for _, fx := range readFixtures(t) {
		tok := strings.Split(fx.payload, ",")
		bodyLen := len(strings.Join(tok[:7], ","))
		tried := 0
		for i := 0; i < bodyLen; i++ {
			for _, c := range alphabet {
				if fx.payload[i] == c {
					continue
				}
				mut := fx.payload[:i] + string(c) + fx.payload[i+1:]
				r := Parse(mut)
				tried++
				if r.CRC.OK {
					t.Errorf("%s: changing byte %d to %q went unnoticed: %q", fx.number, i, c, mut)
				}
			}
		}
		if tried == 0 {
			t.Fatalf("%s: nothing mutated", fx.number)
		}
	}
}

type expectedFile struct {
	File    string   `json:"file"`
	QRTexts []string `json:"qr_texts"`
	Printed map[string]string
	Notes   []string `json:"notes"`
	Kind    string   `json:"kind"`
	What    string   `json:"what"`
}

func TestRealCorpusTexts(t *testing.T) {
	b, err := os.ReadFile(shared.Path(t, "corpus", "real", "EXPECTED.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []expectedFile
	if err := json.Unmarshal(b, &files); err != nil {
		t.Fatal(err)
	}
	seen, crcWarned := 0, 0
	for _, f := range files {
		for _, text := range f.QRTexts {
			seen++
			r := Analyze(text, testNow)
			if strings.HasPrefix(text, "CZ-EI-") {
				if r.Kind != KindReceipt || r.Number != "0010925600" || r.Amount.String() != "90.00" || r.Date.String() != "2026-06-09" {
					t.Errorf("%s: receipt read as %+v", f.File, r)
				}
				continue
			}
			tok := strings.Split(text, ",")
			wantDate := strings.ReplaceAll(tok[5], "-", "")
			wantDate = wantDate[:4] + "-" + wantDate[4:6] + "-" + wantDate[6:]
			if r.Kind != KindInvoice || r.TypeCode != tok[1] || r.Number != strings.TrimSpace(tok[3]) ||
				r.Amount.String() != tok[4] || r.Date.String() != wantDate {
				t.Errorf("%s: %q read as kind=%s type=%s number=%s amount=%s date=%s",
					f.File, text, r.Kind, r.TypeCode, r.Number, r.Amount, r.Date)
			}
			// Where the file's printed values are known, the QR must agree
			// with them on number and date.
			if p := f.Printed; p != nil && p["number"] != "" && len(f.QRTexts) == 1 {
				if p["number"] != r.Number || (p["date"] != "" && p["date"] != r.Date.String()) {
					t.Errorf("%s: QR number/date %s %s, printed %s %s", f.File, r.Number, r.Date, p["number"], p["date"])
				}
			}
			for _, fd := range r.Findings {
				if fd.Severity == finding.Error {
					t.Errorf("%s: real code %q got error %s: %s", f.File, text, fd.Code, fd.English)
				}
			}
			if !r.CRC.OK {
				crcWarned++
				if !finding.Has(r.Findings, "crc_mismatch") && !finding.Has(r.Findings, "crc_missing") {
					t.Errorf("%s: CRC not ok but no CRC warning: %+v", f.File, r.Findings)
				}
			}
		}
	}
	if seen < 80 {
		t.Fatalf("only %d QR texts in the corpus", seen)
	}
	t.Logf("%d real QR texts parsed; %d without a matching CRC", seen, crcWarned)
}
