// Package env is what every screen of the window shares: the app and its
// window, the language and its translations, the history, the secret store,
// the scanner, the clock, the bridge for background work, the theme, and
// the ways values and findings are written for clerks.
package env

import (
	"context"
	"errors"
	"sync/atomic"
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
	Sec     secrets.Store
	Scanner *scan.Scanner
	Now     func() time.Time
	Bridge  *bridge.Bridge

	cur atomic.Pointer[History]
}

// History is the history in use and, when it is a team's server, the
// team over it: this machine's outbox, where scans the server cannot take
// wait to be sent (core/outbox). They change together.
type History struct {
	St   *store.Store
	Team *outbox.Team // nil for a file
}

// History is the history in use with its team. It changes when the clerk
// points the window at another (SetHistory), so background work reads it
// once, when it starts, and keeps to that one.
func (e *Env) History() History {
	if h := e.cur.Load(); h != nil {
		return *h
	}
	return History{}
}

// Store is the history in use.
func (e *Env) Store() *store.Store { return e.History().St }

// Team is the team over the history in use, nil for a file.
func (e *Env) Team() *outbox.Team { return e.History().Team }

// Recorder is what saves scans into h: the team's outbox over the server
// when there is one, else the history itself.
func (h History) Recorder() scan.Recorder {
	if h.Team != nil {
		return h.Team
	}
	return h.St
}

// Close closes a history no longer in use: its outbox (its sender stopped
// first), then the history, once what is being read or written there is
// done. It runs off the UI goroutine.
func (h History) Close() error {
	var err error
	if h.Team != nil {
		err = h.Team.Close()
	}
	if h.St != nil {
		err = errors.Join(err, h.St.Close())
	}
	return err
}

// SetHistory makes h the history in use; it is called on the UI goroutine,
// which then has every screen read it again.
func (e *Env) SetHistory(h History) { e.cur.Store(&h) }

// SetStore makes the file or server st the history in use, without a team.
func (e *Env) SetStore(st *store.Store) { e.SetHistory(History{St: st}) }

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
