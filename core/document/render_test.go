package document

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// qrTexts reads the QR codes of a rendered picture, as the window does to
// outline them.
func qrTexts(t *testing.T, img image.Image) []string {
	t.Helper()
	codes, err := imaging.DecodeImage(context.Background(), img, imaging.Options{IsInvoice: isInvoiceText})
	if err != nil && !errors.Is(err, imaging.ErrNoCode) {
		t.Fatal(err)
	}
	var out []string
	for _, c := range codes {
		out = append(out, c.Text)
	}
	return out
}

func hasText(texts []string, part string) bool {
	for _, s := range texts {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestRenderPageShowsThatPage(t *testing.T) {
	// 29 invoices, one a page, each with its own QR code.
	path := shared.Path(t, "corpus", "real", "pdf", "384863451__invoice_ocr__huolala.pdf")
	ctx := context.Background()
	const maxPixels = 2_000_000
	img, err := RenderPage(ctx, path, 3, maxPixels)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if n := b.Dx() * b.Dy(); n > maxPixels || n < maxPixels/2 {
		t.Errorf("page rendered at %d×%d = %d pixels, want at most %d and not far below", b.Dx(), b.Dy(), n, maxPixels)
	}
	if r, g, bl, a := img.At(b.Min.X, b.Min.Y).RGBA(); a != 0xffff || r < 0xf000 || g < 0xf000 || bl < 0xf000 {
		t.Errorf("corner pixel = %04x %04x %04x %04x, want opaque white paper", r, g, bl, a)
	}
	texts := qrTexts(t, img)
	if !hasText(texts, ",76452082,") {
		t.Errorf("page 3 shows the codes %q, want invoice 76452082's", texts)
	}
	if hasText(texts, ",76293190,") {
		t.Error("page 3 shows page 1's invoice")
	}
}

func TestRenderPageSizeCap(t *testing.T) {
	path := shared.Path(t, "corpus", "real", "pdf", "Caisin__fapiao-print__7.22底座.pdf")
	for _, maxPixels := range []int{1, 5_000, 300_000, 50_000_000} {
		img, err := RenderPage(context.Background(), path, 1, maxPixels)
		if err != nil {
			t.Fatalf("maxPixels %d: %v", maxPixels, err)
		}
		b := img.Bounds()
		if b.Dx()*b.Dy() > maxPixels {
			t.Errorf("maxPixels %d: %d×%d", maxPixels, b.Dx(), b.Dy())
		}
		// An A5-sized invoice at 300 dpi: the resolution cap, not the pixel
		// budget, bounds the largest.
		if maxPixels == 50_000_000 && (b.Dx() > 300*11 || b.Dx() < 1000) {
			t.Errorf("uncapped pixels: %d×%d, want about 300 dpi", b.Dx(), b.Dy())
		}
	}
}

func TestRenderPageErrors(t *testing.T) {
	pdf := shared.Path(t, "corpus", "real", "pdf", "Caisin__fapiao-print__7.22底座.pdf")
	photo := shared.Path(t, "corpus", "real", "image", "GitHub1he__QrToInvoice__img2.jpg")
	ctx := context.Background()
	tests := []struct {
		name string
		path string
		page int
		want error
	}{
		{"page 0", pdf, 0, ErrNoPage},
		{"page after the last", pdf, 2, ErrNoPage},
		{"a photo", photo, 1, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := RenderPage(ctx, tt.path, tt.page, 1_000_000)
			if !errors.Is(err, tt.want) || img != nil {
				t.Errorf("RenderPage(%s, %d) = %v, %v; want %v", tt.path, tt.page, img != nil, err, tt.want)
			}
		})
	}
	if _, err := RenderPage(ctx, pdf+".missing", 1, 1_000_000); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing file: %v, want an error naming it", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := RenderPage(cancelled, pdf, 1, 1_000_000); !errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled: %v, want %v", err, ErrTimeout)
	}
}

func TestCodeImageOFD(t *testing.T) {
	ctx := context.Background()
	// The QR code is an image resource on the page.
	path := shared.Path(t, "corpus", "real", "ofd", "erma0__fapiao-print__sample.ofd")
	img, err := CodeImage(ctx, path, "", 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if texts := qrTexts(t, img); !hasText(texts, "24322000000489101796") {
		t.Errorf("the image holds %q, want the invoice's code", texts)
	}
	small, err := CodeImage(ctx, path, "", 2_500)
	if err != nil {
		t.Fatal(err)
	}
	if b := small.Bounds(); b.Dx()*b.Dy() > 2_500 {
		t.Errorf("scaled to %d×%d, want at most 2,500 pixels", b.Dx(), b.Dy())
	}
	if _, err := CodeImage(ctx, path, "01,31,,99999999999999999999,1.00,20240101,,0000", 1_000_000); !errors.Is(err, ErrNoImage) {
		t.Errorf("another invoice's code: %v, want %v", err, ErrNoImage)
	}

	// The QR text is kept as data (original_invoice.xml): no image.
	data := shared.Path(t, "corpus", "real", "ofd", "swpudp__OfdSharp__test1.ofd")
	if _, err := CodeImage(ctx, data, "", 1_000_000); !errors.Is(err, ErrNoImage) {
		t.Errorf("a code kept as data: %v, want %v", err, ErrNoImage)
	}
	pdf := shared.Path(t, "corpus", "real", "pdf", "Caisin__fapiao-print__7.22底座.pdf")
	if _, err := CodeImage(ctx, pdf, "", 1_000_000); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a PDF: %v, want %v", err, ErrUnsupported)
	}
}

func TestFitPixels(t *testing.T) {
	tests := []struct {
		w, h      float64
		maxPixels int
		pw, ph    int
	}{
		{595, 842, 1 << 30, 2479, 3508}, // A4 at the 300 dpi cap
		{72, 72, 100, 10, 10},
		{595, 842, 1, 1, 1},
		{0, 842, 1000, 0, 0},
		{-1, 10, 1000, 0, 0},
	}
	for _, tt := range tests {
		pw, ph := fitPixels(tt.w, tt.h, tt.maxPixels)
		if pw != tt.pw || ph != tt.ph {
			t.Errorf("fitPixels(%v, %v, %d) = %d×%d, want %d×%d", tt.w, tt.h, tt.maxPixels, pw, ph, tt.pw, tt.ph)
		}
	}
}
