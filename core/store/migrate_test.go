package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// oldFile builds a history file of an older version from its fixture
// (testdata/history-vN.sql) and returns its path and the file opened with
// the driver alone.
func oldFile(t *testing.T, fixture string) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	script, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(string(script)); err != nil {
		t.Fatalf("build the file of %s: %v", fixture, err)
	}
	return path, db
}

func TestMigrateFromV1(t *testing.T) {
	path, db := oldFile(t, "history-v1.sql")
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
	forceVersion(t, s, SchemaVersion+5)
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
	forceVersion(t, s, SchemaVersion)
}

func TestOpenRefuses(t *testing.T) {
	if postgres() {
		testOpenRefusesDatabases(t)
		return
	}
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
		assertRefused(t, tt.path, tt.kind, tt.path)
	}
}

// assertRefused checks that Open refuses location with an error of kind
// (any, when nil) that names it (holds names).
func assertRefused(t *testing.T, location string, kind error, names string) {
	t.Helper()
	s, err := Open(location)
	if err == nil {
		s.Close()
		t.Errorf("Open(%q) succeeded", location)
		return
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("Open(%q) = %v, want %v", location, err, kind)
	}
	if !strings.Contains(err.Error(), names) {
		t.Errorf("Open(%q): error %q does not name the history", location, err)
	}
}

