package store

import (
	"context"
	"errors"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// paperOrdinary is qrOrdinary's invoice as a clerk types it off the paper:
// an electronic ordinary invoice with the last 6 digits of its check code.
func paperOrdinary() map[string]string {
	return map[string]string{PrintedKind: "10", PrintedCode: "044031600111", PrintedNumber: "02407312",
		PrintedDate: "2017年11月4日", PrintedAmount: "¥582.52", PrintedCheckCode: "169951",
		PrintedSellerName: "深圳某某餐饮有限公司"}
}

func recordTyped(t *testing.T, s *Store, e Entry) Recorded {
	t.Helper()
	r, err := s.RecordTyped(context.Background(), e)
	if err != nil {
		t.Fatalf("RecordTyped: %v", err)
	}
	return r
}

func verifyAudit(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.VerifyAudit(context.Background()); err != nil {
		t.Fatalf("audit: %v", err)
	}
}

// An invoice with no readable QR code is recorded from what the clerk
// typed: named by the typed code and number as a QR code would name it,
// its values typed values of that clerk, shown in the history's columns,
// and it says it has no QR code. Scanned later with its QR code, it is a
// duplicate of the typed one; the QR code's values then come first and the
// typed ones are compared with them.
func TestTypedInvoiceThenItsQR(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	r := recordTyped(t, s, Entry{Values: paperOrdinary(), File: "/in/torn.pdf", Clerk: "李四"})
	if r.Identity != idOrdinary || r.DuplicateOf != nil || r.State != StateNew || r.InvoiceID == 0 {
		t.Fatalf("recorded %+v", r)
	}
	got, err := s.Get(ctx, r.InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != "02407312" || got.Code != "044031600111" || got.Date != "2017-11-04" || got.TypeCode != "10" ||
		got.Amount == nil || got.Amount.String() != "582.52" || got.CheckCode != "169951" || got.SellerName != "深圳某某餐饮有限公司" {
		t.Errorf("columns %+v", got)
	}
	if len(got.Printed) != 0 || got.Typed[PrintedAmount] != "582.52" || got.Typed[PrintedDate] != "2017-11-04" {
		t.Errorf("printed %v typed %v: want only typed values", got.Printed, got.Typed)
	}
	if len(got.TypedValues) != 7 || got.TypedValues[0].Clerk != "李四" {
		t.Errorf("typed values %+v", got.TypedValues)
	}
	if got.FirstSeen.Source != SourceTyped || got.FirstSeen.File != "/in/torn.pdf" || got.FirstSeen.Clerk != "李四" {
		t.Errorf("first seen %+v", got.FirstSeen)
	}
	if len(got.Sightings) != 1 || got.Sightings[0].Raw != "" || got.Sightings[0].Kind != "" {
		t.Errorf("sightings %+v", got.Sightings)
	}
	noQR := findingOf(got.Findings, "no_qr", "typed")
	if noQR == nil || noQR.Severity != finding.Warning || got.Severity != finding.Warning {
		t.Fatalf("findings %+v: want the no_qr warning only", got.Findings)
	}
	if p, err := s.Search(ctx, Filter{Query: "02407312"}); err != nil || len(p.Invoices) != 1 {
		t.Errorf("search by the typed number: %+v %v", p.Invoices, err)
	}

	// The paper invoice's QR code is read later, with a scanner gun.
	again := record(t, s, scanOf("", SourceGun, inv(qrOrdinary, 0)))[0]
	if again.InvoiceID != r.InvoiceID || again.DuplicateOf == nil || again.DuplicateOf.Source != SourceTyped ||
		again.DuplicateOf.Clerk != "李四" || !finding.Has(again.Findings, "duplicate") {
		t.Fatalf("QR after typed: %+v", again)
	}
	got, _ = s.Get(ctx, r.InvoiceID)
	if findingOf(got.Findings, "no_qr", "typed") != nil {
		t.Errorf("no_qr stays once the QR code was read: %+v", got.Findings)
	}
	if got.CheckCode != "80883429292637169951" || got.Typed[PrintedCheckCode] != "169951" {
		t.Errorf("the QR's check code comes first, the typed one stays typed: %q %v", got.CheckCode, got.Typed)
	}
	if got.Severity == finding.Error {
		t.Errorf("the typed values agree with the QR code, yet %+v", got.Findings)
	}
	verifyAudit(t, s)
}

// Typed after its QR code was scanned, the invoice is a duplicate of the
// scan, and a typed amount that disagrees with the QR code is a mismatch.
// Typed again by another clerk, it is a duplicate of the first entry.
func TestTypedInvoiceAfterItsQR(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	first := record(t, s, scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1)))[0]
	v := paperOrdinary()
	v[PrintedAmount] = "528.52"
	r := recordTyped(t, s, Entry{Values: v, Clerk: "王五"})
	if r.InvoiceID != first.InvoiceID || r.DuplicateOf == nil || r.DuplicateOf.File != "a.pdf" || !finding.Has(r.Findings, "duplicate") {
		t.Fatalf("typed after QR: %+v", r)
	}
	got, _ := s.Get(ctx, r.InvoiceID)
	if m := findingOf(got.Findings, "mismatch_amount", "typed"); m == nil || m.Severity != finding.Error {
		t.Errorf("findings %+v: want the typed amount's mismatch", got.Findings)
	}
	if got.Amount.String() != "582.52" || got.Seen != 2 {
		t.Errorf("the QR's amount stays the invoice's: %v, seen %d", got.Amount, got.Seen)
	}
	verifyAudit(t, s)
}

