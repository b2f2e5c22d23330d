package store

import (
	"context"
	"errors"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// findingOf returns the finding with code and source, or nil.
func findingOf(fs []finding.Finding, code, source string) *finding.Finding {
	for i := range fs {
		if fs[i].Code == code && fs[i].Source == source {
			return &fs[i]
		}
	}
	return nil
}

// A scanner-gun invoice has no printed values; the clerk types them from the
// paper. A typed amount that disagrees with the QR code is a mismatch, the
// QR's amount stays the invoice's, and verifying it needs the mismatch
// confirmed and still shows it afterwards.
func TestTypedValueKeepsMismatch(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	id := record(t, s, scanOf("", SourceGun, inv(qrOrdinary, 0)))[0].InvoiceID
	if err := s.SetTyped(ctx, id, map[string]string{PrintedAmount: "582.25", PrintedTotal: "681.50"}, "张三"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Amount == nil || got.Amount.String() != "582.52" {
		t.Errorf("amount %v, want the QR's 582.52 kept", got.Amount)
	}
	if got.Typed[PrintedAmount] != "582.25" || got.Typed[PrintedTotal] != "681.50" || len(got.Printed) != 0 {
		t.Errorf("typed %v printed %v", got.Typed, got.Printed)
	}
	m := findingOf(got.Findings, "mismatch_amount", "typed")
	if m == nil || m.Severity != finding.Error || got.Severity != finding.Error {
		t.Fatalf("findings %+v: want an error mismatch_amount from the typed value", got.Findings)
	}
	p, err := s.Search(ctx, Filter{Findings: FindingsError})
	if err != nil || len(p.Invoices) != 1 {
		t.Errorf("search for errors: %+v %v", p.Invoices, err)
	}

	_, err = s.Verify(ctx, VerifyRequest{InvoiceID: id, Clerk: "张三"})
	var ue *UnconfirmedError
	if !errors.As(err, &ue) || len(ue.Findings) != 1 || ue.Findings[0].Code != "mismatch_amount" {
		t.Fatalf("verify unconfirmed: %v", err)
	}
	if got, _ := s.Get(ctx, id); got.Verified != nil {
		t.Fatal("an unconfirmed verification was recorded")
	}
	v, err := s.Verify(ctx, VerifyRequest{InvoiceID: id, Clerk: "张三", Confirmed: []string{"mismatch_amount"}})
	if err != nil || v.Result != "error" || len(v.Confirmed) != 1 {
		t.Fatalf("verify confirmed = %+v, %v", v, err)
	}
	got, _ = s.Get(ctx, id)
	if got.Severity != finding.Error || findingOf(got.Findings, "mismatch_amount", "typed") == nil ||
		got.Verified == nil || got.Verified.Result != "error" || got.Verifications[0].Confirmed[0] != "mismatch_amount" {
		t.Errorf("after verify: severity %s findings %+v verified %+v", got.Severity, got.Findings, got.Verified)
	}

	// Typing the value the paper really shows clears the mismatch; the
	// earlier value stays in the record of what was typed.
	if err := s.SetTyped(ctx, id, map[string]string{PrintedAmount: "¥582.52"}, "张三"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, id)
	if findingOf(got.Findings, "mismatch_amount", "typed") != nil || got.Severity == finding.Error {
		t.Errorf("after correcting: %+v", got.Findings)
	}
	if len(got.TypedValues) != 3 || got.TypedValues[0].Value != "582.25" || got.TypedValues[2].Value != "582.52" {
		t.Errorf("typed values %+v", got.TypedValues)
	}
	// The same value again records nothing.
	if err := s.SetTyped(ctx, id, map[string]string{PrintedAmount: "582.52"}, "张三"); err != nil {
		t.Fatal(err)
	}
	if tv, _ := s.Typed(ctx, id); len(tv) != 3 {
		t.Errorf("unchanged value recorded: %+v", tv)
	}
}

// A value typed over one read from the file is kept beside it; the
// difference is a finding, and the file's own mismatch with the QR stays.
func TestTypedBesideRead(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	in := inv(qrOrdinary, 1)
	in.Printed = map[string]string{PrintedAmount: "682.52", PrintedTax: "40.00", PrintedTotal: "722.52", PrintedDate: "2017年11月04日"}
	in.Findings = []finding.Finding{finding.New("mismatch_amount", finding.Error, "amount", "金额不一致", "amount differs")}
	id := record(t, s, scanOf("a.pdf", SourceFile, in))[0].InvoiceID
	if err := s.SetTyped(ctx, id, map[string]string{PrintedAmount: "582.52"}, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, id)
	if got.Printed[PrintedAmount] != "682.52" || got.Typed[PrintedAmount] != "582.52" {
		t.Errorf("printed %v typed %v", got.Printed, got.Typed)
	}
	if findingOf(got.Findings, "mismatch_amount", "") == nil || findingOf(got.Findings, "typed_differs_read", "typed") == nil {
		t.Errorf("findings %+v: want the file's mismatch and the typed difference", got.Findings)
	}
	// Clearing the typed value takes its findings away again.
	if err := s.SetTyped(ctx, id, map[string]string{PrintedAmount: ""}, ""); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, id)
	if got.Typed != nil || findingOf(got.Findings, "typed_differs_read", "typed") != nil || findingOf(got.Findings, "mismatch_amount", "") == nil {
		t.Errorf("after clearing: typed %v findings %+v", got.Typed, got.Findings)
	}
	// A sighting recorded later keeps the typed findings computed.
	if err := s.SetTyped(ctx, id, map[string]string{PrintedTotal: "1.00"}, ""); err != nil {
		t.Fatal(err)
	}
	record(t, s, scanOf("b.jpg", SourceFile, inv(qrOrdinary, 0)))
	got, _ = s.Get(ctx, id)
	if findingOf(got.Findings, "typed_differs_read", "typed") == nil || findingOf(got.Findings, "duplicate", "") != nil {
		t.Errorf("after a new sighting: %+v", got.Findings)
	}
}

// A state change names the state the clerk saw; when the invoice moved on
// meanwhile, nothing changes and the clerk learns who moved it.
func TestChangeStateComparesAndSets(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	id := record(t, s, scanOf("a.pdf", SourceFile, inv(qrDigital, 1)))[0].InvoiceID
	if err := s.ChangeState(ctx, Change{InvoiceID: id, From: StateNew, To: StateLocked, Clerk: "甲"}); err != nil {
		t.Fatal(err)
	}
	// A second click of 锁定 made while the first was in flight.
	err := s.ChangeState(ctx, Change{InvoiceID: id, From: StateNew, To: StateLocked, Clerk: "乙"})
	var se *StaleError
	if !errors.As(err, &se) || !errors.Is(err, ErrStale) || se.Have != StateLocked || se.By != "甲" || se.At.IsZero() {
		t.Fatalf("stale lock: %v", err)
	}
	// 报销 clicked on a screen that still showed the invoice as new.
	if err := s.ChangeState(ctx, Change{InvoiceID: id, From: StateNew, To: StateVoided, Clerk: "乙"}); !errors.Is(err, ErrStale) {
		t.Fatalf("stale void: %v", err)
	}
	got, _ := s.Get(ctx, id)
	if got.State != StateLocked || got.StateBy != "甲" {
		t.Errorf("state %s by %s", got.State, got.StateBy)
	}
	if err := s.ChangeState(ctx, Change{InvoiceID: id, From: StateLocked, To: StateReimbursed, Clerk: "乙"}); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromV3(t *testing.T) {
	path, db := oldFile(t, "history-v3.sql")
	var before [4]int
	for i, table := range []string{"invoices", "sightings", "scans", "audit_log"} {
		db.QueryRow("SELECT count(*) FROM " + table).Scan(&before[i])
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open v3: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	for i, table := range []string{"invoices", "sightings", "scans"} {
		var n int
		s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
		if n != before[i] {
			t.Errorf("%s: %d rows, had %d", table, n, before[i])
		}
	}
	gun, err := s.GetByIdentity(ctx, "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if gun.Amount == nil || gun.Amount.String() != "582.52" || gun.SellerName != "" || len(gun.Printed) != 0 {
		t.Errorf("gun invoice: amount %v seller %q printed %v; want the QR's amount back and nothing read", gun.Amount, gun.SellerName, gun.Printed)
	}
	if gun.Typed[PrintedAmount] != "582.26" || gun.Typed[PrintedTotal] != "681.50" || gun.Typed[PrintedSellerName] != "深圳某某有限公司" ||
		len(gun.TypedValues) != 4 || gun.TypedValues[0].Clerk != "张三" || gun.TypedValues[0].Value != "582.25" {
		t.Errorf("gun invoice typed %v %+v", gun.Typed, gun.TypedValues)
	}
	if findingOf(gun.Findings, "mismatch_amount", "typed") == nil || gun.Severity != finding.Error {
		t.Errorf("gun invoice findings %+v: the typed amount's mismatch must show again", gun.Findings)
	}
	if gun.Verified == nil || gun.Verified.Clerk != "张三" {
		t.Errorf("verification lost: %+v", gun.Verified)
	}
	pdf, err := s.GetByIdentity(ctx, "24312000000136634917")
	if err != nil {
		t.Fatal(err)
	}
	if pdf.SellerName != "上海某某科技有限公司" || pdf.Typed[PrintedSellerName] != "上海某某科技公司" || pdf.State != StateLocked ||
		findingOf(pdf.Findings, "typed_differs_read", "typed") == nil {
		t.Errorf("pdf invoice: seller %q typed %v state %s findings %+v", pdf.SellerName, pdf.Typed, pdf.State, pdf.Findings)
	}
	rep, err := s.VerifyAudit(ctx)
	if err != nil || rep.Entries <= int64(before[3])+1 {
		t.Errorf("audit after migration: %+v %v (had %d entries)", rep, err, before[3])
	}
}
