package history

import (
	"cmp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// sort orders the rows by the column chosen.
func (h *Screen) sort() {
	key := func(inv *store.Invoice) string {
		switch h.sortCol {
		case 0:
			return inv.Number
		case 1:
			return inv.Date
		case 2:
			return inv.SellerName
		case 4:
			return string(inv.State)
		case 6:
			return verifiedKey(inv)
		}
		return ""
	}
	slices.SortStableFunc(h.rows, func(a, b store.Invoice) int {
		var c int
		if h.sortCol == 3 {
			c = cmpDecimal(a, b)
		} else if h.sortCol == 5 {
			c = cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
		} else {
			c = strings.Compare(key(&a), key(&b))
		}
		if h.sortDesc {
			return -c
		}
		return c
	})
}

func severityRank(s finding.Severity) int {
	if s == "" {
		return 10
	}
	return s.Rank()
}

func cmpDecimal(a, b store.Invoice) int {
	x, y := a.Total, b.Total
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return -1
	case y == nil:
		return 1
	}
	return x.Cmp(*y)
}

func (h *Screen) size() (int, int) { return len(h.rows), len(historyColumns) }

func (h *Screen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	inv := &h.rows[id.Row]
	tr := h.e.Tr
	l.Importance = widget.MediumImportance
	l.Alignment = fyne.TextAlignLeading
	switch id.Col {
	case 0:
		l.Text = inv.Number
	case 1:
		l.Text = env.FormatISODate(tr, inv.Date)
	case 2:
		l.Text = env.OrPlaceholder(inv.SellerName)
	case 3:
		l.Text = env.FormatDecimal(inv.Total)
		if inv.Total == nil {
			l.Text = env.FormatDecimal(inv.Amount)
		}
		l.Alignment = fyne.TextAlignTrailing
	case 4:
		l.Text = tr.T("state." + string(inv.State))
	case 5:
		l.Text, l.Importance = resultText(tr, inv.Severity)
	case 6:
		l.Text = tr.T(verifiedKey(inv))
		if inv.Verified != nil {
			l.Importance = widget.SuccessImportance
		}
	}
	l.Refresh()
}

// resultText names the worst of the invoice's findings as they stand (问题):
// those of its QR code, its files, the values typed, the tax authority and
// the blacklist, never that it was seen again (its sightings' own).
func resultText(tr *env.Translator, s finding.Severity) (string, widget.Importance) {
	switch s {
	case finding.Error:
		return tr.T("result.error"), widget.DangerImportance
	case finding.Warning:
		return tr.T("result.warning"), widget.WarningImportance
	case finding.Info:
		return tr.T("result.info"), widget.MediumImportance
	}
	return tr.T("result.ok"), widget.SuccessImportance
}

// verifiedKey names the clerk's last sign-off (核验结果) as the exports do:
// never signed off, or passed with the worst finding the clerk saw then.
func verifiedKey(inv *store.Invoice) string {
	if inv.Verified == nil {
		return "verified.never"
	}
	switch inv.Verified.Result {
	case "info", "warning", "error":
		return "verified." + inv.Verified.Result
	}
	return "verified.ok"
}

func (h *Screen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 {
		return
	}
	text := h.e.Tr.T(historyColumns[id.Col])
	b.SetIcon(nil)
	if id.Col == h.sortCol {
		b.SetIcon(theme.MenuDropUpIcon())
		if h.sortDesc {
			b.SetIcon(theme.MenuDropDownIcon())
		}
	}
	b.SetText(text)
	col := id.Col
	b.OnTapped = func() { h.sortBy(col) }
}

// sortBy sorts by col, or turns the order round when it already is.
func (h *Screen) sortBy(col int) {
	if h.sortCol == col {
		h.sortDesc = !h.sortDesc
	} else {
		h.sortCol, h.sortDesc = col, false
	}
	h.sort()
	h.table.Refresh()
}
