package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Invoice is one invoice as the history knows it: the merged values of every
// sighting, its state and what was found. Its JSON form is the object
// "fapiao history --json" prints (docs/cli-json.md).
type Invoice struct {
	ID          int64             `json:"id"`
	Identity    string            `json:"identity"`
	TypeCode    string            `json:"type_code"`
	TypeName    string            `json:"type_name"`
	Code        string            `json:"code"`
	Number      string            `json:"number"`
	Date        string            `json:"date"`   // YYYY-MM-DD, "" when unknown
	Amount      *money.Decimal    `json:"amount"` // 金额 (before tax); nil when unknown
	Tax         *money.Decimal    `json:"tax"`    // 税额
	Total       *money.Decimal    `json:"total"`  // 价税合计
	CheckCode   string            `json:"check_code"`
	SellerName  string            `json:"seller_name"`
	SellerTaxID string            `json:"seller_tax_id"`
	BuyerName   string            `json:"buyer_name"`
	BuyerTaxID  string            `json:"buyer_tax_id"`
	State       State             `json:"state"`
	StateName   string            `json:"state_name"`
	StateAt     *time.Time        `json:"state_at"` // nil while never changed
	StateBy     string            `json:"state_by"`
	Severity    finding.Severity  `json:"severity"`
	Findings    []finding.Finding `json:"findings"`
	FirstSeen   Sighting          `json:"first_seen"`
	Seen        int               `json:"seen"`     // how many times it came in
	Verified    *Verification     `json:"verified"` // the last verification; nil when never verified
	Checked     *CheckSummary     `json:"checked"`  // the tax authority's last answer; nil when never checked
	NoteText    string            `json:"notes_text"`

	// Filled by Get only. Printed is what the files read, Reads how those
	// read by OCR were read (by the same keys; a key seen but not read
	// surely has no value), Typed what a clerk typed (the latest of each
	// key), TypedValues every value typed.
	Printed       map[string]string             `json:"printed,omitempty"`
	Reads         map[string]document.FieldRead `json:"reads,omitempty"`
	Typed         map[string]string             `json:"typed,omitempty"`
	TypedValues   []TypedValue                  `json:"typed_values,omitempty"`
	Sightings     []SightingDetail              `json:"sightings,omitempty"`
	Notes         []Note                        `json:"notes,omitempty"`
	Verifications []Verification                `json:"verifications,omitempty"`
	Checks        []Check                       `json:"checks,omitempty"`
}

// SightingDetail is one sighting with what was read there.
type SightingDetail struct {
	Sighting
	ID        int64             `json:"id"`
	Raw       string            `json:"raw"`  // the QR text, "" when none
	Kind      string            `json:"kind"` // the payload kind, "" when no QR
	Duplicate bool              `json:"duplicate"`
	Printed   map[string]string `json:"printed"`
	// Reads are how this sighting's values were read by OCR, their
	// regions on its page.
	Reads    map[string]document.FieldRead `json:"reads,omitempty"`
	Findings []finding.Finding             `json:"findings"`
}

// CheckedNever selects the invoices never checked with the tax authority
// (Filter.Checked).
const CheckedNever = "never"

// Findings filter values: which invoices to keep by their worst finding.
const (
	FindingsAny     = "any"     // at least one finding, info included
	FindingsWarning = "warning" // a warning or an error
	FindingsError   = "error"   // an error
)

// Filter selects invoices. The zero value selects all.
type Filter struct {
	From, To payload.Date // issue date range, inclusive; zero: open
	States   []State      // any of these states; none: all
	Seller   string       // part of the seller's name or tax ID
	TypeCode string       // invoice type code, e.g. "32"
	// TypeCodes: any of these type codes (with TypeCode, if set); none: all.
	TypeCodes []string
	Findings  string // FindingsAny, FindingsWarning or FindingsError; "": all
	// Checked: the tax authority's latest answer, one of the answers of
	// CheckOutcomes, or CheckedNever; "": all.
	Checked string
	// Clerk: the invoices a clerk saved first (the clerk's name exactly).
	Clerk string
	// Query: digits (or code-number) match the start or the end of the
	// invoice number, the start of the code, or the start of the identity;
	// an invoice's whole QR code matches that invoice; other text matches
	// the seller as Seller does.
	Query  string
	Before int64 // only invoices with a smaller ID: the next page of Search
	Limit  int   // at most this many; Search defaults to 50
}

