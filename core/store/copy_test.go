package store

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
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

	read := ocrInput() // a photo read by OCR
	read.Page = 1
	a := scanOf("a.pdf", SourceFile, read)
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
	ownInv, err := own.GetByIdentity(ctx, idOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	if got.StateAt == nil || !got.StateAt.Equal(*ownInv.StateAt) {
		t.Errorf("state changed at %v, want %v as in the history copied", got.StateAt, ownInv.StateAt)
	}
	if got.State != StateReimbursed || got.StateBy != "张三" || got.FirstSeen.Clerk != "张三" || got.FirstSeen.File != "a.pdf" ||
		!got.FirstSeen.At.Equal(firstSeenAt(ctx, own, idOrdinary)) || got.Typed[PrintedSellerName] != "深圳某某" {
		t.Errorf("copied invoice: %+v", got)
	}
	if len(ownInv.Reads) != 3 || !reflect.DeepEqual(got.Reads, ownInv.Reads) || !reflect.DeepEqual(got.Sightings[0].Reads, ownInv.Reads) {
		t.Errorf("the values read by OCR copied as %+v, read as %+v", got.Reads, ownInv.Reads)
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

// Everything a clerk's history holds arrives in the team's with its clerk
// and time: typed values, notes, verifications, the tax authority's
// answers, re-billing orders with their attempts and the blacklist. Where
// the team history knew the invoice already, its newer verification stays
// the latest. A second copy adds nothing, and the team's audit chain
// verifies after each.
func TestCopyCarriesEverything(t *testing.T) {
	ctx := context.Background()
	ownClock := &clock{t: t0.Add(time.Hour)}
	own, err := Open(filepath.Join(t.TempDir(), "own.db"), WithHost("desk-a"), WithClock(ownClock.now))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	team, _ := openTest(t, WithHost("desk-b")) // its clock starts at t0

	a := scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1), inv(qrDigital, 2))
	a.Clerk = "张三"
	ra := record(t, own, a)
	ord, dig := ra[0].InvoiceID, ra[1].InvoiceID
	if err := own.AddBlacklist(ctx, "91320621MA1MRHG205", "fake", "张三"); err != nil {
		t.Fatal(err)
	}
	for _, kv := range []struct{ v, clerk string }{{"深圳甲", "张三"}, {"深圳乙", "赵六"}} {
		if err := own.SetTyped(ctx, ord, map[string]string{PrintedSellerName: kv.v}, kv.clerk); err != nil {
			t.Fatal(err)
		}
	}
	if err := own.AddNote(ctx, ord, "张三", "BX-7"); err != nil {
		t.Fatal(err)
	}
	if _, err := own.RecordCheck(ctx, Check{InvoiceID: ord, Provider: "baidu", RequestID: "r-1", Clerk: "张三", Outcome: CheckError, Reason: "timeout"}); err != nil {
		t.Fatal(err)
	}
	if _, err := own.RecordCheck(ctx, Check{InvoiceID: ord, Provider: "baidu", RequestID: "r-2", Clerk: "张三", Outcome: CheckVoided}); err != nil {
		t.Fatal(err)
	}
	if _, err := own.Verify(ctx, VerifyRequest{InvoiceID: ord, Clerk: "张三", Confirmed: []string{"official_voided"}}); err != nil {
		t.Fatal(err)
	}
	ownVer, err := own.Verify(ctx, VerifyRequest{InvoiceID: dig, Clerk: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := own.RecordAttempt(ctx, "2024001", "91110000MA01234567", Attempt{Clerk: "张三", Status: "failed", Code: 9, Message: "busy", Requests: 2}); err != nil {
		t.Fatal(err)
	}
	_, at2, err := own.RecordAttempt(ctx, "2024001", "91110000MA01234567", Attempt{Clerk: "张三", Status: "issued", InvoiceNo: "24312000000136634917", PDFURL: "https://example.invalid/a.pdf", Requests: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := own.SetAttemptPDF(ctx, at2.ID, "scanned", dig); err != nil {
		t.Fatal(err)
	}

	// The team saw the digital invoice first, and verified it later than
	// the clerk did (its clock runs an hour ahead from here).
	other := scanOf("x.pdf", SourceFile, inv(qrDigital, 1))
	other.Clerk = "李四"
	rt := record(t, team, other)
	teamClock := &clock{t: t0.Add(24 * time.Hour)}
	team.now = teamClock.now
	teamVer, err := team.Verify(ctx, VerifyRequest{InvoiceID: rt[0].InvoiceID, Clerk: "李四"})
	if err != nil {
		t.Fatal(err)
	}

	rep, err := own.CopyInto(ctx, team, "copied from own.db")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Scans != 1 || rep.Invoices != 1 || rep.Typed != 2 || rep.Notes != 1 || rep.Verifications != 2 ||
		rep.Checks != 2 || rep.Attempts != 2 || rep.Blacklist != 1 || len(rep.Duplicates) != 1 {
		t.Errorf("first copy: %+v", rep)
	}
	if _, err := team.VerifyAudit(ctx); err != nil {
		t.Errorf("team audit after the copy: %v", err)
	}

	want, err := own.GetByIdentity(ctx, idOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	got, err := team.GetByIdentity(ctx, idOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got.TypedValues, want.TypedValues, func(a, b TypedValue) bool {
		return a.Key == b.Key && a.Value == b.Value && a.Clerk == b.Clerk && a.At.Equal(b.At)
	}) || got.Typed[PrintedSellerName] != "深圳乙" {
		t.Errorf("typed values: got %+v (%v), want %+v", got.TypedValues, got.Typed, want.TypedValues)
	}
	if len(got.Notes) != 1 || got.Notes[0].Text != "BX-7" || got.Notes[0].Clerk != "张三" || !got.Notes[0].At.Equal(want.Notes[0].At) {
		t.Errorf("notes: %+v, want %+v", got.Notes, want.Notes)
	}
	if len(got.Verifications) != 1 || got.Verified == nil || !got.Verified.At.Equal(want.Verified.At) ||
		got.Verified.Clerk != "张三" || got.Verified.Result != want.Verified.Result ||
		!slices.Equal(got.Verifications[0].Confirmed, []string{"official_voided"}) {
		t.Errorf("verification: %+v %+v, want %+v", got.Verified, got.Verifications, want.Verifications)
	}
	if len(got.Checks) != 2 || got.Checks[0].Outcome != CheckError || got.Checks[0].Reason != "timeout" ||
		got.Checks[1].Outcome != CheckVoided || got.Checks[1].RequestID != "r-2" || !got.Checks[1].At.Equal(want.Checks[1].At) ||
		got.Checked == nil || got.Checked.Outcome != CheckVoided || !got.Checked.At.Equal(want.Checked.At) {
		t.Errorf("checks: %+v (latest %+v), want %+v", got.Checks, got.Checked, want.Checks)
	}
	if !slices.Contains(codes(got.Findings), "official_voided") {
		t.Errorf("the voided answer's error is missing: %v", codes(got.Findings))
	}
	digital, err := team.GetByIdentity(ctx, idDigital)
	if err != nil {
		t.Fatal(err)
	}
	if len(digital.Verifications) != 2 || digital.Verified == nil || digital.Verified.Clerk != "李四" ||
		!digital.Verified.At.Equal(teamVer.At) || !digital.Verifications[1].At.Equal(ownVer.At) {
		t.Errorf("the team's newer verification should stay the latest: %+v %+v", digital.Verified, digital.Verifications)
	}
	bl, err := team.Blacklist(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ownBL, _ := own.Blacklist(ctx)
	if len(bl) != 1 || bl[0].AddedBy != "张三" || !bl[0].AddedAt.Equal(ownBL[0].AddedAt) {
		t.Errorf("blacklist: %+v, want %+v", bl, ownBL)
	}
	o, err := team.Order(ctx, "2024001", "91110000MA01234567")
	if err != nil {
		t.Fatal(err)
	}
	ownOrder, _ := own.Order(ctx, "2024001", "91110000MA01234567")
	if o.Attempts != 2 || o.Status != "issued" || o.InvoiceNo != "24312000000136634917" || o.InvoiceID != digital.ID ||
		!o.CreatedAt.Equal(ownOrder.CreatedAt) || !o.UpdatedAt.Equal(ownOrder.UpdatedAt) || o.CreatedBy != "张三" {
		t.Errorf("order: %+v, want %+v", o, ownOrder)
	}
	as, err := team.Attempts(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Status != "failed" || as[0].Code != 9 || as[1].PDF != "scanned" || as[1].InvoiceID != digital.ID || as[1].Clerk != "张三" {
		t.Errorf("attempts: %+v", as)
	}

	again, err := own.CopyInto(ctx, team, "copied from own.db")
	if err != nil {
		t.Fatal(err)
	}
	if again.Scans != 0 || again.Invoices != 0 || again.Typed != 0 || again.Notes != 0 || again.Verifications != 0 ||
		again.Checks != 0 || again.Attempts != 0 || again.Blacklist != 0 || again.States != 0 {
		t.Errorf("second copy: %+v", again)
	}
	if _, err := team.VerifyAudit(ctx); err != nil {
		t.Errorf("team audit after the second copy: %v", err)
	}
}
