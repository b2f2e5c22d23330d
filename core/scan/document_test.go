package scan

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/internal/shared"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
)

var docNow = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }

type corpusEntry struct {
	File    string            `json:"file"`
	Kind    string            `json:"kind"`
	QRTexts []string          `json:"qr_texts"`
	Notes   []string          `json:"notes"`
	Printed map[string]string `json:"printed"`
}

// TestScanCorpus runs every file of the real corpus through the pipeline
// that `fapiao scan` uses: every expected QR code is listed with its page,
// and wherever the corpus says the QR code agrees with the printed values,
// the comparison finds no difference.
func TestScanCorpus(t *testing.T) {
	dir := shared.Path(t, "corpus", "real")
	b, err := os.ReadFile(filepath.Join(dir, "EXPECTED.json"))
	if err != nil {
		t.Fatal(err)
	}
	var es []corpusEntry
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatal(err)
	}
	files := make([]string, len(es))
	for i, e := range es {
		files[i] = filepath.Join(dir, e.File)
	}
	s := &Scanner{Now: docNow}
	results := make([]FileResult, len(files))
	s.Run(context.Background(), files, 2, func(done int, r FileResult) { results[done-1] = r })
	for i, e := range es {
		r := results[i]
		t.Run(e.File, func(t *testing.T) {
			if r.Err != nil {
				t.Fatalf("error: %v", r.Err)
			}
			var texts []string
			for _, c := range r.Codes {
				texts = append(texts, c.Text)
				if e.Kind != "image" && e.Kind != "xml" && c.Page < 1 {
					t.Errorf("code %q without a page", c.Text)
				}
			}
			if e.Kind == "image" {
				// Images: the codes found must include those expected; the
				// printed values are read by OCR, and a value read is the
				// one printed: a value not read surely is left out, never
				// made up, so that no genuine invoice shows a difference.
				for _, want := range e.QRTexts {
					if !slices.Contains(texts, want) {
						t.Errorf("QR %q not found (got %q)", want, texts)
					}
				}
				for _, inv := range r.Invoices {
					if inv.Printed == nil {
						continue
					}
					if inv.Printed.Source != "" && inv.Printed.Source != document.SourceOCR {
						t.Errorf("printed source %q", inv.Printed.Source)
					}
					p := inv.Printed
					got := map[string]string{"code": p.Code, "number": p.Number, "date": p.Date,
						"amount": p.Amount, "total": p.Total, "check": p.CheckCode}
					for k, v := range got {
						if want := e.Printed[k]; v != "" && want != "" && v != want {
							t.Errorf("%s read as %q, printed %q", k, v, want)
						}
					}
					for _, row := range inv.Comparison {
						if row.Verdict == compare.Different {
							t.Errorf("%s differs on a genuine invoice: QR %s, read %s", row.Field, row.QR, row.Printed)
						}
					}
				}
				return
			}
			if !slices.Equal(texts, e.QRTexts) {
				t.Errorf("codes %q, want %q", texts, e.QRTexts)
			}
			if len(r.Invoices) == 0 {
				t.Fatal("no invoice")
			}
			consistent := slices.ContainsFunc(e.Notes, func(n string) bool { return strings.Contains(n, "QR consistent with printed values") })
			for _, inv := range r.Invoices {
				if inv.Printed == nil {
					t.Fatal("no printed values")
				}
				if inv.QR == nil {
					continue
				}
				for _, row := range inv.Comparison {
					if consistent && row.Verdict == compare.Different {
						t.Errorf("%s differs: QR %s, printed %s", row.Field, row.QR, row.Printed)
					}
				}
				for _, f := range inv.Findings {
					if consistent && strings.HasPrefix(f.Code, "mismatch_") {
						t.Errorf("finding %s: %s", f.Code, f.English)
					}
				}
			}
		})
	}
}

// TestScanOnBehalf: the corpus's 代开 invoice puts the total including tax
// in its QR code. The clerk is warned, and nothing is called a mismatch.
func TestScanOnBehalf(t *testing.T) {
	p := shared.Path(t, "corpus", "real", "pdf", "qhlai__handpose-detect__发票.pdf")
	r := (&Scanner{Now: docNow}).File(context.Background(), p)
	if r.Err != nil || len(r.Invoices) != 1 {
		t.Fatalf("err %v, %d invoices", r.Err, len(r.Invoices))
	}
	inv := r.Invoices[0]
	var amount compare.Row
	for _, row := range inv.Comparison {
		if row.Field == compare.FieldAmount {
			amount = row
		}
	}
	if amount.Verdict != compare.Same || amount.Basis != compare.BasisTotal || amount.QR != "187.73" || amount.Printed != "187.73" {
		t.Errorf("amount row %+v, want 187.73 matched against the total including tax", amount)
	}
	var warned bool
	for _, f := range inv.Findings {
		if f.Code == "amount_total_instead" {
			warned = f.Severity == finding.Warning
		}
		if f.Code == "mismatch_amount" {
			t.Errorf("mismatch reported: %s", f.English)
		}
	}
	if !warned {
		t.Errorf("no amount_total_instead warning in %+v", inv.Findings)
	}
}

