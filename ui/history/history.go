// Package history is the history screen: it finds recorded invoices by
// number, date, seller, type, state and findings, opens one in the detail
// view, and exports what it shows to CSV or Excel.
package history

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
)

// historyLimit bounds the rows the table loads; the count says when there
// are more, and the filters narrow them down.
const historyLimit = 2000

// typingPause is how long the search waits for the next keystroke: one
// search per number typed, not one per digit.
const typingPause = 200 * time.Millisecond

var historyColumns = []string{"history.col.number", "history.col.date", "history.col.seller",
	"history.col.total", "history.col.state", "history.col.result", "history.col.verified"}

// found is a search's results: a page of invoices and how many match.
type found struct {
	rows  []store.Invoice
	total int
}

// Screen is the history screen. Its methods are called on the UI goroutine.
type Screen struct {
	e *env.Env

	search, from, to, seller *widget.Entry
	clerk                    *widget.Entry // who saved the invoice first
	kind, state, findings    *widget.Select
	checked                  *widget.Select // the tax authority's latest answer
	exportCSV, exportXLSX    *widget.Button
	cancelExport             *widget.Button
	checkButton              *widget.Button
	batch                    *invoice.BatchCheck // the last batch check started
	progress                 *widget.ProgressBar
	busy                     *widget.Activity
	count                    *widget.Label
	table                    *widget.Table
	root                     fyne.CanvasObject

	// searches shows only the newest search's results; typing is the
	// search that waits for the next keystroke.
	searches *bridge.Latest[found]
	typing   func() bool

	rows            []store.Invoice
	sortCol         int
	sortDesc        bool
	detail          *invoice.View
	detailDialog    dialog.Dialog
	detailShown     bool // detailDialog is open
	saveDialog      *dialog.FileDialog
	csvMenu         *widget.PopUpMenu // the choice of CSV, and what it offers, kept for tests
	csvChoices      *fyne.Menu
	saving          export.Format // what the save dialog shown will write
	message         dialog.Dialog
	cancel          context.CancelFunc
	lastExportError error
}

// New builds the history screen; it searches once it is shown.
func New(e *env.Env) *Screen {
	h := &Screen{e: e, sortCol: 1, sortDesc: true, searches: bridge.NewLatest[found](e.Bridge)}
	h.search = widget.NewEntry()
	h.search.OnSubmitted = func(string) { h.Reload() }
	h.search.OnChanged = func(string) { h.reloadSoon() }
	h.from, h.to, h.seller, h.clerk = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	// Every text filter applies as the clerk types, like the search; Enter
	// applies it at once.
	for _, en := range []*widget.Entry{h.from, h.to, h.seller, h.clerk} {
		en.OnSubmitted = func(string) { h.Reload() }
		en.OnChanged = func(string) { h.reloadSoon() }
	}
	for _, en := range []*widget.Entry{h.from, h.to} {
		en.Validator = func(text string) error {
			if text = strings.TrimSpace(text); text == "" {
				return nil
			}
			_, err := store.ParseDate(text)
			return err
		}
	}
	h.kind = widget.NewSelect(nil, func(string) { h.Reload() })
	h.state = widget.NewSelect(nil, func(string) { h.Reload() })
	h.findings = widget.NewSelect(nil, func(string) { h.Reload() })
	h.checked = widget.NewSelect(nil, func(string) { h.Reload() })
	h.exportCSV = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), h.onExportCSV)
	h.exportXLSX = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), func() { h.onExport(export.XLSX) })
	h.cancelExport = widget.NewButtonWithIcon("", theme.CancelIcon(), h.onCancelExport)
	h.cancelExport.Hide()
	h.checkButton = widget.NewButtonWithIcon("", theme.SearchIcon(), h.CheckListed)
	h.progress = widget.NewProgressBar()
	h.progress.Hide()
	h.busy = widget.NewActivity()
	h.busy.Hide()
	h.count = widget.NewLabel("")
	h.table = widget.NewTableWithHeaders(h.size, env.CellLabel, h.updateCell)
	h.table.ShowHeaderColumn = false
	h.table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("", nil) }
	h.table.UpdateHeader = h.updateHeader
	h.table.OnSelected = h.onSelected
	// Column widths follow the table's width (fitTable).
	h.detail = invoice.New(e)
	h.detail.OnChange = h.Reload
	return h
}

