package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/capture"
	"github.com/fapiaoscanner/fapiao/ui/history"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
	"github.com/fapiaoscanner/fapiao/ui/orders"
	"github.com/fapiaoscanner/fapiao/ui/scanq"
	"github.com/fapiaoscanner/fapiao/ui/settings"
)

// Title is the main window's title, in both languages whatever is chosen.
const Title = "发票扫描 Fapiao Scanner"

// DefaultSize is the main window's size when it first opens on a screen
// with room for it (FitScreen).
var DefaultSize = fyne.NewSize(1280, 800)

// Screen names, for ShowScreen (and $FAPIAO_SCREEN).
const (
	ScreenScan     = "scan"
	ScreenCamera   = "camera"
	ScreenHistory  = "history"
	ScreenOrders   = "orders"
	ScreenSettings = "settings"
)

// defaultCloseWait bounds how long closing the window waits for what the
// clerk typed to be saved: a team's server that is away must not hold the
// window open.
const defaultCloseWait = 5 * time.Second

// Beeper sounds when the camera takes in an invoice. It must not block.
type Beeper = capture.Beeper

// MainWindow is the application's window: a navigation bar on the left with
// the scan, camera, history, re-billing and settings screens.
type MainWindow struct {
	app    fyne.App
	window fyne.Window
	e      *env.Env

	tabs                                                  *container.AppTabs
	scanItem, cameraItem, historyItem, ordersItem, setItm *container.TabItem

	scan     *scanq.Screen
	capture  *capture.Screen
	history  *history.Screen
	orders   *orders.Screen
	settings *settings.Screen

	// The team's server, when the history is one (team.go).
	teamLine   *widget.Label
	teamStatus outbox.Status
	sentDialog dialog.Dialog
	runTeam    func(*outbox.Team) (stop func())
	stopTeam   func() // stops the sender of the team in use

	// closing: what the clerk typed is being saved as the window closes,
	// or the clerk is asked about what could not be (closeDialog).
	closing     bool
	ended       bool // the window closed, or the app quit, through keepTypedThen
	closeDialog dialog.Dialog
	closeWait   time.Duration // defaultCloseWait, shorter in tests
}

// NewMainWindow builds the main window of a over the history st, in the
// language stored in a's preferences.
func NewMainWindow(a fyne.App, st *store.Store) *MainWindow {
	m := &MainWindow{app: a, closeWait: defaultCloseWait}
	m.window = a.NewWindow(Title)
	// Closing the main window quits the app, page picture windows open
	// or not.
	m.window.SetMaster()
	m.e = &env.Env{
		App: a, Win: m.window, Now: time.Now, Scanner: &scan.Scanner{},
		Tr:     env.NewTranslator(a.Preferences().StringWithFallback(env.PrefLanguage, env.DefaultLanguage)),
		Sec:    secrets.Open(st.LocalDir()),
		Bridge: bridge.New(),
	}
	m.e.SetStore(st)
	useFyneLanguage(m.e.Tr.Lang())
	// The sealed QR keys are in the history and the keyring.
	m.e.Bridge.Exec(context.Background(), func(ctx context.Context) error { m.e.LoadKeys(ctx); return nil }, nil)
	m.scan = scanq.New(m.e)
	m.capture = capture.New(m.e, m.scan.Take)
	m.history = history.New(m.e)
	m.orders = orders.New(m.e)
	m.settings = settings.New(m.e, m.onLanguage)
	m.scan.Detail().OnChange = m.history.Reload
	m.scan.Detail().OnOpenFirst = m.openRecord
	m.orders.OnChange = m.history.Reload
	m.orders.OnOpenInvoice = m.openRecord
	m.orders.OnSettings = func() { m.ShowScreen(ScreenSettings) }
	m.settings.OnHistory = m.onHistory

	m.scanItem = container.NewTabItemWithIcon("", theme.SearchIcon(), m.scan.Content())
	m.cameraItem = container.NewTabItemWithIcon("", theme.MediaVideoIcon(), m.capture.Content())
	m.historyItem = container.NewTabItemWithIcon("", theme.HistoryIcon(), m.history.Content())
	m.ordersItem = container.NewTabItemWithIcon("", theme.MediaReplayIcon(), m.orders.Content())
	m.setItm = container.NewTabItemWithIcon("", theme.SettingsIcon(), m.settings.Content())
	m.tabs = container.NewAppTabs(m.scanItem, m.cameraItem, m.historyItem, m.ordersItem, m.setItm)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.tabs.OnSelected = m.onTab
	// The camera runs only while its screen is shown, and never after the
	// window closed.
	m.tabs.OnUnselected = func(t *container.TabItem) {
		if t == m.cameraItem {
			m.capture.Stop()
		}
	}
	m.window.SetOnClosed(func() {
		m.saveSize()
		m.capture.Shutdown()
	})
	m.window.SetCloseIntercept(m.onCloseButton)

	m.window.SetContent(m.tabs)
	m.FitScreen(fyne.Size{})
	// Registered once: a drop anywhere on the window goes to the scan queue.
	m.window.SetOnDropped(m.onDropped)
	m.addShortcuts()
	m.relabel()
	// A scanner gun types into whatever has focus: make that its entry.
	m.window.Canvas().Focus(m.scan.Gun())
	return m
}

