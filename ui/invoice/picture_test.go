package invoice

import (
	"image"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/internal/shared"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// shownSize is the picture's size on screen.
func shownSize(q *qrImage) fyne.Size { return q.area.MinSize() }

func near(a, b float32) bool { return math.Abs(float64(a-b)) <= 1 }

// showPhoto shows a photo of an invoice's code in a detail view of a
// 1000×700 window.
func showPhoto(t *testing.T) (*View, *env.Env) {
	t.Helper()
	v, e, settle := newView(t)
	e.Win.Resize(fyne.NewSize(1000, 700))
	path := uitest.WriteQR(t, t.TempDir(), "photo.png", uitest.PaperPayload)
	v.ShowScanned(scanned(uitest.ScanFile(t, e, path), "photo.png", store.SourceFile))
	settle()
	return v, e
}

// The page can be read against the paper: it opens whole, zooms in and out
// with the buttons and with Ctrl and the wheel, fits the panel's width, and
// scrolls with the wheel alone once larger than the panel.
func TestPagePictureZooms(t *testing.T) {
	v, e := showPhoto(t)
	q := v.image
	if q.img == nil {
		t.Fatalf("no picture; it says %q", q.text)
	}
	view := q.scroll.Size()
	whole := shownSize(q)
	if whole.Width > view.Width+1 || whole.Height > view.Height+1 || (!near(whole.Width, view.Width) && !near(whole.Height, view.Height)) {
		t.Fatalf("the picture opens at %v in a panel of %v, want the whole page filling it", whole, view)
	}
	if q.zoomLabel.Text != "100%" {
		t.Errorf("zoom shown as %q, want 100%%", q.zoomLabel.Text)
	}

	test.Tap(q.zoomIn)
	test.Tap(q.zoomIn)
	if got := shownSize(q); !near(got.Width, whole.Width*zoomStep*zoomStep) {
		t.Errorf("zoomed in twice: %v, want %.0f wide", got, whole.Width*zoomStep*zoomStep)
	}
	if q.zoomLabel.Text != "156%" {
		t.Errorf("zoom shown as %q, want 156%%", q.zoomLabel.Text)
	}
	test.Tap(q.zoomOut)
	if got := shownSize(q); !near(got.Width, whole.Width*zoomStep) {
		t.Errorf("zoomed out once: %v, want %.0f wide", got, whole.Width*zoomStep)
	}

	// The wheel alone scrolls the enlarged page; with Ctrl it zooms, around
	// the pointer.
	before := q.zoom
	q.wheel(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 20)}, Scrolled: fyne.NewDelta(0, -40)}, false)
	// (A square picture in a tall panel is wider than it only: the wheel
	// scrolls it sideways.)
	if q.zoom != before || q.scroll.Offset == (fyne.Position{}) {
		t.Errorf("the wheel: zoom %v → %v, offset %v; want the page scrolled, not zoomed", before, q.zoom, q.scroll.Offset)
	}
	q.wheel(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 20)}, Scrolled: fyne.NewDelta(0, 40)}, true)
	if !near(q.zoom*100, before*zoomStep*100) {
		t.Errorf("Ctrl and the wheel: zoom %v, want %v", q.zoom, before*zoomStep)
	}

	test.Tap(q.fitWidth)
	if got := shownSize(q); !near(got.Width, view.Width) {
		t.Errorf("fit to width: %v, want %v wide", got, view.Width)
	}
	// A resized panel keeps the page's width in it.
	e.Win.Resize(fyne.NewSize(1200, 700))
	if got := shownSize(q); !near(got.Width, q.scroll.Size().Width) {
		t.Errorf("after a resize: %v, want the panel's width %v", got, q.scroll.Size().Width)
	}
	test.Tap(q.fitPage)
	if got := shownSize(q); got.Width > q.scroll.Size().Width+1 || got.Height > q.scroll.Size().Height+1 {
		t.Errorf("whole page: %v in %v", got, q.scroll.Size())
	}

	// The limits: never below a quarter of the whole page, never above
	// four screen pixels per pixel.
	for range 30 {
		test.Tap(q.zoomOut)
	}
	if q.zoom < q.fitZoom(fitWhole, q.scroll.Size())/4-1e-6 {
		t.Errorf("zoomed out to %v", q.zoom)
	}
	for range 60 {
		test.Tap(q.zoomIn)
	}
	if q.zoom > zoomMax {
		t.Errorf("zoomed in to %v", q.zoom)
	}
}