// testOpenRefusesDatabases is TestOpenRefuses on a server: a database of
// another program, one whose mark is not Fapiao's, an address that is not
// one, and a server that does not answer.
func testOpenRefusesDatabases(t *testing.T) {
	other := newLocation(t)
	db := rawDB(t, other)
	if _, err := db.Exec("CREATE TABLE customers (id BIGINT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	sameVersion := newLocation(t)
	db = rawDB(t, sameVersion)
	if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE fapiao_history (application BIGINT, version BIGINT);
		INSERT INTO fapiao_history VALUES (1, %d)`, SchemaVersion)); err != nil {
		t.Fatal(err)
	}
	// A port nothing listens on: the one of a server just stopped.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "postgres://fapiao@" + l.Addr().String() + "/x?sslmode=disable&connect_timeout=2"
	l.Close()
	tests := []struct {
		path string
		kind error
	}{
		{other, ErrNotHistory},
		{sameVersion, ErrNotHistory},
		{"postgres://fapiao@127.0.0.1:notaport/x", ErrInvalid},
		{closed, nil},
	}
	for _, tt := range tests {
		assertRefused(t, tt.path, tt.kind, "open history postgres://fapiao@")
	}
	// A password never shows in a message.
	_, err = Open(strings.Replace(closed, "fapiao@", "fapiao:s3cret@", 1))
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "fapiao:xxxxx@") {
		t.Errorf("Open with a password: %v", err)
	}
}

func TestOpenCreatesFoldersAndSetsPragmas(t *testing.T) {
	s, path := openTest(t)
	if postgres() {
		testServerSettings(t, s)
		return
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// Every pooled connection must have these, so check a few at once.
	eachConn(t, s, func(ctx context.Context, conn *sql.Conn) {
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
	})
}

// eachConn calls fn with three connections of the pool, held at once.
func eachConn(t *testing.T, s *Store, fn func(ctx context.Context, conn *sql.Conn)) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fn(ctx, conn)
	}
}

// testServerSettings is TestOpenCreatesFoldersAndSetsPragmas on a server:
// every pooled connection has the statement timeout, so that no call
// waits on the server for ever, and says it is Fapiao's.
func testServerSettings(t *testing.T, s *Store) {
	eachConn(t, s, func(ctx context.Context, conn *sql.Conn) {
		var timeout, app string
		if err := conn.QueryRowContext(ctx, "SHOW statement_timeout").Scan(&timeout); err != nil || timeout != "1min" {
			t.Errorf("statement_timeout %q (%v), want 1min", timeout, err)
		}
		if err := conn.QueryRowContext(ctx, "SHOW application_name").Scan(&app); err != nil || app != "fapiao" {
			t.Errorf("application_name %q (%v)", app, err)
		}
	})
}

// TestSchemasAgree compares a new SQLite history, built by every migration,
// with a new PostgreSQL one: the same tables, columns (of the same kind,
// nullability and default) and indexes.
func TestSchemasAgree(t *testing.T) {
	ctx := context.Background()
	describe := func(s *Store) map[string]string {
		out := map[string]string{}
		q := `SELECT m.name, p.name, p.type, CASE WHEN p.pk > 0 THEN 1 ELSE p."notnull" END, coalesce(p.dflt_value, '') FROM sqlite_schema m
			JOIN pragma_table_info(m.name) p WHERE m.type = 'table'` // a primary key is never NULL
		if s.d.postgres {
			q = `SELECT table_name, column_name, data_type, CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END,
				coalesce(column_default, '') FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name <> 'fapiao_history'`
		}
		rows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var table, col, typ, def string
			var notNull int
			if err := rows.Scan(&table, &col, &typ, &notNull, &def); err != nil {
				t.Fatal(err)
			}
			switch strings.ToLower(typ) {
			case "bigint", "integer":
				typ = "integer"
			case "bytea", "blob":
				typ = "blob"
			}
			if strings.HasPrefix(def, "nextval") || strings.Contains(def, "generated") {
				def = ""
			}
			def, _, _ = strings.Cut(def, "::") // PostgreSQL's '{}'::text
			out[table+"."+col] = fmt.Sprintf("%s notnull=%d default=%s", strings.ToLower(typ), notNull, def)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		q = "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
		if s.d.postgres {
			q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"
		}
		irows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer irows.Close()
		for irows.Next() {
			var name string
			if err := irows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			out["index "+name] = ""
		}
		return out
	}
	lite, err := Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	loc, err := pgDatabase(t)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := Open(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	a, b := describe(lite), describe(pg)
	if len(a) < 100 {
		t.Fatalf("only %d columns and indexes in SQLite's schema", len(a))
	}
	for k, v := range a {
		if w, ok := b[k]; !ok {
			t.Errorf("PostgreSQL lacks %s", k)
		} else if v != w {
			t.Errorf("%s: SQLite %s, PostgreSQL %s", k, v, w)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			t.Errorf("SQLite lacks %s", k)
		}
	}
}

// A team's history is reached over TLS with sslmode=verify-full: the
// server's certificate must come from the authority given and name the
// host in the address.
func TestServerOverVerifiedTLS(t *testing.T) {
	srv, err := pgtest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := srv.CreateDatabase("tls")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(plain)
	if err != nil {
		t.Fatal(err)
	}
	at := func(host, query string) string {
		v := *u
		v.Host = net.JoinHostPort(host, strconv.Itoa(srv.Port()))
		v.RawQuery = query
		return v.String()
	}
	s, err := Open(at("localhost", "sslmode=verify-full&sslrootcert="+url.QueryEscape(srv.CA())))
	if err != nil {
		t.Fatalf("verify-full with the authority: %v", err)
	}
	defer s.Close()
	var encrypted bool
	if err := s.db.QueryRow("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&encrypted); err != nil || !encrypted {
		t.Errorf("connection encrypted: %v (%v)", encrypted, err)
	}
	if _, err := s.Record(context.Background(), scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1))); err != nil {
		t.Error(err)
	}
	for name, loc := range map[string]string{
		"a host the certificate does not name": at("127.0.0.1", "sslmode=verify-full&sslrootcert="+url.QueryEscape(srv.CA())),
		"an authority not given":               at("localhost", "sslmode=verify-full&connect_timeout=5"),
	} {
		if s, err := Open(loc); err == nil {
			s.Close()
			t.Errorf("%s: connected", name)
		} else if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s: %v, want a certificate error", name, err)
		}
	}
}

// The indexes of the history screen's filters exist on both backends, and
// on a server end with the invoice's ID, as SQLite's end with the rowid.
func TestSearchIndexes(t *testing.T) {
	s, _ := openTest(t)
	for _, ix := range searchIndexes {
		q, want := "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", "("+ix.columns+")"
		if postgres() {
			q, want = "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?", "("+ix.columns+", id)"
		}
		var def string
		if err := s.db.QueryRow(q, ix.name).Scan(&def); err != nil {
			t.Errorf("index %s: %v", ix.name, err)
			continue
		}
		if !strings.Contains(def, " "+ix.table+" ") && !strings.Contains(def, "."+ix.table+" ") || !strings.HasSuffix(def, want) {
			t.Errorf("index %s: %s, want it on %s %s", ix.name, def, ix.table, want)
		}
	}
}
