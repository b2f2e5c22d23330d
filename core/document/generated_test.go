package document

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Files the corpus lacks are made here: a QR code drawn as vector paths, a
// scanned page, a QR image at one pixel a module, an encrypted PDF, zip
// bombs and path tricks in OFDs, malformed XML.

const genPayload = "01,10,044031800111,41057150,256.31,20180903,62156292123512234082,A8AF"

// qrModules encodes text as a QR matrix without quiet zone.
func qrModules(t testing.TB, text string) *gozxing.BitMatrix {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// qrGray draws text as 8-bit grey pixels, one a module, no quiet zone:
// the pixels and the side.
func qrGray(t testing.TB, text string) ([]byte, int) {
	m := qrModules(t, text)
	n := m.GetWidth()
	pix := make([]byte, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !m.Get(x, y) {
				pix[y*n+x] = 255
			}
		}
	}
	return pix, n
}

// pdfBuilder writes a minimal PDF by hand, object by object.
type pdfBuilder struct {
	out  bytes.Buffer
	offs []int
}

func newPDF() *pdfBuilder {
	b := &pdfBuilder{}
	b.out.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	return b
}

func (b *pdfBuilder) obj(dict string, stream []byte) int {
	b.offs = append(b.offs, b.out.Len())
	fmt.Fprintf(&b.out, "%d 0 obj\n%s", len(b.offs), dict)
	if stream != nil {
		fmt.Fprintf(&b.out, "\nstream\n")
		b.out.Write(stream)
		b.out.WriteString("\nendstream")
	}
	b.out.WriteString("\nendobj\n")
	return len(b.offs)
}

func (b *pdfBuilder) finish() []byte {
	x := b.out.Len()
	fmt.Fprintf(&b.out, "xref\n0 %d\n0000000000 65535 f \n", len(b.offs)+1)
	for _, o := range b.offs {
		fmt.Fprintf(&b.out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b.out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(b.offs)+1, x)
	return b.out.Bytes()
}

// onePage makes a one-page PDF of w × h points with the given content and
// optional image XObject (object 5). Objects: 1 catalog, 2 pages, 3 page,
// 4 content, 5 image.
func onePage(w, h int, content string, imgDict string, img []byte) []byte {
	b := newPDF()
	b.obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	b.obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	res := "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
	if img != nil {
		res = "<< /XObject << /Im0 5 0 R >> /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
	}
	b.obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents 4 0 R >>", w, h, res), nil)
	b.obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	if img != nil {
		b.obj(fmt.Sprintf("%s /Length %d >>", strings.TrimSuffix(imgDict, ">>"), len(img)), img)
	}
	return b.finish()
}

func readGen(t *testing.T, name string, data []byte) (*Document, error) {
	t.Helper()
	return ReadBytes(context.Background(), name, data, Options{})
}

func TestVectorQRPDF(t *testing.T) {
	m := qrModules(t, genPayload)
	var c strings.Builder
	c.WriteString("BT /F1 9 Tf 40 260 Td (Vector drawn QR code) Tj ET\n0 g\n")
	const s = 3.0
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				fmt.Fprintf(&c, "%.1f %.1f %.1f %.1f re\n", 40+float64(x)*s, 220-float64(y)*s, s, s)
			}
		}
	}
	c.WriteString("f\n")
	d, err := readGen(t, "vector.pdf", onePage(400, 300, c.String(), "", nil))
	if err != nil {
		t.Fatal(err)
	}
	codes := d.Codes()
	if len(codes) != 1 || codes[0].Text != genPayload || codes[0].Source != "pdf-render" || codes[0].Page != 1 {
		t.Fatalf("codes = %+v, want the payload from a rendered page", codes)
	}
	if d.Rendered != 1 {
		t.Errorf("rendered %d pages, want 1", d.Rendered)
	}
	if p := d.Invoices[0].Printed; !p.NeedsTyping || p.Source != "" {
		t.Errorf("printed = %+v, want needs typing", p)
	}
}

// scanImage draws a page-sized grey scan with a QR code at 4 pixels a
// module in its top-left corner and some ruling, as a scanner gives.
func scanImage(t *testing.T, w, h int) *image.Gray {
	m := qrModules(t, genPayload)
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 235
	}
	for y := 300; y < h-60; y += 40 {
		for x := 40; x < w-40; x++ {
			g.SetGray(x, y, color.Gray{90})
		}
	}
	const k, ox, oy = 4, 60, 60
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				for dy := 0; dy < k; dy++ {
					for dx := 0; dx < k; dx++ {
						g.SetGray(ox+x*k+dx, oy+y*k+dy, color.Gray{20})
					}
				}
			}
		}
	}
	return g
}

