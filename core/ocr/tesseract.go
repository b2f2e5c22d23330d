//go:build cgo && !windows && !noocr

package ocr

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/otiai10/gosseract/v2"
)

// Tesseract 5 through gosseract, a maintained binding, rather than cgo of
// our own: it owns the C++ API's lifetimes. One client is one TessBaseAPI,
// not safe for concurrent use, and slow to start (it loads the language
// models), so clients are pooled per language set and reused.

// Languages the engine needs: Simplified Chinese for captions and names,
// English for digits and Latin letters.
const (
	langText    = "chi_sim+eng"
	langLatin   = "eng"
	langChinese = "chi_sim"
)

type tesseract struct {
	mu    sync.Mutex
	idle  map[string][]*gosseract.Client
	name  string
	limit int
	// serial keeps each read on its calling thread: OMP_THREAD_LIMIT was
	// not set when the engine started.
	serial bool
}

var _ Engine = (*tesseract)(nil)

func newDefault() (Engine, error) {
	// OpenMP threads inside Tesseract fight the scan workers for the same
	// cores; one thread per read is faster overall. The variable helps
	// only an OpenMP runtime loaded after this point; libgomp, loaded with
	// Tesseract, is told on each reading thread (see Read).
	serial := os.Getenv("OMP_THREAD_LIMIT") == ""
	if serial {
		os.Setenv("OMP_THREAD_LIMIT", "1")
	}
	if os.Getenv("LEPT_MSG_SEVERITY") == "" {
		quietImaging()
	}
	langs, err := gosseract.GetAvailableLanguages()
	if err != nil {
		return nil, fmt.Errorf("%w: Tesseract language data: %v", ErrUnavailable, err)
	}
	for _, l := range []string{"chi_sim", "eng"} {
		if !slices.Contains(langs, l) {
			return nil, fmt.Errorf("%w: Tesseract has no %s language data (install tesseract-ocr-chi-sim and tesseract-ocr-eng)", ErrUnavailable, l)
		}
	}
	t := &tesseract{idle: map[string][]*gosseract.Client{}, limit: 4, serial: serial}
	c, err := t.get(langLatin)
	if err != nil {
		return nil, err
	}
	t.name = "tesseract " + c.Version()
	t.put(langLatin, c)
	return t, nil
}

func (t *tesseract) Name() string { return t.name }

// get takes an idle client for langs or starts one.
func (t *tesseract) get(langs string) (*gosseract.Client, error) {
	t.mu.Lock()
	if cs := t.idle[langs]; len(cs) > 0 {
		c := cs[len(cs)-1]
		t.idle[langs] = cs[:len(cs)-1]
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()
	c := gosseract.NewClient()
	if err := c.SetLanguage(strings.Split(langs, "+")...); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	// Quiet: no "Invalid resolution" warnings on stderr for every region.
	c.SetVariable("debug_file", "/dev/null")
	c.SetVariable("user_defined_dpi", "300")
	c.SetVariable("hocr_char_boxes", "1")
	// Print on an invoice is dark on light: not trying each line again
	// inverted saves a fifth of the time.
	c.SetVariable("tessedit_do_invert", "0")
	// Initialise now, on a blank image, so that a missing model is found
	// here and not in the middle of a scan.
	if err := c.SetImageFromBytes(pgm(image.NewGray(image.Rect(0, 0, 8, 8)))); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if _, err := c.Text(); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return c, nil
}

func (t *tesseract) put(langs string, c *gosseract.Client) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.idle[langs]) >= t.limit {
		c.Close()
		return
	}
	t.idle[langs] = append(t.idle[langs], c)
}

// whitelists are the characters each charset admits; Text admits all.
// Digits admits the space too: a check code is printed in groups of five,
// and with the space left out the engine gives the first digit of every
// group but the first a confidence of 0 however clearly it reads it, so
// that no reading of a check code was ever sure. The text read has no
// spaces either way: a value's glyphs are joined.
var whitelists = map[Charset]string{
	Digits: "0123456789 ",
	Amount: "0123456789.-¥",
	Date:   "0123456789-/",
	TaxID:  "0123456789ABCDEFGHJKLMNPQRTUWXY",
}

