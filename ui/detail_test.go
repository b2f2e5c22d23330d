package ui

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// inside reports whether every corner of every outline lies on the picture.
func inside(q *qrImage) bool {
	b := q.img.Bounds()
	for _, c := range q.codes {
		for _, p := range c {
			if p.X < 0 || p.Y < 0 || p.X > float32(b.Dx()) || p.Y > float32(b.Dy()) {
				return false
			}
		}
	}
	return true
}

// dropLoop drops paths on the window, and lets everything settle.
func dropLoop(m *MainWindow, loop *uiLoop, paths ...string) {
	uris := make([]fyne.URI, len(paths))
	for i, p := range paths {
		uris[i] = storage.NewFileURI(p)
	}
	m.onDropped(fyne.NewPos(10, 10), uris)
	settleLoop(m, loop)
}

func TestDetailShowsThePDFPage(t *testing.T) {
	m, loop, _ := newCaptureWindow(t)
	dir := t.TempDir()
	png := writeQR(t, dir, "qr.png", paperPayload)
	pdf := filepath.Join(dir, "invoice.pdf")
	if err := api.ImportImagesFile([]string{png}, pdf, nil, nil); err != nil {
		t.Fatal(err)
	}

	dropLoop(m, loop, pdf)
	d := m.scan.detail
	if len(m.scan.items) != 1 || m.scan.items[0].invoice() == nil {
		t.Fatalf("queue = %+v, want the PDF's invoice", m.scan.items)
	}
	q := d.image
	if q.img == nil {
		t.Fatalf("no page shown; the picture says %q", q.text)
	}
	b := q.img.Bounds()
	if n := b.Dx() * b.Dy(); n > previewPixels || n < previewPixels/2 || b.Dy() < b.Dx() {
		t.Errorf("page rendered at %d×%d, want an A4 page of about %d pixels", b.Dx(), b.Dy(), previewPixels)
	}
	if len(q.codes) != 1 || len(q.codes[0]) != 4 || !inside(q) {
		t.Errorf("outlines %v, want the QR code's four corners on the page", q.codes)
	}
	if q.text != "" || !strings.Contains(d.titleLabel.Text, "第1页") {
		t.Errorf("note %q, title %q", q.text, d.titleLabel.Text)
	}

	// The same file again: the page comes from the cache.
	first := q.img
	dropLoop(m, loop, pdf)
	m.scan.list.Select(1)
	if q.img != first {
		t.Error("the page was rendered again for the same file and page")
	}
}

func TestDetailShowsTheWebcamFrame(t *testing.T) {
	m, loop, _ := newCaptureWindow(t)
	img, err := imaging.Load(writeQR(t, t.TempDir(), "qr.png", paperPayload))
	if err != nil {
		t.Fatal(err)
	}
	var frame bytes.Buffer
	if err := jpeg.Encode(&frame, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}

	m.scan.start([]input{{text: paperPayload, source: store.SourceCamera, frame: frame.Bytes()}})
	settleLoop(m, loop)
	q := m.scan.detail.image
	if q.img == nil || q.img.Bounds() != img.Bounds() {
		t.Fatalf("picture %v, want the frame (%v); note %q", q.img, img.Bounds(), q.text)
	}
	if len(q.codes) != 1 || !inside(q) {
		t.Errorf("outlines %v, want the QR code's", q.codes)
	}
}

func TestDetailNotesWhatCannotBeShown(t *testing.T) {
	for path, want := range map[string]string{
		"/nowhere/invoice.xml": "detail.xml",
		"/nowhere/invoice.pdf": "detail.no_preview",
		"/nowhere/invoice.ofd": "detail.no_preview",
		"/nowhere/photo.jpg":   "detail.no_picture",
	} {
		if p := loadFile(path, 1, ""); p.img != nil || p.note != want {
			t.Errorf("%s: picture %v, note %q; want %q", path, p.img != nil, p.note, want)
		}
	}
}

