package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/infile"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Recorder records scans: the history (*store.Store), or a team's history
// with this machine's outbox (*outbox.Team), which keeps a scan it cannot
// send and fails with outbox.ErrQueued.
type Recorder interface {
	Record(ctx context.Context, in store.ScanInput) ([]store.Recorded, error)
}

// Save records a file's result in the history, one transaction per file so
// that a batch killed half-way keeps every file recorded before it. Each
// invoice gets what the history says of it (Recorded), and the history's
// findings (duplicate, already reimbursed, blacklisted) join its own. A
// file kept in the outbox instead is Queued, each invoice with the finding
// "queued": it is not yet checked for duplicates.
func Save(ctx context.Context, st Recorder, src store.Source, r *FileResult) error {
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
			QR: inv.QR, Page: inv.Page, Printed: printedOrNil(inv.Printed), Reads: readsOrNil(inv.Printed), Findings: inv.Findings,
		})
	}
	rec, err := st.Record(ctx, in)
	var q *outbox.QueuedError
	if errors.As(err, &q) {
		r.queued(q.ID)
		return nil
	}
	if err != nil {
		return err
	}
	r.Recorded(rec)
	return nil
}

// queued marks r as kept in the outbox as scan id: each invoice with the
// finding "queued", not yet checked for duplicates.
func (r *FileResult) queued(id int64) {
	r.Queued, r.OutboxID = true, id
	f := finding.New(QueuedCode, finding.Warning, "",
		"团队服务器无法连接：已保存在本机，待发送；发送时再检查是否重复",
		"the team server cannot be reached: kept on this machine to be sent; checked for duplicates when sent")
	for i := range r.Invoices {
		r.Invoices[i].Findings = append(r.Invoices[i].Findings, f)
	}
}

// QueuedCode is the finding of an invoice kept in the outbox (Save).
const QueuedCode = "queued"

// Recorded gives each invoice what the history said of it when it was
// recorded (by Save, or later when the outbox sent it): its record, and
// the history's findings beside its own, in place of "queued".
func (r *FileResult) Recorded(rec []store.Recorded) {
	r.Queued = false
	for i := range r.Invoices {
		if i >= len(rec) {
			break
		}
		inv := &r.Invoices[i]
		inv.Recorded = &rec[i]
		inv.Findings = slices.DeleteFunc(inv.Findings, func(f finding.Finding) bool { return f.Code == QueuedCode })
		inv.Findings = append(inv.Findings, rec[i].Findings...)
	}
}

// printedOrNil is the printed values under the history's keys, or nil when
// nothing was read.
func printedOrNil(p *document.Printed) map[string]string {
	if p == nil || p.NeedsTyping {
		return nil
	}
	return p.Values()
}

// readsOrNil is how the printed values were read by OCR, nil when none were.
func readsOrNil(p *document.Printed) map[string]document.FieldRead {
	if p == nil || p.NeedsTyping {
		return nil
	}
	return p.Reads
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

// Typed records an invoice typed from the paper: its QR code could not be
// read from file, or there is no file ("" for file). The window's form and
// `fapiao record` both come here. The entry is checked as of now
// (store.EntryScan; refused with a *store.EntryError) and recorded through
// h, as a scan is (Save): kept in the outbox, Queued, while a team's
// server cannot be reached. It returns the invoice as a scan's result: no
// QR code, the values typed, and once recorded the invoice's findings as
// the history st computes them (no_qr, what the checks find in the values,
// a disagreement with a QR code scanned before) with the history's own
// (duplicate, already reimbursed …), and Recorded.
func Typed(ctx context.Context, h Recorder, st *store.Store, now time.Time, file string, values map[string]string, clerk string) (FileResult, error) {
	r := FileResult{File: file, Codes: []imaging.Code{}}
	e := store.Entry{Values: values, File: file, Clerk: clerk}
	if file != "" {
		sum, err := infile.SHA256(file)
		if err != nil {
			return r, fmt.Errorf("record %s: %w", file, err)
		}
		e.SHA256 = sum
	}
	in, err := store.EntryScan(e, now)
	if err != nil {
		return r, err
	}
	typed := in.Invoices[0].Typed
	r.Invoices = []Invoice{{Typed: typed, Findings: store.TypedOnlyFindings(typed, now)}}
	rec, err := h.Record(ctx, in)
	var q *outbox.QueuedError
	if errors.As(err, &q) {
		r.queued(q.ID)
		return r, nil
	}
	if err != nil {
		return r, err
	}
	inv, err := st.Get(ctx, rec[0].InvoiceID)
	if err != nil {
		return r, err
	}
	r.Invoices[0].Findings = inv.Findings
	r.Recorded(rec)
	return r, nil
}
