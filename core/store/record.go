package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Source says how a scan came in.
type Source string

const (
	SourceFile    Source = "file"    // a file opened or dropped
	SourceFolder  Source = "folder"  // a file found in a folder
	SourcePaste   Source = "paste"   // text pasted or typed
	SourceGun     Source = "gun"     // a scanner gun (keyboard wedge)
	SourceCamera  Source = "camera"  // a webcam frame
	SourceGateway Source = "gateway" // an invoice PDF fetched from the fw199 re-billing gateway
	// SourceTyped: an invoice a clerk typed from the paper (RecordTyped),
	// its QR code unreadable or the invoice come with no file.
	SourceTyped Source = "typed"
)

// Sources lists every Source.
var Sources = []Source{SourceFile, SourceFolder, SourcePaste, SourceGun, SourceCamera, SourceGateway, SourceTyped}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool {
	for _, v := range Sources {
		if s == v {
			return true
		}
	}
	return false
}

// Printed value keys: what the text of a PDF, OFD or XML invoice (or OCR of
// its picture) says, beside the QR code; a clerk types values under the same
// keys (SetTyped).
const (
	PrintedKind        = document.KeyKind // invoice type code, e.g. "32"
	PrintedCode        = document.KeyCode
	PrintedNumber      = document.KeyNumber
	PrintedDate        = document.KeyDate // 2024-05-14, 20240514 or 2024年05月14日
	PrintedCheckCode   = document.KeyCheckCode
	PrintedBuyerName   = document.KeyBuyerName
	PrintedBuyerTaxID  = document.KeyBuyerTaxID
	PrintedSellerName  = document.KeySellerName
	PrintedSellerTaxID = document.KeySellerTaxID
	PrintedAmount      = document.KeyAmount // 金额, before tax
	PrintedTax         = document.KeyTax    // 税额
	PrintedTotal       = document.KeyTotal  // 价税合计
)

// PrintedKeys lists the printed value keys the history understands.
var PrintedKeys = document.Keys

// ScanInput is one file (or paste, or scanner-gun line) taken in, with every
// invoice code found in it.
type ScanInput struct {
	File     string    // the path as given; "" for paste, gun and camera input
	SHA256   string    // hex SHA-256 of the file's bytes (infile.SHA256); "" when there is no file
	Source   Source    // how it came in
	At       time.Time // when; zero means now
	Invoices []InvoiceInput
	// Frame is the picture the codes were read from when there is no file
	// (a webcam frame), kept with the record; FrameType its MIME type
	// ("image/jpeg" when empty). At most MaxFrameBytes.
	Frame     []byte
	FrameType string
	// Clerk is who saved the scan; "" is the clerk setting, else the
	// login name (Store.Clerk).
	Clerk string
	// Resend says the scan may be recorded already: it is sent again
	// after a call whose outcome is unknown (the connection to the server
	// was lost around the commit; see the outbox). When this machine
	// recorded a scan at the same instant (At, which must be set) with
	// the same source, file and SHA-256, Record records nothing and
	// returns what it recorded then, so a scan sent twice is one record.
	Resend bool
}

// MaxFrameBytes bounds a kept frame: a 1080p JPEG is a few hundred KB.
const MaxFrameBytes = 8 << 20

// InvoiceInput is one invoice found in a scan: its QR code, or the printed
// values of a file without one (an XML invoice), or both.
type InvoiceInput struct {
	QR      *payload.Result   // nil when the file had no QR code for it
	Page    int               // 1-based page, 0 for a single image
	Printed map[string]string // PrintedKeys; nil when none were read
	// Reads say, for the values read by OCR, how sure the engine was and
	// where on the page each was read, by PrintedKeys; a key seen but not
	// read surely has a Read marked Unsure and no value in Printed.
	Reads    map[string]document.FieldRead
	Findings []finding.Finding // what the checks found before recording
	// Typed are values a clerk typed for it, PrintedKeys to clean values
	// (CleanTyped; "" keys are left out): kept as typed values, each with
	// the scan's clerk and time. An input with only typed values is an
	// invoice typed from the paper (RecordTyped).
	Typed map[string]string
}

