//go:build unix

package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hangGuard kills cmd if it has not ended within limit, a bound far
// above what it takes on any machine: a command that hangs (reading a
// named pipe, ignoring a signal) fails the test instead of holding it up.
// exit waits for cmd, once its output has been read to the end, and
// returns its exit code.
func hangGuard(t *testing.T, cmd *exec.Cmd, limit time.Duration) (exit func() int) {
	t.Helper()
	var hung atomic.Bool
	timer := time.AfterFunc(limit, func() {
		hung.Store(true)
		cmd.Process.Kill()
	})
	t.Cleanup(func() { timer.Stop() })
	return func() int {
		t.Helper()
		cmd.Wait() // its error is the exit code's
		timer.Stop()
		if hung.Load() {
			t.Fatalf("the command did not end within %s", limit)
		}
		return cmd.ProcessState.ExitCode()
	}
}

// fapiao scan of a folder with a named pipe and links to /dev/zero and
// /dev/urandom among its invoices ends, neither blocked on the pipe nor
// reading a device without end: every regular file read, each special file
// reported on its own line.
func TestScanFolderWithSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	writeInvoiceImages(t, dir, 3)
	if err := syscall.Mkfifo(filepath.Join(dir, "0000b.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "0001z.png"))
	os.Symlink("/dev/urandom", filepath.Join(dir, "0002r.jpg"))
	cmd, sc, stderr := child(t, "scan", "--json", "--no-ocr", "--workers", "2", dir)
	exit := hangGuard(t, cmd, 2*time.Minute)
	lines := map[string]string{}
	for sc.Scan() {
		var r struct {
			File     string `json:"file"`
			Error    string `json:"error"`
			Invoices []any  `json:"invoices"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		lines[filepath.Base(r.File)] = r.Error
		if r.Error == "" && len(r.Invoices) != 1 {
			t.Errorf("%s: %d invoices", r.File, len(r.Invoices))
		}
	}
	if code := exit(); code != exitFail {
		t.Errorf("exit %d, want 1 (files that could not be read): %s", code, stderr)
	}
	for _, n := range []string{"0000.png", "0001.png", "0002.png"} {
		if e, ok := lines[n]; !ok || e != "" {
			t.Errorf("%s: listed %v, error %q", n, ok, e)
		}
	}
	for _, n := range []string{"0000b.pdf", "0001z.png", "0002r.jpg"} {
		if e := lines[n]; !strings.Contains(e, "not a regular file") {
			t.Errorf("%s: error %q, want not a regular file", n, e)
		}
	}
	if !strings.Contains(stderr.String(), "3 of 6 files could not be read") {
		t.Errorf("stderr: %s", stderr)
	}
}

// SIGINT stops fapiao scan at once: exit 1, "interrupted", the files not
// reached never printed.
func TestScanInterrupted(t *testing.T) {
	dir := t.TempDir()
	writeInvoiceImages(t, dir, 300)
	cmd, sc, stderr := child(t, "scan", "--json", "--no-ocr", "--workers", "1", dir)
	exit := hangGuard(t, cmd, 2*time.Minute)
	if !sc.Scan() {
		code := exit() // stderr is written until then
		t.Fatalf("no output, exit %d: %s", code, stderr)
	}
	cmd.Process.Signal(os.Interrupt)
	n := 1
	for sc.Scan() {
		n++
	}
	if code := exit(); code != exitFail {
		t.Errorf("exit %d, want 1", code)
	}
	if n >= 300 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("%d files printed; stderr %q", n, stderr)
	}
}
