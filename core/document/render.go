package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"golang.org/x/image/draw"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/membudget"
)

// Pictures for the clerk to look at: a PDF page rendered whole by PDFium,
// an OFD page drawn by ofddraw.go, or, for an OFD, the image its QR code
// was read from.

// Errors of RenderPage and CodeImage, for errors.Is.
var (
	// ErrNoPage is a page number the document does not have.
	ErrNoPage = errors.New("no such page")
	// ErrNoImage is a code that was not read from an image in the file (an
	// OFD can carry its QR text as data).
	ErrNoImage = errors.New("the QR code is not an image in the file")
)

// maxPreviewDPI bounds the resolution of a rendered page: more than a
// screen shows, whatever maxPixels allows.
const maxPreviewDPI = 300

// RenderPage renders page (from 1) of the PDF or OFD at path, white behind,
// at the largest resolution up to 300 dpi whose image has at most maxPixels
// pixels. Other formats give ErrUnsupported; a page the document lacks
// ErrNoPage.
func RenderPage(ctx context.Context, path string, page int, maxPixels int) (image.Image, error) {
	op := fmt.Sprintf("render page %d", page)
	if page < 1 {
		return nil, fmt.Errorf("%s: %w", op, ErrNoPage)
	}
	if maxPixels < 1 {
		return nil, fmt.Errorf("%s: at most %d pixels: nothing to draw", op, maxPixels)
	}
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	format := sniff(path, data)
	if format != PDF && format != OFD {
		return nil, fmt.Errorf("%s: %w", op, ErrUnsupported)
	}
	release, err := membudget.Default.Reserve(ctx, readCost(format, len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer release()
	var out *image.RGBA
	if format == OFD {
		out, err = drawOFDPage(ctx, data, page, maxPixels)
	} else {
		out, err = renderPDF(ctx, data, page, maxPixels)
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %s: %w", path, op, err)
	}
	return out, nil
}

// renderPDF renders page (from 1) of a PDF held in data, as RenderPage.
func renderPDF(ctx context.Context, data []byte, page, maxPixels int) (*image.RGBA, error) {
	var out *image.RGBA
	err := withPDFium(ctx, func(p pdfium.Pdfium) error {
		doc, pages, closeDoc, err := openPDF(p, data)
		if err != nil {
			return err
		}
		defer closeDoc()
		if page > pages {
			return fmt.Errorf("%w: the document has %d", ErrNoPage, pages)
		}
		ref := requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: page - 1}}
		w, err := p.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: ref})
		if err != nil {
			return fmt.Errorf("%w: %s", ErrCorrupt, engineWords(err))
		}
		h, err := p.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: ref})
		if err != nil {
			return fmt.Errorf("%w: %s", ErrCorrupt, engineWords(err))
		}
		pw, ph := fitPixels(float64(w.PageWidth), float64(h.PageHeight), maxPixels)
		if pw < 1 || ph < 1 {
			return fmt.Errorf("%w: page of %.0f×%.0f points", ErrCorrupt, w.PageWidth, h.PageHeight)
		}
		r, err := p.RenderPageInPixels(&requests.RenderPageInPixels{Page: ref, Width: pw, Height: ph})
		if err != nil {
			return fmt.Errorf("%w: render: %s", ErrCorrupt, engineWords(err))
		}
		// The pixels live in the engine's memory until Cleanup: copy them.
		out = overWhite(r.Result.Image)
		r.Cleanup()
		return nil
	})
	return out, err
}

// jbig2Image is a standalone JBIG2 image (as OFDs carry), decoded by
// PDFium at its own size.
func jbig2Image(ctx context.Context, data []byte) (*image.RGBA, error) {
	segs, w, h, err := parseJBIG2(data)
	if err != nil {
		return nil, err
	}
	if n := 4 * int64(w) * int64(h); n < 1 || n > maxImageCost {
		return nil, fmt.Errorf("%w: JBIG2 image of %d×%d", ErrCorrupt, w, h)
	}
	return renderPDF(ctx, jbig2PDF(segs, w, h), 1, int(w)*int(h))
}

// fitPixels is the size in pixels of a w×h point page rendered at the
// largest resolution up to maxPreviewDPI that keeps it within maxPixels.
func fitPixels(w, h float64, maxPixels int) (int, int) {
	return fitPixelsAt(w, h, maxPreviewDPI, maxPixels)
}

// fitPixelsAt is fitPixels up to dpi.
func fitPixelsAt(w, h float64, dpi, maxPixels int) (int, int) {
	if w <= 0 || h <= 0 || math.IsNaN(w*h) || math.IsInf(w*h, 0) {
		return 0, 0
	}
	scale := min(float64(dpi)/72.0, math.Sqrt(float64(maxPixels)/(w*h)))
	pw, ph := max(1, int(w*scale)), max(1, int(h*scale))
	for pw*ph > maxPixels && pw*ph > 1 { // rounding
		pw, ph = max(pw-1, 1), max(ph-1, 1)
	}
	return pw, ph
}

// overWhite copies a premultiplied image onto white, opaque.
func overWhite(src *image.RGBA) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
		d := dst.Pix[y*dst.Stride:]
		for x := 0; x < 4*b.Dx(); x += 4 {
			white := 255 - s[x+3]
			d[x], d[x+1], d[x+2], d[x+3] = s[x]+white, s[x+1]+white, s[x+2]+white, 255
		}
	}
	return dst
}

// CodeImage returns the image in the OFD at path that the QR code text was
// read from (the first invoice code's when text is ""), scaled down to at
// most maxPixels pixels. It gives ErrNoImage when the code is kept as data
// or drawn otherwise, and ErrUnsupported for other formats.
func CodeImage(ctx context.Context, path, text string, maxPixels int) (image.Image, error) {
	const op = "QR image"
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if sniff(path, data) != OFD {
		return nil, fmt.Errorf("%s: %w", op, ErrUnsupported)
	}
	img, err := ofdCodeImage(ctx, data, text)
	if err != nil {
		return nil, fmt.Errorf("document %s: %s: %w", path, op, err)
	}
	return shrink(img, maxPixels), nil
}

func ofdCodeImage(ctx context.Context, data []byte, text string) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: reader failed: %v", ErrCorrupt, r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	od, _, err := openOFD(data)
	if err != nil {
		return nil, err
	}
	for _, c := range od.imageCodes(ctx, Options{}) {
		file, ok := strings.CutPrefix(c.Source, "ofd-image:")
		if !ok || (text != "" && c.Text != text) || (text == "" && !isInvoiceText(c.Text)) {
			continue
		}
		b, err := od.p.get(file)
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(b, jbig2Magic) {
			break // decoded through PDFium for its text only
		}
		return imaging.Decode(b)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, ErrNoImage
}

// shrink scales img down to at most maxPixels pixels; a smaller image is
// returned as it is.
func shrink(img image.Image, maxPixels int) image.Image {
	b := img.Bounds()
	if maxPixels < 1 || b.Dx()*b.Dy() <= maxPixels {
		return img
	}
	s := math.Sqrt(float64(maxPixels) / float64(b.Dx()*b.Dy()))
	w, h := max(1, int(float64(b.Dx())*s)), max(1, int(float64(b.Dy())*s))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
