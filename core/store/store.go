// Package store is the invoice history: one SQLite file that remembers every
// scan, every invoice by its identity, where and when each was seen, its
// reimbursement state, the clerk's checks and notes, and a tamper-evident audit
// log. It is what makes sure no invoice is paid twice.
//
// Every write runs in one transaction, so a crash loses at most the write in
// progress. Several windows and command-line processes may share one file:
// SQLite's locks keep it consistent, and a write that cannot get the lock
// within the busy timeout fails with ErrBusy instead of being dropped.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
)

// Error kinds, for errors.Is. The messages are English; the window maps the
// kinds to Chinese wording.
var (
	// ErrBusy: another window or process holds the write lock longer than
	// the busy timeout. Nothing was written; the caller may try again.
	ErrBusy = errors.New("the history is in use by another Fapiao window or process")
	// ErrSchemaTooNew: the file was written by a newer Fapiao.
	ErrSchemaTooNew = errors.New("the history was written by a newer Fapiao")
	// ErrNotHistory: the file is some other SQLite database.
	ErrNotHistory = errors.New("not a Fapiao history database")
	// ErrNotFound: no invoice, blacklist entry or setting by that key.
	ErrNotFound = errors.New("not found")
	// ErrTransition: the reimbursement state cannot change that way.
	ErrTransition = errors.New("state change not allowed")
	// ErrInvalid: an argument is malformed (unknown source, state, key...).
	ErrInvalid = errors.New("invalid argument")
	// ErrStale: the invoice is no longer in the state the clerk saw when
	// they acted (another window or clerk changed it in between); nothing
	// was changed. See StaleError for who changed it and when.
	ErrStale = errors.New("the invoice changed since it was shown")
	// ErrUnconfirmed: the invoice has open errors (a value that disagrees
	// with its QR code, say) that the clerk did not confirm having seen;
	// nothing was recorded. See UnconfirmedError.
	ErrUnconfirmed = errors.New("open errors not confirmed")
	// ErrAuditBroken: the audit chain does not verify; see AuditError.
	ErrAuditBroken = errors.New("audit log does not verify")
)

// DefaultBusyTimeout is how long a write waits for another process's
// transaction to finish before failing with ErrBusy.
const DefaultBusyTimeout = 5 * time.Second

// Store is an open history. Its methods are safe for concurrent use.
type Store struct {
	db       *dbConn
	d        *dialect
	path     string // the file, or the server's address without its password
	location string // as given to Open
	now      func() time.Time
	busy     time.Duration
	call     time.Duration // how long a call waits for the server (reach.go)
	host     string        // this machine's name, recorded with each scan
	lookup   *lookupStmt

	readyMu sync.Mutex
	pending bool // opened offline: the schema is still to check (reach.go)
	// reach is what is known of the server while pending, read without
	// waiting for a check under way: reachAnswered, reachUnasked or
	// reachAway (reach.go).
	reach atomic.Int32
}

// Option changes how Open opens the history.
type Option func(*options)

type options struct {
	busy    time.Duration
	call    time.Duration
	now     func() time.Time
	host    string
	offline bool
	later   bool
}

// WithHost sets the machine name recorded with each scan (default the
// operating system's host name).
func WithHost(name string) Option { return func(o *options) { o.host = name } }

// WithBusyTimeout sets how long a write waits for the lock (default 5 s).
func WithBusyTimeout(d time.Duration) Option { return func(o *options) { o.busy = d } }

// WithClock sets the clock used for the times the history records (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Open opens the history at location, creating it if needed, and
// migrates an older schema to the current one. A history written by a newer
// Fapiao is refused with ErrSchemaTooNew.
//
// location is an SQLite file, created with its folders when missing, or a
// PostgreSQL database, postgres://user:password@host:port/dbname?sslmode=…
// (postgresql:// too), whose tables are made on first use.
func Open(location string, opts ...Option) (*Store, error) {
	o := options{busy: DefaultBusyTimeout, call: callTimeout(), now: time.Now}
	o.host, _ = os.Hostname()
	for _, f := range opts {
		f(&o)
	}
	if location == "" {
		return nil, fmt.Errorf("open history: %w: empty path", ErrInvalid)
	}
	var (
		db  *sql.DB
		d   = sqliteDialect
		err error
	)
	if IsServer(location) {
		d = postgresDialect
		db, err = openServer(location, o.call)
	} else {
		db, err = openFile(location, o.busy)
	}
	op := "open history " + Redact(location)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	s := &Store{db: &dbConn{DB: db, d: d}, d: d, path: Redact(location), location: location, now: o.now,
		busy: o.busy, call: o.call, host: o.host}
	s.lookup = &lookupStmt{db: s.db}
	if o.later && d.postgres {
		s.pending = true
		s.reach.Store(reachUnasked)
		return s, nil
	}
	if err := s.migrate(context.Background()); err != nil {
		if o.offline && d.postgres && IsUnreachable(err) {
			s.pending = true
			s.reach.Store(reachAway)
			return s, nil
		}
		db.Close()
		return nil, s.fail(op, err)
	}
	if !d.postgres {
		if s.lookup.stmt, err = s.db.PrepareContext(context.Background(), lookupSQL); err != nil {
			db.Close()
			return nil, s.fail(op, err)
		}
	}
	return s, nil
}

