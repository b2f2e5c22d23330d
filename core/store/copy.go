package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// Moving a clerk's own history into a team's: CopyInto replays every scan
// of one history into another as if it were scanned there again, at the
// time it was first scanned and by the clerk who scanned it, so that the
// team history finds the invoices it already had from another clerk
// exactly as it finds a duplicate scanned today. Then everything else the
// history holds follows, each with its clerk and time: the blacklist, the
// reimbursement states, notes, typed values, verifications (核验), checks
// with the tax authority (查验) and the fw199 re-billing orders with every
// attempt. Each is written with its audit entry, so the team's audit chain
// still verifies. Running it again copies nothing twice: a scan already in
// the team history (the same file, file hash, way in and time) is passed
// over, a typed value, verification, check or attempt already there (the
// same clerk, time and content) is not added again, nor a note or
// blacklist entry, and states only move forward. The settings stay behind:
// they are the machine's and the clerk's own.

// CopyReport says what CopyInto did.
type CopyReport struct {
	Scans     int // scans copied
	Skipped   int // scans the destination had already (an earlier copy)
	Invoices  int // invoices the destination did not have before
	States    int // reimbursement states carried over
	Notes     int
	Typed     int // typed values carried over
	Blacklist int
	// Verifications, Checks (查验 answers and failures) and Attempts (of
	// fw199 re-billing orders) carried over.
	Verifications int
	Checks        int
	Attempts      int
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
		if err := dst.copyBlacklisted(ctx, e); err != nil {
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

	// Then what clerks did with each invoice. ids maps the invoices of s to
	// those of dst, for the re-billing orders.
	ids := map[int64]int64{}
	err = s.Each(ctx, Filter{}, func(inv *Invoice) error {
		seen, err := dst.Lookup(ctx, inv.Identity)
		if err != nil {
			return err
		}
		ids[inv.ID] = seen.InvoiceID
		if !mapped[seen.First.ScanID] {
			rep.Duplicates = append(rep.Duplicates, CopyDuplicate{Identity: inv.Identity, Source: inv.FirstSeen, Team: seen.First})
		}
		return s.copyWork(ctx, dst, inv.ID, seen.InvoiceID, note, &rep)
	})
	if err != nil {
		return rep, err
	}
	if err := s.copyOrders(ctx, dst, ids, &rep); err != nil {
		return rep, err
	}
	if dst.d.postgres && rep.Scans > 0 {
		// The planner's statistics, for the rows just copied; the server
		// would refresh them by itself only some time later.
		if _, err := dst.db.ExecContext(ctx, "ANALYZE"); err != nil {
			return rep, dst.fail(op, err)
		}
	}
	return rep, nil
}

// copyBlacklisted adds the blacklist entry e as it was added in another
// history: by its clerk, at its time.
func (s *Store) copyBlacklisted(ctx context.Context, e BlacklistEntry) error {
	return s.write(ctx, "add "+e.TaxID+" to the blacklist", func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO blacklist (tax_id, reason, added_at, added_by) VALUES (?, ?, ?, ?) ON CONFLICT (tax_id) DO NOTHING",
			e.TaxID, e.Reason, nanos(e.AddedAt), e.AddedBy)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // listed meanwhile: the team's entry stays
		}
		return s.appendAudit(ctx, tx, e.AddedBy, "blacklist_add", e.TaxID,
			map[string]string{"reason": e.Reason, "added_at": fromNanos(nanos(e.AddedAt)).UTC().Format(time.RFC3339Nano)})
	})
}

