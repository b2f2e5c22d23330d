package pgtest

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestServerServesFreshDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := Database(t), Database(t)
	if a == b {
		t.Fatalf("two databases at one address %s", a)
	}
	db, err := sql.Open("pgx", a)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d tables in the new database (%v), want 1", n, err)
	}
	other, err := sql.Open("pgx", b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d tables in the second database (%v), want 0", n, err)
	}
	// Run as root, the server runs as an unprivileged user.
	var owner string
	if err := db.QueryRowContext(ctx, "SELECT setting FROM pg_settings WHERE name = 'data_directory'").Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(owner); err != nil {
		t.Fatal(err)
	} else if os.Geteuid() == 0 && fileOwner(fi) == 0 {
		t.Errorf("data folder %s owned by root: the server runs as root", owner)
	}
}

func TestMissingProgramsAreAClearError(t *testing.T) {
	t.Setenv("FAPIAO_PG_BIN", t.TempDir())
	_, err := Start()
	if err == nil || !strings.Contains(err.Error(), "FAPIAO_PG_BIN") {
		t.Errorf("Start without programs: %v", err)
	}
	t.Setenv("FAPIAO_PG_BIN", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindBin(); err != nil && !strings.Contains(err.Error(), "install Debian's postgresql package") {
		t.Errorf("FindBin: %v", err)
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{"TestA/b c": "testa_b_c", "9x": "t9x", "": "t"} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
