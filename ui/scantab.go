package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// flushEvery is how often at most a running batch hands its results to the
// queue: often enough to look live, rarely enough that 1,000 files do not
// flood the UI goroutine with refreshes (see handover).
const flushEvery = 100 * time.Millisecond

// queueItem is one line of the queue: one invoice of a file or of a text, or
// a file that gave none.
type queueItem struct {
	name   string
	source store.Source
	file   *scan.FileResult
	index  int // into file.Invoices; -1 when the file gave no invoice
	status status
}

func (it *queueItem) invoice() *scan.Invoice {
	if it.index < 0 {
		return nil
	}
	return &it.file.Invoices[it.index]
}

// input is one thing to scan: a file (path) or a payload (text), with
// the frame a webcam read the payload in (JPEG).
type input struct {
	path, text string
	source     store.Source
	frame      []byte
}

// scanTab is the clerk's desk: every way in (drop, open, paste, scanner
// gun) feeds the queue on the left; the selected item is shown on the right.
type scanTab struct {
	e *env

	gun                                   *gunEntry
	gunLabel                              *widget.Label
	openButton, folderButton, pasteButton *widget.Button
	cancelButton                          *widget.Button
	progress                              *widget.ProgressBar
	progressLabel                         *widget.Label
	summary                               *widget.Label
	empty                                 *widget.Label
	list                                  *widget.List
	detail                                *detailView

	items    []*queueItem
	selected int

	ctx         context.Context
	cancel      context.CancelFunc
	running     int
	done, total int
	batches     sync.WaitGroup
	openDialog  *dialog.FileDialog
	errorDialog dialog.Dialog
}

func newScanTab(e *env) *scanTab {
	s := &scanTab{e: e, selected: -1}
	s.gun = newGunEntry(s.onGun, s.onPaste)
	s.gunLabel = widget.NewLabel("")
	s.openButton = widget.NewButtonWithIcon("", theme.FileIcon(), s.onOpen)
	s.folderButton = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), s.onOpenFolder)
	s.pasteButton = widget.NewButtonWithIcon("", theme.ContentPasteIcon(), s.onPaste)
	s.cancelButton = widget.NewButtonWithIcon("", theme.CancelIcon(), s.onCancel)
	s.cancelButton.Hide()
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.progressLabel = widget.NewLabel("")
	s.progressLabel.Hide()
	s.summary = widget.NewLabel("")
	s.summary.Truncation = fyne.TextTruncateEllipsis
	s.empty = widget.NewLabel("")
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Alignment = fyne.TextAlignCenter
	s.list = widget.NewList(s.length, s.createItem, s.updateItem)
	s.list.OnSelected = s.onSelected
	s.detail = newDetailView(e)
	s.relabel()
	return s
}

func (s *scanTab) content() fyne.CanvasObject {
	gunRow := container.NewBorder(nil, nil, s.gunLabel, nil, s.gun)
	buttons := container.NewGridWithColumns(3, s.openButton, s.folderButton, s.pasteButton)
	progress := container.NewBorder(nil, nil, nil, s.cancelButton, container.NewVBox(s.progressLabel, s.progress))
	top := container.NewVBox(gunRow, buttons, progress, s.summary)
	queue := container.NewBorder(top, nil, nil, nil, container.NewStack(s.list, container.NewPadded(s.empty)))
	split := container.NewHSplit(queue, s.detail.content())
	split.SetOffset(0.3)
	return split
}

func (s *scanTab) relabel() {
	tr := s.e.tr
	s.gunLabel.SetText(tr.T("scan.gun"))
	s.gun.SetPlaceHolder(tr.T("scan.gun.placeholder"))
	s.openButton.SetText(tr.T("scan.open"))
	s.folderButton.SetText(tr.T("scan.open_folder"))
	s.pasteButton.SetText(tr.T("scan.paste"))
	s.cancelButton.SetText(tr.T("scan.cancel"))
	s.empty.SetText(tr.T("scan.empty"))
	s.refreshQueue()
	s.detail.relabel()
}

// --- ways in ---

// onDropped takes files and folders dropped anywhere on the window.
func (s *scanTab) onDropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	s.addPaths(paths)
}

