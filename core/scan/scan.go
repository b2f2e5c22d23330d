// Package scan is the one pipeline every way in goes through: a file from
// the command line, a dropped file or folder, a pasted payload. It reads the
// QR codes of each file and parses every invoice among them.
package scan

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/membudget"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Invoice is one invoice code read from a file. For documents (PDF, OFD,
// XML) it also carries the printed values, their comparison with the QR code
// and the findings of both; QR is nil for an invoice without a QR code.
type Invoice struct {
	QR         *payload.Result   `json:"qr"`
	Page       int               `json:"page,omitempty"`
	Printed    *document.Printed `json:"printed,omitempty"`
	Comparison []compare.Row     `json:"comparison"`
	Findings   []finding.Finding `json:"findings"`
	// Typed are the values a clerk typed of an invoice recorded from the
	// paper (Typed), by the history's keys; nil for one read.
	Typed map[string]string `json:"typed,omitempty"`
	// Recorded is what the history said of the invoice, once saved.
	Recorded *store.Recorded `json:"-"`
}

// FileResult is what one file gave. Err is set when the file could not be
// read at all; a readable file without a QR code has no codes and no error.
type FileResult struct {
	File     string         `json:"file"`
	Codes    []imaging.Code `json:"codes"`
	Invoices []Invoice      `json:"invoices"`
	Err      error          `json:"-"`
	Error    string         `json:"error,omitempty"`
	Ms       int64          `json:"ms"`
	// Frame is the picture the codes were read from when there is no
	// file (a webcam frame, JPEG); Save keeps it with the record.
	Frame []byte `json:"-"`
	// Queued says Save kept the file in this machine's outbox: the team's
	// server could not be reached. It is checked for duplicates when the
	// outbox sends it (core/outbox).
	Queued bool `json:"queued,omitempty"`
	// OutboxID is its number in the outbox while Queued.
	OutboxID int64 `json:"-"`
}

// Scanner reads files. The zero value is ready to use.
type Scanner struct {
	// Now gives "today" for date checks; time.Now when nil.
	Now func() time.Time
	// Budget bounds the decoding work of one image (imaging.Options);
	// imaging.DefaultBudget when 0.
	Budget time.Duration
	// Keys open sealed QR codes; nil when none are configured. Set it
	// before the first scan; SetKeys replaces it while scans run.
	Keys *sealed.Keyring

	// OCR reads printed values from pictures; nil uses ocr.Default().
	OCR ocr.Engine
	// NoOCR leaves the printed values of pictures to be typed.
	NoOCR bool
	// OnOCR, when set, is told the progress of reading a picture's printed
	// values (regions read of regions planned); it is called from the scan
	// workers.
	OnOCR func(file string, done, total int)

	live    atomic.Pointer[sealed.Keyring]
	replace atomic.Bool
}

// SetKeys replaces the sealed QR keys, also while other goroutines scan
// (the clerk imports a key in the settings during a batch).
func (s *Scanner) SetKeys(k *sealed.Keyring) {
	s.live.Store(k)
	s.replace.Store(true)
}

// Keyring is the sealed QR keys in use.
func (s *Scanner) Keyring() *sealed.Keyring {
	if s.replace.Load() {
		return s.live.Load()
	}
	return s.Keys
}

func (s *Scanner) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// imageExts are the files a folder walk picks up.
var imageExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true,
	".tif": true, ".tiff": true, ".webp": true,
}

// IsInvoiceText tells the image engine which codes it is looking for: any
// that the payload model does not call "other".
func IsInvoiceText(text string) bool { return payload.Parse(text).Kind != payload.KindOther }

// Supported reports whether a folder walk should pick up path.
func Supported(path string) bool {
	return imageExts[strings.ToLower(filepath.Ext(path))] || isDocument(path)
}

