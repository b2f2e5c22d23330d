package ui

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// newTestWindow opens the main window over a fresh history in a temporary
// folder, in lang.
func newTestWindow(t *testing.T, lang string) *MainWindow {
	t.Helper()
	a := newSerialApp(t)
	if lang != "" {
		a.Preferences().SetString(PrefLanguage, lang)
	}
	clock := func() time.Time { return time.Date(2024, time.June, 3, 9, 30, 0, 0, time.Local) }
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := NewMainWindow(a, st)
	t.Cleanup(m.window.Close)
	t.Cleanup(m.settle)
	return m
}

// writeQR writes a PNG of text as a QR code into dir and returns its path.
func writeQR(t *testing.T, dir, name, text string) string {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		t.Fatal(err)
	}
	const px = 6
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w*px, h*px))
	for y := range h * px {
		for x := range w * px {
			c := color.Gray{255}
			if m.Get(x/px, y/px) {
				c = color.Gray{0}
			}
			img.SetGray(x, y, c)
		}
	}
	return writePNG(t, dir, name, img)
}

func writePNG(t *testing.T, dir, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// drop drops paths on the window as the desktop does, and waits for the scan.
func drop(m *MainWindow, paths ...string) {
	uris := make([]fyne.URI, len(paths))
	for i, p := range paths {
		uris[i] = storage.NewFileURI(p)
	}
	m.onDropped(fyne.NewPos(10, 10), uris)
	m.scan.wait()
}

func statuses(s *scanTab) map[string]status {
	out := map[string]status{}
	for _, it := range s.items {
		out[it.name] = it.status
	}
	return out
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
	if !strings.HasPrefix(m.scan.empty.Text, "拖入发票文件或文件夹") || !m.scan.empty.Visible() {
		t.Errorf("empty queue says %q (visible %v)", m.scan.empty.Text, m.scan.empty.Visible())
	}
	if m.window.Canvas().Focused() != m.scan.gun {
		t.Error("the scanner-gun entry does not have the focus")
	}
}

func TestDropShowsEachFileWithItsStatus(t *testing.T) {
	m := newTestWindow(t, "")
	dir := t.TempDir()
	good := writeQR(t, dir, "good.png", paperPayload)
	blank := writePNG(t, dir, "blank.png", image.NewGray(image.Rect(0, 0, 200, 200)))
	broken := filepath.Join(dir, "broken.png")
	if err := os.WriteFile(broken, []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}

	drop(m, good, blank, broken)

	want := map[string]status{"good.png": statusOK, "blank.png": statusNoQR, "broken.png": statusUnreadable}
	got := statuses(m.scan)
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s: status %s, want %s", name, m.e.tr.T(got[name].key()), m.e.tr.T(st.key()))
		}
	}
	if m.scan.empty.Visible() {
		t.Error("the empty-queue text is still shown")
	}
	if m.scan.selected != 0 || m.scan.detail.qr == nil || m.scan.detail.qr.Number != "02407312" {
		t.Errorf("the first invoice is not shown in the detail view (selected %d)", m.scan.selected)
	}

	// The same file again, as a folder this time: the history knows it.
	drop(m, dir)
	// A folder is read in name order: blank, broken, good.
	n := len(m.scan.items) - 1
	if again := m.scan.items[n]; again.name != "good.png" || again.status != statusDuplicate || again.source != store.SourceFolder {
		t.Errorf("second sighting: %q %s from %s, want good.png duplicate from folder", again.name,
			m.e.tr.T(again.status.key()), again.source)
	}
	m.scan.list.Select(n)
	if !m.scan.detail.firstSeenLabel.Visible() || !strings.Contains(m.scan.detail.firstSeenLabel.Text, "good.png") {
		t.Errorf("duplicate does not say where it was first seen: %q", m.scan.detail.firstSeenLabel.Text)
	}
}

