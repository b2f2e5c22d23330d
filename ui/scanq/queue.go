// Package scanq is the scan screen, the clerk's desk: every way in (a drop,
// the open dialogs, a paste, a scanner gun, the camera) feeds one queue
// through one pipeline, and the item selected is shown beside it.
package scanq

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/pick"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
)

// queueItem is one line of the queue: one invoice of a file or of a text, or
// a file that gave none.
type queueItem struct {
	invoice.Scanned
	status status
	// state is the invoice's reimbursement state in the history, as last
	// heard ("" when not recorded).
	state store.State
}

// Screen is the scan screen: the queue on the left, the selected item on
// the right. Its methods are called on the UI goroutine.
type Screen struct {
	e *env.Env

	gun                                   *gunEntry
	gunLabel                              *widget.Label
	openButton, folderButton, pasteButton *widget.Button
	typeButton                            *widget.Button
	cancelButton, checkButton             *widget.Button
	progress                              *widget.ProgressBar
	progressLabel                         *widget.Label
	summary                               *widget.Label
	problemsOnly                          *widget.Check
	empty                                 *widget.Label
	list                                  *widget.List
	detail                                *invoice.View

	items []*queueItem
	// shown are the indexes into items of the lines the list shows: every
	// item, or only those with a problem.
	shown []int
	// selected is the index into items of the item shown in detail.
	selected int
	// syncing: the list's selection is being set to match selected, which
	// it already shows.
	syncing bool
	// showNext: the next items to come in are selected and scrolled to,
	// as the clerk has just added something.
	showNext bool
	// gen counts the Resets: a batch started before one adds nothing.
	gen int

	// The batches running: they share one cancel button and one count.
	ctx         context.Context
	cancel      context.CancelFunc
	running     int
	done, total int
	openDialog  *dialog.FileDialog
	picker      *pick.Dialog        // the open dialog (Ctrl+O), kept for tests
	batch       *invoice.BatchCheck // the last batch check started
	entry       *entryForm          // the form last opened to type an invoice in

	// reading is what OCR is reading now, said under the progress bar:
	// the file's name and the regions read of those planned ("" when
	// nothing is being read).
	reading string
	// ocrStatus says whether printed values can be read from pictures
	// (the scanner's OCRStatus); ocrSaid: the clerk was told it cannot.
	ocrStatus func() error
	ocrSaid   bool
	// ocrNote is the dialog that told it, kept for tests.
	ocrNote dialog.Dialog

	// beforeTake, when set (by tests), is called on the batch's goroutine
	// with each file's path before it is taken: a test holds a batch at a
	// known file with it.
	beforeTake func(path string)
}

// New builds the scan screen, with an empty queue.
func New(e *env.Env) *Screen {
	s := &Screen{e: e, selected: -1}
	s.gun = newGunEntry(s.onGun, s.Paste)
	s.gunLabel = widget.NewLabel("")
	s.openButton = widget.NewButtonWithIcon("", theme.FileIcon(), s.Open)
	s.folderButton = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), s.openFolder)
	s.pasteButton = widget.NewButtonWithIcon("", theme.ContentPasteIcon(), s.Paste)
	s.typeButton = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), s.TypeIn)
	s.cancelButton = widget.NewButtonWithIcon("", theme.CancelIcon(), s.onCancel)
	s.cancelButton.Hide()
	s.checkButton = widget.NewButtonWithIcon("", theme.SearchIcon(), s.CheckAll)
	s.checkButton.Hide()
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.progressLabel = widget.NewLabel("")
	s.progressLabel.Hide()
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.problemsOnly = widget.NewCheck("", func(bool) { s.refreshQueue() })
	s.empty = widget.NewLabel("")
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Alignment = fyne.TextAlignCenter
	s.list = widget.NewList(s.length, s.createItem, s.updateItem)
	s.list.OnSelected = s.onSelected
	s.ocrStatus = e.Scanner.OCRStatus
	// Reading a picture's printed values takes seconds: the clerk sees
	// how it goes, and may cancel it with the batch.
	e.Scanner.OnOCR = func(file string, done, total int) { fyne.Do(func() { s.onOCR(file, done, total) }) }
	s.detail = invoice.New(e)
	s.detail.OnRecorded = s.onRecorded
	s.detail.OnTypeIn = s.typeIn
	s.Relabel()
	return s
}

