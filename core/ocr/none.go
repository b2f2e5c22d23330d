//go:build !windows && (!cgo || noocr)

package ocr

import "fmt"

func newDefault() (Engine, error) {
	return nil, fmt.Errorf("%w: this build has no OCR engine", ErrUnavailable)
}
