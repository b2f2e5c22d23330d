package scanq

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
)

func TestMain(m *testing.M) { os.Exit(uitest.Main(m)) }

// The camera's capture of a paper invoice: its frame is read by the real
// OCR engine once, in the batch, with the progress shown as it goes, and
// the invoice comes into the queue with its printed values read.
func TestCameraCaptureIsReadByOCR(t *testing.T) {
	w := uitest.NewWindow(t)
	w.Env.Scanner = uitest.OCRScanner(t)
	s := New(w.Env)
	w.Show(s.Content())
	t.Cleanup(func() { s.onCancel() })
	var progress atomic.Int32
	shown := w.Env.Scanner.OnOCR
	w.Env.Scanner.OnOCR = func(file string, done, total int) {
		progress.Add(1)
		shown(file, done, total)
	}

	photo := uitest.PaperPicture(t, "photo")
	frame, err := os.ReadFile(photo.Path) // a JPEG, as the camera's frames are kept
	if err != nil {
		t.Fatal(err)
	}
	s.Take(photo.QR, frame)
	w.Loop.RunUntil(t, 5*time.Minute, "the capture", func() bool { return s.running == 0 })
	w.Settle()

	if len(s.items) != 1 {
		t.Fatalf("%d items, want the capture", len(s.items))
	}
	it := s.items[0]
	inv := it.Invoice()
	if it.Source != store.SourceCamera || inv == nil || inv.Printed == nil || inv.Printed.Source != document.SourceOCR {
		t.Fatalf("the capture came in as %+v", it.Scanned)
	}
	// What was read is what is printed; what was not read surely is
	// left empty. How much is read is the reader's (core/document).
	if len(inv.Printed.Reads) == 0 {
		t.Errorf("nothing was read from the frame: %+v", inv.Printed)
	}
	for key, rd := range inv.Printed.Reads {
		if got := inv.Printed.Value(key); !rd.Unsure && got != photo.Printed[key] {
			t.Errorf("%s read from the frame as %q, printed %q", key, got, photo.Printed[key])
		}
	}
	if len(it.File.Frame) == 0 || len(it.File.Codes) != 1 || len(it.File.Codes[0].Points) != 4 {
		t.Errorf("the frame %d bytes, codes %+v: want the frame kept and the code's place", len(it.File.Frame), it.File.Codes)
	}
	if progress.Load() == 0 {
		t.Error("no progress was shown while the frame was read")
	}
	if s.reading != "" || s.progressLabel.Visible() {
		t.Errorf("after the capture the progress still says %q", s.reading)
	}
}

// Without an OCR engine the clerk is told once, in the language chosen,
// and the pictures are still scanned.
func TestMissingOCRIsSaidOnce(t *testing.T) {
	s, e, loop := newScreen(t)
	s.ocrStatus = func() error { return fmt.Errorf("%w: no tesseract here", ocr.ErrUnavailable) }
	dir := t.TempDir()
	drop(s, loop, uitest.WriteQR(t, dir, "a.png", uitest.PaperPayload))
	if s.ocrNote == nil {
		t.Fatal("the clerk was not told that printed values cannot be read")
	}
	if got := uitest.Labels(e.Win.Canvas().Overlays().Top()); !slices.Contains(got, e.Tr.T("ocr.unavailable")) {
		t.Errorf("the note says %q", got)
	}
	s.ocrNote.Hide()
	s.ocrNote = nil
	drop(s, loop, uitest.WriteQR(t, dir, "b.png", uitest.DigitalPayload))
	if s.ocrNote != nil {
		t.Error("the clerk was told again")
	}
	if len(s.items) != 2 || s.items[0].Invoice() == nil || s.items[1].Invoice() == nil {
		t.Errorf("the pictures were not scanned: %d items", len(s.items))
	}
}

// heldOCR holds the reading of a picture at its first region read, until
// release is called: a test looks at the window while OCR is under way.
func heldOCR(t *testing.T, s *Screen) (started <-chan struct{}, release func()) {
	t.Helper()
	start, free := make(chan struct{}), make(chan struct{})
	var first, freed sync.Once
	release = func() { freed.Do(func() { close(free) }) }
	t.Cleanup(release)
	shown := s.e.Scanner.OnOCR
	s.e.Scanner.OnOCR = func(file string, done, total int) {
		shown(file, done, total)
		first.Do(func() {
			close(start)
			<-free
		})
	}
	return start, release
}

// takeHeld takes the camera's capture of a paper invoice (its photo as the
// frame) into a queue whose OCR is held at its first region read.
func takeHeld(t *testing.T) (w *uitest.Window, s *Screen, frame []byte, started <-chan struct{}, release func()) {
	t.Helper()
	w = uitest.NewWindow(t)
	w.Env.Scanner = uitest.OCRScanner(t)
	s = New(w.Env)
	w.Show(s.Content())
	t.Cleanup(func() { s.onCancel() })
	started, release = heldOCR(t, s)
	photo := uitest.PaperPicture(t, "photo")
	frame, err := os.ReadFile(photo.Path)
	if err != nil {
		t.Fatal(err)
	}
	s.Take(photo.QR, frame)
	return w, s, frame, started, release
}

