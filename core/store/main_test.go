package store

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// backend is the database the tests run against. TestMain runs every test
// against an SQLite file, then every test again against a PostgreSQL
// server (core/store/pgtest): one behaviour, proved by one suite.
// FAPIAO_STORE_BACKEND=sqlite or =postgres runs one pass only.
var backend = "sqlite"

func postgres() bool { return backend == "postgres" }

func TestMain(m *testing.M) {
	flag.Parse()
	passes := []string{"sqlite", "postgres"}
	switch b := os.Getenv("FAPIAO_STORE_BACKEND"); {
	case b != "":
		passes = []string{b}
	case os.Getenv("FAPIAO_STORE_HELPER_DB") != "":
		// A child process of a test writes to the history it is given.
		passes = passes[:1]
	case flag.Lookup("test.bench").Value.String() != "":
		// Benchmarks open the files storetest builds: one pass.
		passes = passes[:1]
	}
	code := 0
	for _, b := range passes {
		if b != "sqlite" && b != "postgres" {
			fmt.Fprintf(os.Stderr, "FAPIAO_STORE_BACKEND=%s: want sqlite or postgres\n", b)
			os.Exit(2)
		}
		backend = b
		if len(passes) > 1 && testing.Verbose() {
			fmt.Printf("### the history's tests against %s\n", b)
		}
		if c := m.Run(); c != 0 {
			fmt.Printf("FAIL against %s\n", b)
			code = c
		}
	}
	pgtest.StopShared()
	os.Exit(code)
}

// newLocation is where a test's new, empty history lives: a file in a
// temporary folder, or a new database on the test server.
func newLocation(t testing.TB) string {
	t.Helper()
	if postgres() {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "sub", "history.db")
}

// rawDB opens the history at location with the driver alone, as another
// program would.
func rawDB(t *testing.T, location string) *sql.DB {
	t.Helper()
	driver := "sqlite3"
	if IsServer(location) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// tamper runs statements on the history as someone editing it outside
// Fapiao would, foreign keys unchecked.
func tamper(t *testing.T, s *Store, statements string) {
	t.Helper()
	q := "PRAGMA foreign_keys = OFF; " + statements
	if postgres() {
		q = "BEGIN; SET LOCAL session_replication_role = replica; " + statements + "; COMMIT"
	}
	if _, err := s.db.Exec(q); err != nil {
		t.Fatalf("%s: %v", statements, err)
	}
}

// forceVersion writes schema version v into the history.
func forceVersion(t *testing.T, s *Store, v int) {
	t.Helper()
	q := fmt.Sprintf("PRAGMA user_version = %d", v)
	if postgres() {
		q = fmt.Sprintf("UPDATE fapiao_history SET version = %d", v)
	}
	if _, err := s.db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// failPage99 makes inserting a sighting of page 99 fail, as a full disk
// would, half-way through a transaction.
func failPage99(t *testing.T, s *Store) {
	t.Helper()
	q := `CREATE TRIGGER boom BEFORE INSERT ON sightings WHEN NEW.page = 99
		BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`
	if postgres() {
		q = `CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk trouble'; END $$;
		CREATE TRIGGER boom BEFORE INSERT ON sightings FOR EACH ROW WHEN (NEW.page = 99) EXECUTE FUNCTION boom()`
	}
	if _, err := s.db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// holdWriteLock takes the history's write lock on conn, as another
// process writing would, until rollback.
func holdWriteLock(ctx context.Context, conn *sql.Conn) error {
	if postgres() {
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", writeLockKey))
		return err
	}
	_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	return err
}

// pgDatabase is a new database on the test server, whatever the backend.
func pgDatabase(t *testing.T) (string, error) {
	srv, err := pgtest.Shared()
	if err != nil {
		return "", err
	}
	return srv.CreateDatabase(t.Name())
}
