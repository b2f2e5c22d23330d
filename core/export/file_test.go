package export

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store"
)

func TestWriteFileKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, err := WriteFile(path, CSV, func(fn func(*store.Invoice) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("file = %q, want the old one kept", b)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	sum, err := WriteFile(path, CSV, func(fn func(*store.Invoice) error) error { return nil })
	if err != nil || sum.Rows != 0 {
		t.Fatalf("empty export: %v %+v", err, sum)
	}
	if b, _ := os.ReadFile(path); string(b) == "old" {
		t.Fatal("file not replaced")
	}
}
