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

// Limits on what is decoded. Past MaxSide pixels a side an image is refused
// at once; below it, by what it costs to decode and search (Cost, at most
// MaxCost): a 200-megapixel phone photo (16,320 × 12,240) is refused, a
// 108-megapixel one read.
const (
	MaxSide = 20000
	// MaxFileBytes bounds what is read of one image file.
	MaxFileBytes = 256 << 20
)

// Error kinds, for errors.Is.
var (
	ErrTooLarge    = errors.New("image too large")
	ErrUnsupported = errors.New("not a supported image (PNG, JPEG, GIF, BMP, TIFF, WebP)")
	ErrCorrupt     = errors.New("image file is corrupt or truncated")
)

// Load reads an image file, refusing one that would cost more than MaxCost
// (a decompression bomb) before decoding, and turns JPEG photos upright by
// their EXIF orientation.
func Load(path string) (image.Image, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", path, err)
	}
	return img, nil
}

// ReadFile reads an image file of at most MaxFileBytes, undecoded: a
// regular file only (never a named pipe or a device).
func ReadFile(path string) ([]byte, error) {
	data, err := infile.Read(path, MaxFileBytes)
	if errors.Is(err, infile.ErrTooLarge) {
		return nil, fmt.Errorf("image %w: %w", err, ErrTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("open image: %w", err)
	}
	return data, nil
}

// Decode decodes image bytes under the same limits as Load.
func Decode(data []byte) (image.Image, error) { return DecodeWithin(data, MaxCost) }

// DecodeWithin decodes image bytes whose Cost is at most limit; a dearer
// image is ErrTooLarge, refused before its pixels are allocated.
func DecodeWithin(data []byte, limit int64) (img image.Image, err error) {
	cost, err := Cost(data)
	if err != nil {
		return nil, err
	}
	cfg, format, _ := image.DecodeConfig(bytes.NewReader(data))
	if cost > limit {
		return nil, costError(cfg, cost, limit)
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

// configError is the kind of a header that image.DecodeConfig could not read.
func configError(err error) error {
	if errors.Is(err, image.ErrFormat) {
		return ErrUnsupported
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}
