package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

const (
	paperPayload   = "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"
	digitalPayload = "01,32,,24312000000136634917,0.01,20240514,,1DD6"
	// tamperedPayload is paperPayload with the amount raised by 100 yuan and
	// the CRC left as it was.
	tamperedPayload = "01,10,044031600111,02407312,682.52,20171104,80883429292637169951,D8EA,"
)

// fixedNow keeps the date checks of the tests independent of the day they run.
func fixedNow() time.Time { return time.Date(2024, time.June, 3, 10, 0, 0, 0, time.Local) }

// newTestScreen opens the scan screen in a test window, in lang.
func newTestScreen(t *testing.T, lang string) *scanScreen {
	t.Helper()
	test.NewTempApp(t)
	s := newScanScreen(NewTranslator(lang), fixedNow)
	test.NewTempWindow(t, s.content())
	return s
}

func TestScanShowsParsedInvoice(t *testing.T) {
	tests := []struct {
		name, lang, text                       string
		number, amount, amountLabel, date, typ string
	}{
		{
			name: "paper, Chinese", lang: "zh", text: paperPayload,
			number: "02407312", amount: "¥582.52", amountLabel: "金额（不含税）",
			date: "2017年11月04日", typ: "增值税电子普通发票（10）",
		},
		{
			name: "paper, English", lang: "en", text: paperPayload,
			number: "02407312", amount: "¥582.52", amountLabel: "Amount (excl. tax)",
			date: "2017-11-04", typ: "增值税电子普通发票 (10)",
		},
		{
			name: "digital, Chinese", lang: "zh", text: digitalPayload,
			number: "24312000000136634917", amount: "¥0.01", amountLabel: "价税合计",
			date: "2024年05月14日",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestScreen(t, tt.lang)
			test.Type(s.input, tt.text)

			if got := s.input.Text; got != tt.text {
				t.Fatalf("entry holds %q, want %q", got, tt.text)
			}
			assertRow(t, "number", s.number, tt.number)
			assertRow(t, "amount", s.amount, tt.amount)
			assertRow(t, "date", s.date, tt.date)
			if got := s.amount.label.Text; got != tt.amountLabel {
				t.Errorf("amount label = %q, want %q", got, tt.amountLabel)
			}
			if tt.typ != "" {
				assertRow(t, "type", s.kind, tt.typ)
			}
			if s.crc.value.Importance != widget.SuccessImportance {
				t.Errorf("CRC row %q has importance %v, want success", s.crc.value.Text, s.crc.value.Importance)
			}
			if want := strings.SplitN(s.tr.T("crc.ok"), "%", 2)[0]; !strings.HasPrefix(s.crc.value.Text, want) {
				t.Errorf("CRC row = %q, want it to start with %q", s.crc.value.Text, want)
			}
			if finding.Has(s.shown, "crc_mismatch") {
				t.Errorf("findings %v include a CRC mismatch", codes(s.shown))
			}
		})
	}
}

func TestScanWarnsOfTamperedPayload(t *testing.T) {
	s := newTestScreen(t, "zh")
	test.Type(s.input, tamperedPayload)

	assertRow(t, "amount", s.amount, "¥682.52")
	if s.crc.value.Importance != widget.WarningImportance {
		t.Errorf("CRC row %q has importance %v, want warning", s.crc.value.Text, s.crc.value.Importance)
	}
	var crc *finding.Finding
	for i, f := range s.shown {
		if f.Code == "crc_mismatch" {
			crc = &s.shown[i]
		}
	}
	if crc == nil {
		t.Fatalf("findings %v lack crc_mismatch", codes(s.shown))
	}
	if crc.Severity != finding.Warning {
		t.Errorf("crc_mismatch severity = %s, want warning", crc.Severity)
	}
	if len(s.findings.Objects) != len(s.shown) {
		t.Errorf("findings list has %d rows for %d findings", len(s.findings.Objects), len(s.shown))
	}
}

func TestScanClearsWhenEmptied(t *testing.T) {
	s := newTestScreen(t, "zh")
	test.Type(s.input, paperPayload)
	s.input.SetText("")

	assertRow(t, "number", s.number, placeholder)
	assertRow(t, "amount", s.amount, placeholder)
	if s.result != nil || len(s.shown) != 0 {
		t.Errorf("after clearing: result %v, findings %v", s.result, codes(s.shown))
	}
}

func assertRow(t *testing.T, name string, row *resultRow, want string) {
	t.Helper()
	if got := row.value.Text; got != want {
		t.Errorf("%s shows %q, want %q", name, got, want)
	}
}

func codes(fs []finding.Finding) []string {
	var c []string
	for _, f := range fs {
		c = append(c, f.Code)
	}
	return c
}

func BenchmarkScanUpdate(b *testing.B) {
	test.NewTempApp(b)
	s := newScanScreen(NewTranslator("zh"), fixedNow)
	test.NewTempWindow(b, s.content())
	for b.Loop() {
		s.input.SetText(paperPayload)
		s.input.SetText(digitalPayload)
	}
}

func TestScanListsWorstFindingsFirst(t *testing.T) {
	s := newTestScreen(t, "en")
	test.Type(s.input, "01,04,3200171320,0123456,abc,20991301,12345,FFFF")

	if len(s.shown) < 2 {
		t.Fatalf("findings %v, want several", codes(s.shown))
	}
	for i := 1; i < len(s.shown); i++ {
		if s.shown[i].Severity.Rank() > s.shown[i-1].Severity.Rank() {
			t.Errorf("finding %d (%s) is worse than finding %d (%s)", i, s.shown[i].Severity, i-1, s.shown[i-1].Severity)
		}
	}
}
