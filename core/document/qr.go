package document

import (
	"context"
	"errors"
	"image"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// QR images embedded in invoices are small and clean: one decode pass is
// usually enough, so each gets a short budget.
const embeddedBudget = 1500 * time.Millisecond

// grayOver flattens img to grey over a white background: a transparent
// PNG's background must read as paper, not as ink.
func grayOver(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if src, ok := img.(*image.Gray); ok {
		for y := 0; y < b.Dy(); y++ {
			o := src.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], src.Pix[o:o+b.Dx()])
		}
		return g
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			// Premultiplied: add white for the uncovered part.
			l := (19595*r + 38470*gg + 7471*bb + 1<<15) >> 16
			l += 0xffff - a
			if l > 0xffff {
				l = 0xffff
			}
			g.Pix[y*g.Stride+x] = uint8(l >> 8)
		}
	}
	return g
}

// prepareSmall gives a tiny image (a QR drawn at one to three pixels a
// module) what the detector needs: a white quiet zone around it and modules
// several pixels wide, by nearest-neighbour enlargement, which keeps module
// edges sharp where smooth scaling would blur them. Images of one pixel a
// module are also thresholded, since a JPEG's ringing would otherwise
// survive the enlargement.
func prepareSmall(g *image.Gray) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	side := max(w, h)
	if side >= 200 || side == 0 {
		return g
	}
	src := g
	if side < 64 {
		lo, hi := uint8(255), uint8(0)
		for _, p := range g.Pix {
			lo, hi = min(lo, p), max(hi, p)
		}
		mid := uint8((int(lo) + int(hi)) / 2)
		src = image.NewGray(g.Rect)
		for i, p := range g.Pix {
			if p > mid {
				src.Pix[i] = 255
			}
		}
	}
	border := max(4, side/8)
	k := max(2, (400+side-1)/side)
	out := image.NewGray(image.Rect(0, 0, (w+2*border)*k, (h+2*border)*k))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := src.Pix[y*src.Stride+x]
			if v == 255 {
				continue
			}
			for dy := 0; dy < k; dy++ {
				row := ((y+border)*k + dy) * out.Stride
				for dx := 0; dx < k; dx++ {
					out.Pix[row+(x+border)*k+dx] = v
				}
			}
		}
	}
	return out
}

func invert(g *image.Gray) *image.Gray {
	out := image.NewGray(g.Rect)
	for i, p := range g.Pix {
		out.Pix[i] = 255 - p
	}
	return out
}

// decodeEmbedded reads the QR codes of an image taken from inside a
// document. mask says the image is a 1-bit stencil, whose polarity depends on
// its Decode array: both polarities are tried.
func decodeEmbedded(ctx context.Context, img image.Image, mask bool, opt Options) []string {
	b := img.Bounds()
	if b.Dx() < 21 || b.Dy() < 21 || b.Dx() > imaging.MaxSide || b.Dy() > imaging.MaxSide {
		return nil
	}
	g := prepareSmall(grayOver(img))
	tries := []*image.Gray{g}
	if mask {
		tries = append(tries, invert(g))
	}
	for _, t := range tries {
		codes, err := imaging.DecodeImage(ctx, t, decodeOptions(opt, embeddedBudget))
		if err != nil && !errors.Is(err, imaging.ErrNoCode) {
			return nil
		}
		var out []string
		for _, c := range codes {
			out = append(out, c.Text)
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// squareish reports whether a w × h image could hold a QR code alone.
func squareish(w, h int) bool {
	if w < 21 || h < 21 {
		return false
	}
	return float64(max(w, h)) <= 1.15*float64(min(w, h))
}

// mayHoldQR reports whether a w × h image may hold QR codes: a square one
// alone, or a picture wide enough for several side by side (an invoice's
// code beside a shop's and a WeChat code). Banners and strips are left out.
func mayHoldQR(w, h int) bool {
	if squareish(w, h) {
		return true
	}
	return min(w, h) >= 100 && max(w, h) <= 2*min(w, h)
}

// grayFromBytes builds a grey image from a packed buffer in one of the
// layouts pdfium hands out.
// alpha says whether a 4-byte layout's fourth byte is coverage.
func grayFromBytes(buf []byte, w, h, stride, bpp int, alpha bool) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := buf[y*stride:]
		for x := 0; x < w; x++ {
			var v uint8
			switch bpp {
			case 1:
				v = row[x]
			case 3, 4: // BGR or BGRx / BGRA
				p := row[x*bpp:]
				v = uint8((19595*uint32(p[2]) + 38470*uint32(p[1]) + 7471*uint32(p[0]) + 1<<15) >> 16)
				if alpha && p[3] != 255 {
					v = uint8((uint32(v)*uint32(p[3]) + 255*(255-uint32(p[3]))) / 255)
				}
			}
			g.Pix[y*g.Stride+x] = v
		}
	}
	return g
}
