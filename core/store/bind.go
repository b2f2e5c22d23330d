package store

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/tjfoc/gmsm/sm3"

	"github.com/fapiaoscanner/fapiao/core/document"
)

// The audit chain binds the history's rows, not only itself. Every write
// of a row that says something about an invoice's payability — the invoice
// as recorded (identity, type, code, number, date, amounts, check code,
// parties, the values read), its state, its typed values, its notes, its
// last verification and check, the blacklist, the settings — appends an
// entry from which the row follows. VerifyAudit replays the log into the
// rows it implies and compares them with the rows there are: a row changed,
// added or deleted in the file without Fapiao, or a log wiped beside
// invoices, is found. The invoice as recorded is bound by a digest of its
// columns (entry "record", and "baseline" for what a history held when it
// was upgraded to binding).

// BindingError says that a row of the history disagrees with what the
// audit log implies: it was changed, added or deleted outside Fapiao.
// errors.Is(err, ErrAuditBroken) is true.
type BindingError struct {
	Seq    int64  // the entry that last said something of the row; 0 when none did
	Reason string // which row and how, in English
}

func (e *BindingError) Error() string {
	return fmt.Sprintf("history disagrees with audit log entry %d: %s", e.Seq, e.Reason)
}

// Unwrap makes errors.Is(err, ErrAuditBroken) true.
func (e *BindingError) Unwrap() error { return ErrAuditBroken }

// rowDigest is the SM3 digest of what an invoice row records, hex. The
// reads of OCR (reads.go) join it when there are any, so that the digest
// of a row with none is what it was before they were kept.
func rowDigest(identity string, c cols, printed map[string]string, reads map[string]document.FieldRead) string {
	b := canonical(0, identity, mustJSON([]string{c.typeCode, c.code, c.number, c.date}),
		mustJSON([]string{c.amount, c.tax, c.total, c.checkCode}),
		mustJSON([]string{c.sellerTaxID, c.sellerName, c.buyerTaxID, c.buyerName}), mustJSON(printed))
	if len(reads) > 0 {
		r := mustJSON(reads)
		b = append(b, strconv.Itoa(len(r))+":"+r+","...) // one more field, as canonical writes them
	}
	h := sm3.New()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// auditRecord appends the entry that binds an invoice row as Record left it.
func (s *Store) auditRecord(ctx context.Context, tx *dbTx, identity string, c cols, printed map[string]string,
	reads map[string]document.FieldRead, first bool) error {
	actor, err := s.clerk(ctx, tx, "")
	if err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, actor, "record", identity,
		map[string]any{"row": rowDigest(identity, c, printed, reads), "first": first, "host": s.host})
}

// boundInvoice is what the log says of one invoice.
type boundInvoice struct {
	seq      int64 // the entry that last said something of it
	row      string
	state    State
	typed    map[string]string
	notes    []string
	verified string
	checked  string
}

// replay is the history the log implies.
type replay struct {
	invoices  map[string]*boundInvoice
	blacklist map[string]string
	settings  map[string]string
	seqOf     map[string]int64 // blacklist and settings: the last entry of each
}

// baselineDetails is what a "baseline" entry records of an invoice.
type baselineDetails struct {
	Row      string            `json:"row"`
	State    State             `json:"state"`
	Typed    map[string]string `json:"typed"`
	Notes    []string          `json:"notes"`
	Verified string            `json:"verified"`
	Checked  string            `json:"checked"`
}

func newReplay() *replay {
	return &replay{invoices: map[string]*boundInvoice{}, blacklist: map[string]string{},
		settings: map[string]string{}, seqOf: map[string]int64{}}
}

