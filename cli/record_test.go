package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store"
)

// `fapiao record` checks what was typed off the paper, and with --save
// records it through the window's pipeline: a new invoice as typed, the
// same invoice typed again a duplicate of the first entry, an invoice
// scanned before a duplicate of its scan with the typed values compared.
func TestRecordCommand(t *testing.T) {
	path := historyDB(t)
	paper := []string{"record", "--type", "32", "--number", "25312000000136634917", "--date", "2025年5月14日",
		"--total", "¥1,130.00", "--seller", "上海某某科技有限公司"}
	runCases(t, []cmdCase{
		{append(paper[:1:1], "--help"), exitOK, "--check-code"},
		{paper, exitOK, "可以记录"},
		{[]string{"record", "--type", "10", "--code", "04403160011", "--number", "0240731", "--date", "2027-01-01"},
			exitFail, "发票代码 04403160011 有 11 位"},
		{[]string{"record", "--lang", "en", "--type", "10", "--number", "02407312", "--date", "2017-13-01", "--amount", "x"},
			exitFail, "issue date \"2017-13-01\" cannot be read"},
		{[]string{"record", "--type", "32", "extra"}, exitUsage, "unexpected argument"},
	})
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	record := func(args ...string) map[string]any {
		t.Helper()
		code, out, errs := run(t, "", append(args, "--save", "--json", "--db", path)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var r struct {
			Invoices []map[string]any `json:"invoices"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Invoices) != 1 {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
		return r.Invoices[0]
	}
	first := record(append(paper, "--clerk", "张三")...)
	if first["duplicate_of"] != nil || first["qr"] != nil || !strings.Contains(mustMarshal(first), `"no_qr"`) {
		t.Errorf("first entry: %v", first)
	}
	again := record(append(paper, "--clerk", "李四")...)
	dup, _ := again["duplicate_of"].(map[string]any)
	if dup == nil || dup["clerk"] != "张三" || dup["source"] != "typed" || again["invoice_id"] != first["invoice_id"] {
		t.Errorf("typed again: %v", again)
	}
	// The invoice a.pdf gave, typed off its paper with an amount mistyped.
	torn := filepath.Join(t.TempDir(), "torn.png")
	if err := os.WriteFile(torn, []byte("not a picture"), 0o600); err != nil {
		t.Fatal(err)
	}
	scanned := record("record", "--type", "10", "--code", "044031600111", "--number", "02407312", "--date", "20171104",
		"--amount", "582.25", "--check-code", "169951", "--file", torn)
	dup, _ = scanned["duplicate_of"].(map[string]any)
	if dup == nil || dup["file"] != "/票据/a.pdf" || !strings.Contains(mustMarshal(scanned), `"mismatch_amount"`) {
		t.Errorf("typed after its scan: %v", scanned)
	}

	code, out, errs := run(t, "", "history", "--json", "--full", "--db", path, "25312000000136634917")
	var inv store.Invoice
	if code != exitOK || json.Unmarshal([]byte(out), &inv) != nil {
		t.Fatalf("history: %d %s %s", code, out, errs)
	}
	if inv.FirstSeen.Source != store.SourceTyped || inv.Total.String() != "1130.00" || inv.Typed[store.PrintedTotal] != "1130.00" ||
		len(inv.Printed) != 0 || inv.Seen != 2 || inv.TypedValues[0].Clerk != "张三" || inv.SellerName != "上海某某科技有限公司" {
		t.Errorf("history --full: %s", out)
	}
	csv := filepath.Join(t.TempDir(), "out.csv")
	runCases(t, []cmdCase{
		{[]string{"export", "--db", path, "--format", "csv-plain", "--out", csv}, exitOK, ""},
		{[]string{"audit", "verify", "--db", path}, exitOK, "审计日志完整"},
	})
	b, err := os.ReadFile(csv)
	if err != nil || !strings.Contains(string(b), "25312000000136634917") || !strings.Contains(string(b), "1130") {
		t.Errorf("export: %v\n%s", err, b)
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
