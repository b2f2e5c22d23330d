package scanq

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/pick"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
)

// flushEvery is how often at most a running batch hands its results to the
// queue: often enough to look live, rarely enough that 1,000 files do not
// flood the UI goroutine with refreshes (see handover).
const flushEvery = 100 * time.Millisecond

// input is one thing to scan: a file or folder (path) or a payload (text),
// with the frame a webcam read the payload in (JPEG).
type input struct {
	path, text string
	source     store.Source
	frame      []byte
}

// --- ways in ---

// Drop takes files and folders dropped anywhere on the window.
func (s *Screen) Drop(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	s.addPaths(paths)
}

// Open lets the clerk choose files to scan, many at once (Ctrl+O).
func (s *Screen) Open() {
	s.picker = pick.Files(s.e, s.addPaths)
}

func (s *Screen) openFolder() {
	s.openDialog = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.addPaths([]string{u.Path()})
	}, s.e.Win)
	s.openDialog.Show()
	s.openDialog.Resize(fyne.NewSize(900, 600))
}

// Paste scans each line of the clipboard as a payload (Ctrl+V).
func (s *Screen) Paste() {
	text := s.e.App.Clipboard().Content()
	var in []input
	for _, line := range strings.Split(text, "\n") {
		if line = env.NormalizeGun(line); line != "" {
			in = append(in, input{text: line, source: store.SourcePaste})
		}
	}
	s.start(in)
}

// Take scans a code the camera read, with the frame it was read in (JPEG):
// the capture joins the queue at once with its code's values and findings,
// and its printed values are read from the frame by OCR as a batch's file
// is (with its progress, cancellable); the 票面 column fills once they are
// read, and the capture is recorded then (capture).
func (s *Screen) Take(text string, frame []byte) {
	s.start([]input{{text: text, source: store.SourceCamera, frame: frame}})
}

func (s *Screen) onGun(text string) {
	s.start([]input{{text: text, source: store.SourceGun}})
}

// addPaths scans files as files and folders as what they hold; which is
// which is looked at in the background.
func (s *Screen) addPaths(paths []string) {
	var in []input
	for _, p := range paths {
		in = append(in, input{path: p, source: store.SourceFile})
	}
	s.start(in)
}

// --- the batch ---

