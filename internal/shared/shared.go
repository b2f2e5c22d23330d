// Package shared finds the project's shared test corpora (../shared beside the
// repository, or $FAPIAO_SHARED) for tests and benchmarks. The corpora are read
// in place, never copied into the repository.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared folder, or "" when there is none.
func Dir() string {
	if d := os.Getenv("FAPIAO_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(d, "..", "shared")
			if fi, err := os.Stat(s); err == nil && fi.IsDir() {
				return s
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Path joins elem to the shared folder, and skips the test, saying why, when
// the corpus is not there (it always is in CI).
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		tb.Skip("shared corpus not found (../shared beside the repository, or set FAPIAO_SHARED): skipping corpus test")
	}
	p := filepath.Join(append([]string{d}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("shared corpus incomplete: %v", err)
	}
	return p
}
