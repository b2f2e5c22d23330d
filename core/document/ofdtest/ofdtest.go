// Package ofdtest builds OFD invoice files for tests, in the shape the
// tax-control and 12306 producers give them (GB/T 33190): OFD.xml with its
// CustomData, a document with a public resource file, one page of text
// objects and the QR code as an image resource, and optionally the invoice
// as data in Doc_0/Attachs/original_invoice.xml.
package ofdtest

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"sort"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Text is a text object on the page: its top-left corner and size in
// millimetres.
type Text struct {
	X, Y, Size float64
	S          string
}

// Invoice is what the file holds.
type Invoice struct {
	// Customs are OFD.xml's CustomData by name (发票号码, 合计金额, …).
	Customs map[string]string
	// Texts are drawn on the page.
	Texts []Text
	// QR is drawn as a PNG image resource on the page; "" for none.
	QR string
	// Data are original_invoice.xml's elements (InvoiceCode, InvoiceNo,
	// GraphCode, …) by name; nil for no such file. GraphCode is written as
	// given: plain text or base64.
	Data map[string]string
}

// Build writes the OFD package.
func Build(inv Invoice) ([]byte, error) {
	files := map[string]string{}
	var cd strings.Builder
	for _, k := range sortedKeys(inv.Customs) {
		fmt.Fprintf(&cd, `<ofd:CustomData Name="%s">%s</ofd:CustomData>`, esc(k), esc(inv.Customs[k]))
	}
	files["OFD.xml"] = `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0c1d2e3f</ofd:DocID><ofd:CustomDatas>` +
		cd.String() + `</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`
	files["Doc_0/Document.xml"] = `<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>200</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>`
	files["Doc_0/PublicRes.xml"] = `<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts><ofd:MultiMedias><ofd:MultiMedia ID="100" Type="Image"><ofd:MediaFile>qrcode.png</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>`
	var c strings.Builder
	c.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">`)
	for i, t := range inv.Texts {
		w := 0.0
		for _, r := range t.S {
			if r < 0x2E80 {
				w += t.Size / 2
			} else {
				w += t.Size
			}
		}
		fmt.Fprintf(&c, `<ofd:TextObject ID="%d" Boundary="%.2f %.2f %.2f %.2f" Font="3" Size="%.3f"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="%.3f">%s</ofd:TextCode></ofd:TextObject>`,
			10+i, t.X, t.Y, w+1, t.Size*1.2, t.Size, t.Size, esc(t.S))
	}
	if inv.QR != "" {
		img, err := qrPNG(inv.QR)
		if err != nil {
			return nil, err
		}
		files["Doc_0/Res/qrcode.png"] = string(img)
		c.WriteString(`<ofd:ImageObject ID="5" ResourceID="100" Boundary="5 5 20 20" CTM="20 0 0 20 0 0"/>`)
	}
	c.WriteString(`</ofd:Layer></ofd:Content></ofd:Page>`)
	files["Doc_0/Pages/Page_0/Content.xml"] = c.String()
	if inv.Data != nil {
		var d strings.Builder
		d.WriteString(`<?xml version="1.0" encoding="UTF-8"?><fp:eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019"><fp:Header><fp:EIid>0</fp:EIid></fp:Header><fp:EInvoiceData>`)
		for _, k := range sortedKeys(inv.Data) {
			fmt.Fprintf(&d, `<fp:%s>%s</fp:%s>`, k, esc(inv.Data[k]), k)
		}
		d.WriteString(`</fp:EInvoiceData></fp:eInvoice>`)
		files["Doc_0/Attachs/original_invoice.xml"] = d.String()
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range sortedKeys(files) {
		w, err := zw.Create(n)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Base64PNG is text drawn as a QR code PNG in base64, as some producers
// keep original_invoice.xml's GraphCode.
func Base64PNG(text string) (string, error) {
	b, err := qrPNG(text)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// qrPNG draws text as a QR code, four pixels a module with a quiet zone.
func qrPNG(text string) ([]byte, error) {
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		return nil, err
	}
	const k = 4
	img := image.NewGray(image.Rect(0, 0, m.GetWidth()*k, m.GetHeight()*k))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			if !m.Get(x/k, y/k) {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func esc(s string) string { return html.EscapeString(s) }

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
