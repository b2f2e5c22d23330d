package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// Moving a clerk's own history into a team's: CopyInto replays every scan
// of one history into another as if it were scanned there again, at the
// time it was first scanned and by the clerk who scanned it, so that the
// team history finds the invoices it already had from another clerk
// exactly as it finds a duplicate scanned today. Then the reimbursement
// states, notes, typed values and blacklist follow. Running it again copies
// nothing twice: a scan already in the team history (the same file, file
// hash, way in and time) is passed over, notes and blacklist entries
// already there are not added again, and states only move forward.

// CopyReport says what CopyInto did.
type CopyReport struct {
	Scans     int // scans copied
	Skipped   int // scans the destination had already (an earlier copy)
	Invoices  int // invoices the destination did not have before
	States    int // reimbursement states carried over
	Notes     int
	Typed     int // invoices whose typed values were carried over
	Blacklist int
	// Duplicates are the invoices of the source the destination had
	// already from another clerk's or another machine's scan.
	Duplicates []CopyDuplicate
	// Conflicts are invoices whose state in the destination already
	// differs from the source's in a way a copy must not change (say,
	// reimbursed by another clerk where this one voided it).
	Conflicts []string
}

// CopyDuplicate is an invoice both histories saw: where each first saw it.
type CopyDuplicate struct {
	Identity string   `json:"identity"`
	Source   Sighting `json:"source"`      // in the history copied
	Team     Sighting `json:"destination"` // in the history copied into
}

// historyFindings are the codes Record adds from the history itself; a
// copied sighting leaves them out, and the destination's history adds its
// own.
var historyFindings = []string{"duplicate", "already_locked", "already_reimbursed", "already_voided",
	"already_red_reversed", "blacklisted"}

