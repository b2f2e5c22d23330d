package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Title is the main window's title, in both languages whatever is chosen.
const Title = "发票扫描 Fapiao Scanner"

// DefaultSize is the main window's size when it opens.
var DefaultSize = fyne.NewSize(1280, 800)

// Screen names, for ShowScreen (and $FAPIAO_SCREEN).
const (
	ScreenScan     = "scan"
	ScreenHistory  = "history"
	ScreenSettings = "settings"
)

// MainWindow is the application's window: a navigation bar on the left with
// the scan, history and settings screens.
type MainWindow struct {
	app    fyne.App
	window fyne.Window
	e      *env

	tabs                          *container.AppTabs
	scanItem, historyItem, setItm *container.TabItem

	scan     *scanTab
	history  *historyScreen
	settings *settingsScreen
}

// NewMainWindow builds the main window of a over the history st, in the
// language stored in a's preferences.
func NewMainWindow(a fyne.App, st *store.Store) *MainWindow {
	m := &MainWindow{app: a}
	m.window = a.NewWindow(Title)
	m.e = &env{
		app: a, win: m.window, st: st, now: time.Now, scanner: &scan.Scanner{},
		tr: NewTranslator(a.Preferences().StringWithFallback(PrefLanguage, DefaultLanguage)),
	}
	m.scan = newScanTab(m.e)
	m.history = newHistoryScreen(m.e)
	m.settings = newSettingsScreen(m.e, m.onLanguage)
	m.scan.detail.onChange = m.history.reload

	m.scanItem = container.NewTabItemWithIcon("", theme.SearchIcon(), m.scan.content())
	m.historyItem = container.NewTabItemWithIcon("", theme.HistoryIcon(), m.history.content())
	m.setItm = container.NewTabItemWithIcon("", theme.SettingsIcon(), m.settings.content())
	m.tabs = container.NewAppTabs(m.scanItem, m.historyItem, m.setItm)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.tabs.OnSelected = m.onTab

	m.window.SetContent(m.tabs)
	m.window.Resize(DefaultSize)
	// Registered once: a drop anywhere on the window goes to the scan queue.
	m.window.SetOnDropped(m.onDropped)
	m.addShortcuts()
	m.relabel()
	// A scanner gun types into whatever has focus: make that its entry.
	m.window.Canvas().Focus(m.scan.gun)
	return m
}

// Window is the underlying Fyne window.
func (m *MainWindow) Window() fyne.Window { return m.window }

// ShowAndRun shows the window and runs the application until it closes.
func (m *MainWindow) ShowAndRun() { m.window.ShowAndRun() }

// ShowScreen switches to the screen named ScreenScan, ScreenHistory or
// ScreenSettings; other names are ignored.
func (m *MainWindow) ShowScreen(name string) {
	switch name {
	case ScreenScan:
		m.tabs.Select(m.scanItem)
	case ScreenHistory:
		m.tabs.Select(m.historyItem)
	case ScreenSettings:
		m.tabs.Select(m.setItm)
	}
}

func (m *MainWindow) onDropped(pos fyne.Position, uris []fyne.URI) {
	m.tabs.Select(m.scanItem)
	m.scan.onDropped(pos, uris)
}

func (m *MainWindow) onTab(t *container.TabItem) {
	switch t {
	case m.historyItem:
		m.history.reload()
	case m.scanItem:
		m.window.Canvas().Focus(m.scan.gun)
	}
}

func (m *MainWindow) addShortcuts() {
	c := m.window.Canvas()
	ctrl := func(k fyne.KeyName, fn func()) {
		s := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
		c.AddShortcut(s, func(fyne.Shortcut) { fn() })
		m.scan.gun.shortcuts[s.ShortcutName()] = fn
	}
	ctrl(fyne.KeyO, func() { m.tabs.Select(m.scanItem); m.scan.onOpen() })
	ctrl(fyne.KeyReturn, m.scan.detail.onVerify)
	ctrl(fyne.KeyEnter, m.scan.detail.onVerify)
	ctrl(fyne.KeyF, func() { m.tabs.Select(m.historyItem); c.Focus(m.history.search) })
	ctrl(fyne.Key1, func() { m.ShowScreen(ScreenScan) })
	ctrl(fyne.Key2, func() { m.ShowScreen(ScreenHistory) })
	ctrl(fyne.Key3, func() { m.ShowScreen(ScreenSettings) })
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { m.tabs.Select(m.scanItem); m.scan.onPaste() })
}

func (m *MainWindow) onLanguage(code string) {
	if code == m.e.tr.Lang() {
		return
	}
	m.app.Preferences().SetString(PrefLanguage, code)
	m.e.tr = NewTranslator(code)
	m.relabel()
}

func (m *MainWindow) relabel() {
	tr := m.e.tr
	m.scanItem.Text = tr.T("nav.scan")
	m.historyItem.Text = tr.T("nav.history")
	m.setItm.Text = tr.T("nav.settings")
	m.tabs.Refresh()
	m.scan.relabel()
	m.history.relabel()
	m.settings.relabel()
}

func languageName(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return ""
}
