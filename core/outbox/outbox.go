// Package outbox keeps scanning going while a team's history server cannot
// be reached. A scan that cannot be recorded on the server is kept whole —
// the QR codes, the values read, the frame, the clerk, this machine and the
// time it was seen — in an outbox on this machine (an SQLite file in the
// history's local folder), and a sender records the scans kept there on the
// server, in the order they were taken, once it answers again.
//
// A scan is sent through the history's one way of recording (store.Record),
// so what the server holds decides then whether an invoice was seen before:
// an invoice that another clerk recorded while this machine was away becomes
// a duplicate of that record, and the clerk is told (Sent.Duplicates). A scan
// leaves the outbox only after the server committed it. When the connection
// is lost around the commit, the scan stays and is sent again as a resend
// (store.ScanInput.Resend): the server then finds the record it made and
// records nothing twice.
//
// What works without the server: scanning and saving (into the outbox), and
// typing the values of an invoice so kept (Team.Type): they wait with it and
// are recorded with it. What does not: changing an invoice's state, typing
// the values of one recorded, verifying it, and the history's list — they
// need the server's current view, and a clerk acting on a stale one could
// pay an invoice twice; they fail with store.ErrUnreachable, which the
// window and the command line explain.
package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// FileName is the outbox's file in the history's local folder.
const FileName = "outbox.db"

// Path is the outbox of the history st: beside the history's local data.
func Path(st *store.Store) string { return filepath.Join(st.LocalDir(), FileName) }

// Box is an outbox file. Its methods are safe for concurrent use, also by
// several processes (the window and the command line).
type Box struct {
	db   *sql.DB
	path string
}

// Item is one scan waiting in the outbox.
type Item struct {
	ID       int64
	Server   string // the server it is for, without the password
	QueuedAt time.Time
	Scan     store.ScanInput
	Tries    int    // sends that failed
	LastErr  string // why the last send failed
	// Refused is set when the server answered but refused the scan (it
	// is kept, not sent again: `fapiao history send` lists it).
	Refused bool
}

const schema = `
CREATE TABLE IF NOT EXISTS outbox (
	id        INTEGER PRIMARY KEY,
	server    TEXT NOT NULL,
	queued_at INTEGER NOT NULL,
	scan      BLOB NOT NULL,
	tries     INTEGER NOT NULL DEFAULT 0,
	last_err  TEXT NOT NULL DEFAULT '',
	refused   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS outbox_server ON outbox (server, refused, id);
`

// Open opens (or makes) the outbox file at path.
func Open(path string) (*Box, error) {
	db, err := store.OpenLocal(path)
	if err != nil {
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	return &Box{db: db, path: path}, nil
}

// Close closes the file.
func (b *Box) Close() error { return b.db.Close() }

// File is the outbox's file.
func (b *Box) File() string { return b.path }

// Put keeps in for server (store.Redact's form of its address) and returns
// its number in the outbox. in.At must be set: it is when the scan was seen.
func (b *Box) Put(ctx context.Context, server string, in store.ScanInput) (int64, error) {
	if in.At.IsZero() {
		return 0, fmt.Errorf("keep scan in the outbox: %w: no time seen", store.ErrInvalid)
	}
	data, err := encode(in)
	if err != nil {
		return 0, fmt.Errorf("keep scan in the outbox: %w", err)
	}
	var id int64
	err = b.db.QueryRowContext(ctx, "INSERT INTO outbox (server, queued_at, scan) VALUES (?, ?, ?) RETURNING id",
		server, time.Now().UnixNano(), data).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("keep scan in the outbox %s: %w", b.path, err)
	}
	return id, nil
}

// Count is how many scans wait to be sent to server (refused ones left out).
func (b *Box) Count(ctx context.Context, server string) (int, error) {
	var n int
	err := b.db.QueryRowContext(ctx, "SELECT count(*) FROM outbox WHERE server = ? AND refused = 0", server).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read outbox %s: %w", b.path, err)
	}
	return n, nil
}

// Items lists the outbox's scans for server in the order they were kept,
// the refused ones too.
func (b *Box) Items(ctx context.Context, server string) ([]Item, error) {
	return b.items(ctx, "WHERE server = ? ORDER BY id", server)
}