func (s *scanTab) onOpen() {
	s.openDialog = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.addPaths([]string{path})
	}, s.e.win)
	// After Show: before it, Fyne 2.8's file dialog has nothing to resize.
	s.openDialog.Show()
	s.openDialog.Resize(fyne.NewSize(900, 600))
}

func (s *scanTab) onOpenFolder() {
	s.openDialog = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.addPaths([]string{u.Path()})
	}, s.e.win)
	// After Show: before it, Fyne 2.8's file dialog has nothing to resize.
	s.openDialog.Show()
	s.openDialog.Resize(fyne.NewSize(900, 600))
}

// onPaste scans each line of the clipboard as a payload.
func (s *scanTab) onPaste() {
	text := s.e.app.Clipboard().Content()
	var in []input
	for _, line := range strings.Split(text, "\n") {
		if line = normalizeGun(line); line != "" {
			in = append(in, input{text: line, source: store.SourcePaste})
		}
	}
	s.start(in)
}

func (s *scanTab) onGun(text string) {
	s.start([]input{{text: text, source: store.SourceGun}})
}

// addPaths scans files as files and folders as what they hold.
func (s *scanTab) addPaths(paths []string) {
	var in []input
	for _, p := range paths {
		src := store.SourceFile
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			src = store.SourceFolder
		}
		in = append(in, input{path: p, source: src})
	}
	s.start(in)
}

// --- the batch ---

// start runs in on a goroutine. Folders are expanded there too: a folder
// of thousands of files must not hold up the window.
func (s *scanTab) start(in []input) {
	if len(in) == 0 {
		return
	}
	if s.running == 0 {
		var ctx context.Context
		ctx, s.cancel = context.WithCancel(context.Background())
		s.ctx = ctx
		s.done, s.total = 0, 0
	}
	ctx := s.ctx
	s.running++
	s.total += len(in)
	s.showProgress()
	s.batches.Add(1)
	go func() {
		defer s.batches.Done()
		s.run(ctx, in)
	}()
}

func (s *scanTab) run(ctx context.Context, in []input) {
	var files []input
	var texts []input
	for _, i := range in {
		switch {
		case i.text != "":
			texts = append(texts, i)
		case i.source == store.SourceFolder:
			found, _ := scan.Expand([]string{i.path})
			for _, f := range found {
				files = append(files, input{path: f, source: store.SourceFolder})
			}
		default:
			files = append(files, i)
		}
	}
	extra := len(files) + len(texts) - len(in)
	fyne.Do(func() { s.total += extra; s.showProgress() })

	out := newHandover(s.append)
	take := func(r scan.FileResult, src store.Source, name string) {
		// Once cancelled, what is still coming back (files read half-way,
		// cut short) is dropped; what is taken is recorded whole.
		if ctx.Err() != nil {
			return
		}
		if err := scan.Save(context.WithoutCancel(ctx), s.e.st, src, &r); err != nil {
			notRecorded(&r, err)
		}
		out.add(itemsOf(&r, src, name))
	}
	for _, t := range texts {
		if ctx.Err() != nil {
			break
		}
		r := s.e.scanner.Text(t.text)
		r.Frame = t.frame
		take(r, t.source, t.text)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	n := 0
	s.e.scanner.Run(ctx, paths, 0, func(_ int, r scan.FileResult) {
		src := files[n].source
		n++
		take(r, src, filepath.Base(r.File))
	})
	fyne.Do(func() {
		out.flush()
		s.running--
		if s.running == 0 {
			s.cancel()
		}
		s.showProgress()
	})
}

// notRecorded marks every invoice of r as missing from the history: it was
// not checked for duplicates, which the clerk must know.
func notRecorded(r *scan.FileResult, err error) {
	f := finding.New("not_recorded", finding.Error, "", "未能记入历史，未检查是否重复：%v",
		"not recorded in the history, not checked for duplicates: %v", err)
	for i := range r.Invoices {
		r.Invoices[i].Findings = append(r.Invoices[i].Findings, f)
	}
}

func itemsOf(r *scan.FileResult, src store.Source, name string) []*queueItem {
	if len(r.Invoices) == 0 {
		return []*queueItem{{name: name, source: src, file: r, index: -1, status: fileStatus(r)}}
	}
	items := make([]*queueItem, len(r.Invoices))
	for i := range r.Invoices {
		items[i] = &queueItem{name: name, source: src, file: r, index: i, status: statusOf(&r.Invoices[i])}
	}
	return items
}

func (s *scanTab) append(batch []*queueItem) {
	if len(batch) == 0 {
		return
	}
	first := len(s.items)
	s.items = append(s.items, batch...)
	s.done += countFiles(batch)
	s.refreshQueue()
	s.showProgress()
	// The newest code from a gun or a paste is what the clerk looks at next;
	// for a batch, its first item when nothing is selected yet.
	if s.selected < 0 || textSource(batch[0].source) {
		s.list.Select(first)
		s.list.ScrollTo(first)
	}
}

// countFiles counts the inputs batch completes: its last item of each.
func countFiles(batch []*queueItem) int {
	n := 0
	for _, it := range batch {
		if it.index <= 0 {
			n++
		}
	}
	return n
}

func (s *scanTab) onCancel() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *scanTab) showProgress() {
	if s.running == 0 {
		s.progress.Hide()
		s.progressLabel.Hide()
		s.cancelButton.Hide()
		return
	}
	s.progress.Max = float64(max(s.total, 1))
	s.progress.SetValue(float64(min(s.done, s.total)))
	s.progressLabel.SetText(s.e.tr.F("scan.progress", s.done, s.total))
	s.progress.Show()
	s.progressLabel.Show()
	s.cancelButton.Show()
}