// Content is the screen's widget tree.
func (h *Screen) Content() fyne.CanvasObject {
	dates := container.NewGridWithColumns(2, h.from, h.to)
	filters := container.NewGridWithColumns(4, h.search, dates, h.seller, h.clerk)
	selects := container.NewGridWithColumns(4, h.kind, h.state, h.findings, h.checked)
	bar := container.NewBorder(nil, nil, container.NewHBox(h.count, h.busy),
		container.NewHBox(h.checkButton, h.cancelExport, h.exportCSV, h.exportXLSX), h.progress)
	h.root = container.NewBorder(container.NewVBox(filters, selects, bar), nil, nil, nil, h.fitTable())
	return h.root
}

// Relabel puts the screen in the language chosen.
func (h *Screen) Relabel() {
	tr := h.e.Tr
	h.search.SetPlaceHolder(tr.T("history.search"))
	h.from.SetPlaceHolder(tr.T("history.from"))
	h.to.SetPlaceHolder(tr.T("history.to"))
	h.seller.SetPlaceHolder(tr.T("history.seller"))
	h.clerk.SetPlaceHolder(tr.T("history.clerk"))
	kinds := []string{tr.T("history.all_types")}
	for _, g := range typeChoices {
		kinds = append(kinds, g.name(tr))
	}
	sel := h.kind.SelectedIndex()
	h.kind.Options = kinds
	h.kind.SetSelectedIndex(max(sel, 0))
	states := []string{tr.T("history.all_states")}
	for _, s := range store.States {
		states = append(states, tr.T("state."+string(s)))
	}
	sel = h.state.SelectedIndex()
	h.state.Options = states
	h.state.SetSelectedIndex(max(sel, 0))
	sel = h.findings.SelectedIndex()
	h.findings.Options = []string{tr.T("history.all_results"), tr.T("history.with_findings"),
		tr.T("history.with_warnings"), tr.T("history.with_errors")}
	h.findings.SetSelectedIndex(max(sel, 0))
	checks := []string{tr.T("history.all_checks")}
	for _, o := range checkChoices[1:] {
		if o == store.CheckedNever {
			checks = append(checks, tr.T("history.never_checked"))
		} else {
			checks = append(checks, tr.T("check.outcome."+o))
		}
	}
	sel = h.checked.SelectedIndex()
	h.checked.Options = checks
	h.checked.SetSelectedIndex(max(sel, 0))
	h.checkButton.SetText(tr.T("history.check"))
	h.exportCSV.SetText(tr.T("history.export_csv"))
	h.exportXLSX.SetText(tr.T("history.export_xlsx"))
	h.cancelExport.SetText(tr.T("scan.cancel"))
	h.detail.Relabel()
	h.Reload()
}

// checkChoices are the choices of the check filter: all, then each answer
// of the tax authority, then never checked.
var checkChoices = []string{"", store.CheckAuthentic, store.CheckVoided, store.CheckRedReversed,
	store.CheckNotFound, store.CheckMismatch, store.CheckedNever}

// Search is the search entry (Ctrl+F).
func (h *Screen) Search() fyne.Focusable { return h.search }

// badDates are the dates typed that are not dates: the filter leaves them
// out, and the count says so.
func (h *Screen) badDates() []string {
	var bad []string
	for _, en := range []*widget.Entry{h.from, h.to} {
		text := strings.TrimSpace(en.Text)
		if _, err := store.ParseDate(text); text != "" && err != nil {
			bad = append(bad, text)
		}
	}
	return bad
}

// filter is the selection the filters make; invalid dates are left out
// (badDates).
func (h *Screen) filter() store.Filter {
	f := store.Filter{Query: strings.TrimSpace(env.NormalizeKeepSpace(h.search.Text)),
		Seller: strings.TrimSpace(h.seller.Text), Clerk: strings.TrimSpace(h.clerk.Text), Limit: historyLimit}
	if d, err := store.ParseDate(strings.TrimSpace(h.from.Text)); err == nil {
		f.From = d
	}
	if d, err := store.ParseDate(strings.TrimSpace(h.to.Text)); err == nil {
		f.To = d
	}
	if i := h.kind.SelectedIndex(); i > 0 {
		f.TypeCodes = typeChoices[i-1].codes
	}
	if i := h.state.SelectedIndex(); i > 0 {
		f.States = []store.State{store.States[i-1]}
	}
	if i := h.checked.SelectedIndex(); i > 0 {
		f.Checked = checkChoices[i]
	}
	switch h.findings.SelectedIndex() {
	case 1:
		f.Findings = store.FindingsAny
	case 2:
		f.Findings = store.FindingsWarning
	case 3:
		f.Findings = store.FindingsError
	}
	return f
}