// Page is one page of Search results, newest first.
type Page struct {
	Invoices []Invoice
	Next     int64 // pass as Filter.Before for the next page; 0 when this is the last
}

// where is f's condition on the invoices i. parties, when not nil, gives
// the IDs of the parties whose name or tax ID holds a text (ok false when
// there are too many to list); without it the condition looks them up
// itself.
func (f Filter) where(d *dialect, parties func(text string) (ids []int64, ok bool, err error)) (string, []any, error) {
	var (
		conds []string
		args  []any
		perr  error
	)
	if !f.From.IsZero() {
		conds, args = append(conds, "i.date >= ?"), append(args, f.From.String())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "i.date <> '' AND i.date <= ?"), append(args, f.To.String())
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			if !s.Valid() {
				return "", nil, fmt.Errorf("filter: %w: unknown state %q", ErrInvalid, s)
			}
			ph[i] = "?"
			args = append(args, string(s))
		}
		conds = append(conds, "i.state IN ("+strings.Join(ph, ", ")+")")
	}
	seller := func(text string) {
		t := strings.ToUpper(strings.TrimSpace(text))
		if parties != nil {
			ids, ok, err := parties(t)
			if err != nil {
				perr = err
				return
			}
			if ok {
				conds = append(conds, idsIn("i.seller_id", ids))
				for _, id := range ids {
					args = append(args, id)
				}
				return
			}
		}
		conds = append(conds, "i.seller_id IN ("+partiesSQL(d)+")")
		args = append(args, t, t)
	}
	if strings.TrimSpace(f.Seller) != "" {
		seller(f.Seller)
	}
	if types := f.types(); len(types) > 0 {
		ph := make([]string, len(types))
		for i, t := range types {
			ph[i] = "?"
			args = append(args, t)
		}
		conds = append(conds, "i.type_code IN ("+strings.Join(ph, ", ")+")")
	}
	switch f.Findings {
	case "":
	case FindingsAny:
		conds = append(conds, "i.worst >= 1")
	case FindingsWarning:
		conds = append(conds, "i.worst >= 2")
	case FindingsError:
		conds = append(conds, "i.worst >= 3")
	default:
		return "", nil, fmt.Errorf("filter: %w: findings %q (want any, warning or error)", ErrInvalid, f.Findings)
	}
	switch f.Checked {
	case "":
	case CheckedNever:
		conds = append(conds, "i.check_outcome = ''")
	default:
		if !slices.Contains(answered, f.Checked) {
			return "", nil, fmt.Errorf("filter: %w: checked %q (want %s or %s)", ErrInvalid, f.Checked,
				strings.Join(answered, ", "), CheckedNever)
		}
		conds, args = append(conds, "i.check_outcome = ?"), append(args, f.Checked)
	}
	if q := f.query(); q != "" {
		code, number, dash := strings.Cut(q, "-")
		switch {
		case dash && digitsOnly(code) != "" && (number == "" || digitsOnly(number) != ""):
			conds, args = append(conds, d.prefix("i.identity")), append(args, d.prefixArg(q))
		case digitsOnly(q) != "":
			conds = append(conds, "("+d.prefix("i.number")+" OR "+d.prefix("i.number_rev")+" OR "+d.prefix("i.code")+")")
			args = append(args, d.numberArgs(q)...)
		default:
			seller(q)
		}
	}
	if c := strings.TrimSpace(f.Clerk); c != "" {
		conds, args = append(conds, "i.first_scan_id IN (SELECT id FROM scans WHERE clerk = ?)"), append(args, c)
	}
	if f.Before > 0 {
		conds, args = append(conds, "i.id < ?"), append(args, f.Before)
	}
	if perr != nil {
		return "", nil, perr
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// partiesSQL selects the parties whose name or tax ID holds the argument
// (given twice, upper case).
func partiesSQL(d *dialect) string {
	return "SELECT id FROM parties WHERE " + d.contains("upper(name)") + " OR " + d.contains("tax_id")
}

// idsIn is the condition "column is one of n IDs", n placeholders.
func idsIn(column string, ids []int64) string {
	if len(ids) == 0 {
		return "1 = 0"
	}
	return column + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
}

// maxParties is how many parties a seller filter lists by their IDs at
// most; a text more of them hold is looked up within the query.
var maxParties = 1000

// where is f's condition with the parties its seller texts name looked up
// first, among the few thousand parties rather than the invoices: the
// planner then knows how many invoices each party has (a single seller's
// are a few hundred), where a lookup within the query leaves PostgreSQL
// guessing a third of all invoices and walking all of them newest first.
func (s *Store) where(ctx context.Context, f Filter) (string, []any, error) {
	return f.where(s.d, func(text string) ([]int64, bool, error) {
		rows, err := s.db.QueryContext(ctx, partiesSQL(s.d)+" LIMIT ?", text, text, maxParties+1)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, false, err
			}
			ids = append(ids, id)
		}
		return ids, len(ids) <= maxParties, rows.Err()
	})
}