// next is the oldest scan for server still to send.
func (b *Box) next(ctx context.Context, server string) (*Item, error) {
	items, err := b.items(ctx, "WHERE server = ? AND refused = 0 ORDER BY id LIMIT 1", server)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

func (b *Box) items(ctx context.Context, where string, args ...any) ([]Item, error) {
	rows, err := b.db.QueryContext(ctx, "SELECT id, server, queued_at, scan, tries, last_err, refused FROM outbox "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox %s: %w", b.path, err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var at int64
		var data []byte
		var refused int
		if err := rows.Scan(&it.ID, &it.Server, &at, &data, &it.Tries, &it.LastErr, &refused); err != nil {
			return nil, fmt.Errorf("read outbox %s: %w", b.path, err)
		}
		if it.Scan, err = decode(data); err != nil {
			return nil, fmt.Errorf("read outbox %s: scan %d: %w", b.path, it.ID, err)
		}
		it.QueuedAt, it.Refused = time.Unix(0, at), refused != 0
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox %s: %w", b.path, err)
	}
	return out, nil
}

// A scan is kept as JSON, whole: each QR code's every field as read
// (payload.Result's own JSON is the command line's contract, which leaves
// some out, so its fields are written as they are), the values read, the
// findings, the frame, the clerk and the time seen.
type keptScan struct {
	store.ScanInput
	Invoices []keptInvoice
}

type keptInvoice struct {
	QR       *qrFields
	Page     int
	Printed  map[string]string
	Reads    map[string]document.FieldRead `json:",omitempty"` // how the values were read by OCR
	Findings []finding.Finding
	Typed    map[string]string `json:",omitempty"` // typed by a clerk: an invoice typed from the paper, or values typed while it waited
}

// qrFields is payload.Result without its methods: every field as is.
type qrFields payload.Result

func encode(in store.ScanInput) ([]byte, error) {
	k := keptScan{ScanInput: in}
	k.ScanInput.Invoices = nil
	for _, inv := range in.Invoices {
		k.Invoices = append(k.Invoices, keptInvoice{QR: (*qrFields)(inv.QR), Page: inv.Page, Printed: inv.Printed, Reads: inv.Reads,
			Findings: inv.Findings, Typed: inv.Typed})
	}
	return json.Marshal(k)
}

func decode(data []byte) (store.ScanInput, error) {
	var k keptScan
	if err := json.Unmarshal(data, &k); err != nil {
		return store.ScanInput{}, err
	}
	in := k.ScanInput
	for _, inv := range k.Invoices {
		in.Invoices = append(in.Invoices, store.InvoiceInput{QR: (*payload.Result)(inv.QR), Page: inv.Page, Printed: inv.Printed,
			Reads: inv.Reads, Findings: inv.Findings, Typed: inv.Typed})
	}
	return in, nil
}

// Type adds to invoice index of scan id the values a clerk typed for it,
// keys of store.PrintedKeys to values (an empty value clears one typed
// before): they are recorded with the scan, as typed values with its clerk
// and time. kept is false when the scan is not in the outbox (sent).
func (b *Box) Type(ctx context.Context, id int64, index int, typed map[string]string) (kept bool, err error) {
	clean := make(map[string]string, len(typed))
	for k, v := range typed {
		c, err := store.CleanTyped(k, v)
		if err != nil {
			return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
		}
		clean[k] = c
	}
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	defer tx.Rollback()
	var data []byte
	switch err := tx.QueryRowContext(ctx, "SELECT scan FROM outbox WHERE id = ?", id).Scan(&data); {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	in, err := decode(data)
	if err != nil {
		return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	if index < 0 || index >= len(in.Invoices) {
		return false, fmt.Errorf("outbox %s: scan %d has no invoice %d: %w", b.path, id, index, store.ErrInvalid)
	}
	inv := &in.Invoices[index]
	if inv.Typed == nil {
		inv.Typed = map[string]string{}
	}
	for k, v := range clean {
		if v == "" {
			delete(inv.Typed, k)
		} else {
			inv.Typed[k] = v
		}
	}
	if data, err = encode(in); err != nil {
		return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE outbox SET scan = ? WHERE id = ?", data, id); err != nil {
		return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	return true, nil
}

// remove takes scan id out of the outbox: the server committed it.
func (b *Box) remove(ctx context.Context, id int64) error {
	if _, err := b.db.ExecContext(ctx, "DELETE FROM outbox WHERE id = ?", id); err != nil {
		return fmt.Errorf("outbox %s: remove scan %d: %w", b.path, id, err)
	}
	return nil
}

// failed notes why sending scan id failed; refused keeps it from being
// sent again.
func (b *Box) failed(ctx context.Context, id int64, why error, refused bool) error {
	_, err := b.db.ExecContext(ctx, "UPDATE outbox SET tries = tries + 1, last_err = ?, refused = ? WHERE id = ?",
		why.Error(), refused, id)
	if err != nil {
		return fmt.Errorf("outbox %s: scan %d: %w", b.path, id, err)
	}
	return nil
}

// ErrQueued: the server could not be reached, so the scan was kept in the
// outbox, to be sent when the server answers. See QueuedError.
var ErrQueued = errors.New("kept in the outbox: the team server cannot be reached")

// QueuedError says a scan was kept in the outbox, and why.
type QueuedError struct {
	ID     int64 // its number in the outbox
	Queued int   // how many scans now wait in the outbox
	Cause  error // the server's error
}

func (e *QueuedError) Error() string {
	return fmt.Sprintf("%v (outbox scan %d, %d waiting): %v", ErrQueued, e.ID, e.Queued, e.Cause)
}

func (e *QueuedError) Is(target error) bool { return target == ErrQueued }

func (e *QueuedError) Unwrap() error { return e.Cause }
