package history

import (
	"fyne.io/fyne/v2/dialog"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
)

// listedIDs are the IDs of the invoices the table lists, each once.
func (h *Screen) listedIDs() []int64 {
	ids := make([]int64, 0, len(h.rows))
	for _, r := range h.rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// CheckListed asks the tax authority about every invoice the table lists
// (查验), once the clerk confirms: each query may be charged for. The table
// takes the answers as they come.
func (h *Screen) CheckListed() {
	ids := h.listedIDs()
	tr := h.e.Tr
	if len(ids) == 0 {
		h.showMessage(tr.T("batch.nothing_listed"))
		return
	}
	c := dialog.NewConfirm(tr.T("batch.title"), tr.F("batch.confirm", len(ids)), func(ok bool) {
		if ok {
			h.batch = invoice.CheckBatch(h.e, ids, func(*store.Invoice) { h.Reload() })
		}
	}, h.e.Win)
	c.SetConfirmText(tr.T("history.check"))
	c.SetDismissText(tr.T("confirm.cancel"))
	h.message = c
	c.Show()
}
