package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// The team's server is stopped: `fapiao scan --save` keeps the files in this
// machine's outbox and exits 3, saying so; `history send` while it is still
// away exits 3 too; once it is back, `history send` records each invoice
// once and the audit verifies.
func TestScanSaveKeepsFilesWhileTheServerIsDown(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // the outbox lives in the data folder
	t.Setenv("FAPIAO_DB_TIMEOUT", "5s")
	srv, db := pgtest.Own(t)
	if code, _, stderr := run(t, "", "audit", "verify", "--db", db); code != exitOK {
		t.Fatalf("audit verify on a new history: %d %s", code, stderr)
	}
	dir := t.TempDir()
	ids := writeInvoiceImages(t, dir, 4)
	var files []string
	for name := range ids {
		files = append(files, name)
	}
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", append([]string{"scan", "--json", "--save", "--db", db}, files...)...)
	if code != exitQueued || !strings.Contains(stderr, "团队服务器无法连接：4 个文件已保存在本机") {
		t.Fatalf("scan --save with the server stopped: exit %d, stderr %s", code, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r struct {
			Queued   bool `json:"queued"`
			Invoices []struct {
				Findings []struct{ Code string } `json:"findings"`
			} `json:"invoices"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || !r.Queued || len(r.Invoices) != 1 ||
			r.Invoices[0].Findings[len(r.Invoices[0].Findings)-1].Code != "queued" {
			t.Errorf("scan result %s (%v): want queued, with the finding queued", line, err)
		}
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_DATA_HOME"), "fapiao", outbox.FileName)); err != nil {
		t.Errorf("no outbox in the data folder: %v", err)
	}
	if code, _, stderr := run(t, "", "history", "send", "--db", db); code != exitQueued || !strings.Contains(stderr, "仍无法连接：4 份扫描") {
		t.Errorf("history send with the server stopped: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "state", "1", "locked", "--db", db); code == exitOK {
		t.Errorf("a state change with the server stopped succeeded: %s", stderr)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, "", "history", "send", "--db", db)
	if code != exitOK || strings.Count(stdout, "已发送：") != 4 || !strings.Contains(stdout, "已全部发送：共 4 份扫描") {
		t.Fatalf("history send: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "", "history", "--json", "--db", db)
	if code != exitOK || strings.Count(strings.TrimSpace(stdout), "\n")+1 != 4 {
		t.Errorf("history after sending: exit %d, %s %s", code, stdout, stderr)
	}
	for _, id := range ids {
		if !strings.Contains(stdout, `"identity":"`+id+`"`) || strings.Count(stdout, `"identity":"`+id+`"`) != 1 {
			t.Errorf("invoice %s not listed once", id)
		}
	}
	if code, _, stderr := run(t, "", "audit", "verify", "--db", db); code != exitOK {
		t.Errorf("audit verify: %d %s", code, stderr)
	}
	// Nothing left: the next send says so.
	if code, stdout, _ := run(t, "", "history", "send", "--db", db); code != exitOK || !strings.Contains(stdout, "共 0 份扫描") {
		t.Errorf("history send of an empty outbox: exit %d %s", code, stdout)
	}
}

// An invoice typed with the team's server away is kept as a scan is, and
// sent once the server is back: recorded once, typed values and all.
func TestRecordKeptWhileTheServerIsDown(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("FAPIAO_DB_TIMEOUT", "5s")
	srv, db := pgtest.Own(t)
	if code, _, stderr := run(t, "", "audit", "verify", "--db", db); code != exitOK {
		t.Fatalf("audit verify on a new history: %d %s", code, stderr)
	}
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	paper := []string{"record", "--type", "32", "--number", "25312000000136634917", "--date", "2025-05-14",
		"--total", "1130.00", "--save", "--db", db}
	code, stdout, stderr := run(t, "", paper...)
	if code != exitQueued || !strings.Contains(stderr, "录入的发票已保存在本机") || !strings.Contains(stdout, "待发送") {
		t.Fatalf("record --save with the server stopped: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := run(t, "", "history", "send", "--db", db); code != exitOK || !strings.Contains(stdout, "已全部发送：共 1 份扫描") {
		t.Fatalf("history send: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "", "history", "--json", "--full", "--db", db)
	if code != exitOK || strings.Count(stdout, `"identity":"25312000000136634917"`) != 1 || !strings.Contains(stdout, "1130.00") {
		t.Errorf("history after sending: exit %d, %s %s", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "", "audit", "verify", "--db", db); code != exitOK {
		t.Errorf("audit verify: %d %s", code, stderr)
	}
}