// wait blocks until every batch and every detail load has finished (tests).
func (s *scanTab) wait() {
	s.batches.Wait()
	s.detail.wait()
}

// --- the queue ---

func (s *scanTab) length() int { return len(s.items) }

func (s *scanTab) createItem() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), widget.NewLabel(""), name)
}

func (s *scanTab) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	it := s.items[id]
	c := o.(*fyne.Container)
	name, icon, state := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon), c.Objects[2].(*widget.Label)
	icon.SetResource(it.status.icon())
	text := it.name
	if textSource(it.source) {
		text = s.e.tr.T("source."+string(it.source)) + "  " + itemTitle(it)
	} else if inv := it.invoice(); inv != nil && len(it.file.Invoices) > 1 {
		text = fmt.Sprintf("%s · %s", it.name, itemTitle(it))
	}
	name.SetText(text)
	state.SetText(s.e.tr.T(it.status.key()))
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

// textSource says whether items from src come without a file name to show
// (a scanner gun, a paste, a webcam frame): they are named by their invoice.
func textSource(src store.Source) bool {
	return src == store.SourceGun || src == store.SourcePaste || src == store.SourceCamera
}

// itemTitle names an item's invoice by its number, else its text.
func itemTitle(it *queueItem) string {
	inv := it.invoice()
	switch {
	case inv != nil && inv.QR != nil && inv.QR.Number != "":
		return inv.QR.Number
	case inv != nil && inv.Printed != nil && inv.Printed.Number != "":
		return inv.Printed.Number
	case inv != nil && inv.QR != nil:
		return inv.QR.Raw
	}
	return it.name
}

func (s *scanTab) refreshQueue() {
	if len(s.items) == 0 {
		s.empty.Show()
		s.summary.SetText("")
	} else {
		s.empty.Hide()
		s.summary.SetText(s.summaryText())
	}
	s.list.Refresh()
}

// summaryText counts the queue by status, problems first, so that nothing
// wrong hides further down the list.
func (s *scanTab) summaryText() string {
	counts := make(map[status]int)
	for _, it := range s.items {
		counts[it.status]++
	}
	parts := []string{s.e.tr.F("scan.summary", len(s.items))}
	for st := statusUnreadable; st <= statusOK; st++ {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s.e.tr.T(st.key()), counts[st]))
		}
	}
	return strings.Join(parts, s.e.tr.T("list.sep"))
}

func (s *scanTab) onSelected(id widget.ListItemID) {
	s.selected = id
	s.detail.showItem(s.items[id])
}