// A camera's capture joins the queue at once, shown with its QR code's
// values and findings and said to be read; the progress and the cancel
// button show while its frame is read by OCR in the background; then the
// 票面 column fills, and the capture is recorded with what was read.
func TestCaptureJoinsTheQueueAtOnce(t *testing.T) {
	w, s, _, started, release := takeHeld(t)
	w.Loop.RunUntil(t, time.Minute, "the capture in the queue", func() bool { return len(s.items) == 1 })
	it := s.items[0]
	inv := it.Invoice()
	if !it.Reading || inv == nil || inv.QR == nil || inv.Printed != nil || inv.Recorded != nil || len(it.File.Frame) == 0 {
		t.Fatalf("the capture came in as %+v", it.Scanned)
	}
	if s.selected != 0 || !uitest.HasLabel(s.detail.Content(), inv.QR.Number) {
		t.Errorf("the capture is not shown: selected %d", s.selected)
	}
	tr := w.Env.Tr
	if !uitest.HasLabel(s.detail.Content(), tr.T("detail.reading_printed")) {
		t.Errorf("the detail view does not say the printed values are being read: %q", uitest.Labels(s.detail.Content()))
	}
	if got := s.itemState(it); !strings.Contains(got, tr.T("scan.reading_printed")) {
		t.Errorf("the queue's line says %q", got)
	}
	for _, text := range uitest.EntryTexts(s.detail.Content()) {
		if text != "" {
			t.Errorf("the 票面 column holds %q before anything was read", text)
		}
	}
	if n := len(disabledEntries(s.detail.Content())); n == 0 {
		t.Error("the 票面 column can be typed into while it is being read")
	}
	<-started
	w.Loop.RunUntil(t, time.Minute, "the reading's progress", func() bool { return s.reading != "" })
	if !s.progressLabel.Visible() || !s.cancelButton.Visible() || s.done != 0 {
		t.Errorf("while the frame is read: progress %q shown %v, cancel shown %v, done %d",
			s.progressLabel.Text, s.progressLabel.Visible(), s.cancelButton.Visible(), s.done)
	}

	release()
	w.Loop.RunUntil(t, 5*time.Minute, "the reading", func() bool { return s.running == 0 })
	w.Settle()
	if len(s.items) != 1 || s.items[0] != it {
		t.Fatalf("%d items after the reading, want the capture's own line", len(s.items))
	}
	inv = it.Invoice()
	if it.Reading || inv.Printed == nil || inv.Printed.Source != document.SourceOCR || len(inv.Printed.Reads) == 0 {
		t.Fatalf("after the reading the capture is %+v", it.Scanned)
	}
	if inv.Recorded == nil || inv.Recorded.InvoiceID == 0 {
		t.Fatal("the capture was not recorded")
	}
	got, err := w.Env.Store().Get(context.Background(), inv.Recorded.InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	entries := uitest.EntryTexts(s.detail.Content())
	for key, rd := range inv.Printed.Reads {
		if rd.Unsure {
			continue
		}
		value := inv.Printed.Value(key)
		if invoice.Shown(key) && !slices.Contains(entries, value) {
			t.Errorf("%s read as %q: the 票面 column shows %q", key, value, entries)
		}
		if got.Printed[key] != value || got.Reads[key] != rd {
			t.Errorf("%s recorded as %q %+v, read %q %+v", key, got.Printed[key], got.Reads[key], value, rd)
		}
	}
	if uitest.HasLabel(s.detail.Content(), tr.T("detail.reading_printed")) || strings.Contains(s.itemState(it), tr.T("scan.reading_printed")) {
		t.Error("the capture is still said to be read")
	}
	if n := len(disabledEntries(s.detail.Content())); n != 0 {
		t.Errorf("%d entries of the 票面 column still wait for the reading", n)
	}
	if s.done != 1 || s.progressLabel.Visible() || s.cancelButton.Visible() {
		t.Errorf("after the reading: done %d, progress shown %v", s.done, s.progressLabel.Visible())
	}
}

// Cancelling the reading of a capture stops the OCR; the capture stays in
// the queue, recorded with its QR code alone, as the clerk saw it come in.
func TestCaptureReadingIsCancellable(t *testing.T) {
	w, s, frame, started, release := takeHeld(t)
	<-started
	w.Loop.RunUntil(t, time.Minute, "the capture in the queue", func() bool { return len(s.items) == 1 && s.cancelButton.Visible() })
	test.Tap(s.cancelButton)
	release()
	w.Loop.RunUntil(t, 5*time.Minute, "the reading cancelled", func() bool { return s.running == 0 })
	w.Settle()

	if len(s.items) != 1 {
		t.Fatalf("%d items after cancelling, want the capture", len(s.items))
	}
	it := s.items[0]
	inv := it.Invoice()
	if it.Reading || inv == nil || inv.QR == nil || inv.Printed != nil {
		t.Fatalf("after cancelling the capture is %+v", it.Scanned)
	}
	if inv.Recorded == nil || inv.Recorded.InvoiceID == 0 {
		t.Fatal("the capture was not recorded")
	}
	got, err := w.Env.Store().Get(context.Background(), inv.Recorded.InvoiceID)
	if err != nil || len(got.Printed) != 0 || got.Reads != nil {
		t.Errorf("recorded with printed %v, reads %v (%v): want its code alone", got.Printed, got.Reads, err)
	}
	if s.progressLabel.Visible() || s.cancelButton.Visible() || s.reading != "" {
		t.Errorf("after cancelling the progress still shows %q", s.progressLabel.Text)
	}

	// What is captured next is read, not cancelled with it.
	s.Take(uitest.DigitalPayload, frame)
	w.Loop.RunUntil(t, 5*time.Minute, "the next capture", func() bool { return len(s.items) == 2 && s.running == 0 })
	w.Settle()
	if n := s.items[1].Invoice(); n == nil || n.Recorded == nil {
		t.Errorf("the next capture: %+v", s.items[1].Scanned)
	}
}

// disabledEntries are the entries of root that cannot be typed into.
func disabledEntries(root fyne.CanvasObject) []string {
	var out []string
	for _, e := range uitest.EntryWidgets(root) {
		if e.Disabled() {
			out = append(out, e.PlaceHolder)
		}
	}
	return out
}