// onHistory has every screen start again from the history the window now
// uses (the settings switched to it): the scan queue empties, the history
// and the orders are read again, the scanner takes that history's sealed
// QR keys, and a team's server gets its sender and its line. The history
// before, old, is closed in the background: its sender stopped first.
func (m *MainWindow) onHistory(old env.History) {
	m.e.Bridge.Exec(context.Background(), func(ctx context.Context) error { m.e.LoadKeys(ctx); return nil }, nil)
	stop := m.stopTeam
	m.stopTeam = nil
	m.showTeamOf(m.e.Team())
	// What the clerk typed into the invoices shown and did not save is
	// saved into the history they are in, the one left, before it is
	// closed (the views forget them next); what could not be is said.
	m.saveTyped(func(notKept string) {
		if notKept != "" {
			dialog.ShowInformation(m.e.Tr.T("error.title"), notKept, m.window)
		}
		m.e.Bridge.Exec(context.Background(), func(context.Context) error {
			if stop != nil {
				stop()
			}
			return old.Close()
		}, nil)
	})
	m.scan.Reset()
	m.history.Reset()
	m.orders.Reset()
}

// History is the history the window uses now, with its team.
func (m *MainWindow) History() env.History { return m.e.History() }

// Store is the history the window uses now.
func (m *MainWindow) Store() *store.Store { return m.e.Store() }

// Window is the underlying Fyne window.
func (m *MainWindow) Window() fyne.Window { return m.window }

// ShowAndRun shows the window and runs the application until it closes.
func (m *MainWindow) ShowAndRun() { m.window.ShowAndRun() }

// SetBeeper sets what sounds when the camera takes in an invoice; without
// one, captures are silent.
func (m *MainWindow) SetBeeper(b Beeper) { m.capture.SetBeeper(b) }

// PlayCamera opens the camera screen playing the video file or folder of
// frames at path as if it were a camera ($FAPIAO_CAMERA), to show or try
// the capture where there is no camera.
func (m *MainWindow) PlayCamera(path string) error {
	m.ShowScreen(ScreenCamera)
	return m.capture.Play(path)
}

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

// onCloseButton closes the window once what the clerk typed is saved.
func (m *MainWindow) onCloseButton() { m.keepTypedThen(m.window.Close) }

// quit ends the app (the menu's 退出, and Cmd+Q on macOS) once what the
// clerk typed is saved.
func (m *MainWindow) quit() { m.keepTypedThen(m.app.Quit) }

// keepTypedThen saves what the clerk typed and did not save yet (see
// saveTyped), then runs end, which closes the window or quits. The window
// closes, and app/ closes the history after it, only once the save has
// ended, so the two never meet. What the save could not keep is named, and
// the clerk chooses to close anyway or to go back to it. With nothing typed
// the window closes at once, as without the save.
func (m *MainWindow) keepTypedThen(end func()) {
	if m.closing {
		return
	}
	done := func() { m.ended = true; end() }
	m.closing = m.saveTyped(func(notKept string) {
		if notKept == "" {
			done()
			return
		}
		m.askClose(notKept, done)
	})
}

