// Package settings is the settings screen: the language, the clerk's name,
// the blacklist, where the data lives, the keys of sealed QR codes and the
// fw199 gateway's credentials. Everything it reads and writes goes through
// the bridge: the history may be busy, and the keyring can block.
package settings

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// Screen holds the clerk's choices. The clerk's name is kept in the
// history, so the command line records the same name. Its methods are
// called on the UI goroutine.
type Screen struct {
	e          *env.Env
	onLanguage func(code string)

	languageLabel, clerkLabel, blacklistLabel, dataLabel *widget.Label
	language                                             *widget.Select
	clerk                                                *widget.Entry
	saveClerk                                            *widget.Button
	taxID, reason                                        *widget.Entry
	add                                                  *widget.Button
	list                                                 *widget.List
	dataPath                                             *widget.Label
	keys                                                 *keysSection
	gateway                                              *gatewaySection
	checks                                               *checkSection
	team                                                 *teamSection

	entries   []store.BlacklistEntry
	blacklist *bridge.Latest[[]store.BlacklistEntry]
	message   dialog.Dialog
	confirm   dialog.Dialog

	// OnHistory is called on the UI goroutine once the window uses another
	// history (设置 → 团队共享历史): the other screens read it again, and
	// the one before, old, is closed once what runs on it is done. Without
	// it, the settings close old themselves.
	OnHistory func(old env.History)
}

// New builds the settings screen; what it shows is read in the background.
// onLanguage is called with the code of the language the clerk picks.
func New(e *env.Env, onLanguage func(code string)) *Screen {
	s := &Screen{e: e, onLanguage: onLanguage, blacklist: bridge.NewLatest[[]store.BlacklistEntry](e.Bridge)}
	s.languageLabel, s.clerkLabel = widget.NewLabel(""), widget.NewLabel("")
	s.blacklistLabel, s.dataLabel = widget.NewLabel(""), widget.NewLabel("")
	names := make([]string, len(env.Languages))
	for i, l := range env.Languages {
		names[i] = l.Name
	}
	s.language = widget.NewSelect(names, nil)
	s.language.SetSelected(env.LanguageName(e.Tr.Lang()))
	s.language.OnChanged = s.onLanguageChosen
	s.clerk = widget.NewEntry()
	s.clerk.OnSubmitted = func(string) { s.onSaveClerk() }
	s.saveClerk = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), s.onSaveClerk)
	s.taxID, s.reason = widget.NewEntry(), widget.NewEntry()
	s.add = widget.NewButtonWithIcon("", theme.ContentAddIcon(), s.onAdd)
	s.list = widget.NewList(func() int { return len(s.entries) }, s.createEntry, s.updateEntry)
	s.dataPath = widget.NewLabel(e.Store().LocalDir())
	s.dataPath.Selectable = true
	// A path has no spaces to wrap at: a long one would make the window
	// wider than a small screen.
	s.dataPath.Wrapping = fyne.TextWrapBreak
	s.keys = newKeysSection(s)
	s.gateway = newGatewaySection(s)
	s.checks = newCheckSection(s)
	s.team = newTeamSection(s)
	s.loadClerk()
	s.reloadBlacklist()
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		s.languageLabel, container.NewHBox(s.language),
		s.clerkLabel, container.NewBorder(nil, nil, nil, s.saveClerk, s.clerk),
		s.dataLabel, s.dataPath,
	)
	addRow := container.NewBorder(nil, nil, nil, s.add, container.NewGridWithColumns(2, s.taxID, s.reason))
	black := container.NewBorder(container.NewVBox(widget.NewSeparator(), s.blacklistLabel, addRow), nil, nil, nil, s.list)
	// Where the history lives, then the team's server: a new clerk's
	// first setting, in view without scrolling.
	left := container.NewBorder(container.NewVBox(form, widget.NewSeparator(), s.team.content()), nil, nil, nil, black)
	// The key list grows with every issuer: the column scrolls.
	right := container.NewVScroll(container.NewVBox(s.keys.content(), widget.NewSeparator(), s.checks.content(),
		widget.NewSeparator(), s.gateway.content()))
	return container.NewGridWithColumns(2, left, right)
}

// Relabel puts the screen in the language chosen.
func (s *Screen) Relabel() {
	tr := s.e.Tr
	s.languageLabel.SetText(tr.T("settings.language"))
	s.clerkLabel.SetText(tr.T("settings.clerk"))
	s.clerk.SetPlaceHolder(tr.T("settings.clerk.placeholder"))
	s.saveClerk.SetText(tr.T("settings.save"))
	s.dataLabel.SetText(tr.T("settings.data"))
	s.blacklistLabel.SetText(tr.T("settings.blacklist"))
	s.taxID.SetPlaceHolder(tr.T("settings.tax_id"))
	s.reason.SetPlaceHolder(tr.T("settings.reason"))
	s.add.SetText(tr.T("settings.add"))
	s.list.Refresh()
	s.keys.relabel(tr)
	s.gateway.relabel(tr)
	s.checks.relabel(tr)
	s.team.relabel(tr)
}

