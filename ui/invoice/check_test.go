package invoice

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// With a provider configured, 核验 asks the tax authority first. A voided
// answer is recorded, stops the sign-off until the clerk has seen it, and
// stays on the invoice once the clerk verifies it knowingly.
func TestVerifyAsksTheTaxAuthority(t *testing.T) {
	v, e, settle := newView(t)
	ctx := context.Background()
	tax := uitest.UseTencent(t, e, uitest.TaxInvoice("24312000000136634917", verifytest.Voided))
	s := show(t, v, e, settle, uitest.DigitalPayload)
	id := s.Invoice().Recorded.InvoiceID

	test.Tap(v.verifyButton)
	settle()
	if v.message == nil {
		t.Fatal("no answer shown")
	}
	text := uitest.OverlayText(e.Win.Canvas())
	if !strings.Contains(text, "已作废") || !strings.Contains(text, "腾讯云") {
		t.Errorf("message %q: want the voided answer", text)
	}
	inv, err := e.Store().Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Checks) != 1 || inv.Checked == nil || inv.Checked.Outcome != store.CheckVoided ||
		!finding.Has(inv.Findings, "official_voided") || inv.Verified != nil {
		t.Fatalf("after the first 核验: checks %+v findings %+v verified %+v", inv.Checks, inv.Findings, inv.Verified)
	}
	if tax.BadlySigned() != 0 {
		t.Errorf("%d requests badly signed", tax.BadlySigned())
	}
	v.message.Hide()
	if !strings.Contains(v.stateLabel.Text, "已作废") || !strings.Contains(v.stateLabel.Text, inv.Checked.At.Local().Format("15:04")) {
		t.Errorf("state %q does not show the answer and its time", v.stateLabel.Text)
	}

	// Now the clerk sees the error, and verifies knowingly.
	test.Tap(v.verifyButton)
	if v.confirm == nil {
		t.Fatal("verifying a voided invoice asks nothing")
	}
	v.confirm.(*dialog.ConfirmDialog).Confirm()
	settle()
	inv, _ = e.Store().Get(ctx, id)
	if inv.Verified == nil || inv.Verified.Result != "error" || len(inv.Checks) != 2 || !finding.Has(inv.Findings, "official_voided") {
		t.Errorf("after confirming: verified %+v checks %d findings %+v", inv.Verified, len(inv.Checks), inv.Findings)
	}
}
