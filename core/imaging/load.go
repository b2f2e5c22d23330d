package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // formats clerks' files come in
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/fapiaoscanner/fapiao/core/infile"
)

// Limits on what is decoded. A photo from a 200-megapixel phone is 16,320 ×
// 12,240; anything larger is refused before its pixels are allocated.
const (
	MaxSide   = 20000
	MaxPixels = 200_000_000
	// MaxFileBytes bounds what is read of one image file.
	MaxFileBytes = 256 << 20
)

// Error kinds, for errors.Is.
var (
	ErrTooLarge    = errors.New("image too large")
	ErrUnsupported = errors.New("not a supported image (PNG, JPEG, GIF, BMP, TIFF, WebP)")
	ErrCorrupt     = errors.New("image file is corrupt or truncated")
)

// Load reads an image file, refusing absurd dimensions (decompression bombs)
// before decoding, and turns JPEG photos upright by their EXIF orientation.
func Load(path string) (image.Image, error) {
	data, err := infile.Read(path, MaxFileBytes)
	if errors.Is(err, infile.ErrTooLarge) {
		return nil, fmt.Errorf("image %w: %w", err, ErrTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("open image: %w", err)
	}
	img, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", path, err)
	}
	return img, nil
}

// Decode decodes image bytes under the same limits as Load.
func Decode(data []byte) (img image.Image, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, ErrUnsupported
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%d × %d pixels (at most %d on a side and %d megapixels): %w",
			cfg.Width, cfg.Height, MaxSide, MaxPixels/1_000_000, ErrTooLarge)
	}
	// Decoders of malformed files have been known to panic; a bad file must
	// be an error for that file, never a crash.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: decoder failed: %v", ErrCorrupt, r)
		}
	}()
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", format, ErrCorrupt, err)
	}
	if format == "jpeg" {
		img = orient(img, exifOrientation(data))
	}
	return img, nil
}
