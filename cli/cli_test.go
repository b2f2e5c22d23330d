package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	var svc Services
	svc.fill()
	e := &env{svc: svc, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		now: func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }, lang: "zh"}
	code = e.run(args)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // expected in stdout (exit 0) or stderr
	}{
		{[]string{"--help"}, 0, "Usage: fapiao"},
		{[]string{"help", "parse"}, 0, "Usage: fapiao parse"},
		{[]string{"parse", "--help"}, 0, "--json"},
		{[]string{"version", "--help"}, 0, "Usage: fapiao version"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"parse"}, 2, "no payload"},
		{[]string{"parse", "--bogus", "x"}, 2, "flag provided but not defined"},
		{[]string{"parse", "--lang", "fr", "x"}, 2, "want zh or en"},
		{[]string{"version", "extra"}, 2, "takes no arguments"},
		{[]string{"version"}, 0, "fapiao "},
	}
	for _, tt := range tests {
		code, out, errs := run(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, errs)
		}
		where := out
		if tt.code != 0 {
			where = errs
			if len(strings.Split(strings.TrimSpace(errs), "\n")) > 3 && tt.args[0] != "frobnicate" {
				t.Errorf("%v: usage error is not short: %q", tt.args, errs)
			}
		}
		if !strings.Contains(where, tt.out) {
			t.Errorf("%v: output %q lacks %q", tt.args, where, tt.out)
		}
	}
}

func TestParseJSONLines(t *testing.T) {
	stdin := "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,\r\n\n" +
		"01,32,,24312000000136634917,0.01,20240514,,1DD6\nnot an invoice\n"
	code, out, errs := run(t, stdin, "parse", "--json", "-", "01,51,,25379266878000000370,6.50,20250616,,7b25")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), out)
	}
	want := []struct{ kind, number, amount, variant string }{
		{"invoice", "02407312", "582.52", "umts-with-comma"},
		{"invoice", "24312000000136634917", "0.01", "umts-with-comma"},
		{"other", "", "", ""},
		{"invoice", "25379266878000000370", "6.50", "modbus-with-comma"},
	}
	for i, l := range lines {
		var m struct {
			Kind   string  `json:"kind"`
			Number string  `json:"number"`
			Amount *string `json:"amount"`
			CRC    *struct {
				Variant string `json:"variant"`
				OK      bool   `json:"ok"`
			} `json:"crc"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
		amount, variant := "", ""
		if m.Amount != nil {
			amount = *m.Amount
		}
		if m.CRC != nil {
			variant = m.CRC.Variant
		}
		if m.Kind != want[i].kind || m.Number != want[i].number || amount != want[i].amount || variant != want[i].variant {
			t.Errorf("line %d = %+v amount=%s variant=%s, want %+v", i, m, amount, variant, want[i])
		}
	}
}

func TestParseStrict(t *testing.T) {
	if code, _, _ := run(t, "", "parse", "--strict", "hello"); code != 1 {
		t.Errorf("--strict on a non-invoice: exit %d, want 1", code)
	}
	if code, _, _ := run(t, "", "parse", "--strict", "01,32,,24312000000136634917,0.01,20240514,,1DD6"); code != 0 {
		t.Errorf("--strict on a clean invoice: exit %d, want 0", code)
	}
	if code, _, _ := run(t, "", "parse", "hello"); code != 0 {
		t.Errorf("without --strict: exit %d, want 0", code)
	}
}

func TestParseHuman(t *testing.T) {
	_, out, _ := run(t, "", "parse", "01,10,044031600111,02407312,582.53,20171104,80883429292637169951,D8EA,")
	for _, s := range []string{"发票号码", "02407312", "¥582.53 (不含税)", "2017-11-04", "D8EA 不符", "crc_mismatch"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	_, out, _ = run(t, "", "parse", "--lang", "en", "01,31,,26442000004359167806,1705400.00,20260421,,8EEF")
	for _, s := range []string{"number", "¥1,705,400.00 (incl. tax)", "8EEF ok (CRC-16/UMTS, with the comma after field 7)", "digital invoice (VAT special)"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

// A line over 1 MiB on standard input is reported as such, and the lines
// after it are parsed: one result a line, in order.
func TestParseLongLine(t *testing.T) {
	long := strings.Repeat("9", 1<<20+5)
	stdin := "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,\n" + long + "\r\n" +
		"01,32,,24312000000136634917,0.01,20240514,,1DD6\n" + strings.Repeat("x", 3<<20) + "\n" +
		"01,51,,25379266878000000370,6.50,20250616,,7b25"
	code, out, errs := run(t, stdin, "parse", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d results, want 5: %s", len(lines), errs)
	}
	for i, want := range []string{"02407312", "line_too_long", "24312000000136634917", "line_too_long", "25379266878000000370"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("result %d lacks %q: %.200s", i+1, want, lines[i])
		}
	}
	if len(out) > 10000 || !strings.Contains(errs, "line 2: 1048581 bytes") || !strings.Contains(errs, "line 4: 3145728 bytes") {
		t.Errorf("stderr %q; %d bytes out", errs, len(out))
	}
	if code, _, _ := run(t, long, "parse", "--strict", "-"); code != exitFail {
		t.Errorf("--strict: exit %d, want 1", code)
	}
}
