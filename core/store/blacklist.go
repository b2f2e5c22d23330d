package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// BlacklistEntry is a tax ID whose invoices must not be accepted, whether it
// appears as the seller or the buyer.
type BlacklistEntry struct {
	TaxID   string    `json:"tax_id"`
	Reason  string    `json:"reason"`
	AddedAt time.Time `json:"added_at"`
	AddedBy string    `json:"added_by"`
}

// AddBlacklist adds taxID (or changes its reason). Invoices recorded or
// verified from now on get the error finding blacklisted.
func (s *Store) AddBlacklist(ctx context.Context, taxID, reason, clerk string) error {
	id := NormalizeTaxID(taxID)
	op := "add " + id + " to the blacklist"
	if id == "" {
		return fmt.Errorf("add to the blacklist: %w: empty tax ID", ErrInvalid)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		var old string
		err = tx.QueryRowContext(ctx, "SELECT reason FROM blacklist WHERE tax_id = ?", id).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, "INSERT INTO blacklist (tax_id, reason, added_at, added_by) VALUES (?, ?, ?, ?)",
				id, reason, nanos(s.now()), actor)
			if err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, "blacklist_add", id, map[string]string{"reason": reason})
		case err != nil:
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE blacklist SET reason = ? WHERE tax_id = ?", reason, id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "blacklist_reason", id, map[string]string{"old": old, "new": reason})
	})
}

// RemoveBlacklist removes taxID; ErrNotFound when it is not listed.
func (s *Store) RemoveBlacklist(ctx context.Context, taxID, clerk string) error {
	id := NormalizeTaxID(taxID)
	return s.write(ctx, "remove "+id+" from the blacklist", func(tx *sql.Tx) error {
		var reason string
		err := tx.QueryRowContext(ctx, "DELETE FROM blacklist WHERE tax_id = ? RETURNING reason", id).Scan(&reason)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s is not on the blacklist", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "blacklist_remove", id, map[string]string{"reason": reason})
	})
}

// Blacklist lists the blacklisted tax IDs in order.
func (s *Store) Blacklist(ctx context.Context) ([]BlacklistEntry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT tax_id, reason, added_at, added_by FROM blacklist ORDER BY tax_id")
	if err != nil {
		return nil, s.fail("read the blacklist", err)
	}
	defer rows.Close()
	var out []BlacklistEntry
	for rows.Next() {
		var (
			e  BlacklistEntry
			at int64
		)
		if err := rows.Scan(&e.TaxID, &e.Reason, &at, &e.AddedBy); err != nil {
			return nil, s.fail("read the blacklist", err)
		}
		e.AddedAt = fromNanos(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("read the blacklist", err)
	}
	return out, nil
}

// Blacklisted reports whether the tax ID is on the blacklist (any case,
// spaces ignored); an empty one never is.
func (s *Store) Blacklisted(ctx context.Context, taxID string) (bool, error) {
	id := NormalizeTaxID(taxID)
	if id == "" {
		return false, nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM blacklist WHERE tax_id = ?", id).Scan(&n); err != nil {
		return false, s.fail("look up "+id+" in the blacklist", err)
	}
	return n > 0, nil
}

// blacklistFindings checks the invoice's seller and buyer tax IDs.
func blacklistFindings(ctx context.Context, q querier, c cols) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, p := range []struct {
		field, id, zh, en string
	}{
		{"seller_tax_id", c.sellerTaxID, "销售方", "seller"},
		{"buyer_tax_id", c.buyerTaxID, "购买方", "buyer"},
	} {
		if p.id == "" {
			continue
		}
		var reason string
		err := q.QueryRowContext(ctx, "SELECT reason FROM blacklist WHERE tax_id = ?", p.id).Scan(&reason)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		zhReason, enReason := "", ""
		if r := strings.TrimSpace(reason); r != "" {
			zhReason, enReason = "（"+r+"）", " ("+r+")"
		}
		out = append(out, finding.New("blacklisted", finding.Error, p.field,
			"%[1]s纳税人识别号 %[3]s 在黑名单中%[4]s",
			"%[2]s tax ID %[3]s is blacklisted%[5]s",
			p.zh, p.en, p.id, zhReason, enReason))
	}
	return out, nil
}
