package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Order is an order whose invoice issue was sent to the fw199 gateway again
// (re-billing), with the outcome of its latest attempt.
type Order struct {
	ID        int64     `json:"id"`
	OrderNo   string    `json:"order_no"`
	TaxNum    string    `json:"tax_num"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// Status is the latest attempt's: accepted, issued, in_progress,
	// failed, or error (no answer came); "" before the first attempt.
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	InvoiceNo string    `json:"invoice_no"`
	PDFURL    string    `json:"pdf_url"`
	InvoiceID int64     `json:"invoice_id,omitempty"` // the re-issued invoice once its PDF was read
	UpdatedAt time.Time `json:"updated_at"`
	Attempts  int       `json:"attempts"`
}

// Attempt is one re-billing call and what came of it.
type Attempt struct {
	ID    int64     `json:"id"`
	At    time.Time `json:"at"`
	Clerk string    `json:"clerk"`
	// Status is the gateway's outcome (accepted, issued, in_progress,
	// failed), or error when no usable answer came; Error then says why.
	Status    string `json:"status"`
	Code      int    `json:"code"`
	Message   string `json:"message"`
	InvoiceNo string `json:"invoice_no,omitempty"`
	PDFURL    string `json:"pdf_url,omitempty"`
	Requests  int    `json:"requests"` // HTTP requests made, retries included
	Error     string `json:"error,omitempty"`
	// PDF says what became of the invoice PDF the answer linked to: "" when
	// there was none, else "scanned" or why it could not be read.
	PDF       string `json:"pdf,omitempty"`
	InvoiceID int64  `json:"invoice_id,omitempty"`
}

// AttemptStatuses are the values Attempt.Status may take.
var AttemptStatuses = []string{"accepted", "issued", "in_progress", "failed", "error"}

// RecordAttempt records one re-billing attempt for order orderNo of seller
// taxNum, creating the order on its first attempt, and returns the order as
// it now stands and the attempt as recorded (its ID, time and clerk filled
// in). The attempt and the audit entry are written in one transaction.
func (s *Store) RecordAttempt(ctx context.Context, orderNo, taxNum string, a Attempt) (Order, Attempt, error) {
	orderNo, taxNum = strings.TrimSpace(orderNo), NormalizeTaxID(taxNum)
	op := "record re-billing attempt for order " + orderNo
	if orderNo == "" || taxNum == "" {
		return Order{}, a, fmt.Errorf("%s: %w: order number and tax number are required", op, ErrInvalid)
	}
	valid := false
	for _, v := range AttemptStatuses {
		valid = valid || v == a.Status
	}
	if !valid {
		return Order{}, a, fmt.Errorf("%s: %w: unknown status %q", op, ErrInvalid, a.Status)
	}
	if a.At.IsZero() {
		a.At = s.now()
	}
	var o Order
	err := s.write(ctx, op, func(tx *dbTx) error {
		actor, err := s.clerk(ctx, tx, a.Clerk)
		if err != nil {
			return err
		}
		a.Clerk = actor
		at := nanos(a.At)
		if _, err := tx.ExecContext(ctx, `INSERT INTO orders (order_no, tax_num, created_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_no, tax_num) DO NOTHING`,
			orderNo, taxNum, at, actor, at); err != nil {
			return err
		}
		var orderID int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM orders WHERE order_no = ? AND tax_num = ?",
			orderNo, taxNum).Scan(&orderID); err != nil {
			return err
		}
		a.ID, err = insertID(ctx, tx, `INSERT INTO order_attempts (order_id, at, clerk, status, code, message,
			invoice_no, pdf_url, requests, error, pdf, invoice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			orderID, at, actor, a.Status, a.Code, a.Message, a.InvoiceNo, a.PDFURL, a.Requests, a.Error, a.PDF,
			nullID(a.InvoiceID))
		if err != nil {
			return err
		}
		// An order once issued keeps its invoice number and link even if a
		// later attempt only says "in progress".
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, message = ?,
			invoice_no = CASE WHEN ? <> '' THEN ? ELSE invoice_no END,
			pdf_url = CASE WHEN ? <> '' THEN ? ELSE pdf_url END,
			invoice_id = coalesce(?, invoice_id),
			updated_at = ?, attempts = attempts + 1 WHERE id = ?`,
			a.Status, firstNonEmpty(a.Message, a.Error), a.InvoiceNo, a.InvoiceNo, a.PDFURL, a.PDFURL,
			nullID(a.InvoiceID), at, orderID); err != nil {
			return err
		}
		details := map[string]any{"tax_num": taxNum, "status": a.Status, "code": a.Code, "requests": a.Requests}
		if a.InvoiceNo != "" {
			details["invoice_no"] = a.InvoiceNo
		}
		if a.InvoiceID != 0 {
			details["invoice_id"] = a.InvoiceID
		}
		if err := s.appendAudit(ctx, tx, actor, "rebill", "order:"+orderNo, details); err != nil {
			return err
		}
		o, err = getOrder(ctx, tx, "id = ?", orderID)
		return err
	})
	return o, a, err
}

// Orders lists the re-billing orders, the most recently tried first.
func (s *Store) Orders(ctx context.Context) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+orderColumns+" FROM orders ORDER BY updated_at DESC, id DESC")
	if err != nil {
		return nil, s.fail("list orders", err)
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, s.fail("list orders", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("list orders", err)
	}
	return out, nil
}

// Order returns the order orderNo of seller taxNum, or ErrNotFound.
func (s *Store) Order(ctx context.Context, orderNo, taxNum string) (Order, error) {
	o, err := getOrder(ctx, s.db, "order_no = ? AND tax_num = ?", strings.TrimSpace(orderNo), NormalizeTaxID(taxNum))
	if err != nil {
		return Order{}, s.fail("read order "+orderNo, err)
	}
	return o, nil
}

// Attempts lists the attempts made for order orderID, oldest first.
func (s *Store) Attempts(ctx context.Context, orderID int64) ([]Attempt, error) {
	op := fmt.Sprintf("list attempts of order %d", orderID)
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, clerk, status, code, message, invoice_no, pdf_url,
		requests, error, pdf, coalesce(invoice_id, 0) FROM order_attempts WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var at int64
		if err := rows.Scan(&a.ID, &at, &a.Clerk, &a.Status, &a.Code, &a.Message, &a.InvoiceNo, &a.PDFURL,
			&a.Requests, &a.Error, &a.PDF, &a.InvoiceID); err != nil {
			return nil, s.fail(op, err)
		}
		a.At = fromNanos(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

const orderColumns = `id, order_no, tax_num, created_at, created_by, status, message, invoice_no, pdf_url,
	coalesce(invoice_id, 0), updated_at, attempts`

type rowScanner interface{ Scan(dest ...any) error }

func scanOrder(r rowScanner) (Order, error) {
	var o Order
	var created, updated int64
	err := r.Scan(&o.ID, &o.OrderNo, &o.TaxNum, &created, &o.CreatedBy, &o.Status, &o.Message, &o.InvoiceNo,
		&o.PDFURL, &o.InvoiceID, &updated, &o.Attempts)
	o.CreatedAt, o.UpdatedAt = fromNanos(created), fromNanos(updated)
	return o, err
}

func getOrder(ctx context.Context, q querier, where string, args ...any) (Order, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, "SELECT "+orderColumns+" FROM orders WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	return o, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// SetAttemptPDF records what became of the invoice PDF an attempt's answer
// linked to: result is "scanned" or why it could not be read, invoiceID the
// invoice it was recorded as (0 when none). The order then points at that
// invoice.
func (s *Store) SetAttemptPDF(ctx context.Context, attemptID int64, result string, invoiceID int64) error {
	op := fmt.Sprintf("record the PDF of re-billing attempt %d", attemptID)
	return s.write(ctx, op, func(tx *dbTx) error {
		var orderID int64
		var orderNo string
		err := tx.QueryRowContext(ctx, `SELECT a.order_id, o.order_no FROM order_attempts a
			JOIN orders o ON o.id = a.order_id WHERE a.id = ?`, attemptID).Scan(&orderID, &orderNo)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE order_attempts SET pdf = ?, invoice_id = coalesce(?, invoice_id) WHERE id = ?",
			result, nullID(invoiceID), attemptID); err != nil {
			return err
		}
		if invoiceID != 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE orders SET invoice_id = ? WHERE id = ?", invoiceID, orderID); err != nil {
				return err
			}
		}
		actor, err := s.clerk(ctx, tx, "")
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "rebill_pdf", "order:"+orderNo,
			map[string]any{"attempt": attemptID, "pdf": result, "invoice_id": invoiceID})
	})
}