func TestScannedPDF(t *testing.T) {
	const w, h = 1240, 826
	g := scanImage(t, w, h)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(g.Pix)
	zw.Close()
	dict := fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>", w, h)
	data := onePage(595, 396, "q 595 0 0 396 0 0 cm /Im0 Do Q", dict, z.Bytes())
	d, err := readGen(t, "scan.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	// The scan is an image that may hold QR codes: it is read as it was
	// scanned, not rendered at another resolution.
	if codes := d.Codes(); len(codes) != 1 || codes[0].Text != genPayload || codes[0].Source != "pdf-image" || d.Rendered != 0 {
		t.Fatalf("codes = %+v, %d pages rendered; want the payload from the scanned image", codes, d.Rendered)
	}
	if p := d.Invoices[0].Printed; !p.NeedsTyping {
		t.Errorf("printed = %+v, want needs typing (no text layer)", p)
	}
}

// TestOnePixelPerModule embeds the QR code as an image of one pixel a
// module without quiet zone, raw and as a JPEG: it must be read from the
// image, not by rendering the page.
func TestOnePixelPerModule(t *testing.T) {
	m := qrModules(t, genPayload)
	n := m.GetWidth()
	g := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !m.Get(x, y) {
				g.Pix[y*g.Stride+x] = 255
			}
		}
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, g, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		dict string
		data []byte
	}{
		{"raw", fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 >>", n, n), g.Pix},
		{"jpeg", fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode >>", n, n), jb.Bytes()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := readGen(t, "tiny.pdf", onePage(300, 200, "q 60 0 0 60 20 120 cm /Im0 Do Q", tc.dict, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if codes := d.Codes(); len(codes) != 1 || codes[0].Text != genPayload || codes[0].Source != "pdf-image" {
				t.Fatalf("codes = %+v, want the payload from the %d×%d image", codes, n, n)
			}
			if d.Rendered != 0 {
				t.Errorf("rendered %d pages, want 0", d.Rendered)
			}
		})
	}
}

func TestEncryptedPDF(t *testing.T) {
	plain := onePage(300, 200, "BT /F1 12 Tf 20 100 Td (secret) Tj ET", "", nil)
	var enc bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(plain), &enc, model.NewAESConfiguration("user-pw", "owner-pw", 256)); err != nil {
		t.Fatal(err)
	}
	_, err := readGen(t, "locked.pdf", enc.Bytes())
	if !errors.Is(err, ErrEncrypted) {
		t.Fatalf("err = %v, want ErrEncrypted", err)
	}
}

func TestBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"truncated.pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0"), ErrCorrupt},
		{"garbage.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xff, 0x00, 0x13}, 300)...), ErrCorrupt},
		{"text-only.pdf", onePage(300, 200, "BT /F1 12 Tf 20 100 Td (Minutes of the meeting) Tj ET", "", nil), ErrNotInvoice},
		{"notes.txt", []byte("hello"), ErrUnsupported},
		{"empty.ofd", []byte{}, ErrCorrupt},
		{"not-a-zip.ofd", []byte("PK\x03\x04 this is not a zip"), ErrCorrupt},
		{"no-ofd-xml.ofd", zipOf(t, map[string]string{"readme.txt": "hi"}), ErrUnsupported},
		{"html.xml", []byte("<html><body>not an invoice</body></html>"), ErrNotInvoice},
		{"broken.xml", []byte("<<<>>>"), ErrCorrupt},
		{"empty-einvoice.xml", []byte("<EInvoice><Header></Header></EInvoice>"), ErrNotInvoice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readGen(t, tc.name, tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			// PDFium's error codes are said in words.
			if m := err.Error(); strings.Contains(m, "incorrect format") || strings.Contains(m, ": 3:") {
				t.Errorf("err = %v: an engine code", err)
			}
		})
	}
	if got := engineWords(fmt.Errorf("open: %w", pdfiumerrors.ErrFormat)); got != "not in PDF format, or damaged beyond reading" {
		t.Errorf("engineWords = %q", got)
	}
}

