package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

const (
	paperID   = "044031600111-02407312"
	digitalID = "24312000000136634917"
)

// typed is what the history holds of the values typed into the invoice
// with identity id.
func (m *testWindow) typed(t *testing.T, id string) map[string]string {
	t.Helper()
	inv, err := m.e.Store().GetByIdentity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inv.Typed
}

// Closing the window saves what was typed and not yet saved, into the scan
// screen's invoice and the one open in the history's dialog, before it
// closes (and the app closes the history after it).
func TestTypedKeptWhenTheWindowCloses(t *testing.T) {
	const seller = "深圳市某某科技有限公司"
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	m.gun(uitest.DigitalPayload)
	test.Type(m.scanEntry(t, uitest.PaperPayload, "价税合计"), "681.50") // shown on the scan screen

	inv, err := m.e.Store().GetByIdentity(context.Background(), digitalID)
	if err != nil {
		t.Fatal(err)
	}
	m.openRecord(inv.ID)
	m.settle()
	dialog := c.Overlays().Top()
	if dialog == nil {
		t.Fatal("the record is not open")
	}
	test.Type(uitest.EntryBeside(dialog, "销售方名称"), seller)

	release := m.e.Bridge.HoldNext()
	defer release()
	uitest.PressClose(m.window)
	if uitest.Closed(m.window) {
		t.Fatal("the window closed before what was typed was saved")
	}
	release()
	m.settle()
	if !uitest.Closed(m.window) {
		t.Fatalf("the window did not close once what was typed was saved: %q", uitest.OverlayText(c))
	}
	if got := m.typed(t, paperID)[store.PrintedTotal]; got != "681.50" {
		t.Errorf("the total typed on the scan screen is %q in the history, want 681.50", got)
	}
	if got := m.typed(t, digitalID)[store.PrintedSellerName]; got != seller {
		t.Errorf("the seller typed in the history's dialog is %q in the history, want %q", got, seller)
	}
}

// With nothing typed the window closes at once, as it always did.
func TestWindowWithNothingTypedClosesAtOnce(t *testing.T) {
	m := newTestWindow(t, "")
	m.gun(uitest.PaperPayload)
	m.settle()
	uitest.PressClose(m.window)
	if !uitest.Closed(m.window) {
		t.Error("a window with nothing typed did not close at once")
	}
}

// Quitting from the menu saves what was typed too. A value the history
// cannot take is named, and the clerk chooses: going back keeps the window
// and what was typed; closing anyway quits.
func TestQuitAsksAboutTypedValuesNotKept(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	entries := m.scanEntries(t, uitest.PaperPayload)
	test.Type(entries[2], "2024年13月45日") // 开票日期: no such day
	test.Type(uitest.EntryBeside(c.Content(), "价税合计"), "681.50")

	m.quitItem(t).Action()
	m.settle()
	text := uitest.OverlayText(c)
	if m.desktop.Quits != 0 || m.closeDialog == nil {
		t.Fatalf("quit with a value that cannot be saved: %d quits, overlay %q", m.desktop.Quits, text)
	}
	for _, want := range []string{"未能保存", "02407312", "开票日期「2024年13月45日」"} {
		if !strings.Contains(text, want) {
			t.Errorf("the question %q does not say %q", text, want)
		}
	}
	if got := m.typed(t, paperID)[store.PrintedTotal]; got != "681.50" {
		t.Errorf("the total typed beside the date is %q in the history, want 681.50", got)
	}

	test.Tap(uitest.Button(c.Overlays().Top(), "返回"))
	m.settle()
	if m.desktop.Quits != 0 || uitest.Closed(m.window) || c.Overlays().Top() != nil {
		t.Fatalf("going back: %d quits, closed %v", m.desktop.Quits, uitest.Closed(m.window))
	}
	if entries[2].Text != "2024年13月45日" {
		t.Errorf("going back, the date typed is %q", entries[2].Text)
	}

	m.quitItem(t).Action()
	m.settle()
	anyway := uitest.Button(c.Overlays().Top(), "仍然关闭")
	if anyway == nil {
		t.Fatalf("quitting again asks nothing: %q", uitest.OverlayText(c))
	}
	test.Tap(anyway)
	if m.desktop.Quits != 1 {
		t.Errorf("closing anyway: %d quits, want 1", m.desktop.Quits)
	}
}

