package scanq

import (
	"context"
	"image"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// typeInto types text into the form's field of key, as the clerk does.
func (f *entryForm) typeInto(key, text string) {
	e := f.entries[key]
	e.SetText("")
	test.Type(e, text)
}

// chooseKind picks the invoice type whose code is code from the list the
// type's arrow opens.
func (f *entryForm) chooseKind(t *testing.T, code string) {
	t.Helper()
	zh, _, ok := payload.TypeName(code)
	if !ok {
		t.Fatalf("no type %s", code)
	}
	test.Tap(f.kind.ActionItem.(fyne.Tappable))
	if f.kindMenu == nil || !f.kindMenu.Visible() {
		t.Fatal("the type's arrow opens no list")
	}
	for _, it := range f.kindItems {
		if it.Label == code+"  "+zh {
			it.Action()
			f.kindMenu.Hide()
			return
		}
	}
	t.Fatalf("no %s in the list", code)
}

// A file whose QR code cannot be read offers to type its invoice in. What
// cannot be recorded is said as the clerk types and when saving, and
// nothing is recorded; the invoice typed right takes the file's place in the
// queue, and goes into the history as typed by hand, saying it has no QR
// code. Its QR code scanned
// later (the paper's own, say) is a duplicate of it.
func TestTypeInTheInvoiceOfAFileWithoutQR(t *testing.T) {
	s, e, loop := newScreen(t)
	c := e.Win.Canvas()
	blank := uitest.WritePNG(t, t.TempDir(), "torn.png", image.NewGray(image.Rect(0, 0, 200, 200)))
	drop(s, loop, blank)
	if len(s.items) != 1 || s.items[0].status != statusNoQR {
		t.Fatalf("queue %+v", s.items)
	}
	offer := uitest.Button(c.Content(), "照票面录入")
	if offer == nil || !offer.Visible() {
		t.Fatal("the file without a QR code does not offer to type its invoice in")
	}
	test.Tap(offer)
	f := s.entry
	if f == nil || f.file != blank || !strings.Contains(uitest.OverlayText(c), "torn.png") {
		t.Fatalf("the form is not open for the file: %+v\n%s", f, uitest.OverlayText(c))
	}

	f.chooseKind(t, "10")
	f.typeInto(store.PrintedCode, "04403160011")
	if got := uitest.OverlayText(c); !strings.Contains(got, "发票代码 04403160011 有 11 位") || strings.Contains(got, "缺少开票日期") {
		t.Errorf("as typed, the form says:\n%s", got)
	}
	test.Tap(f.save)
	loop.Settle(e.Bridge)
	if got := uitest.OverlayText(c); !strings.Contains(got, "缺少开票日期") || !strings.Contains(got, "缺少发票号码") {
		t.Errorf("saving an incomplete invoice says:\n%s", got)
	}
	if p, _ := e.Store().Search(context.Background(), store.Filter{}); len(p.Invoices) != 0 {
		t.Fatal("an invoice with errors was recorded")
	}

	f.typeInto(store.PrintedCode, "044031600111")
	f.typeInto(store.PrintedNumber, "０２４０７３１２") // full-width, from an input method
	f.typeInto(store.PrintedDate, "2017年11月4日")
	f.typeInto(store.PrintedAmount, "¥582.52")
	f.typeInto(store.PrintedCheckCode, "169951")
	test.Tap(f.save)
	loop.Settle(e.Bridge)
	if c.Overlays().Top() != nil {
		t.Fatalf("the form stays open:\n%s", uitest.OverlayText(c))
	}
	if len(s.items) != 1 || s.selected != 0 {
		t.Fatalf("queue %d items, %d selected: the typed invoice takes the place of its file's line", len(s.items), s.selected)
	}
	it := s.items[0]
	if it.Source != store.SourceTyped || it.status != statusWarning || itemTitle(it) != "02407312" {
		t.Errorf("typed item: source %s status %s title %s", it.Source, e.Tr.T(it.status.key()), itemTitle(it))
	}
	if !uitest.HasLabel(c.Content(), "手工录入 · torn.png") || !uitest.HasLabel(c.Content(), "无二维码，按录入值记录：请与纸质发票核对，并查验") {
		t.Errorf("the detail view shows:\n%s", strings.Join(uitest.Labels(c.Content()), "\n"))
	}
	inv, err := e.Store().GetByIdentity(context.Background(), "044031600111-02407312")
	if err != nil {
		t.Fatal(err)
	}
	if inv.FirstSeen.Source != store.SourceTyped || inv.FirstSeen.File != blank || inv.Typed[store.PrintedNumber] != "02407312" ||
		inv.State != store.StateNew || !finding.Has(inv.Findings, "no_qr") || len(inv.Printed) != 0 {
		t.Errorf("history: %+v", inv)
	}

	s.onGun(uitest.PaperPayload)
	loop.Settle(e.Bridge)
	if len(s.items) != 2 || s.items[1].status != statusDuplicate {
		t.Errorf("the QR code after the typed invoice: %d items, status %v", len(s.items), s.items[len(s.items)-1].status)
	}
}

// A paper invoice with no file at all, from the Scan screen's button.
func TestTypeInAPaperInvoice(t *testing.T) {
	s, e, loop := newScreen(t)
	c := e.Win.Canvas()
	test.Tap(s.typeButton)
	f := s.entry
	if f == nil || f.file != "" || c.Focused() != f.kind {
		t.Fatal("the form does not open, ready to type")
	}
	// Escape cancels it, as the desktop's dialogs do.
	f.entries[store.PrintedCode].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Escape leaves the form open")
	}
	test.Tap(s.typeButton)
	f = s.entry
	f.chooseKind(t, "32")
	f.typeInto(store.PrintedNumber, "24312000000136634917")
	f.typeInto(store.PrintedDate, "2024-05-14")
	f.typeInto(store.PrintedTotal, "0.01")
	f.typeInto(store.PrintedSellerTaxID, "91310000MA1FL3LK7Y")
	if got := uitest.OverlayText(c); !strings.Contains(got, "校验位不正确") {
		t.Errorf("a wrong tax ID is not said:\n%s", got)
	}
	f.typeInto(store.PrintedSellerTaxID, "91310000MA1FL3LK77")
	f.kind.SetText("99")
	if got := uitest.OverlayText(c); !strings.Contains(got, `发票种类代码 "99" 未知`) {
		t.Errorf("an unknown type is not said:\n%s", got)
	}
	f.chooseKind(t, "32")
	test.Tap(f.save)
	loop.Settle(e.Bridge)
	if len(s.items) != 1 || s.items[0].Source != store.SourceTyped || s.items[0].File.File != "" {
		t.Fatalf("queue %+v", s.items)
	}
	if !uitest.HasLabel(c.Content(), "手工录入") {
		t.Errorf("the detail view shows:\n%s", strings.Join(uitest.Labels(c.Content()), "\n"))
	}
	// The same paper typed again is a duplicate of the first entry.
	test.Tap(s.typeButton)
	f = s.entry
	test.Type(f.kind, "３２") // the type's code typed, full-width, rather than picked
	f.typeInto(store.PrintedNumber, "24312000000136634917")
	f.typeInto(store.PrintedDate, "20240514")
	f.typeInto(store.PrintedTotal, "0.01")
	test.Tap(f.save)
	loop.Settle(e.Bridge)
	if len(s.items) != 2 || s.items[1].status != statusDuplicate {
		t.Errorf("typed twice: %d items, status %v", len(s.items), s.items[len(s.items)-1].status)
	}
}
