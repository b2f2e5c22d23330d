package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not there yet: Set makes it
	f := NewFile(dir)
	if _, err := f.Get("fw199.secret"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get from no file: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(f.Where()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a Get created the file: %v", err)
	}
	for _, v := range []string{"s3cr3t", "换一个 secret", ""} {
		if err := f.Set("fw199.secret", v); err != nil {
			t.Fatal(err)
		}
		if got, err := f.Get("fw199.secret"); err != nil || got != v {
			t.Fatalf("Get = %q, %v; want %q", got, err, v)
		}
	}
	if err := f.Set("sealed.sm4.e6a4f9765fca89e8", "0123"); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete("fw199.secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("fw199.secret"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := f.Delete("fw199.secret"); err != nil {
		t.Errorf("deleting a name that is not there: %v", err)
	}
	// Another store of the same folder (the command line) sees the rest.
	if got, err := NewFile(dir).Get("sealed.sm4.e6a4f9765fca89e8"); err != nil || got != "0123" {
		t.Errorf("second store: %q, %v", got, err)
	}
	if f.Where() != filepath.Join(dir, FileName) {
		t.Errorf("Where = %q", f.Where())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".secrets-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix mode bits; the data folder's ACL applies")
	}
	dir := filepath.Join(t.TempDir(), "data")
	f := NewFile(dir)
	if err := f.Set("fw199.secret", "s3cr3t"); err != nil {
		t.Fatal(err)
	}
	mode := func(p string) os.FileMode {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if m := mode(f.Where()); m != 0o600 {
		t.Errorf("secrets file mode %o, want 600", m)
	}
	if m := mode(dir); m&0o077 != 0 {
		t.Errorf("data folder made with mode %o, want no access for others", m)
	}
	// Made readable by someone else, it is made private again when read,
	// and stays private when written.
	if err := os.Chmod(f.Where(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("fw199.secret"); err != nil {
		t.Fatal(err)
	}
	if m := mode(f.Where()); m != 0o600 {
		t.Errorf("after reading a 644 file: mode %o, want 600", m)
	}
	os.Chmod(f.Where(), 0o666)
	if err := f.Set("fw199.secret", "other"); err != nil {
		t.Fatal(err)
	}
	if m := mode(f.Where()); m != 0o600 {
		t.Errorf("after writing: mode %o, want 600", m)
	}
}

func TestFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	f := NewFile(dir)
	const junk = `{"fw199.secret": "hunter2", oops`
	if err := os.WriteFile(f.Where(), []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get("fw199.secret")
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get from a damaged file: %v, want ErrCorrupt", err)
	}
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), f.Where()) {
		t.Errorf("error should name the file and not quote it: %v", err)
	}
	if err := f.Set("other", "x"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Set over a damaged file: %v, want ErrCorrupt", err)
	}
	if err := f.Delete("fw199.secret"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Delete in a damaged file: %v, want ErrCorrupt", err)
	}
	if b, _ := os.ReadFile(f.Where()); string(b) != junk {
		t.Errorf("the damaged file was overwritten: %q", b)
	}
	// Valid JSON of the wrong shape is damaged too.
	os.WriteFile(f.Where(), []byte(`["a","b"]`), 0o600)
	if _, err := f.Get("a"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a JSON list: %v, want ErrCorrupt", err)
	}
}

func TestFileConcurrentSet(t *testing.T) {
	dir := t.TempDir()
	a, b := NewFile(dir), NewFile(dir) // two stores of one folder, as window and command line in one process
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			if err := s.Set(fmt.Sprintf("name.%d", i), fmt.Sprintf("value %d", i)); err != nil {
				t.Error(err)
			}
			if _, err := s.Get("name.0"); err != nil && !errors.Is(err, ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if got, err := a.Get(fmt.Sprintf("name.%d", i)); err != nil || got != fmt.Sprintf("value %d", i) {
			t.Errorf("name.%d = %q, %v", i, got, err)
		}
	}
}

func TestNames(t *testing.T) {
	f := NewFile(t.TempDir())
	for _, name := range []string{"", "has space", "tab\tname", strings.Repeat("x", 201)} {
		if err := f.Set(name, "v"); err == nil {
			t.Errorf("Set(%q) accepted", name)
		}
	}
}

func TestOpenForcedFile(t *testing.T) {
	t.Setenv(EnvBackend, "file")
	d1, d2 := t.TempDir(), t.TempDir()
	s1, s2 := Open(d1), Open(d2)
	if s1.Where() != filepath.Join(d1, FileName) {
		t.Errorf("Where = %q, want the file in %s", s1.Where(), d1)
	}
	if err := s1.Set("fw199.secret", "one"); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Get("fw199.secret"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second data folder sees the first one's secret: %v", err)
	}
}

// The keyring store runs here against go-keyring's in-memory keyring, as no
// machine that runs the tests is expected to have a real one.
func TestKeyring(t *testing.T) {
	keyring.MockInit()
	d1, d2 := t.TempDir(), t.TempDir()
	t.Setenv(EnvBackend, "")
	s1, s2 := Open(d1), Open(d2)
	if s1.Where() == filepath.Join(d1, FileName) {
		t.Fatal("a keyring that answers the probe was not chosen")
	}
	if err := s1.Set("fw199.secret", "one"); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Get("fw199.secret"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second data folder sees the first one's secret: %v", err)
	}
	if got, err := s1.Get("fw199.secret"); err != nil || got != "one" {
		t.Errorf("Get = %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(d1, FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the keyring store wrote a secrets file")
	}
	if _, err := keyring.Get("fapiao:"+d1, probeName); !errors.Is(err, keyring.ErrNotFound) {
		t.Error("the probe entry was left in the keyring")
	}
	if err := s1.Delete("fw199.secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := s1.Get("fw199.secret"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := s1.Delete("fw199.secret"); err != nil {
		t.Errorf("deleting a name that is not there: %v", err)
	}
}

// A secret stored in the file while no keyring answered is still read once
// one does, and moves to the keyring when set again.
func TestKeyringReadsTheFile(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	if err := NewFile(dir).Set("fw199.secret", "old"); err != nil {
		t.Fatal(err)
	}
	k := NewKeyring(dir)
	if got, err := k.Get("fw199.secret"); err != nil || got != "old" {
		t.Fatalf("Get = %q, %v; want the file's", got, err)
	}
	if err := k.Set("fw199.secret", "new"); err != nil {
		t.Fatal(err)
	}
	if _, err := NewFile(dir).Get("fw199.secret"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the file still holds the secret: %v", err)
	}
	if got, err := k.Get("fw199.secret"); err != nil || got != "new" {
		t.Errorf("Get = %q, %v", got, err)
	}
}

func TestNoKeyringFallsBackToFile(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown"))
	t.Setenv(EnvBackend, "")
	dir := t.TempDir()
	s := Open(dir)
	if err := s.Set("fw199.secret", "s"); err != nil {
		t.Fatal(err)
	}
	if s.Where() != filepath.Join(dir, FileName) {
		t.Errorf("Where = %q, want the file", s.Where())
	}
	if got, err := NewFile(dir).Get("fw199.secret"); err != nil || got != "s" {
		t.Errorf("file holds %q, %v", got, err)
	}
}
