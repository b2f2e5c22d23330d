package invoice

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// typedValue is the value of key the clerk typed into inv, else the value
// read.
func typedValue(inv *store.Invoice, key string) string {
	if v := inv.Typed[key]; v != "" {
		return v
	}
	return inv.Printed[key]
}

// Every action goes to the invoice shown when the clerk clicked. Here the
// write is held in flight while the scanner gun's next code is selected
// (the queue selects it at once): the write must still land on the first
// invoice, and the one selected since must stay as it was. Before actions
// were taken on the UI goroutine, the write read the selection when it ran
// and went to the second invoice.
func TestActionLandsOnTheInvoiceClicked(t *testing.T) {
	const seller = "深圳市某某科技有限公司"
	cases := []struct {
		name   string
		before store.State // both invoices', before the action
		act    func(v *View)
		landed func(inv *store.Invoice) bool
	}{
		{"verify", store.StateNew, func(v *View) { test.Tap(v.verifyButton) },
			func(inv *store.Invoice) bool { return inv.Verified != nil }},
		{"lock", store.StateNew, func(v *View) { test.Tap(v.lockButton) },
			func(inv *store.Invoice) bool { return inv.State == store.StateLocked }},
		{"reimburse", store.StateLocked, func(v *View) {
			test.Tap(v.reimburseButton)
			v.confirm.(*dialog.ConfirmDialog).Confirm()
		}, func(inv *store.Invoice) bool { return inv.State == store.StateReimbursed }},
		{"void", store.StateNew, func(v *View) {
			test.Tap(v.voidButton)
			v.confirm.(*dialog.ConfirmDialog).Confirm()
		}, func(inv *store.Invoice) bool { return inv.State == store.StateVoided }},
		{"edit", store.StateNew, func(v *View) {
			test.Type(v.table.row(store.PrintedSellerName).printed, seller)
			test.Tap(v.verifyButton)
		}, func(inv *store.Invoice) bool {
			return inv.Verified != nil && typedValue(inv, store.PrintedSellerName) == seller
		}},
		{"edit and lock", store.StateNew, func(v *View) {
			test.Type(v.table.row(store.PrintedSellerName).printed, seller)
			test.Tap(v.lockButton)
		}, func(inv *store.Invoice) bool {
			return inv.State == store.StateLocked && typedValue(inv, store.PrintedSellerName) == seller
		}},
		{"edit and move on", store.StateNew, func(v *View) {
			test.Type(v.table.row(store.PrintedSellerName).printed, seller)
		}, func(inv *store.Invoice) bool {
			return inv.State == store.StateNew && inv.Verified == nil && typedValue(inv, store.PrintedSellerName) == seller
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, e, settle := newView(t)
			ctx := context.Background()
			first := uitest.Scan(t, e, uitest.PaperPayload)
			next := uitest.Scan(t, e, uitest.DigitalPayload)
			a, b := first.Invoices[0].Recorded.InvoiceID, next.Invoices[0].Recorded.InvoiceID
			if c.before != store.StateNew {
				for _, id := range []int64{a, b} {
					if err := e.Store().SetState(ctx, id, c.before, "test", ""); err != nil {
						t.Fatal(err)
					}
				}
			}
			v.ShowScanned(scanned(first, uitest.PaperPayload, store.SourceGun))
			settle()

			release := e.Bridge.HoldNext()
			c.act(v)
			v.ShowScanned(scanned(next, uitest.DigitalPayload, store.SourceGun))
			release()
			settle()

			invA, err := e.Store().Get(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			invB, err := e.Store().Get(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if !c.landed(invA) {
				t.Errorf("%s did not land on the invoice shown when clicked: state %s, verified %v, seller %q",
					c.name, invA.State, invA.Verified, typedValue(invA, store.PrintedSellerName))
			}
			if invB.State != c.before || invB.Verified != nil || typedValue(invB, store.PrintedSellerName) != "" {
				t.Errorf("%s changed the invoice selected after the click: state %s, verified %v, seller %q",
					c.name, invB.State, invB.Verified, typedValue(invB, store.PrintedSellerName))
			}
			if v.f.id != b || v.f.state != c.before || v.message != nil {
				t.Errorf("the view shows invoice %d in state %s (message %v), want %d as it was", v.f.id, v.f.state,
					v.message != nil, b)
			}
		})
	}
}

// A value typed into an invoice is kept when the clerk moves on to another
// without 核验 (the queue's next invoice, one opened from the history) and
// when the history's dialog over it closes; it is audited as any typed
// value. One that cannot be saved says which invoice it was typed into.
func TestTypedKeptWhenMovingOn(t *testing.T) {
	const seller = "深圳市某某科技有限公司"
	v, e, settle := newView(t)
	ctx := context.Background()
	first := uitest.Scan(t, e, uitest.PaperPayload)
	next := uitest.Scan(t, e, uitest.DigitalPayload)
	a, b := first.Invoices[0].Recorded.InvoiceID, next.Invoices[0].Recorded.InvoiceID

	v.LoadRecord(a, func(string, error) {})
	settle()
	test.Type(v.table.row(store.PrintedSellerName).printed, seller)
	v.LoadRecord(b, func(string, error) {})
	settle()
	invA, err := e.Store().Get(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if got := invA.Typed[store.PrintedSellerName]; got != seller {
		t.Errorf("opening another invoice: the seller typed into the first is %q, want %q", got, seller)
	}
	if v.f.id != b || v.message != nil {
		t.Errorf("the view shows invoice %d (message %v), want %d", v.f.id, v.message != nil, b)
	}

	test.Type(v.table.row(store.PrintedTotal).printed, "1234.00")
	v.Leave()
	settle()
	invB, _ := e.Store().Get(ctx, b)
	if got := invB.Typed[store.PrintedTotal]; got != "1234.00" {
		t.Errorf("closing the invoice: the total typed is %q, want 1234.00", got)
	}
	if ts, _ := e.Store().Typed(ctx, b); len(ts) != 1 {
		t.Errorf("the second invoice has %d typed values, want 1: %+v", len(ts), ts)
	}

	// Shown again and left untouched: nothing more is written.
	v.LoadRecord(b, func(string, error) {})
	settle()
	v.LoadRecord(a, func(string, error) {})
	settle()
	if ts, _ := e.Store().Typed(ctx, b); len(ts) != 1 {
		t.Errorf("an invoice shown and left untouched got %d typed values, want 1", len(ts))
	}

	// A date that is no date cannot be kept: the clerk is told which
	// value, typed into which invoice; the seller typed beside it is kept.
	test.Type(v.table.row(store.PrintedDate).printed, "2024年13月45日")
	v.table.row(store.PrintedSellerName).printed.SetText("")
	test.Type(v.table.row(store.PrintedSellerName).printed, "某某公司")
	v.ShowScanned(scanned(next, uitest.DigitalPayload, store.SourceGun))
	settle()
	if v.message == nil {
		t.Fatal("a typed value that could not be saved said nothing")
	}
	text := uitest.OverlayText(e.Win.Canvas())
	if !strings.Contains(text, "录入的值未能保存") || !strings.Contains(text, first.Invoices[0].QR.Number) ||
		!strings.Contains(text, "开票日期「2024年13月45日」") {
		t.Errorf("message %q: want which value of which invoice was not saved", text)
	}
	if invA, _ := e.Store().Get(ctx, a); invA.Typed[store.PrintedSellerName] != "某某公司" || invA.Typed[store.PrintedDate] != "" {
		t.Errorf("the first invoice's typed values %v: want the seller changed, no date", invA.Typed)
	}
}

// Confirming a reimbursement changes the invoice the question named, even
// when the gun selected another while the dialog was open.
func TestConfirmationKeepsItsInvoice(t *testing.T) {
	v, e, settle := newView(t)
	ctx := context.Background()
	first := uitest.Scan(t, e, uitest.PaperPayload)
	next := uitest.Scan(t, e, uitest.DigitalPayload)
	a, b := first.Invoices[0].Recorded.InvoiceID, next.Invoices[0].Recorded.InvoiceID
	for _, id := range []int64{a, b} {
		if err := e.Store().SetState(ctx, id, store.StateLocked, "test", ""); err != nil {
			t.Fatal(err)
		}
	}
	v.ShowScanned(scanned(first, uitest.PaperPayload, store.SourceGun))
	settle()
	test.Tap(v.reimburseButton)
	v.ShowScanned(scanned(next, uitest.DigitalPayload, store.SourceGun))
	settle()
	v.confirm.(*dialog.ConfirmDialog).Confirm()
	settle()
	invA, _ := e.Store().Get(ctx, a)
	invB, _ := e.Store().Get(ctx, b)
	if invA.State != store.StateReimbursed || invB.State != store.StateLocked {
		t.Errorf("after confirming: the first invoice %s, the second %s; want reimbursed, locked", invA.State, invB.State)
	}
}

// The steps are plain to a new clerk: the padlock on 锁定, a line saying
// that 报销 waits for 锁定 (and what comes next once it is), a green
// sign-off beside the buttons once 核验 has worked, and questions naming
// the invoice by its number and amount rather than by the file it came in.
func TestReimbursementStepsAreClear(t *testing.T) {
	v, e, settle := newView(t)
	r := uitest.Scan(t, e, uitest.PaperPayload)
	v.ShowScanned(scanned(r, "扫描件-2024-06-03.pdf", store.SourceFile))
	settle()
	if v.lockButton.Icon != lockIcon {
		t.Error("锁定 does not show the padlock")
	}
	if !v.reimburseButton.Disabled() || !strings.Contains(v.stepLabel.Text, "锁定后才能报销") || !v.stepLabel.Visible() {
		t.Errorf("报销 is grey with the hint %q", v.stepLabel.Text)
	}
	if v.verifiedBadge.Visible() {
		t.Error("a sign-off shown before 核验")
	}
	test.Tap(v.verifyButton)
	settle()
	if !v.verifiedBadge.Visible() || !strings.Contains(v.verifiedBadge.Text, "已核验") ||
		v.verifiedBadge.Importance != widget.SuccessImportance {
		t.Errorf("no visible sign that 核验 worked: %q", v.verifiedBadge.Text)
	}
	test.Tap(v.lockButton)
	settle()
	if v.reimburseButton.Disabled() || !strings.Contains(v.stepLabel.Text, "报销") {
		t.Errorf("after 锁定: reimburse disabled %v, hint %q", v.reimburseButton.Disabled(), v.stepLabel.Text)
	}
	test.Tap(v.reimburseButton)
	text := uitest.OverlayText(e.Win.Canvas())
	if !strings.Contains(text, "02407312") || !strings.Contains(text, "¥582.52") || strings.Contains(text, "扫描件") {
		t.Errorf("the confirmation reads %q; want the invoice number and amount, not the file", text)
	}
	v.confirm.(*dialog.ConfirmDialog).Confirm()
	settle()
	if !strings.Contains(v.stepLabel.Text, "不能再次报销") {
		t.Errorf("after 报销 the hint says %q", v.stepLabel.Text)
	}
}

// A change shows with the write's one hand-over to the window, not after
// a second read: each hand-over waits for the window's next frame, which
// in a dialog over the History screen can take half a second.
func TestChangeShowsWithOneHandOver(t *testing.T) {
	w := uitest.NewWindow(t)
	v := New(w.Env)
	w.Show(v.Content())
	r := uitest.Scan(t, w.Env, uitest.PaperPayload)
	v.ShowScanned(scanned(r, uitest.PaperPayload, store.SourceGun))
	w.Settle()
	for _, c := range []struct {
		tap  func()
		want string
	}{
		{func() { test.Tap(v.lockButton) }, "已锁定"},
		{func() { test.Tap(v.verifyButton) }, "已核验"},
	} {
		c.tap()
		w.Bridge.Wait()     // the write, in the background
		w.Loop.RunPending() // its one hand-over
		if !strings.Contains(v.stateLabel.Text, c.want) {
			t.Errorf("after one hand-over the state reads %q, want %s", v.stateLabel.Text, c.want)
		}
		w.Settle()
	}
}
