package uitest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Invoice codes the tests scan.
const (
	PaperPayload   = "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"
	DigitalPayload = "01,32,,24312000000136634917,0.01,20240514,,1DD6"
	// TamperedPayload is PaperPayload with the amount raised by 100 yuan
	// and the CRC left as it was.
	TamperedPayload = "01,10,044031600111,02407312,682.52,20171104,80883429292637169951,D8EA,"
	// WifiCard is the text of a QR code that is not an invoice's.
	WifiCard = "WIFI:T:WPA;S:Front-Office;P:guest-2024;;"
)

// QRImage draws text as a QR code with a four-module margin, px pixels a
// module.
func QRImage(t testing.TB, text string, px int) *image.Gray {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		t.Fatal(err)
	}
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w*px, h*px))
	for y := range h * px {
		for x := range w * px {
			c := color.Gray{255}
			if m.Get(x/px, y/px) {
				c = color.Gray{0}
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

// QRPNG encodes text as a small QR code PNG, 3 pixels a module.
func QRPNG(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, QRImage(t, text, 3)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// WriteQR writes a PNG of text as a QR code, 6 pixels a module, into dir
// and returns its path.
func WriteQR(t testing.TB, dir, name, text string) string {
	t.Helper()
	return WritePNG(t, dir, name, QRImage(t, text, 6))
}

// WritePNG writes img into dir as a PNG and returns its path.
func WritePNG(t testing.TB, dir, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
