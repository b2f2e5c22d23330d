package scan

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// A payload typed twice is recorded twice, the second time as a duplicate
// of the first: text goes through the same pipeline as files.
func TestTextSavedAsDuplicate(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var s Scanner
	text := "01,32,,24312000000136634917,0.01,20240514,,1DD6"
	for i, wantDup := range []bool{false, true} {
		r := s.Text(text)
		if err := Save(context.Background(), st, store.SourceGun, &r); err != nil {
			t.Fatal(err)
		}
		inv := r.Invoices[0]
		if inv.QR.Number != "24312000000136634917" || inv.Recorded == nil {
			t.Fatalf("run %d: %+v", i, inv)
		}
		if (inv.Recorded.DuplicateOf != nil) != wantDup || finding.Has(inv.Findings, "duplicate") != wantDup {
			t.Errorf("run %d: duplicate_of %v, findings %v", i, inv.Recorded.DuplicateOf, inv.Findings)
		}
	}
}

// The values of a picture read by OCR are recorded with how each was read.
func TestSaveKeepsOCRReads(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var s Scanner
	r := s.Text("01,32,,24312000000136634917,0.01,20240514,,1DD6")
	reads := map[string]document.FieldRead{
		store.PrintedNumber: {Confidence: 0.93, Region: document.Region{X0: 0.7, Y0: 0.05, X1: 0.9, Y1: 0.07}},
		store.PrintedTotal:  {Confidence: 0.3, Region: document.Region{X0: 0.6, Y0: 0.7, X1: 0.8, Y1: 0.75}, Unsure: true},
	}
	r.Invoices[0].Printed = &document.Printed{Number: "24312000000136634917", Source: document.SourceOCR, Reads: reads}
	if err := Save(context.Background(), st, store.SourceCamera, &r); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(context.Background(), r.Invoices[0].Recorded.InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Reads, reads) {
		t.Errorf("recorded reads %+v, read %+v", got.Reads, reads)
	}
}