// CopyInto copies the history s into dst (see above); note is added to
// every state change it makes, naming where they came from.
func (s *Store) CopyInto(ctx context.Context, dst *Store, note string) (CopyReport, error) {
	var rep CopyReport
	op := "copy history " + s.path + " into " + dst.path
	fallbackClerk, err := s.Clerk(ctx)
	if err != nil {
		return rep, err
	}
	// The blacklist first, so that the invoices copied are checked against it.
	bl, err := s.Blacklist(ctx)
	if err != nil {
		return rep, err
	}
	have, err := dst.Blacklist(ctx)
	if err != nil {
		return rep, err
	}
	for _, e := range bl {
		if slices.ContainsFunc(have, func(h BlacklistEntry) bool { return h.TaxID == e.TaxID }) {
			continue
		}
		if err := dst.AddBlacklist(ctx, e.TaxID, e.Reason, e.AddedBy); err != nil {
			return rep, err
		}
		rep.Blacklist++
	}

	// The scans, oldest first. mapped holds the destination's scan of each
	// source scan, copied now or before.
	mapped := map[int64]bool{}
	rows, err := s.db.QueryContext(ctx, "SELECT id, file, sha256, source, at, clerk FROM scans ORDER BY id")
	if err != nil {
		return rep, s.fail(op, err)
	}
	type scanRow struct {
		id                       int64
		file, sum, source, clerk string
		at                       int64
	}
	var scans []scanRow
	for rows.Next() {
		var r scanRow
		if err := rows.Scan(&r.id, &r.file, &r.sum, &r.source, &r.at, &r.clerk); err != nil {
			rows.Close()
			return rep, s.fail(op, err)
		}
		scans = append(scans, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, s.fail(op, err)
	}
	for _, sc := range scans {
		var destID int64
		err := dst.db.QueryRowContext(ctx, "SELECT coalesce(min(id), 0) FROM scans WHERE file = ? AND sha256 = ? AND source = ? AND at = ?",
			sc.file, sc.sum, sc.source, sc.at).Scan(&destID)
		if err != nil {
			return rep, dst.fail(op, err)
		}
		if destID != 0 {
			mapped[destID] = true
			rep.Skipped++
			continue
		}
		in := ScanInput{File: sc.file, SHA256: sc.sum, Source: Source(sc.source), At: fromNanos(sc.at), Clerk: sc.clerk}
		if in.Clerk == "" {
			in.Clerk = fallbackClerk
		}
		if in.Invoices, err = s.sightingInputs(ctx, sc.id); err != nil {
			return rep, s.fail(op, err)
		}
		if in.Frame, in.FrameType, err = s.Frame(ctx, sc.id); err != nil && !errors.Is(err, ErrNotFound) {
			return rep, err
		}
		res, err := dst.Record(ctx, in)
		if err != nil {
			return rep, err
		}
		rep.Scans++
		if len(res) > 0 {
			mapped[res[0].ScanID] = true
		} else if err := dst.db.QueryRowContext(ctx, "SELECT max(id) FROM scans WHERE file = ? AND at = ?", sc.file, sc.at).Scan(&destID); err == nil {
			mapped[destID] = true
		}
		for _, r := range res {
			if r.InvoiceID != 0 && r.DuplicateOf == nil {
				rep.Invoices++
			}
		}
	}

	// Then what clerks did with each invoice.
	return rep, s.Each(ctx, Filter{}, func(inv *Invoice) error {
		seen, err := dst.Lookup(ctx, inv.Identity)
		if err != nil {
			return err
		}
		if !mapped[seen.First.ScanID] {
			rep.Duplicates = append(rep.Duplicates, CopyDuplicate{Identity: inv.Identity, Source: inv.FirstSeen, Team: seen.First})
		}
		return s.copyWork(ctx, dst, inv.ID, seen.InvoiceID, note, &rep)
	})
}

// sightingInputs rebuilds the InvoiceInputs of a scan from its sightings.
func (s *Store) sightingInputs(ctx context.Context, scanID int64) ([]InvoiceInput, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT page, kind, type_code, code, number, amount, date, check_code,
		seller_tax_id, raw, printed, findings FROM sightings WHERE scan_id = ? ORDER BY id`, scanID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InvoiceInput
	for rows.Next() {
		var (
			in                                                    InvoiceInput
			kind, typeCode, code, number, amount, date, check, tx string
			raw, pj, fj                                           string
		)
		if err := rows.Scan(&in.Page, &kind, &typeCode, &code, &number, &amount, &date, &check, &tx, &raw, &pj, &fj); err != nil {
			return nil, err
		}
		if kind != "" {
			in.QR = qrOf(kind, typeCode, code, number, amount, date, check, tx)
			in.QR.Raw = raw
		}
		if err := json.Unmarshal([]byte(pj), &in.Printed); err != nil {
			return nil, fmt.Errorf("scan %d: printed values: %w", scanID, err)
		}
		var fs []finding.Finding
		if err := json.Unmarshal([]byte(fj), &fs); err != nil {
			return nil, fmt.Errorf("scan %d: findings: %w", scanID, err)
		}
		for _, f := range fs {
			if !slices.Contains(historyFindings, f.Code) {
				in.Findings = append(in.Findings, f)
			}
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// copyWork carries the state, notes and typed values of invoice id of s
// over to invoice to of dst.
func (s *Store) copyWork(ctx context.Context, dst *Store, id, to int64, note string, rep *CopyReport) error {
	src, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	cur, err := dst.Get(ctx, to)
	if err != nil {
		return err
	}
	if len(src.Typed) > 0 && !maps.Equal(src.Typed, cur.Typed) {
		clerk := src.StateBy
		if n := len(src.TypedValues); n > 0 {
			clerk = src.TypedValues[n-1].Clerk
		}
		if err := dst.SetTyped(ctx, to, src.Typed, clerk); err != nil {
			return err
		}
		rep.Typed++
	}
	for _, n := range src.Notes {
		if slices.ContainsFunc(cur.Notes, func(m Note) bool { return m.Text == n.Text && m.Clerk == n.Clerk }) {
			continue
		}
		if err := dst.AddNote(ctx, to, n.Clerk, n.Text); err != nil {
			return err
		}
		rep.Notes++
	}
	if src.State == cur.State || src.State == StateNew {
		return nil
	}
	// The way from the destination's state to the source's, if the
	// workflow has one: new → locked → reimbursed, or straight to voided.
	path := []State{src.State}
	if src.State == StateReimbursed && cur.State == StateNew {
		path = []State{StateLocked, StateReimbursed}
	}
	if !cur.State.CanBecome(path[0]) {
		rep.Conflicts = append(rep.Conflicts, fmt.Sprintf("%s: %s %s here, %s %s in the team history",
			src.Identity, src.State.Name(), src.State, cur.State.Name(), cur.State))
		return nil
	}
	from := cur.State
	for _, st := range path {
		if err := dst.ChangeState(ctx, Change{InvoiceID: to, From: from, To: st, Clerk: src.StateBy, Note: note}); err != nil {
			return err
		}
		from = st
	}
	rep.States++
	return nil
}
