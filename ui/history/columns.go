package history

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// sellerMin is the least width of the seller's column: about eight
// characters of a company's name.
const sellerMin = 120

// fitTable is the table with its columns fitted to its width: the number,
// date, total, state and result whole, the seller's name taking the rest.
func (h *Screen) fitTable() fyne.CanvasObject {
	return container.New(env.FitColumns{Table: h.table, Needs: h.columnNeeds, Stretch: 2}, h.table)
}

// columnNeeds are the widths the columns' texts need in the language
// chosen.
func (h *Screen) columnNeeds() []float32 {
	tr := h.e.Tr
	n := make([]float32, len(historyColumns))
	for i, k := range historyColumns {
		n[i] = env.HeaderWidth(tr.T(k))
	}
	n[0] = env.Widest(n[0], "00000000000000000000")
	n[1] = env.Widest(n[1], "0000年00月00日", "0000-00-00")
	n[2] = max(n[2], sellerMin)
	n[3] = env.Widest(n[3], "¥000,000,000.00")
	for _, s := range store.States {
		n[4] = env.Widest(n[4], tr.T("state."+string(s)))
	}
	for _, s := range []finding.Severity{finding.Info, finding.Warning, finding.Error} {
		t, _ := resultText(tr, s)
		n[5] = env.Widest(n[5], t)
	}
	for _, k := range []string{"verified.never", "verified.ok", "verified.info", "verified.warning", "verified.error"} {
		n[6] = env.Widest(n[6], tr.T(k))
	}
	return n
}