// digitalXML is a whole 数电 XML invoice.
const digitalXML = `<?xml version="1.0" encoding="UTF-8"?><EInvoice><Header><EIid>26337906210400590013</EIid>` +
	`<InherentLabel><GeneralOrSpecialVAT><LabelCode>02</LabelCode></GeneralOrSpecialVAT></InherentLabel></Header>` +
	`<EInvoiceData><SellerInformation><SellerIdNum>913301007595365056</SellerIdNum><SellerName>杭州某某有限公司</SellerName></SellerInformation>` +
	`<BuyerInformation><BuyerName>个人</BuyerName></BuyerInformation>` +
	`<BasicInformation><TotalAmWithoutTax>9.72</TotalAmWithoutTax><TotalTaxAm>0.28</TotalTaxAm><TotalTax-includedAmount>10.00</TotalTax-includedAmount></BasicInformation>` +
	`</EInvoiceData><TaxSupervisionInfo><InvoiceNumber>26337906210400590013</InvoiceNumber><IssueTime>2026-04-22</IssueTime></TaxSupervisionInfo></EInvoice>`

// TestMalformedXML: a 数电 XML that is not whole — cut short anywhere, a
// block of zeros or random bytes written over it or after it — is refused
// as corrupt or truncated, never recorded with the values read before the
// fault; the older e-invoice data with an undeclared, empty prefix (as
// SuwellFormSDK writes its tags) is read.
func TestMalformedXML(t *testing.T) {
	whole := []byte(digitalXML)
	d, err := readGen(t, "whole.xml", whole)
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Invoices[0].Printed; p.Number != "26337906210400590013" || p.Total != "10.00" || p.Source != "xml" {
		t.Errorf("printed = %+v", p)
	}
	overwrite := func(b []byte, at int, with []byte) []byte {
		out := append([]byte{}, b...)
		copy(out[at:], with)
		return out
	}
	random := make([]byte, 64)
	for i := range random {
		random[i] = byte(i*131 + 7)
	}
	bad := map[string][]byte{
		"cut-575.xml":      whole[:575],
		"cut-half.xml":     whole[:len(whole)/2],
		"cut-in-tag.xml":   whole[:len(whole)-3],
		"zeros.xml":        overwrite(whole, 300, make([]byte, 64)),
		"random.xml":       overwrite(whole, 300, random),
		"zeros-after.xml":  append(append([]byte{}, whole...), make([]byte, 512)...),
		"all-zeros.xml":    make([]byte, 2048),
		"all-random.xml":   bytes.Repeat(random, 16),
		"no-root-end.xml":  []byte(strings.TrimSuffix(digitalXML, "</EInvoice>")),
		"garbage-tail.xml": append(append([]byte{}, whole...), "<EInvoice><Hea"...),
	}
	for name, data := range bad {
		if _, err := readGen(t, name, data); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "corrupt or truncated") {
			t.Errorf("%s: err = %v, want corrupt or truncated", name, err)
		}
	}
	d, err = readGen(t, "odd.xml", []byte(`<?xml version="1.0"?><:eInvoice xmlns:=""><fp:InvoiceCode>032001600511</fp:InvoiceCode><fp:InvoiceNo>31471858</fp:InvoiceNo><fp:IssueDate>2020年10月04日</fp:IssueDate><fp:GraphCode>01,10,032001600511,31471858,198.04,20201004,01897109054748898321,0813,</fp:GraphCode></:eInvoice>`))
	if err != nil {
		t.Fatal(err)
	}
	inv := d.Invoices[0]
	if inv.Printed.Number != "31471858" || inv.Printed.Date != "2020-10-04" || len(inv.Codes) != 1 {
		t.Errorf("invoice = %+v", inv)
	}
}

func zipOf(t testing.TB, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for n, c := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(c))
	}
	zw.Close()
	return b.Bytes()
}

const ofdXML = `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocInfo><ofd:CustomDatas><ofd:CustomData Name="发票号码">24322000000489101796</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`

