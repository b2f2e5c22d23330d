package document

import (
	"context"
	"image"
	"strings"
	"sync"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/ocr"
)

// A band needed for some fields only is skipped when the bands before it
// gave those fields values the layout reader took; a value seen but not
// read cleanly does not count.
func TestFound(t *testing.T) {
	var buyer, seller, misread pageText
	place(&buyer, 10, 20, 10, "名称：厦门市东方贸易有限公司")
	place(&buyer, 10, 35, 10, "纳税人识别号：91353284MA2W632032")
	place(&seller, 10, 120, 10, "名称：山东金桥供应链管理有限公司")
	place(&seller, 10, 135, 10, "纳税人识别号：91370163628072210W")
	place(&misread, 10, 120, 10, "名称：山东金桥供应链管理有限公司")
	place(&misread, 10, 135, 10, "纳税人识别号：91370163628072216W") // check fails
	need := []string{keySellerTaxID}
	for _, c := range []struct {
		name  string
		read  [][]glyph
		needs []string
		want  bool
	}{
		{"seller's ID read", [][]glyph{buyer.glyphs, seller.glyphs}, need, true},
		{"only the buyer's ID read", [][]glyph{buyer.glyphs}, need, false},
		{"seller's ID misread", [][]glyph{buyer.glyphs, misread.glyphs}, need, false},
		{"nothing read yet", nil, need, false},
		{"no needs", [][]glyph{buyer.glyphs, seller.glyphs}, nil, false},
	} {
		if got := found(c.needs, c.read); got != c.want {
			t.Errorf("%s: found %v, want %v", c.name, got, c.want)
		}
	}
}

// recordingEngine is the real engine, with the regions read in free text
// counted, and the regions read of each character set and layout.
type recordingEngine struct {
	ocr.Engine
	mu   sync.Mutex
	text int
	by   map[ocr.Options]int
}

func (c *recordingEngine) Read(ctx context.Context, img *image.Gray, opt ocr.Options) ([]ocr.Glyph, error) {
	c.mu.Lock()
	if opt.Charset == ocr.Text && opt.Layout == ocr.Sparse {
		c.text++
	}
	if c.by == nil {
		c.by = map[ocr.Options]int{}
	}
	c.by[opt]++
	c.mu.Unlock()
	return c.Engine.Read(ctx, img, opt)
}

// readParties reads a drawn 税控 form's header, and the buyer's and the
// seller's names and taxpayer IDs, through an engine that counts its
// reads; the IDs must be read as printed.
func readParties(t *testing.T) (Printed, *recordingEngine) {
	t.Helper()
	p := newPaper(t, 150)
	p.qr(t, paperQR)
	drawHeader(p, "36182988", "2017年06月04日", "1394.99")
	p.text(0.3, 1.65, "名　　称：厦门市东方贸易有限公司")
	p.text(0.3, 1.92, "纳税人识别号：91353284MA2W632032")
	p.text(0.3, 5.38, "名　　称：山东金桥供应链管理有限公司")
	p.text(0.3, 5.6, "纳税人识别号：91370163628072210W")
	var rec *recordingEngine
	pr := readPaperBy(t, p, func(e ocr.Engine) ocr.Engine {
		rec = &recordingEngine{Engine: e}
		return rec
	})
	if pr.SellerTaxID != "91370163628072210W" || pr.BuyerTaxID != "91353284MA2W632032" {
		t.Fatalf("taxpayer IDs read as buyer %q, seller %q", pr.BuyerTaxID, pr.SellerTaxID)
	}
	return pr, rec
}

// On a 税控 form the totals band holds the seller's rows: when it gave the
// seller's taxpayer ID, the seller's band is not read again, and the ID
// is still what was printed.
func TestSellerBandNotReadTwice(t *testing.T) {
	_, rec := readParties(t)
	if want := len(bandsTaxControl) - 1; rec.text != want {
		t.Errorf("%d bands read, want %d: the seller's rows were read twice", rec.text, want)
	}
}

// A taxpayer ID the QR code does not carry is read again until two
// readings agree: a third could not outvote them. The parties' names are
// read again with the Chinese model alone, never as free text.
func TestTaxIDReadUntilAgreed(t *testing.T) {
	pr, rec := readParties(t)
	if n := rec.by[ocr.Options{Charset: ocr.TaxID, Layout: ocr.Line}]; n != 2 {
		t.Errorf("taxpayer IDs read again %d times, want once each", n)
	}
	if n := rec.by[ocr.Options{Charset: ocr.Text, Layout: ocr.Line}]; n != 0 {
		t.Errorf("%d lines read again as free text, want none", n)
	}
	if pr.BuyerName != "" && rec.by[ocr.Options{Charset: ocr.Chinese, Layout: ocr.Line}] == 0 {
		t.Errorf("buyer's name %q kept with no reading of it in Chinese", pr.BuyerName)
	}
}

