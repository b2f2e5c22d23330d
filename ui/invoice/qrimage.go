package invoice

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// qrImage shows an invoice picture, to be read against the paper: the
// whole page at first, zoomed in and out with its buttons or Ctrl and the
// mouse wheel (the wheel alone scrolls, as in a PDF reader), fitted to the
// panel's width, or opened in a window of its own. The QR code is outlined
// in red and, when the values were read by OCR, each value's place in blue
// (amber when it was not read surely); the value the clerk goes to is
// zoomed to and outlined boldly.
type qrImage struct {
	widget.BaseWidget

	img   image.Image
	codes [][]fyne.Position // QR corners in the image's pixels
	boxes []fieldBox        // the values read by OCR
	text  string            // shown instead of the picture, or under it
	// selected is the key of the value shown (showField); "" for none.
	selected string

	// fit is how the zoom follows the panel's size; zoom is the picture's
	// size on screen per pixel of the image.
	fit  fitMode
	zoom float32

	// onEnlarge opens the picture in a window of its own; nil hides the
	// button.
	onEnlarge func()

	area                                        *pageArea
	scroll                                      *container.Scroll
	bar                                         *fyne.Container
	zoomLabel                                   *widget.Label
	zoomIn, zoomOut, fitWidth, fitPage, enlarge *widget.Button
}

type fitMode int

const (
	fitWhole     fitMode = iota // the whole page in the panel
	fitWidthMode                // the page's width in the panel's
	fitNone                     // the zoom the clerk chose
)

// Zoom limits: from a quarter of the whole page's size in the panel to four
// screen pixels per pixel of the picture.
const (
	zoomStep = 1.25
	zoomMax  = 4
)

var (
	codeColor   = color.NRGBA{R: 0xe5, G: 0x1c, B: 0x23, A: 0xff}
	boxColor    = color.NRGBA{R: 0x1e, G: 0x6f, B: 0xd9, A: 0xff}
	unsureColor = color.NRGBA{R: 0xf0, G: 0x9a, B: 0x00, A: 0xff}
	// selectedFill marks the value the clerk went to, under its outline.
	selectedFill = color.NRGBA{R: 0xf0, G: 0xc0, B: 0x00, A: 0x50}
)

func newQRImage() *qrImage {
	q := &qrImage{}
	q.ExtendBaseWidget(q)
	q.area = newPageArea(q)
	q.scroll = container.NewScroll(q.area)
	q.zoomLabel = widget.NewLabel("")
	q.zoomOut = widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { q.zoomBy(1 / zoomStep) })
	q.zoomIn = widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { q.zoomBy(zoomStep) })
	q.fitWidth = widget.NewButton("", func() { q.setFit(fitWidthMode) })
	q.fitPage = widget.NewButton("", func() { q.setFit(fitWhole) })
	q.enlarge = widget.NewButtonWithIcon("", theme.ViewFullScreenIcon(), func() {
		if q.onEnlarge != nil {
			q.onEnlarge()
		}
	})
	for _, b := range []*widget.Button{q.zoomOut, q.zoomIn, q.fitWidth, q.fitPage, q.enlarge} {
		b.Importance = widget.LowImportance
	}
	q.bar = container.NewHBox(q.zoomOut, q.zoomLabel, q.zoomIn, q.fitWidth, q.fitPage, q.enlarge)
	return q
}

// set shows img with the codes and read fields outlined and text under
// it; a nil img shows text alone. A new picture is shown whole.
func (q *qrImage) set(img image.Image, codes [][]fyne.Position, boxes []fieldBox, text string) {
	if img != q.img {
		q.fit, q.selected = fitWhole, ""
	}
	q.img, q.codes, q.boxes, q.text = img, codes, boxes, text
	q.Refresh()
}

// setNote changes the text, keeping the picture.
func (q *qrImage) setNote(text string) {
	q.text = text
	q.Refresh()
}

// relabel names the buttons that fit the page in the language chosen.
func (q *qrImage) relabel(tr *env.Translator) {
	q.fitWidth.SetText(tr.T("detail.fit_width"))
	q.fitPage.SetText(tr.T("detail.fit_page"))
}