// Finish ends the window's work once its event loop has ended, before the
// history is closed: it waits, at most as long as a close waits for its
// save, for work still running (a save the clerk started by moving on just
// before closing); then, when the app stopped without the window's close
// (Ctrl+C, SIGTERM: Fyne quits at once), it saves what the clerk typed and
// did not save, on the caller's goroutine, as no UI goroutine runs any
// more. It returns what could not be kept ("" when everything was).
func (m *MainWindow) Finish() string {
	m.capture.Shutdown() // its frames' work, should the window not have closed
	if !m.e.Bridge.WaitAtMost(m.closeWait) {
		return m.e.Tr.T("close.work_running")
	}
	if m.ended {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.closeWait)
	defer cancel()
	return invoice.KeepTypedAfterLoop(ctx, []*invoice.View{m.scan.Detail(), m.history.Shown()})
}

// saveTyped saves what the clerk typed into the detail views and did not
// save yet (the scan screen's, and the history's while its dialog is open)
// in the background, bounded by closeWait, then calls then on the UI
// goroutine with what was not kept ("" when everything was): at once, with
// "", when nothing was typed. It reports whether a save was started.
func (m *MainWindow) saveTyped(then func(notKept string)) bool {
	ctx, cancel := context.WithTimeout(context.Background(), m.closeWait)
	views := []*invoice.View{m.scan.Detail(), m.history.Shown()}
	if invoice.KeepTyped(ctx, views, func(notKept string) { cancel(); then(notKept) }) {
		return true
	}
	cancel()
	then("")
	return false
}

// askClose tells the clerk which typed values could not be saved as the
// window closes, and closes only if they choose to; going back, they find
// the values still typed, and what was saved is shown in the history.
func (m *MainWindow) askClose(notKept string, end func()) {
	tr := m.e.Tr
	d := dialog.NewConfirm(tr.T("close.title"), tr.T("close.typed_not_kept")+"\n\n"+notKept, func(anyway bool) {
		m.closeDialog = nil
		if anyway {
			end()
			return
		}
		m.closing = false
		m.history.Reload()
	}, m.window)
	d.SetConfirmText(tr.T("close.anyway"))
	d.SetDismissText(tr.T("close.back"))
	m.closeDialog = d
	d.Show()
}

// openRecord shows the history with invoice invoiceID's record open over it:
// where a duplicate leads the clerk, to the invoice as first recorded.
func (m *MainWindow) openRecord(invoiceID int64) {
	m.tabs.Select(m.historyItem)
	m.history.Open(invoiceID)
}

func (m *MainWindow) onDropped(_ fyne.Position, uris []fyne.URI) {
	m.tabs.Select(m.scanItem)
	m.scan.Drop(uris)
}

// Open scans files and folders as if they were dropped on the window
// ($FAPIAO_OPEN).
func (m *MainWindow) Open(paths []string) {
	uris := make([]fyne.URI, len(paths))
	for i, p := range paths {
		uris[i] = storage.NewFileURI(p)
	}
	m.onDropped(fyne.Position{}, uris)
}

func (m *MainWindow) onTab(t *container.TabItem) {
	switch t {
	case m.historyItem:
		m.history.Reload()
	case m.ordersItem:
		m.orders.ShowCredentials()
		m.orders.Reload()
	case m.cameraItem:
		m.capture.OnShow()
	case m.scanItem:
		m.window.Canvas().Focus(m.scan.Gun())
	}
}

func (m *MainWindow) addShortcuts() {
	c := m.window.Canvas()
	ctrl := func(k fyne.KeyName, fn func()) {
		s := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
		c.AddShortcut(s, func(fyne.Shortcut) { fn() })
		m.scan.AddShortcut(s.ShortcutName(), fn)
	}
	ctrl(fyne.KeyO, func() { m.tabs.Select(m.scanItem); m.scan.Open() })
	ctrl(fyne.KeyReturn, m.scan.Detail().Verify)
	ctrl(fyne.KeyEnter, m.scan.Detail().Verify)
	ctrl(fyne.KeyF, func() { m.tabs.Select(m.historyItem); c.Focus(m.history.Search()) })
	ctrl(fyne.KeyT, m.typeIn)
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter} {
		s := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
		c.AddShortcut(s, func(fyne.Shortcut) { m.checkAll() })
		m.scan.AddShortcut(s.ShortcutName(), m.checkAll)
	}
	// Ctrl+1 to Ctrl+5: the screens in the order of the navigation bar.
	for i, name := range []string{ScreenScan, ScreenCamera, ScreenHistory, ScreenOrders, ScreenSettings} {
		ctrl(fyne.KeyName(rune('1'+i)), func() { m.ShowScreen(name) })
	}
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { m.tabs.Select(m.scanItem); m.scan.Paste() })
}

