package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// State is an invoice's reimbursement state.
type State string

const (
	StateNew         State = "new"          // 未报销: not claimed yet
	StateLocked      State = "locked"       // 已锁定: locked in a claim being processed
	StateReimbursed  State = "reimbursed"   // 已报销: paid; final
	StateVoided      State = "voided"       // 已作废: voided by the issuer; final
	StateRedReversed State = "red_reversed" // 已红冲: reversed by a red-letter invoice; final
)

// States lists every state in workflow order.
var States = []State{StateNew, StateLocked, StateReimbursed, StateVoided, StateRedReversed}

var stateNames = map[State]string{
	StateNew: "未报销", StateLocked: "已锁定", StateReimbursed: "已报销",
	StateVoided: "已作废", StateRedReversed: "已红冲",
}

// transitions are the allowed changes. Reimbursed, voided and red-reversed
// are final: an invoice that was paid, or that its issuer cancelled, must
// never become payable again. Locked goes back to new when a claim is
// released.
var transitions = map[State][]State{
	StateNew:    {StateLocked, StateVoided, StateRedReversed},
	StateLocked: {StateNew, StateReimbursed, StateVoided, StateRedReversed},
}

// Valid reports whether s is one of States.
func (s State) Valid() bool { _, ok := stateNames[s]; return ok }

// Name is the state's Chinese name, as clerks say it.
func (s State) Name() string { return stateNames[s] }

// Final reports whether no change is allowed from s.
func (s State) Final() bool { return s.Valid() && len(transitions[s]) == 0 }

// CanBecome reports whether s may change to t.
func (s State) CanBecome(t State) bool { return slices.Contains(transitions[s], t) }

// ParseState reads a state by its code (locked) or Chinese name (已锁定).
func ParseState(text string) (State, error) {
	t := strings.TrimSpace(text)
	for _, s := range States {
		if t == string(s) || t == s.Name() {
			return s, nil
		}
	}
	return "", fmt.Errorf("state %q: %w: want new, locked, reimbursed, voided or red_reversed", text, ErrInvalid)
}

// transitionError explains why from cannot become to.
func transitionError(identity string, from, to State) error {
	var why string
	switch {
	case from == to:
		why = fmt.Sprintf("it is already %s %s", from.Name(), from)
	case from.Final():
		why = fmt.Sprintf("%s %s is final", from.Name(), from)
	case from == StateNew && to == StateReimbursed:
		why = "from 未报销 new it must be locked in a claim first"
	default:
		why = fmt.Sprintf("from %s %s to %s %s is not allowed", from.Name(), from, to.Name(), to)
	}
	return fmt.Errorf("invoice %s: %w: %s", identity, ErrTransition, why)
}

// Change is a change of an invoice's reimbursement state as a clerk asked
// for it: the invoice, the state it was in when the clerk acted (From; ""
// when the clerk named only the state wanted, as on the command line), the
// state wanted and an optional note.
type Change struct {
	InvoiceID int64
	From, To  State
	Clerk     string
	Note      string
}

// StaleError says that an invoice was no longer in the state a clerk saw:
// who changed it, to what, and when. errors.Is(err, ErrStale) is true.
type StaleError struct {
	Identity string
	Want     State // the state the clerk saw
	Have     State // the state it is in
	By       string
	At       time.Time // zero when the state was never changed
}

func (e *StaleError) Error() string {
	who := ""
	if e.By != "" {
		who = fmt.Sprintf(" by %s at %s", e.By, e.At.Local().Format("2006-01-02 15:04:05"))
	}
	return fmt.Sprintf("invoice %s: %v: it was %s %s when shown, and is now %s %s%s",
		e.Identity, ErrStale, e.Want.Name(), e.Want, e.Have.Name(), e.Have, who)
}

// Unwrap makes errors.Is(err, ErrStale) true.
func (e *StaleError) Unwrap() error { return ErrStale }

// ChangeState changes the invoice's reimbursement state, with an optional
// note, and records the change in the audit log. It compares and sets: when
// c.From is given and the invoice is no longer in it, it fails with a
// *StaleError and changes nothing, so a doubled or late click can never
// skip a state. A change the workflow does not allow fails with
// ErrTransition and changes nothing.
func (s *Store) ChangeState(ctx context.Context, c Change) error {
	return s.changeState(ctx, c, time.Time{})
}

