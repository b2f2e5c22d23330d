package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// An invoice carries three kinds of values, never one written over another:
// what its QR code says (the sightings' QR columns), what was read from its
// file (printed, merged over the sightings, the first value of a key kept),
// and what a clerk typed (typed_values, the latest of each key on the
// invoice's typed column). Its findings are those of the QR code, the file
// and the history (base_findings), with those of the typed values added;
// they are computed again whenever the typed values change.

// TypedValue is one value a clerk typed, as recorded.
type TypedValue struct {
	Key   string    `json:"key"`
	Value string    `json:"value"` // "" cleared the key
	At    time.Time `json:"at"`
	Clerk string    `json:"clerk"`
}

// CleanTyped checks a typed value and brings it into the form the history
// compares: dates as YYYY-MM-DD, amounts as plain decimals, tax IDs upper
// case without spaces. "" stays "" (it clears the key).
func CleanTyped(key, value string) (string, error) {
	if !slices.Contains(PrintedKeys, key) {
		return "", fmt.Errorf("typed value %q: %w: unknown key (want one of %s)", key, ErrInvalid, strings.Join(PrintedKeys, ", "))
	}
	v := strings.TrimSpace(value)
	if v == "" {
		return "", nil
	}
	switch key {
	case PrintedDate:
		d, err := ParseDate(v)
		if err != nil {
			return "", fmt.Errorf("typed %s: %w", key, err)
		}
		return d.String(), nil
	case PrintedAmount, PrintedTax, PrintedTotal:
		c := cleanAmount(v)
		if c == "" {
			return "", fmt.Errorf("typed %s: %w: %q is not an amount", key, ErrInvalid, value)
		}
		return c, nil
	case PrintedSellerTaxID, PrintedBuyerTaxID:
		return NormalizeTaxID(v), nil
	}
	return v, nil
}

// SetTyped records what a clerk typed for an invoice, keys of PrintedKeys to
// values; an empty value clears a value typed before. Only keys whose value
// changes are recorded, each with the clerk and the time, and audited. What
// the QR code and the file said is left as it was; the invoice's findings
// are computed again from all three, so a typed value that disagrees with
// the QR code is a mismatch as a value read would be.
func (s *Store) SetTyped(ctx context.Context, invoiceID int64, typed map[string]string, clerk string) error {
	op := fmt.Sprintf("record typed values of invoice %d", invoiceID)
	clean := make(map[string]string, len(typed))
	for k, v := range typed {
		c, err := CleanTyped(k, v)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		clean[k] = c
	}
	return s.write(ctx, op, func(tx *dbTx) error {
		cur, err := loadInvoiceByID(ctx, tx, invoiceID)
		if err != nil {
			return fmt.Errorf("invoice %d: %w", invoiceID, err)
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		only, err := typedOnly(ctx, tx, cur)
		if err != nil {
			return err
		}
		if only {
			if err := keepsIdentity(cur, clean); err != nil {
				return err
			}
		}
		old := cur.typed
		cur.typed = maps.Clone(old)
		for k, v := range clean {
			if v == "" {
				delete(cur.typed, k)
			} else {
				cur.typed[k] = v
			}
		}
		if maps.Equal(old, cur.typed) {
			return nil
		}
		if err := s.writeTyped(ctx, tx, cur.id, cur.identity, old, clean, actor); err != nil {
			return err
		}
		if only {
			if err := s.writeTypedColumns(ctx, tx, cur); err != nil {
				return err
			}
		}
		return s.saveFindings(ctx, tx, cur)
	})
}

// writeTyped records the values of typed that differ from old (the
// invoice's typed values before), each with the clerk and the time, and
// audited; an empty value clears the key. The caller writes the invoice's
// typed column and findings.
func (s *Store) writeTyped(ctx context.Context, tx *dbTx, invoiceID int64, identity string, old, typed map[string]string, clerk string) error {
	keys := make([]string, 0, len(typed))
	for k := range typed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	now := nanos(s.now())
	for _, k := range keys {
		v := typed[k]
		if old[k] == v {
			continue
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO typed_values (invoice_id, key, value, at, clerk) VALUES (?, ?, ?, ?, ?)",
			invoiceID, k, v, now, clerk); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, clerk, "type", identity,
			map[string]string{"key": k, "old": old[k], "new": v}); err != nil {
			return err
		}
	}
	return nil
}