// types are the type codes f selects: TypeCode and TypeCodes.
func (f Filter) types() []string {
	if f.TypeCode == "" {
		return f.TypeCodes
	}
	return append([]string{f.TypeCode}, f.TypeCodes...)
}

// numberColumns are matched against digits: the start or the end of the
// invoice number and the start of the code, with numberArgs.
var numberColumns = []string{"number", "number_rev", "code"}

func (d *dialect) numberArgs(digits string) []any {
	return []any{d.prefixArg(digits), d.prefixArg(reverse(digits)), d.prefixArg(digits)}
}

// query is Query without spaces; a whole invoice QR code (a scanner gun
// fires it into the search) is its invoice's identity, which finds that
// invoice alone.
func (f Filter) query() string {
	q := strings.ReplaceAll(strings.TrimSpace(f.Query), " ", "")
	if strings.Contains(q, ",") {
		if id := payload.Parse(q).Identity(); id != "" {
			return id
		}
	}
	return q
}

// numberQuery is the digits Query searches the number and code for; "" when
// the query is something else.
func (f Filter) numberQuery() string {
	q := f.query()
	if strings.Contains(q, "-") {
		return ""
	}
	return digitsOnly(q)
}

// listSQL is the query of invoices as listed, for the dialect.
func (d *dialect) listSQL() string {
	return `SELECT i.id, i.identity, i.type_code, i.code, i.number, i.date, i.amount, i.tax, i.total,
	i.check_code, coalesce(sp.name, ''), coalesce(sp.tax_id, ''), coalesce(bp.name, ''), coalesce(bp.tax_id, ''),
	i.state, i.state_at, i.state_by, i.findings, i.first_scan_id, fs.file, fs.at, fs.source, fs.clerk, fs.host, i.first_page, i.seen,
	i.verified_at, i.verified_by, i.verified_result, i.check_outcome, i.checked_at,
	coalesce((SELECT ` + d.joined("n.text", "；", "n.id") + ` FROM notes n WHERE n.invoice_id = i.id), '')
	FROM invoices i
	JOIN scans fs ON fs.id = i.first_scan_id
	LEFT JOIN parties sp ON sp.id = i.seller_id
	LEFT JOIN parties bp ON bp.id = i.buyer_id`
}

