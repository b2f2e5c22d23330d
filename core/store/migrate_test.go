package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// rawDB opens path with the driver alone, as another program would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	script, err := os.ReadFile(filepath.Join("testdata", "history-v1.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(string(script)); err != nil {
		t.Fatalf("build the v1 file: %v", err)
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open v1: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	var v int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("user_version %d (%v), want %d", v, err, SchemaVersion)
	}
	// The data survived, and the new columns were filled from it.
	inv, err := s.GetByIdentity(ctx, "24312000000136634917")
	if err != nil {
		t.Fatal(err)
	}
	if inv.State != StateReimbursed || inv.SellerName != "上海某某科技有限公司" || inv.NoteText != "2023年11月报销" ||
		inv.Total == nil || inv.Total.String() != "0.01" || inv.FirstSeen.File != "/home/clerk/2023/a.pdf" {
		t.Errorf("migrated invoice: %+v", inv)
	}
	var worst int
	if err := s.db.QueryRow("SELECT worst FROM invoices WHERE id = 1").Scan(&worst); err != nil || worst != 3 {
		t.Errorf("worst backfilled as %d (%v), want 3", worst, err)
	}
	// What rescans under older versions left on an invoice (seen again,
	// already locked) is the sightings', not the invoice's: it is gone,
	// and worst with it.
	paper, err := s.GetByIdentity(ctx, "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(codes(paper.Findings)) != "[verify_too_old]" || paper.Severity != finding.Info {
		t.Errorf("rescanned invoice after migration: %v, %s", codes(paper.Findings), paper.Severity)
	}
	if err := s.db.QueryRow("SELECT worst FROM invoices WHERE id = 2").Scan(&worst); err != nil || worst != 1 {
		t.Errorf("worst of the rescanned invoice %d (%v), want 1", worst, err)
	}
	p, err := s.Search(ctx, Filter{Query: "02407312"})
	if err != nil || len(p.Invoices) != 1 || p.Invoices[0].Identity != "044031600111-02407312" {
		t.Errorf("search by number after migration: %+v, %v", p.Invoices, err)
	}
	p, err = s.Search(ctx, Filter{Query: "634917", Findings: FindingsError})
	if err != nil || len(p.Invoices) != 1 {
		t.Errorf("search by last digits and errors after migration: %+v, %v", p.Invoices, err)
	}
	// The invoice paid under version 1 is still caught when it comes again.
	r, err := s.Record(ctx, ScanInput{File: "again.jpg", Source: SourceFile, Invoices: []InvoiceInput{inv2(qrDigital)}})
	if err != nil {
		t.Fatal(err)
	}
	if r[0].DuplicateOf == nil || r[0].DuplicateOf.File != "/home/clerk/2023/a.pdf" || !finding.Has(r[0].Findings, "already_reimbursed") {
		t.Errorf("re-seen v1 invoice: %+v", r[0])
	}
	if c, err := s.Clerk(ctx); err != nil || c != "老会计" {
		t.Errorf("clerk %q, %v", c, err)
	}
	entries, err := s.Audit(ctx, 0, 100)
	if err != nil || len(entries) == 0 || entries[0].Action != "schema_upgrade" || string(entries[0].Details) != fmt.Sprintf(`{"from":1,"to":%d}`, SchemaVersion) {
		t.Errorf("audit after migration: %+v, %v", entries, err)
	}
	// What the old history held is bound as it was: one baseline per
	// invoice, blacklist entry and setting.
	var baselines []string
	for _, e := range entries {
		if strings.HasSuffix(e.Action, "baseline") {
			baselines = append(baselines, e.Action+" "+e.Target)
		}
	}
	if len(baselines) != 4 {
		t.Errorf("baselines %q, want 2 invoices, 1 blacklist entry and 1 setting", baselines)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
	// The tables added since version 1 work on the migrated file.
	if _, _, err := s.RecordAttempt(ctx, "A1", "91110000MA01234567", Attempt{Status: "accepted"}); err != nil {
		t.Errorf("re-billing attempt on a migrated history: %v", err)
	}
	// Opening again does nothing more.
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if again, _ := s2.Audit(ctx, 0, 100); len(again) != len(entries)+1 {
		t.Errorf("reopening migrated again: %d audit entries, want %d", len(again), len(entries)+1)
	}
}

func inv2(text string) InvoiceInput { return InvoiceInput{QR: qr(text)} }

func TestFreshFileHasNoUpgradeEntry(t *testing.T) {
	s, _ := openTest(t)
	if entries, err := s.Audit(context.Background(), 0, 10); err != nil || len(entries) != 0 {
		t.Errorf("fresh history audit log: %+v, %v", entries, err)
	}
}

func TestSchemaTooNew(t *testing.T) {
	s, path := openTest(t)
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+5)); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open newer file: %v, want ErrSchemaTooNew", err)
	}
	msg := err.Error()
	for _, want := range []string{path, fmt.Sprint(SchemaVersion + 5), fmt.Sprintf("at most version %d", SchemaVersion)} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	db := rawDB(t, other)
	if _, err := db.Exec("CREATE TABLE customers (id INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	sameVersion := filepath.Join(dir, "same.db")
	db = rawDB(t, sameVersion)
	if _, err := db.Exec(fmt.Sprintf("CREATE TABLE t (x); PRAGMA user_version = %d", SchemaVersion)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		kind error
	}{
		{other, ErrNotHistory},
		{sameVersion, ErrNotHistory},
		{filepath.Join(dir, "a?b.db"), ErrInvalid},
		{"", ErrInvalid},
		{text, nil},
	}
	for _, tt := range tests {
		s, err := Open(tt.path)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", tt.path)
			continue
		}
		if tt.kind != nil && !errors.Is(err, tt.kind) {
			t.Errorf("Open(%q) = %v, want %v", tt.path, err, tt.kind)
		}
		if tt.path != "" && !strings.Contains(err.Error(), tt.path) {
			t.Errorf("Open(%q): error %q does not name the file", tt.path, err)
		}
	}
}

func TestOpenCreatesFoldersAndSetsPragmas(t *testing.T) {
	s, path := openTest(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// Every pooled connection must have these, so check a few at once.
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		var fk, busy, sync int
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode %q (%v)", mode, err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Errorf("foreign_keys %d (%v)", fk, err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil || busy != 5000 {
			t.Errorf("busy_timeout %d (%v)", busy, err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
			t.Errorf("synchronous %d (%v), want 2 (FULL)", sync, err)
		}
	}
}
