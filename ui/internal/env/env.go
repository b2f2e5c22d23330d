// Package env is what every screen of the window shares: the app and its
// window, the language and its translations, the history, the secret store,
// the scanner, the clock, the bridge for background work, the theme, and
// the ways values and findings are written for clerks.
package env

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/outbox"
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
	St      *store.Store
	Sec     secrets.Store
	Scanner *scan.Scanner
	Now     func() time.Time
	Bridge  *bridge.Bridge
	// Team is the history's server with this machine's outbox, when the
	// history is a team's server (nil for a file): scans it cannot send
	// are kept and sent later (core/outbox).
	Team *outbox.Team
}

// Recorder is what saves scans: the team's outbox over the server when
// there is one, else the history.
func (e *Env) Recorder() scan.Recorder {
	if e.Team != nil {
		return e.Team
	}
	return e.St
}

// Clerk is the name recorded with the clerk's checks and changes: the one
// set in the settings (shared with the command line), else the login name.
// It reads the history: call it off the UI goroutine.
func (e *Env) Clerk(ctx context.Context) string {
	name, err := e.St.Clerk(ctx)
	if err != nil || name == "" {
		return "unknown"
	}
	return name
}

// LoadKeys gives the scanner the sealed QR keys imported in the settings.
// Keys that cannot be read are left out; the settings screen says which. It
// reads the history and the keyring: call it off the UI goroutine.
func (e *Env) LoadKeys(ctx context.Context) {
	kr, _ := config.SealedKeys(ctx, e.St, e.Sec)
	e.Scanner.SetKeys(kr)
}
