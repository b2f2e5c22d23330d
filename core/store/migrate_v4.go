package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// migrateV4 keeps typed values apart. Before version 4 a value a clerk typed
// was written over the invoice's printed values and search columns (each
// such edit is in the audit log as action "edit"); this moves every edit
// into typed_values, rebuilds the printed values and columns from the
// sightings, which always kept what was read, and computes the findings
// again, so that a typed value that disagrees with the QR code shows again.
func migrateV4(ctx context.Context, tx *dbTx) error {
	if _, err := tx.ExecContext(ctx, tx.d.ddl(schemaV4)); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, "SELECT at, actor, target, details FROM audit_log WHERE action = 'edit' ORDER BY seq")
	if err != nil {
		return err
	}
	type edit struct {
		at                time.Time
		actor, identity   string
		key, old, newText string
	}
	var edits []edit
	for rows.Next() {
		var e edit
		var at, details string
		if err := rows.Scan(&at, &e.actor, &e.identity, &details); err != nil {
			rows.Close()
			return err
		}
		var d struct{ Key, Old, New string }
		if err := json.Unmarshal([]byte(details), &d); err != nil {
			rows.Close()
			return fmt.Errorf("audit entry for %s: %w", e.identity, err)
		}
		e.key, e.old, e.newText = d.Key, d.Old, d.New
		if e.at, err = time.Parse(time.RFC3339Nano, at); err != nil {
			rows.Close()
			return fmt.Errorf("audit entry for %s: %w", e.identity, err)
		}
		edits = append(edits, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var order []int64
	seen := map[int64]bool{}
	for _, e := range edits {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM invoices WHERE identity = ?", e.identity).Scan(&id)
		if err == sql.ErrNoRows {
			continue // deleted since; the audit log keeps the edit
		}
		if err != nil {
			return err
		}
		v, err := CleanTyped(e.key, e.newText)
		if err != nil {
			v = e.newText // recorded as it was accepted then
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO typed_values (invoice_id, key, value, at, clerk) VALUES (?, ?, ?, ?, ?)",
			id, e.key, v, nanos(e.at), e.actor); err != nil {
			return err
		}
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
	}
	for _, id := range order {
		if err := rebuildFromSightings(ctx, tx, id); err != nil {
			return fmt.Errorf("invoice %d: %w", id, err)
		}
	}
	return nil
}

// rebuildFromSightings sets an invoice's printed values, search columns,
// typed values and findings again from what its sightings read and what was
// typed for it.
func rebuildFromSightings(ctx context.Context, tx *dbTx, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT kind, type_code, code, number, amount, date, check_code, seller_tax_id, printed
		FROM sightings WHERE invoice_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	var c cols
	printed := map[string]string{}
	first := true
	for rows.Next() {
		var kind, typeCode, code, number, amount, date, check, sellerTaxID, pj string
		if err := rows.Scan(&kind, &typeCode, &code, &number, &amount, &date, &check, &sellerTaxID, &pj); err != nil {
			rows.Close()
			return err
		}
		var p map[string]string
		if err := json.Unmarshal([]byte(pj), &p); err != nil {
			rows.Close()
			return fmt.Errorf("sighting printed values: %w", err)
		}
		in := InvoiceInput{Printed: p}
		if kind != "" {
			q := &payload.Result{Kind: payload.Kind(kind), TypeCode: typeCode, Code: code, Number: number,
				CheckCode: check, SellerTaxID: sellerTaxID, AmountMeaning: payload.MeaningOf(typeCode, code, number)}
			if d, err := ParseDate(date); err == nil {
				q.Date = d
			}
			if a := cleanAmount(amount); a != "" {
				q.Amount, q.HasAmount = *decimal(a), true
			}
			in.QR = q
		}
		if first {
			c, first = columnsOf(in), false
		} else {
			c = c.merge(columnsOf(in))
		}
		for k, v := range cleanPrinted(p) {
			if _, ok := printed[k]; !ok {
				printed[k] = v
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	c.completeAmounts()
	typed := map[string]string{}
	trows, err := tx.QueryContext(ctx, "SELECT key, value FROM typed_values WHERE invoice_id = ? ORDER BY id", id)
	if err != nil {
		return err
	}
	for trows.Next() {
		var k, v string
		if err := trows.Scan(&k, &v); err != nil {
			trows.Close()
			return err
		}
		if v == "" {
			delete(typed, k)
		} else {
			typed[k] = v
		}
	}
	trows.Close()
	if err := trows.Err(); err != nil {
		return err
	}
	sellerID, buyerID, err := partyIDs(ctx, tx, c)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE invoices SET date = ?, amount = ?, tax = ?, total = ?, check_code = ?,
		seller_id = ?, buyer_id = ?, printed = ?, typed = ? WHERE id = ?`,
		c.date, c.amount, c.tax, c.total, c.checkCode, sellerID, buyerID, mustJSON(printed), mustJSON(typed), id); err != nil {
		return err
	}
	cur, err := loadInvoiceByID(ctx, tx, id)
	if err != nil {
		return err
	}
	eff, err := effectiveFindings(ctx, tx, cur, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE invoices SET findings = ?, worst = ? WHERE id = ?",
		mustJSON(nonNil(eff)), finding.Worst(eff).Rank(), id)
	return err
}