func scanInvoice(rows *sql.Rows) (*Invoice, error) {
	var (
		inv                            Invoice
		amount, tax, total, state, fj  string
		src, verBy, verResult, checked string
		stateAt, firstAt, verAt, chkAt int64
	)
	err := rows.Scan(&inv.ID, &inv.Identity, &inv.TypeCode, &inv.Code, &inv.Number, &inv.Date, &amount, &tax, &total,
		&inv.CheckCode, &inv.SellerName, &inv.SellerTaxID, &inv.BuyerName, &inv.BuyerTaxID,
		&state, &stateAt, &inv.StateBy, &fj, &inv.FirstSeen.ScanID, &inv.FirstSeen.File, &firstAt, &src, &inv.FirstSeen.Clerk, &inv.FirstSeen.Host,
		&inv.FirstSeen.Page, &inv.Seen, &verAt, &verBy, &verResult, &checked, &chkAt, &inv.NoteText)
	if err != nil {
		return nil, err
	}
	inv.TypeName, _, _ = payload.TypeName(inv.TypeCode)
	inv.Amount, inv.Tax, inv.Total = decimal(amount), decimal(tax), decimal(total)
	inv.State = State(state)
	inv.StateName = inv.State.Name()
	if stateAt != 0 {
		t := fromNanos(stateAt)
		inv.StateAt = &t
	}
	inv.FirstSeen.At, inv.FirstSeen.Source = fromNanos(firstAt), Source(src)
	if verAt != 0 {
		inv.Verified = &Verification{At: fromNanos(verAt), Clerk: verBy, Result: verResult}
	}
	if checked != "" {
		inv.Checked = &CheckSummary{At: fromNanos(chkAt), Outcome: checked}
	}
	if fj != "[]" { // most invoices have none: skip the decoder
		if err := json.Unmarshal([]byte(fj), &inv.Findings); err != nil {
			return nil, fmt.Errorf("invoice %s: findings: %w", inv.Identity, err)
		}
	}
	if inv.Findings == nil {
		inv.Findings = []finding.Finding{}
	}
	inv.Severity = finding.Worst(inv.Findings)
	return &inv, nil
}

func decimal(s string) *money.Decimal {
	if s == "" {
		return nil
	}
	d, err := money.Parse(s)
	if err != nil {
		return nil
	}
	return &d
}

// Search returns one page of the invoices f selects, newest first.
func (s *Store) Search(ctx context.Context, f Filter) (Page, error) {
	const op = "search history"
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	where, args, err := s.where(ctx, f)
	if err != nil {
		return Page{}, s.filterError(op, err)
	}
	if p, ok, err := s.searchRecent(ctx, f, where, args, limit); err != nil || ok {
		if err != nil {
			return Page{}, s.fail(op, err)
		}
		return p, nil
	}
	// The page's IDs first, from the indexes alone; then the 50 rows. In one
	// query SQLite would read, join and sort every matching row before
	// taking 50.
	ids := "SELECT i.id FROM invoices i" + where + " ORDER BY i.id DESC LIMIT ?"
	if s.d.postgres && (!f.From.IsZero() || !f.To.IsZero()) {
		// The invoices of a period have IDs close together (they were
		// scanned about when they were issued), which PostgreSQL's planner
		// does not know: it walks the IDs down from the newest, expecting
		// the period's invoices all along, and for last year reads most of
		// the history before the first. Planned apart (OFFSET 0), the
		// period's IDs come from the indexes and are sorted, as SQLite does.
		ids = "SELECT id FROM (SELECT i.id FROM invoices i" + where + " OFFSET 0) AS m ORDER BY id DESC LIMIT ?"
	}
	p, _, err := s.page(ctx, ids, append(args, limit+1), limit)
	if err != nil {
		return Page{}, s.fail(op, err)
	}
	return p, nil
}

// page reads the invoices whose IDs idsSQL selects (at most limit+1, newest
// first): a page of limit and the Next to go on from. n is how many IDs
// idsSQL gave.
func (s *Store) page(ctx context.Context, idsSQL string, args []any, limit int) (p Page, n int, err error) {
	q := s.d.listSQL() + " WHERE i.id IN (" + idsSQL + ") ORDER BY i.id DESC"
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return Page{}, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return Page{}, 0, err
		}
		n++
		if len(p.Invoices) == limit {
			p.Next = p.Invoices[limit-1].ID
			continue
		}
		p.Invoices = append(p.Invoices, *inv)
	}
	return p, n, rows.Err()
}

// Number prefixes that many invoices share (the first 12 digits of a 数电
// number: its year and tax bureau) match more rows than a page needs by
// far. The indexes find them all, and SQLite
// sorts them all by ID to keep 50. Walking the newest IDs instead, which
// needs no sort, finds a page after a few hundred rows.
var (
	// manyMatches is the number of index entries from which a number query
	// walks the newest invoices first: below it the indexes are cheaper.
	manyMatches = 10_000
	// recentWindow is how many of the newest invoices that walk reads at
	// most; when they hold less than a page, the indexes take over.
	recentWindow int64 = 20_000
)

