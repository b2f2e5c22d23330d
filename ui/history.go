package ui

import (
	"cmp"
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// historyLimit bounds the rows the table loads; the count says when there
// are more, and the filters narrow them down.
const historyLimit = 2000

var historyColumns = []string{"history.col.number", "history.col.date", "history.col.seller",
	"history.col.total", "history.col.state", "history.col.result"}

// historyScreen finds recorded invoices, opens them, and exports what it shows.
type historyScreen struct {
	e *env

	search, from, to, seller *widget.Entry
	kind, state, findings    *widget.Select
	exportCSV, exportXLSX    *widget.Button
	cancelExport             *widget.Button
	progress                 *widget.ProgressBar
	busy                     *widget.Activity
	count                    *widget.Label
	table                    *widget.Table
	root                     fyne.CanvasObject

	// searchSeq numbers the searches: the results of one that a newer
	// search overtook are dropped.
	searchSeq    int
	cancelSearch context.CancelFunc
	searching    sync.WaitGroup
	typing       *time.Timer // the search that waits for the next keystroke

	rows            []store.Invoice
	sortCol         int
	sortDesc        bool
	detail          *detailView
	detailDialog    dialog.Dialog
	saveDialog      *dialog.FileDialog
	message         dialog.Dialog
	exporting       sync.WaitGroup
	cancel          context.CancelFunc
	lastExportError error
}

func newHistoryScreen(e *env) *historyScreen {
	h := &historyScreen{e: e, sortCol: 1, sortDesc: true}
	h.search = widget.NewEntry()
	h.search.OnSubmitted = func(string) { h.reload() }
	h.search.OnChanged = func(string) { h.reloadSoon() }
	h.from, h.to, h.seller = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	for _, en := range []*widget.Entry{h.from, h.to, h.seller} {
		en.OnSubmitted = func(string) { h.reload() }
	}
	h.kind = widget.NewSelect(nil, func(string) { h.reload() })
	h.state = widget.NewSelect(nil, func(string) { h.reload() })
	h.findings = widget.NewSelect(nil, func(string) { h.reload() })
	h.exportCSV = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), func() { h.onExport(export.CSV) })
	h.exportXLSX = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), func() { h.onExport(export.XLSX) })
	h.cancelExport = widget.NewButtonWithIcon("", theme.CancelIcon(), h.onCancelExport)
	h.cancelExport.Hide()
	h.progress = widget.NewProgressBar()
	h.progress.Hide()
	h.busy = widget.NewActivity()
	h.busy.Hide()
	h.count = widget.NewLabel("")
	h.table = widget.NewTableWithHeaders(h.size, h.createCell, h.updateCell)
	h.table.ShowHeaderColumn = false
	h.table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("", nil) }
	h.table.UpdateHeader = h.updateHeader
	h.table.OnSelected = h.onSelected
	for i, w := range []float32{220, 140, 300, 150, 100, 120} {
		h.table.SetColumnWidth(i, w)
	}
	h.detail = newDetailView(e)
	h.detail.onChange = h.reload
	return h
}

func (h *historyScreen) content() fyne.CanvasObject {
	dates := container.NewGridWithColumns(2, h.from, h.to)
	filters := container.NewGridWithColumns(3, h.search, dates, h.seller)
	selects := container.NewGridWithColumns(3, h.kind, h.state, h.findings)
	bar := container.NewBorder(nil, nil, container.NewHBox(h.count, h.busy),
		container.NewHBox(h.cancelExport, h.exportCSV, h.exportXLSX), h.progress)
	h.root = container.NewBorder(container.NewVBox(filters, selects, bar), nil, nil, nil, h.table)
	return h.root
}

func (h *historyScreen) relabel() {
	tr := h.e.tr
	h.search.SetPlaceHolder(tr.T("history.search"))
	h.from.SetPlaceHolder(tr.T("history.from"))
	h.to.SetPlaceHolder(tr.T("history.to"))
	h.seller.SetPlaceHolder(tr.T("history.seller"))
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
	h.exportCSV.SetText(tr.T("history.export_csv"))
	h.exportXLSX.SetText(tr.T("history.export_xlsx"))
	h.cancelExport.SetText(tr.T("scan.cancel"))
	h.detail.relabel()
	h.reload()
}