// changeState is ChangeState as of when; the zero time is now.
func (s *Store) changeState(ctx context.Context, c Change, when time.Time) error {
	to, invoiceID := c.To, c.InvoiceID
	op := fmt.Sprintf("set state of invoice %d to %s", invoiceID, to)
	if !to.Valid() {
		return fmt.Errorf("%s: %w: unknown state", op, ErrInvalid)
	}
	if c.From != "" && !c.From.Valid() {
		return fmt.Errorf("%s: %w: unknown state %q", op, ErrInvalid, c.From)
	}
	return s.write(ctx, op, func(tx *dbTx) error {
		var identity, from, by string
		var at int64
		err := tx.QueryRowContext(ctx, "SELECT identity, state, state_by, state_at FROM invoices WHERE id = ?", invoiceID).
			Scan(&identity, &from, &by, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("invoice %d: %w", invoiceID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if c.From != "" && State(from) != c.From {
			e := &StaleError{Identity: identity, Want: c.From, Have: State(from), By: by}
			if at != 0 {
				e.At = fromNanos(at)
			}
			return e
		}
		if !State(from).CanBecome(to) {
			return transitionError(identity, State(from), to)
		}
		actor, err := s.clerk(ctx, tx, c.Clerk)
		if err != nil {
			return err
		}
		if when.IsZero() {
			when = s.now()
		}
		now := nanos(when)
		if _, err := tx.ExecContext(ctx, "UPDATE invoices SET state = ?, state_at = ?, state_by = ? WHERE id = ? AND state = ?",
			string(to), now, actor, invoiceID, from); err != nil {
			return err
		}
		details := map[string]string{"from": from, "to": string(to)}
		if note := strings.TrimSpace(c.Note); note != "" {
			if _, err := tx.ExecContext(ctx, "INSERT INTO notes (invoice_id, at, clerk, text) VALUES (?, ?, ?, ?)",
				invoiceID, now, actor, note); err != nil {
				return err
			}
			details["note"] = note
		}
		return s.appendAudit(ctx, tx, actor, "state", identity, details)
	})
}

// SetState is ChangeState from whatever state the invoice is in.
func (s *Store) SetState(ctx context.Context, invoiceID int64, to State, clerk, note string) error {
	return s.ChangeState(ctx, Change{InvoiceID: invoiceID, To: to, Clerk: clerk, Note: note})
}

// Verification is one check of an invoice by a clerk. Result is the worst
// severity of the invoice's findings at that moment, or "ok"; Confirmed the
// codes of the open errors the clerk confirmed having seen.
type Verification struct {
	At        time.Time `json:"at"`
	Clerk     string    `json:"clerk"`
	Result    string    `json:"result"` // ok, info, warning, error
	Confirmed []string  `json:"confirmed,omitempty"`
}

// VerifyRequest is a clerk's check of an invoice: the invoice, and the codes
// of the errors the clerk was shown and confirmed (an invoice whose values
// disagree with its QR code may still be signed off, but only knowingly).
type VerifyRequest struct {
	InvoiceID int64
	Clerk     string
	Confirmed []string
}

// UnconfirmedError lists the open errors a verification did not confirm.
// errors.Is(err, ErrUnconfirmed) is true.
type UnconfirmedError struct {
	Identity string
	Findings []finding.Finding
}

func (e *UnconfirmedError) Error() string {
	codes := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		codes[i] = f.Code
	}
	return fmt.Sprintf("invoice %s: %v: %s", e.Identity, ErrUnconfirmed, strings.Join(codes, ", "))
}

// Unwrap makes errors.Is(err, ErrUnconfirmed) true.
func (e *UnconfirmedError) Unwrap() error { return ErrUnconfirmed }

// OpenErrors returns the findings of fs that a verification must confirm:
// the errors.
func OpenErrors(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Severity == finding.Error {
			out = append(out, f)
		}
	}
	return out
}