// imageSize is the picture's size in pixels.
func (q *qrImage) imageSize() fyne.Size {
	if q.img == nil {
		return fyne.Size{}
	}
	b := q.img.Bounds()
	return fyne.NewSize(float32(b.Dx()), float32(b.Dy()))
}

// fitZoom is the zoom of mode in a viewport of size.
func (q *qrImage) fitZoom(mode fitMode, view fyne.Size) float32 {
	is := q.imageSize()
	if is.Width == 0 || is.Height == 0 || view.Width <= 0 || view.Height <= 0 {
		return 1
	}
	if mode == fitWidthMode {
		return view.Width / is.Width
	}
	return min(view.Width/is.Width, view.Height/is.Height)
}

// setFit fits the picture to the panel.
func (q *qrImage) setFit(mode fitMode) {
	q.fit = mode
	q.scroll.Offset = fyne.Position{}
	q.Refresh()
}

// fieldShown is how much of the panel's width the value gone to takes:
// large enough to read against the paper, with what is around it.
const fieldShown = 0.3

// showField zooms to where the value of key was read and scrolls it to the
// middle of the panel, outlined boldly; a key not read leaves the picture
// as it is.
func (q *qrImage) showField(key string) {
	box := q.box(key)
	if q.img == nil || box == nil {
		return
	}
	q.selected = key
	view := q.scroll.Size()
	r := bounds(box.pts)
	if view.Width <= 0 || view.Height <= 0 || r.Dx() <= 0 {
		q.Refresh()
		return
	}
	whole := q.fitZoom(fitWhole, view)
	z := min(max(view.Width*fieldShown/float32(r.Dx()), whole), zoomMax)
	// A value as tall as half the panel at that zoom, no taller: the
	// lines above and below it show too.
	z = max(min(z, view.Height*0.5/float32(r.Dy())), whole)
	q.fit, q.zoom = fitNone, z
	q.Refresh()
	area := q.area.MinSize()
	cx, cy := (float32(r.Min.X)+float32(r.Dx())/2)*z, (float32(r.Min.Y)+float32(r.Dy())/2)*z
	q.scroll.Offset = fyne.NewPos(
		min(max(0, cx-view.Width/2), max(0, area.Width-view.Width)),
		min(max(0, cy-view.Height/2), max(0, area.Height-view.Height)))
	q.scroll.Refresh()
	q.area.Refresh()
}

// box is the place of the value of key, nil when it was not read by OCR.
func (q *qrImage) box(key string) *fieldBox {
	for i := range q.boxes {
		if q.boxes[i].key == key {
			return &q.boxes[i]
		}
	}
	return nil
}

// shown is the part of the picture the panel shows, in the picture's
// pixels.
func (q *qrImage) shown() image.Rectangle {
	if q.img == nil || q.zoom <= 0 {
		return image.Rectangle{}
	}
	view, o := q.scroll.Size(), q.scroll.Offset
	z := q.zoom
	r := image.Rect(int(o.X/z), int(o.Y/z), int((o.X+view.Width)/z), int((o.Y+view.Height)/z))
	return r.Intersect(q.img.Bounds().Sub(q.img.Bounds().Min))
}

// bounds is the rectangle around pts.
func bounds(pts []fyne.Position) image.Rectangle {
	var r image.Rectangle
	for i, p := range pts {
		pr := image.Rect(int(p.X), int(p.Y), int(p.X+0.999), int(p.Y+0.999))
		if i == 0 {
			r = pr
		} else {
			r = r.Union(pr)
		}
	}
	return r
}

// zoomBy zooms by factor around the middle of what is shown.
func (q *qrImage) zoomBy(factor float32) {
	view := q.scroll.Size()
	q.zoomAt(factor, fyne.NewPos(q.scroll.Offset.X+view.Width/2, q.scroll.Offset.Y+view.Height/2))
}

