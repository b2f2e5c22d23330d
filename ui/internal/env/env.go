// Package env is what every screen of the window shares: the app and its
// window, the language and its translations, the history, the secret store,
// the scanner, the clock, the bridge for background work, the theme, and
// the ways values and findings are written for clerks.
package env

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
)

// Env is what every screen shares: the app and its window, the language,
// the history, the secret store beside it, the one scanner every way in goes
// through, and the bridge every piece of background work goes through. Tr
// changes when the clerk picks another language; it is read on the UI
// goroutine only.
type Env struct {
	App     fyne.App
	Win     fyne.Window
	Tr      *Translator
	Sec     secrets.Store
	Scanner *scan.Scanner
	Now     func() time.Time
	Bridge  *bridge.Bridge

	st atomic.Pointer[store.Store]
}

// Store is the history in use. It changes when the clerk points the window
// at another (SetStore), so background work reads it once, when it starts,
// and keeps to that one.
func (e *Env) Store() *store.Store { return e.st.Load() }

// SetStore makes st the history in use; it is called on the UI goroutine,
// which then has every screen read it again.
func (e *Env) SetStore(st *store.Store) { e.st.Store(st) }

// Clerk is the name recorded with the clerk's checks and changes: the one
// set in the settings (shared with the command line), else the login name.
// It reads the history: call it off the UI goroutine.
func (e *Env) Clerk(ctx context.Context) string {
	name, err := e.Store().Clerk(ctx)
	if err != nil || name == "" {
		return "unknown"
	}
	return name
}

// LoadKeys gives the scanner the sealed QR keys imported in the settings.
// Keys that cannot be read are left out; the settings screen says which. It
// reads the history and the keyring: call it off the UI goroutine.
func (e *Env) LoadKeys(ctx context.Context) {
	kr, _ := config.SealedKeys(ctx, e.Store(), e.Sec)
	e.Scanner.SetKeys(kr)
}
