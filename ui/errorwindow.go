package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// NewErrorWindow is the window shown instead of the main one when the
// history at path cannot be opened (a server's address shown without its
// password): it says why, in the clerk's language,
// and closes the app.
func NewErrorWindow(a fyne.App, path string, err error) fyne.Window {
	tr := env.NewTranslator(a.Preferences().StringWithFallback(env.PrefLanguage, env.DefaultLanguage))
	w := a.NewWindow(Title)
	msg := widget.NewLabel(tr.F("error.open_history", store.Redact(path), env.ErrorText(tr, err)))
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton(tr.T("dialog.close"), a.Quit)
	w.SetContent(container.NewPadded(container.NewBorder(nil, container.NewHBox(quit), nil, nil, msg)))
	w.Resize(fyne.NewSize(640, 240))
	return w
}
