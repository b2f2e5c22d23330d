package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mattn/go-sqlite3"
)

// The history lives in an SQLite file (the default: one clerk, one
// machine) or in a PostgreSQL database (a team sharing one history). Both
// run the same code, the same queries and the same transactions; a dialect
// says only what the two spell differently: placeholders, a few functions,
// the schema's types, how a write takes the history's one write lock, and
// which errors mean "busy".
//
// The write lock is what makes the two behave alike. Every write runs in a
// transaction that first takes a lock only one writer holds at a time —
// SQLite's write lock (BEGIN IMMEDIATE), PostgreSQL's transaction-level
// advisory lock on the history — and reads what it needs after taking it.
// So "is this invoice new?" and "is it still locked?" are answered by the
// writer that then acts on the answer, with no other writer in between,
// and the audit chain, to which every write appends, never forks. The
// unique keys (an invoice's identity above all) stand behind the lock: a
// writer that somehow ran without it would fail, not record twice.

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name     string // "sqlite" or "postgres"
	postgres bool

	mu    sync.Mutex
	bound map[string]string // rebind's cache
}

var (
	sqliteDialect   = &dialect{name: "sqlite"}
	postgresDialect = &dialect{name: "postgres", postgres: true, bound: map[string]string{}}
)

// IsServer reports whether location names a PostgreSQL database
// (postgres://… or postgresql://…) rather than an SQLite file.
func IsServer(location string) bool {
	l := strings.ToLower(strings.TrimSpace(location))
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// rebind turns the ? placeholders of q into PostgreSQL's $1, $2…; the
// queries hold no ? inside a quoted string.
func (d *dialect) rebind(q string) string {
	if !d.postgres || !strings.Contains(q, "?") {
		return q
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.bound[q]; ok {
		return r
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for _, r := range q {
		switch {
		case r == '\'':
			inQuote = !inQuote
		case r == '?' && !inQuote:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	d.bound[q] = b.String()
	return d.bound[q]
}

// prefix is the condition "column starts with the argument", with
// prefixArg making the argument; the values matched are digits and '-'.
func (d *dialect) prefix(column string) string {
	if d.postgres {
		return column + " LIKE ?" // the columns are of collation "C", so an index serves it
	}
	return column + " GLOB ?"
}

func (d *dialect) prefixArg(s string) string {
	if d.postgres {
		return s + "%"
	}
	return s + "*"
}

// contains is the condition "text holds the argument".
func (d *dialect) contains(text string) string {
	if d.postgres {
		return "strpos(" + text + ", ?) > 0"
	}
	return "instr(" + text + ", ?) > 0"
}

// joined is the aggregate joining the texts of a column with sep in order.
func (d *dialect) joined(column, sep, order string) string {
	if d.postgres {
		return fmt.Sprintf("string_agg(%s, '%s' ORDER BY %s)", column, sep, order)
	}
	return fmt.Sprintf("group_concat(%s, '%s' ORDER BY %s)", column, sep, order)
}

// notIndexed tells SQLite to walk a table by its rowid; PostgreSQL's
// planner needs no hint.
func (d *dialect) notIndexed() string {
	if d.postgres {
		return ""
	}
	return " NOT INDEXED"
}

// snapshot is how a read of several queries sees one moment of the history.
func (d *dialect) snapshot() *sql.TxOptions {
	if d.postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true} // a read transaction of a WAL file is a snapshot
}

// writeLockKey is the advisory lock a PostgreSQL writer holds: the
// history's application id ("FPHS"). One history per database.
const writeLockKey = applicationID

// lock takes the history's write lock at the start of a write transaction,
// waiting at most busy. SQLite took it when the transaction began.
func (d *dialect) lock(ctx context.Context, tx *dbTx, busy time.Duration) error {
	if !d.postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d", max(busy.Milliseconds(), 1))); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", writeLockKey))
	return err
}

// busy reports whether err says another writer held a lock too long.
func busyError(err error) (string, bool) {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return se.Error(), true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "55P03", // lock_not_available: lock_timeout passed
			"40001", // serialization_failure
			"40P01": // deadlock_detected
			return pe.Message, true
		}
	}
	return "", false
}

// Timeouts of a PostgreSQL history, unless its address sets them: how long
// connecting may take, and how long any one statement may run.
const (
	DefaultConnectTimeout   = 10 * time.Second
	DefaultStatementTimeout = 60 * time.Second
)

// openServer opens the PostgreSQL database at location (a postgres:// URL).
func openServer(location string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(location)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, redactErr(err, location))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if _, ok := cfg.RuntimeParams["statement_timeout"]; !ok {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(DefaultStatementTimeout.Milliseconds(), 10)
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "fapiao"
	}
	db := stdlib.OpenDB(*cfg)
	// Clerks' windows hold few connections each; a server serves many.
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// Redact returns location with its password, if any, replaced by "xxxxx",
// for messages and the window.
func Redact(location string) string {
	if !IsServer(location) {
		return location
	}
	scheme, rest, _ := strings.Cut(location, "://")
	at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@")
	if at < 0 {
		return location
	}
	userinfo := rest[:at]
	if name, _, ok := strings.Cut(userinfo, ":"); ok {
		return scheme + "://" + name + ":xxxxx" + rest[at:]
	}
	return location
}

// redactErr is err's text with location's password taken out.
func redactErr(err error, location string) string {
	msg := err.Error()
	if r := Redact(location); r != location {
		msg = strings.ReplaceAll(msg, location, r)
	}
	return msg
}

// dbConn is the history's pool of connections; its queries are written
// with ? placeholders, which it rebinds for the dialect.
type dbConn struct {
	*sql.DB
	d *dialect
}

func (c *dbConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.DB.ExecContext(ctx, c.d.rebind(q), args...)
}

func (c *dbConn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.DB.QueryContext(ctx, c.d.rebind(q), args...)
}

func (c *dbConn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.DB.QueryRowContext(ctx, c.d.rebind(q), args...)
}

func (c *dbConn) Exec(q string, args ...any) (sql.Result, error) {
	return c.ExecContext(context.Background(), q, args...)
}

func (c *dbConn) QueryRow(q string, args ...any) *sql.Row {
	return c.QueryRowContext(context.Background(), q, args...)
}

func (c *dbConn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return c.DB.PrepareContext(ctx, c.d.rebind(q))
}

func (c *dbConn) BeginTx(ctx context.Context, opts *sql.TxOptions) (*dbTx, error) {
	tx, err := c.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &dbTx{Tx: tx, d: c.d}, nil
}

// dbTx is a transaction of a dbConn.
type dbTx struct {
	*sql.Tx
	d *dialect
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

func (t *dbTx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.d.rebind(q))
}

// insertID runs an INSERT … RETURNING id and returns the id: both dialects
// answer RETURNING, where only SQLite has LastInsertId.
func insertID(ctx context.Context, q querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// boolInt is a boolean as both dialects store it: 0 or 1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
