//go:build unix

package scanq

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// digital is a 数电 invoice payload with a good CRC: invoice n of 2024.
func digital(n int) string {
	body := fmt.Sprintf("01,32,,243120000001%08d,%d.00,20240514,", n, 100+n)
	return body + "," + payload.ComputeCRC(body)
}

// batchFile is one file of a generated batch and what the queue must say.
type batchFile struct {
	path    string
	payload string // the invoice, "" for a file without one
	want    status
}

// writeBatch writes n files into dir: a few invoices each copied many times
// (the copies after the first are duplicates), QR codes that are not
// invoices, blank pictures and broken files. Encoded once, copied under
// other names, they take a fraction of a second to write.
func writeBatch(t testing.TB, dir string, n, invoices int) []batchFile {
	t.Helper()
	var pngs [][]byte
	var payloads []string
	for i := range invoices {
		payloads = append(payloads, digital(i))
		pngs = append(pngs, uitest.QRPNG(t, payloads[i]))
	}
	url := uitest.QRPNG(t, "https://example.com/not-an-invoice")
	var blank bytes.Buffer
	if err := png.Encode(&blank, image.NewGray(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var files []batchFile
	for i := range n {
		f := batchFile{path: filepath.Join(dir, fmt.Sprintf("f%04d.png", i))}
		var data []byte
		switch {
		case i%20 == 7:
			data, f.want = url, statusNoQR
		case i%50 == 13:
			data, f.want = blank.Bytes(), statusNoQR
		case i%50 == 29:
			data, f.want = []byte("not a picture"), statusUnreadable
		default:
			k := (i * 7) % invoices
			data, f.payload, f.want = pngs[k], payloads[k], statusOK
			if seen[f.payload] {
				f.want = statusDuplicate
			}
			seen[f.payload] = true
		}
		if err := os.WriteFile(f.path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

func uris(files []batchFile) []fyne.URI {
	out := make([]fyne.URI, len(files))
	for i, f := range files {
		out[i] = storage.NewFileURI(f.path)
	}
	return out
}

// freezeProbe measures, until stop is closed, how long a callback waits for
// the UI goroutine (the loop the test goroutine runs); it returns the
// longest wait.
func freezeProbe(stop <-chan struct{}) <-chan time.Duration {
	out := make(chan time.Duration, 1)
	go func() {
		// A probe every few milliseconds, leaving the UI goroutine to the
		// batch in between.
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var worst time.Duration
		for {
			select {
			case <-stop:
				out <- worst
				return
			case <-tick.C:
			}
			start := time.Now()
			fyne.DoAndWait(func() {})
			worst = max(worst, time.Since(start))
		}
	}()
	return out
}

// Dropping a thousand files leaves all their reading to the batch: the drop
// returns before any file is read (the files are not there yet when it
// returns; the batch, held back until they are, finds them all), the queue
// takes all thousand in order with their statuses, the list shows them and
// the history records each once. How long the window waits for the UI
// goroutine meanwhile is a timing: BenchmarkDropThousandFiles (make bench).
func TestDropThousandFiles(t *testing.T) {
	s, e, loop := newScreen(t)
	st := e.Store()
	stage, dir := t.TempDir(), filepath.Join(t.TempDir(), "dropped")
	files := writeBatch(t, stage, 1000, 20)
	for i := range files {
		files[i].path = filepath.Join(dir, filepath.Base(files[i].path))
	}

	release := e.Bridge.HoldNext()
	s.Drop(uris(files))
	if s.running != 1 || s.total != len(files) || len(s.items) != 0 ||
		!s.progress.Visible() || !s.cancelButton.Visible() || s.progressLabel.Text != "正在扫描 0 / 1000" {
		t.Errorf("as the drop returns: %d batches running, %d files to read, %d in the queue, progress %q (shown %v, cancel %v); "+
			"want 1 batch, 1000 files, none yet, 正在扫描 0 / 1000 shown with its cancel",
			s.running, s.total, len(s.items), s.progressLabel.Text, s.progress.Visible(), s.cancelButton.Visible())
	}
	if err := os.Rename(stage, dir); err != nil {
		t.Fatal(err)
	}
	release()
	// The test goroutine is the UI goroutine: it runs what the batch hands
	// over until the batch is done.
	loop.RunUntil(t, 5*time.Minute, "the batch", func() bool { return s.running == 0 })
	loop.Settle(e.Bridge)

	if len(s.items) != len(files) {
		t.Fatalf("the queue has %d items for %d files", len(s.items), len(files))
	}
	counts, want := map[status]int{}, map[status]int{}
	for i, it := range s.items {
		f := files[i]
		if it.File.File != f.path {
			t.Fatalf("item %d is %s, want %s: a file is missing or twice", i, it.File.File, f.path)
		}
		got := it.status
		if got == statusWarning { // a first sighting; the payload may carry a note
			got = statusOK
		}
		if got != f.want {
			t.Errorf("%s: %s, want %s", filepath.Base(f.path), e.Tr.T(it.status.key()), e.Tr.T(f.want.key()))
		}
		counts[got]++
		want[f.want]++
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("status counts %v, want %v", counts, want)
	}
	if s.done != 1000 || s.total != 1000 || s.progress.Value != s.progress.Max || s.progress.Max != 1000 ||
		s.progress.Visible() || s.cancelButton.Visible() {
		t.Errorf("progress %d/%d (bar %v of %v), bar shown %v, cancel shown %v; want 1000/1000, full, both hidden",
			s.done, s.total, s.progress.Value, s.progress.Max, s.progress.Visible(), s.cancelButton.Visible())
	}

	page, err := st.Search(context.Background(), store.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, inv := range page.Invoices {
		seen += inv.Seen
	}
	// Each invoice's first file is OK, the others duplicates.
	if len(page.Invoices) != want[statusOK] || seen-len(page.Invoices) != want[statusDuplicate] {
		t.Errorf("history: %d invoices seen %d times, want %d seen %d times",
			len(page.Invoices), seen, want[statusOK], want[statusOK]+want[statusDuplicate])
	}

	// The list has a line for each; its first and last lines show their files.
	if n := s.list.Length(); n != len(files) {
		t.Errorf("the list has %d lines for %d files", n, len(files))
	}
	s.list.ScrollToTop()
	if first := filepath.Base(files[0].path); !uitest.ShownLabel(s.Content(), first) {
		t.Errorf("the top of the list does not show %s", first)
	}
	s.list.ScrollToBottom()
	if last := filepath.Base(files[len(files)-1].path); !uitest.ShownLabel(s.Content(), last) {
		t.Errorf("the bottom of the list does not show %s", last)
	}
}

// BenchmarkDropThousandFiles drops a thousand files on the scan screen and
// reports the longest the window waited for the UI goroutine while they
// were read (freeze-ms: it should stay well under 500) and how fast they
// were read and listed (files/s). make bench runs it.
func BenchmarkDropThousandFiles(b *testing.B) {
	var worst time.Duration
	files := 0
	for range b.N {
		b.StopTimer()
		s, e, loop := newScreen(b)
		batch := writeBatch(b, b.TempDir(), 1000, 20)
		b.StartTimer()
		stop := make(chan struct{})
		probe := freezeProbe(stop)
		s.Drop(uris(batch))
		loop.RunUntil(b, 5*time.Minute, "the batch", func() bool { return s.running == 0 })
		close(stop)
		for done := false; !done; {
			loop.RunPending()
			select {
			case w := <-probe:
				worst, done = max(worst, w), true
			case <-loop.Wake(): // the probe's last call, to run
			}
		}
		loop.Settle(e.Bridge)
		if len(s.items) != len(batch) {
			b.Fatalf("the queue has %d items for %d files", len(s.items), len(batch))
		}
		files += len(batch)
	}
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "freeze-ms")
	b.ReportMetric(float64(files)/b.Elapsed().Seconds(), "files/s")
}

// A batch cancelled half-way keeps the files taken before the cancel,
// recorded and in the queue, and nothing of the rest. The batch is held at a
// known file until the test lets it go.
func TestCancelBatchMidway(t *testing.T) {
	s, e, loop := newScreen(t)
	st := e.Store()
	dir := t.TempDir()
	files := writeBatch(t, dir, 300, 30)
	const hold = 100
	pipe := uitest.WriteQR(t, dir, "hold.png", uitest.DigitalPayload)
	held, release := holdAt(s, pipe)
	batch := append(append(append([]batchFile(nil), files[:hold]...), batchFile{path: pipe}), files[hold:]...)
	before := 0
	for _, f := range files[:hold] {
		if f.payload != "" {
			before++
		}
	}

	s.Drop(uris(batch))
	// The files before the pipe are recorded one by one; then the batch
	// waits. The history tells how far it got.
	deadline := time.After(2 * time.Minute)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for sightings(t, st) < before {
		if loop.RunPending() {
			continue
		}
		select {
		case <-loop.Wake():
		case <-tick.C:
		case <-deadline:
			t.Fatalf("after 2 minutes, %d of the %d invoices before the pipe are recorded", sightings(t, st), before)
		}
	}
	<-held
	test.Tap(s.cancelButton)
	close(release)
	loop.Settle(e.Bridge)

	var names []string
	for _, it := range s.items {
		names = append(names, filepath.Base(it.File.File))
		if it.Invoice() != nil && it.Invoice().Recorded == nil {
			t.Errorf("%s is in the queue but not recorded", it.Name)
		}
	}
	if len(names) != hold || names[0] != "f0000.png" || names[hold-1] != fmt.Sprintf("f%04d.png", hold-1) {
		t.Errorf("after cancelling, the queue holds %d files (%v…), want the %d before the held file", len(names), names[:min(3, len(names))], hold)
	}
	if n := sightings(t, st); n != before {
		t.Errorf("after cancelling, %d sightings recorded, want the %d before the held file", n, before)
	}
	if s.progress.Visible() || s.cancelButton.Visible() {
		t.Error("the progress bar is still shown")
	}
}

// sightings counts the invoice sightings the history holds.
func sightings(t *testing.T, st *store.Store) int {
	t.Helper()
	page, err := st.Search(context.Background(), store.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, inv := range page.Invoices {
		n += inv.Seen
	}
	return n
}

// The window switches to another history while a batch is being scanned:
// the queue empties, the batch stops, what it had taken stays recorded in
// the history it started with, and nothing of it comes into the queue or
// into the new history.
func TestResetDuringBatch(t *testing.T) {
	s, e, loop := newScreen(t)
	old := e.Store()
	dir := t.TempDir()
	files := writeBatch(t, dir, 40, 10)
	pipe := uitest.WriteQR(t, dir, "hold.png", uitest.DigitalPayload)
	held, release := holdAt(s, pipe)
	s.Drop(uris(append(append(append([]batchFile(nil), files[:10]...), batchFile{path: pipe}), files[10:]...)))
	<-held
	before := sightings(t, old)
	if before == 0 {
		t.Fatal("nothing of the files before the held one was recorded")
	}
	next := uitest.OpenStore(t)
	e.SetStore(next)
	s.Reset()
	close(release)
	loop.Settle(e.Bridge)
	if len(s.items) != 0 || s.selected != -1 || !s.empty.Visible() {
		t.Errorf("after the switch the queue holds %d items (selected %d)", len(s.items), s.selected)
	}
	if n := sightings(t, old); n != before {
		t.Errorf("%d sightings in the history the batch started with, want the %d taken before the switch", n, before)
	}
	if n := sightings(t, next); n != 0 {
		t.Errorf("%d sightings in the new history, want none", n)
	}
	// What comes next goes to the new history and the queue.
	drop(s, loop, uitest.WriteQR(t, dir, "next.png", uitest.DigitalPayload))
	if len(s.items) != 1 || sightings(t, next) != 1 {
		t.Errorf("after the switch: %d items, %d sightings in the new history", len(s.items), sightings(t, next))
	}
}

// holdAt makes a batch wait before it takes the file at path: held is
// closed when it got there, and it goes on once release is closed.
func holdAt(s *Screen, path string) (held, release chan struct{}) {
	held, release = make(chan struct{}), make(chan struct{})
	s.beforeTake = func(p string) {
		if p == path {
			close(held)
			<-release
		}
	}
	return held, release
}