// Sighting is where and when an invoice was seen. Its JSON form is the
// duplicate_of object of docs/cli-json.md.
type Sighting struct {
	ScanID int64     `json:"scan_id"`
	File   string    `json:"file"`
	At     time.Time `json:"at"`
	Source Source    `json:"source"`
	Page   int       `json:"page"`
	Clerk  string    `json:"clerk"` // who saved it ("" before version 7)
	Host   string    `json:"host"`  // the name of the machine it was saved on
}

// Recorded is what Record did with one InvoiceInput.
type Recorded struct {
	ScanID     int64
	SightingID int64
	InvoiceID  int64  // 0 when the code names no invoice
	Identity   string // "" when the code names no invoice
	// DuplicateOf is where and when the invoice was first seen, when it was
	// seen before (in any file, by any way in, or earlier in this scan).
	DuplicateOf *Sighting
	State       State // the invoice's reimbursement state
	// Findings are only those the history adds: duplicate, already_locked,
	// already_reimbursed, already_voided, already_red_reversed, blacklisted.
	// Show them with the input's own findings.
	Findings []finding.Finding
}

// Record stores one scan and every invoice in it, in one transaction: when it
// returns nil everything is on disk, and when it fails nothing is. It reports,
// for each of in.Invoices in order, whether the invoice was seen before and
// what the history found.
//
// To keep a batch safe against a crash, call Record once per file as each
// file is done, not once for the batch.
func (s *Store) Record(ctx context.Context, in ScanInput) ([]Recorded, error) {
	op := "record scan " + describeScan(in)
	if !in.Source.Valid() {
		return nil, fmt.Errorf("%s: %w: unknown source %q", op, ErrInvalid, in.Source)
	}
	sum := strings.ToLower(in.SHA256)
	if b, err := hex.DecodeString(sum); sum != "" && (err != nil || len(b) != 32) {
		return nil, fmt.Errorf("%s: %w: SHA-256 %q is not 64 hex digits", op, ErrInvalid, in.SHA256)
	}
	if len(in.Frame) > MaxFrameBytes {
		return nil, fmt.Errorf("%s: %w: frame of %d bytes, at most %d", op, ErrInvalid, len(in.Frame), MaxFrameBytes)
	}
	frameType := in.FrameType
	if frameType == "" {
		frameType = "image/jpeg"
	}
	at := in.At
	if at.IsZero() {
		if in.Resend {
			return nil, fmt.Errorf("%s: %w: a scan sent again needs the time it was seen", op, ErrInvalid)
		}
		at = s.now()
	}
	var out []Recorded
	err := s.write(ctx, op, func(tx *dbTx) error {
		if in.Resend {
			id, err := s.sentBefore(ctx, tx, in, at, sum)
			if err == nil {
				out, err = recordedOf(ctx, tx, id)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		clerk, err := s.clerk(ctx, tx, in.Clerk)
		if err != nil {
			return err
		}
		scanID, err := insertID(ctx, tx, "INSERT INTO scans (file, sha256, source, at, clerk, host) VALUES (?, ?, ?, ?, ?, ?)",
			in.File, sum, string(in.Source), nanos(at), clerk, s.host)
		if err != nil {
			return err
		}
		if len(in.Frame) > 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO scan_frames (scan_id, type, data) VALUES (?, ?, ?)",
				scanID, frameType, in.Frame); err != nil {
				return err
			}
		}
		for i, inv := range in.Invoices {
			r, err := s.recordInvoice(ctx, tx, scanID, clerk, inv)
			if err != nil {
				return fmt.Errorf("invoice %d: %w", i+1, err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sentBefore finds the scan this machine recorded of in before (Resend):
// through the identity of one of its invoices when it has one (an index
// lookup, however large the history), else through its file's SHA-256,
// else among the scans of that instant.
func (s *Store) sentBefore(ctx context.Context, tx *dbTx, in ScanInput, at time.Time, sum string) (int64, error) {
	const same = "s.at = ? AND s.host = ? AND s.source = ? AND s.file = ? AND s.sha256 = ?"
	args := []any{nanos(at), s.host, string(in.Source), in.File, sum}
	q := "SELECT s.id FROM scans s WHERE " + same + " ORDER BY s.id LIMIT 1"
	for _, inv := range in.Invoices {
		if id := identityOf(inv); id != "" {
			q = "SELECT s.id FROM invoices i JOIN sightings g ON g.invoice_id = i.id JOIN scans s ON s.id = g.scan_id WHERE i.identity = ? AND " +
				same + " ORDER BY s.id LIMIT 1"
			args = append([]any{id}, args...)
			break
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, q, args...).Scan(&id)
	return id, err
}

// recordedOf is what Record returned when it recorded scan scanID.
func recordedOf(ctx context.Context, tx *dbTx, scanID int64) ([]Recorded, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, coalesce(invoice_id, 0), duplicate, findings FROM sightings WHERE scan_id = ? ORDER BY id", scanID)
	if err != nil {
		return nil, err
	}
	var out []Recorded
	var found []string
	for rows.Next() {
		r := Recorded{ScanID: scanID}
		var dup int
		var fj string
		if err := rows.Scan(&r.SightingID, &r.InvoiceID, &dup, &fj); err != nil {
			rows.Close()
			return nil, err
		}
		if dup != 0 {
			r.DuplicateOf = &Sighting{}
		}
		out = append(out, r)
		found = append(found, fj)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		var fs []finding.Finding
		if err := json.Unmarshal([]byte(found[i]), &fs); err != nil {
			return nil, fmt.Errorf("sighting %d: findings: %w", r.SightingID, err)
		}
		for _, f := range fs {
			if slices.Contains(SightingCodes, f.Code) || f.Code == "blacklisted" {
				r.Findings = append(r.Findings, f)
			}
		}
		if r.InvoiceID == 0 {
			continue
		}
		inv, err := loadInvoiceByID(ctx, tx, r.InvoiceID)
		if err != nil {
			return nil, err
		}
		r.Identity, r.State = inv.identity, inv.state
		if r.DuplicateOf != nil {
			first := inv.first
			if err := tx.QueryRowContext(ctx, "SELECT clerk, host FROM scans WHERE id = ?", first.ScanID).
				Scan(&first.Clerk, &first.Host); err != nil {
				return nil, err
			}
			r.DuplicateOf = &first
		}
	}
	return out, nil
}

func describeScan(in ScanInput) string {
	if in.File != "" {
		return in.File
	}
	return "(" + string(in.Source) + ")"
}

func (s *Store) recordInvoice(ctx context.Context, tx *dbTx, scanID int64, clerk string, inv InvoiceInput) (Recorded, error) {
	rec := Recorded{ScanID: scanID, Identity: identityOf(inv)}
	c := columnsOf(inv)
	printed := cleanPrinted(inv.Printed)
	reads := cleanReads(inv.Reads, printed)
	seenReads := reads // the sighting's own
	onlyTyped := true  // nothing was read of the invoice before
	oldTyped := map[string]string{}
	var added []finding.Finding
	var cur *invoiceRow
	if rec.Identity != "" {
		var err error
		cur, err = loadInvoice(ctx, tx, rec.Identity)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return rec, err
		}
	}
	if cur != nil {
		rec.InvoiceID, rec.State = cur.id, cur.state
		// Who saved it first, and where (invoiceRowSQL leaves them out:
		// the migrations before version 7 use it).
		if err := tx.QueryRowContext(ctx, "SELECT clerk, host FROM scans WHERE id = ?", cur.first.ScanID).
			Scan(&cur.first.Clerk, &cur.first.Host); err != nil {
			return rec, err
		}
		first := cur.first
		rec.DuplicateOf = &first
		added = append(added, duplicateFinding(first))
		if f, ok := stateFinding(cur.state); ok {
			added = append(added, f)
		}
		var err error
		if onlyTyped, err = typedOnly(ctx, tx, cur); err != nil {
			return rec, err
		}
		if !onlyTyped {
			c = cur.cols.merge(c)
		}
		had, err := loadReads(ctx, tx, cur.id)
		if err != nil {
			return rec, err
		}
		reads = mergeReads(cur.printed, had, printed, reads)
		for k, v := range cur.printed {
			printed[k] = v // what was read first stays; what a clerk types is kept apart (SetTyped)
		}
	}
	typed := map[string]string{}
	if cur != nil {
		oldTyped = cur.typed
		maps.Copy(typed, cur.typed)
	}
	maps.Copy(typed, inv.Typed)
	if onlyTyped {
		// What is read comes first; the columns nothing read are what was
		// typed, the whole row for an invoice typed from the paper.
		c = c.merge(columnsOf(InvoiceInput{Printed: typed}))
	}
	c.completeAmounts()
	bl, err := blacklistFindings(ctx, tx, c)
	if err != nil {
		return rec, err
	}
	added = append(added, bl...)
	rec.Findings = added
	sightingFindings := append(append([]finding.Finding{}, inv.Findings...), added...)

	if rec.Identity != "" {
		sellerID, buyerID, err := partyIDs(ctx, tx, c)
		if err != nil {
			return rec, err
		}
		row := &invoiceRow{printed: printed, typed: typed}
		if cur != nil {
			row = cur
			row.printed, row.typed = printed, typed
			row.base = mergeFindings(cur.base, invoiceFindings(sightingFindings))
		} else {
			row.base = mergeFindings(nil, invoiceFindings(sightingFindings))
			rec.State = StateNew
		}
		eff, err := effectiveFindings(ctx, tx, row, inv.QR)
		if err != nil {
			return rec, err
		}
		pj, bj, fj := mustJSON(printed), mustJSON(nonNil(row.base)), mustJSON(nonNil(eff))
		worst := finding.Worst(eff).Rank()
		if cur == nil {
			var err error
			rec.InvoiceID, err = insertID(ctx, tx, `INSERT INTO invoices (identity, type_code, code, number, number_rev,
				date, amount, tax, total, check_code, seller_id, buyer_id, printed, reads, base_findings, findings, worst,
				state, state_at, first_scan_id, first_page, seen)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 0, ?, ?, 1)`,
				rec.Identity, c.typeCode, c.code, c.number, reverse(c.number), c.date, c.amount, c.tax, c.total,
				c.checkCode, sellerID, buyerID, pj, readsJSON(reads), bj, fj, worst, scanID, inv.Page)
			if err != nil {
				return rec, err
			}
		} else {
			_, err := tx.ExecContext(ctx, `UPDATE invoices SET type_code = ?, code = ?, number = ?, number_rev = ?,
				date = ?, amount = ?, tax = ?, total = ?, check_code = ?, seller_id = ?, buyer_id = ?,
				printed = ?, reads = ?, base_findings = ?, findings = ?, worst = ?, seen = seen + 1 WHERE id = ?`,
				c.typeCode, c.code, c.number, reverse(c.number), c.date, c.amount, c.tax, c.total, c.checkCode,
				sellerID, buyerID, pj, readsJSON(reads), bj, fj, worst, cur.id)
			if err != nil {
				return rec, err
			}
		}
	}

	if rec.Identity != "" {
		if err := s.auditRecord(ctx, tx, rec.Identity, c, printed, reads, cur == nil); err != nil {
			return rec, err
		}
		if len(inv.Typed) > 0 {
			if err := s.writeTyped(ctx, tx, rec.InvoiceID, rec.Identity, oldTyped, inv.Typed, clerk); err != nil {
				return rec, err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE invoices SET typed = ? WHERE id = ?", mustJSON(typed), rec.InvoiceID); err != nil {
				return rec, err
			}
		}
	}

	q := inv.QR
	if q == nil {
		q = &payload.Result{}
	}
	amount := ""
	if q.HasAmount {
		amount = q.Amount.String()
	}
	var invoiceID any
	if rec.InvoiceID != 0 {
		invoiceID = rec.InvoiceID
	}
	rec.SightingID, err = insertID(ctx, tx, `INSERT INTO sightings (scan_id, invoice_id, page, raw, kind, type_code, code,
		number, amount, date, check_code, seller_tax_id, printed, reads, findings, duplicate)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		scanID, invoiceID, inv.Page, q.Raw, string(q.Kind), q.TypeCode, q.Code, q.Number, amount, q.Date.String(),
		q.CheckCode, q.SellerTaxID, mustJSON(cleanPrinted(inv.Printed)), readsJSON(seenReads), mustJSON(nonNil(sightingFindings)),
		boolInt(rec.DuplicateOf != nil))
	return rec, err
}

// identityOf names the invoice: the QR's identity, else the same key built
// from the printed code and number (an XML invoice has no QR code).
func identityOf(inv InvoiceInput) string {
	if inv.QR != nil {
		if id := inv.QR.Identity(); id != "" {
			return id
		}
	}
	values := inv.Printed
	if inv.QR == nil && values[PrintedNumber] == "" {
		values = inv.Typed // an invoice typed from the paper
	}
	number := digitsOnly(values[PrintedNumber])
	code := digitsOnly(values[PrintedCode])
	r := payload.Result{Code: code, Number: number}
	return r.Identity()
}

// digitsOnly returns s without spaces when it is all digits, else "".
func digitsOnly(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	return s
}

// cols are the searchable invoice columns.
type cols struct {
	typeCode, code, number, date, amount, tax, total, checkCode string
	sellerName, sellerTaxID, buyerName, buyerTaxID              string
}

// columnsOf takes each column from the QR when it has it (the QR is
// CRC-checked), else from the printed values.
func columnsOf(inv InvoiceInput) cols {
	var c cols
	if q := inv.QR; q != nil {
		c.typeCode, c.code, c.number = q.TypeCode, q.Code, q.Number
		c.date, c.checkCode, c.sellerTaxID = q.Date.String(), q.CheckCode, NormalizeTaxID(q.SellerTaxID)
		if q.HasAmount {
			switch q.AmountMeaning {
			case payload.InclTax:
				c.total = q.Amount.String()
			case payload.PreTax:
				c.amount = q.Amount.String()
			}
		}
	}
	p := inv.Printed
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	if k := strings.TrimSpace(p[PrintedKind]); len(k) == 2 && digitsOnly(k) != "" {
		fill(&c.typeCode, k)
	}
	fill(&c.code, digitsOnly(p[PrintedCode]))
	fill(&c.number, digitsOnly(p[PrintedNumber]))
	if d, err := ParseDate(p[PrintedDate]); err == nil {
		fill(&c.date, d.String())
	}
	fill(&c.checkCode, digitsOnly(p[PrintedCheckCode]))
	fill(&c.sellerName, strings.TrimSpace(p[PrintedSellerName]))
	fill(&c.sellerTaxID, NormalizeTaxID(p[PrintedSellerTaxID]))
	fill(&c.buyerName, strings.TrimSpace(p[PrintedBuyerName]))
	fill(&c.buyerTaxID, NormalizeTaxID(p[PrintedBuyerTaxID]))
	fill(&c.amount, cleanAmount(p[PrintedAmount]))
	fill(&c.tax, cleanAmount(p[PrintedTax]))
	fill(&c.total, cleanAmount(p[PrintedTotal]))
	return c
}

// merge fills the empty columns of c from n.
func (c cols) merge(n cols) cols {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&c.typeCode, n.typeCode)
	fill(&c.code, n.code)
	fill(&c.number, n.number)
	fill(&c.date, n.date)
	fill(&c.amount, n.amount)
	fill(&c.tax, n.tax)
	fill(&c.total, n.total)
	fill(&c.checkCode, n.checkCode)
	fill(&c.sellerName, n.sellerName)
	fill(&c.sellerTaxID, n.sellerTaxID)
	fill(&c.buyerName, n.buyerName)
	fill(&c.buyerTaxID, n.buyerTaxID)
	return c
}

// completeAmounts derives the third of amount, tax and total from the other two.
func (c *cols) completeAmounts() {
	a, errA := money.Parse(c.amount)
	t, errT := money.Parse(c.tax)
	s, errS := money.Parse(c.total)
	switch {
	case errA == nil && errT == nil && errS != nil:
		c.total = a.Add(t).String()
	case errA == nil && errS == nil && errT != nil:
		c.tax = s.Sub(a).String()
	case errT == nil && errS == nil && errA != nil:
		c.amount = s.Sub(t).String()
	}
}

// cleanAmount reads a printed amount ("¥1,705,400.00", "￥ 57") as exact
// decimal text, or "" when it is not one.
func cleanAmount(s string) string {
	r := strings.NewReplacer("¥", "", "￥", "", ",", "", "，", "", " ", "", "元", "")
	d, err := money.Parse(r.Replace(strings.TrimSpace(s)))
	if err != nil {
		return ""
	}
	return d.String()
}

// NormalizeTaxID upper-cases a tax ID and drops spaces, as it is compared.
func NormalizeTaxID(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// ParseDate reads an issue date as clerks and files write it: 2024-05-14,
// 20240514, 2024/05/14 or 2024年05月14日 (also without leading zeros).
func ParseDate(s string) (payload.Date, error) {
	t := strings.TrimSpace(s)
	layouts := []string{"2006-01-02", "20060102", "2006/01/02", "2006年01月02日", "2006-1-2", "2006/1/2", "2006年1月2日"}
	for _, l := range layouts {
		if d, err := time.Parse(l, t); err == nil {
			return payload.DateOf(d), nil
		}
	}
	return payload.Date{}, fmt.Errorf("date %q: want YYYY-MM-DD, YYYYMMDD or YYYY年MM月DD日: %w", s, ErrInvalid)
}

func cleanPrinted(p map[string]string) map[string]string {
	out := make(map[string]string, len(p))
	for k, v := range p {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// SightingCodes are the findings that say what the history knew when an
// invoice came in: that it was seen before, and the state it was in. They
// are the sighting's (Recorded.Findings, and the sighting's findings), not
// the invoice's: the invoice's findings say what is wrong with the invoice
// itself, and its state and sightings are shown beside them. Kept on the
// invoice, a rescan would leave a paid invoice with an error, and a file
// opened twice with a warning, for good.
var SightingCodes = []string{"duplicate", "already_locked", "already_reimbursed", "already_voided", "already_red_reversed"}

// invoiceFindings are fs without SightingCodes.
func invoiceFindings(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if !slices.Contains(SightingCodes, f.Code) {
			out = append(out, f)
		}
	}
	return out
}

// mergeFindings adds to have the findings of add not already there (same
// code, field and source), keeping the first message.
func mergeFindings(have, add []finding.Finding) []finding.Finding {
	out := append([]finding.Finding{}, have...)
	for _, f := range add {
		dup := false
		for _, g := range out {
			if g.Code == f.Code && g.Field == f.Field && g.Source == f.Source {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out
}

func nonNil(fs []finding.Finding) []finding.Finding {
	if fs == nil {
		return []finding.Finding{}
	}
	return fs
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps of strings and findings are marshalled here.
		panic(fmt.Sprintf("store: marshal %T: %v", v, err))
	}
	return string(b)
}

// where describes a sighting for a message, in Chinese and English.
func where(s Sighting) (zh, en string) {
	switch {
	case s.File != "":
		name := filepath.Base(s.File)
		zh, en = "文件“"+name+"”", "file "+name
		if s.Page > 0 {
			zh += fmt.Sprintf("第%d页", s.Page)
			en += fmt.Sprintf(" page %d", s.Page)
		}
		if s.Source == SourceTyped {
			zh, en = zh+"（手工录入）", en+" (typed by hand)"
		}
	case s.Source == SourceTyped:
		zh, en = "手工录入的票面", "an invoice typed by hand"
	case s.Source == SourcePaste:
		zh, en = "粘贴的文本", "pasted text"
	case s.Source == SourceGun:
		zh, en = "扫码枪输入", "scanner-gun input"
	case s.Source == SourceCamera:
		zh, en = "摄像头画面", "a camera frame"
	case s.Source == SourceGateway:
		zh, en = "查验接口", "the verification gateway"
	default:
		zh, en = "未命名的输入", "unnamed input"
	}
	return zh, en
}

func duplicateFinding(first Sighting) finding.Finding {
	zh, en := where(first)
	at := first.At.Local().Format("2006-01-02 15:04:05")
	return finding.New("duplicate", finding.Warning, "",
		"重复：此发票已于 %[1]s 在%[2]s中首次出现",
		"duplicate: this invoice was first seen at %[1]s in %[3]s",
		at, zh, en)
}

// stateFinding is the error a re-appearing invoice gets from its state.
func stateFinding(st State) (finding.Finding, bool) {
	switch st {
	case StateLocked:
		return finding.New("already_locked", finding.Error, "",
			"此发票已锁定在一笔报销中，不能再次报销",
			"this invoice is already locked in a claim: it must not be claimed again"), true
	case StateReimbursed:
		return finding.New("already_reimbursed", finding.Error, "",
			"此发票已报销，不能再次报销",
			"this invoice has already been reimbursed: it must not be paid again"), true
	case StateVoided:
		return finding.New("already_voided", finding.Error, "",
			"此发票已标记为作废，不能报销",
			"this invoice is marked voided: it must not be paid"), true
	case StateRedReversed:
		return finding.New("already_red_reversed", finding.Error, "",
			"此发票已标记为已红冲，不能报销",
			"this invoice is marked red-reversed: it must not be paid"), true
	}
	return finding.Finding{}, false
}

// invoiceRow is what Record needs of a stored invoice.
type invoiceRow struct {
	id       int64
	identity string
	state    State
	cols     cols
	printed  map[string]string // as read, merged over the sightings
	typed    map[string]string // as typed, the latest of each key
	base     []finding.Finding // of the QR codes, the files and the history
	first    Sighting
	seen     int
}

const invoiceRowSQL = `SELECT i.id, i.identity, i.state, i.type_code, i.code, i.number, i.date, i.amount, i.tax, i.total,
	i.check_code, coalesce(sp.name, ''), coalesce(sp.tax_id, ''), coalesce(bp.name, ''), coalesce(bp.tax_id, ''),
	i.printed, i.typed, i.base_findings, i.first_scan_id, fs.file, fs.at, fs.source, i.first_page, i.seen
	FROM invoices i
	JOIN scans fs ON fs.id = i.first_scan_id
	LEFT JOIN parties sp ON sp.id = i.seller_id
	LEFT JOIN parties bp ON bp.id = i.buyer_id `

func loadInvoice(ctx context.Context, q querier, identity string) (*invoiceRow, error) {
	return scanInvoiceRow(q.QueryRowContext(ctx, invoiceRowSQL+"WHERE i.identity = ?", identity))
}

func loadInvoiceByID(ctx context.Context, q querier, id int64) (*invoiceRow, error) {
	return scanInvoiceRow(q.QueryRowContext(ctx, invoiceRowSQL+"WHERE i.id = ?", id))
}

// scanInvoiceRows is scanInvoiceRow for a row of a query of many.
func scanInvoiceRows(rows *sql.Rows) (*invoiceRow, error) { return scanInvoiceRow(rows) }

func scanInvoiceRow(row rowScanner) (*invoiceRow, error) {
	var (
		r       invoiceRow
		st, src string
		pj, tj  string
		bj      string
		at      int64
		c       = &r.cols
		first   = &r.first
	)
	err := row.Scan(&r.id, &r.identity, &st, &c.typeCode, &c.code, &c.number, &c.date, &c.amount, &c.tax, &c.total,
		&c.checkCode, &c.sellerName, &c.sellerTaxID, &c.buyerName, &c.buyerTaxID,
		&pj, &tj, &bj, &first.ScanID, &first.File, &at, &src, &first.Page, &r.seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.state, r.first.At, r.first.Source = State(st), fromNanos(at), Source(src)
	if err := json.Unmarshal([]byte(pj), &r.printed); err != nil {
		return nil, fmt.Errorf("invoice %d: printed values: %w", r.id, err)
	}
	if r.printed == nil {
		r.printed = map[string]string{}
	}
	if err := json.Unmarshal([]byte(tj), &r.typed); err != nil {
		return nil, fmt.Errorf("invoice %d: typed values: %w", r.id, err)
	}
	if r.typed == nil {
		r.typed = map[string]string{}
	}
	if err := json.Unmarshal([]byte(bj), &r.base); err != nil {
		return nil, fmt.Errorf("invoice %d: findings: %w", r.id, err)
	}
	return &r, nil
}

// partyID finds or adds the (tax ID, name) pair; NULL when both are empty.
func partyID(ctx context.Context, tx *dbTx, taxID, name string) (any, error) {
	if taxID == "" && name == "" {
		return nil, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO parties (tax_id, name) VALUES (?, ?)
		ON CONFLICT (tax_id, name) DO UPDATE SET tax_id = excluded.tax_id RETURNING id`, taxID, name).Scan(&id)
	return id, err
}

// partyIDs are the parties of the columns c: the seller's and the buyer's.
func partyIDs(ctx context.Context, tx *dbTx, c cols) (seller, buyer any, err error) {
	if seller, err = partyID(ctx, tx, c.sellerTaxID, c.sellerName); err != nil {
		return nil, nil, err
	}
	buyer, err = partyID(ctx, tx, c.buyerTaxID, c.buyerName)
	return seller, buyer, err
}

// Frame returns the picture kept with scan scanID (a webcam frame) and its
// MIME type, or ErrNotFound when the scan kept none.
func (s *Store) Frame(ctx context.Context, scanID int64) ([]byte, string, error) {
	var data []byte
	var typ string
	err := s.db.QueryRowContext(ctx, "SELECT data, type FROM scan_frames WHERE scan_id = ?", scanID).Scan(&data, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("read frame of scan %d: %w", scanID, ErrNotFound)
	}
	if err != nil {
		return nil, "", s.fail(fmt.Sprintf("read frame of scan %d", scanID), err)
	}
	return data, typ, nil
}