// typeIn opens the Scan screen's form to type in an invoice whose QR code
// cannot be read, or that has no file.
func (m *MainWindow) typeIn() {
	m.tabs.Select(m.scanItem)
	m.scan.TypeIn()
}

// checkAll asks the tax authority about the invoices of the screen shown:
// those History lists, else the scan queue's.
func (m *MainWindow) checkAll() {
	if m.tabs.Selected() == m.historyItem {
		m.history.CheckListed()
		return
	}
	m.tabs.Select(m.scanItem)
	m.scan.CheckAll()
}

// ctrlKey is Ctrl+k (Cmd+k on macOS).
func ctrlKey(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// menu is the window's menu, in the language chosen. The desktop driver
// gives the menu's shortcuts precedence over the widget with the focus, so
// they work from every entry of every screen (an entry takes the shortcuts
// sent to it, and the window's own never hear of them).
func (m *MainWindow) menu() *fyne.MainMenu {
	tr := m.e.Tr
	item := func(key string, k fyne.KeyName, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(tr.T(key), fn)
		it.Shortcut = ctrlKey(k)
		return it
	}
	c := m.window.Canvas()
	quit := fyne.NewMenuItem(tr.T("menu.quit"), m.quit)
	quit.IsQuit = true
	file := fyne.NewMenu(tr.T("menu.file"),
		item("menu.open", fyne.KeyO, func() { m.tabs.Select(m.scanItem); m.scan.Open() }),
		fyne.NewMenuItemSeparator(), quit)
	checkAll := fyne.NewMenuItem(tr.T("menu.check_all"), m.checkAll)
	checkAll.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	inv := fyne.NewMenu(tr.T("menu.invoice"),
		item("menu.verify", fyne.KeyReturn, m.scan.Detail().Verify),
		checkAll,
		item("menu.type_in", fyne.KeyT, m.typeIn),
		item("menu.search", fyne.KeyF, func() { m.tabs.Select(m.historyItem); c.Focus(m.history.Search()) }))
	view := fyne.NewMenu(tr.T("menu.view"))
	for i, name := range []string{ScreenScan, ScreenCamera, ScreenHistory, ScreenOrders, ScreenSettings} {
		view.Items = append(view.Items, item("nav."+name, fyne.KeyName(rune('1'+i)), func() { m.ShowScreen(name) }))
	}
	return fyne.NewMainMenu(file, inv, view)
}

func (m *MainWindow) onLanguage(code string) {
	if code == m.e.Tr.Lang() {
		return
	}
	m.app.Preferences().SetString(env.PrefLanguage, code)
	m.e.Tr = env.NewTranslator(code)
	useFyneLanguage(code)
	m.relabel()
}

// useFyneLanguage puts Fyne's dialogs and buttons in the language chosen;
// if its strings cannot be loaded they stay in the system's language.
func useFyneLanguage(code string) {
	if err := env.UseFyneLanguage(code); err != nil {
		fyne.LogError("interface language", err)
	}
}

func (m *MainWindow) relabel() {
	tr := m.e.Tr
	m.scanItem.Text = tr.T("nav.scan")
	m.cameraItem.Text = tr.T("nav.camera")
	m.historyItem.Text = tr.T("nav.history")
	m.ordersItem.Text = tr.T("nav.orders")
	m.setItm.Text = tr.T("nav.settings")
	m.tabs.Refresh()
	m.window.SetMainMenu(m.menu())
	m.scan.Relabel()
	m.capture.Relabel()
	m.history.Relabel()
	m.orders.Relabel()
	m.settings.Relabel()
	m.relabelTeam()
}