// sightingInputs rebuilds the InvoiceInputs of a scan from its sightings.
func (s *Store) sightingInputs(ctx context.Context, scanID int64) ([]InvoiceInput, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT page, kind, type_code, code, number, amount, date, check_code,
		seller_tax_id, raw, printed, reads, findings FROM sightings WHERE scan_id = ? ORDER BY id`, scanID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InvoiceInput
	for rows.Next() {
		var (
			in                                                    InvoiceInput
			kind, typeCode, code, number, amount, date, check, tx string
			raw, pj, rj, fj                                       string
		)
		if err := rows.Scan(&in.Page, &kind, &typeCode, &code, &number, &amount, &date, &check, &tx, &raw, &pj, &rj, &fj); err != nil {
			return nil, err
		}
		if kind != "" {
			in.QR = qrOf(kind, typeCode, code, number, amount, date, check, tx)
			in.QR.Raw = raw
		}
		if err := json.Unmarshal([]byte(pj), &in.Printed); err != nil {
			return nil, fmt.Errorf("scan %d: printed values: %w", scanID, err)
		}
		var err error
		if in.Reads, err = parseReads(rj); err != nil {
			return nil, fmt.Errorf("scan %d: %w", scanID, err)
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

// copyWork carries the state, notes, typed values, verifications and
// checks of invoice id of s over to invoice to of dst.
func (s *Store) copyWork(ctx context.Context, dst *Store, id, to int64, note string, rep *CopyReport) error {
	src, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := dst.copyInvoiceWork(ctx, to, src, rep); err != nil {
		return err
	}
	cur, err := dst.Get(ctx, to)
	if err != nil {
		return err
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
	// As of when it was changed there, by whom.
	var at time.Time
	if src.StateAt != nil {
		at = *src.StateAt
	}
	from := cur.State
	for _, st := range path {
		if err := dst.changeState(ctx, Change{InvoiceID: to, From: from, To: st, Clerk: src.StateBy, Note: note}, at); err != nil {
			return err
		}
		from = st
	}
	rep.States++
	return nil
}

// copyInvoiceWork writes into invoice to what clerks did with src in
// another history and this one lacks: its typed values, notes,
// verifications and checks, each with its clerk and time and an audit
// entry, in one transaction. The invoice's latest typed value of each key,
// latest verification and latest answer of the tax authority are then the
// newest of both histories.
func (s *Store) copyInvoiceWork(ctx context.Context, to int64, src *Invoice, rep *CopyReport) error {
	var typed, notes, verifications, checks int
	err := s.write(ctx, "copy work on invoice "+src.Identity, func(tx *dbTx) error {
		typed, notes, verifications, checks = 0, 0, 0, 0
		cur, err := loadInvoiceByID(ctx, tx, to)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", to, err)
		}
		has := func(q string, args ...any) (bool, error) {
			var n int
			err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+q, args...).Scan(&n)
			return n > 0, err
		}
		stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
		refind := false
		for _, v := range src.TypedValues {
			at := nanos(v.At)
			if ok, err := has("typed_values WHERE invoice_id = ? AND key = ? AND value = ? AND at = ? AND clerk = ?",
				to, v.Key, v.Value, at, v.Clerk); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO typed_values (invoice_id, key, value, at, clerk) VALUES (?, ?, ?, ?, ?)",
				to, v.Key, v.Value, at, v.Clerk); err != nil {
				return err
			}
			typed++
			var latest string
			if err := tx.QueryRowContext(ctx, "SELECT value FROM typed_values WHERE invoice_id = ? AND key = ? ORDER BY at DESC, id DESC LIMIT 1",
				to, v.Key).Scan(&latest); err != nil {
				return err
			}
			old := cur.typed[v.Key]
			if latest == "" {
				delete(cur.typed, v.Key)
			} else {
				cur.typed[v.Key] = latest
			}
			refind = refind || latest != old
			// "new" is the key's latest value, as the audit replay reads it;
			// "value" and "at" what was typed in the other history.
			if err := s.appendAudit(ctx, tx, v.Clerk, "type", cur.identity, map[string]string{
				"key": v.Key, "old": old, "new": latest, "value": v.Value, "at": stamp(v.At), "copied": "true"}); err != nil {
				return err
			}
		}
		for _, n := range src.Notes {
			if ok, err := has("notes WHERE invoice_id = ? AND clerk = ? AND text = ?", to, n.Clerk, n.Text); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO notes (invoice_id, at, clerk, text) VALUES (?, ?, ?, ?)",
				to, nanos(n.At), n.Clerk, n.Text); err != nil {
				return err
			}
			notes++
			if err := s.appendAudit(ctx, tx, n.Clerk, "note", cur.identity,
				map[string]string{"text": n.Text, "at": stamp(n.At), "copied": "true"}); err != nil {
				return err
			}
		}
		for _, v := range src.Verifications {
			at := nanos(v.At)
			if ok, err := has("verifications WHERE invoice_id = ? AND at = ? AND clerk = ? AND result = ?",
				to, at, v.Clerk, v.Result); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO verifications (invoice_id, at, clerk, result, confirmed) VALUES (?, ?, ?, ?, ?)",
				to, at, v.Clerk, v.Result, mustJSON(nonNilStrings(v.Confirmed))); err != nil {
				return err
			}
			verifications++
			var latest Verification
			var latestAt int64
			if err := tx.QueryRowContext(ctx, "SELECT at, clerk, result FROM verifications WHERE invoice_id = ? ORDER BY at DESC, id DESC LIMIT 1",
				to).Scan(&latestAt, &latest.Clerk, &latest.Result); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE invoices SET verified_at = ?, verified_by = ?, verified_result = ? WHERE id = ?",
				latestAt, latest.Clerk, latest.Result, to); err != nil {
				return err
			}
			details := map[string]any{"result": v.Result, "at": stamp(v.At), "latest": latest.Result, "copied": true}
			if len(v.Confirmed) > 0 {
				details["confirmed"] = v.Confirmed
			}
			if err := s.appendAudit(ctx, tx, v.Clerk, "verify", cur.identity, details); err != nil {
				return err
			}
		}
		for _, c := range src.Checks {
			at := nanos(c.At)
			if ok, err := has("checks WHERE invoice_id = ? AND provider = ? AND request_id = ? AND at = ? AND outcome = ?",
				to, c.Provider, c.RequestID, at, c.Outcome); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			official := c.Official
			if official == nil {
				official = map[string]string{}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO checks (invoice_id, provider, request_id, at, clerk, outcome, reason, official, findings)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, to, c.Provider, c.RequestID, at, c.Clerk, c.Outcome, c.Reason,
				mustJSON(official), mustJSON(nonNil(c.Findings))); err != nil {
				return err
			}
			checks++
			var outcome string
			var checkedAt int64
			if err := tx.QueryRowContext(ctx, "SELECT check_outcome, checked_at FROM invoices WHERE id = ?", to).Scan(&outcome, &checkedAt); err != nil {
				return err
			}
			if slices.Contains(answered, c.Outcome) && (outcome == "" || at > checkedAt) {
				c.InvoiceID = to
				if err := s.applyAnswer(ctx, tx, cur, c); err != nil {
					return err
				}
				outcome, refind = c.Outcome, false // applyAnswer saved the findings
			}
			details := map[string]any{"provider": c.Provider, "request_id": c.RequestID, "outcome": c.Outcome,
				"at": stamp(c.At), "latest": outcome, "copied": true}
			if c.Reason != "" {
				details["reason"] = c.Reason
			}
			if err := s.appendAudit(ctx, tx, c.Clerk, "check", cur.identity, details); err != nil {
				return err
			}
		}
		if refind {
			return s.saveFindings(ctx, tx, cur)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rep.Typed += typed
	rep.Notes += notes
	rep.Verifications += verifications
	rep.Checks += checks
	return nil
}

// copyOrders carries the fw199 re-billing orders of s over to dst with
// every attempt dst lacks; ids maps the invoices of s to those of dst. An
// order both histories tried then tells the outcome of the latest attempt
// of either.
func (s *Store) copyOrders(ctx context.Context, dst *Store, ids map[int64]int64, rep *CopyReport) error {
	orders, err := s.Orders(ctx)
	if err != nil {
		return err
	}
	slices.Reverse(orders) // the oldest first
	for _, o := range orders {
		attempts, err := s.Attempts(ctx, o.ID)
		if err != nil {
			return err
		}
		n := 0
		err = dst.write(ctx, "copy re-billing order "+o.OrderNo, func(tx *dbTx) error {
			n = 0
			if _, err := tx.ExecContext(ctx, `INSERT INTO orders (order_no, tax_num, created_at, created_by, updated_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_no, tax_num) DO NOTHING`,
				o.OrderNo, o.TaxNum, nanos(o.CreatedAt), o.CreatedBy, nanos(o.CreatedAt)); err != nil {
				return err
			}
			var orderID int64
			if err := tx.QueryRowContext(ctx, "SELECT id FROM orders WHERE order_no = ? AND tax_num = ?", o.OrderNo, o.TaxNum).
				Scan(&orderID); err != nil {
				return err
			}
			for _, a := range attempts {
				at := nanos(a.At)
				var have int
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM order_attempts WHERE order_id = ? AND at = ? AND clerk = ? AND status = ?",
					orderID, at, a.Clerk, a.Status).Scan(&have); err != nil {
					return err
				}
				if have > 0 {
					continue
				}
				invoiceID := ids[a.InvoiceID]
				if _, err := tx.ExecContext(ctx, `INSERT INTO order_attempts (order_id, at, clerk, status, code, message,
					invoice_no, pdf_url, requests, error, pdf, invoice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					orderID, at, a.Clerk, a.Status, a.Code, a.Message, a.InvoiceNo, a.PDFURL, a.Requests, a.Error, a.PDF,
					nullID(invoiceID)); err != nil {
					return err
				}
				n++
				details := map[string]any{"tax_num": o.TaxNum, "status": a.Status, "code": a.Code, "requests": a.Requests,
					"at": a.At.UTC().Format(time.RFC3339Nano), "copied": true}
				if a.InvoiceNo != "" {
					details["invoice_no"] = a.InvoiceNo
				}
				if invoiceID != 0 {
					details["invoice_id"] = invoiceID
				}
				if err := dst.appendAudit(ctx, tx, a.Clerk, "rebill", "order:"+o.OrderNo, details); err != nil {
					return err
				}
			}
			if n == 0 {
				return nil
			}
			return summarizeOrder(ctx, tx, orderID)
		})
		if err != nil {
			return err
		}
		rep.Attempts += n
	}
	return nil
}