func TestDuplicateOpensFirstRecord(t *testing.T) {
	m, loop, _ := newCaptureWindow(t)
	dir := t.TempDir()
	first := writeQR(t, dir, "first.png", paperPayload)
	dropLoop(m, loop, first)
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	dropLoop(m, loop, writeQR(t, dir, "again.png", paperPayload))

	m.scan.list.Select(1)
	d := m.scan.detail
	settleLoop(m, loop)
	it := m.scan.items[1]
	if it.status != statusDuplicate {
		t.Fatalf("second file: %s, want duplicate", m.e.tr.T(it.status.key()))
	}
	label := d.firstSeenLabel.Text
	for _, want := range []string{"first.png", "（文件）", "已不在原处"} {
		if !strings.Contains(label, want) {
			t.Errorf("first seen: %q, want it to say %q", label, want)
		}
	}
	if !d.firstButton.Visible() || d.firstButton.Text != "打开首次记录" {
		t.Fatalf("button %q shown %v", d.firstButton.Text, d.firstButton.Visible())
	}

	test.Tap(d.firstButton)
	settleLoop(m, loop)
	if m.tabs.Selected() != m.historyItem {
		t.Error("the history is not shown")
	}
	h := m.history
	if h.detailDialog == nil || h.detail.invoiceID != it.invoice().Recorded.InvoiceID {
		t.Fatalf("the record of invoice %d is not open", it.invoice().Recorded.InvoiceID)
	}
	if h.detail.firstButton.Visible() {
		t.Error("the record offers to open itself")
	}
	// The record shows the picture of the sighting whose file is still there.
	if h.detail.image.img == nil || len(h.detail.image.codes) != 1 {
		t.Errorf("the record shows no picture (%q)", h.detail.image.text)
	}

	// A first sighting shows no duplicate line and no button.
	m.ShowScreen(ScreenScan)
	m.scan.list.Select(0)
	settleLoop(m, loop)
	if d.firstSeenLabel.Visible() || d.firstButton.Visible() {
		t.Error("a first sighting is shown as a duplicate")
	}
}

func TestHistoryFiltersByType(t *testing.T) {
	m, loop, _ := newCaptureWindow(t)
	m.scan.onGun(paperPayload)   // 10: an electronic ordinary invoice
	m.scan.onGun(digitalPayload) // 32: a 数电 ordinary invoice
	settleLoop(m, loop)
	m.ShowScreen(ScreenHistory)
	h := m.history
	settleLoop(m, loop)

	choose := func(name string) []string {
		t.Helper()
		h.kind.SetSelected(name)
		settleLoop(m, loop)
		if h.kind.Selected != name {
			t.Fatalf("no type %q among %q", name, h.kind.Options)
		}
		var numbers []string
		for _, inv := range h.rows {
			numbers = append(numbers, inv.Number)
		}
		return numbers
	}
	for name, want := range map[string]string{
		"数电发票（全电）":      "24312000000136634917",
		"普通发票（全部）":      "24312000000136634917 02407312",
		"专用发票（全部）":      "",
		"增值税电子普通发票":     "02407312",
		"电子发票(普通发票)":    "24312000000136634917",
		"电子发票(增值税专用发票)": "",
		"全部票种":          "24312000000136634917 02407312",
	} {
		h.sortCol, h.sortDesc = 1, true
		if got := strings.Join(choose(name), " "); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	// With the other filters.
	h.kind.SetSelected("普通发票（全部）")
	h.search.SetText("0240")
	settleLoop(m, loop)
	if len(h.rows) != 1 || h.rows[0].Number != "02407312" || h.count.Text != "共 1 张" {
		t.Errorf("type and search: %d rows, %q", len(h.rows), h.count.Text)
	}
}

// Searches run off the UI goroutine; a search overtaken by a newer one
// never shows its results, whichever finishes first.
func TestHistorySearchShowsTheNewest(t *testing.T) {
	m, loop, _ := newCaptureWindow(t)
	m.scan.start([]input{{text: paperPayload, source: store.SourcePaste}, {text: digitalPayload, source: store.SourcePaste}})
	settleLoop(m, loop)
	m.ShowScreen(ScreenHistory)
	h := m.history
	settleLoop(m, loop)

	for range 20 {
		// Two searches, as Enter starts them.
		h.search.SetText("0240")
		h.reload()
		h.search.SetText("2431")
		h.reload()
		if !h.busy.Visible() {
			t.Error("no sign of the search")
		}
		// Both searches hand their results over, the first maybe last.
		settleLoop(m, loop)
		if h.busy.Visible() {
			t.Error("still searching when done")
		}
		if len(h.rows) != 1 || h.rows[0].Number != "24312000000136634917" {
			t.Fatalf("after two searches the table shows %d rows, want the second's", len(h.rows))
		}
		h.search.SetText("")
		settleLoop(m, loop)
	}
}
