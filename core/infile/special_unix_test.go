//go:build unix

package infile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Named pipes and devices, also behind a link, are refused at once: no
// wait for a pipe's writer, no read of /dev/zero.
func TestReadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok.png"), []byte("0123456789"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.png"))
	os.Symlink("/dev/urandom", filepath.Join(dir, "random.jpg"))
	os.Symlink("ok.png", filepath.Join(dir, "link.png"))
	for name, want := range map[string]error{
		"pipe.pdf": ErrNotRegular, "zero.png": ErrNotRegular, "random.jpg": ErrNotRegular, "link.png": nil,
	} {
		done := make(chan error, 1)
		go func() {
			_, err := Read(filepath.Join(dir, name), 1<<20)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, want) || (want == nil) != (err == nil) {
				t.Errorf("%s: err = %v, want %v", name, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Read blocked", name)
		}
	}
}