func (t *tesseract) Read(ctx context.Context, img *image.Gray, opt Options) ([]Glyph, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := img.Bounds()
	if b.Dx() < 4 || b.Dy() < 4 {
		return nil, nil
	}
	if b.Dx() > 32000 || b.Dy() > 32000 {
		return nil, fmt.Errorf("ocr: %d × %d pixels: too large to read", b.Dx(), b.Dy())
	}
	// Values are read with the Latin model only: the Chinese one reads
	// digits worse (the 0 of 09 as a 6 in dates) and is slower. Free text
	// has both: the engine reads a line with the Chinese model and reads
	// it again with the Latin one whenever any word of it is unsure, which
	// on a band is most lines, so that both cost about 1.75 times the
	// Chinese model alone; bands read with it alone lost a total and read
	// an amount wrong on office scans.
	langs := langLatin
	switch opt.Charset {
	case Text:
		langs = langText
	case Chinese:
		langs = langChinese
	}
	// One OS thread for the whole read, told to keep OpenMP's work to
	// itself.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if t.serial {
		singleThreaded()
	}
	c, err := t.get(langs)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if ok {
			t.put(langs, c)
		} else {
			c.Close()
		}
	}()
	wl := whitelists[opt.Charset]
	if wl != "" {
		// A round glyph with no digits before it reads as O or Q; under a
		// digits-only whitelist it would vanish. Admit them, read them as 0.
		wl += "OQ"
	}
	if err := c.SetWhitelist(wl); err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	// Sparse text for bands: a column of lines (PSM 4) or automatic page
	// layout (PSM 3) reads a band about a tenth faster, but lines up its
	// text otherwise (PSM 4 lost every value of a 100 dpi scan); a single
	// block (PSM 6) is no faster.
	psm := gosseract.PSM_SPARSE_TEXT
	switch opt.Layout {
	case Block:
		psm = gosseract.PSM_SINGLE_BLOCK
	case Line:
		psm = gosseract.PSM_SINGLE_LINE
	case Page:
		psm = gosseract.PSM_AUTO
	}
	if err := c.SetPageSegMode(psm); err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	if opt.Alternatives {
		// The characters weighed for each one, reported in the hOCR
		// (lstm_choices spans); the client is shared, so set back after.
		if err := c.SetVariable("lstm_choice_mode", "2"); err != nil {
			return nil, fmt.Errorf("ocr: %w", err)
		}
		defer c.SetVariable("lstm_choice_mode", "0")
	}
	if err := c.SetImageFromBytes(pgm(img)); err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	h, err := c.HOCRText()
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	gs, err := parseHOCR(h)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	ok = true
	for i := range gs {
		gs[i].Box = gs[i].Box.Add(b.Min)
		if wl != "" && (gs[i].Text == "O" || gs[i].Text == "Q") {
			gs[i].Text = "0"
		}
		if wl != "" {
			for _, r := range []string{"O", "Q"} {
				if c, ok := gs[i].Alts[r]; ok {
					delete(gs[i].Alts, r)
					if gs[i].Text != "0" {
						gs[i].Alts["0"] = max(gs[i].Alts["0"], c)
					}
				}
			}
		}
	}
	return gs, nil
}

// pgm encodes img as binary PGM, which Leptonica reads without a codec.
func pgm(img *image.Gray) []byte {
	b := img.Bounds()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := img.PixOffset(b.Min.X, y)
		buf.Write(img.Pix[i : i+b.Dx()])
	}
	return buf.Bytes()
}