// searchRecent answers Search by walking the newest invoices when the
// filter's number query matches many; ok is false when it did not answer.
func (s *Store) searchRecent(ctx context.Context, f Filter, where string, args []any, limit int) (p Page, ok bool, err error) {
	q := f.numberQuery()
	if q == "" {
		return Page{}, false, nil
	}
	many := false
	for i, col := range numberColumns {
		var n int
		err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM invoices WHERE "+s.d.prefix(col)+" LIMIT ?) AS m",
			s.d.numberArgs(q)[i], manyMatches).Scan(&n)
		if err != nil {
			return Page{}, false, err
		}
		if n >= manyMatches {
			many = true
			break
		}
	}
	if !many {
		return Page{}, false, nil
	}
	top := f.Before
	if top <= 0 {
		if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM invoices").Scan(&top); err != nil {
			return Page{}, false, err
		}
	}
	low := top - recentWindow
	// NOT INDEXED: the rowid range, walked down, and the filter on each row.
	ids := "SELECT i.id FROM invoices i" + s.d.notIndexed() + where + " AND i.id > ? ORDER BY i.id DESC LIMIT ?"
	p, n, err := s.page(ctx, ids, append(append([]any(nil), args...), low, limit+1), limit)
	if err != nil {
		return Page{}, false, err
	}
	// A full page in the window, or a window that holds every invoice, is
	// the answer: every match outside it is older.
	return p, n > limit || low <= 0, nil
}

// Each calls fn with every invoice f selects, oldest first, reading them as
// it goes so that exports of any size run in constant memory. It stops at the
// first error fn returns and returns it.
func (s *Store) Each(ctx context.Context, f Filter, fn func(*Invoice) error) error {
	const op = "read history"
	where, args, err := s.where(ctx, f)
	if err != nil {
		return s.filterError(op, err)
	}
	q := s.d.listSQL() + where + " ORDER BY i.id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return s.fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return s.fail(op, err)
		}
		if err := fn(inv); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// Count returns how many invoices f selects (Before and Limit aside).
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	f.Before, f.Limit = 0, 0
	where, args, err := s.where(ctx, f)
	if err != nil {
		return 0, s.filterError("count history", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM invoices i"+where, args...).Scan(&n); err != nil {
		return 0, s.fail("count history", err)
	}
	return n, nil
}

// filterError is err of a filter: a filter that is not valid, or the
// history failing to look up its parties.
func (s *Store) filterError(op string, err error) error {
	if errors.Is(err, ErrInvalid) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return s.fail(op, err)
}

// Get returns the invoice with every sighting, note and verification.
func (s *Store) Get(ctx context.Context, invoiceID int64) (*Invoice, error) {
	return s.get(ctx, fmt.Sprintf("read invoice %d", invoiceID), " WHERE i.id = ?", invoiceID)
}

// GetByIdentity is Get by the invoice's identity (code-number, or the 20-digit number).
func (s *Store) GetByIdentity(ctx context.Context, identity string) (*Invoice, error) {
	return s.get(ctx, "read invoice "+identity, " WHERE i.identity = ?", identity)
}