// The enlarge button opens the page in a window of its own, as large as
// the main one, the page's width filling it.
func TestPagePictureOpensInItsOwnWindow(t *testing.T) {
	v, _ := showPhoto(t)
	if !v.image.enlarge.Visible() {
		t.Fatal("no button to enlarge the picture")
	}
	test.Tap(v.image.enlarge)
	w := v.pageWindow
	if w == nil {
		t.Fatal("no window opened")
	}
	t.Cleanup(w.Close)
	big, ok := w.Content().(*qrImage)
	if !ok || big.img != v.image.img || len(big.codes) != 1 {
		t.Fatalf("the window shows %T, want the picture with its code outlined", w.Content())
	}
	if got := shownSize(big); !near(got.Width, big.scroll.Size().Width) || got.Width < 900 {
		t.Errorf("the page is %v in the window's %v, want its width filling it", got, big.scroll.Size())
	}
}

// An OFD shows its page, drawn, with the QR code outlined where the page
// places it.
func TestDetailShowsTheOFDPage(t *testing.T) {
	v, e, settle := newView(t)
	path := shared.Path(t, "corpus", "real", "ofd", "erma0__fapiao-print__sample.ofd")
	r := uitest.ScanFile(t, e, path)
	if len(r.Invoices) != 1 {
		t.Fatalf("the OFD gave %d invoices, want 1", len(r.Invoices))
	}
	v.ShowScanned(scanned(r, "sample.ofd", store.SourceFile))
	settle()
	q := v.image
	if q.img == nil || q.text != "" {
		t.Fatalf("picture %v, note %q; want the page", q.img != nil, q.text)
	}
	b := q.img.Bounds()
	if ratio := float64(b.Dx()) / float64(b.Dy()); math.Abs(ratio-210.0/140) > 0.01 {
		t.Errorf("picture %d×%d, want the 210×140 mm page", b.Dx(), b.Dy())
	}
	if len(q.codes) != 1 || len(q.codes[0]) != 4 {
		t.Fatalf("outlines %v, want the QR code's corners", q.codes)
	}
	// The page puts the code's image at 6.5–26.5 × 6–26 mm.
	box := image.Rect(int(6.5/210*float64(b.Dx())), int(6.0/140*float64(b.Dy())), int(26.5/210*float64(b.Dx())), int(26.0/140*float64(b.Dy()))).Inset(-10)
	for _, p := range q.codes[0] {
		if !image.Pt(int(p.X), int(p.Y)).In(box) {
			t.Errorf("corner %v outside the code's place %v", p, box)
		}
	}
}

// Values read by OCR are outlined where they were read.
func TestPagePictureOutlinesWhatWasRead(t *testing.T) {
	v, e, settle := newView(t)
	path := uitest.WriteQR(t, t.TempDir(), "photo.png", uitest.PaperPayload)
	r := uitest.ScanFile(t, e, path)
	if len(r.Invoices) != 1 {
		t.Fatalf("%d invoices, want 1", len(r.Invoices))
	}
	r.Invoices[0].Printed = &document.Printed{Source: document.SourceOCR, Number: "02407312",
		Reads: map[string]document.FieldRead{
			"number": {Confidence: 0.9, Region: document.Region{X0: 0.5, Y0: 0.1, X1: 0.9, Y1: 0.2}},
			"total":  {Confidence: 0.4, Unsure: true, Region: document.Region{X0: 0.1, Y0: 0.8, X1: 0.3, Y1: 0.85}},
		}}
	v.ShowScanned(scanned(r, "photo.png", store.SourceFile))
	settle()
	q := v.image
	if q.img == nil || len(q.boxes) != 2 {
		t.Fatalf("boxes %v, want the two values read", q.boxes)
	}
	b := q.img.Bounds()
	w, h := float32(b.Dx()), float32(b.Dy())
	got := q.boxes[0].pts // "number", first by name
	if !near(got[0].X, 0.5*w) || !near(got[0].Y, 0.1*h) || !near(got[2].X, 0.9*w) || !near(got[2].Y, 0.2*h) {
		t.Errorf("the number's outline %v, want 50–90%% × 10–20%% of %v×%v", got, w, h)
	}
	if len(q.codes) != 1 {
		t.Errorf("the QR code's outline is gone: %v", q.codes)
	}
}

// A company's name, which no QR code shows here, takes the QR value's
// place too: a 20-character name shows whole on a 1024×768 screen.
func TestSellerNameShowsWhole(t *testing.T) {
	v, e, settle := newView(t)
	e.Win.Resize(fyne.NewSize(490, 600)) // the detail view on a 1024×768 screen
	show(t, v, e, settle, uitest.PaperPayload)
	const name = "中国石油天然气股份有限公司北京销售分公司"
	entry := v.table.row(store.PrintedSellerName).printed
	test.Type(entry, name)
	need := fyne.MeasureText(name, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
	if entry.Size().Width < need {
		t.Errorf("the seller's name has %v of the %v it needs", entry.Size().Width, need)
	}
	if code := v.table.row(store.PrintedCheckCode).qr; code.Size().Width < fyne.MeasureText(code.Text, theme.TextSize(), fyne.TextStyle{}).Width+2*theme.InnerPadding() {
		t.Errorf("the check code %q is cut: %v wide", code.Text, code.Size().Width)
	}
}
