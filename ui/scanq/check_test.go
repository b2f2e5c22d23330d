package scanq

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// 全部查验 asks the tax authority about every invoice of the queue once,
// counts the answers, lists what is not authentic, records every query, and
// the queue takes the answers; a second batch the same day asks nothing
// again about what was judged.
func TestCheckAllAsksAboutTheQueue(t *testing.T) {
	s, e, loop := newScreen(t)
	const voided, valid = "24312000000136634917", "24312000000136634918"
	tax := uitest.UseTencent(t, e, uitest.TaxInvoice(voided, verifytest.Voided), uitest.TaxInvoice(valid, verifytest.Normal))
	if s.checkButton.Visible() {
		t.Error("全部查验 shown over an empty queue")
	}
	for _, p := range []string{
		uitest.DigitalPayload,
		"01,32,,24312000000136634918,0.01,20240514,,1DD6",
		"01,32,,24312000000136634919,0.01,20240514,,1DD6",                              // not in the tax database
		uitest.DigitalPayload,                                                          // scanned twice: asked once
		"01,32,,24312000000136634920,0.01," + time.Now().Format("20060102") + ",,1DD6", // today's
	} {
		s.onGun(p)
		loop.Settle(e.Bridge)
	}
	if !s.checkButton.Visible() || s.checkButton.Text != "全部查验" {
		t.Fatalf("check button %q visible %v", s.checkButton.Text, s.checkButton.Visible())
	}

	test.Tap(s.checkButton)
	loop.Settle(e.Bridge)
	text := uitest.OverlayText(e.Win.Canvas())
	for _, want := range []string{"查验完成：共 4 张", "已作废 1、查无此票 1、当天开具次日再查 1、真票 1",
		voided + "：税务机关查验结果：已作废", "24312000000136634919：税务机关查验结果：查无此票",
		"24312000000136634920：当天开具的发票次日才能查验，请明天再查"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dialog says %q, without %q", text, want)
		}
	}
	if strings.Contains(text, valid) {
		t.Errorf("an authentic invoice listed as a problem: %q", text)
	}
	if tax.Requests() != 3 || tax.BadlySigned() != 0 {
		t.Errorf("%d requests (%d badly signed), want 3", tax.Requests(), tax.BadlySigned())
	}
	for _, it := range s.items {
		if it.Invoice().QR.Number == voided && it.status != statusCheckFailed {
			t.Errorf("the voided invoice's item shows %s", e.Tr.T(it.status.key()))
		}
	}
	page, err := e.Store().Search(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, inv := range page.Invoices {
		if inv.Checked != nil {
			checked++
		}
	}
	if checked != 3 {
		t.Errorf("%d invoices with a check in the history, want 3", checked)
	}
	closeDialog(t, e)

	test.Tap(s.checkButton)
	loop.Settle(e.Bridge)
	if text := uitest.OverlayText(e.Win.Canvas()); !strings.Contains(text, "查无此票 1、当天开具次日再查 1、今天已查验过 2") {
		t.Errorf("second batch says %q", text)
	}
	if tax.Requests() != 4 {
		t.Errorf("%d requests after the second batch, want 4 (only the invoice not found asked again)", tax.Requests())
	}
}

// closeDialog taps the batch dialog's 关闭.
func closeDialog(t *testing.T, e *env.Env) {
	t.Helper()
	b := uitest.Button(e.Win.Canvas().Overlays().Top(), "关闭")
	if b == nil {
		t.Fatalf("no 关闭 on %q", uitest.OverlayText(e.Win.Canvas()))
	}
	if e.Win.Canvas().Focused() != b {
		t.Error("关闭 does not have the focus: Space does not close the dialog")
	}
	test.Tap(b)
	if uitest.OverlayText(e.Win.Canvas()) != "" {
		t.Error("the dialog stays open after 关闭")
	}

}

// Cancelling a batch stops it at once; what was answered stays recorded.
func TestCheckAllCancels(t *testing.T) {
	s, e, loop := newScreen(t)
	tax := uitest.UseTencent(t, e, uitest.TaxInvoice("24312000000136634917", verifytest.Normal))
	tax.Fail(verifytest.Slow, 10)
	s.onGun(uitest.DigitalPayload)
	loop.Settle(e.Bridge)

	test.Tap(s.checkButton)
	deadline := time.Now().Add(10 * time.Second)
	for tax.Requests() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		loop.RunPending()
	}
	cancel := uitest.Button(e.Win.Canvas().Overlays().Top(), "取消")
	if cancel == nil {
		t.Fatalf("no 取消 while checking: %q", uitest.OverlayText(e.Win.Canvas()))
	}
	test.Tap(cancel)
	if text := uitest.OverlayText(e.Win.Canvas()); !strings.Contains(text, "正在取消…") || !cancel.Disabled() {
		t.Errorf("while cancelling: %q, button disabled %v", text, cancel.Disabled())
	}
	loop.Settle(e.Bridge)
	if text := uitest.OverlayText(e.Win.Canvas()); !strings.Contains(text, "已取消：已查验 0 / 1 张") {
		t.Errorf("after cancel: %q", text)
	}
	closeDialog(t, e)
}