// quitItem is the 退出 item of the window's menu.
func (m *testWindow) quitItem(t *testing.T) *fyne.MenuItem {
	t.Helper()
	for _, menu := range m.window.MainMenu().Items {
		for _, it := range menu.Items {
			if it.IsQuit {
				return it
			}
		}
	}
	t.Fatal("the menu has no quit item")
	return nil
}

// What was typed into a record whose dialog is closed was dealt with as it
// closed (saved, or the clerk told why not): closing the window then asks
// nothing more.
func TestClosedRecordNotAskedAboutAgain(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	m.gun(uitest.PaperPayload)
	m.settle()
	inv, err := m.e.Store().GetByIdentity(context.Background(), paperID)
	if err != nil {
		t.Fatal(err)
	}
	m.openRecord(inv.ID)
	m.settle()
	test.Type(uitest.Entries(c.Overlays().Top(), "照票面录入")[2], "2024年13月45日") // 开票日期: no such day
	test.Tap(uitest.Button(c.Overlays().Top(), "关闭"))
	m.settle()
	if !strings.Contains(uitest.OverlayText(c), "开票日期「2024年13月45日」") {
		t.Fatalf("closing the record does not say the date was not saved: %q", uitest.OverlayText(c))
	}
	test.Tap(uitest.Button(c.Overlays().Top(), "确定"))
	if c.Overlays().Top() != nil {
		t.Fatalf("the message stays: %q", uitest.OverlayText(c))
	}

	uitest.PressClose(m.window)
	if !uitest.Closed(m.window) {
		t.Errorf("the window asks again about a record closed: %q", uitest.OverlayText(c))
	}
}

// Values typed into the invoice shown and not saved are saved into the
// history it is in when the settings switch the window to another: not
// lost with the scan queue, and not written into the new history by the
// old invoice's ID.
func TestTypedKeptWhenTheHistorySwitches(t *testing.T) {
	uitest.PrivateDataFolder(t)
	ctx := context.Background()
	team := pgtest.Database(t)
	m := newTestWindow(t, "")
	file := m.Store().Path()
	test.Type(m.scanEntry(t, uitest.PaperPayload, "价税合计"), "681.50")

	if msg := m.useTeam(t, team); !strings.Contains(msg, "窗口现在使用") || m.Store().Path() != team {
		t.Fatalf("switching to %s: %q", team, msg)
	}
	if _, err := m.Store().GetByIdentity(ctx, paperID); err == nil {
		t.Error("the invoice typed into is in the team's history")
	}
	st, err := store.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, err := st.GetByIdentity(ctx, paperID)
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.Typed[store.PrintedTotal]; got != "681.50" {
		t.Errorf("the total typed is %q in the file left, want 681.50", got)
	}
}

// typePaperTotal scans the paper invoice with the gun and types 681.50 as
// its total, not saved yet.
func (m *testWindow) typePaperTotal(t *testing.T) {
	t.Helper()
	test.Type(m.scanEntry(t, uitest.PaperPayload, "价税合计"), "681.50")
}

// Stopped by Ctrl+C or SIGTERM, Fyne quits without the window's close: what
// was typed and not saved is saved once the loop has ended.
func TestTypedKeptWhenStoppedWithoutClose(t *testing.T) {
	m := newTestWindow(t, "")
	m.typePaperTotal(t)
	if notKept := m.Finish(); notKept != "" {
		t.Errorf("not kept: %s", notKept)
	}
	if got := m.typed(t, paperID)[store.PrintedTotal]; got != "681.50" {
		t.Errorf("the total typed is %q in the history, want 681.50", got)
	}
}

// A save the clerk started by moving on just before the window closed ends
// before the history is closed.
func TestFinishWaitsForASaveInFlight(t *testing.T) {
	m := newTestWindow(t, "")
	m.typePaperTotal(t)
	// The next invoice scanned is shown as the gun's scan ends: the
	// paper invoice left, its total's save is held.
	m.gun(uitest.DigitalPayload)
	m.e.Bridge.Wait()
	release := m.e.Bridge.HoldNext()
	defer release()
	m.loop.RunPending()
	uitest.PressClose(m.window)
	if !uitest.Closed(m.window) {
		t.Fatal("nothing typed into the invoice shown, and the window did not close at once")
	}
	go func() { time.Sleep(100 * time.Millisecond); release() }()
	if notKept := m.Finish(); notKept != "" {
		t.Errorf("not kept: %s", notKept)
	}
	if got := m.typed(t, paperID)[store.PrintedTotal]; got != "681.50" {
		t.Errorf("the total typed is %q in the history once the window's work ended, want 681.50", got)
	}
}
