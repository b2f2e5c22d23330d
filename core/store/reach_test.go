package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// A scan sent again (Resend) after its first send committed is found and
// not recorded twice; what Record returns is what it returned the first
// time. A scan of the same file at another instant is a new scan.
func TestResendRecordsOnce(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 6, 9, 0, 0, 123456789, time.UTC)
	first := ScanInput{File: "a.pdf", Source: SourceFile, At: at, Resend: true,
		Invoices: []InvoiceInput{{Printed: map[string]string{PrintedNumber: "24440000000000000042", PrintedTotal: "1.00"}, Page: 1}}}
	other := ScanInput{File: "b.pdf", Source: SourceFile, At: at.Add(-time.Hour),
		Invoices: []InvoiceInput{{Printed: map[string]string{PrintedNumber: "24440000000000000042"}, Page: 1}}}
	if _, err := s.Record(ctx, other); err != nil {
		t.Fatal(err)
	}
	want, err := s.Record(ctx, first)
	if err != nil || want[0].DuplicateOf == nil {
		t.Fatalf("first send: %+v %v, want a duplicate of b.pdf", want, err)
	}
	got, err := s.Record(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sent again:\n%+v\nwant what the first send gave:\n%+v", got, want)
	}
	var scans, seen int
	if err := s.db.QueryRow("SELECT count(*) FROM scans").Scan(&scans); err != nil || scans != 2 {
		t.Errorf("%d scans (%v), want 2", scans, err)
	}
	if err := s.db.QueryRow("SELECT seen FROM invoices").Scan(&seen); err != nil || seen != 2 {
		t.Errorf("seen %d (%v), want 2", seen, err)
	}
	later := first
	later.At = at.Add(time.Nanosecond)
	if r, err := s.Record(ctx, later); err != nil || r[0].SightingID == want[0].SightingID {
		t.Errorf("a scan at another instant: %+v %v, want a new sighting", r, err)
	}
	first.At = time.Time{}
	if _, err := s.Record(ctx, first); err == nil {
		t.Error("a resend without the time seen was accepted")
	}
}
