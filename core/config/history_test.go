package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func TestHistoryLocationKeepsThePasswordOutOfTheFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("AppData", filepath.Join(home, "data"))
	t.Setenv(secrets.EnvBackend, "file")
	t.Setenv(EnvDB, "")
	def, err := store.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := HistoryPath(); err != nil || p != def {
		t.Fatalf("HistoryPath before = %q, %v; want %q", p, err, def)
	}
	const addr = "postgres://clerk@db.example:5432/team?sslmode=verify-full"
	if err := SetHistoryLocation("postgres://clerk:s3cret@db.example:5432/team?sslmode=verify-full", ""); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(def), locationFile))
	if err != nil || strings.Contains(string(b), "s3cret") || strings.TrimSpace(string(b)) != addr {
		t.Errorf("location file %q (%v)", b, err)
	}
	if loc, pw, err := HistoryLocation(); err != nil || loc != addr || !pw {
		t.Errorf("HistoryLocation = %q, %v, %v", loc, pw, err)
	}
	if p, err := HistoryPath(); err != nil || p != "postgres://clerk:s3cret@db.example:5432/team?sslmode=verify-full" {
		t.Errorf("HistoryPath = %q, %v", p, err)
	}
	// A new password alone; FAPIAO_DB still wins.
	if err := SetHistoryLocation(addr, "n3w"); err != nil {
		t.Fatal(err)
	}
	if p, _ := HistoryPath(); !strings.Contains(p, "clerk:n3w@") {
		t.Errorf("HistoryPath after a new password = %q", p)
	}
	t.Setenv(EnvDB, "/tmp/x.db")
	if p, _ := HistoryPath(); p != "/tmp/x.db" {
		t.Errorf("HistoryPath with FAPIAO_DB = %q", p)
	}
	t.Setenv(EnvDB, "")
	if err := SetHistoryLocation("/home/clerk/h.db", ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("a file as the team's server: %v", err)
	}
	// Back to the local file: the address and the password are gone.
	if err := SetHistoryLocation("", ""); err != nil {
		t.Fatal(err)
	}
	if p, err := HistoryPath(); err != nil || p != def {
		t.Errorf("HistoryPath after = %q, %v", p, err)
	}
	if _, err := secrets.Open(filepath.Dir(def)).Get(SecretHistoryPassword); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("password left behind: %v", err)
	}
}