// onRecorded shows on every item of an invoice what the history now finds
// on it: a value typed that disagrees with the QR code, an answer of the
// tax authority, a blacklisting since the scan. What the scan itself found
// stays; the history can only make an item's status worse.
func (s *Screen) onRecorded(inv *store.Invoice) {
	changed := false
	for _, it := range s.items {
		scanned := it.Invoice()
		if scanned == nil || scanned.Recorded == nil || scanned.Recorded.InvoiceID != inv.ID {
			continue
		}
		if st := min(statusOf(scanned), recordStatus(inv.Findings)); st != it.status || inv.State != it.state {
			it.status, it.state, changed = st, inv.State, true
		}
	}
	if changed {
		s.refreshQueue()
	}
}

// Sent shows on the items the outbox kept what the server said when it
// sent them: recorded, or a duplicate of what another clerk recorded
// meanwhile.
func (s *Screen) Sent(sent []outbox.Sent) {
	byID := map[int64]outbox.Sent{}
	for _, x := range sent {
		byID[x.ID] = x
	}
	changed := false
	for i, it := range s.items {
		if it.File == nil {
			continue
		}
		if x, ok := byID[it.File.OutboxID]; ok && it.File.Queued {
			it.File.Recorded(x.Recorded)
		}
		inv := it.Invoice()
		if inv == nil || inv.Recorded == nil || it.File.OutboxID == 0 || byID[it.File.OutboxID].ID == 0 {
			continue
		}
		it.status, it.state, changed = statusOf(inv), inv.Recorded.State, true
		if i == s.selected {
			s.detail.ShowScanned(it.Scanned)
		}
	}
	if changed {
		s.refreshQueue()
	}
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject {
	gunRow := container.NewBorder(nil, nil, s.gunLabel, nil, s.gun)
	buttons := container.NewGridWithColumns(2, s.openButton, s.folderButton, s.pasteButton, s.typeButton)
	progress := container.NewBorder(nil, nil, nil, s.cancelButton, container.NewVBox(s.progressLabel, s.progress))
	tools := container.NewBorder(nil, nil, s.problemsOnly, s.checkButton)
	top := container.NewVBox(gunRow, buttons, progress, s.summary, tools)
	queue := container.NewBorder(top, nil, nil, nil, container.NewStack(s.list, container.NewPadded(s.empty)))
	split := container.NewHSplit(queue, s.detail.Content())
	split.SetOffset(0.3)
	return split
}

// Relabel puts the screen in the language chosen.
func (s *Screen) Relabel() {
	tr := s.e.Tr
	s.gunLabel.SetText(tr.T("scan.gun"))
	s.gun.SetPlaceHolder(tr.T("scan.gun.placeholder"))
	s.openButton.SetText(tr.T("scan.open"))
	s.folderButton.SetText(tr.T("scan.open_folder"))
	s.pasteButton.SetText(tr.T("scan.paste"))
	s.typeButton.SetText(tr.T("scan.type_in"))
	s.cancelButton.SetText(tr.T("scan.cancel"))
	s.checkButton.SetText(tr.T("scan.check_all"))
	s.problemsOnly.SetText(tr.T("scan.problems_only"))
	s.empty.SetText(tr.T("scan.empty"))
	s.refreshQueue()
	s.detail.Relabel()
}

// Detail is the view of the item selected.
func (s *Screen) Detail() *invoice.View { return s.detail }

// Gun is the entry a scanner gun types into: it keeps the focus.
func (s *Screen) Gun() fyne.Focusable { return s.gun }

// AddShortcut makes the window's shortcut named name (fyne.Shortcut's
// ShortcutName) work while the gun's entry has the focus, which it keeps.
func (s *Screen) AddShortcut(name string, fn func()) { s.gun.shortcuts[name] = fn }

// --- the queue ---

func (s *Screen) length() int { return len(s.shown) }

func (s *Screen) createItem() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), widget.NewLabel(""), name)
}

func (s *Screen) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	it := s.items[s.shown[id]]
	c := o.(*fyne.Container)
	name, icon, state := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon), c.Objects[2].(*widget.Label)
	icon.SetResource(it.status.icon())
	text := it.Name
	if textSource(it.Source) {
		text = s.e.Tr.T("source."+string(it.Source)) + "  " + itemTitle(it)
	} else if inv := it.Invoice(); inv != nil && len(it.File.Invoices) > 1 {
		text = fmt.Sprintf("%s · %s", it.Name, itemTitle(it))
	}
	name.SetText(text)
	state.SetText(s.itemState(it))
	if it.status <= statusInvalid {
		state.Importance = widget.DangerImportance
	} else if it.status == statusWarning {
		state.Importance = widget.WarningImportance
	} else {
		state.Importance = widget.SuccessImportance
	}
	state.Refresh()
	c.Refresh()
}

