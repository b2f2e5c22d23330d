package ocr

import "fmt"

// The Windows build has no OCR engine: gosseract needs libtesseract linked
// in, which mingw-w64 cannot cross-build here. Pictures' QR codes are read
// as everywhere; their printed values are left to be typed.
func newDefault() (Engine, error) {
	return nil, fmt.Errorf("%w: OCR is not available on Windows: printed values of pictures are typed in", ErrUnavailable)
}
