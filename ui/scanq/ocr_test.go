package scanq

import (
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
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
