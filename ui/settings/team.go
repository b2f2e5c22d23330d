package settings

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// teamSection points this window at a team's history on a PostgreSQL
// server: the address is kept in the data folder, the password in the
// keyring (config.SetHistoryLocation), and the window switches to it at
// once, every screen with it; an empty address goes back to the local file.
type teamSection struct {
	s *Screen

	title, addrLabel, pwLabel, now *widget.Label
	addr                           *widget.Entry
	pw                             *secretField
	save, test                     *widget.Button
}

// teamTimeout bounds the test of a connection.
const teamTimeout = 15 * time.Second

func newTeamSection(s *Screen) *teamSection {
	t := &teamSection{s: s}
	t.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.addrLabel, t.pwLabel, t.now = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	t.now.Wrapping = fyne.TextWrapWord
	t.addr, t.pw = widget.NewEntry(), newSecretField()
	t.pw.entry.OnSubmitted = func(string) { t.onSave() }
	t.save = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), t.onSave)
	t.test = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), t.onTest)
	t.load()
	return t
}

func (t *teamSection) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(), t.addrLabel, t.addr, t.pwLabel, t.pw.entry)
	return container.NewVBox(t.title, form, container.NewHBox(layout.NewSpacer(), t.test, t.save), t.now)
}

func (t *teamSection) relabel(tr *env.Translator) {
	t.title.SetText(tr.T("settings.team"))
	t.addrLabel.SetText(tr.T("settings.team_address"))
	t.pwLabel.SetText(tr.T("settings.team_password"))
	t.addr.SetPlaceHolder(tr.T("settings.team_placeholder"))
	t.save.SetText(tr.T("settings.team_use"))
	t.test.SetText(tr.T("settings.team_test"))
	t.now.SetText(tr.F("settings.team_now", t.s.e.Store().Path()))
	t.pw.showState(tr)
}

type teamStored struct {
	addr     string
	password bool
}

// load reads the saved address and asks the keyring whether a password is
// stored, in the background.
func (t *teamSection) load() {
	bridge.Run(t.s.e.Bridge, context.Background(), func(context.Context) (teamStored, error) {
		addr, pw, err := config.HistoryLocation()
		return teamStored{addr, pw}, err
	}, func(v teamStored, err error) {
		if err != nil {
			t.s.show(env.ErrorText(t.s.e.Tr, err))
			return
		}
		if t.addr.Text == "" {
			t.addr.SetText(v.addr)
		}
		t.pw.loaded(t.s.e.Tr, v.password)
	})
}

// onSave opens the history at the address typed, off the UI goroutine,
// saves the address once it opened, and switches the window to it. One
// that cannot be opened is not saved: the clerk is told why, and the
// window keeps the history it has.
func (t *teamSection) onSave() {
	e := t.s.e
	addr, pw := strings.TrimSpace(t.addr.Text), t.pw.entry.Text
	old := e.Store()
	bridge.Run(e.Bridge, context.Background(), func(ctx context.Context) (env.History, error) {
		return openHistory(ctx, addr, pw, old.Path())
	}, func(h env.History, err error) {
		if err != nil {
			t.s.show(e.Tr.F("settings.team_switch_failed", env.ErrorText(e.Tr, err), old.Path()))
			return
		}
		t.pw.stored(e.Tr, pw)
		if h.St == nil {
			t.s.show(e.Tr.F("settings.team_same", old.Path()))
			return
		}
		t.s.switchTo(h)
		t.s.show(e.Tr.F("settings.team_switched", h.St.Path()))
	})
}

// openHistory opens the history at addr (with password pw, else the one
// stored; "" is the local file), with this machine's outbox when it is a
// team's server, and saves addr as the one to use; nothing when it is the
// history in use, at inUse. It runs off the UI goroutine.
func openHistory(ctx context.Context, addr, pw, inUse string) (env.History, error) {
	loc, err := config.ServerAddress(addr, pw)
	if err != nil {
		return env.History{}, err
	}
	switch {
	case addr == "":
		if loc, err = store.DefaultPath(); err != nil {
			return env.History{}, err
		}
	case !store.IsServer(loc):
		return env.History{}, config.SetHistoryLocation(loc, "") // the same check and message as the command line's
	}
	if store.Redact(loc) == inUse {
		return env.History{}, config.SetHistoryLocation(addr, pw)
	}
	h := env.History{}
	if h.St, err = store.Open(loc); err != nil {
		return env.History{}, err
	}
	if h.St.Shared() {
		h.Team, err = outbox.NewTeam(ctx, h.St, outbox.Path(h.St))
	}
	if err == nil {
		err = config.SetHistoryLocation(addr, pw)
	}
	if err != nil {
		if h.Team != nil {
			h.Team.Close()
		}
		h.St.Close()
		return env.History{}, err
	}
	return h, nil
}

// onTest opens the history at the address typed, with the password typed
// or stored, and says whether it answers.
func (t *teamSection) onTest() {
	e := t.s.e
	addr, pw := t.addr.Text, t.pw.entry.Text
	bridge.Run(e.Bridge, context.Background(), func(ctx context.Context) (string, error) {
		loc, err := config.ServerAddress(addr, pw)
		if err != nil {
			return "", err
		}
		if !store.IsServer(loc) {
			return "", config.SetHistoryLocation(loc, "") // the same check and message as saving
		}
		ctx, cancel := context.WithTimeout(ctx, teamTimeout)
		defer cancel()
		st, err := store.Open(loc)
		if err != nil {
			return "", err
		}
		defer st.Close()
		if err := st.Check(ctx); err != nil {
			return "", err
		}
		return st.Path(), nil
	}, func(where string, err error) {
		if err != nil {
			t.s.show(e.Tr.F("settings.team_failed", env.ErrorText(e.Tr, err)))
			return
		}
		t.s.show(e.Tr.F("settings.team_ok", where))
	})
}
