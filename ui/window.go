package ui

import (
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Title is the main window's title, in both languages whatever is chosen.
const Title = "发票扫描 Fapiao Scanner"

// DefaultSize is the main window's size when it opens.
var DefaultSize = fyne.NewSize(1280, 800)

// Screen names, for ShowScreen (and $FAPIAO_SCREEN).
const (
	ScreenScan     = "scan"
	ScreenCamera   = "camera"
	ScreenHistory  = "history"
	ScreenOrders   = "orders"
	ScreenSettings = "settings"
)

// MainWindow is the application's window: a navigation bar on the left with
// the scan, camera, history, re-billing and settings screens.
type MainWindow struct {
	app    fyne.App
	window fyne.Window
	e      *env

	tabs                                                  *container.AppTabs
	scanItem, cameraItem, historyItem, ordersItem, setItm *container.TabItem

	scan     *scanTab
	capture  *captureScreen
	history  *historyScreen
	orders   *ordersScreen
	settings *settingsScreen
}

// NewMainWindow builds the main window of a over the history st, in the
// language stored in a's preferences.
func NewMainWindow(a fyne.App, st *store.Store) *MainWindow {
	m := &MainWindow{app: a}
	m.window = a.NewWindow(Title)
	m.e = &env{
		app: a, win: m.window, st: st, now: time.Now, scanner: &scan.Scanner{},
		tr:  NewTranslator(a.Preferences().StringWithFallback(PrefLanguage, DefaultLanguage)),
		sec: secrets.Open(filepath.Dir(st.Path())),
	}
	m.e.loadKeys()
	m.scan = newScanTab(m.e)
	m.capture = newCaptureScreen(m.e, m.scan)
	m.history = newHistoryScreen(m.e)
	m.orders = newOrdersScreen(m.e)
	m.settings = newSettingsScreen(m.e, m.onLanguage)
	m.scan.detail.onChange = m.history.reload
	m.scan.detail.onOpenFirst = m.openRecord
	m.orders.onChange = m.history.reload
	m.orders.onOpenInvoice = m.openRecord
	m.orders.onSettings = func() { m.ShowScreen(ScreenSettings) }

	m.scanItem = container.NewTabItemWithIcon("", theme.SearchIcon(), m.scan.content())
	m.cameraItem = container.NewTabItemWithIcon("", theme.MediaVideoIcon(), m.capture.content())
	m.historyItem = container.NewTabItemWithIcon("", theme.HistoryIcon(), m.history.content())
	m.ordersItem = container.NewTabItemWithIcon("", theme.MediaReplayIcon(), m.orders.content())
	m.setItm = container.NewTabItemWithIcon("", theme.SettingsIcon(), m.settings.content())
	m.tabs = container.NewAppTabs(m.scanItem, m.cameraItem, m.historyItem, m.ordersItem, m.setItm)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.tabs.OnSelected = m.onTab
	// The camera runs only while its screen is shown, and never after the
	// window closed.
	m.tabs.OnUnselected = func(t *container.TabItem) {
		if t == m.cameraItem {
			m.capture.stop()
		}
	}
	m.window.SetOnClosed(m.capture.shutdown)

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

// ShowScreen switches to the screen named ScreenScan, ScreenCamera,
// ScreenHistory, ScreenOrders or ScreenSettings; other names are ignored.
func (m *MainWindow) ShowScreen(name string) {
	switch name {
	case ScreenScan:
		m.tabs.Select(m.scanItem)
	case ScreenCamera:
		m.tabs.Select(m.cameraItem)
	case ScreenHistory:
		m.tabs.Select(m.historyItem)
	case ScreenOrders:
		m.tabs.Select(m.ordersItem)
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
	case m.ordersItem:
		m.orders.showCredentials()
		m.orders.reload()
	case m.cameraItem:
		m.capture.onShow()
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
	// Ctrl+1 to Ctrl+5: the screens in the order of the navigation bar.
	for i, name := range []string{ScreenScan, ScreenCamera, ScreenHistory, ScreenOrders, ScreenSettings} {
		ctrl(fyne.KeyName(rune('1'+i)), func() { m.ShowScreen(name) })
	}
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
	m.cameraItem.Text = tr.T("nav.camera")
	m.historyItem.Text = tr.T("nav.history")
	m.ordersItem.Text = tr.T("nav.orders")
	m.setItm.Text = tr.T("nav.settings")
	m.tabs.Refresh()
	m.scan.relabel()
	m.capture.relabel()
	m.history.relabel()
	m.orders.relabel()
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