// summarizeOrder sets the order's columns from its attempts, as
// RecordAttempt keeps them: the latest attempt's status and message, the
// latest invoice number, link and invoice any attempt gave.
func summarizeOrder(ctx context.Context, tx *dbTx, orderID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT at, status, message, error, invoice_no, pdf_url, coalesce(invoice_id, 0)
		FROM order_attempts WHERE order_id = ? ORDER BY at, id`, orderID)
	if err != nil {
		return err
	}
	var (
		o     Order
		first int64
		last  int64
	)
	for rows.Next() {
		var (
			at                    int64
			status, msg, e, no, u string
			inv                   int64
		)
		if err := rows.Scan(&at, &status, &msg, &e, &no, &u, &inv); err != nil {
			rows.Close()
			return err
		}
		if o.Attempts == 0 {
			first = at
		}
		o.Attempts++
		o.Status, o.Message, last = status, firstNonEmpty(msg, e), at
		o.InvoiceNo, o.PDFURL = firstNonEmpty(no, o.InvoiceNo), firstNonEmpty(u, o.PDFURL)
		if inv != 0 {
			o.InvoiceID = inv
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE orders SET status = ?, message = ?, invoice_no = ?, pdf_url = ?,
		invoice_id = coalesce(?, invoice_id), updated_at = ?, attempts = ?,
		created_at = CASE WHEN created_at > ? THEN ? ELSE created_at END WHERE id = ?`,
		o.Status, o.Message, o.InvoiceNo, o.PDFURL, nullID(o.InvoiceID), last, o.Attempts, first, first, orderID)
	return err
}
