package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

func TestGenerate(t *testing.T) {
	const n = 3000
	path := filepath.Join(t.TempDir(), "h.db")
	if err := Generate(path, n); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Count(ctx, store.Filter{}); err != nil || c != n {
		t.Fatalf("Count = %d, %v; want %d", c, err, n)
	}
	for _, i := range []int{0, 3, 4, 1999, 2003, n - 1} {
		k, err := s.Lookup(ctx, Identity(i))
		if err != nil || k.InvoiceID != int64(i+1) {
			t.Errorf("Lookup(Identity(%d) = %s) = %+v, %v", i, Identity(i), k, err)
		}
		inv, err := s.Get(ctx, int64(i+1))
		if err != nil || inv.Total == nil || inv.SellerName == "" || len(inv.Sightings) == 0 {
			t.Errorf("Get(%d) = %+v, %v", i+1, inv, err)
		}
	}
	if _, err := taxid.Validate(SellerTaxID(42)); err != nil {
		t.Errorf("seller tax ID %s: %v", SellerTaxID(42), err)
	}
	p, err := s.Search(ctx, store.Filter{Seller: "上海", States: []store.State{store.StateReimbursed}})
	if err != nil || len(p.Invoices) != 50 {
		t.Errorf("Search: %d invoices, %v", len(p.Invoices), err)
	}
	// A generated invoice coming again is caught like any other.
	r, err := s.Record(ctx, store.ScanInput{Source: store.SourcePaste, Invoices: []store.InvoiceInput{
		{Printed: map[string]string{store.PrintedNumber: Identity(0)}}}})
	if err != nil || r[0].DuplicateOf == nil {
		t.Errorf("Record of a generated invoice: %+v, %v", r, err)
	}
}
