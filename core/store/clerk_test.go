package store

import (
	"context"
	"strings"
	"testing"
)

// Each record says which clerk saved it and on which machine; a second
// clerk's duplicate names the first, and History filters by clerk.
func TestRecordSaysWhoAndWhere(t *testing.T) {
	a, loc := openTest(t, WithHost("desk-1"))
	b, err := Open(loc, WithHost("desk-2"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	in := scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1))
	in.Clerk = "张三"
	record(t, a, in)
	in.Clerk = "李四"
	r := record(t, b, in)
	if d := r[0].DuplicateOf; d == nil || d.Clerk != "张三" || d.Host != "desk-1" {
		t.Errorf("duplicate of %+v, want 张三 on desk-1", d)
	}
	in2 := scanOf("b.pdf", SourceFile, inv(qrDigital, 1))
	in2.Clerk = "李四"
	record(t, b, in2)

	seen, err := a.Lookup(ctx, idOrdinary)
	if err != nil || seen.First.Clerk != "张三" || seen.First.Host != "desk-1" {
		t.Errorf("Lookup: %+v, %v", seen.First, err)
	}
	got, err := a.GetByIdentity(ctx, idOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	if got.FirstSeen.Clerk != "张三" || len(got.Sightings) != 2 || got.Sightings[1].Clerk != "李四" || got.Sightings[1].Host != "desk-2" {
		t.Errorf("Get: first %+v, sightings %+v", got.FirstSeen, got.Sightings)
	}
	for clerk, want := range map[string]string{"张三": idOrdinary, "李四": idDigital, "王五": ""} {
		p, err := a.Search(ctx, Filter{Clerk: clerk})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, inv := range p.Invoices {
			ids = append(ids, inv.Identity)
		}
		if strings.Join(ids, ",") != want {
			t.Errorf("invoices first saved by %s: %v, want %q", clerk, ids, want)
		}
	}
	// Without a name given, the clerk setting is recorded.
	if err := a.SetSetting(ctx, SettingClerk, "赵六", ""); err != nil {
		t.Fatal(err)
	}
	record(t, a, scanOf("c.pdf", SourceFile, inv(qrRailway, 1)))
	if n, err := a.Count(ctx, Filter{Clerk: "赵六"}); err != nil || n != 1 {
		t.Errorf("%d invoices by the clerk setting (%v), want 1", n, err)
	}
	if _, err := a.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}

// A server history of an older version is migrated up like a file.
func TestServerHistoryMigrates(t *testing.T) {
	loc, err := pgDatabase(t)
	if err != nil {
		t.Fatal(err)
	}
	old, err := Open(loc)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	db := rawDB(t, loc)
	if _, err := db.Exec(`ALTER TABLE scans DROP COLUMN clerk, DROP COLUMN host;
		ALTER TABLE invoices DROP COLUMN reads; ALTER TABLE sightings DROP COLUMN reads;
		UPDATE fapiao_history SET version = 7`); err != nil {
		t.Fatal(err)
	}
	s, err := Open(loc, WithHost("desk"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if v, err := s.schemaVersion(ctx, s.db); err != nil || v != SchemaVersion {
		t.Errorf("version %d (%v), want %d", v, err, SchemaVersion)
	}
	es, err := s.Audit(ctx, 0, 10)
	if err != nil || len(es) != 1 || es[0].Action != "schema_upgrade" {
		t.Errorf("audit after the upgrade: %+v, %v", es, err)
	}
	r := record(t, s, scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1)))
	if got, _ := s.Get(ctx, r[0].InvoiceID); got.FirstSeen.Host != "desk" {
		t.Errorf("first seen on %q, want desk", got.FirstSeen.Host)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}
