package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// historyDB makes a history with three invoices and returns its path.
func historyDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ins := []store.ScanInput{
		{File: "/票据/a.pdf", Source: store.SourceFile, Invoices: []store.InvoiceInput{{
			QR: payload.Analyze("01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,", now), Page: 1,
			Printed: map[string]string{store.PrintedSellerName: "深圳某某有限公司", store.PrintedTax: "17.48"}}}},
		{File: "b.png", Source: store.SourceFile, Clerk: "李四", Invoices: []store.InvoiceInput{{
			QR: payload.Analyze("01,32,,24312000000136634917,0.01,20240514,,1DD6", now)}}},
		{Source: store.SourceGun, Invoices: []store.InvoiceInput{{
			QR: payload.Analyze("01,32,,24312000000136634917,0.01,20240514,,1DD6", now)}}},
	}
	for _, in := range ins {
		if _, err := s.Record(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

type cmdCase struct {
	args []string
	code int
	out  string // in stdout for exit 0, else in stderr (or stdout for audit/state findings)
}

func runCases(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, c := range cases {
		code, out, errs := run(t, "", c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", c.args, code, c.code, out, errs)
			continue
		}
		if !strings.Contains(out+errs, c.out) {
			t.Errorf("%v: output lacks %q\nstdout: %s\nstderr: %s", c.args, c.out, out, errs)
		}
		if c.code == exitUsage && len(strings.Split(strings.TrimSpace(errs), "\n")) > 3 {
			t.Errorf("%v: usage error is not short: %q", c.args, errs)
		}
	}
}

func TestHistoryCommandUsage(t *testing.T) {
	db := historyDB(t)
	runCases(t, []cmdCase{
		{[]string{"history", "--help"}, 0, "--findings"},
		{[]string{"state", "--help"}, 0, "--note"},
		{[]string{"blacklist", "--help"}, 0, "--reason"},
		{[]string{"audit", "--help"}, 0, "verify"},
		{[]string{"export", "--help"}, 0, "--format"},
		{[]string{"clerk", "--help"}, 0, "--db"},
		{[]string{"help", "history"}, 0, "--db"},
		{[]string{"history", "--db", db, "--findings", "some"}, 2, "want error, warning or any"},
		{[]string{"history", "--db", db, "--from", "yesterday"}, 2, "--from"},
		{[]string{"history", "--db", db, "--from", "2024-05-01", "--to", "2024-04-01"}, 2, "before"},
		{[]string{"history", "--db", db, "--state", "paid"}, 2, "--state"},
		{[]string{"history", "--db", db, "a", "b"}, 2, "at most one"},
		{[]string{"history", "--db", db, "--limit", "-1"}, 2, "--limit"},
		{[]string{"state", "--db", db, "02407312"}, 2, "want IDENTITY and STATE"},
		{[]string{"state", "--db", db, "02407312", "paid"}, 2, "want new, locked"},
		{[]string{"blacklist", "--db", db}, 2, "want add, remove or list"},
		{[]string{"blacklist", "--db", db, "ban", "x"}, 2, "unknown action"},
		{[]string{"blacklist", "--db", db, "add", "12345"}, 2, "characters"},
		{[]string{"blacklist", "--db", db, "list", "x"}, 2, "no arguments"},
		{[]string{"audit", "--db", db}, 2, "want verify or list"},
		{[]string{"export", "--db", db}, 2, "--out FILE is required"},
		{[]string{"export", "--db", db, "--out", "x.ods"}, 2, "want csv, csv-plain or xlsx"},
		{[]string{"export", "--db", db, "--out", "-", "--format", "xlsx"}, 2, "standard output"},
		{[]string{"export", "--db", db, "--out", "x.csv", "extra"}, 2, "unexpected argument"},
	})
}

func TestHistoryList(t *testing.T) {
	db := historyDB(t)
	code, out, errs := run(t, "", "history", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 invoices:\n%s", len(lines), out)
	}
	var first struct {
		Identity  string  `json:"identity"`
		Number    string  `json:"number"`
		Total     *string `json:"total"`
		State     string  `json:"state"`
		Severity  string  `json:"severity"`
		Seen      int     `json:"seen"`
		FirstSeen struct {
			ScanID int64  `json:"scan_id"`
			File   string `json:"file"`
			At     string `json:"at"`
			Source string `json:"source"`
			Page   int    `json:"page"`
		} `json:"first_seen"`
		Findings []struct {
			Code string `json:"code"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Identity != "24312000000136634917" || first.Number != first.Identity || first.Total == nil || *first.Total != "0.01" ||
		first.State != "new" || first.Seen != 2 || first.Severity != "" || len(first.Findings) != 0 || first.FirstSeen.File != "b.png" ||
		first.FirstSeen.Source != "file" {
		t.Errorf("newest invoice: %+v", first)
	}
	if _, err := time.Parse(time.RFC3339, first.FirstSeen.At); err != nil {
		t.Errorf("first_seen.at %q is not RFC 3339: %v", first.FirstSeen.At, err)
	}
	// Seen twice is the second sighting's finding, not the invoice's: the
	// invoice has no warning for it.
	if code, out, errs := run(t, "", "history", "--db", db, "--findings", "warning", "--json"); code != 0 || strings.Contains(out, "24312000000136634917") {
		t.Errorf("invoices with warnings: exit %d, %s %s", code, out, errs)
	}
	runCases(t, []cmdCase{
		{[]string{"history", "--db", db}, 0, "044031600111-02407312"},
		{[]string{"history", "--db", db}, 0, "共 2 张"},
		{[]string{"history", "--db", db, "--lang", "en", "--limit", "1"}, 0, "2 invoices, showing the newest 1"},
		{[]string{"history", "--db", db, "634917"}, 0, "24312000000136634917"},
		{[]string{"history", "--db", db, "--seller", "深圳"}, 0, "深圳某某有限公司"},
		{[]string{"history", "--db", db, "--state", "locked"}, 0, "没有符合条件"},
		{[]string{"history", "--db", db, "--limit", "0", "--type", "10"}, 0, "¥600.00"},
		{[]string{"history", "--db", db, "--clerk", "李四", "--json"}, 0, `"first_seen":{"scan_id":2,"file":"b.png",`},
		{[]string{"history", "--db", db, "--clerk", "李四", "--json"}, 0, `"clerk":"李四"`},
		{[]string{"history", "--db", db, "--clerk", "王五"}, 0, "没有符合条件"},
	})
	t.Setenv("FAPIAO_DB", db)
	runCases(t, []cmdCase{{[]string{"history"}, 0, "044031600111-02407312"}})
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("hello\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cmdCase{{[]string{"history", "--db", notDB}, 2, notDB}})
}

func TestStateCommand(t *testing.T) {
	db := historyDB(t)
	runCases(t, []cmdCase{
		{[]string{"clerk", "--db", db, "会计小陈"}, 0, "会计小陈"},
		{[]string{"state", "--db", db, "044031600111-02407312", "locked", "--note", "报销单 BX-7"}, 0, "未报销 new → 已锁定 locked"},
		{[]string{"state", "02407312", "已报销", "--db", db}, 0, "已锁定 locked → 已报销 reimbursed"},
		{[]string{"state", "--db", db, "02407312", "new"}, 1, "final"},
		{[]string{"state", "--db", db, "24312000000136634917", "reimbursed"}, 1, "locked in a claim first"},
		{[]string{"state", "--db", db, "99999999", "locked"}, 1, "not in the history"},
		{[]string{"history", "--db", db, "--state", "reimbursed"}, 0, "[已报销]"},
	})
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	inv, err := s.GetByIdentity(context.Background(), "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if inv.StateBy != "会计小陈" || len(inv.Notes) != 1 || inv.Notes[0].Text != "报销单 BX-7" {
		t.Errorf("state by %q, notes %+v", inv.StateBy, inv.Notes)
	}
}

func TestBlacklistAndAuditCommands(t *testing.T) {
	db := historyDB(t)
	runCases(t, []cmdCase{
		{[]string{"blacklist", "--db", db, "add", "91320621ma1mrhg205", "--reason", "虚开发票", "--clerk", "王五"}, 0, "91320621MA1MRHG205 added"},
		{[]string{"blacklist", "--db", db, "add", "91320621MA1MRHG207"}, 0, "warning"},
		{[]string{"blacklist", "--db", db, "list"}, 0, "虚开发票"},
		{[]string{"blacklist", "--db", db, "list", "--json"}, 0, `"tax_id":"91320621MA1MRHG205"`},
		{[]string{"blacklist", "--db", db, "remove", "91320621MA1MRHG207"}, 0, "removed"},
		{[]string{"blacklist", "--db", db, "remove", "91320621MA1MRHG207"}, 1, "not on the blacklist"},
		{[]string{"audit", "--db", db, "verify"}, 0, "审计日志完整：共 6 条"},
		{[]string{"audit", "--db", db, "verify", "--lang", "en"}, 0, "intact: 6 entries"},
		{[]string{"audit", "--db", db, "list"}, 0, "blacklist_add"},
		{[]string{"audit", "--db", db, "list", "--json", "--after", "2"}, 0, `"seq":3`},
	})
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// A paid invoice made payable again with raw SQL.
	if _, err := raw.Exec("UPDATE invoices SET state = 'locked' WHERE number = '02407312'"); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cmdCase{
		{[]string{"audit", "--db", db, "verify"}, 1, "历史记录在 Fapiao 之外被改动"},
		{[]string{"audit", "--db", db, "verify", "--lang", "en"}, 1, "its state is locked but the log says new"},
	})
	if _, err := raw.Exec("UPDATE audit_log SET actor = '某人' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cmdCase{
		{[]string{"audit", "--db", db, "verify"}, 1, "第 2 条"},
		{[]string{"audit", "--db", db, "verify", "--lang", "en"}, 1, "entry 2"},
	})
}

func TestExportCommand(t *testing.T) {
	db := historyDB(t)
	dir := t.TempDir()
	csvPath, xlsxPath := filepath.Join(dir, "out.csv"), filepath.Join(dir, "导出.XLSX")
	runCases(t, []cmdCase{
		{[]string{"export", "--db", db, "--out", csvPath}, 0, "共 2 张"},
		{[]string{"export", "--db", db, "--out", xlsxPath, "--state", "new", "--lang", "en"}, 0, "2 invoices"},
		{[]string{"export", "--db", db, "--out", "-", "--seller", "深圳"}, 0, "\"\t02407312\""},
		{[]string{"export", "--db", db, "--out", "-", "--format", "csv-plain", "--seller", "深圳"}, 0, ",02407312,"},
		{[]string{"export", "--db", db, "--out", filepath.Join(dir, "none.csv"), "--findings", "error"}, 0, "共 0 张"},
		{[]string{"export", "--db", db, "--out", filepath.Join(dir, "missing", "x.csv")}, 2, "missing"},
	})
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\uFEFF\"发票代码\"") || !strings.Contains(string(b), "\"\t24312000000136634917\"") {
		t.Errorf("CSV export:\n%s", b)
	}
	if fi, err := os.Stat(xlsxPath); err != nil || fi.Size() < 1000 {
		t.Errorf("XLSX export: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// What a clerk typed shows beside what was read, and a typed value that
// disagrees with the QR code stays a mismatch in the JSON.
func TestHistoryFullShowsTypedValues(t *testing.T) {
	path := historyDB(t)
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	inv, err := s.GetByIdentity(ctx, "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetTyped(ctx, inv.ID, map[string]string{store.PrintedAmount: "582.25"}, "张三"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errs := run(t, "", "history", "--json", "--full", "--db", path, "02407312")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got store.Invoice
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Amount == nil || got.Amount.String() != "582.52" || got.Typed[store.PrintedAmount] != "582.25" ||
		got.Printed[store.PrintedSellerName] != "深圳某某有限公司" || len(got.TypedValues) != 1 || got.Severity != "error" {
		t.Errorf("history --full: %s", out)
	}
	if !strings.Contains(out, `"source":"typed"`) || !strings.Contains(out, `"mismatch_amount"`) {
		t.Errorf("the typed mismatch is not in the JSON: %s", out)
	}
	// Without --full the list stays one light line per invoice.
	_, out, _ = run(t, "", "history", "--json", "--db", path, "02407312")
	if strings.Contains(out, `"typed_values"`) || !strings.Contains(out, `"mismatch_amount"`) {
		t.Errorf("history --json: %s", out)
	}
	// Filter by the tax authority's answer.
	runCases(t, []cmdCase{
		{[]string{"history", "--checked", "never", "--db", path}, exitOK, "02407312"},
		{[]string{"history", "--checked", "maybe", "--db", path}, exitUsage, "checked"},
	})
}

// Values read by OCR come out of the history with how each was read: its
// confidence and region, and a value seen but not read surely as unsure,
// on the invoice and on the sighting that read them.
func TestHistoryFullShowsOCRReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := store.ScanInput{Source: store.SourceCamera, Invoices: []store.InvoiceInput{{
		QR:      payload.Analyze("01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,", now),
		Printed: map[string]string{store.PrintedNumber: "02407312"},
		Reads: map[string]document.FieldRead{
			store.PrintedNumber:    {Confidence: 0.99, Region: document.Region{X0: 0.7358, Y0: 0.0496, X1: 0.8188, Y1: 0.0681}},
			store.PrintedCheckCode: {Confidence: 0.41, Region: document.Region{X0: 0.7301, Y0: 0.1376, X1: 0.9316, Y1: 0.1571}, Unsure: true},
		}}}}
	if _, err := s.Record(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errs := run(t, "", "history", "--json", "--full", "--db", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := `"reads":{"check_code":{"confidence":0.41,"region":{"x0":0.7301,"y0":0.1376,"x1":0.9316,"y1":0.1571},"unsure":true},` +
		`"number":{"confidence":0.99,"region":{"x0":0.7358,"y0":0.0496,"x1":0.8188,"y1":0.0681}}}`
	if n := strings.Count(out, want); n != 2 {
		t.Errorf("the reads are %d times in the JSON, want on the invoice and its sighting: %s", n, out)
	}
	// The list without --full stays light.
	if _, out, _ = run(t, "", "history", "--json", "--db", path); strings.Contains(out, `"reads"`) {
		t.Errorf("history --json: %s", out)
	}
}