// Two sure readings of a value no QR code carries stay what is taken while
// no other value can be read as often as they agree.
func TestOutvoted(t *testing.T) {
	x, y := "91353284MA2W632032", "91370163628072210W"
	for _, c := range []struct {
		name string
		rs   []reading
		qr   []string
		left int
		want bool
	}{
		{"two agree, one left", []reading{{x, 0.5}, {x, 0.9}}, nil, 1, true},
		{"two agree, two left", []reading{{x, 0.5}, {x, 0.9}}, nil, 2, false},
		{"one reading", []reading{{x, 0.99}}, nil, 1, false},
		{"two agree, none sure", []reading{{x, 0.5}, {x, 0.6}}, nil, 1, false},
		{"two agree against one", []reading{{x, 0.8}, {y, 0.9}, {x, 0.8}}, nil, 1, false},
		{"three agree against one", []reading{{x, 0.8}, {y, 0.9}, {x, 0.8}, {x, 0.8}}, nil, 1, true},
		{"a QR value to compare with", []reading{{x, 0.8}, {x, 0.9}}, []string{y}, 1, false},
		{"nothing read", []reading{{"", 0}, {"", 0}}, nil, 1, false},
	} {
		if got := outvoted(c.rs, c.qr, c.left); got != c.want {
			t.Errorf("%s: outvoted %v, want %v", c.name, got, c.want)
		}
	}
}

// A party's name read as a place alone (广州, the first piece of a name
// the print spaced apart) is no name and is left missing, though read
// surely; a person's name on the buyer's line is a buyer's name.
func TestPartyNameShape(t *testing.T) {
	read := func(buyer, seller string) Printed {
		p := newPaper(t, 150)
		p.qr(t, paperQR)
		drawHeader(p, "36182988", "2017年06月04日", "1394.99")
		p.text(0.3, 1.65, "名　　称："+buyer)
		p.text(0.3, 1.92, "纳税人识别号：91353284MA2W632032")
		p.text(0.3, 5.38, "名　　称："+seller)
		p.text(0.3, 5.6, "纳税人识别号：91370163628072210W")
		pr := readPaper(t, p)
		if pr.SellerTaxID != "91370163628072210W" || pr.BuyerTaxID != "91353284MA2W632032" {
			t.Fatalf("taxpayer IDs read as buyer %q, seller %q: the parties' rows were not read", pr.BuyerTaxID, pr.SellerTaxID)
		}
		return pr
	}
	pr := read("广州", "深圳")
	if pr.BuyerName != "" || pr.SellerName != "" {
		t.Errorf("places taken for names: buyer %q, seller %q", pr.BuyerName, pr.SellerName)
	}
	for _, k := range []string{keyBuyerName, keySellerName} {
		if r, ok := pr.Reads[k]; !ok || !r.Unsure {
			t.Errorf("%s not listed as seen and unsure: %+v", k, pr.Reads[k])
		}
	}
	if pr := read("王伟", "深圳"); pr.BuyerName != "王伟" {
		t.Errorf("buyer's name 王伟 read as %q", pr.BuyerName)
	}
}

// dropping is the real engine, except that its free-text reading of a
// band band picks out loses the glyphs drop picks out.
type dropping struct {
	ocr.Engine
	band func(b image.Rectangle) bool
	drop func(g ocr.Glyph) bool
}

func (e dropping) Read(ctx context.Context, img *image.Gray, opt ocr.Options) ([]ocr.Glyph, error) {
	gs, err := e.Engine.Read(ctx, img, opt)
	if err != nil || opt.Layout != ocr.Sparse || !e.band(img.Bounds()) {
		return gs, err
	}
	var out []ocr.Glyph
	for _, g := range gs {
		if !e.drop(g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// rowDropping is the real engine, except that its free-text reading of a
// band the form's width drops the 价税合计 row's print, as a photo's
// band reading can (the row's rules close about it): the sums band is
// read from the form's 3.9 QR sides down, the row at 5.15.
func rowDropping(e ocr.Engine) ocr.Engine {
	return dropping{e,
		func(b image.Rectangle) bool { return b.Dx() >= 12*qrSide },
		func(g ocr.Glyph) bool {
			cy := float64(g.Box.Min.Y+g.Box.Max.Y) / 2
			return cy >= 1.05*qrSide && cy <= 1.45*qrSide
		}}
}

// A total the bands' reading lost with its whole row is read in the
// 价税合计 row read on its own.
func TestTotalRowReadAlone(t *testing.T) {
	p := newPaper(t, 150)
	p.qr(t, paperQR)
	drawHeader(p, "36182988", "2017年06月04日", "1394.99")
	pr := readPaperBy(t, p, rowDropping)
	if pr.Total != "1394.99" {
		t.Errorf("total read %q, printed 1394.99", pr.Total)
	}
	if pr.Amount != "1234.50" {
		t.Errorf("amount read %q, printed 1234.50 on the row above", pr.Amount)
	}
}

// headerValuesLost is the real engine, except that its free-text reading
// of the header band gives the captions only, as it did of a 100 dpi
// scan's dot-matrix values printed half a row off their captions: the
// header band is the one read 5.8 QR sides wide and 2.45 tall.
func headerValuesLost(e ocr.Engine) ocr.Engine {
	return dropping{e,
		func(b image.Rectangle) bool { return b.Dx() >= 5*qrSide && b.Dy() >= 2*qrSide },
		func(g ocr.Glyph) bool { return strings.ContainsAny(g.Text, "0123456789") }}
}

// Header values the header band read as nothing, its captions read, are
// read in their column alone; a header band that read them does not read
// the column again (see TestSellerBandNotReadTwice).
func TestHeaderColumnReadAlone(t *testing.T) {
	p := newPaper(t, 150)
	p.qr(t, paperQR)
	drawHeader(p, "36182988", "2017年06月04日", "1394.99")
	pr := readPaperBy(t, p, headerValuesLost)
	if pr.Number != "36182988" || pr.Date != "2017-06-04" {
		t.Errorf("number read %q, date %q; printed 36182988 and 2017-06-04", pr.Number, pr.Date)
	}
}
