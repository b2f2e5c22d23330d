package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// A team's server can be away: switched off, across a network that drops,
// or hung (it takes the connection but never answers). The history never
// waits on it for long, and it says so in one way: ErrUnreachable.
//
//   - Connecting takes at most the call timeout (DefaultCallTimeout unless
//     WithCallTimeout or the address's connect_timeout says otherwise).
//   - Every read from the server's connection and every write to it has a
//     deadline of the call timeout (deadlineConn): a server that stops
//     answering mid-call fails the call after that long, whatever the call,
//     and the connection is dropped.
//   - Every write transaction runs under a context with the call timeout
//     on top of the busy timeout, so a write is bounded as a whole.
//
// Open with AllowOffline opens a server history that does not answer yet:
// the first write, or Ready, brings its schema up to date once it answers.

// ErrUnreachable: the history's server could not be reached, did not answer
// within the call timeout, or the connection was lost mid-call. For a write
// it is unknown whether the server committed it before the connection was
// lost; ScanInput.Resend makes sending a scan again safe.
var ErrUnreachable = errors.New("the team server cannot be reached")

// DefaultCallTimeout is how long a call to a history's server may wait for
// the server to answer.
const DefaultCallTimeout = 10 * time.Second

// EnvCallTimeout names the environment variable that sets the call timeout
// of a server history ("30s", "1m"), unless WithCallTimeout does.
const EnvCallTimeout = "FAPIAO_DB_TIMEOUT"

// callTimeout is $FAPIAO_DB_TIMEOUT, else DefaultCallTimeout.
func callTimeout() time.Duration {
	if d, err := time.ParseDuration(strings.TrimSpace(os.Getenv(EnvCallTimeout))); err == nil && d > 0 {
		return d
	}
	return DefaultCallTimeout
}

// OpenLocal opens an SQLite file of this machine that is not a history
// (the outbox of a team's history), as the history's files are opened:
// private to its owner, each commit on disk.
func OpenLocal(path string) (*sql.DB, error) { return openFile(path, DefaultBusyTimeout) }

// WithCallTimeout sets how long a call to a server history waits for the
// server (default DefaultCallTimeout); it does nothing to an SQLite file.
func WithCallTimeout(d time.Duration) Option { return func(o *options) { o.call = d } }

// AllowOffline makes Open return a server history whose server does not
// answer, instead of failing: its calls fail with ErrUnreachable until the
// server answers, and the first write (or Ready) checks and migrates its
// schema then. Offline reports whether that is still to do.
func AllowOffline() Option { return func(o *options) { o.offline = true } }

// ConnectLater makes Open return a server history without calling its
// server at all: the first write (or Ready) checks and migrates its schema,
// as for one opened offline (AllowOffline, which it implies). Until that
// first call has ended, Connecting reports true. The window opens its
// history so: a hung server (one that takes the connection and never
// answers) would otherwise hold the window back for the call timeout.
func ConnectLater() Option { return func(o *options) { o.offline, o.later = true, true } }

// What is known of the server of a history opened offline (Store.reach).
const (
	reachAnswered int32 = iota // it answered; or the history is a file
	reachUnasked               // ConnectLater: not called yet
	reachAway                  // the last check of the schema failed
)

// IsUnreachable reports whether err says the server could not be reached or
// stopped answering: ErrUnreachable, or a connection error the history did
// not wrap yet.
func IsUnreachable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnreachable) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		// A refused password or a missing database is an answer, not
		// an absence.
		var pe *pgconn.PgError
		return !errors.As(err, &pe)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is "connection exception"; 57P01-57P03 a server
		// shutting down or starting up.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if errors.Is(err, errCallTimeout) || pgconn.Timeout(err) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "conn closed")
}

// errCallTimeout is the cause of a write's context ending at the call
// timeout, told apart from the caller's own cancel.
var errCallTimeout = errors.New("the server did not answer within the call timeout")

// callContext bounds a call to the server: the busy timeout (waiting for
// another clerk's write) plus the call timeout. An SQLite file has only its
// busy timeout.
func (s *Store) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if !s.d.postgres {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, s.busy+s.call, errCallTimeout)
}

// Offline reports whether the history was opened without its server
// answering and has not reached it since (AllowOffline). It does not wait
// for a check of the server under way.
func (s *Store) Offline() bool { return s.reach.Load() == reachAway }

// Connecting reports whether the history was opened without calling its
// server (ConnectLater) and no call to check it has ended yet.
func (s *Store) Connecting() bool { return s.reach.Load() == reachUnasked }

// Ready makes sure the history answers at its schema version: for one
// opened offline it checks and migrates the schema the first time the
// server answers. It fails with ErrUnreachable while the server is away;
// on a history that answers it only asks the server whether it is there.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.ensure(ctx); err != nil {
		return err
	}
	if !s.d.postgres {
		return nil
	}
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		if context.Cause(ctx) == errCallTimeout {
			err = fmt.Errorf("%w: %w", errCallTimeout, err)
		}
		return s.fail("reach history", err)
	}
	return nil
}

// ensure migrates a history opened offline, once.
func (s *Store) ensure(ctx context.Context) error {
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	if !s.pending {
		return nil
	}
	if err := s.migrate(ctx); err != nil {
		if ctx.Err() == nil { // not the caller giving up
			s.reach.Store(reachAway)
		}
		return err
	}
	s.pending = false
	s.reach.Store(reachAnswered)
	return nil
}

// deadlineConn is a connection to the server whose every read and write
// waits at most idle, within any deadline the driver sets itself (it sets
// one to cancel a call).
type deadlineConn struct {
	net.Conn
	idle time.Duration

	mu     sync.Mutex
	rd, wd time.Time // the deadlines the driver set; zero for none
}

func (c *deadlineConn) within(set time.Time) time.Time {
	d := time.Now().Add(c.idle)
	if !set.IsZero() && set.Before(d) {
		return set
	}
	return d
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	err := c.Conn.SetReadDeadline(c.within(c.rd))
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return c.Conn.Read(b)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	err := c.Conn.SetWriteDeadline(c.within(c.wd))
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}

func (c *deadlineConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rd, c.wd = t, t
	return c.Conn.SetDeadline(t)
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rd = t
	return c.Conn.SetReadDeadline(t)
}

func (c *deadlineConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wd = t
	return c.Conn.SetWriteDeadline(t)
}

// lookupStmt runs the lookup every scanned code asks: prepared once on an
// SQLite file; a server's driver keeps its statements prepared by itself,
// and preparing one at Open would need the server to answer then.
type lookupStmt struct {
	stmt *sql.Stmt
	db   *dbConn
}

func (l *lookupStmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	if l.stmt != nil {
		return l.stmt.QueryRowContext(ctx, args...)
	}
	return l.db.QueryRowContext(ctx, lookupSQL, args...)
}

func (l *lookupStmt) Close() error {
	if l.stmt != nil {
		return l.stmt.Close()
	}
	return nil
}
