package scan

import (
	"context"
	"path/filepath"
	"testing"

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