func TestScannerGunWithInputMethod(t *testing.T) {
	m := newTestWindow(t, "")
	scanned := make(chan string, 1)
	next := m.scan.gun.onScan
	m.scan.gun.onScan = func(text string) { next(text); scanned <- text }

	// A Chinese input method turns the commas and digits full-width and
	// commits the text to the entry in one go; there is no Enter: the pause
	// ends the code.
	typed := strings.NewReplacer(",", "，", "0", "０", "1", "１").Replace(paperPayload)
	m.scan.gun.SetText(typed)
	// The real driver runs the timer's fyne.Do after this call returns; the
	// test driver runs it on the timer's goroutine, so order the two here.
	m.scan.gun.mu.Lock()
	m.scan.gun.mu.Unlock() //nolint:staticcheck // an ordering point, not a critical section
	select {
	case got := <-scanned:
		if got != paperPayload {
			t.Errorf("gun payload = %q, want %q", got, paperPayload)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the pause after the gun's keystrokes was not detected")
	}
	m.scan.wait()

	if len(m.scan.items) != 1 || m.scan.items[0].source != store.SourceGun || m.scan.items[0].status != statusOK {
		t.Fatalf("queue = %+v, want one gun item, ok", m.scan.items)
	}
	if m.scan.gun.Text != "" {
		t.Errorf("gun entry not emptied: %q", m.scan.gun.Text)
	}
	if m.scan.detail.invoiceID == 0 {
		t.Error("the gun's invoice was not recorded in the history")
	}
}

// scanText scans payload as a scanner gun would, and waits for it.
func scanText(m *MainWindow, payload string) {
	test.Type(m.scan.gun, payload)
	m.scan.gun.flush(-1) // Enter
	m.scan.wait()
}

func rowFor(d *detailView, key string) *fieldRow {
	for _, r := range d.rows {
		if r.key == key {
			return r
		}
	}
	return nil
}

func TestTypedPrintedValueShowsMismatch(t *testing.T) {
	m := newTestWindow(t, "")
	scanText(m, paperPayload)
	d := m.scan.detail

	test.Type(rowFor(d, store.PrintedNumber).printed, "02407312")
	test.Type(rowFor(d, store.PrintedAmount).printed, "¥682.52")

	if got := rowFor(d, store.PrintedNumber).result.Text; got != "一致" {
		t.Errorf("number result = %q, want 一致", got)
	}
	if got := rowFor(d, store.PrintedAmount).result.Text; got != "不符" {
		t.Errorf("amount result = %q, want 不符", got)
	}
	if !finding.Has(d.findings, "mismatch_amount") {
		t.Errorf("findings %v lack mismatch_amount", d.findings)
	}
	// Correcting it clears the mismatch.
	rowFor(d, store.PrintedAmount).printed.SetText("582.52")
	if finding.Has(d.findings, "mismatch_amount") {
		t.Error("mismatch still shown after correcting the amount")
	}
}

func TestVerifyAndReimburseWithConfirmation(t *testing.T) {
	m := newTestWindow(t, "")
	ctx := context.Background()
	if err := m.e.st.SetSetting(ctx, store.SettingClerk, "王会计", "test"); err != nil {
		t.Fatal(err)
	}
	scanText(m, paperPayload)
	d := m.scan.detail

	test.Tap(d.verifyButton)
	d.wait()
	inv, err := m.e.st.Get(ctx, d.invoiceID)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Verified == nil || inv.Verified.Clerk != "王会计" {
		t.Fatalf("verification = %+v, want by 王会计", inv.Verified)
	}
	if !strings.Contains(d.stateLabel.Text, "已核验：王会计") {
		t.Errorf("state label = %q", d.stateLabel.Text)
	}

	test.Tap(d.lockButton)
	d.wait()
	if d.state != store.StateLocked || !strings.HasPrefix(d.stateLabel.Text, "已锁定") {
		t.Fatalf("after lock: state %s, label %q", d.state, d.stateLabel.Text)
	}

	test.Tap(d.reimburseButton)
	confirm, ok := d.confirm.(*dialog.ConfirmDialog)
	if !ok {
		t.Fatal("reimbursing asks no confirmation")
	}
	confirm.Confirm()
	d.wait()
	if d.state != store.StateReimbursed || !strings.HasPrefix(d.stateLabel.Text, "已报销") {
		t.Fatalf("after reimburse: state %s, label %q", d.state, d.stateLabel.Text)
	}
	if !d.voidButton.Disabled() || !d.verifyButton.Disabled() {
		t.Error("a reimbursed invoice can still be changed")
	}

	// Scanned again, it is a duplicate that is already paid.
	scanText(m, paperPayload)
	if it := m.scan.items[1]; it.status != statusDuplicate || !finding.Has(it.invoice().Findings, "already_reimbursed") {
		t.Errorf("second scan: %s, findings %v", m.e.tr.T(it.status.key()), it.invoice().Findings)
	}
}

func TestVoidCanBeCancelled(t *testing.T) {
	m := newTestWindow(t, "")
	scanText(m, paperPayload)
	d := m.scan.detail

	test.Tap(d.voidButton)
	d.confirm.(*dialog.ConfirmDialog).Dismiss()
	d.wait()
	if d.state != store.StateNew {
		t.Errorf("state after cancelling = %s, want new", d.state)
	}
}

func TestHistoryExportsTheCurrentView(t *testing.T) {
	m := newTestWindow(t, "")
	scanText(m, paperPayload)
	scanText(m, digitalPayload)
	m.ShowScreen(ScreenHistory)
	h := m.history
	h.wait()
	if len(h.rows) != 2 {
		t.Fatalf("history shows %d rows, want 2", len(h.rows))
	}

	fyne.DoAndWait(func() { h.search.SetText("2431200000") }) // as typed, on the UI goroutine
	h.wait()
	if len(h.rows) != 1 || h.rows[0].Number != "24312000000136634917" {
		t.Fatalf("search shows %d rows", len(h.rows))
	}
	path := filepath.Join(t.TempDir(), "view.csv")
	h.exportTo(path, export.CSV)
	h.exporting.Wait()
	if h.lastExportError != nil {
		t.Fatal(h.lastExportError)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "24312000000136634917") || strings.Contains(text, "02407312") {
		t.Errorf("export is not the current view:\n%s", text)
	}
	if lines := strings.Count(text, "\r\n"); lines != 4 { // header, invoice, empty, totals
		t.Errorf("export has %d lines, want 4:\n%s", lines, text)
	}
}

func TestHistorySortsAndOpens(t *testing.T) {
	m := newTestWindow(t, "")
	scanText(m, paperPayload)
	scanText(m, digitalPayload)
	m.ShowScreen(ScreenHistory)
	h := m.history
	h.wait()

	h.sortBy(1) // date, oldest first
	if h.rows[0].Number != "02407312" {
		t.Errorf("oldest first: %s first", h.rows[0].Number)
	}
	h.sortBy(1)
	if h.rows[0].Number != "24312000000136634917" {
		t.Errorf("newest first: %s first", h.rows[0].Number)
	}
	h.onSelected(widgetCell(1))
	if h.detailDialog == nil || h.detail.qr == nil || h.detail.qr.Number != "02407312" {
		t.Fatal("the row did not open in the detail view")
	}
}

func TestSettingsClerkAndBlacklist(t *testing.T) {
	m := newTestWindow(t, "")
	s := m.settings
	ctx := context.Background()

	s.clerk.SetText("李出纳")
	test.Tap(s.saveClerk)
	if got, _ := m.e.st.Setting(ctx, store.SettingClerk); got != "李出纳" {
		t.Errorf("clerk setting = %q", got)
	}

	test.Type(s.taxID, "９１１１００００６００００７３３ｅ１")
	s.reason.SetText("虚开")
	test.Tap(s.add)
	if len(s.entries) != 1 || s.entries[0].TaxID != "9111000060000733E1" {
		t.Fatalf("blacklist = %+v", s.entries)
	}
	s.remove("9111000060000733E1")
	s.confirm.(*dialog.ConfirmDialog).Confirm()
	if len(s.entries) != 0 {
		t.Errorf("blacklist after removing = %+v", s.entries)
	}

	s.language.SetSelected("English")
	if m.scanItem.Text != "Scan" || m.app.Preferences().String(PrefLanguage) != "en" {
		t.Errorf("after switching to English: %q", m.scanItem.Text)
	}
}

func TestNormalizeGun(t *testing.T) {
	tests := map[string]string{
		"01，10，０４４":    "01,10,044",
		"01、10。5 \r\n": "01,10.5",
		"ＡＢｃ":          "ABc",
	}
	for in, want := range tests {
		if got := normalizeGun(in); got != want {
			t.Errorf("normalizeGun(%q) = %q, want %q", in, got, want)
		}
	}
}

func widgetCell(row int) widget.TableCellID { return widget.TableCellID{Row: row} }