// Verify records that a clerk checked the invoice now. The blacklist is
// consulted again, so a seller blacklisted since the invoice came in is
// caught here. When the invoice has errors the request does not confirm,
// it fails with an *UnconfirmedError and records nothing. A verification
// changes no finding: an invoice verified with a mismatch still shows it.
func (s *Store) Verify(ctx context.Context, r VerifyRequest) (Verification, error) {
	invoiceID := r.InvoiceID
	var v Verification
	err := s.write(ctx, fmt.Sprintf("verify invoice %d", invoiceID), func(tx *dbTx) error {
		cur, err := loadInvoiceByID(ctx, tx, invoiceID)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", invoiceID, err)
		}
		identity := cur.identity
		bl, err := blacklistFindings(ctx, tx, cur.cols)
		if err != nil {
			return err
		}
		cur.base = mergeFindings(cur.base, bl)
		fs, err := effectiveFindings(ctx, tx, cur, nil)
		if err != nil {
			return err
		}
		var open []finding.Finding
		for _, f := range OpenErrors(fs) {
			if !slices.Contains(r.Confirmed, f.Code) {
				open = append(open, f)
			}
		}
		if len(open) > 0 {
			return &UnconfirmedError{Identity: identity, Findings: open}
		}
		if err := s.saveFindings(ctx, tx, cur); err != nil {
			return err
		}
		actor, err := s.clerk(ctx, tx, r.Clerk)
		if err != nil {
			return err
		}
		v = Verification{At: s.now(), Clerk: actor, Result: resultOf(fs)}
		for _, f := range OpenErrors(fs) {
			if !slices.Contains(v.Confirmed, f.Code) {
				v.Confirmed = append(v.Confirmed, f.Code)
			}
		}
		confirmed := mustJSON(nonNilStrings(v.Confirmed))
		if _, err := tx.ExecContext(ctx, "INSERT INTO verifications (invoice_id, at, clerk, result, confirmed) VALUES (?, ?, ?, ?, ?)",
			invoiceID, nanos(v.At), actor, v.Result, confirmed); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE invoices SET verified_at = ?, verified_by = ?, verified_result = ? WHERE id = ?",
			nanos(v.At), actor, v.Result, invoiceID); err != nil {
			return err
		}
		codes := make([]string, 0, len(fs))
		for _, f := range fs {
			codes = append(codes, f.Code)
		}
		details := map[string]any{"result": v.Result, "findings": codes}
		if len(v.Confirmed) > 0 {
			details["confirmed"] = v.Confirmed
		}
		return s.appendAudit(ctx, tx, actor, "verify", identity, details)
	})
	return v, err
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func resultOf(fs []finding.Finding) string {
	if w := finding.Worst(fs); w != "" {
		return string(w)
	}
	return "ok"
}

// Note is a clerk's remark on an invoice.
type Note struct {
	At    time.Time `json:"at"`
	Clerk string    `json:"clerk"`
	Text  string    `json:"text"`
}

// AddNote adds a note to the invoice.
func (s *Store) AddNote(ctx context.Context, invoiceID int64, clerk, text string) error {
	op := fmt.Sprintf("add note to invoice %d", invoiceID)
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("%s: %w: empty note", op, ErrInvalid)
	}
	return s.write(ctx, op, func(tx *dbTx) error {
		identity, err := identityByID(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO notes (invoice_id, at, clerk, text) VALUES (?, ?, ?, ?)",
			invoiceID, nanos(s.now()), actor, text); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "note", identity, map[string]string{"text": text})
	})
}

// DeleteInvoice removes an invoice recorded by mistake, with its sightings,
// notes and verifications; the scans stay. Only an invoice still 未报销 (new)
// can be deleted: one that was claimed, paid or voided is history that must
// stay. The audit log keeps what was deleted.
func (s *Store) DeleteInvoice(ctx context.Context, invoiceID int64, clerk, reason string) error {
	return s.write(ctx, fmt.Sprintf("delete invoice %d", invoiceID), func(tx *dbTx) error {
		cur, err := loadInvoiceByID(ctx, tx, invoiceID)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", invoiceID, err)
		}
		identity := cur.identity
		if cur.state != StateNew {
			return fmt.Errorf("invoice %s: %w: it is %s %s; only 未报销 new invoices can be deleted",
				identity, ErrTransition, cur.state.Name(), cur.state)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM invoices WHERE id = ?", invoiceID); err != nil {
			return err
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "delete", identity, map[string]any{
			"reason": reason, "date": cur.cols.date, "total": cur.cols.total, "amount": cur.cols.amount,
			"seller_tax_id": cur.cols.sellerTaxID, "seller_name": cur.cols.sellerName,
			"first_seen": cur.first.File, "seen": cur.seen,
		})
	})
}

func identityByID(ctx context.Context, q querier, id int64) (string, error) {
	var identity string
	err := q.QueryRowContext(ctx, "SELECT identity FROM invoices WHERE id = ?", id).Scan(&identity)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("invoice %d: %w", id, ErrNotFound)
	}
	return identity, err
}