// TestScanDocumentJSON checks the JSON contract of a document's result
// (docs/cli-json.md).
func TestScanDocumentJSON(t *testing.T) {
	p := shared.Path(t, "corpus", "real", "ofd", "ofdrw__ofdrw__keyword2.ofd")
	r := (&Scanner{Now: docNow}).File(context.Background(), p)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Codes    []map[string]any `json:"codes"`
		Invoices []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Codes) != 1 || j.Codes[0]["page"] != 1.0 {
		t.Errorf("codes %v", j.Codes)
	}
	inv := j.Invoices[0]
	for _, k := range []string{"qr", "printed", "comparison", "findings", "page"} {
		if _, ok := inv[k]; !ok {
			t.Errorf("invoice lacks %q: %s", k, b)
		}
	}
	var printed map[string]any
	json.Unmarshal(inv["printed"], &printed)
	for _, k := range []string{"kind", "code", "number", "date", "check_code", "buyer_name", "buyer_tax_id",
		"seller_name", "seller_tax_id", "amount", "tax", "total", "source", "needs_typing", "items"} {
		if _, ok := printed[k]; !ok {
			t.Errorf("printed lacks %q", k)
		}
	}
	if printed["date"] != "2020-10-04" || printed["amount"] != "198.04" || printed["total"] != "200.00" {
		t.Errorf("printed %v", printed)
	}
}

func TestScanXMLWithoutQR(t *testing.T) {
	p := shared.Path(t, "corpus", "real", "xml", "gy3117577403-ai__fapiao__invoice_ea3b59de56de439995bffae77e1f6677.xml")
	r := (&Scanner{Now: docNow}).File(context.Background(), p)
	if r.Err != nil || len(r.Codes) != 0 || len(r.Invoices) != 1 {
		t.Fatalf("err %v, codes %v, invoices %d", r.Err, r.Codes, len(r.Invoices))
	}
	inv := r.Invoices[0]
	if inv.QR != nil || inv.Printed.Number != "26337906210400590013" || inv.Printed.Total != "10.01" {
		t.Errorf("invoice %+v", inv)
	}
}

func TestSupportedDocuments(t *testing.T) {
	for _, p := range []string{"a.pdf", "b.OFD", "c.xml", "d.png"} {
		if !Supported(p) {
			t.Errorf("%s not supported", p)
		}
	}
	if Supported("e.txt") {
		t.Error("e.txt supported")
	}
}

