package ui

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/store"
)

// settingsScreen holds the clerk's choices: the language, their name (kept
// in the history, so the command line records the same name), the
// blacklist, where the data lives, the keys of sealed QR codes and the
// gateway's credentials.
type settingsScreen struct {
	e          *env
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

	entries []store.BlacklistEntry
	message dialog.Dialog
	confirm dialog.Dialog
}

func newSettingsScreen(e *env, onLanguage func(string)) *settingsScreen {
	s := &settingsScreen{e: e, onLanguage: onLanguage}
	s.languageLabel, s.clerkLabel = widget.NewLabel(""), widget.NewLabel("")
	s.blacklistLabel, s.dataLabel = widget.NewLabel(""), widget.NewLabel("")
	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	s.language = widget.NewSelect(names, nil)
	s.language.SetSelected(languageName(e.tr.Lang()))
	s.language.OnChanged = s.onLanguageChosen
	s.clerk = widget.NewEntry()
	if name, err := e.st.Setting(context.Background(), store.SettingClerk); err == nil {
		s.clerk.SetText(name)
	}
	s.clerk.OnSubmitted = func(string) { s.onSaveClerk() }
	s.saveClerk = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), s.onSaveClerk)
	s.taxID, s.reason = widget.NewEntry(), widget.NewEntry()
	s.add = widget.NewButtonWithIcon("", theme.ContentAddIcon(), s.onAdd)
	s.list = widget.NewList(func() int { return len(s.entries) }, s.createEntry, s.updateEntry)
	s.dataPath = widget.NewLabel(filepath.Dir(e.st.Path()))
	s.dataPath.Selectable = true
	s.reloadBlacklist()
	s.keys = newKeysSection(s)
	s.gateway = newGatewaySection(s)
	return s
}

func (s *settingsScreen) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		s.languageLabel, container.NewHBox(s.language),
		s.clerkLabel, container.NewBorder(nil, nil, nil, s.saveClerk, s.clerk),
		s.dataLabel, s.dataPath,
	)
	addRow := container.NewBorder(nil, nil, nil, s.add, container.NewGridWithColumns(2, s.taxID, s.reason))
	black := container.NewBorder(container.NewVBox(widget.NewSeparator(), s.blacklistLabel, addRow), nil, nil, nil, s.list)
	left := container.NewBorder(form, nil, nil, nil, black)
	// The key list grows with every issuer: the column scrolls.
	right := container.NewVScroll(container.NewVBox(s.keys.content(), widget.NewSeparator(), s.gateway.content()))
	return container.NewGridWithColumns(2, left, right)
}

func (s *settingsScreen) relabel() {
	tr := s.e.tr
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
}

func (s *settingsScreen) onLanguageChosen(name string) {
	for _, l := range Languages {
		if l.Name == name {
			s.onLanguage(l.Code)
		}
	}
}

func (s *settingsScreen) onSaveClerk() {
	ctx := context.Background()
	name := strings.TrimSpace(s.clerk.Text)
	if err := s.e.st.SetSetting(ctx, store.SettingClerk, name, s.e.clerk(ctx)); err != nil {
		s.show(errorText(s.e.tr, err))
		return
	}
	s.show(s.e.tr.F("settings.clerk_saved", name))
}

func (s *settingsScreen) onAdd() {
	ctx := context.Background()
	id := store.NormalizeTaxID(normalizeGun(s.taxID.Text))
	if id == "" {
		return
	}
	if err := s.e.st.AddBlacklist(ctx, id, strings.TrimSpace(s.reason.Text), s.e.clerk(ctx)); err != nil {
		s.show(errorText(s.e.tr, err))
		return
	}
	s.taxID.SetText("")
	s.reason.SetText("")
	s.reloadBlacklist()
}

func (s *settingsScreen) remove(taxID string) {
	tr := s.e.tr
	c := dialog.NewConfirm(tr.T("confirm.title"), tr.F("settings.remove_confirm", taxID), func(ok bool) {
		if !ok {
			return
		}
		ctx := context.Background()
		if err := s.e.st.RemoveBlacklist(ctx, taxID, s.e.clerk(ctx)); err != nil {
			s.show(errorText(tr, err))
		}
		s.reloadBlacklist()
	}, s.e.win)
	s.confirm = c
	c.Show()
}

func (s *settingsScreen) reloadBlacklist() {
	list, err := s.e.st.Blacklist(context.Background())
	if err == nil {
		s.entries = list
	}
	s.list.Refresh()
}

func (s *settingsScreen) createEntry() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon("", theme.DeleteIcon(), nil), l)
}

func (s *settingsScreen) updateEntry(id widget.ListItemID, o fyne.CanvasObject) {
	en := s.entries[id]
	c := o.(*fyne.Container)
	l, b := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Button)
	l.SetText(en.TaxID + "  " + en.Reason + "  (" + en.AddedBy + ", " + formatTime(s.e.tr, en.AddedAt) + ")")
	b.SetText(s.e.tr.T("settings.remove"))
	b.OnTapped = func() { s.remove(en.TaxID) }
}

func (s *settingsScreen) show(text string) {
	s.message = dialog.NewInformation(s.e.tr.T("nav.settings"), text, s.e.win)
	s.message.Show()
}
