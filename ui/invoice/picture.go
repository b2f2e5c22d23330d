package invoice

import (
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"golang.org/x/image/draw"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/scan"
)

// The detail view's picture: the photo or scan itself, the PDF or OFD page
// the invoice is on, rendered, or the webcam frame a code was read from,
// with the QR code outlined, and the values read by OCR.

// previewPixels bounds a picture: about 200 dpi for an invoice page, sharp
// at any window size, 8 MB in memory.
const previewPixels = 2_000_000

// previewTimeout bounds the rendering of one picture.
const previewTimeout = 30 * time.Second

// cachedPictures is how many pictures a detail view keeps, so that going
// back and forth in the queue does not render again.
const cachedPictures = 8

// picture is what the detail view shows: an image with the QR codes found
// on it, and a note said with it (a translation key), or instead of it when
// there is no image.
type picture struct {
	img   image.Image
	codes []imaging.Code // in img's pixels; nil when not looked for
	scale float64        // img's pixels per pixel of the file's image
	note  string
}

// pictureKey names a file's picture as the file is now.
type pictureKey struct {
	path    string
	page    int
	text    string // the code an OFD's image is sought for
	size    int64
	modTime time.Time
}

type pictureEntry struct {
	done chan struct{}
	pic  picture
}

// pictureCache keeps the last pictures, and lets the requests for one that
// is being made wait for it rather than make it again.
type pictureCache struct {
	mu      sync.Mutex
	entries map[pictureKey]*pictureEntry
	order   []pictureKey // least recently used first
}

func newPictureCache() *pictureCache {
	return &pictureCache{entries: map[pictureKey]*pictureEntry{}}
}

// get returns the picture for key, made by load the first time.
func (c *pictureCache) get(key pictureKey, load func() picture) picture {
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok {
		c.touch(key)
		c.mu.Unlock()
		<-e.done
		return e.pic
	}
	e = &pictureEntry{done: make(chan struct{})}
	c.entries[key] = e
	c.order = append(c.order, key)
	if len(c.order) > cachedPictures {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.mu.Unlock()
	e.pic = load()
	close(e.done)
	return e.pic
}

// recent returns the picture made last of path's page for text, if one is
// made already, without looking at the file: shown at once, going back to an
// invoice flickers no "loading"; the file is looked at again in the
// background.
func (c *pictureCache) recent(path string, page int, text string) (picture, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.order) - 1; i >= 0; i-- {
		k := c.order[i]
		if k.path != path || k.page != page || k.text != text {
			continue
		}
		select {
		case <-c.entries[k].done:
			return c.entries[k].pic, true
		default:
		}
	}
	return picture{}, false
}

func (c *pictureCache) touch(key pictureKey) {
	for i, k := range c.order {
		if k == key {
			c.order = append(append(c.order[:i:i], c.order[i+1:]...), key)
			return
		}
	}
}

// fileKey names path's picture as the file is now: a file replaced under
// the same name is read again.
func fileKey(path string, page int, text string) (pictureKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return pictureKey{}, err
	}
	return pictureKey{path: path, page: page, text: text, size: fi.Size(), modTime: fi.ModTime()}, nil
}

// loadFile makes the picture of page of the file at path; text is the QR
// code shown, for an OFD.
func loadFile(path string, page int, text string) picture {
	ctx, cancel := context.WithTimeout(context.Background(), previewTimeout)
	defer cancel()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf":
		img, err := document.RenderPage(ctx, path, max(page, 1), previewPixels)
		if err != nil {
			return picture{note: "detail.no_preview"}
		}
		return picture{img: img, codes: locate(ctx, img), scale: 1}
	case ".ofd":
		img, err := document.RenderPage(ctx, path, max(page, 1), previewPixels)
		if err == nil {
			return picture{img: img, codes: locate(ctx, img), scale: 1}
		}
		// A page that cannot be drawn: the image its code was read from.
		img, err = document.CodeImage(ctx, path, text, previewPixels)
		if err != nil {
			return picture{note: "detail.no_preview"}
		}
		// The picture is the code: there is nothing to outline on it.
		return picture{img: img, codes: []imaging.Code{}, scale: 1, note: "detail.ofd_image"}
	case ".xml":
		return picture{note: "detail.xml"}
	}
	img, err := imaging.Load(path)
	if err != nil {
		return picture{note: "detail.no_picture"}
	}
	return shrunk(img)
}

