//go:build unix

package cli

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store"
)

// The history, its -wal and its -shm are readable by their owner only,
// whatever the umask; one made readable by others before is made private.
func TestHistoryFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := filepath.Join(dir, "history.db")
	if code, _, errs := run(t, "", "clerk", "王会计", "--db", db); code != 0 {
		t.Fatalf("clerk: exit %d %s", code, errs)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(context.Background(), store.SettingClerk, "李会计", "李会计"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
		}
	}
	st.Close()

	os.Chmod(db, 0o644)
	st, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if fi, _ := os.Stat(db); fi.Mode().Perm() != 0o600 {
		t.Errorf("an existing history readable by others: mode %o after Open", fi.Mode().Perm())
	}
}