// reloadSoon reloads once the clerk stops typing.
func (h *Screen) reloadSoon() {
	h.stopTyping()
	h.typing = h.e.Bridge.After(typingPause, h.find)
}

func (h *Screen) stopTyping() {
	if h.typing != nil {
		h.typing()
		h.typing = nil
	}
}

// Reset closes the invoice shown and searches again: the window now uses
// another history, whose invoices have other IDs.
func (h *Screen) Reset() {
	// The detail forgets its invoice before its dialog closes: the
	// dialog's close saves what was typed into the history now in use,
	// and this invoice is in the one before (see MainWindow.onHistory).
	h.detail.Clear()
	if h.detailDialog != nil {
		h.detailDialog.Hide()
	}
	h.Reload()
}

// Reload reads the invoices the filters select now.
func (h *Screen) Reload() {
	h.stopTyping()
	h.find()
}

// find reads the invoices the filters select, in the background: a search
// over a large history can take longer than a keystroke. Only the newest
// search's results are shown. A screen not shown is not searched: showing
// it searches.
func (h *Screen) find() {
	h.typing = nil
	if h.findings.Options == nil || (h.root != nil && !h.root.Visible()) {
		return
	}
	f, st := h.filter(), h.e.Store()
	h.busy.Show()
	h.busy.Start()
	h.searches.Run(func(ctx context.Context) (found, error) {
		page, err := st.Search(ctx, f)
		if err != nil {
			return found{}, err
		}
		total, err := st.Count(ctx, f)
		return found{rows: page.Invoices, total: total}, err
	}, h.show)
}

// show puts a search's results in the table.
func (h *Screen) show(r found, err error) {
	h.busy.Stop()
	h.busy.Hide()
	if tm := h.e.Team(); tm != nil {
		tm.Note(err)
	}
	if store.IsUnreachable(err) {
		// The team's server is away: what was listed may be stale, and
		// no invoice is to be acted on from it.
		h.rows = nil
		h.count.Importance = widget.DangerImportance
		h.count.SetText(h.e.Tr.T("history.unreachable"))
		h.table.Refresh()
		return
	}
	if err != nil {
		h.count.SetText(env.ErrorText(h.e.Tr, err))
		return
	}
	h.rows = r.rows
	h.sort()
	tr := h.e.Tr
	text := tr.F("history.count", r.total)
	if r.total > len(h.rows) {
		text = tr.F("history.count_more", len(h.rows), r.total)
	}
	h.count.Importance = widget.MediumImportance
	for _, d := range h.badDates() {
		text += " · " + tr.F("history.bad_date", d)
		h.count.Importance = widget.DangerImportance
	}
	h.count.SetText(text)
	h.table.UnselectAll()
	h.table.Refresh()
}

func (h *Screen) onSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(h.rows) {
		return
	}
	h.Open(h.rows[id.Row].ID)
	h.table.UnselectAll()
}

// Shown is the detail view while the history's dialog shows an invoice in
// it; nil once the dialog is closed (what was typed into it was saved as it
// closed, or the clerk told why not).
func (h *Screen) Shown() *invoice.View {
	if !h.detailShown {
		return nil
	}
	return h.detail
}

// Open shows one invoice in the detail view, over the table, once it is
// read from the history.
func (h *Screen) Open(invoiceID int64) {
	h.detail.LoadRecord(invoiceID, func(title string, err error) {
		if err != nil {
			h.showMessage(env.ErrorText(h.e.Tr, err))
			return
		}
		d := dialog.NewCustom(title, h.e.Tr.T("dialog.close"), h.detail.Content(), h.e.Win)
		d.Resize(fyne.NewSize(1100, 680))
		d.SetOnClosed(func() {
			h.detailShown = false
			h.detail.Leave()
		})
		h.detailDialog, h.detailShown = d, true
		d.Show()
	})
}

func (h *Screen) showMessage(text string) {
	h.message = dialog.NewInformation(h.e.Tr.T("history.title"), text, h.e.Win)
	h.message.Show()
}
