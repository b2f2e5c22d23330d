package document

import (
	"fmt"
	"strings"
	"testing"
)

// cidText is s as a hex string of two-byte codes, its Unicode code points:
// the font below maps each code to itself.
func cidText(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range s {
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteByte('>')
	return b.String()
}

// cidFont is a Type0 font in Identity-H, not embedded, whose ToUnicode map
// is the identity: text can be written in Chinese and read back exactly.
const toUnicode = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
1 beginbfrange <0000> <FFFF> <0000> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`

// TestFilledTemplatePDF reads an invoice drawn as a template with its
// values filled in as form fields, as iText's form flattening leaves them:
// each value a form XObject placed in its field's box, whose text sits a
// little above the caption's baseline. The buyer's tax ID is read there,
// and the blockchain invoice's five-character check code.
func TestFilledTemplatePDF(t *testing.T) {
	pix, n := qrGray(t, genPayload)
	captions := []struct {
		x, y, size float64
		s          string
	}{
		{200, 540, 16, "深圳电子普通发票"},
		{420, 560, 9, "发票代码:"}, {420, 545, 9, "发票号码:"}, {420, 530, 9, "开票日期:"}, {420, 515, 9, "校验码:"},
		{40, 480, 9, "名\u3000\u3000\u3000\u3000称:"}, {40, 462, 9, "纳税人识别号:"},
		{40, 300, 9, "名\u3000\u3000\u3000\u3000称:"}, {40, 282, 9, "纳税人识别号:"},
	}
	fields := []struct {
		x, y float64
		s    string
	}{
		{465, 560, "144031909110"}, {465, 545, "03434495"}, {465, 530, "2019年03月15日"}, {465, 515, "e9052"},
		{110, 480, "深圳某某有限公司"}, {110, 462, "91440300MA5FAB1234"},
		{110, 300, "腾讯云计算（北京）有限责任公司"}, {110, 282, "91110108MA01ABCD1X"},
	}
	b := newPDF()
	b.obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	b.obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	var xobjs strings.Builder
	xobjs.WriteString("/Im0 5 0 R")
	for i := range fields {
		fmt.Fprintf(&xobjs, " /Fm%d %d 0 R", i, 9+i)
	}
	b.obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 600] /Resources << /Font << /F1 6 0 R >> /XObject << "+xobjs.String()+" >> >> /Contents 4 0 R >>", nil)
	var c strings.Builder
	fmt.Fprintf(&c, "q 60 0 0 60 20 520 cm /Im0 Do Q\n")
	for _, cp := range captions {
		fmt.Fprintf(&c, "BT /F1 %g Tf %g %g Td %s Tj ET\n", cp.size, cp.x, cp.y, cidText(cp.s))
	}
	// The fields' boxes are 14 points high with the text 7 points up from
	// the box's bottom, which is 1.5 points below the caption's baseline:
	// the values sit 5.5 points, more than half a line, above it.
	for i, f := range fields {
		fmt.Fprintf(&c, "q 1 0 0 1 %g %g cm /Fm%d Do Q\n", f.x, f.y-1.5, i)
	}
	b.obj(fmt.Sprintf("<< /Length %d >>", c.Len()), []byte(c.String()))
	b.obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>", n, n, len(pix)), pix)
	b.obj("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>", nil)
	b.obj("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [48 57 500 65 90 500 97 122 500] >>", nil)
	b.obj(fmt.Sprintf("<< /Length %d >>", len(toUnicode)), []byte(toUnicode))
	for _, f := range fields {
		s := fmt.Sprintf("/Tx BMC BT /F1 9 Tf 2 7 Td %s Tj ET EMC", cidText(f.s))
		b.obj(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 220 14] /Resources << /Font << /F1 6 0 R >> >> /Length %d >>", len(s)), []byte(s))
	}
	d, err := readGen(t, "filled.pdf", b.finish())
	if err != nil {
		t.Fatal(err)
	}
	p := d.Invoices[0].Printed
	if p.BuyerTaxID != "91440300MA5FAB1234" || p.SellerTaxID != "91110108MA01ABCD1X" {
		t.Errorf("tax IDs buyer %q seller %q", p.BuyerTaxID, p.SellerTaxID)
	}
	if p.CheckCode != "e9052" || p.Code != "144031909110" || p.Number != "03434495" || p.Date != "2019-03-15" {
		t.Errorf("header read as %+v", p.fields())
	}
	if p.BuyerName != "深圳某某有限公司" {
		t.Errorf("buyer name %q", p.BuyerName)
	}
}