func TestTypedInvoiceTypedTwice(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	digital := map[string]string{PrintedKind: "32", PrintedNumber: "24312000000136634917", PrintedDate: "2024-05-14",
		PrintedTotal: "0.01", PrintedSellerTaxID: "91310000MA1FL3LK77"}
	a := recordTyped(t, s, Entry{Values: digital, Clerk: "张三"})
	if a.Identity != idDigital {
		t.Fatalf("identity %q, want %q", a.Identity, idDigital)
	}
	digital[PrintedTotal] = "0.10"
	b := recordTyped(t, s, Entry{Values: digital, Clerk: "李四"})
	if b.InvoiceID != a.InvoiceID || b.DuplicateOf == nil || b.DuplicateOf.Clerk != "张三" || b.DuplicateOf.Source != SourceTyped {
		t.Fatalf("typed twice: %+v", b)
	}
	got, _ := s.Get(ctx, a.InvoiceID)
	if got.Total.String() != "0.10" || got.Typed[PrintedTotal] != "0.10" || got.Seen != 2 {
		t.Errorf("the latest typed total shows: %v %v", got.Total, got.Typed)
	}
	last := got.TypedValues[len(got.TypedValues)-1]
	if last.Key != PrintedTotal || last.Value != "0.10" || last.Clerk != "李四" || len(got.TypedValues) != 6 {
		t.Errorf("typed values %+v", got.TypedValues)
	}
	// Its number names it: correcting it would make it another invoice.
	err := s.SetTyped(ctx, a.InvoiceID, map[string]string{PrintedNumber: "24312000000136634918"}, "张三")
	var ee *EntryError
	if !errors.As(err, &ee) || ee.Findings[0].Code != "identity_typed" {
		t.Errorf("changing the typed number: %v", err)
	}
	// Its other values are corrected as any typed value, and the columns follow.
	if err := s.SetTyped(ctx, a.InvoiceID, map[string]string{PrintedTotal: "0.01"}, "张三"); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Get(ctx, a.InvoiceID); got.Total.String() != "0.01" || findingOf(got.Findings, "no_qr", "typed") == nil {
		t.Errorf("corrected: total %v findings %+v", got.Total, got.Findings)
	}
	// Locked and paid as any other; typed once more, it is already paid.
	for _, ch := range []Change{{From: StateNew, To: StateLocked}, {From: StateLocked, To: StateReimbursed}} {
		ch.InvoiceID, ch.Clerk = a.InvoiceID, "张三"
		if err := s.ChangeState(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	c := recordTyped(t, s, Entry{Values: digital, Clerk: "王五"})
	if c.State != StateReimbursed || !finding.Has(c.Findings, "already_reimbursed") {
		t.Errorf("a paid invoice typed again: %+v", c)
	}
	verifyAudit(t, s)
}

// Two clerks typing the same paper at once: one records it first, the
// other is told it is a duplicate, and the history holds it once.
func TestTypedInvoiceTypedAtOnce(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	recs := make(chan Recorded, 2)
	errs := make(chan error, 2)
	for _, clerk := range []string{"张三", "李四"} {
		go func() {
			r, err := s.RecordTyped(ctx, Entry{Values: paperOrdinary(), Clerk: clerk})
			recs <- r
			errs <- err
		}()
	}
	var dups int
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if r := <-recs; r.DuplicateOf != nil {
			dups++
		}
	}
	if p, err := s.Search(ctx, Filter{}); err != nil || len(p.Invoices) != 1 || p.Invoices[0].Seen != 2 || dups != 1 {
		t.Errorf("%d duplicates, history %+v %v", dups, p.Invoices, err)
	}
	verifyAudit(t, s)
}

// What cannot be an invoice's values is refused, each with the field and a
// message in both languages, and nothing is recorded.
func TestRecordTypedRefuses(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		change map[string]string
		codes  []string
	}{
		"nothing":      {map[string]string{PrintedKind: "", PrintedCode: "", PrintedNumber: "", PrintedDate: "", PrintedAmount: "", PrintedCheckCode: "", PrintedSellerName: ""}, []string{"type_missing", "number_missing", "amount_missing", "date_missing"}},
		"bad date":     {map[string]string{PrintedDate: "2017-13-45"}, []string{"date_format"}},
		"future date":  {map[string]string{PrintedDate: "2027-01-01"}, []string{"date_future"}},
		"short number": {map[string]string{PrintedNumber: "240731"}, []string{"number_format"}},
		"code letters": {map[string]string{PrintedCode: "04403160011O"}, []string{"code_format"}},
		"no code":      {map[string]string{PrintedCode: ""}, []string{"code_missing"}},
		"check code":   {map[string]string{PrintedCheckCode: "16995"}, []string{"check_code_format"}},
		"amount":       {map[string]string{PrintedAmount: "五百"}, []string{"amount_format"}},
		"tax ID":       {map[string]string{PrintedSellerTaxID: "91310000MA1FL3LK7Y"}, []string{"tax_id_check"}},
		"type":         {map[string]string{PrintedKind: "99"}, []string{"type_unknown"}},
	} {
		v := paperOrdinary()
		for k, x := range tc.change {
			v[k] = x
		}
		_, err := s.RecordTyped(ctx, Entry{Values: v})
		var ee *EntryError
		if !errors.As(err, &ee) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want an EntryError", name, err)
			continue
		}
		for _, code := range tc.codes {
			if !finding.Has(ee.Findings, code) {
				t.Errorf("%s: findings %+v lack %s", name, ee.Findings, code)
			}
		}
		for _, f := range ee.Findings {
			if f.Message == "" || f.English == "" || f.Severity != finding.Error {
				t.Errorf("%s: finding %+v", name, f)
			}
			if name == "bad date" && f.Code == "date_missing" {
				t.Errorf("a date that cannot be read is said missing too: %+v", ee.Findings)
			}
		}
	}
	if p, err := s.Search(ctx, Filter{}); err != nil || len(p.Invoices) != 0 {
		t.Errorf("refused entries recorded: %+v %v", p.Invoices, err)
	}
	// What 查验 still needs is a warning, and the invoice is recorded.
	v := paperOrdinary()
	delete(v, PrintedCheckCode)
	r := recordTyped(t, s, Entry{Values: v})
	got, _ := s.Get(ctx, r.InvoiceID)
	if f := findingOf(got.Findings, "verify_incomplete", "typed"); f == nil || f.Severity != finding.Warning {
		t.Errorf("findings %+v: want what 查验 lacks", got.Findings)
	}
}

