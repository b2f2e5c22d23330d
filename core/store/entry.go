package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// An invoice whose QR code cannot be read (torn, smudged, a paper invoice
// with no file at all) is recorded from what a clerk types off the paper.
// Its identity is built from the typed code and number as a QR code's is,
// so the same invoice scanned later, or typed again by another clerk, is a
// duplicate as any other. What was typed stays typed values (typed_values,
// with the clerk and the time, audited), never QR or printed values; the
// invoice's columns show them until something is read of it. Its findings
// say it has no QR code (no_qr) and what the QR checks find in the values
// typed, and are computed again whenever they change.

// Entry is an invoice typed from the paper.
type Entry struct {
	// Values are PrintedKeys to what was typed; PrintedKind is the type
	// code ("01", "32"). A key left empty was not typed.
	Values map[string]string
	File   string    // the file whose code could not be read; "" for paper
	SHA256 string    // hex SHA-256 of File's bytes; "" when there is no file
	Clerk  string    // "" is the clerk setting, else the login name
	At     time.Time // zero means now
}

// EntryError says why an entry cannot be recorded: each finding an error
// about one field (Finding.Field, a PrintedKeys key or a QR field name), in
// both languages. errors.Is(err, ErrInvalid) is true.
type EntryError struct {
	Findings []finding.Finding
}