// saveFindings computes the invoice's findings from its base findings and
// its typed values, and writes them with its typed values.
func (s *Store) saveFindings(ctx context.Context, tx *dbTx, cur *invoiceRow) error {
	eff, err := effectiveFindings(ctx, tx, cur, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE invoices SET typed = ?, base_findings = ?, findings = ?, worst = ? WHERE id = ?",
		mustJSON(cur.typed), mustJSON(nonNil(cur.base)), mustJSON(nonNil(eff)), finding.Worst(eff).Rank(), cur.id)
	return err
}

// effectiveFindings is cur's base findings with those of its typed values.
// q is the invoice's QR code when the caller has it (a sighting being
// recorded), else the one of its first sighting is used.
func effectiveFindings(ctx context.Context, q querier, cur *invoiceRow, qr *payload.Result) ([]finding.Finding, error) {
	if len(cur.typed) == 0 {
		return compare.Effective(cur.base, nil, nil), nil
	}
	if qr == nil {
		var err error
		if qr, err = invoiceQR(ctx, q, cur.id); err != nil {
			return nil, err
		}
	}
	rows, tf := compare.Review(qr, document.PrintedOf(cur.printed), cur.typed)
	if qr == nil && len(cur.printed) == 0 {
		// Typed from the paper: nothing read to compare with. The date
		// checks are as of the clock, as the entry's were.
		tf = append(TypedOnlyFindings(cur.typed, time.Now()), tf...)
	}
	return compare.Effective(cur.base, rows, tf), nil
}

// invoiceQR rebuilds the QR code of the invoice's first sighting that had
// one from the values recorded with it (a sealed code cannot be opened
// again without its keys, so the raw text is not parsed); nil when none
// had a QR code.
func invoiceQR(ctx context.Context, q querier, invoiceID int64) (*payload.Result, error) {
	var kind, typeCode, code, number, amount, date, check, sellerTaxID string
	err := q.QueryRowContext(ctx, `SELECT kind, type_code, code, number, amount, date, check_code, seller_tax_id
		FROM sightings WHERE invoice_id = ? AND kind <> '' ORDER BY id LIMIT 1`, invoiceID).
		Scan(&kind, &typeCode, &code, &number, &amount, &date, &check, &sellerTaxID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return qrOf(kind, typeCode, code, number, amount, date, check, sellerTaxID), nil
}

// qrOf is the QR code a sighting recorded, from its columns.
func qrOf(kind, typeCode, code, number, amount, date, check, sellerTaxID string) *payload.Result {
	r := &payload.Result{Kind: payload.Kind(kind), TypeCode: typeCode, Code: code, Number: number,
		AmountText: amount, CheckCode: check, SellerTaxID: sellerTaxID}
	if d, err := money.Parse(amount); err == nil && amount != "" {
		r.Amount, r.HasAmount = d, true
	}
	if d, err := ParseDate(date); err == nil {
		r.Date, r.DateText = d, date
	}
	if r.Kind == payload.KindInvoice || r.Kind == payload.KindSealed {
		r.AmountMeaning = payload.MeaningOf(typeCode, code, number)
	}
	return r
}

// Typed returns every value typed for the invoice, oldest first.
func (s *Store) Typed(ctx context.Context, invoiceID int64) ([]TypedValue, error) {
	op := fmt.Sprintf("read typed values of invoice %d", invoiceID)
	rows, err := s.db.QueryContext(ctx, "SELECT key, value, at, clerk FROM typed_values WHERE invoice_id = ? ORDER BY id", invoiceID)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	var out []TypedValue
	for rows.Next() {
		var (
			t  TypedValue
			at int64
		)
		if err := rows.Scan(&t.Key, &t.Value, &at, &t.Clerk); err != nil {
			return nil, s.fail(op, err)
		}
		t.At = fromNanos(at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}