// itemState is what an item's line says of it: its status, and its state
// in the history once it is anything but 未报销 (已报销, say).
func (s *Screen) itemState(it *queueItem) string {
	text := s.e.Tr.T(it.status.key())
	if it.File != nil && it.File.Queued {
		text += s.e.Tr.T("list.sep") + s.e.Tr.T("team.waiting")
	}
	if it.Reading {
		text += s.e.Tr.T("list.sep") + s.e.Tr.T("scan.reading_printed")
	}
	if it.state != "" && it.state != store.StateNew {
		text += s.e.Tr.T("list.sep") + s.e.Tr.T("state."+string(it.state))
	}
	return text
}

// textSource says whether items from src come without a file name to show
// (a scanner gun, a paste, a webcam frame, an invoice typed from the
// paper): they are named by their invoice.
func textSource(src store.Source) bool {
	return src == store.SourceGun || src == store.SourcePaste || src == store.SourceCamera || src == store.SourceTyped
}

// itemTitle names an item's invoice by its number, else its text.
func itemTitle(it *queueItem) string {
	inv := it.Invoice()
	switch {
	case inv != nil && inv.QR != nil && inv.QR.Number != "":
		return inv.QR.Number
	case inv != nil && inv.Printed != nil && inv.Printed.Number != "":
		return inv.Printed.Number
	case inv != nil && inv.Typed[store.PrintedNumber] != "":
		return inv.Typed[store.PrintedNumber]
	case inv != nil && inv.QR != nil:
		return inv.QR.Raw
	}
	return it.Name
}

func (s *Screen) refreshQueue() {
	if len(s.items) == 0 {
		s.empty.Show()
		s.summary.SetText("")
	} else {
		s.empty.Hide()
		s.summary.SetText(s.summaryText())
	}
	if len(s.recordedIDs()) > 0 {
		s.checkButton.Show()
	} else {
		s.checkButton.Hide()
	}
	before := s.shown
	s.shown = s.shown[:0:0]
	for i, it := range s.items {
		if !s.problemsOnly.Checked || it.status < statusWarning {
			s.shown = append(s.shown, i)
		}
	}
	s.list.Refresh()
	if !slices.Equal(before, s.shown) {
		s.syncSelection()
	}
}

// lineOf is the list's line of the item at index i of items, if shown.
func (s *Screen) lineOf(i int) (widget.ListItemID, bool) {
	line, found := slices.BinarySearch(s.shown, i)
	return line, found && i >= 0
}

// syncSelection selects the line of the item shown in detail, or none
// when the list does not show it, without showing it again.
func (s *Screen) syncSelection() {
	s.syncing = true
	defer func() { s.syncing = false }()
	if line, ok := s.lineOf(s.selected); ok {
		s.list.Select(line)
	} else {
		s.list.UnselectAll()
	}
}

// recordedIDs are the history's IDs of the queue's invoices, in the
// queue's order, each once.
func (s *Screen) recordedIDs() []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, it := range s.items {
		if inv := it.Invoice(); inv != nil && inv.Recorded != nil && !seen[inv.Recorded.InvoiceID] {
			seen[inv.Recorded.InvoiceID] = true
			ids = append(ids, inv.Recorded.InvoiceID)
		}
	}
	return ids
}

// CheckAll asks the tax authority about every invoice in the queue (查验),
// each once; the queue and the invoice shown take the answers as they come.
func (s *Screen) CheckAll() {
	s.batch = invoice.CheckBatch(s.e, s.recordedIDs(), func(inv *store.Invoice) {
		s.onRecorded(inv)
		s.detail.Changed(inv.ID)
	})
}

// summaryText counts the queue by status, problems first, so that nothing
// wrong hides further down the list.
func (s *Screen) summaryText() string {
	counts := make(map[status]int)
	for _, it := range s.items {
		counts[it.status]++
	}
	parts := []string{s.e.Tr.F("scan.summary", len(s.items))}
	for st := statusUnreadable; st <= statusOK; st++ {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s.e.Tr.T(st.key()), counts[st]))
		}
	}
	return strings.Join(parts, s.e.Tr.T("list.sep"))
}

func (s *Screen) onSelected(line widget.ListItemID) {
	if s.syncing || line < 0 || line >= len(s.shown) {
		return
	}
	s.selected = s.shown[line]
	s.detail.ShowScanned(s.items[s.selected].Scanned)
}