// A history of version 1 takes typed invoices once migrated: the scans'
// source widens in place, and no scan or sighting is lost with it. On the
// server, where every database is built by the migrations, the constraint
// dropped and added again still refuses an unknown source.
func TestMigratedHistoryTakesTypedInvoices(t *testing.T) {
	if postgres() {
		s, _ := openTest(t)
		if _, err := s.RecordTyped(context.Background(), Entry{Values: paperOrdinary()}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec("INSERT INTO scans (file, sha256, source, at) VALUES ('', '', 'fax', 0)"); err == nil {
			t.Error("the widened CHECK takes any source")
		}
		return
	}
	path, db := oldFile(t, "history-v1.sql")
	var scans, sightings int
	db.QueryRow("SELECT (SELECT count(*) FROM scans), (SELECT count(*) FROM sightings)").Scan(&scans, &sightings)
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open v1: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	var scans2, sightings2 int
	var check string
	s.db.QueryRow("SELECT (SELECT count(*) FROM scans), (SELECT count(*) FROM sightings)").Scan(&scans2, &sightings2)
	if scans2 != scans || sightings2 != sightings || scans == 0 {
		t.Errorf("scans %d → %d, sightings %d → %d", scans, scans2, sightings, sightings2)
	}
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %s %v", check, err)
	}
	v := paperOrdinary()
	v[PrintedNumber] = "02407399"
	if _, err := s.RecordTyped(ctx, Entry{Values: v}); err != nil {
		t.Fatalf("typed into a migrated history: %v", err)
	}
	if _, err := s.db.Exec("INSERT INTO scans (file, sha256, source, at) VALUES ('', '', 'fax', 0)"); err == nil {
		t.Error("the widened CHECK takes any source")
	}
	verifyAudit(t, s)
}