// switchTo makes h the history the window uses, has every screen read
// it, and closes the one before in the background; what is still being
// read or written there is finished first.
func (s *Screen) switchTo(h env.History) {
	e := s.e
	old := e.History()
	e.SetHistory(h)
	// What the fields show of the history before goes: the clerk's name
	// and the providers' settings are the history's.
	s.clerk.SetText("")
	s.gateway.appID.SetText("")
	s.gateway.endpoint.SetText("")
	s.checks.provider.ClearSelected()
	s.checks.id.SetText("")
	s.checks.endpoint.SetText("")
	s.dataPath.SetText(h.St.LocalDir())
	s.loadClerk()
	s.reloadBlacklist()
	s.keys.reload()
	s.gateway.load()
	s.checks.load()
	s.Relabel()
	if s.OnHistory != nil {
		s.OnHistory(old)
		return
	}
	e.Bridge.Exec(context.Background(), func(context.Context) error { return old.Close() }, nil)
}

func (s *Screen) onLanguageChosen(name string) {
	for _, l := range env.Languages {
		if l.Name == name {
			s.onLanguage(l.Code)
		}
	}
}

// loadClerk shows the clerk's name as the history has it, unless the clerk
// has started typing one.
func (s *Screen) loadClerk() {
	st := s.e.Store()
	bridge.Run(s.e.Bridge, context.Background(), func(ctx context.Context) (string, error) {
		return st.Setting(ctx, store.SettingClerk)
	}, func(name string, err error) {
		if err == nil && s.clerk.Text == "" {
			s.clerk.SetText(name)
		}
	})
}

func (s *Screen) onSaveClerk() {
	e, name := s.e, strings.TrimSpace(s.clerk.Text)
	e.Bridge.Exec(context.Background(), func(ctx context.Context) error {
		return e.Store().SetSetting(ctx, store.SettingClerk, name, e.Clerk(ctx))
	}, func(err error) {
		if err != nil {
			s.show(env.ErrorText(e.Tr, err))
			return
		}
		s.show(e.Tr.F("settings.clerk_saved", name))
	})
}

func (s *Screen) onAdd() {
	e := s.e
	taxID, reason := store.NormalizeTaxID(env.NormalizeGun(s.taxID.Text)), strings.TrimSpace(s.reason.Text)
	if taxID == "" {
		return
	}
	typed := [2]string{s.taxID.Text, s.reason.Text}
	e.Bridge.Exec(context.Background(), func(ctx context.Context) error {
		return e.Store().AddBlacklist(ctx, taxID, reason, e.Clerk(ctx))
	}, func(err error) {
		if err != nil {
			s.show(env.ErrorText(e.Tr, err))
			return
		}
		// Emptied for the next one, unless the clerk has begun it.
		if [2]string{s.taxID.Text, s.reason.Text} == typed {
			s.taxID.SetText("")
			s.reason.SetText("")
		}
		s.reloadBlacklist()
	})
}

func (s *Screen) remove(taxID string) {
	e := s.e
	c := dialog.NewConfirm(e.Tr.T("confirm.title"), e.Tr.F("settings.remove_confirm", taxID), func(ok bool) {
		if !ok {
			return
		}
		e.Bridge.Exec(context.Background(), func(ctx context.Context) error {
			return e.Store().RemoveBlacklist(ctx, taxID, e.Clerk(ctx))
		}, func(err error) {
			if err != nil {
				s.show(env.ErrorText(e.Tr, err))
			}
			s.reloadBlacklist()
		})
	}, e.Win)
	s.confirm = c
	c.Show()
}

func (s *Screen) reloadBlacklist() {
	st := s.e.Store()
	s.blacklist.Run(func(ctx context.Context) ([]store.BlacklistEntry, error) { return st.Blacklist(ctx) },
		func(list []store.BlacklistEntry, err error) {
			if err == nil {
				s.entries = list
			}
			s.list.Refresh()
		})
}

func (s *Screen) createEntry() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon("", theme.DeleteIcon(), nil), l)
}

func (s *Screen) updateEntry(id widget.ListItemID, o fyne.CanvasObject) {
	en := s.entries[id]
	c := o.(*fyne.Container)
	l, b := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Button)
	l.SetText(en.TaxID + "  " + en.Reason + "  (" + en.AddedBy + ", " + env.FormatTime(s.e.Tr, en.AddedAt) + ")")
	b.SetText(s.e.Tr.T("settings.remove"))
	b.OnTapped = func() { s.remove(en.TaxID) }
}

func (s *Screen) show(text string) {
	s.message = dialog.NewInformation(s.e.Tr.T("nav.settings"), text, s.e.Win)
	s.message.Show()
}
