package invoice

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	uitest.RemovePaper()
	os.Exit(code)
}

// A photo of a paper invoice, read by the real OCR engine: the 票面 column
// holds what was read, each value marked with the engine's confidence (or
// as not read surely, then empty); going to a value shows the picture
// zoomed to exactly where it was read; a value typed over it is the
// clerk's, and what was read stays.
func TestPaperPhotoFillsThePrintedColumn(t *testing.T) {
	v, e, settle := newView(t)
	e.Scanner = &scan.Scanner{Now: uitest.FixedNow} // OCR on
	if err := e.Scanner.OCRStatus(); err != nil {
		t.Fatalf("the tests need the OCR engine (make test-deps installs it): %v", err)
	}
	var photo uitest.Paper
	for _, p := range uitest.PaperInvoices(t) {
		if p.Condition == "photo" && len(p.Altered) == 0 {
			photo = p
			break
		}
	}
	if photo.Path == "" {
		t.Fatal("the generator made no genuine phone photo")
	}
	r := uitest.ScanFile(t, e, photo.Path)
	if len(r.Invoices) != 1 || r.Invoices[0].Printed == nil {
		t.Fatalf("the photo gave %+v", r.Invoices)
	}
	v.ShowScanned(scanned(r, "photo.jpg", store.SourceFile))
	settle()

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