// openFile opens the SQLite file at path.
func openFile(path string, busy time.Duration) (*sql.DB, error) {
	// The driver reads its settings after the first '?', so a path holding
	// one would be cut short.
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("%w: the path must not contain '?'", ErrInvalid)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// The history is readable by its owner only. SQLite gives the -wal and
	// -shm files it creates the mode of the database file, so the file is
	// made here first, private; one an older version made readable by
	// others is made private again, with its -wal and -shm.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if runtime.GOOS != "windows" {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
				os.Chmod(p, fi.Mode().Perm()&0o700)
			}
		}
	}
	// synchronous=FULL: a committed scan survives a power cut, not only a
	// crash; it costs one fsync per scan, which a clerk never notices.
	// txlock=immediate: a write transaction takes the write lock when it
	// begins, so two writers never deadlock upgrading a read lock, and the
	// busy timeout applies to the whole wait.
	dsn := fmt.Sprintf("%s?_busy_timeout=%d&_foreign_keys=on&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate",
		path, busy.Milliseconds())
	return sql.Open("sqlite3", dsn)
}

// Path is the file the history lives in, or the address of its server
// without the password.
func (s *Store) Path() string { return s.path }

// Shared reports whether the history is on a database server, shared by a
// team, rather than in a file of this machine.
func (s *Store) Shared() bool { return s.d.postgres }

// Close closes the history, first letting SQLite refresh the statistics its
// query planner uses, as it advises long-lived applications to do.
func (s *Store) Close() error {
	s.lookup.Close()
	if !s.d.postgres {
		s.optimize()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close history %s: %w", s.path, err)
	}
	return nil
}

// optimize is best effort: the history is sound without it, so it never
// waits long for another process's lock and never fails Close.
func (s *Store) optimize() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 100"); err == nil {
		conn.ExecContext(ctx, "PRAGMA optimize")
	}
	// The connection goes back to the pool with the short timeout, but
	// the pool is closed right after.
}

// Check runs SQLite's integrity check and returns an error naming the first
// problem, or nil when the file is sound. A PostgreSQL server keeps its own
// files sound; there Check makes sure the history answers at its version.
func (s *Store) Check(ctx context.Context) error {
	if s.d.postgres {
		v, err := s.schemaVersion(ctx, s.db)
		if err != nil {
			return s.fail("check history", err)
		}
		if v != SchemaVersion {
			return fmt.Errorf("check history %s: schema version %d, want %d", s.path, v, SchemaVersion)
		}
		return nil
	}
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return s.fail("check history", err)
	}
	if res != "ok" {
		return fmt.Errorf("check history %s: %s", s.path, res)
	}
	return nil
}

// querier is what both *sql.DB and *dbTx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write runs fn in one write transaction, committed when fn returns nil.
// It first takes the history's write lock (see dialect.go).
func (s *Store) write(ctx context.Context, op string, fn func(tx *dbTx) error) error {
	if err := s.ensure(ctx); err != nil {
		return s.fail(op, err)
	}
	return s.writeTx(ctx, op, fn)
}

// writeTx is write without making sure of the schema (migrate uses it).
func (s *Store) writeTx(ctx context.Context, op string, fn func(tx *dbTx) error) (err error) {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	defer func() {
		if err != nil && context.Cause(ctx) == errCallTimeout && !errors.Is(err, ErrUnreachable) {
			err = fmt.Errorf("%s: %w (%s: %w)", op, ErrUnreachable, s.path, errCallTimeout)
		}
	}()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(op, err)
	}
	if err := s.d.lock(ctx, tx, s.busy); err != nil {
		tx.Rollback()
		return s.fail(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// fail wraps err with the operation, turning lock errors into ErrBusy.
func (s *Store) fail(op string, err error) error {
	if msg, ok := busyError(err); ok {
		return fmt.Errorf("%s: %w (%s, waited up to the busy timeout)", op, ErrBusy, msg)
	}
	if s.d.postgres && IsUnreachable(err) && !errors.Is(err, ErrUnreachable) {
		return fmt.Errorf("%s: %w (%s: %s)", op, ErrUnreachable, s.path, redactErr(err, s.location))
	}
	return fmt.Errorf("%s: %w", op, err)
}

// nanos stores times as Unix nanoseconds: exact, and sortable as integers.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