// loadFrame makes the picture of a webcam frame (JPEG). The code was read
// from the frame but not where: it is looked for again.
func loadFrame(frame []byte) picture {
	img, err := imaging.Decode(frame)
	if err != nil {
		return picture{note: "detail.no_picture"}
	}
	p := shrunk(img)
	ctx, cancel := context.WithTimeout(context.Background(), previewTimeout)
	defer cancel()
	p.codes = locate(ctx, p.img)
	return p
}

// shrunk is img scaled down to previewPixels at most: a phone's photo is
// ten times that.
func shrunk(img image.Image) picture {
	b := img.Bounds()
	n := b.Dx() * b.Dy()
	if n <= previewPixels {
		return picture{img: img, scale: 1}
	}
	s := math.Sqrt(float64(previewPixels) / float64(n))
	w, h := max(1, int(float64(b.Dx())*s)), max(1, int(float64(b.Dy())*s))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return picture{img: dst, scale: float64(w) / float64(b.Dx())}
}

// locate finds the QR codes on a rendered page, to outline them.
func locate(ctx context.Context, img image.Image) []imaging.Code {
	codes, _ := imaging.DecodeImage(ctx, img, imaging.Options{IsInvoice: scan.IsInvoiceText})
	if codes == nil {
		codes = []imaging.Code{}
	}
	return codes
}

// outlines are the corners, in the picture's pixels, of the codes to
// outline: those with text (all when text is ""), from the scan when it
// knows where they are, else as found on the picture.
func (p picture) outlines(known []imaging.Code, text string) [][]fyne.Position {
	var out [][]fyne.Position
	add := func(cs []imaging.Code, scale float64) {
		for _, c := range cs {
			if len(c.Points) < 3 || (text != "" && c.Text != text) {
				continue
			}
			pts := make([]fyne.Position, len(c.Points))
			for i, pt := range c.Points {
				pts[i] = fyne.NewPos(float32(pt.X*scale), float32(pt.Y*scale))
			}
			out = append(out, pts)
		}
	}
	add(known, p.scale)
	if len(out) == 0 {
		add(p.codes, 1)
	}
	return out
}

// fieldBox is where one value read by OCR is on the picture.
type fieldBox struct {
	key    string          // store.Printed… key
	pts    []fyne.Position // its corners in the picture's pixels
	unsure bool            // seen, not read surely: its value is left to type
}

// fields are the places, in the picture's pixels, of the values read by
// OCR, those not read surely too (reads' regions are fractions of the
// page, as the picture is of the whole page), in the order of their keys.
func (p picture) fields(reads map[string]document.FieldRead) []fieldBox {
	if p.img == nil || len(reads) == 0 {
		return nil
	}
	b := p.img.Bounds()
	w, h := float32(b.Dx()), float32(b.Dy())
	keys := make([]string, 0, len(reads))
	for k := range reads {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same outlines in the same order each time
	var out []fieldBox
	for _, k := range keys {
		r := reads[k].Region
		if r.X1 <= r.X0 || r.Y1 <= r.Y0 {
			continue
		}
		x0, y0, x1, y1 := float32(r.X0)*w, float32(r.Y0)*h, float32(r.X1)*w, float32(r.Y1)*h
		out = append(out, fieldBox{key: k, unsure: reads[k].Unsure,
			pts: []fyne.Position{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}})
	}
	return out
}
