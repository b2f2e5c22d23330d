package invoice

import (
	"image"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

func TestMain(m *testing.M) { os.Exit(uitest.Main(m)) }

// A photo of a paper invoice, read by the real OCR engine: the 票面 column
// holds what was read, each value marked with the engine's confidence (or
// as not read surely, then empty); going to a value shows the picture
// zoomed to exactly where it was read; a value typed over it is the
// clerk's, and what was read stays.
func TestPaperPhotoFillsThePrintedColumn(t *testing.T) {
	photo := uitest.PaperPicture(t, "photo")
	v, e, settle, r := showPaper(t, photo.Path)

	reads := r.Invoices[0].Printed.Reads
	filled := 0
	for _, row := range v.table.rows {
		rd, read := reads[row.key]
		switch {
		case !read:
			if row.mark.Visible() {
				t.Errorf("%s: marked as read by OCR, but was not", row.key)
			}
		case rd.Unsure:
			if row.printed.Text != "" || !row.mark.Visible() || row.ocr.Text != "未读清" {
				t.Errorf("%s, not read surely: entry %q, mark %q (shown %v); want it empty and marked",
					row.key, row.printed.Text, row.ocr.Text, row.mark.Visible())
			}
		default:
			filled++
			if want := photo.Printed[row.key]; row.printed.Text != want {
				t.Errorf("%s: the 票面 column shows %q, printed %q", row.key, row.printed.Text, want)
			}
			if !row.mark.Visible() || !strings.HasPrefix(row.ocr.Text, "识别 ") || !strings.HasSuffix(row.ocr.Text, "%") {
				t.Errorf("%s: mark %q (shown %v), want the confidence", row.key, row.ocr.Text, row.mark.Visible())
			}
		}
	}
	if filled < 3 {
		t.Fatalf("%d values filled from OCR: %+v", filled, r.Invoices[0].Printed)
	}
	q := v.image
	if q.img == nil || len(q.boxes) != len(reads) {
		t.Fatalf("%d outlines for %d values read", len(q.boxes), len(reads))
	}

	// The clerk goes to the number's entry: the picture shows its place.
	key := store.PrintedNumber
	if _, ok := reads[key]; !ok {
		t.Fatalf("the number was not read: %+v", reads)
	}
	row := v.table.row(key)
	e.Win.Canvas().Focus(row.printed)
	settle()
	if q.selected != key {
		t.Fatalf("the picture shows %q, want %q", q.selected, key)
	}
	b := q.img.Bounds()
	want := reads[key].Region.Rect(b.Dx(), b.Dy())
	shown := q.shown()
	if !want.In(shown.Inset(-1)) {
		t.Errorf("the picture shows %v of %v, the number was read at %v", shown, b, want)
	}
	if shown.Dx()*shown.Dy() > b.Dx()*b.Dy()/4 {
		t.Errorf("the picture shows %v of %v: not zoomed to the number at %v", shown, b, want)
	}
	// The outline boldened is the number's, where it was read.
	if bx := q.box(key); bx == nil || bounds(bx.pts).Intersect(want).Empty() {
		t.Errorf("the number's outline %v, read at %v", bx, want)
	}

	// Typed over, the value is the clerk's; what was read stays.
	read := row.printed.Text
	row.printed.SetText("")
	test.Type(row.printed, "12345678")
	if v.f.printed.Number != read {
		t.Errorf("the number read became %q, was %q", v.f.printed.Number, read)
	}
	if got := v.f.typedValues()[key]; got != "12345678" {
		t.Errorf("the number typed is %q", got)
	}
	if !strings.Contains(row.result.Text, "录入") {
		t.Errorf("the result %q does not say the number was typed", row.result.Text)
	}
	// A value not read by OCR: going to it leaves the picture as it is.
	for _, r := range v.table.rows {
		if _, ok := reads[r.key]; !ok {
			e.Win.Canvas().Focus(r.printed)
			if q.selected != key {
				t.Errorf("going to %s, which was not read, moved the picture to %q", r.key, q.selected)
			}
			break
		}
	}
}

// An office scan saved as an image-only PDF goes through the same path:
// its page is read by OCR, the 票面 column filled, each value's place
// outlined on the page drawn, and the printed value that is not its QR
// code's flagged 不符.
func TestImageOnlyPDFIsReadAsAPicture(t *testing.T) {
	// The fourth picture: an office scan whose printed number is not its
	// QR code's.
	scanPic := uitest.PaperInvoices(t)[3]
	if scanPic.Condition != "scan" || len(scanPic.Altered) == 0 {
		t.Fatalf("the fourth paper invoice is a %s, altered %v: want a forged scan", scanPic.Condition, scanPic.Altered)
	}
	pdf := filepath.Join(t.TempDir(), "scan.pdf")
	if err := api.ImportImagesFile([]string{scanPic.Path}, pdf, nil, nil); err != nil {
		t.Fatal(err)
	}
	v, _, _, r := showPaper(t, pdf)
	reads := r.Invoices[0].Printed.Reads
	filled := 0
	for _, row := range v.table.rows {
		if rd, ok := reads[row.key]; ok && !rd.Unsure {
			filled++
			if row.printed.Text != scanPic.Printed[row.key] || !row.mark.Visible() {
				t.Errorf("%s: shows %q (marked %v), printed %q", row.key, row.printed.Text, row.mark.Visible(), scanPic.Printed[row.key])
			}
		}
	}
	if filled < 3 {
		t.Errorf("%d values filled from OCR", filled)
	}
	for _, key := range scanPic.Altered {
		if row := v.table.row(key); row != nil && row.printed.Text != "" && row.result.Text != "不符" {
			t.Errorf("%s, printed %q, QR code's %q: the result says %q", key, row.printed.Text, row.qr.Text, row.result.Text)
		}
	}
	if q := v.image; q.img == nil || len(q.boxes) != len(reads) {
		t.Errorf("%d outlines on the page for %d values read", len(q.boxes), len(reads))
	}
}

// showPaper scans the paper invoice at path with the real OCR engine, and
// shows it in a detail view once its picture is made.
func showPaper(t *testing.T, path string) (*View, *env.Env, func(), *scan.FileResult) {
	t.Helper()
	v, e, settle := newView(t)
	e.Scanner = uitest.OCRScanner(t)
	r := uitest.ScanFile(t, e, path)
	if len(r.Invoices) != 1 || r.Invoices[0].Printed == nil || r.Invoices[0].Printed.Source != document.SourceOCR {
		t.Fatalf("%s gave %+v", filepath.Base(path), r.Invoices)
	}
	v.ShowScanned(scanned(r, filepath.Base(path), store.SourceFile))
	settle()
	return v, e, settle, r
}

// An invoice whose printed values were read by OCR, opened again from the
// history, shows them as after its scan: each value with its mark (the
// engine's confidence, or 未读清), every place outlined on its picture,
// and going to a value zooms the picture to where it was read. With its
// picture gone the marks stay, with nothing to zoom.
func TestReopenedOCRInvoiceShowsItsMarks(t *testing.T) {
	_, path, _ := photoCopy(t)
	v, e, settle, r := showPaper(t, path)
	key := store.PrintedNumber
	if _, ok := r.Invoices[0].Printed.Reads[key]; !ok {
		t.Fatalf("the number was not read: %+v", r.Invoices[0].Printed.Reads)
	}
	type mark struct {
		entry, mark string
		shown       bool
	}
	marks := func() map[string]mark {
		m := map[string]mark{}
		for _, row := range v.table.rows {
			m[row.key] = mark{row.printed.Text, row.ocr.Text, row.mark.Visible()}
		}
		return m
	}
	zoomTo := func() image.Rectangle {
		t.Helper()
		e.Win.Canvas().Unfocus()
		e.Win.Canvas().Focus(v.table.row(key).printed)
		settle()
		return v.image.shown()
	}
	scanned, boxes, zoomed := marks(), len(v.image.boxes), zoomTo()
	id := r.Invoices[0].Recorded.InvoiceID

	open := func() {
		t.Helper()
		v.Clear()
		v.LoadRecord(id, func(_ string, err error) {
			if err != nil {
				t.Errorf("LoadRecord: %v", err)
			}
		})
		settle()
	}
	open()
	if got := marks(); !reflect.DeepEqual(got, scanned) {
		t.Errorf("reopened, the values and their marks\n%+v, after the scan\n%+v", got, scanned)
	}
	if len(v.image.boxes) != boxes || v.image.img == nil {
		t.Errorf("reopened, %d outlines on the picture, after the scan %d", len(v.image.boxes), boxes)
	}
	if got := zoomTo(); v.image.selected != key || got != zoomed {
		t.Errorf("reopened, going to the number shows %v (%q), after the scan %v", got, v.image.selected, zoomed)
	}

	// The photo is gone: the marks stay, and there is nothing to zoom.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	open()
	if got := marks(); !reflect.DeepEqual(got, scanned) {
		t.Errorf("its picture gone, the values and their marks\n%+v, after the scan\n%+v", got, scanned)
	}
	if v.image.img != nil || len(v.image.boxes) != 0 {
		t.Errorf("its picture gone, the view shows one with %d outlines", len(v.image.boxes))
	}
	zoomTo()
	if v.image.selected != "" {
		t.Errorf("with no picture, going to the number selected %q", v.image.selected)
	}
}

// An invoice seen first in a picture whose values were not read (a
// camera's frame kept with its code alone), then in a photo read by OCR,
// opens from the history on the photo: the marks shown are its, and so
// are the places outlined.
func TestReopenedOCRInvoiceShowsThePictureItWasReadIn(t *testing.T) {
	photo, path, data := photoCopy(t)
	v, e, settle := newView(t)
	e.Scanner = uitest.OCRScanner(t)
	first := e.Scanner.Text(photo.QR)
	first.Frame = data
	uitest.Save(t, e, &first, store.SourceCamera)
	r := uitest.ScanFile(t, e, path)
	reads := r.Invoices[0].Printed.Reads
	if len(reads) == 0 || r.Invoices[0].Recorded == nil || r.Invoices[0].Recorded.DuplicateOf == nil {
		t.Fatalf("the photo: reads %+v, recorded %+v", reads, r.Invoices[0].Recorded)
	}
	v.LoadRecord(r.Invoices[0].Recorded.InvoiceID, func(_ string, err error) {
		if err != nil {
			t.Errorf("LoadRecord: %v", err)
		}
	})
	settle()
	if v.image.img == nil || len(v.image.boxes) != len(reads) {
		t.Errorf("reopened, the picture shows %d outlines for %d values read", len(v.image.boxes), len(reads))
	}
}

// photoCopy is a phone photo of a paper invoice, copied to a file of the
// test's own (path), and its bytes.
func photoCopy(t *testing.T) (photo uitest.Paper, path string, data []byte) {
	t.Helper()
	photo = uitest.PaperPicture(t, "photo")
	path = filepath.Join(t.TempDir(), "invoice.jpg")
	data, err := os.ReadFile(photo.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return photo, path, data
}
