package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Title is the main window's title, in both languages whatever is chosen.
const Title = "发票扫描 Fapiao Scanner"

// DefaultSize is the main window's size when it opens.
var DefaultSize = fyne.NewSize(1280, 800)

// MainWindow is the application's window: a small toolbar with the language
// selector above the scan screen.
type MainWindow struct {
	app    fyne.App
	window fyne.Window
	tr     *Translator

	scan *scanScreen

	languageLabel *widget.Label
	language      *widget.Select
}

// NewMainWindow builds the main window of a, in the language stored in a's
// preferences.
func NewMainWindow(a fyne.App) *MainWindow {
	m := &MainWindow{
		app: a,
		tr:  NewTranslator(a.Preferences().StringWithFallback(PrefLanguage, DefaultLanguage)),
	}
	m.scan = newScanScreen(m.tr, time.Now)

	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	m.languageLabel = widget.NewLabel("")
	m.language = widget.NewSelect(names, nil)
	m.language.SetSelected(languageName(m.tr.Lang()))
	m.language.OnChanged = m.onLanguage

	toolbar := container.NewHBox(layout.NewSpacer(), m.languageLabel, m.language)

	m.window = a.NewWindow(Title)
	m.window.SetContent(container.NewBorder(toolbar, nil, nil, nil, m.scan.content()))
	m.window.Resize(DefaultSize)
	m.relabel()
	// A scanner gun types into whatever has focus: make that the entry.
	m.window.Canvas().Focus(m.scan.input)
	return m
}

// Window is the underlying Fyne window.
func (m *MainWindow) Window() fyne.Window { return m.window }

// ShowAndRun shows the window and runs the application until it closes.
func (m *MainWindow) ShowAndRun() { m.window.ShowAndRun() }

func (m *MainWindow) onLanguage(name string) {
	code := DefaultLanguage
	for _, l := range Languages {
		if l.Name == name {
			code = l.Code
		}
	}
	if code == m.tr.Lang() {
		return
	}
	m.app.Preferences().SetString(PrefLanguage, code)
	m.tr = NewTranslator(code)
	m.relabel()
}

func (m *MainWindow) relabel() {
	m.languageLabel.SetText(m.tr.T("toolbar.language"))
	m.scan.relabel(m.tr)
}

func languageName(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return ""
}