// zoomAt zooms by factor keeping the point at (in the area's coordinates)
// where it is on screen.
func (q *qrImage) zoomAt(factor float32, at fyne.Position) {
	if q.img == nil {
		return
	}
	view := q.scroll.Size()
	old := q.zoom
	z := min(max(old*factor, q.fitZoom(fitWhole, view)/4), zoomMax)
	if z == old || old == 0 {
		return
	}
	q.fit, q.zoom = fitNone, z
	// The point under at stays under it: the area grows by z/old around
	// the picture's origin (its offset from centring aside).
	k := z / old
	onScreen := fyne.NewPos(at.X-q.scroll.Offset.X, at.Y-q.scroll.Offset.Y)
	q.Refresh()
	q.scroll.Offset = fyne.NewPos(max(0, at.X*k-onScreen.X), max(0, at.Y*k-onScreen.Y))
	q.scroll.Refresh()
}

// wheel takes the mouse wheel over the picture: with Ctrl it zooms around
// the pointer, without it scrolls.
func (q *qrImage) wheel(ev *fyne.ScrollEvent, ctrl bool) {
	if !ctrl {
		q.scroll.Scrolled(ev)
		return
	}
	switch {
	case ev.Scrolled.DY > 0:
		q.zoomAt(zoomStep, ev.Position)
	case ev.Scrolled.DY < 0:
		q.zoomAt(1/zoomStep, ev.Position)
	}
}

func (q *qrImage) CreateRenderer() fyne.WidgetRenderer {
	r := &qrImageRenderer{q: q, label: widget.NewLabel("")}
	r.label.Alignment = fyne.TextAlignCenter
	r.label.Wrapping = fyne.TextWrapWord
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.Refresh()
	return r
}

type qrImageRenderer struct {
	q     *qrImage
	bg    *canvas.Rectangle
	label *widget.Label
	size  fyne.Size
}

func (r *qrImageRenderer) Destroy() {}

// MinSize leaves room for the buttons and some of the picture; a note
// alone needs a line.
func (r *qrImageRenderer) MinSize() fyne.Size {
	if r.q.img == nil {
		return fyne.NewSize(160, r.label.MinSize().Height)
	}
	return fyne.NewSize(max(160, r.q.bar.MinSize().Width), 160)
}

func (r *qrImageRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.q.scroll, r.q.bar, r.label}
}

func (r *qrImageRenderer) Layout(size fyne.Size) {
	q := r.q
	r.size = size
	r.bg.Resize(size)
	lh := r.label.MinSize().Height
	r.label.Resize(fyne.NewSize(size.Width, lh))
	if q.img == nil {
		r.label.Move(fyne.NewPos(0, size.Height/2-lh/2))
		return
	}
	bh := q.bar.MinSize().Height
	q.bar.Move(fyne.NewPos(0, 0))
	q.bar.Resize(fyne.NewSize(size.Width, bh))
	view := fyne.NewSize(size.Width, max(0, size.Height-bh))
	if q.text != "" {
		view.Height = max(0, view.Height-lh)
	}
	r.label.Move(fyne.NewPos(0, bh+view.Height))
	if q.fit != fitNone || q.zoom == 0 {
		q.zoom = q.fitZoom(q.fit, view)
	}
	q.zoomLabel.SetText(fmt.Sprintf("%d%%", int(q.zoom*100/q.fitZoom(fitWhole, view)+0.5)))
	q.scroll.Move(fyne.NewPos(0, bh))
	q.scroll.Resize(view)
	q.area.Refresh()
	q.scroll.Refresh()
}

func (r *qrImageRenderer) Refresh() {
	q := r.q
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.Refresh()
	r.label.SetText(q.text)
	r.label.Hidden = q.text == ""
	if q.img == nil {
		q.scroll.Hide()
		q.bar.Hide()
	} else {
		q.scroll.Show()
		q.bar.Show()
	}
	if q.onEnlarge == nil {
		q.enlarge.Hide()
	} else {
		q.enlarge.Show()
	}
	r.Layout(r.size)
	canvas.Refresh(q)
}
