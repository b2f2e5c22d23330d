package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// Check outcomes: what the tax authority said of an invoice, through a
// provider, or why it could not say.
const (
	CheckAuthentic    = "authentic"     // exists as recorded, valid
	CheckVoided       = "voided"        // 作废
	CheckRedReversed  = "red_reversed"  // 红冲
	CheckNotFound     = "not_found"     // no such invoice
	CheckMismatch     = "mismatch"      // exists, but its values differ
	CheckLimitReached = "limit_reached" // this invoice's checks for today are used up
	CheckError        = "error"         // no answer: network, timeout, credentials, quota…
)

// CheckOutcomes lists every outcome.
var CheckOutcomes = []string{CheckAuthentic, CheckVoided, CheckRedReversed, CheckNotFound, CheckMismatch,
	CheckLimitReached, CheckError}

// answered are the outcomes that are the tax authority's answer: they
// count against the invoice's daily checks and are shown on the invoice.
var answered = []string{CheckAuthentic, CheckVoided, CheckRedReversed, CheckNotFound, CheckMismatch}

// SourceOfficial marks the findings a check with the tax authority gave; a
// later check replaces them.
const SourceOfficial = "official"

// Check is one query of an invoice with the tax authority (查验) through a
// provider, as recorded.
type Check struct {
	ID        int64             `json:"id"`
	InvoiceID int64             `json:"invoice_id"`
	Provider  string            `json:"provider"` // "tencent", "baidu"
	RequestID string            `json:"request_id"`
	At        time.Time         `json:"at"`
	Clerk     string            `json:"clerk"`
	Outcome   string            `json:"outcome"` // one of CheckOutcomes
	Reason    string            `json:"reason,omitempty"`
	Official  map[string]string `json:"official,omitempty"` // the fields the provider returned
	Findings  []finding.Finding `json:"findings,omitempty"` // differences with the QR and printed values
}

// CheckSummary is an invoice's latest answer from the tax authority.
type CheckSummary struct {
	At      time.Time `json:"at"`
	Outcome string    `json:"outcome"`
}

