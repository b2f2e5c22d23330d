//go:build unix

package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/infile"
)

// A folder holding a named pipe and links to /dev/zero and /dev/urandom
// beside invoices scans to the end in seconds: every regular file is read,
// every special one reported as an error of its own, none read.
func TestScanFolderWithSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	inv := qrPNG(t, "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,")
	for _, n := range []string{"a.png", "c.png", "sub/e.png"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, n), inv, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "b.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "d.png"))
	os.Symlink("/dev/urandom", filepath.Join(dir, "sub/f.jpg"))
	os.Symlink("/dev/zero", filepath.Join(dir, "g.xml"))

	files, err := Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]FileResult{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := &Scanner{Now: docNow, NoOCR: true}
		s.Run(context.Background(), files, 2, func(_ int, r FileResult) { got[filepath.ToSlash(r.File[len(dir)+1:])] = r })
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the scan did not finish")
	}
	for _, n := range []string{"a.png", "c.png", "sub/e.png"} {
		if r := got[n]; r.Err != nil || len(r.Invoices) != 1 {
			t.Errorf("%s: %d invoices, err %v", n, len(r.Invoices), r.Err)
		}
	}
	for _, n := range []string{"b.pdf", "d.png", "sub/f.jpg", "g.xml"} {
		if r, ok := got[n]; !ok || !errors.Is(r.Err, infile.ErrNotRegular) {
			t.Errorf("%s: listed %v, err %v; want not a regular file", n, ok, r.Err)
		}
	}
	if len(got) != 7 {
		t.Errorf("%d results, want 7: %v", len(got), files)
	}
}

// Once its context is done, Run returns without waiting for the files
// still being read.
func TestRunStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	inv := qrPNG(t, "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,")
	var files []string
	for i := range 200 {
		p := filepath.Join(dir, string(rune('a'+i%26))+string(rune('a'+i/26))+".png")
		os.WriteFile(p, inv, 0o644)
		files = append(files, p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&Scanner{Now: docNow, NoOCR: true}).Run(ctx, files, 1, func(int, FileResult) {
			n++
			if n == 2 {
				cancel()
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run went on after its context was cancelled")
	}
	if n >= len(files) {
		t.Errorf("all %d files were scanned after the cancel", n)
	}
}
