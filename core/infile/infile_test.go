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

func TestSHA256(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(p, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := SHA256(p)
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; err != nil || got != want {
		t.Errorf("SHA256 = %q, %v", got, err)
	}
	if _, err := SHA256(p + ".missing"); err == nil {
		t.Error("SHA256 of a missing file: no error")
	}
}