func TestOFDBombs(t *testing.T) {
	// A real zip bomb: 40 MB of zeros deflate to 40 KB.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("OFD.xml")
	w.Write([]byte(ofdXML))
	w, _ = zw.Create("Doc_0/Res/big.png")
	zeros := make([]byte, 1<<20)
	for range 40 {
		w.Write(zeros)
	}
	zw.Close()

	// A lying header: the directory claims 1 KB, the data inflate to 40 MB.
	var liar bytes.Buffer
	zw = zip.NewWriter(&liar)
	w, _ = zw.Create("OFD.xml")
	w.Write([]byte(ofdXML))
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	for range 40 {
		fw.Write(zeros)
	}
	fw.Close()
	rw, err := zw.CreateRaw(&zip.FileHeader{Name: "Doc_0/Document.xml", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 1024, CRC32: crc32.ChecksumIEEE(nil)})
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(raw.Bytes())
	zw.Close()

	// Under the size limits but compressed 1000:1.
	var dense bytes.Buffer
	zw = zip.NewWriter(&dense)
	w, _ = zw.Create("OFD.xml")
	w.Write([]byte(ofdXML))
	w, _ = zw.Create("Doc_0/Res/dense.png")
	for range 10 {
		w.Write(zeros)
	}
	zw.Close()

	// Too many entries.
	var many bytes.Buffer
	zw = zip.NewWriter(&many)
	for i := range maxZipEntries + 1 {
		zw.Create(fmt.Sprintf("f%d", i))
	}
	zw.Close()

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"bomb.ofd", bomb.Bytes(), ErrTooLarge},
		{"dense.ofd", dense.Bytes(), ErrTooLarge},
		// Go's zip reader refuses to inflate past the declared size.
		{"liar.ofd", liar.Bytes(), ErrCorrupt},
		{"many.ofd", many.Bytes(), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readGen(t, tc.name, tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestOFDPathTricks(t *testing.T) {
	for _, name := range []string{"../../etc/passwd", "Doc_0/../../x.xml", "/etc/passwd", `..\..\evil.xml`, "C:/Windows/evil.xml"} {
		t.Run(name, func(t *testing.T) {
			data := zipOf(t, map[string]string{"OFD.xml": ofdXML, name: "x"})
			_, err := readGen(t, "trick.ofd", data)
			if !errors.Is(err, ErrUnsafe) {
				t.Fatalf("err = %v, want ErrUnsafe", err)
			}
		})
	}
}

// TestOFDMinimal reads an OFD of metadata alone: no pages, no QR code.
func TestOFDMinimal(t *testing.T) {
	d, err := readGen(t, "meta.ofd", zipOf(t, map[string]string{"OFD.xml": ofdXML}))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Invoices[0].Printed
	if p.Number != "24322000000489101796" || p.Source != "ofd-customdata" || len(d.Codes()) != 0 {
		t.Errorf("invoice = %+v", d.Invoices[0])
	}
}

func TestTimeout(t *testing.T) {
	data := onePage(300, 200, "BT /F1 12 Tf 20 100 Td (slow) Tj ET", "", nil)
	_, err := ReadBytes(context.Background(), "slow.pdf", data, Options{Timeout: time.Nanosecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadBytes(ctx, "slow.pdf", data, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestMultiPageInvoice: an invoice whose second page is a goods list is one
// invoice of two pages, and the list page is not rendered in search of a
// QR code.
func TestMultiPageInvoice(t *testing.T) {
	pix, n := qrGray(t, genPayload)
	b := newPDF()
	b.obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	b.obj("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>", nil)
	font := "/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
	b.obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /XObject << /Im0 7 0 R >> "+font+" >> /Contents 5 0 R >>", nil)
	b.obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << "+font+" >> /Contents 6 0 R >>", nil)
	c1 := "q 60 0 0 60 20 120 cm /Im0 Do Q BT /F1 10 Tf 100 150 Td (Invoice first page) Tj ET"
	c2 := "BT /F1 10 Tf 20 150 Td (Goods list continued: item one 100.00) Tj ET"
	b.obj(fmt.Sprintf("<< /Length %d >>", len(c1)), []byte(c1))
	b.obj(fmt.Sprintf("<< /Length %d >>", len(c2)), []byte(c2))
	b.obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>", n, n, len(pix)), pix)
	d, err := readGen(t, "two-pages.pdf", b.finish())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Invoices) != 1 || d.Invoices[0].Pages != 2 || d.Pages != 2 {
		t.Fatalf("invoices %+v, want one of 2 pages", d.Invoices)
	}
	if d.Rendered != 0 {
		t.Errorf("rendered %d pages, want 0", d.Rendered)
	}
}