// Every invoice entry carries findings and comparison, [] when empty: an
// XML invoice without a QR code, and a code read from a picture without
// OCR. A truncated XML is a file error, never an invoice without values.
func TestEntryKeysAndTruncatedXML(t *testing.T) {
	xmlPath := shared.Path(t, "corpus", "real", "xml", "gy3117577403-ai__fapiao__invoice_ea3b59de56de439995bffae77e1f6677.xml")
	whole, err := os.ReadFile(xmlPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.xml")
	os.WriteFile(cut, whole[:575], 0o644)
	img := filepath.Join(dir, "qr.png")
	os.WriteFile(img, qrPNG(t, "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"), 0o644)

	s := &Scanner{Now: docNow, NoOCR: true}
	for _, p := range []string{xmlPath, img} {
		b, err := json.Marshal(s.File(context.Background(), p))
		if err != nil {
			t.Fatal(err)
		}
		var j struct{ Invoices []map[string]json.RawMessage }
		json.Unmarshal(b, &j)
		if len(j.Invoices) != 1 {
			t.Fatalf("%s: %s", p, b)
		}
		for _, k := range []string{"qr", "comparison", "findings"} {
			if v, ok := j.Invoices[0][k]; !ok || string(v) == "null" && k != "qr" {
				t.Errorf("%s: invoice lacks %q: %s", filepath.Base(p), k, b)
			}
		}
	}
	r := s.File(context.Background(), cut)
	if !errors.Is(r.Err, document.ErrCorrupt) || len(r.Invoices) != 0 || !strings.Contains(r.Error, "corrupt or truncated") {
		t.Errorf("cut XML: err %v, %d invoices", r.Err, len(r.Invoices))
	}
}

// An image-only PDF (a scanned invoice) has no text layer to give the
// printed values: its page is rendered and read by OCR as a picture is,
// anchored on the QR code found on it, with the same honesty rules.
func TestScanImageOnlyPDF(t *testing.T) {
	src := shared.Path(t, "corpus", "real", "image", "hellkun__invoice_reader__sample.png")
	pdf := filepath.Join(t.TempDir(), "scan.pdf")
	if err := api.ImportImagesFile([]string{src}, pdf, pdfcpu.DefaultImportConfig(), nil); err != nil {
		t.Fatal(err)
	}
	const qr = "01,10,042002100111,24933745,630.00,20210513,66101642801489574502,FC1C,"
	printed := map[string]string{"code": "042002100111", "number": "24933745", "date": "2021-05-13",
		"amount": "630.00", "total": "630.00", "check_code": "66101642801489574502"}

	r := (&Scanner{Now: docNow, NoOCR: true}).File(context.Background(), pdf)
	if r.Err != nil || len(r.Invoices) != 1 || r.Invoices[0].QR == nil || r.Invoices[0].QR.Raw != qr {
		t.Fatalf("without OCR: %+v", r)
	}
	if p := r.Invoices[0].Printed; p == nil || !p.NeedsTyping || p.Source != "" {
		t.Fatalf("without OCR the page has no values: %+v", p)
	}

	r = (&Scanner{Now: docNow}).File(context.Background(), pdf)
	if r.Err != nil || len(r.Invoices) != 1 {
		t.Fatalf("%+v", r)
	}
	inv := r.Invoices[0]
	p := inv.Printed
	if p == nil || p.Source != document.SourceOCR || len(p.Reads) == 0 {
		t.Fatalf("printed %+v: not read by OCR", p)
	}
	got := map[string]string{"code": p.Code, "number": p.Number, "date": p.Date, "amount": p.Amount,
		"total": p.Total, "check_code": p.CheckCode}
	read := countRead(t, got, printed)
	if read < 2 {
		t.Errorf("%d values read: %+v", read, got)
	}
	for k, rd := range p.Reads {
		if g := rd.Region; g.X0 >= g.X1 || g.Y0 >= g.Y1 || g.X0 < 0 || g.Y1 > 1 {
			t.Errorf("%s: region %+v", k, g)
		}
	}
	for _, row := range inv.Comparison {
		if row.Verdict == compare.Different {
			t.Errorf("%s differs on a genuine invoice: QR %s, read %s", row.Field, row.QR, row.Printed)
		}
	}
}

// A phone photo of a paper invoice whose QR code is mosaicked: no code to
// compare with, so it is listed as an invoice without one, with the
// warning that says so, and the values read on its form (anchored on the
// form's outer frame) are what is printed or left empty, never a guess.
func TestScanPhotoWithoutCode(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of a photo")
	}
	src := shared.Path(t, "corpus", "real", "image", "GuoShuyin__invoiceOCR_for_fun__invoice1.png")
	printed := map[string]string{"code": "034001900104", "number": "34146020", "date": "2020-08-20",
		"amount": "2564.60", "tax": "333.40", "total": "2898.00", "check_code": "74291198402881808053",
		"buyer_tax_id": "91340100MA2UMW7E42", "seller_tax_id": "91340100732995648F"}
	r := (&Scanner{Now: docNow}).File(context.Background(), src)
	if r.Err != nil || len(r.Invoices) != 1 {
		t.Fatalf("err %v, %d invoices", r.Err, len(r.Invoices))
	}
	inv := r.Invoices[0]
	if inv.QR != nil {
		t.Fatalf("a code was read: %+v", inv.QR)
	}
	if len(inv.Findings) == 0 || inv.Findings[0].Code != "qr_missing" {
		t.Errorf("findings %+v: the first is not qr_missing", inv.Findings)
	}
	p := inv.Printed
	if p == nil || p.Source != document.SourceOCR {
		t.Fatalf("printed %+v: not read by OCR", p)
	}
	got := map[string]string{"code": p.Code, "number": p.Number, "date": p.Date, "amount": p.Amount, "tax": p.Tax,
		"total": p.Total, "check_code": p.CheckCode, "buyer_tax_id": p.BuyerTaxID, "seller_tax_id": p.SellerTaxID}
	if countRead(t, got, printed) == 0 {
		t.Errorf("nothing read: %+v", got)
	}
	for _, row := range inv.Comparison {
		if row.Verdict == compare.Different {
			t.Errorf("%s: different with no code to compare with", row.Field)
		}
	}
}

// countRead counts the values of got that are what is printed; one read
// otherwise (not left empty) is an error.
func countRead(t *testing.T, got, printed map[string]string) int {
	t.Helper()
	read := 0
	for k, v := range got {
		switch v {
		case printed[k]:
			read++
		case "":
		default:
			t.Errorf("%s read as %q, printed %q", k, v, printed[k])
		}
	}
	return read
}
