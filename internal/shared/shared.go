// Package shared finds the project's shared test corpora (../shared beside the
// repository, or $FAPIAO_SHARED) for tests and benchmarks. The corpora are read
// in place, never copied into the repository. Every test that reads them
// finds them here, so that a missing corpus skips a test on a developer's
// machine and fails it in CI in the same way everywhere.
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

// notFound says where the corpus was looked for.
const notFound = "shared corpus not found (../shared beside the repository, or set FAPIAO_SHARED)"

// Path joins elem to the shared folder. When there is no shared folder it
// skips the test, saying why; in CI ($CI set), where the corpus is always
// laid beside the repository, it fails the test instead, so that corpus
// tests cannot pass there by not running.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s, and $CI is set: corpus tests must run in CI", notFound)
		}
		tb.Skip(notFound + ": skipping corpus test")
	}
	p := filepath.Join(append([]string{d}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("shared corpus incomplete: %v", err)
	}
	return p
}
