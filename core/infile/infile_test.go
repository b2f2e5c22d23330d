package infile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReadLimit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.pdf")
	os.WriteFile(p, make([]byte, 2048), 0o644)
	if _, err := Read(p, 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("2 KB under a 1 KB limit: err = %v", err)
	}
	if b, err := Read(p, 2048); err != nil || len(b) != 2048 {
		t.Errorf("2 KB under a 2 KB limit: %d bytes, %v", len(b), err)
	}
	if _, err := Read(filepath.Join(dir, "none.pdf"), 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	os.Mkdir(filepath.Join(dir, "folder.png"), 0o755)
	if _, err := Read(filepath.Join(dir, "folder.png"), 1); !errors.Is(err, ErrNotRegular) {
		t.Errorf("folder: err = %v", err)
	}
}
