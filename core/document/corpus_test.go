package document

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// expected is one entry of the real corpus's EXPECTED.json.
type expected struct {
	File    string            `json:"file"`
	Kind    string            `json:"kind"`
	QRTexts []string          `json:"qr_texts"`
	Printed map[string]string `json:"printed"`
	Notes   []string          `json:"notes"`
}

func loadExpected(tb testing.TB) []expected {
	tb.Helper()
	b, err := os.ReadFile(shared.Path(tb, "corpus", "real", "EXPECTED.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var es []expected
	if err := json.Unmarshal(b, &es); err != nil {
		tb.Fatal(err)
	}
	if len(es) != 65 {
		tb.Fatalf("EXPECTED.json lists %d files, want 65", len(es))
	}
	return es
}

func (e expected) note(s string) bool {
	for _, n := range e.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// additions are printed values the corpus collector did not record but that
// the files do print, read here by eye from the files; each says why.
var additions = map[string]map[string]string{
	// An 电子凭证 (voucher) of a Zhejiang electronic ordinary invoice: no QR
	// code, but every value is printed on its page.
	"ofd/ofdrw__ofdrw__SignScaleError.ofd": {
		"code": "033002200211", "number": "99934328", "date": "2022-09-01",
		"amount": "9.91", "tax": "1.29", "total": "11.20", "check": "64484022470182298515",
	},
	// Values recorded from the QR only; the page prints these two as well.
	"ofd/renoyuan__easyofd__test.zip.ofd": {"amount": "1455.45", "tax": "14.55"},
	// A fiscal receipt: 票据代码 and 票据号码 are recorded together in "number".
	"pdf/iponkan__invoice_ocr__1.pdf": {"code": "00010126", "number": "0010925600"},
}

// readCorpus reads every document of the corpus once per test binary; the
// tests below check different things on the results.
var corpus struct {
	once sync.Once
	docs map[string]*Document
	errs map[string]error
}

func readCorpus(t *testing.T) (map[string]*Document, map[string]error) {
	t.Helper()
	es := loadExpected(t)
	dir := shared.Path(t, "corpus", "real")
	corpus.once.Do(func() {
		corpus.docs, corpus.errs = map[string]*Document{}, map[string]error{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, Workers)
		for _, e := range es {
			if e.Kind == "image" {
				continue
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				d, err := Read(context.Background(), filepath.Join(dir, e.File), Options{})
				mu.Lock()
				corpus.docs[e.File], corpus.errs[e.File] = d, err
				mu.Unlock()
			}()
		}
		wg.Wait()
	})
	return corpus.docs, corpus.errs
}

// TestCorpus checks every PDF, OFD and XML file of the real corpus: the QR
// texts found are exactly those expected, in page order, and each printed
// value equals the one recorded.
func TestCorpus(t *testing.T) {
	docs, errs := readCorpus(t)
	passed := 0
	for _, e := range loadExpected(t) {
		if e.Kind == "image" {
			continue
		}
		t.Run(e.File, func(t *testing.T) {
			d, err := docs[e.File], errs[e.File]
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			var texts []string
			for _, c := range d.Codes() {
				texts = append(texts, c.Text)
			}
			if !slices.Equal(texts, e.QRTexts) {
				t.Errorf("QR texts\n got %q\nwant %q", texts, e.QRTexts)
			}
			if len(d.Invoices) == 0 {
				t.Fatal("no invoice")
			}
			p := d.Invoices[0].Printed
			got := map[string]string{"code": p.Code, "number": p.Number, "date": p.Date,
				"amount": p.Amount, "tax": p.Tax, "total": p.Total, "check": p.CheckCode}
			for field, want := range e.Printed {
				// "76293190 (+28 more)": the first invoice's value, the
				// others are checked against their QR codes below.
				want, _, _ = strings.Cut(want, " (")
				if a, ok := additions[e.File][field]; ok {
					want = a
				}
				if want == "" && e.note("values from QR only") {
					continue
				}
				if got[field] != want {
					t.Errorf("printed %s = %q, want %q", field, got[field], want)
				}
			}
			if p.NeedsTyping || p.Source == "" {
				t.Errorf("printed values not read: needs_typing=%v source=%q", p.NeedsTyping, p.Source)
			}
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("%d corpus documents pass value by value", passed)
}

// TestCorpusEveryInvoice checks each invoice of the multi-invoice PDF (29
// pages, 29 invoices) against its own QR code, value by value, and that the
// printed values of every corpus invoice agree with its QR code where the
// corpus says they do.
func TestCorpusEveryInvoice(t *testing.T) {
	docs, _ := readCorpus(t)
	huolala := docs["pdf/384863451__invoice_ocr__huolala.pdf"]
	if huolala == nil || len(huolala.Invoices) != 29 {
		t.Fatalf("huolala.pdf: want 29 invoices, got %v", huolala)
	}
	for i, inv := range huolala.Invoices {
		if inv.Page != i+1 || inv.Pages != 1 || len(inv.Codes) != 1 {
			t.Errorf("invoice %d: page %d, %d pages, %d codes", i, inv.Page, inv.Pages, len(inv.Codes))
			continue
		}
		q := payload.Parse(inv.Codes[0].Text)
		p := inv.Printed
		if p.Code != q.Code || p.Number != q.Number || p.Date != q.Date.String() || p.CheckCode != q.CheckCode {
			t.Errorf("page %d: printed %s-%s %s %s, QR %s-%s %s %s", i+1, p.Code, p.Number, p.Date, p.CheckCode, q.Code, q.Number, q.Date, q.CheckCode)
		}
		if a, err := money.Parse(p.Amount); err != nil || !a.Equal(q.Amount) {
			t.Errorf("page %d: printed amount %q, QR %s", i+1, p.Amount, q.Amount)
		}
		if !sums(p) {
			t.Errorf("page %d: amount %s + tax %s != total %s", i+1, p.Amount, p.Tax, p.Total)
		}
	}
	for name, d := range docs {
		for _, inv := range d.Invoices {
			if !sums(inv.Printed) {
				t.Errorf("%s: amount %s + tax %s != total %s", name, inv.Printed.Amount, inv.Printed.Tax, inv.Printed.Total)
			}
			if items := inv.Printed.Items; len(items) > 0 && !itemsSum(items, inv.Printed.Amount) {
				t.Errorf("%s: goods lines do not add up to %s: %+v", name, inv.Printed.Amount, items)
			}
		}
	}
}

// TestCorpusFastPath checks that no real PDF needs rendering: the QR code of
// every one is read from its embedded image (PNG, JPEG, 1-bit, CCITT mask,
// JBIG2).
func TestCorpusFastPath(t *testing.T) {
	docs, _ := readCorpus(t)
	for name, d := range docs {
		if d.Rendered != 0 {
			t.Errorf("%s: rendered %d pages", name, d.Rendered)
		}
		for _, c := range d.Codes() {
			if c.Source == "pdf-render" {
				t.Errorf("%s: code from a rendered page", name)
			}
		}
	}
}

func sums(p Printed) bool {
	if p.Amount == "" || p.Total == "" || p.Tax == "" {
		return true
	}
	a, err1 := money.Parse(p.Amount)
	s, err2 := money.Parse(p.Total)
	t := money.Decimal{}
	var err3 error
	if p.Tax != "***" {
		t, err3 = money.Parse(p.Tax)
	}
	return err1 == nil && err2 == nil && err3 == nil && a.Add(t).Equal(s)
}

func itemsSum(items []Item, amount string) bool {
	want, err := money.Parse(amount)
	if err != nil {
		return true
	}
	var sum money.Decimal
	for _, it := range items {
		a, err := money.Parse(it.Amount)
		if err != nil {
			return false
		}
		sum = sum.Add(a)
	}
	return sum.Equal(want)
}

// TestCorpusImagesAlone decodes every QR image of the corpus's OFDs by
// itself — PNG, JPEG and standalone JBIG2 — even where the file also
// carries the QR text as data, so that each image path is proved.
func TestCorpusImagesAlone(t *testing.T) {
	dir := shared.Path(t, "corpus", "real", "ofd")
	jb2 := 0
	for _, e := range loadExpected(t) {
		if e.Kind != "ofd" || len(e.QRTexts) == 0 {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.Base(e.File)))
		if err != nil {
			t.Fatal(err)
		}
		p, err := openPkg(data)
		if err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		found := false
		for _, n := range p.names {
			if !isImageName(n) {
				continue
			}
			b, err := p.get(n)
			if err != nil {
				t.Fatal(err)
			}
			texts := decodeImageBytes(context.Background(), b, Options{})
			if slices.Contains(texts, e.QRTexts[0]) {
				found = true
				if strings.HasSuffix(n, ".jb2") {
					jb2++
				}
			}
		}
		if !found {
			t.Errorf("%s: no image gives %q", e.File, e.QRTexts[0])
		}
	}
	if jb2 != 4 {
		t.Errorf("%d JBIG2 QR images decoded, want 4", jb2)
	}
}
