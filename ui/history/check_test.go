package history

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// 查验所列 asks, once the clerk confirms, about the invoices the filters
// list and no other; the table shows the answers.
func TestCheckListed(t *testing.T) {
	h, e, settle := newScreen(t)
	tax := uitest.UseTencent(t, e, uitest.TaxInvoice("24312000000136634917", verifytest.Voided))
	h.search.SetText("24312000000136634917")
	h.Reload()
	settle()
	if len(h.rows) != 1 {
		t.Fatalf("%d rows listed", len(h.rows))
	}

	test.Tap(h.checkButton)
	if text := uitest.OverlayText(e.Win.Canvas()); !strings.Contains(text, "向税务机关查验所列的 1 张发票") {
		t.Fatalf("asks %q", text)
	}
	if tax.Requests() != 0 {
		t.Fatal("asked before the clerk confirmed")
	}
	h.message.(*dialog.ConfirmDialog).Confirm()
	settle()
	if text := uitest.OverlayText(e.Win.Canvas()); !strings.Contains(text, "已作废 1") {
		t.Errorf("the batch says %q", text)
	}
	if tax.Requests() != 1 {
		t.Errorf("%d requests, want 1", tax.Requests())
	}
	page, err := e.Store().Search(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range page.Invoices {
		if checked := inv.Checked != nil; checked != (inv.Number == "24312000000136634917") {
			t.Errorf("%s checked: %v", inv.Number, checked)
		}
	}
	if h.rows[0].Checked == nil || h.rows[0].Checked.Outcome != store.CheckVoided {
		t.Errorf("the table's row does not show the answer: %+v", h.rows[0].Checked)
	}
}
