// Package ocr reads printed text in an image as positioned glyphs, the way
// a PDF text layer gives them, so that one caption-and-position reader
// serves both. The engine sits behind a small interface: Tesseract today,
// another engine later without touching the callers.
package ocr

import (
	"context"
	"errors"
	"image"
	"sync"
)

// Charset narrows what the engine may read in a region. Reading a number
// with digits only removes the O/0, l/1, S/5 confusions of free text.
type Charset int

const (
	// Text is Simplified Chinese and Latin text: captions, names.
	Text Charset = iota
	// Digits is 0–9: invoice codes and numbers, check codes.
	Digits
	// Amount is 0–9, the decimal point, the minus sign and ¥.
	Amount
	// Date is a date's digits and the separators - and /, read with the
	// Latin model: 2024年05月14日 mostly comes out as 20240514, but a 月 or
	// 日 now and then as a 5 or an 8, so that a caller cuts them out first.
	Date
	// TaxID is 0–9 and the capital letters of a taxpayer ID.
	TaxID
	// Chinese is Simplified Chinese text read without the Latin model: a
	// company's name. Text reads a line the Chinese model is unsure of
	// once more with the Latin one, which a name of Chinese characters
	// only pays for.
	Chinese
)

func (c Charset) String() string {
	switch c {
	case Digits:
		return "digits"
	case Amount:
		return "amount"
	case Date:
		return "date"
	case TaxID:
		return "taxid"
	case Chinese:
		return "chinese"
	}
	return "text"
}

// Layout says how the text of a region is arranged.
type Layout int

const (
	// Sparse finds text anywhere in the region, in any order: a band of a
	// form, with captions and values apart.
	Sparse Layout = iota
	// Block is a uniform block of lines.
	Block
	// Line is one line of text: a value cut out beside its caption.
	Line
	// Page is a whole page, segmented automatically (Tesseract's default).
	Page
)

// Glyph is one character read, with its box in the image's pixels and the
// engine's confidence in it, from 0 to 1.
type Glyph struct {
	Text string          `json:"text"`
	Box  image.Rectangle `json:"box"`
	Conf float64         `json:"conf"`
	// Line numbers the text lines of one Read from 0; glyphs of a line share it.
	Line int `json:"line"`
	// Alts are the other characters the engine weighed for this one, with
	// its confidence in each, when the read asked for them
	// (Options.Alternatives).
	Alts map[string]float64 `json:"alts,omitempty"`
}

// Options tune one read.
type Options struct {
	Charset Charset
	Layout  Layout
	// Alternatives asks for the other characters the engine weighed for
	// each glyph (Glyph.Alts): a dot-matrix 0 read as a 6 is one a 0 was
	// weighed for, a 6 printed as one seldom is.
	Alternatives bool
}

// Engine reads text. Implementations are safe for concurrent use.
type Engine interface {
	// Read reads the text in img and returns its glyphs in reading order,
	// boxes in img's pixels. A region with no text gives no glyphs and no
	// error. Read checks ctx before it starts; one read is not interrupted.
	Read(ctx context.Context, img *image.Gray, opt Options) ([]Glyph, error)
	// Name names the engine and its version, for diagnostics and benchmarks.
	Name() string
}

// ErrUnavailable is returned when no OCR engine can run: the build has
// none, or the engine's library or language data is not installed.
var ErrUnavailable = errors.New("OCR engine not available")

var (
	defaultOnce sync.Once
	defaultEng  Engine
	defaultErr  error
)

// Default returns the engine this build has, started once. When it cannot
// run, the error wraps ErrUnavailable and says why; callers then leave the
// values to be typed.
func Default() (Engine, error) {
	defaultOnce.Do(func() { defaultEng, defaultErr = newDefault() })
	return defaultEng, defaultErr
}
