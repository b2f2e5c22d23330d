package imaging

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"

	"github.com/fapiaoscanner/fapiao/core/infile"
	"github.com/fapiaoscanner/fapiao/core/membudget"
)

// MaxCost bounds what one image may cost in memory to decode and search:
// the whole budget the files read at once share.
const MaxCost = membudget.Ceiling

// workPerPixel is what searching an image costs beyond its decoded pixels,
// in bytes a pixel: the gray planes the ladder reads (luma, red, darkest
// channel), the copies gozxing makes of them, and the OCR's own plane.
const workPerPixel = 4

// Cost is the memory, in bytes, that decoding data and searching it for QR
// codes takes, told from the image's header before any pixel is decoded:
// the decoded pixels at the format's own depth (a 16-bit RGBA PNG costs 8
// bytes a pixel, a JPEG photo 1.5), the decoder's own buffers and the
// planes the search works on. Absurd dimensions are ErrTooLarge, an
// unknown format ErrUnsupported, a header that cannot be read ErrCorrupt.
func Cost(data []byte) (int64, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, configError(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return 0, fmt.Errorf("%d × %d pixels (at most %d on a side): %w", cfg.Width, cfg.Height, MaxSide, ErrTooLarge)
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	var decoded int64
	switch format {
	case "jpeg":
		decoded = jpegBytes(data, px)
		if exifOrientation(data) > 1 {
			decoded += 4 * px // the upright copy, RGBA
		}
	case "tiff":
		// The strips are inflated into one buffer before the pixels are built.
		decoded = 2 * px * bytesPerPixel(cfg.ColorModel)
	default:
		decoded = px * bytesPerPixel(cfg.ColorModel)
	}
	return decoded + workPerPixel*px, nil
}

// costError says an image costs more than limit.
func costError(cfg image.Config, cost, limit int64) error {
	return fmt.Errorf("%d × %d pixels need %s to decode and search, more than the %s an image may use: %w",
		cfg.Width, cfg.Height, infile.Size(cost), infile.Size(limit), ErrTooLarge)
}

// bytesPerPixel is the decoded size of a pixel of colour model m, rounded
// up (a lossy WebP's YCbCr counts 2).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model, color.YCbCrModel:
		return 2
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8 // 16-bit RGBA, and anything unknown
}

// jpegBytes is the decoded size of a JPEG of px pixels, from its frame
// header: each component's samples at its own subsampling (a 4:2:0 photo
// is 1.5 bytes a pixel), and for a progressive JPEG the coefficients the
// decoder keeps until the last scan (4 bytes a sample). Without a readable
// header it assumes the dearest case.
func jpegBytes(data []byte, px int64) int64 {
	comps, progressive, ok := jpegFrame(data)
	if !ok {
		return 4*px + 16*px
	}
	hmax, vmax := 1, 1
	for _, c := range comps {
		hmax, vmax = max(hmax, c[0]), max(vmax, c[1])
	}
	var samples int64
	for _, c := range comps {
		samples += px * int64(c[0]*c[1]) / int64(hmax*vmax)
	}
	if len(comps) == 4 {
		samples = 4 * px // CMYK is decoded to 4 bytes a pixel
	}
	if progressive {
		return samples + 4*samples
	}
	return samples
}

// jpegFrame reads the sampling factors of each component from the first
// start-of-frame marker, and whether the JPEG is progressive.
func jpegFrame(b []byte) (comps [][2]int, progressive, ok bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, false, false
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return nil, false, false
		}
		m := b[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, false, false
		}
		seg := b[i+4 : i+2+n]
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			if len(seg) < 6 {
				return nil, false, false
			}
			nc := int(seg[5])
			if nc < 1 || len(seg) < 6+3*nc {
				return nil, false, false
			}
			for c := range nc {
				f := seg[6+3*c+1]
				h, v := int(f>>4), int(f&15)
				if h < 1 || v < 1 {
					return nil, false, false
				}
				comps = append(comps, [2]int{h, v})
			}
			return comps, m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE, true
		}
		i += 2 + n
	}
	return nil, false, false
}
