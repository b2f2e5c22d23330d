package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/tjfoc/gmsm/x509"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// testWindow is the main window in a test app, with the loop that runs
// what the background hands to it.
type testWindow struct {
	*MainWindow
	loop    *uitest.Loop
	desktop *uitest.Desktop // its windows' close buttons, its quits
	closed  bool
}

// newTestWindow opens the main window over a fresh history in a temporary
// folder, in lang ("" for the default).
func newTestWindow(t testing.TB, lang string) *testWindow {
	t.Helper()
	a, loop := uitest.NewApp(t)
	if lang != "" {
		a.Preferences().SetString(env.PrefLanguage, lang)
	}
	desktop := uitest.NewDesktop(a)
	m := &testWindow{MainWindow: NewMainWindow(desktop, uitest.OpenStore(t)), loop: loop, desktop: desktop}
	m.e.Scanner.Now = uitest.FixedNow
	m.e.Scanner.NoOCR = true // as uitest.NewScanner
	t.Cleanup(m.settle)
	t.Cleanup(m.close)
	m.settle()
	return m
}

// close closes the window once, as the clerk does, unless the test closed
// it.
func (m *testWindow) close() {
	if !m.closed && !uitest.Closed(m.window) {
		m.closed = true
		m.window.Close()
	}
}

// scanEntries fires text from the scanner gun and returns the entries of
// the printed values of the invoice the scan screen then shows.
func (m *testWindow) scanEntries(t *testing.T, text string) []*widget.Entry {
	t.Helper()
	m.gun(text)
	m.settle()
	entries := uitest.Entries(m.window.Canvas().Content(), "照票面录入")
	if len(entries) < 5 {
		t.Fatalf("%d printed-value entries", len(entries))
	}
	return entries
}

// scanEntry fires text from the scanner gun and returns the entry of the
// printed value whose row label names, on the scan screen then shown.
func (m *testWindow) scanEntry(t *testing.T, text, label string) *widget.Entry {
	t.Helper()
	m.scanEntries(t, text)
	e := uitest.EntryBeside(m.window.Canvas().Content(), label)
	if e == nil {
		t.Fatalf("no entry beside %q", label)
	}
	return e
}

// settle waits for everything the window runs in the background (scans,
// pictures, history changes, searches) and shows what it hands over.
func (m *testWindow) settle() { m.loop.Settle(m.e.Bridge) }