func (s *Store) get(ctx context.Context, op, where string, key any) (*Invoice, error) {
	rows, err := s.db.QueryContext(ctx, s.d.listSQL()+where, key)
	if err != nil {
		return nil, s.fail(op, err)
	}
	var inv *Invoice
	if rows.Next() {
		inv, err = scanInvoice(rows)
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return nil, s.fail(op, err)
	}
	if inv == nil {
		return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if err := s.details(ctx, inv); err != nil {
		return nil, s.fail(op, err)
	}
	return inv, nil
}

func (s *Store) details(ctx context.Context, inv *Invoice) error {
	var pj, rj, tj string
	if err := s.db.QueryRowContext(ctx, "SELECT printed, reads, typed FROM invoices WHERE id = ?", inv.ID).Scan(&pj, &rj, &tj); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(pj), &inv.Printed); err != nil {
		return fmt.Errorf("printed values: %w", err)
	}
	var err error
	if inv.Reads, err = parseReads(rj); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(tj), &inv.Typed); err != nil {
		return fmt.Errorf("typed values: %w", err)
	}
	if len(inv.Typed) == 0 {
		inv.Typed = nil
	}
	tv, err := s.Typed(ctx, inv.ID)
	if err != nil {
		return err
	}
	inv.TypedValues = tv
	if inv.Checks, err = s.Checks(ctx, inv.ID); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT g.id, g.scan_id, sc.file, sc.at, sc.source, sc.clerk, sc.host, g.page, g.raw, g.kind,
		g.duplicate, g.printed, g.reads, g.findings FROM sightings g JOIN scans sc ON sc.id = g.scan_id
		WHERE g.invoice_id = ? ORDER BY g.id`, inv.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			d       SightingDetail
			at      int64
			src     string
			pj, rj  string
			fj      string
			dupFlag bool
		)
		if err := rows.Scan(&d.ID, &d.ScanID, &d.File, &at, &src, &d.Clerk, &d.Host, &d.Page, &d.Raw, &d.Kind, &dupFlag, &pj, &rj, &fj); err != nil {
			rows.Close()
			return err
		}
		d.At, d.Source, d.Duplicate = fromNanos(at), Source(src), dupFlag
		if err := json.Unmarshal([]byte(pj), &d.Printed); err != nil {
			rows.Close()
			return fmt.Errorf("sighting %d: printed values: %w", d.ID, err)
		}
		if d.Reads, err = parseReads(rj); err != nil {
			rows.Close()
			return fmt.Errorf("sighting %d: %w", d.ID, err)
		}
		if err := json.Unmarshal([]byte(fj), &d.Findings); err != nil {
			rows.Close()
			return fmt.Errorf("sighting %d: findings: %w", d.ID, err)
		}
		inv.Sightings = append(inv.Sightings, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT at, clerk, text FROM notes WHERE invoice_id = ? ORDER BY id", inv.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			n  Note
			at int64
		)
		if err := rows.Scan(&at, &n.Clerk, &n.Text); err != nil {
			rows.Close()
			return err
		}
		n.At = fromNanos(at)
		inv.Notes = append(inv.Notes, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT at, clerk, result, confirmed FROM verifications WHERE invoice_id = ? ORDER BY id", inv.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			v  Verification
			at int64
			cj string
		)
		if err := rows.Scan(&at, &v.Clerk, &v.Result, &cj); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(cj), &v.Confirmed); err != nil {
			return fmt.Errorf("verification: confirmed: %w", err)
		}
		if len(v.Confirmed) == 0 {
			v.Confirmed = nil
		}
		v.At = fromNanos(at)
		inv.Verifications = append(inv.Verifications, v)
	}
	return rows.Err()
}

// lookupSQL is prepared once: the lookup runs for every code scanned.
const lookupSQL = `SELECT i.id, i.state, i.seen, i.first_scan_id, fs.file, fs.at, fs.source, fs.clerk, fs.host, i.first_page,
	EXISTS (SELECT 1 FROM parties p JOIN blacklist b ON b.tax_id = p.tax_id WHERE p.id IN (i.seller_id, i.buyer_id))
	FROM invoices i JOIN scans fs ON fs.id = i.first_scan_id WHERE i.identity = ?`

// Seen is what the history knows of an identity before recording it again.
type Seen struct {
	InvoiceID int64
	State     State
	First     Sighting
	Count     int // sightings so far
	// Blacklisted: its seller's or buyer's tax ID, as recorded, is on the
	// blacklist now.
	Blacklisted bool
}

// Lookup tells whether an invoice was seen before, without recording
// anything: ErrNotFound when it is new. The window uses it to warn as soon
// as a code is read.
func (s *Store) Lookup(ctx context.Context, identity string) (Seen, error) {
	var (
		k       Seen
		st, src string
		at      int64
	)
	err := s.lookup.QueryRowContext(ctx, identity).Scan(&k.InvoiceID, &st, &k.Count, &k.First.ScanID, &k.First.File, &at, &src,
		&k.First.Clerk, &k.First.Host, &k.First.Page, &k.Blacklisted)
	if errors.Is(err, sql.ErrNoRows) {
		return Seen{}, fmt.Errorf("look up %s: %w", identity, ErrNotFound)
	}
	if err != nil {
		return Seen{}, s.fail("look up "+identity, err)
	}
	k.State, k.First.At, k.First.Source = State(st), fromNanos(at), Source(src)
	return k, nil
}
