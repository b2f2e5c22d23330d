package scanq

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// 只看有误的 lists only the items with an error; the item shown in detail
// stays shown, and stays selected when it is listed; a new item is shown in
// detail even when the list leaves it out.
func TestErrorsOnly(t *testing.T) {
	s, e, loop := newScreen(t)
	for _, p := range []string{uitest.PaperPayload, uitest.TamperedPayload, uitest.DigitalPayload, uitest.PaperPayload} {
		s.onGun(p)
		loop.Settle(e.Bridge)
	}
	// The paper invoice, the tampered one (CRC error), the 数电 one, and
	// the paper one again (a duplicate).
	if len(s.items) != 4 || s.items[1].status >= statusWarning || s.items[3].status != statusDuplicate ||
		s.items[0].status < statusWarning || s.items[2].status < statusWarning {
		t.Fatalf("statuses: %v %v %v %v", s.items[0].status, s.items[1].status, s.items[2].status, s.items[3].status)
	}
	s.list.Select(1) // the tampered one
	loop.Settle(e.Bridge)

	test.Tap(s.problemsOnly)
	if s.list.Length() != 2 {
		t.Fatalf("%d lines listed, want the two with an error", s.list.Length())
	}
	if s.selected != 1 || !uitest.HasLabel(s.detail.Content(), "¥682.52") {
		t.Errorf("selected item %d: want the tampered invoice still shown", s.selected)
	}
	// Line 1 is now the duplicate (item 3).
	s.list.Select(1)
	if s.selected != 3 {
		t.Errorf("line 1 selects item %d, want 3", s.selected)
	}
	if !strings.Contains(s.summary.Text, "共 4 张") {
		t.Errorf("the summary counts what is listed: %q", s.summary.Text)
	}

	s.onGun(uitest.DigitalPayload) // a duplicate too: listed
	loop.Settle(e.Bridge)
	if s.selected != 4 || s.list.Length() != 3 {
		t.Errorf("after a duplicate: item %d selected, %d lines", s.selected, s.list.Length())
	}
	s.onGun("01,32,,24312000000136634999,0.01,20240514,,") // fine: not listed, yet shown
	loop.Settle(e.Bridge)
	if s.selected != 5 || s.list.Length() != 3 || !uitest.HasLabel(s.detail.Content(), "24312000000136634999") {
		t.Errorf("after a good code: item %d selected, %d lines", s.selected, s.list.Length())
	}

	test.Tap(s.problemsOnly)
	if s.list.Length() != 6 || s.selected != 5 {
		t.Errorf("all again: %d lines, item %d selected", s.list.Length(), s.selected)
	}
}

// An item says its invoice's state once it is not 未报销: reimbursed here,
// or already reimbursed when it came in.
func TestItemSaysItsState(t *testing.T) {
	s, e, loop := newScreen(t)
	s.onGun(uitest.DigitalPayload)
	loop.Settle(e.Bridge)
	id := s.items[0].Invoice().Recorded.InvoiceID
	ctx := context.Background()
	for _, to := range []store.State{store.StateLocked, store.StateReimbursed} {
		if err := e.Store().SetState(ctx, id, to, "王会计", ""); err != nil {
			t.Fatal(err)
		}
	}
	s.detail.Changed(id) // as after the detail view's own change
	loop.Settle(e.Bridge)
	if got := s.itemState(s.items[0]); !strings.HasSuffix(got, "已报销") {
		t.Errorf("the reimbursed item says %q", got)
	}
	s.onGun(uitest.DigitalPayload)
	loop.Settle(e.Bridge)
	if got := s.itemState(s.items[1]); !strings.Contains(got, "已报销") {
		t.Errorf("the invoice scanned again says %q", got)
	}
}