// ctrl presses Ctrl+key in the scanner gun's entry, which has the focus.
func (m *testWindow) ctrl(key fyne.KeyName) {
	m.window.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(
		&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

// press presses Ctrl+key as the desktop driver hands it over: to the item
// of the window's menu with that shortcut, else to the widget with the
// focus (an entry keeps what it does not know to itself).
func (m *testWindow) press(key fyne.KeyName) { m.pressShortcut(ctrlKey(key)) }

// pressShortcut presses s as the desktop driver hands it over (see press).
func (m *testWindow) pressShortcut(s fyne.Shortcut) {
	for _, menu := range m.window.MainMenu().Items {
		for _, it := range menu.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() {
				it.Action()
				return
			}
		}
	}
	m.window.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(s)
}

// gun types text into the focused entry as a scanner gun does, Enter last.
func (m *testWindow) gun(text string) {
	f := m.window.Canvas().Focused()
	test.Type(f, text)
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// drop drops paths on the window as the desktop does.
func (m *testWindow) drop(paths ...string) {
	uris := make([]fyne.URI, len(paths))
	for i, p := range paths {
		uris[i] = storage.NewFileURI(p)
	}
	m.onDropped(fyne.NewPos(10, 10), uris)
}

func TestMainWindowOpensInChinese(t *testing.T) {
	m := newTestWindow(t, "")

	if got := m.window.Title(); got != Title {
		t.Errorf("title = %q, want %q", got, Title)
	}
	for item, want := range map[string]string{m.scanItem.Text: "扫描", m.historyItem.Text: "历史", m.setItm.Text: "设置"} {
		if item != want {
			t.Errorf("navigation shows %q, want %q", item, want)
		}
	}
	if m.window.Canvas().Focused() != m.scan.Gun() {
		t.Error("the scanner-gun entry does not have the focus")
	}

	m.onLanguage("en") // picked in the settings
	if m.scanItem.Text != "Scan" || m.cameraItem.Text != "Camera" || m.app.Preferences().String(env.PrefLanguage) != "en" {
		t.Errorf("after switching to English: %q, %q", m.scanItem.Text, m.cameraItem.Text)
	}
}

// Ctrl+1 to Ctrl+5 switch screens from the gun's entry, which keeps the
// focus, and Ctrl+F goes to the history's search.
func TestShortcuts(t *testing.T) {
	m := newTestWindow(t, "")
	items := []string{ScreenScan, ScreenCamera, ScreenHistory, ScreenOrders, ScreenSettings}
	for i, name := range items {
		m.ShowScreen(ScreenScan)
		m.ctrl(fyne.KeyName(rune('1' + i)))
		if got := m.tabs.SelectedIndex(); got != i {
			t.Errorf("Ctrl+%d shows screen %d, want %s", i+1, got, name)
		}
	}
	m.ShowScreen(ScreenScan)
	m.ctrl(fyne.KeyF)
	if m.tabs.Selected() != m.historyItem || m.window.Canvas().Focused() != m.history.Search() {
		t.Error("Ctrl+F does not go to the history's search")
	}
	m.settle()
}

// "Ctrl+Enter, then scan the next invoice": the verification is written
// while the gun's next code is read and selected, and must still go to the
// invoice shown when Ctrl+Enter was pressed.
func TestVerifyThenNextScan(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	m.gun(uitest.PaperPayload)
	m.settle()

	release := m.e.Bridge.HoldNext()
	m.ctrl(fyne.KeyReturn)
	m.gun(uitest.DigitalPayload)
	m.loop.RunUntil(t, time.Minute, "the next invoice to be shown", func() bool {
		return uitest.HasLabel(c.Content(), "24312000000136634917")
	})
	release()
	m.settle()

	ctx := context.Background()
	page, err := m.e.Store().Search(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	verified := map[string]bool{}
	for _, inv := range page.Invoices {
		full, err := m.e.Store().Get(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		verified[inv.Number] = full.Verified != nil
	}
	if want := map[string]bool{"02407312": true, "24312000000136634917": false}; fmt.Sprint(verified) != fmt.Sprint(want) {
		t.Errorf("verified %v, want %v", verified, want)
	}
}

// A duplicate leads to the history's record of the invoice as first seen.
func TestDuplicateOpensFirstRecord(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	first := uitest.WriteQR(t, t.TempDir(), "first.png", uitest.PaperPayload)
	m.drop(first)
	m.settle()
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	if uitest.Button(c.Content(), "打开首次记录").Visible() {
		t.Error("a first sighting offers to open its first record")
	}

	m.gun(uitest.PaperPayload) // selected at once
	m.settle()
	labels := strings.Join(uitest.Labels(c.Content()), "\n")
	for _, want := range []string{"first.png", "（文件）", "已不在原处"} {
		if !strings.Contains(labels, want) {
			t.Errorf("the duplicate does not say %q of its first sighting", want)
		}
	}
	open := uitest.Button(c.Content(), "打开首次记录")
	if open == nil || !open.Visible() {
		t.Fatal("the duplicate offers no way to its first record")
	}
	test.Tap(open)
	m.settle()
	if m.tabs.Selected() != m.historyItem {
		t.Error("the history is not shown")
	}
	dialog := c.Overlays().Top()
	if dialog == nil || !strings.Contains(uitest.OverlayText(c), "02407312") {
		t.Fatalf("the record is not open: %q", uitest.OverlayText(c))
	}
	if b := uitest.Button(dialog, "打开首次记录"); b != nil && b.Visible() {
		t.Error("the record offers to open itself")
	}
}

// Keys imported earlier are used by a window opened later.
func TestSealedKeysLoadedAtStart(t *testing.T) {
	m := newTestWindow(t, "")
	// The published sealed QR test vector's keys (docs/sealed-qr.md).
	priv, err := sealed.ParsePrivateKey("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8")
	if err != nil {
		t.Fatal(err)
	}
	pub := x509.WritePublicKeyToHex(&priv.PublicKey)
	if _, err := config.ImportSealedKey(context.Background(), m.e.Store(), m.e.Sec, "0123456789abcdeffedcba9876543210", pub, ""); err != nil {
		t.Fatal(err)
	}
	a, loop := uitest.NewApp(t)
	m2 := &testWindow{MainWindow: NewMainWindow(a, m.e.Store()), loop: loop}
	t.Cleanup(m2.window.Close)
	m2.settle()
	if m2.e.Scanner.Keyring().Len() != 1 {
		t.Errorf("a new window has %d keys", m2.e.Scanner.Keyring().Len())
	}
}

// The camera runs only while its screen is shown, and closing the window
// stops it and waits for it.
func TestCameraStopsWhenLeft(t *testing.T) {
	m := newTestWindow(t, "")
	dir := t.TempDir()
	// An empty desk.
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{R: 0x9c, G: 0x86, B: 0x6c, A: 0xff}), image.Point{}, draw.Src)
	var frame bytes.Buffer
	if err := jpeg.Encode(&frame, img, nil); err != nil {
		t.Fatal(err)
	}
	// A minute of frames: longer than the test.
	for i := range 900 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.jpg", i)), frame.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	m.ctrl(fyne.Key2)
	if m.tabs.Selected() != m.cameraItem {
		t.Fatal("Ctrl+2 did not open the camera screen")
	}
	if err := m.PlayCamera(dir); err != nil {
		t.Fatal(err)
	}
	if !m.capture.Running() {
		t.Fatal("the camera does not run")
	}
	m.ShowScreen(ScreenHistory)
	m.settle()
	if m.capture.Running() {
		t.Error("leaving the screen left the camera running")
	}

	if err := m.PlayCamera(dir); err != nil {
		t.Fatal(err)
	}
	m.close()
	m.settle()
	if m.capture.Running() {
		t.Error("closing the window left the camera running")
	}
}

// A scanner-gun invoice has no printed values: the clerk types them from
// the paper. Typed values that disagree with the QR code stay a mismatch
// through verification: the clerk must confirm it, and the queue, the
// history and its record still show it afterwards; the QR code's amount is
// never replaced by the one typed.
func TestTypedMismatchSurvivesVerification(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	m.scanEntries(t, uitest.PaperPayload)
	test.Type(uitest.EntryBeside(c.Content(), "金额"), "582.25") // the QR says 582.52
	test.Type(uitest.EntryBeside(c.Content(), "价税合计"), "681.50")
	if !uitest.HasLabel(c.Content(), "不符（录入）") {
		t.Fatalf("the typed amount is not marked different: %q", uitest.Labels(c.Content()))
	}

	m.ctrl(fyne.KeyReturn)
	m.settle()
	verify := uitest.Button(c.Overlays().Top(), "仍然核验")
	if verify == nil {
		t.Fatalf("verifying with a mismatch asks nothing: overlay %q", uitest.OverlayText(c))
	}
	if !strings.Contains(uitest.OverlayText(c), "582.25") {
		t.Errorf("the question does not name the mismatch: %q", uitest.OverlayText(c))
	}
	test.Tap(verify)
	m.settle()

	ctx := context.Background()
	inv, err := m.e.Store().GetByIdentity(ctx, "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Verified == nil || inv.Verified.Result != "error" || len(inv.Verifications[0].Confirmed) == 0 {
		t.Errorf("verification %+v / %+v: want it recorded with the mismatch confirmed", inv.Verified, inv.Verifications)
	}
	if inv.Amount == nil || inv.Amount.String() != "582.52" || inv.Typed[store.PrintedAmount] != "582.25" ||
		inv.Typed[store.PrintedTotal] != "681.50" || inv.Severity != "error" || !finding.Has(inv.Findings, "mismatch_amount") {
		t.Errorf("history record: amount %v typed %v severity %s findings %+v", inv.Amount, inv.Typed, inv.Severity, inv.Findings)
	}
	if !uitest.HasLabel(c.Content(), "不符") {
		t.Errorf("the queue does not show the mismatch: %q", uitest.Labels(c.Content()))
	}
	if uitest.HasLabel(c.Content(), "正常") {
		t.Errorf("the queue says 正常 after a mismatching verification")
	}
}

// The shortcuts work from every entry: a printed value being typed, the
// history's search.
func TestShortcutsFromEntries(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	m.gun(uitest.PaperPayload)
	m.settle()
	printed := uitest.Entries(c.Content(), m.e.Tr.T("detail.printed.placeholder"))
	if len(printed) == 0 {
		t.Fatal("no printed-value entry shown")
	}
	c.Focus(printed[0])
	m.press(fyne.KeyReturn)
	m.settle()
	if !m.verified(t) {
		t.Error("Ctrl+Enter in a printed-value entry does not verify the invoice")
	}

	m.press(fyne.KeyF)
	if c.Focused() != m.history.Search() {
		t.Fatal("Ctrl+F does not focus the history's search")
	}
	m.press(fyne.Key4)
	if m.tabs.Selected() != m.ordersItem {
		t.Error("Ctrl+4 in the history's search does not show re-billing")
	}
	m.ShowScreen(ScreenHistory)
	c.Focus(m.history.Search())
	m.press(fyne.Key1)
	if m.tabs.Selected() != m.scanItem {
		t.Error("Ctrl+1 in the history's search does not show the scan screen")
	}
	m.settle()
}

// verified says whether the history holds a verified invoice.
func (m *testWindow) verified(t *testing.T) bool {
	t.Helper()
	ctx := context.Background()
	page, err := m.e.Store().Search(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range page.Invoices {
		full, err := m.e.Store().Get(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Verified != nil {
			return true
		}
	}
	return false
}

// Ctrl+Shift+Enter asks the tax authority about the scan queue's invoices,
// from the gun's entry; in History, about those listed, once confirmed.
func TestCheckAllShortcut(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	tax := uitest.UseTencent(t, m.e, uitest.TaxInvoice("24312000000136634917", verifytest.Voided))
	m.gun(uitest.DigitalPayload)
	m.settle()
	checkAll := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

	m.pressShortcut(checkAll)
	m.settle()
	if text := uitest.OverlayText(c); !strings.Contains(text, "已作废 1") || tax.Requests() != 1 {
		t.Fatalf("after Ctrl+Shift+Enter on the scan screen (%d requests): %q", tax.Requests(), text)
	}
	test.Tap(uitest.Button(c.Overlays().Top(), "关闭"))

	m.press(fyne.KeyF)
	m.settle()
	m.pressShortcut(checkAll)
	if text := uitest.OverlayText(c); !strings.Contains(text, "向税务机关查验所列的 1 张发票") {
		t.Errorf("after Ctrl+Shift+Enter in History's search: %q", text)
	}
	m.settle()
}

// Ctrl+T (发票 → 照票面录入) opens the form to type an invoice in, from the
// gun's entry and from History's search: the Scan screen, where it goes.
func TestTypeInShortcut(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	m.press(fyne.KeyT)
	if !strings.Contains(uitest.OverlayText(c), "照票面录入发票") {
		t.Fatalf("Ctrl+T from the gun's entry shows:\n%s", uitest.OverlayText(c))
	}
	test.Tap(uitest.Button(c.Overlays().Top(), "取消"))
	if c.Overlays().Top() != nil {
		t.Fatal("取消 leaves the form open")
	}
	m.press(fyne.KeyF)
	m.press(fyne.KeyT)
	if m.tabs.Selected() != m.scanItem || !strings.Contains(uitest.OverlayText(c), "照票面录入发票") {
		t.Errorf("Ctrl+T from History's search: screen %d, overlay:\n%s", m.tabs.SelectedIndex(), uitest.OverlayText(c))
	}
	found := false
	for _, menu := range m.window.MainMenu().Items {
		for _, it := range menu.Items {
			found = found || it.Label == "照票面录入…" && it.Shortcut.ShortcutName() == ctrlKey(fyne.KeyT).ShortcutName()
		}
	}
	if !found {
		t.Error("the 发票 menu has no 照票面录入… with Ctrl+T")
	}
	m.settle()
}