// RecordCheck records a query of an invoice with the tax authority,
// whatever its outcome, with an audit entry. An answer (not limit_reached or
// error) becomes the invoice's latest and replaces the findings of the
// previous answer: voided, red_reversed, not_found and mismatch are errors
// that block reimbursement as a duplicate does, and the differences the
// provider's invoice shows (c.Findings) are added.
func (s *Store) RecordCheck(ctx context.Context, c Check) (Check, error) {
	op := fmt.Sprintf("record check of invoice %d", c.InvoiceID)
	if !slices.Contains(CheckOutcomes, c.Outcome) {
		return c, fmt.Errorf("%s: %w: outcome %q (want one of %s)", op, ErrInvalid, c.Outcome, strings.Join(CheckOutcomes, ", "))
	}
	if strings.TrimSpace(c.Provider) == "" {
		return c, fmt.Errorf("%s: %w: no provider", op, ErrInvalid)
	}
	if c.At.IsZero() {
		c.At = s.now()
	}
	err := s.write(ctx, op, func(tx *dbTx) error {
		cur, err := loadInvoiceByID(ctx, tx, c.InvoiceID)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", c.InvoiceID, err)
		}
		if c.Clerk, err = s.clerk(ctx, tx, c.Clerk); err != nil {
			return err
		}
		fs := make([]finding.Finding, len(c.Findings))
		for i, f := range c.Findings {
			f.Source = SourceOfficial
			fs[i] = f
		}
		c.Findings = fs
		official := c.Official
		if official == nil {
			official = map[string]string{}
		}
		c.ID, err = insertID(ctx, tx, `INSERT INTO checks (invoice_id, provider, request_id, at, clerk, outcome, reason, official, findings)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.InvoiceID, c.Provider, c.RequestID, nanos(c.At), c.Clerk, c.Outcome,
			c.Reason, mustJSON(official), mustJSON(nonNil(c.Findings)))
		if err != nil {
			return err
		}
		if slices.Contains(answered, c.Outcome) {
			if err := s.applyAnswer(ctx, tx, cur, c); err != nil {
				return err
			}
		}
		details := map[string]any{"provider": c.Provider, "request_id": c.RequestID, "outcome": c.Outcome}
		if c.Reason != "" {
			details["reason"] = c.Reason
		}
		return s.appendAudit(ctx, tx, c.Clerk, "check", cur.identity, details)
	})
	return c, err
}

// applyAnswer makes the tax authority's answer c the invoice's latest: its
// findings replace those of the previous answer.
func (s *Store) applyAnswer(ctx context.Context, tx *dbTx, cur *invoiceRow, c Check) error {
	base := make([]finding.Finding, 0, len(cur.base)+len(c.Findings)+1)
	for _, f := range cur.base {
		if f.Source != SourceOfficial {
			base = append(base, f)
		}
	}
	if f, ok := outcomeFinding(c); ok {
		base = append(base, f)
	}
	cur.base = append(base, c.Findings...)
	if err := s.saveFindings(ctx, tx, cur); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE invoices SET check_outcome = ?, checked_at = ? WHERE id = ?",
		c.Outcome, nanos(c.At), cur.id)
	return err
}

// outcomeFinding is the error an answer puts on the invoice, if any.
func outcomeFinding(c Check) (finding.Finding, bool) {
	var f finding.Finding
	switch c.Outcome {
	case CheckVoided:
		f = finding.New("official_voided", finding.Error, "", "查验结果：此发票已作废，不能报销",
			"checked with the tax authority: this invoice is voided and must not be paid")
	case CheckRedReversed:
		f = finding.New("official_red_reversed", finding.Error, "", "查验结果：此发票已红冲，不能报销",
			"checked with the tax authority: this invoice was reversed by a red-letter invoice and must not be paid")
	case CheckNotFound:
		f = finding.New("official_not_found", finding.Error, "", "查验结果：税务机关查无此票",
			"checked with the tax authority: no such invoice exists")
	case CheckMismatch:
		f = finding.New("official_mismatch", finding.Error, "", "查验结果：发票信息与税务机关记录不一致",
			"checked with the tax authority: the invoice's values differ from the authority's record")
	default:
		return f, false
	}
	f.Source = SourceOfficial
	return f, true
}

// ChecksOn counts the answers the tax authority gave for the invoice on the
// calendar day of day, in day's location (the tax authority counts by
// Beijing's day): each provider allows only a few a day per invoice, so the
// sixth is refused before it is sent.
func (s *Store) ChecksOn(ctx context.Context, invoiceID int64, day time.Time) (int, error) {
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, day.Location())
	end := start.AddDate(0, 0, 1)
	ph := strings.Repeat("?, ", len(answered)-1) + "?"
	args := []any{invoiceID, nanos(start), nanos(end)}
	for _, a := range answered {
		args = append(args, a)
	}
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM checks WHERE invoice_id = ? AND at >= ? AND at < ? AND outcome IN ("+ph+")",
		args...).Scan(&n)
	if err != nil {
		return 0, s.fail(fmt.Sprintf("count checks of invoice %d", invoiceID), err)
	}
	return n, nil
}

// Checks returns every check of the invoice, oldest first.
func (s *Store) Checks(ctx context.Context, invoiceID int64) ([]Check, error) {
	op := fmt.Sprintf("read checks of invoice %d", invoiceID)
	rows, err := s.db.QueryContext(ctx, `SELECT id, provider, request_id, at, clerk, outcome, reason, official, findings
		FROM checks WHERE invoice_id = ? ORDER BY id`, invoiceID)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var (
			c      = Check{InvoiceID: invoiceID}
			at     int64
			oj, fj string
		)
		if err := rows.Scan(&c.ID, &c.Provider, &c.RequestID, &at, &c.Clerk, &c.Outcome, &c.Reason, &oj, &fj); err != nil {
			return nil, s.fail(op, err)
		}
		c.At = fromNanos(at)
		if err := json.Unmarshal([]byte(oj), &c.Official); err != nil {
			return nil, fmt.Errorf("%s: official fields: %w", op, err)
		}
		if err := json.Unmarshal([]byte(fj), &c.Findings); err != nil {
			return nil, fmt.Errorf("%s: findings: %w", op, err)
		}
		if len(c.Official) == 0 {
			c.Official = nil
		}
		if len(c.Findings) == 0 {
			c.Findings = nil
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
