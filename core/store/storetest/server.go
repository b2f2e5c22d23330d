package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// Server returns the address of a database on the test binary's
// PostgreSQL server (pgtest) holding the same history of n invoices as
// Path, copied row by row with COPY: the benchmarks compare the two
// backends on the same data.
func Server(tb testing.TB, n int) string {
	tb.Helper()
	servedMu.Lock()
	defer servedMu.Unlock()
	if loc, ok := served[n]; ok {
		return loc
	}
	file := Path(tb, n)
	srv, err := pgtest.Shared()
	if err != nil {
		tb.Fatalf("benchmark history: %v", err)
	}
	loc, err := srv.CreateDatabase(fmt.Sprintf("bench_%d", n))
	if err != nil {
		tb.Fatalf("benchmark history: %v", err)
	}
	tb.Logf("copying %d invoices to the PostgreSQL server (once per test binary)", n)
	start := time.Now()
	if err := copyToServer(file, loc); err != nil {
		tb.Fatalf("benchmark history: %v", err)
	}
	tb.Logf("copied in %v", time.Since(start).Round(time.Millisecond))
	served[n] = loc
	return loc
}

// served are the databases Server filled, by size.
var (
	servedMu sync.Mutex
	served   = map[int]string{}
)

// copyTables are copied in this order, parents first.
var copyTables = []string{"settings", "parties", "scans", "invoices", "sightings", "audit_log"}

func copyToServer(file, loc string) error {
	s, err := store.Open(loc) // the schema
	if err != nil {
		return err
	}
	s.Close()
	src, err := sql.Open("sqlite3", file+"?mode=ro")
	if err != nil {
		return err
	}
	defer src.Close()
	ctx := context.Background()
	dst, err := pgx.Connect(ctx, loc)
	if err != nil {
		return err
	}
	defer dst.Close(ctx)
	for _, table := range copyTables {
		rows, err := src.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			return err
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return err
		}
		_, err = dst.CopyFrom(ctx, pgx.Identifier{table}, cols, &sqlRows{rows: rows, n: len(cols)})
		rows.Close()
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	// The identity columns go on from the rows copied.
	for _, table := range []string{"parties", "scans", "invoices", "sightings"} {
		if _, err := dst.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", table, table)); err != nil {
			return err
		}
	}
	// As a server that has run a while would have it after autovacuum:
	// the planner's statistics, and the visibility map that lets a search
	// read IDs from an index alone.
	_, err = dst.Exec(ctx, "VACUUM ANALYZE")
	return err
}

// sqlRows feeds SQLite's rows to COPY.
type sqlRows struct {
	rows *sql.Rows
	n    int
	err  error
}

func (r *sqlRows) Next() bool { return r.err == nil && r.rows.Next() }

func (r *sqlRows) Values() ([]any, error) {
	vals := make([]any, r.n)
	ptrs := make([]any, r.n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		r.err = err
		return nil, err
	}
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			vals[i] = strings.ToValidUTF8(string(b), "")
		}
	}
	return vals, nil
}

func (r *sqlRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}
