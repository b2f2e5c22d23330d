package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/document"
)

// A paper invoice's values as OCR read them from a camera frame: the
// number and total surely, the check code seen but not read surely.
func ocrInput() InvoiceInput {
	in := inv(qrOrdinary, 0)
	in.Printed = map[string]string{PrintedNumber: "02407312", PrintedTotal: "582.52"}
	in.Reads = map[string]document.FieldRead{
		PrintedNumber:    {Confidence: 0.93, Region: document.Region{X0: 0.7358, Y0: 0.0496, X1: 0.8188, Y1: 0.0681}},
		PrintedTotal:     {Confidence: 0.88, Region: document.Region{X0: 0.61, Y0: 0.71, X1: 0.74, Y1: 0.74}},
		PrintedCheckCode: {Confidence: 0.41, Region: document.Region{X0: 0.7301, Y0: 0.1376, X1: 0.9316, Y1: 0.1571}, Unsure: true},
		// Not kept: a read of no value that is not unsure, and a key the
		// history does not know.
		PrintedDate: {Confidence: 0.95},
		"stamp":     {Confidence: 0.5, Unsure: true},
	}
	return in
}

// The history keeps how each printed value was read by OCR, on the
// invoice and on its sighting, and gives it back as it was read; the
// audit log binds it.
func TestReadsRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	in := ocrInput()
	r := record(t, s, scanOf("", SourceCamera, in))
	got, err := s.Get(ctx, r[0].InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]document.FieldRead{
		PrintedNumber:    in.Reads[PrintedNumber],
		PrintedTotal:     in.Reads[PrintedTotal],
		PrintedCheckCode: in.Reads[PrintedCheckCode],
	}
	if !reflect.DeepEqual(got.Reads, want) {
		t.Errorf("the invoice's reads\n%+v, want\n%+v", got.Reads, want)
	}
	if len(got.Sightings) != 1 || !reflect.DeepEqual(got.Sightings[0].Reads, want) {
		t.Errorf("the sighting's reads %+v", got.Sightings)
	}
	if got.Printed[PrintedCheckCode] != "" || got.Printed[PrintedNumber] != "02407312" {
		t.Errorf("printed %v", got.Printed)
	}
	verifyAudit(t, s)

	// A read changed outside Fapiao is found.
	tamper(t, s, `UPDATE invoices SET reads = replace(reads, '0.93', '0.99')`)
	var be *BindingError
	if _, err := s.VerifyAudit(ctx); !errors.As(err, &be) {
		t.Errorf("a read changed outside Fapiao: %v, want a BindingError", err)
	}
}

// A value's read goes with the value the invoice keeps: what was read
// first stays, with its read; a value read later from a file has no read
// of OCR; a value no sighting read surely keeps the unsure read.
func TestReadsFollowTheValuesKept(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	// First a PDF whose text gave the number, then the camera's frame.
	pdf := inv(qrOrdinary, 1)
	pdf.Printed = map[string]string{PrintedNumber: "02407312"}
	record(t, s, scanOf("a.pdf", SourceFile, pdf))
	r := record(t, s, scanOf("", SourceCamera, ocrInput()))
	got, err := s.Get(ctx, r[0].InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Reads[PrintedNumber]; ok {
		t.Errorf("the number read from the PDF got the frame's read: %+v", got.Reads)
	}
	if got.Reads[PrintedTotal].Confidence != 0.88 || !got.Reads[PrintedCheckCode].Unsure {
		t.Errorf("reads %+v: want the frame's total and its unsure check code", got.Reads)
	}
	if len(got.Sightings) != 2 || len(got.Sightings[0].Reads) != 0 || len(got.Sightings[1].Reads) != 3 {
		t.Errorf("each sighting keeps its own reads: %+v", got.Sightings)
	}
	// A third sighting reads the check code surely: it takes its place.
	third := inv(qrOrdinary, 0)
	third.Printed = map[string]string{PrintedCheckCode: "80883429292637169951", PrintedTotal: "582.50"}
	third.Reads = map[string]document.FieldRead{
		PrintedCheckCode: {Confidence: 0.9, Region: document.Region{X0: 0.7, Y0: 0.1, X1: 0.9, Y1: 0.2}},
		PrintedTotal:     {Confidence: 0.7, Region: document.Region{X0: 0.6, Y0: 0.7, X1: 0.7, Y1: 0.8}},
	}
	record(t, s, scanOf("", SourceCamera, third))
	if got, err = s.Get(ctx, r[0].InvoiceID); err != nil {
		t.Fatal(err)
	}
	if rd := got.Reads[PrintedCheckCode]; rd.Unsure || rd.Confidence != 0.9 {
		t.Errorf("check code read surely later: %+v", rd)
	}
	if got.Printed[PrintedTotal] != "582.52" || got.Reads[PrintedTotal].Confidence != 0.88 {
		t.Errorf("the total read first stays with its read: %q %+v", got.Printed[PrintedTotal], got.Reads[PrintedTotal])
	}
	verifyAudit(t, s)
}

// A history of version 10 keeps its invoices when the reads are added,
// on a file and on a server alike; the audit log still verifies, and
// the invoices recorded from then on keep their reads.
func TestMigrateV10AddsReads(t *testing.T) {
	loc := newLocation(t)
	ctx := context.Background()
	s, err := Open(loc)
	if err != nil {
		t.Fatal(err)
	}
	pdf := inv(qrOrdinary, 1)
	pdf.Printed = map[string]string{PrintedNumber: "02407312", PrintedSellerName: "深圳某某有限公司"}
	record(t, s, scanOf("a.pdf", SourceFile, pdf))
	s.Close()
	db := rawDB(t, loc)
	down := `ALTER TABLE invoices DROP COLUMN reads; ALTER TABLE sightings DROP COLUMN reads; PRAGMA user_version = 10`
	if postgres() {
		down = `ALTER TABLE invoices DROP COLUMN reads; ALTER TABLE sightings DROP COLUMN reads;
			UPDATE fapiao_history SET version = 10`
	}
	if _, err := db.Exec(down); err != nil {
		t.Fatalf("make a history of version 10: %v", err)
	}
	db.Close()

	s, err = Open(loc)
	if err != nil {
		t.Fatalf("open a history of version 10: %v", err)
	}
	defer s.Close()
	if v, err := s.schemaVersion(ctx, s.db); err != nil || v != SchemaVersion {
		t.Fatalf("version %d (%v), want %d", v, err, SchemaVersion)
	}
	old, err := s.GetByIdentity(ctx, idOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	if old.Printed[PrintedSellerName] != "深圳某某有限公司" || old.Reads != nil || old.Sightings[0].Reads != nil {
		t.Errorf("the invoice of version 10: printed %v, reads %v", old.Printed, old.Reads)
	}
	verifyAudit(t, s)
	record(t, s, scanOf("", SourceCamera, ocrInput()))
	r := record(t, s, scanOf("", SourceCamera, func() InvoiceInput { i := ocrInput(); i.QR = qr(qrDigital); return i }()))
	got, err := s.Get(ctx, r[0].InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reads[PrintedTotal].Confidence != 0.88 || !got.Reads[PrintedCheckCode].Unsure {
		t.Errorf("reads recorded after the upgrade: %+v", got.Reads)
	}
	verifyAudit(t, s)
}