// filter is the selection the filters make; invalid dates are ignored.
func (h *historyScreen) filter() store.Filter {
	f := store.Filter{Query: strings.TrimSpace(normalizeGunKeepSpace(h.search.Text)),
		Seller: strings.TrimSpace(h.seller.Text), Limit: historyLimit}
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

// normalizeGunKeepSpace is normalizeGun for search text, where a seller's
// name may contain spaces.
func normalizeGunKeepSpace(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// typingPause is how long the search waits for the next keystroke: one
// search per number typed, not one per digit.
const typingPause = 200 * time.Millisecond

// reloadSoon reloads once the clerk stops typing.
func (h *historyScreen) reloadSoon() {
	h.stopTyping()
	h.searching.Add(1)
	h.typing = time.AfterFunc(typingPause, func() {
		defer h.searching.Done()
		fyne.Do(h.find)
	})
}

func (h *historyScreen) stopTyping() {
	if h.typing != nil && h.typing.Stop() {
		h.searching.Done() // it will not run
	}
	h.typing = nil
}

// reload reads the invoices the filters select now.
func (h *historyScreen) reload() {
	h.stopTyping()
	h.find()
}

// find reads the invoices the filters select, on a goroutine: a search
// over a large history can take longer than a keystroke. Only the newest
// search's results are shown. A screen not shown is not searched: showing
// it searches.
func (h *historyScreen) find() {
	if h.findings.Options == nil || (h.root != nil && !h.root.Visible()) {
		return
	}
	f := h.filter()
	if h.cancelSearch != nil {
		h.cancelSearch()
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancelSearch = cancel
	h.searchSeq++
	seq := h.searchSeq
	h.busy.Show()
	h.busy.Start()
	h.searching.Add(1)
	go func() {
		defer h.searching.Done()
		defer cancel()
		page, err := h.e.st.Search(ctx, f)
		total := 0
		if err == nil {
			total, err = h.e.st.Count(ctx, f)
		}
		fyne.Do(func() {
			if seq != h.searchSeq {
				return // a newer search is under way
			}
			h.busy.Stop()
			h.busy.Hide()
			h.show(page.Invoices, total, err)
		})
	}()
}

// show puts a search's results in the table.
func (h *historyScreen) show(rows []store.Invoice, total int, err error) {
	if err != nil {
		h.count.SetText(errorText(h.e.tr, err))
		return
	}
	h.rows = rows
	h.sort()
	if total > len(h.rows) {
		h.count.SetText(h.e.tr.F("history.count_more", len(h.rows), total))
	} else {
		h.count.SetText(h.e.tr.F("history.count", total))
	}
	h.table.UnselectAll()
	h.table.Refresh()
}

// wait blocks until every search has shown its results (tests).
func (h *historyScreen) wait() { h.searching.Wait() }

func (h *historyScreen) sort() {
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
		case 5:
			return string(inv.Severity)
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

func (h *historyScreen) size() (int, int) { return len(h.rows), len(historyColumns) }

func (h *historyScreen) createCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (h *historyScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	inv := &h.rows[id.Row]
	tr := h.e.tr
	l.Importance = widget.MediumImportance
	l.Alignment = fyne.TextAlignLeading
	switch id.Col {
	case 0:
		l.Text = inv.Number
	case 1:
		l.Text = formatISODate(tr, inv.Date)
	case 2:
		l.Text = orPlaceholder(inv.SellerName)
	case 3:
		l.Text = formatDecimal(inv.Total)
		if inv.Total == nil {
			l.Text = formatDecimal(inv.Amount)
		}
		l.Alignment = fyne.TextAlignTrailing
	case 4:
		l.Text = tr.T("state." + string(inv.State))
	case 5:
		l.Text, l.Importance = resultText(tr, inv.Severity)
	}
	l.Refresh()
}

func resultText(tr *Translator, s finding.Severity) (string, widget.Importance) {
	switch s {
	case finding.Error:
		return tr.T("result.error"), widget.DangerImportance
	case finding.Warning:
		return tr.T("result.warning"), widget.WarningImportance
	}
	return tr.T("result.ok"), widget.SuccessImportance
}

func (h *historyScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 {
		return
	}
	text := h.e.tr.T(historyColumns[id.Col])
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
func (h *historyScreen) sortBy(col int) {
	if h.sortCol == col {
		h.sortDesc = !h.sortDesc
	} else {
		h.sortCol, h.sortDesc = col, false
	}
	h.sort()
	h.table.Refresh()
}

func (h *historyScreen) onSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(h.rows) {
		return
	}
	h.open(h.rows[id.Row].ID)
	h.table.UnselectAll()
}

// open shows one invoice in the detail view, over the table.
func (h *historyScreen) open(invoiceID int64) {
	inv, err := h.e.st.Get(context.Background(), invoiceID)
	if err != nil {
		h.showMessage(errorText(h.e.tr, err))
		return
	}
	h.detail.showRecord(inv)
	d := dialog.NewCustom(inv.Identity, h.e.tr.T("dialog.close"), h.detail.content(), h.e.win)
	d.Resize(fyne.NewSize(1100, 680))
	h.detailDialog = d
	d.Show()
}

// --- export ---

func (h *historyScreen) onExport(f export.Format) {
	name := "fapiao." + string(f)
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		h.exportTo(path, f)
	}, h.e.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + string(f)}))
	h.saveDialog = d
	d.Show()
	d.Resize(fyne.NewSize(900, 600))
}

