package history

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// newScreen is the history screen, shown, over a fresh history holding the
// paper and the 数电 invoice. What the background hands to the window waits
// until settle runs it on the test goroutine.
func newScreen(t *testing.T) (h *Screen, e *env.Env, settle func()) {
	t.Helper()
	w := uitest.NewWindow(t)
	uitest.Scan(t, w.Env, uitest.PaperPayload)   // 10: an electronic ordinary invoice
	uitest.Scan(t, w.Env, uitest.DigitalPayload) // 32: a 数电 ordinary invoice
	h = New(w.Env)
	w.Show(h.Content())
	h.Relabel()
	w.Settle()
	return h, w.Env, w.Settle
}

func TestHistoryExportsTheCurrentView(t *testing.T) {
	h, _, settle := newScreen(t)
	if len(h.rows) != 2 {
		t.Fatalf("history shows %d rows, want 2", len(h.rows))
	}

	h.search.SetText("2431200000") // as typed: the search waits for the next keystroke
	settle()
	if len(h.rows) != 1 || h.rows[0].Number != "24312000000136634917" {
		t.Fatalf("search shows %d rows", len(h.rows))
	}
	path := filepath.Join(t.TempDir(), "view.csv")
	h.exportTo(path, export.CSV)
	if !h.progress.Visible() || !h.exportCSV.Disabled() {
		t.Error("no sign of the export")
	}
	settle()
	if h.lastExportError != nil {
		t.Fatal(h.lastExportError)
	}
	if h.progress.Visible() || h.exportCSV.Disabled() {
		t.Error("the export still shows as running")
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
	// Nothing is left beside the file.
	if files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(files) != 1 {
		t.Errorf("the export left %v", files)
	}

	// An export that cannot be written leaves nothing and says why.
	h.exportTo(filepath.Join(t.TempDir(), "no", "such", "folder", "x.csv"), export.CSV)
	settle()
	if h.lastExportError == nil || !strings.Contains(uitest.OverlayText(h.e.Win.Canvas()), "x.csv") {
		t.Errorf("export to a missing folder: %v, message %q", h.lastExportError, uitest.OverlayText(h.e.Win.Canvas()))
	}
}

// The CSV button offers the spreadsheet CSV first and the plain data CSV
// for imports; the plain one has no tabs and no totals row.
func TestHistoryOffersBothCSVs(t *testing.T) {
	h, _, settle := newScreen(t)
	test.Tap(h.exportCSV)
	if h.csvMenu == nil || !h.csvMenu.Visible() {
		t.Fatal("the CSV button offers no choice")
	}
	items := h.csvChoices.Items
	if len(items) != 2 || !strings.Contains(items[0].Label, "Excel") || !strings.Contains(items[1].Label, "导入") {
		t.Fatalf("CSV choices %+v", items)
	}
	items[1].Action()
	if h.saveDialog == nil || h.saving != export.PlainCSV {
		t.Fatalf("the data CSV choice saves %q", h.saving)
	}
	h.saveDialog.Hide()
	path := filepath.Join(t.TempDir(), "data.csv")
	h.exportTo(path, h.saving)
	settle()
	data, err := os.ReadFile(path)
	if err != nil || h.lastExportError != nil {
		t.Fatal(err, h.lastExportError)
	}
	text := string(data)
	if strings.Contains(text, "\t") || strings.Contains(text, "\n合计") || strings.Count(text, "\r\n") != 3 {
		t.Errorf("the data CSV is not plain data:\n%q", text)
	}
}

// The date and seller filters apply as the clerk types, like the search; a
// date that is not one is said, not silently dropped; a whole QR code
// fired into the search finds its invoice.
func TestHistoryFiltersApplyLive(t *testing.T) {
	h, _, settle := newScreen(t)
	test.Type(h.seller, "不存在的公司")
	settle()
	if len(h.rows) != 0 {
		t.Errorf("the seller filter waits for Enter: %d rows", len(h.rows))
	}
	h.seller.SetText("")
	settle()
	test.Type(h.from, "2024-01-01")
	settle()
	if len(h.rows) != 1 || h.rows[0].Number != "24312000000136634917" {
		t.Errorf("the date filter waits for Enter: %d rows", len(h.rows))
	}
	h.from.SetText("2024-13-45")
	settle()
	if !strings.Contains(h.count.Text, "2024-13-45") || h.count.Importance != widget.DangerImportance {
		t.Errorf("an invalid date is not told: %q", h.count.Text)
	}
	if h.from.Validate() == nil {
		t.Error("the date entry does not show the date as invalid")
	}
	h.from.SetText("")
	settle()
	if strings.Contains(h.count.Text, "2024-13-45") || len(h.rows) != 2 {
		t.Errorf("after clearing the date: %q, %d rows", h.count.Text, len(h.rows))
	}
	h.search.SetText(uitest.PaperPayload)
	h.search.OnSubmitted(h.search.Text) // the gun's Enter
	settle()
	if len(h.rows) != 1 || h.rows[0].Number != "02407312" {
		t.Errorf("a QR code in the search finds %d rows", len(h.rows))
	}
}

// cellText is what the table shows in row, col.
func cellText(h *Screen, row, col int) string {
	l := widget.NewLabel("")
	h.updateCell(widget.TableCellID{Row: row, Col: col}, l)
	return l.Text
}

// 问题 is what is wrong with the invoice as it stands, 核验结果 the clerk's
// sign-off: a reimbursed invoice scanned again stays as it was, and the
// window's 核验结果 is the export's, word for word.
func TestHistoryResultColumnsMeanOneThing(t *testing.T) {
	h, e, settle := newScreen(t)
	ctx := context.Background()
	inv, err := e.Store().GetByIdentity(ctx, "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store().Verify(ctx, store.VerifyRequest{InvoiceID: inv.ID, Clerk: "会计小陈"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.State{store.StateLocked, store.StateReimbursed} {
		if err := e.Store().SetState(ctx, inv.ID, s, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	h.Reload()
	settle()
	row := slices.IndexFunc(h.rows, func(i store.Invoice) bool { return i.ID == inv.ID })
	before := cellText(h, row, 5)
	uitest.Scan(t, e, uitest.PaperPayload) // shown again: the sighting's error, not the invoice's
	h.Reload()
	settle()
	row = slices.IndexFunc(h.rows, func(i store.Invoice) bool { return i.ID == inv.ID })
	if got := cellText(h, row, 5); got != before || got != "提示" {
		t.Errorf("问题 of the paid invoice: %q before the rescan, %q after; want 提示 both", before, got)
	}
	if h.e.Tr.T(historyColumns[5]) != "问题" || h.e.Tr.T(historyColumns[6]) != "核验结果" {
		t.Errorf("columns %q %q", h.e.Tr.T(historyColumns[5]), h.e.Tr.T(historyColumns[6]))
	}
	path := filepath.Join(t.TempDir(), "h.csv")
	h.exportTo(path, export.PlainCSV)
	settle()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(recs[0], "核验结果")
	for _, rec := range recs[1:] {
		i := slices.IndexFunc(h.rows, func(inv store.Invoice) bool { return inv.Number == rec[1] })
		if got := cellText(h, i, 6); got != rec[col] {
			t.Errorf("%s: the window's 核验结果 %q, the export's %q", rec[1], got, rec[col])
		}
	}
	if got := cellText(h, row, 6); got != "通过（有提示）" {
		t.Errorf("核验结果 of the signed-off invoice %q", got)
	}
}

func TestHistorySortsAndOpens(t *testing.T) {
	h, _, settle := newScreen(t)

	h.sortBy(1) // date, oldest first
	if h.rows[0].Number != "02407312" {
		t.Errorf("oldest first: %s first", h.rows[0].Number)
	}
	h.sortBy(1)
	if h.rows[0].Number != "24312000000136634917" {
		t.Errorf("newest first: %s first", h.rows[0].Number)
	}
	h.onSelected(widget.TableCellID{Row: 1})
	settle()
	if h.detailDialog == nil {
		t.Fatal("the row did not open in the detail view")
	}
	if !strings.Contains(uitest.OverlayText(h.e.Win.Canvas()), "02407312") {
		t.Errorf("the detail shows %q", uitest.OverlayText(h.e.Win.Canvas()))
	}
}

func TestHistoryFiltersByType(t *testing.T) {
	h, _, settle := newScreen(t)

	choose := func(name string) []string {
		t.Helper()
		h.kind.SetSelected(name)
		settle()
		if h.kind.Selected != name {
			t.Fatalf("no type %q among %q", name, h.kind.Options)
		}
		var numbers []string
		for _, inv := range h.rows {
			numbers = append(numbers, inv.Number)
		}
		return numbers
	}
	for name, want := range map[string]string{
		"数电发票（全电）":      "24312000000136634917",
		"普通发票（全部）":      "24312000000136634917 02407312",
		"专用发票（全部）":      "",
		"增值税电子普通发票":     "02407312",
		"电子发票(普通发票)":    "24312000000136634917",
		"电子发票(增值税专用发票)": "",
		"全部票种":          "24312000000136634917 02407312",
	} {
		h.sortCol, h.sortDesc = 1, true
		if got := strings.Join(choose(name), " "); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	// With the other filters.
	h.kind.SetSelected("普通发票（全部）")
	h.search.SetText("0240")
	settle()
	if len(h.rows) != 1 || h.rows[0].Number != "02407312" || h.count.Text != "共 1 张" {
		t.Errorf("type and search: %d rows, %q", len(h.rows), h.count.Text)
	}
}

// Searches run off the UI goroutine; a search overtaken by a newer one
// never shows its results, whichever finishes first.
func TestHistorySearchShowsTheNewest(t *testing.T) {
	h, _, settle := newScreen(t)
	for range 20 {
		// Two searches, as Enter starts them.
		h.search.SetText("0240")
		h.Reload()
		h.search.SetText("2431")
		h.Reload()
		if !h.busy.Visible() {
			t.Error("no sign of the search")
		}
		// Both searches hand their results over, the first maybe last.
		settle()
		if h.busy.Visible() {
			t.Error("still searching when done")
		}
		if len(h.rows) != 1 || h.rows[0].Number != "24312000000136634917" {
			t.Fatalf("after two searches the table shows %d rows, want the second's", len(h.rows))
		}
		h.search.SetText("")
		settle()
	}
}

func TestExportDialogOpens(t *testing.T) {
	h, _, _ := newScreen(t)
	h.onExport(export.CSV)
	if h.saveDialog == nil {
		t.Fatal("export: no save dialog")
	}
	h.saveDialog.Hide()
}

// The history shows the invoices a clerk saved first.
func TestHistoryFiltersByClerk(t *testing.T) {
	h, e, settle := newScreen(t)
	if err := e.Store().SetSetting(context.Background(), store.SettingClerk, "张三", ""); err != nil {
		t.Fatal(err)
	}
	uitest.Scan(t, e, uitest.PaperPayload) // a duplicate: still first saved by the one before
	uitest.Scan(t, e, "01,51,,25379266878000000370,6.50,20250616,,7b25")
	h.clerk.SetText("张三")
	h.Reload()
	settle()
	if len(h.rows) != 1 || h.rows[0].Number != "25379266878000000370" || h.rows[0].FirstSeen.Clerk != "张三" {
		t.Errorf("invoices 张三 saved first: %+v", h.rows)
	}
	h.clerk.SetText("")
	h.Reload()
	settle()
	if len(h.rows) != 3 {
		t.Errorf("%d invoices without the clerk filter, want 3", len(h.rows))
	}
}

// An invoice typed from the paper is listed as any other: its values as
// typed, 未报销, and 问题 警告, for it has no QR code; the only-problems
// filter keeps it, and the 数电 one typed and scanned since is one row.
func TestHistoryListsTypedInvoices(t *testing.T) {
	h, e, settle := newScreen(t)
	ctx := context.Background()
	if _, err := e.Store().RecordTyped(ctx, store.Entry{Values: map[string]string{store.PrintedKind: "32",
		store.PrintedNumber: "25312000000136634917", store.PrintedDate: "2024-05-20", store.PrintedTotal: "1130",
		store.PrintedSellerName: "上海某某科技有限公司"}, Clerk: "张三"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store().RecordTyped(ctx, store.Entry{Values: map[string]string{store.PrintedKind: "32",
		store.PrintedNumber: "24312000000136634917", store.PrintedDate: "2024-05-14", store.PrintedTotal: "0.01"}}); err != nil {
		t.Fatal(err)
	}
	h.Reload()
	settle()
	if len(h.rows) != 3 {
		t.Fatalf("%d rows, want 3 (the typed duplicate is the scanned invoice)", len(h.rows))
	}
	row := slices.IndexFunc(h.rows, func(i store.Invoice) bool { return i.Number == "25312000000136634917" })
	if row < 0 {
		t.Fatal("the typed invoice is not listed")
	}
	for col, want := range map[int]string{1: "2024年05月20日", 2: "上海某某科技有限公司", 3: "¥1,130.00", 4: "未报销", 5: "警告"} {
		if got := cellText(h, row, col); got != want {
			t.Errorf("column %d shows %q, want %q", col, got, want)
		}
	}
	h.findings.SetSelectedIndex(2) // warnings and errors
	settle()
	if !slices.ContainsFunc(h.rows, func(i store.Invoice) bool { return i.Number == "25312000000136634917" }) {
		t.Error("the only-problems filter drops the typed invoice")
	}
}

// An invoice whose printed values were read by OCR opens from the history
// with them marked as after its scan: the engine's confidence beside each
// value read, 未读清 beside the one seen but not read surely.
func TestHistoryOpensOCRReadsMarked(t *testing.T) {
	h, e, settle := newScreen(t)
	in := store.ScanInput{Source: store.SourceCamera, Invoices: []store.InvoiceInput{{
		QR:      payload.Analyze("01,10,031001700611,78748567,15211.82,20170402,57110038053967399323,ADCC,", e.Now()),
		Printed: map[string]string{store.PrintedNumber: "78748567"},
		Reads: map[string]document.FieldRead{
			store.PrintedNumber:    {Confidence: 0.93, Region: document.Region{X0: 0.73, Y0: 0.05, X1: 0.82, Y1: 0.07}},
			store.PrintedCheckCode: {Confidence: 0.41, Region: document.Region{X0: 0.73, Y0: 0.14, X1: 0.93, Y1: 0.16}, Unsure: true},
		}}}}
	if _, err := e.Store().Record(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	h.Reload()
	settle()
	row := slices.IndexFunc(h.rows, func(r store.Invoice) bool { return r.Number == "78748567" })
	if row < 0 {
		t.Fatal("the invoice read by OCR is not listed")
	}
	h.onSelected(widget.TableCellID{Row: row})
	settle()
	if h.detailDialog == nil {
		t.Fatal("the row did not open in the detail view")
	}
	top := e.Win.Canvas().Overlays().Top()
	for _, mark := range []string{"识别 93%", "未读清"} {
		if b := uitest.Button(top, mark); b == nil || !b.Visible() {
			t.Errorf("the detail does not show the mark %q: %q", mark, uitest.OverlayText(e.Win.Canvas()))
		}
	}
	if texts := uitest.EntryTexts(top); !slices.Contains(texts, "78748567") {
		t.Errorf("the 票面 column shows %q", texts)
	}

	// The check code left unread is typed from the paper; closing the
	// dialog keeps it, without 核验.
	check := uitest.EntryBeside(top, "校验码")
	if check == nil {
		t.Fatalf("no 校验码 entry in the detail view: %q", uitest.Labels(top))
	}
	check.SetText("57110038053967399323")
	test.Tap(uitest.Button(top, "关闭"))
	settle()
	inv, err := e.Store().Get(context.Background(), h.rows[row].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.Typed[store.PrintedCheckCode]; got != "57110038053967399323" || inv.Verified != nil {
		t.Errorf("after closing the dialog: typed check code %q, verified %v; want it kept, not verified", got, inv.Verified)
	}
}
