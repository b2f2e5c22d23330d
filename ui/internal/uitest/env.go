package uitest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// Clock is the moment the tests' histories record changes at.
func Clock() time.Time { return time.Date(2024, time.June, 3, 9, 30, 0, 0, time.Local) }

// FixedNow is "today" for the date checks, so that the tests do not depend
// on the day they run.
func FixedNow() time.Time { return time.Date(2024, time.June, 3, 10, 0, 0, 0, time.Local) }

// NewScanner is the scanner the tests use: "today" is FixedNow, and the
// printed values of pictures are left to be typed. The screens' tests are
// about the window, not about reading print (core/scan tests that), and
// OCR would make each picture take seconds.
func NewScanner() *scan.Scanner { return &scan.Scanner{Now: FixedNow, NoOCR: true} }

// PrivateDataFolder points the data folder, and with it the secret store
// (a file there) and the saved history location, at a temporary folder for
// the test, with no $FAPIAO_DB: what the settings save stays there.
func PrivateDataFolder(t testing.TB) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("AppData", filepath.Join(home, "data"))
	t.Setenv(secrets.EnvBackend, "file")
	t.Setenv(config.EnvDB, "")
}

// OpenStore opens a fresh history in a temporary folder, closed when the
// test ends.
func OpenStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"), store.WithClock(Clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// NewEnv is what a screen needs, over a fresh history, in the language of
// a's preferences (Chinese unless set). At the end of the test it waits for
// the background work, then closes the window.
func NewEnv(t testing.TB, a fyne.App) *env.Env {
	t.Helper()
	st := OpenStore(t)
	e := &env.Env{
		App:     a,
		Win:     a.NewWindow("test"),
		Tr:      env.NewTranslator(a.Preferences().StringWithFallback(env.PrefLanguage, env.DefaultLanguage)),
		Sec:     secrets.Open(filepath.Dir(st.Path())),
		Scanner: NewScanner(),
		Now:     FixedNow,
		Bridge:  bridge.New(),
	}
	e.SetStore(st)
	e.Win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() {
		e.Bridge.Wait()
		e.Win.Close()
	})
	return e
}

// Window is a test window over a fresh history: what every screen needs,
// and the loop that runs what the background hands to the window.
type Window struct {
	*env.Env
	Loop *Loop
}

// NewWindow opens a test window (NewApp, then NewEnv).
func NewWindow(t testing.TB) *Window {
	t.Helper()
	a, loop := NewApp(t)
	return &Window{Env: NewEnv(t, a), Loop: loop}
}

// Show puts a screen's widgets in the window.
func (w *Window) Show(content fyne.CanvasObject) { w.Win.SetContent(content) }

// Settle waits for the background work, and shows what it hands over, and
// what that starts, until nothing is left.
func (w *Window) Settle() { w.Loop.Settle(w.Bridge) }

// Scan reads text as a scanner gun's code, records it in e's history, and
// returns what the scan found.
func Scan(t testing.TB, e *env.Env, text string) *scan.FileResult {
	t.Helper()
	r := e.Scanner.Text(text)
	return Save(t, e, &r, store.SourceGun)
}

// ScanFile reads the file at path, records it in e's history as a file the
// clerk opened, and returns what the scan found.
func ScanFile(t testing.TB, e *env.Env, path string) *scan.FileResult {
	t.Helper()
	r := e.Scanner.File(context.Background(), path)
	return Save(t, e, &r, store.SourceFile)
}

// Save records r in e's history as come from src, and returns it.
func Save(t testing.TB, e *env.Env, r *scan.FileResult, src store.Source) *scan.FileResult {
	t.Helper()
	if err := scan.Save(context.Background(), e.Store(), src, r); err != nil {
		t.Fatal(err)
	}
	return r
}