// apply replays one entry; an entry whose details cannot be read is an error.
func (r *replay) apply(seq int64, action, target, details string) error {
	var d map[string]any
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		return &AuditError{seq, "its details are not JSON: " + err.Error()}
	}
	str := func(k string) string { v, _ := d[k].(string); return v }
	inv := r.invoices[target]
	// An entry may name an invoice the log has not recorded: a history
	// upgraded to binding logged changes before it logged records. Such an
	// invoice has no recorded row until a baseline or record gives it one,
	// so the comparison still fails if none ever does.
	need := func() (*boundInvoice, error) {
		if inv == nil {
			inv = &boundInvoice{state: StateNew, typed: map[string]string{}}
			r.invoices[target] = inv
		}
		inv.seq = seq
		return inv, nil
	}
	switch action {
	case "record":
		if inv == nil {
			inv = &boundInvoice{state: StateNew, typed: map[string]string{}}
			r.invoices[target] = inv
		}
		inv.seq, inv.row = seq, str("row")
	case "baseline":
		var b baselineDetails
		if err := json.Unmarshal([]byte(details), &b); err != nil {
			return &AuditError{seq, "its details are malformed: " + err.Error()}
		}
		if b.Typed == nil {
			b.Typed = map[string]string{}
		}
		r.invoices[target] = &boundInvoice{seq: seq, row: b.Row, state: b.State, typed: b.Typed,
			notes: b.Notes, verified: b.Verified, checked: b.Checked}
	case "state":
		inv, err := need()
		if err != nil {
			return err
		}
		inv.state = State(str("to"))
		if n := str("note"); n != "" {
			inv.notes = append(inv.notes, n)
		}
	case "note":
		inv, err := need()
		if err != nil {
			return err
		}
		inv.notes = append(inv.notes, str("text"))
	case "type":
		inv, err := need()
		if err != nil {
			return err
		}
		if v := str("new"); v == "" {
			delete(inv.typed, str("key"))
		} else {
			inv.typed[str("key")] = v
		}
	case "verify":
		inv, err := need()
		if err != nil {
			return err
		}
		inv.verified = str("result")
		if latest, ok := d["latest"].(string); ok { // copied from another history (copy.go)
			inv.verified = latest
		}
	case "check":
		inv, err := need()
		if err != nil {
			return err
		}
		if slices.Contains(answered, str("outcome")) {
			inv.checked = str("outcome")
		}
		if latest, ok := d["latest"].(string); ok {
			inv.checked = latest
		}
	case "delete":
		if _, err := need(); err != nil {
			return err
		}
		delete(r.invoices, target)
	case "blacklist_add":
		r.blacklist[target], r.seqOf["blacklist:"+target] = str("reason"), seq
	case "blacklist_reason":
		r.blacklist[target], r.seqOf["blacklist:"+target] = str("new"), seq
	case "blacklist_remove":
		delete(r.blacklist, target)
		r.seqOf["blacklist:"+target] = seq
	case "blacklist_baseline":
		r.blacklist[target], r.seqOf["blacklist:"+target] = str("reason"), seq
	case "setting", "setting_baseline":
		r.settings[target], r.seqOf["setting:"+target] = str("new"), seq
	}
	return nil
}

