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

// SetState changes the invoice's reimbursement state, with an optional note,
// and records the change in the audit log. A change the workflow does not
// allow fails with ErrTransition and changes nothing.
func (s *Store) SetState(ctx context.Context, invoiceID int64, to State, clerk, note string) error {
	op := fmt.Sprintf("set state to %s", to)
	if !to.Valid() {
		return fmt.Errorf("%s: %w: unknown state", op, ErrInvalid)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		var identity, from string
		err := tx.QueryRowContext(ctx, "SELECT identity, state FROM invoices WHERE id = ?", invoiceID).Scan(&identity, &from)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("invoice %d: %w", invoiceID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if !State(from).CanBecome(to) {
			return transitionError(identity, State(from), to)
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		now := nanos(s.now())
		if _, err := tx.ExecContext(ctx, "UPDATE invoices SET state = ?, state_at = ?, state_by = ? WHERE id = ?",
			string(to), now, actor, invoiceID); err != nil {
			return err
		}
		details := map[string]string{"from": from, "to": string(to)}
		if note = strings.TrimSpace(note); note != "" {
			if _, err := tx.ExecContext(ctx, "INSERT INTO notes (invoice_id, at, clerk, text) VALUES (?, ?, ?, ?)",
				invoiceID, now, actor, note); err != nil {
				return err
			}
			details["note"] = note
		}
		return s.appendAudit(ctx, tx, actor, "state", identity, details)
	})
}

// Verification is one check of an invoice by a clerk. Result is the worst
// severity of the invoice's findings at that moment, or "ok".
type Verification struct {
	At     time.Time `json:"at"`
	Clerk  string    `json:"clerk"`
	Result string    `json:"result"` // ok, info, warning, error
}

// Verify records that clerk checked the invoice now. The blacklist is
// consulted again, so a seller blacklisted since the invoice came in is
// caught here.
func (s *Store) Verify(ctx context.Context, invoiceID int64, clerk string) (Verification, error) {
	var v Verification
	err := s.write(ctx, fmt.Sprintf("verify invoice %d", invoiceID), func(tx *sql.Tx) error {
		cur, err := loadInvoiceByID(ctx, tx, invoiceID)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", invoiceID, err)
		}
		identity := cur.identity
		bl, err := blacklistFindings(ctx, tx, cur.cols)
		if err != nil {
			return err
		}
		fs := mergeFindings(cur.findings, bl)
		if _, err := tx.ExecContext(ctx, "UPDATE invoices SET findings = ?, worst = ? WHERE id = ?",
			mustJSON(nonNil(fs)), finding.Worst(fs).Rank(), invoiceID); err != nil {
			return err
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		v = Verification{At: s.now(), Clerk: actor, Result: resultOf(fs)}
		if _, err := tx.ExecContext(ctx, "INSERT INTO verifications (invoice_id, at, clerk, result) VALUES (?, ?, ?, ?)",
			invoiceID, nanos(v.At), actor, v.Result); err != nil {
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
		return s.appendAudit(ctx, tx, actor, "verify", identity, map[string]any{"result": v.Result, "findings": codes})
	})
	return v, err
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
	return s.write(ctx, op, func(tx *sql.Tx) error {
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

// SetPrinted corrects one printed value (say, a seller name the text layer
// garbled). The invoice's identity never changes: code and number are
// corrected in the printed values only.
func (s *Store) SetPrinted(ctx context.Context, invoiceID int64, key, value, clerk string) error {
	op := fmt.Sprintf("edit %s of invoice %d", key, invoiceID)
	if !slices.Contains(PrintedKeys, key) {
		return fmt.Errorf("%s: %w: unknown key (want one of %s)", op, ErrInvalid, strings.Join(PrintedKeys, ", "))
	}
	value = strings.TrimSpace(value)
	col, colValue := "", value
	switch key {
	case PrintedDate:
		col = "date"
		if value != "" {
			d, err := ParseDate(value)
			if err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			colValue = d.String()
		}
	case PrintedAmount, PrintedTax, PrintedTotal:
		col = key
		if value != "" {
			if colValue = cleanAmount(value); colValue == "" {
				return fmt.Errorf("%s: %w: %q is not an amount", op, ErrInvalid, value)
			}
		}
	case PrintedCheckCode:
		col = "check_code"
	case PrintedSellerTaxID, PrintedBuyerTaxID:
		colValue = NormalizeTaxID(value)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		cur, err := loadInvoiceByID(ctx, tx, invoiceID)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", invoiceID, err)
		}
		identity := cur.identity
		old := cur.printed[key]
		if value == "" {
			delete(cur.printed, key)
		} else {
			cur.printed[key] = value
		}
		if _, err := tx.ExecContext(ctx, "UPDATE invoices SET printed = ? WHERE id = ?", mustJSON(cur.printed), invoiceID); err != nil {
			return err
		}
		c := cur.cols
		switch key {
		case PrintedSellerName, PrintedSellerTaxID, PrintedBuyerName, PrintedBuyerTaxID:
			switch key {
			case PrintedSellerName:
				c.sellerName = colValue
			case PrintedSellerTaxID:
				c.sellerTaxID = colValue
			case PrintedBuyerName:
				c.buyerName = colValue
			case PrintedBuyerTaxID:
				c.buyerTaxID = colValue
			}
			sellerID, err := partyID(ctx, tx, c.sellerTaxID, c.sellerName)
			if err != nil {
				return err
			}
			buyerID, err := partyID(ctx, tx, c.buyerTaxID, c.buyerName)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE invoices SET seller_id = ?, buyer_id = ? WHERE id = ?",
				sellerID, buyerID, invoiceID); err != nil {
				return err
			}
		default:
			if col != "" {
				// col is one of a fixed set of column names above.
				if _, err := tx.ExecContext(ctx, "UPDATE invoices SET "+col+" = ? WHERE id = ?", colValue, invoiceID); err != nil {
					return err
				}
			}
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "edit", identity, map[string]string{"key": key, "old": old, "new": value})
	})
}

// DeleteInvoice removes an invoice recorded by mistake, with its sightings,
// notes and verifications; the scans stay. Only an invoice still 未报销 (new)
// can be deleted: one that was claimed, paid or voided is history that must
// stay. The audit log keeps what was deleted.
func (s *Store) DeleteInvoice(ctx context.Context, invoiceID int64, clerk, reason string) error {
	return s.write(ctx, fmt.Sprintf("delete invoice %d", invoiceID), func(tx *sql.Tx) error {
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
