package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A clerk's own history is copied into the team's: new invoices arrive with
// their states, notes and typed values; one another clerk saved first is
// reported and stays first seen there; a second copy copies nothing.
func TestCopyIntoTeamHistory(t *testing.T) {
	ctx := context.Background()
	own, err := Open(filepath.Join(t.TempDir(), "own.db"), WithHost("desk-a"))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	team, _ := openTest(t, WithHost("desk-b"))

	other := scanOf("x.pdf", SourceFile, inv(qrDigital, 1))
	other.Clerk = "李四"
	record(t, team, other)

	a := scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1))
	a.Clerk = "张三"
	ra := record(t, own, a)
	b := scanOf("b.pdf", SourceFile, inv(qrDigital, 1))
	b.Clerk = "张三"
	record(t, own, b)
	id := ra[0].InvoiceID
	for _, st := range []State{StateLocked, StateReimbursed} {
		if err := own.SetState(ctx, id, st, "张三", ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := own.AddNote(ctx, id, "张三", "BX-7"); err != nil {
		t.Fatal(err)
	}
	if err := own.SetTyped(ctx, id, map[string]string{PrintedSellerName: "深圳某某"}, "张三"); err != nil {
		t.Fatal(err)
	}
	if err := own.AddBlacklist(ctx, "91320621MA1MRHG205", "fake", "张三"); err != nil {
		t.Fatal(err)
	}

	rep, err := own.CopyInto(ctx, team, "copied from own.db")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Scans != 2 || rep.Skipped != 0 || rep.Invoices != 1 || rep.States != 1 || rep.Notes != 1 || rep.Typed != 1 || rep.Blacklist != 1 {
		t.Errorf("first copy: %+v", rep)
	}
	if len(rep.Duplicates) != 1 || rep.Duplicates[0].Identity != idDigital || rep.Duplicates[0].Team.Clerk != "李四" ||
		rep.Duplicates[0].Source.Clerk != "张三" {
		t.Errorf("duplicates across clerks: %+v", rep.Duplicates)
	}
	got, err := team.GetByIdentity(ctx, idOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != StateReimbursed || got.StateBy != "张三" || got.FirstSeen.Clerk != "张三" || got.FirstSeen.File != "a.pdf" ||
		!got.FirstSeen.At.Equal(firstSeenAt(ctx, own, idOrdinary)) || got.Typed[PrintedSellerName] != "深圳某某" {
		t.Errorf("copied invoice: %+v", got)
	}
	dig, err := team.GetByIdentity(ctx, idDigital)
	if err != nil {
		t.Fatal(err)
	}
	if dig.FirstSeen.Clerk != "李四" || dig.Seen != 2 {
		t.Errorf("invoice both saw: first %+v, seen %d", dig.FirstSeen, dig.Seen)
	}

	again, err := own.CopyInto(ctx, team, "copied from own.db")
	if err != nil {
		t.Fatal(err)
	}
	if again.Scans != 0 || again.Skipped != 2 || again.Invoices != 0 || again.States != 0 || again.Notes != 0 ||
		again.Typed != 0 || again.Blacklist != 0 || len(again.Duplicates) != 1 {
		t.Errorf("second copy: %+v", again)
	}
	if n, err := team.Count(ctx, Filter{}); err != nil || n != 2 {
		t.Errorf("%d invoices in the team history (%v), want 2", n, err)
	}
	if _, err := team.VerifyAudit(ctx); err != nil {
		t.Errorf("team audit after the copy: %v", err)
	}
}

// firstSeenAt is when the history first saw identity.
func firstSeenAt(ctx context.Context, s *Store, identity string) (at time.Time) {
	if k, err := s.Lookup(ctx, identity); err == nil {
		at = k.First.At
	}
	return at
}