// compare checks the rows of the history against the replayed log and
// reports the first disagreement.
func (r *replay) compare(ctx context.Context, q querier) error {
	rows, err := q.QueryContext(ctx, invoiceRowSQL)
	if err != nil {
		return err
	}
	type have struct{ row *invoiceRow }
	var all []have
	for rows.Next() {
		ir, err := scanInvoiceRows(rows)
		if err != nil {
			rows.Close()
			return err
		}
		all = append(all, have{row: ir})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(all))
	for _, h := range all {
		ir := h.row
		seen[ir.identity] = true
		b := r.invoices[ir.identity]
		if b == nil {
			return &BindingError{0, fmt.Sprintf("invoice %s is in the history but the log never recorded it (added, or its log removed, outside Fapiao)", ir.identity)}
		}
		var verified, checked, rj string
		if err := q.QueryRowContext(ctx, "SELECT verified_result, check_outcome, reads FROM invoices WHERE id = ?", ir.id).
			Scan(&verified, &checked, &rj); err != nil {
			return err
		}
		reads, err := parseReads(rj)
		if err != nil {
			return &BindingError{b.seq, fmt.Sprintf("invoice %s: %v", ir.identity, err)}
		}
		notes, err := invoiceNotes(ctx, q, ir.id)
		if err != nil {
			return err
		}
		why := ""
		switch {
		case rowDigest(ir.identity, ir.cols, ir.printed, reads) != b.row:
			why = "its recorded values (date, amounts, parties, codes or values read) differ from what was recorded"
		case ir.state != b.state:
			why = fmt.Sprintf("its state is %s but the log says %s", ir.state, b.state)
		case !maps.Equal(ir.typed, b.typed):
			why = "its typed values differ from those the log recorded"
		case !slices.Equal(notes, b.notes):
			why = "its notes differ from those the log recorded"
		case verified != b.verified:
			why = fmt.Sprintf("its last verification reads %q but the log says %q", verified, b.verified)
		case checked != b.checked:
			why = fmt.Sprintf("its last check reads %q but the log says %q", checked, b.checked)
		}
		if why != "" {
			return &BindingError{b.seq, fmt.Sprintf("invoice %s was changed outside Fapiao: %s", ir.identity, why)}
		}
	}
	for id, b := range r.invoices {
		if !seen[id] {
			return &BindingError{b.seq, fmt.Sprintf("invoice %s was deleted outside Fapiao", id)}
		}
	}
	bl := map[string]string{}
	brows, err := q.QueryContext(ctx, "SELECT tax_id, reason FROM blacklist")
	if err != nil {
		return err
	}
	for brows.Next() {
		var id, reason string
		if err := brows.Scan(&id, &reason); err != nil {
			brows.Close()
			return err
		}
		bl[id] = reason
	}
	brows.Close()
	if err := brows.Err(); err != nil {
		return err
	}
	for id, reason := range bl {
		if want, ok := r.blacklist[id]; !ok || want != reason {
			return &BindingError{r.seqOf["blacklist:"+id], fmt.Sprintf("blacklist entry %s was added or changed outside Fapiao", id)}
		}
	}
	for id := range r.blacklist {
		if _, ok := bl[id]; !ok {
			return &BindingError{r.seqOf["blacklist:"+id], fmt.Sprintf("blacklist entry %s was removed outside Fapiao", id)}
		}
	}
	srows, err := q.QueryContext(ctx, "SELECT key, value FROM settings WHERE key <> ?", headKey)
	if err != nil {
		return err
	}
	defer srows.Close()
	for srows.Next() {
		var k, v string
		if err := srows.Scan(&k, &v); err != nil {
			return err
		}
		if want, ok := r.settings[k]; !ok || want != v {
			return &BindingError{r.seqOf["setting:"+k], fmt.Sprintf("setting %q was added or changed outside Fapiao", k)}
		}
	}
	return srows.Err()
}

func invoiceNotes(ctx context.Context, q querier, invoiceID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT text FROM notes WHERE invoice_id = ? ORDER BY id", invoiceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// baseline binds what a history holds when it is upgraded to a schema whose
// log binds its rows: one entry for each invoice, blacklist entry and
// setting, as they are. Changes made before the upgrade outside Fapiao
// cannot be told apart from the rest; the log binds from here on.
func (s *Store) baseline(ctx context.Context, tx *dbTx) error {
	rows, err := tx.QueryContext(ctx, invoiceRowSQL+" ORDER BY i.id")
	if err != nil {
		return err
	}
	var all []*invoiceRow
	for rows.Next() {
		ir, err := scanInvoiceRows(rows)
		if err != nil {
			rows.Close()
			return err
		}
		all = append(all, ir)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ir := range all {
		reads, err := loadReads(ctx, tx, ir.id)
		if err != nil {
			return err
		}
		b := baselineDetails{Row: rowDigest(ir.identity, ir.cols, ir.printed, reads), State: ir.state, Typed: ir.typed}
		if err := tx.QueryRowContext(ctx, "SELECT verified_result, check_outcome FROM invoices WHERE id = ?", ir.id).
			Scan(&b.Verified, &b.Checked); err != nil {
			return err
		}
		if b.Notes, err = invoiceNotes(ctx, tx, ir.id); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "fapiao", "baseline", ir.identity, b); err != nil {
			return err
		}
	}
	for _, q := range []struct{ sql, action, prefix string }{
		{"SELECT tax_id, reason FROM blacklist ORDER BY tax_id", "blacklist_baseline", "reason"},
		{"SELECT key, value FROM settings WHERE key <> '" + headKey + "' ORDER BY key", "setting_baseline", "new"},
	} {
		rows, err := tx.QueryContext(ctx, q.sql)
		if err != nil {
			return err
		}
		var pairs [][2]string
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return err
			}
			pairs = append(pairs, [2]string{k, v})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range pairs {
			if err := s.appendAudit(ctx, tx, "fapiao", q.action, p[0], map[string]string{q.prefix: p[1]}); err != nil {
				return err
			}
		}
	}
	return nil
}