func (e *EntryError) Error() string {
	var msgs []string
	for _, f := range e.Findings {
		msgs = append(msgs, f.English)
	}
	return "the invoice typed cannot be recorded: " + strings.Join(msgs, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *EntryError) Unwrap() error { return ErrInvalid }

// CheckEntry cleans what a clerk typed (CleanTyped) and checks it as a QR
// code's values are checked (payload.CheckTyped), tax IDs and totals as
// typed values are (compare.Review), as of now. It returns the clean
// values and every finding; an entry with an error finding is not
// recorded. It reads no history: the form checks with it as the clerk
// types.
func CheckEntry(values map[string]string, now time.Time) (map[string]string, []finding.Finding) {
	clean := map[string]string{}
	var fs []finding.Finding
	for _, k := range PrintedKeys {
		raw := strings.TrimSpace(values[k])
		if k != PrintedSellerName && k != PrintedBuyerName {
			raw = strings.ReplaceAll(raw, " ", "")
		}
		v, err := CleanTyped(k, raw)
		switch {
		case err != nil && k == PrintedDate:
			fs = append(fs, finding.New("date_format", finding.Error, k,
				"开票日期 %q 无法识别：请写作 2024-05-14、20240514 或 2024年5月14日",
				"issue date %q cannot be read: write 2024-05-14, 20240514 or 2024年5月14日", raw))
		case err != nil:
			n := fieldNames(k)
			fs = append(fs, finding.New("amount_format", finding.Error, k,
				"%[1]s %[3]q 不是金额", "%[2]s %[3]q is not an amount", n[0], n[1], raw))
		case v != "":
			clean[k] = v
		}
	}
	for _, k := range unknownKeys(values) {
		fs = append(fs, finding.New("key_unknown", finding.Error, k, "未知的栏目 %q", "unknown field %q", k))
	}
	for _, f := range entryFindings(clean, now) {
		said := slices.ContainsFunc(fs, func(g finding.Finding) bool { return g.Field == f.Field })
		if !(said && strings.HasSuffix(f.Code, "_missing")) {
			fs = append(fs, f) // a value that cannot be read is not missing as well
		}
	}
	_, tf := compare.Review(nil, document.Printed{}, clean)
	return clean, append(fs, tf...)
}

// entryFindings are what the QR checks find in typed values, marked as
// findings of the typed values.
func entryFindings(typed map[string]string, now time.Time) []finding.Finding {
	t := payload.TypedInvoice{TypeCode: typed[PrintedKind], Code: typed[PrintedCode], Number: typed[PrintedNumber],
		Amount: typed[PrintedAmount], Total: typed[PrintedTotal], CheckCode: typed[PrintedCheckCode]}
	if typed[PrintedDate] != "" {
		t.Date, _ = ParseDate(typed[PrintedDate])
	}
	fs := payload.CheckTyped(t, now)
	for i := range fs {
		fs[i].Source = compare.SourceTyped
	}
	return fs
}

// TypedOnlyFindings are the findings of an invoice nothing was read of:
// that it has no QR code, and what the QR checks find in its typed values
// (as of now). The history computes them with its findings; the detail
// view as the clerk corrects a value.
func TypedOnlyFindings(typed map[string]string, now time.Time) []finding.Finding {
	noQR := finding.New("no_qr", finding.Warning, "",
		"无二维码，按录入值记录：请与纸质发票核对，并查验",
		"no QR code: recorded as typed; compare it with the paper and check it with the tax authority (查验)")
	noQR.Source = compare.SourceTyped
	return append([]finding.Finding{noQR}, entryFindings(typed, now)...)
}

// fieldNames names a printed-value key for a message.
func fieldNames(key string) [2]string {
	switch key {
	case PrintedAmount:
		return [2]string{"金额（不含税）", "the amount before tax"}
	case PrintedTax:
		return [2]string{"税额", "the tax"}
	case PrintedTotal:
		return [2]string{"价税合计", "the total including tax"}
	}
	return [2]string{key, key}
}

func unknownKeys(values map[string]string) []string {
	var out []string
	for k, v := range values {
		if strings.TrimSpace(v) != "" && !slices.Contains(PrintedKeys, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// EntryScan checks an entry as of now (CheckEntry) and makes the scan that
// records it: of source SourceTyped (of e.File when there is one), with one
// invoice that has only typed values. An entry with an error finding is
// refused with an *EntryError.
func EntryScan(e Entry, now time.Time) (ScanInput, error) {
	op := "record invoice typed from the paper"
	if e.File != "" {
		op += " " + e.File
	}
	clean, fs := CheckEntry(e.Values, now)
	if errs := OpenErrors(fs); len(errs) > 0 {
		return ScanInput{}, fmt.Errorf("%s: %w", op, &EntryError{Findings: errs})
	}
	return ScanInput{File: e.File, SHA256: e.SHA256, Source: SourceTyped, At: e.At, Clerk: e.Clerk,
		Invoices: []InvoiceInput{{Typed: clean}}}, nil
}

// RecordTyped records an invoice typed from the paper (EntryScan), in one
// transaction: a scan, a sighting without a QR code, and the values as
// typed values of e.Clerk. An invoice with the same identity seen before,
// scanned or typed, is a duplicate (Recorded.DuplicateOf), and the values
// typed are compared with what was read of it.
func (s *Store) RecordTyped(ctx context.Context, e Entry) (Recorded, error) {
	in, err := EntryScan(e, s.now())
	if err != nil {
		return Recorded{}, err
	}
	rec, err := s.Record(ctx, in)
	if err != nil {
		return Recorded{}, err
	}
	return rec[0], nil
}

// typedOnly says whether nothing was ever read of the invoice: no QR code,
// no printed value; what it knows was typed.
func typedOnly(ctx context.Context, q querier, cur *invoiceRow) (bool, error) {
	if len(cur.printed) > 0 || len(cur.typed) == 0 {
		return false, nil // read from a file; or named by a QR code, as nothing was typed
	}
	qr, err := invoiceQR(ctx, q, cur.id)
	return qr == nil, err
}

// keepsIdentity refuses typed values that would change the code or the
// number of an invoice typed from the paper: they make its identity.
func keepsIdentity(cur *invoiceRow, clean map[string]string) error {
	for _, k := range []string{PrintedCode, PrintedNumber} {
		if v, ok := clean[k]; ok && v != cur.typed[k] {
			return &EntryError{Findings: []finding.Finding{finding.New("identity_typed", finding.Error, k,
				"发票代码和号码是这张录入发票的标识，不能修改；录错时请重新录入正确的发票",
				"the code and number name this typed invoice and cannot be changed; if mistyped, record the right invoice anew")}}
		}
	}
	return nil
}

// writeTypedColumns sets the columns of an invoice nothing was read of to
// its typed values, and binds the row in the audit log.
func (s *Store) writeTypedColumns(ctx context.Context, tx *dbTx, cur *invoiceRow) error {
	c := columnsOf(InvoiceInput{Printed: cur.typed})
	c.completeAmounts()
	sellerID, buyerID, err := partyIDs(ctx, tx, c)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE invoices SET type_code = ?, date = ?, amount = ?, tax = ?, total = ?,
		check_code = ?, seller_id = ?, buyer_id = ? WHERE id = ?`,
		c.typeCode, c.date, c.amount, c.tax, c.total, c.checkCode, sellerID, buyerID, cur.id); err != nil {
		return err
	}
	c.code, c.number = cur.cols.code, cur.cols.number
	cur.cols = c
	reads, err := loadReads(ctx, tx, cur.id)
	if err != nil {
		return err
	}
	return s.auditRecord(ctx, tx, cur.identity, c, cur.printed, reads, false)
}