// exportTo writes the invoices the filters select to path, on a goroutine,
// with a progress bar and a cancel button.
func (h *historyScreen) exportTo(path string, format export.Format) {
	f := h.filter()
	f.Limit = 0
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	total, _ := h.e.st.Count(ctx, f)
	h.progress.Max = float64(max(total, 1))
	h.progress.SetValue(0)
	h.progress.Show()
	h.cancelExport.Show()
	h.exportCSV.Disable()
	h.exportXLSX.Disable()
	h.exporting.Add(1)
	go func() {
		defer h.exporting.Done()
		sum, err := h.write(ctx, path, format, f)
		fyne.Do(func() {
			cancel()
			h.progress.Hide()
			h.cancelExport.Hide()
			h.exportCSV.Enable()
			h.exportXLSX.Enable()
			h.lastExportError = err
			if err != nil {
				h.showMessage(errorText(h.e.tr, err))
				return
			}
			h.showMessage(h.e.tr.F("history.exported", sum.Rows, path))
		})
	}()
}

func (h *historyScreen) write(ctx context.Context, path string, format export.Format, f store.Filter) (export.Summary, error) {
	out, err := os.Create(path)
	if err != nil {
		return export.Summary{}, err
	}
	n := 0
	src := func(fn func(*store.Invoice) error) error {
		return h.e.st.Each(ctx, f, func(inv *store.Invoice) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			n++
			if n%50 == 0 {
				done := n
				fyne.Do(func() { h.progress.SetValue(float64(done)) })
			}
			return fn(inv)
		})
	}
	sum, err := export.Write(out, format, src)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return sum, err
}

func (h *historyScreen) onCancelExport() {
	if h.cancel != nil {
		h.cancel()
	}
}

func (h *historyScreen) showMessage(text string) {
	h.message = dialog.NewInformation(h.e.tr.T("history.title"), text, h.e.win)
	h.message.Show()
}

// typeChoice is one entry of the type filter: a group of type codes named
// by a translation key, or one type named as it is printed.
type typeChoice struct {
	key   string // "" for one type
	codes []string
}

func (c typeChoice) name(tr *Translator) string {
	if c.key != "" {
		return tr.T(c.key)
	}
	zh, en, _ := payload.TypeName(c.codes[0])
	if tr.Lang() == "zh" {
		return zh
	}
	return sentence(en)
}

// typeChoices are the groups clerks ask for (every special invoice, paper,
// electronic or 数电; every 数电 invoice), then each type, the common first.
var typeChoices = []typeChoice{
	{"history.types.special", []string{"01", "02", "20", "31"}},
	{"history.types.ordinary", []string{"04", "10", "11", "14", "32"}},
	{"history.types.digital", []string{"31", "32", "33", "34", "51", "61"}},
	{"", []string{"31"}}, {"", []string{"32"}}, {"", []string{"01"}}, {"", []string{"04"}},
	{"", []string{"20"}}, {"", []string{"10"}}, {"", []string{"11"}}, {"", []string{"14"}},
	{"", []string{"02"}}, {"", []string{"03"}}, {"", []string{"15"}}, {"", []string{"33"}},
	{"", []string{"34"}}, {"", []string{"51"}}, {"", []string{"61"}},
}