// parseHOCR reads the characters of an hOCR page written with
// hocr_char_boxes: each ocrx_cinfo span holds one character with its box
// and confidence; ocr_line spans number the lines. Written with
// lstm_choice_mode, a character's span is followed by the characters
// weighed for it, each an ocrx_cinfo span titled x_confs: they are its
// Alts, but for itself.
func parseHOCR(s string) ([]Glyph, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var out []Glyph
	line := -1
	var cur *Glyph
	depth := 0
	curDepth := -1
	wordConf, wordStart := 0.0, false
	// choice is the character weighed being read, choiceDepth its span's.
	var choice *Glyph
	choiceDepth := -1
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, fmt.Errorf("read hOCR: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			class, title := "", ""
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "class":
					class = a.Value
				case "title":
					title = a.Value
				}
			}
			switch class {
			case "ocr_line", "ocr_textfloat", "ocr_header", "ocr_caption":
				line++
			case "ocrx_word":
				wordConf, wordStart = wconf(title), true
			case "ocrx_cinfo":
				if c, ok := choiceTitle(title); ok {
					choice, choiceDepth = &Glyph{Conf: c / 100}, depth
					continue
				}
				box, conf, ok := charTitle(title)
				if ok {
					// A word's first character often gets a confidence
					// near 0 whatever its shape; the word's stands for it.
					if wordStart && wordConf > conf {
						conf = wordConf
					}
					wordStart = false
					cur = &Glyph{Box: box, Conf: conf / 100, Line: max(line, 0)}
					curDepth = depth
				}
			}
		case xml.CharData:
			switch {
			case choice != nil:
				choice.Text += string(t)
			case cur != nil:
				cur.Text += string(t)
			}
		case xml.EndElement:
			if choice != nil && depth == choiceDepth {
				if txt := strings.TrimSpace(choice.Text); txt != "" && len(out) > 0 && out[len(out)-1].Text != txt {
					g := &out[len(out)-1]
					if g.Alts == nil {
						g.Alts = map[string]float64{}
					}
					g.Alts[txt] = max(g.Alts[txt], choice.Conf)
				}
				choice = nil
			}
			if cur != nil && depth == curDepth {
				if txt := strings.TrimSpace(cur.Text); txt != "" {
					cur.Text = txt
					out = append(out, *cur)
				}
				cur = nil
			}
			depth--
		}
	}
	monotonic(out)
	return out, nil
}

// monotonic trims character boxes that run over their neighbours: Tesseract
// sometimes gives a word's first Chinese character the whole word's box.
// It also gives a digit now and then a box that starts where the one before
// it starts (9 at 325–339, then 4 at 325–352 for the 4 at 339–352): that
// box starts where the one before ends, or the two would change places
// when sorted by position.
func monotonic(gs []Glyph) {
	for i := 0; i+1 < len(gs); i++ {
		a, b := &gs[i], &gs[i+1]
		if a.Line != b.Line {
			continue
		}
		if b.Box.Min.X <= a.Box.Min.X {
			if b.Box.Max.X > a.Box.Max.X {
				b.Box.Min.X = a.Box.Max.X
			}
			continue
		}
		if a.Box.Max.X > b.Box.Min.X {
			a.Box.Max.X = max(b.Box.Min.X, a.Box.Min.X+1)
		}
	}
}

// wconf reads x_wconf from a word's title.
func wconf(t string) float64 {
	for _, part := range strings.Split(t, ";") {
		if f := strings.Fields(part); len(f) == 2 && f[0] == "x_wconf" {
			if c, err := strconv.ParseFloat(f[1], 64); err == nil {
				return c
			}
		}
	}
	return 0
}

// choiceTitle reads "x_confs 46.09", the title of a character weighed.
func choiceTitle(t string) (float64, bool) {
	f := strings.Fields(t)
	if len(f) != 2 || f[0] != "x_confs" {
		return 0, false
	}
	c, err := strconv.ParseFloat(f[1], 64)
	return c, err == nil
}

// charTitle reads "x_bboxes 10 20 30 40; x_conf 97.5".
func charTitle(t string) (image.Rectangle, float64, bool) {
	var box image.Rectangle
	conf := -1.0
	okBox := false
	for _, part := range strings.Split(t, ";") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "x_bboxes", "bbox":
			if len(f) != 5 {
				continue
			}
			var v [4]int
			for i := range v {
				n, err := strconv.Atoi(f[i+1])
				if err != nil {
					return box, 0, false
				}
				v[i] = n
			}
			box, okBox = image.Rect(v[0], v[1], v[2], v[3]), true
		case "x_conf":
			if len(f) == 2 {
				if c, err := strconv.ParseFloat(f[1], 64); err == nil {
					conf = c
				}
			}
		}
	}
	return box, max(conf, 0), okBox && conf >= 0
}
