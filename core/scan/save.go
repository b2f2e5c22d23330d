package scan

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/infile"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Save records a file's result in the history, one transaction per file so
// that a batch killed half-way keeps every file recorded before it. Each
// invoice gets what the history says of it (Recorded), and the history's
// findings (duplicate, already reimbursed, blacklisted) join its own.
func Save(ctx context.Context, st *store.Store, src store.Source, r *FileResult) error {
	if r.Err != nil {
		return nil // nothing was read; the error is reported with the file
	}
	in := store.ScanInput{File: r.File, Source: src, Frame: r.Frame}
	if r.File != "" {
		sum, err := infile.SHA256(r.File)
		if err != nil {
			return fmt.Errorf("record %s: %w", r.File, err)
		}
		in.SHA256 = sum
	}
	for _, inv := range r.Invoices {
		in.Invoices = append(in.Invoices, store.InvoiceInput{
			QR: inv.QR, Page: inv.Page, Printed: printedOrNil(inv.Printed), Findings: inv.Findings,
		})
	}
	rec, err := st.Record(ctx, in)
	if err != nil {
		return err
	}
	for i := range r.Invoices {
		r.Invoices[i].Recorded = &rec[i]
		r.Invoices[i].Findings = append(r.Invoices[i].Findings, rec[i].Findings...)
	}
	return nil
}

// printedOrNil is the printed values under the history's keys, or nil when
// nothing was read.
func printedOrNil(p *document.Printed) map[string]string {
	if p == nil || p.NeedsTyping {
		return nil
	}
	return p.Values()
}

// MarshalJSON writes findings and comparison on every invoice, [] when
// there are none, and adds, once the invoice is recorded, duplicate_of
// (null, or where and when the invoice was first seen), its history ID and
// state.
func (inv Invoice) MarshalJSON() ([]byte, error) {
	type plain Invoice
	if inv.Findings == nil {
		inv.Findings = []finding.Finding{}
	}
	inv.Comparison = nonNil(inv.Comparison)
	if inv.Recorded == nil {
		return json.Marshal(plain(inv))
	}
	return json.Marshal(struct {
		plain
		DuplicateOf *store.Sighting `json:"duplicate_of"`
		InvoiceID   int64           `json:"invoice_id,omitempty"`
		State       store.State     `json:"state,omitempty"`
	}{plain(inv), inv.Recorded.DuplicateOf, inv.Recorded.InvoiceID, inv.Recorded.State})
}

// Typed records an invoice typed from the paper (store.RecordTyped): its QR
// code could not be read from file, or there is no file ("" for file). The
// window's form and `fapiao record` both come here. It returns the invoice
// as a scan's result: no QR code, the values typed, the invoice's findings
// as the history now computes them (no_qr, what the checks find in the
// values, a disagreement with a QR code scanned before) with the
// history's own (duplicate, already reimbursed …), and Recorded. An entry
// that cannot be recorded is a *store.EntryError.
func Typed(ctx context.Context, st *store.Store, file string, values map[string]string, clerk string) (FileResult, error) {
	r := FileResult{File: file, Codes: []imaging.Code{}}
	e := store.Entry{Values: values, File: file, Clerk: clerk}
	if file != "" {
		sum, err := infile.SHA256(file)
		if err != nil {
			return r, fmt.Errorf("record %s: %w", file, err)
		}
		e.SHA256 = sum
	}
	rec, err := st.RecordTyped(ctx, e)
	if err != nil {
		return r, err
	}
	inv, err := st.Get(ctx, rec.InvoiceID)
	if err != nil {
		return r, err
	}
	fs := append([]finding.Finding{}, inv.Findings...)
	for _, f := range rec.Findings {
		if !finding.Has(fs, f.Code) {
			fs = append(fs, f)
		}
	}
	r.Invoices = []Invoice{{Typed: inv.Typed, Findings: fs, Recorded: &rec}}
	return r, nil
}