// start runs in in the background. Folders are expanded there too: a
// folder of thousands of files must not hold up the window.
func (s *Screen) start(in []input) {
	if len(in) == 0 {
		return
	}
	if s.running == 0 || s.ctx.Err() != nil {
		// A new batch; or the clerk cancelled those still ending, which
		// must not cancel what comes in now.
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	if s.running == 0 {
		s.done, s.total = 0, 0
	}
	ctx := s.ctx
	// What the clerk just added is what they look at next.
	s.showNext = true
	s.running++
	s.total += len(in)
	s.showProgress()
	// The batch records into the history in use now, and its items join
	// the queue only while the window stays with it (Reset).
	h, gen := s.e.History(), s.gen
	s.e.Bridge.Go(func() { s.run(ctx, h.Recorder(), gen, in) })
}

// run scans in; it runs off the UI goroutine, records through rec, and hands
// what it finds to the queue (on the UI goroutine) as it goes, while the
// queue is still the one of generation gen.
func (s *Screen) run(ctx context.Context, rec scan.Recorder, gen int, in []input) {
	apply := func(batch []*queueItem) {
		if s.gen == gen {
			s.append(batch)
		}
	}
	var files, texts []input
	for _, i := range in {
		switch {
		case i.text != "":
			texts = append(texts, i)
		case isDir(i.path):
			found, _ := scan.Expand([]string{i.path})
			for _, f := range found {
				files = append(files, input{path: f, source: store.SourceFolder})
			}
		default:
			files = append(files, i)
		}
	}
	extra := len(files) + len(texts) - len(in)
	if len(files) > 0 || slices.ContainsFunc(texts, func(t input) bool { return len(t.frame) > 0 }) {
		s.checkOCR()
	}
	fyne.Do(func() { s.total += extra; s.showProgress() })

	out := newHandover(apply)
	take := func(r scan.FileResult, src store.Source, name string) {
		if s.beforeTake != nil {
			s.beforeTake(r.File)
		}
		// Once cancelled, what is still coming back (files read half-way,
		// cut short) is dropped; what is taken is recorded whole.
		if ctx.Err() != nil {
			return
		}
		if err := scan.Save(context.WithoutCancel(ctx), rec, src, &r); err != nil {
			notRecorded(&r, err)
		}
		out.add(itemsOf(&r, src, name))
	}
	for _, t := range texts {
		if ctx.Err() != nil {
			break
		}
		if len(t.frame) > 0 {
			s.capture(ctx, rec, gen, t)
			continue
		}
		take(s.e.Scanner.Text(t.text), t.source, t.text)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	n := 0
	s.e.Scanner.Run(ctx, paths, 0, func(_ int, r scan.FileResult) {
		src := files[n].source
		n++
		take(r, src, filepath.Base(r.File))
	})
	fyne.Do(func() {
		out.flush()
		s.reading = ""
		s.running--
		if s.running == 0 {
			s.cancel()
		}
		s.showProgress()
	})
}

// capture takes a camera's capture: it joins the queue at once with what
// its code says, marked as being read; then its frame is read once, here,
// by OCR (Scanner.Frame: cancelled with the batch, its progress shown), the
// capture recorded through rec with what was read, and its line and the
// invoice shown take the result (read). Cancelled, it is recorded with
// its code alone: the clerk saw it come in. It runs off the UI goroutine;
// the item shown is the UI goroutine's, and the reading works on a result
// of its own.
func (s *Screen) capture(ctx context.Context, rec scan.Recorder, gen int, t input) {
	shown := s.e.Scanner.Text(t.text)
	shown.Frame = t.frame
	it := itemsOf(&shown, t.source, t.text)[0]
	it.Reading = true
	fyne.Do(func() {
		if s.gen == gen {
			s.add(it)
		}
	})
	r := s.e.Scanner.Frame(ctx, t.text, t.frame)
	if err := scan.Save(context.WithoutCancel(ctx), rec, t.source, &r); err != nil {
		notRecorded(&r, err)
	}
	fyne.Do(func() {
		if s.gen == gen {
			s.read(it, &r)
		}
	})
}

// add puts a capture in the queue before it is read, and shows it: it is
// not done until it is read (read).
func (s *Screen) add(it *queueItem) {
	s.items = append(s.items, it)
	s.refreshQueue()
	s.showNext = false
	s.show(len(s.items) - 1)
}

// read shows on the item of a capture what reading its frame gave, and
// counts it done.
func (s *Screen) read(it *queueItem, r *scan.FileResult) {
	fresh := itemsOf(r, it.Source, it.Name)[0]
	it.Scanned, it.status, it.state = fresh.Scanned, fresh.status, fresh.state
	s.done++
	s.refreshQueue()
	s.showProgress()
	if s.selected >= 0 && s.items[s.selected] == it {
		s.detail.ShowScanned(it.Scanned)
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
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
		return []*queueItem{{Scanned: invoice.Scanned{Name: name, Source: src, File: r, Index: -1}, status: fileStatus(r)}}
	}
	items := make([]*queueItem, len(r.Invoices))
	for i := range r.Invoices {
		items[i] = &queueItem{Scanned: invoice.Scanned{Name: name, Source: src, File: r, Index: i},
			status: statusOf(&r.Invoices[i])}
		if rec := r.Invoices[i].Recorded; rec != nil {
			items[i].state = rec.State
		}
	}
	return items
}

// append adds a batch's items to the queue; it runs on the UI goroutine.
func (s *Screen) append(batch []*queueItem) {
	if len(batch) == 0 {
		return
	}
	first := len(s.items)
	s.items = append(s.items, batch...)
	s.done += countFiles(batch)
	s.refreshQueue()
	s.showProgress()
	// The newest code from a gun, a paste or the camera is what the clerk
	// looks at next; of files opened or dropped, the first one that comes
	// in, however long the queue already is.
	if s.showNext || s.selected < 0 || textSource(batch[0].Source) {
		s.showNext = false
		s.show(first)
	}
}

// show selects the item at index i of items, and shows it in detail even
// when the list, showing problems only, does not list it.
func (s *Screen) show(i int) {
	if line, ok := s.lineOf(i); ok {
		s.list.Select(line)
		s.list.ScrollTo(line)
		return
	}
	s.selected = i
	s.syncSelection()
	s.detail.ShowScanned(s.items[i].Scanned)
}

// countFiles counts the inputs batch completes: its last item of each.
func countFiles(batch []*queueItem) int {
	n := 0
	for _, it := range batch {
		if it.Index <= 0 {
			n++
		}
	}
	return n
}

// Reset empties the queue, stopping what is still being scanned: the
// window now uses another history, and what the queue lists was recorded
// in the one before.
func (s *Screen) Reset() {
	s.onCancel()
	s.gen++
	s.items, s.shown, s.selected = nil, nil, -1
	s.done, s.total = 0, 0
	s.detail.Clear()
	s.refreshQueue()
	s.showProgress()
}

func (s *Screen) onCancel() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *Screen) showProgress() {
	if s.running == 0 {
		s.progress.Hide()
		s.progressLabel.Hide()
		s.cancelButton.Hide()
		return
	}
	s.progress.Max = float64(max(s.total, 1))
	s.progress.SetValue(float64(min(s.done, s.total)))
	text := s.e.Tr.F("scan.progress", s.done, s.total)
	if s.reading != "" {
		text += "  " + s.reading
	}
	s.progressLabel.SetText(text)
	s.progress.Show()
	s.progressLabel.Show()
	s.cancelButton.Show()
}

// onOCR shows how reading file's printed values by OCR goes: done of total
// regions read. It runs on the UI goroutine.
func (s *Screen) onOCR(file string, done, total int) {
	if s.running == 0 {
		return
	}
	name := filepath.Base(file)
	if file == "" {
		name = s.e.Tr.T("source.camera")
	}
	s.reading = s.e.Tr.F("scan.ocr_progress", name, done, total)
	if done >= total {
		s.reading = ""
	}
	s.showProgress()
}

// checkOCR tells the clerk once, when pictures are to be read and OCR
// cannot run (no engine in this build, or its language data missing),
// that their printed values are to be typed; the scan goes on without it.
// It runs off the UI goroutine: the engine starts on the first call.
func (s *Screen) checkOCR() {
	err := s.ocrStatus()
	if err == nil {
		return
	}
	fyne.Do(func() {
		if s.ocrSaid {
			return
		}
		s.ocrSaid = true
		tr := s.e.Tr
		s.ocrNote = dialog.NewInformation(tr.T("ocr.unavailable.title"), tr.T("ocr.unavailable"), s.e.Win)
		s.ocrNote.Show()
	})
}