// File reads one file.
func (s *Scanner) File(ctx context.Context, path string) FileResult {
	if isDocument(path) {
		return s.fileDocument(ctx, path)
	}
	start := time.Now()
	r := FileResult{File: path, Codes: []imaging.Code{}, Invoices: []Invoice{}}
	img, release, err := loadImage(ctx, path)
	if err == nil {
		defer release()
		var codes []imaging.Code
		codes, err = imaging.DecodeImage(ctx, img, imaging.Options{Budget: s.Budget, IsInvoice: IsInvoiceText})
		if errors.Is(err, imaging.ErrNoCode) {
			err = nil
		}
		r.Codes = append(r.Codes, codes...)
	}
	if err != nil {
		r.Err, r.Error = err, err.Error()
	}
	for _, c := range r.Codes {
		q := payload.AnalyzeWith(c.Text, s.now(), s.Keyring())
		if q.Kind == payload.KindOther {
			continue
		}
		r.Invoices = append(r.Invoices, Invoice{QR: q, Page: c.Page, Findings: q.Findings})
	}
	if img != nil && err == nil {
		if oerr := s.Paper(ctx, img, &r); ocrFailed(oerr) && !errors.Is(oerr, ocr.ErrUnavailable) {
			r.Err, r.Error = oerr, oerr.Error()
		}
	}
	img = nil
	r.Ms = time.Since(start).Milliseconds()
	return r
}

// loadImage decodes the image at path once the memory it costs is reserved
// from the budget every file being read shares; release gives it back.
func loadImage(ctx context.Context, path string) (img image.Image, release func(), err error) {
	data, err := imaging.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	cost, err := imaging.Cost(data)
	if err == nil {
		// A dearer image than MaxCost is refused by Decode, with its size.
		release, err = membudget.Default.Reserve(ctx, min(cost, imaging.MaxCost))
	}
	if err == nil {
		if img, err = imaging.Decode(data); err != nil {
			release()
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("image %s: %w", path, err)
	}
	return img, release, nil
}

// Text reads a payload that came as text (pasted, typed, a scanner gun's
// keystrokes) through the same checks as a code read from a file.
func (s *Scanner) Text(text string) FileResult {
	r := FileResult{Codes: []imaging.Code{{Text: text, Points: []imaging.Point{}}}, Invoices: []Invoice{}}
	q := payload.AnalyzeWith(text, s.now(), s.Keyring())
	r.Invoices = append(r.Invoices, Invoice{QR: q, Findings: q.Findings})
	return r
}

// Expand turns paths into the files to scan: files as given, folders walked
// recursively for supported files in lexical order. A path that does not
// exist is kept, so that its error is reported in order.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read folder: %w", err)
			}
			if !d.IsDir() && Supported(path) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// Run scans files on workers goroutines (all cores when workers < 1) and
// calls each with every result in the order of files, from one goroutine.
// Only the images being decoded are in memory, whatever the number of files.
// Once ctx is done Run returns at once: a file still being read is left to
// finish on its own, and its result is dropped.
func (s *Scanner) Run(ctx context.Context, files []string, workers int, each func(done int, r FileResult)) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		i    int
		path string
	}
	type result struct {
		i int
		r FileResult
	}
	jobs := make(chan job)
	// One slot a worker: a worker never waits to hand over its last result,
	// even when Run has stopped listening.
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- result{j.i, s.File(ctx, j.path)}
			}
		})
	}
	go func() {
		defer close(jobs)
		for i, f := range files {
			select {
			case jobs <- job{i, f}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	// Results arrive out of order; hold the early ones until their turn.
	pending := map[int]FileResult{}
	next := 0
	for {
		var res result
		var ok bool
		select {
		case res, ok = <-results:
		case <-ctx.Done():
			go drain(results)
			return
		}
		if !ok {
			return
		}
		pending[res.i] = res.r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			each(next, r)
		}
	}
}

// drain empties results until the workers are done.
func drain[T any](results <-chan T) {
	for range results {
	}
}
