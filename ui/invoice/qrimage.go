package invoice

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// qrImage shows an invoice picture with its QR codes outlined, the outline
// scaled and moved with the picture as the panel resizes.
type qrImage struct {
	widget.BaseWidget

	img   image.Image
	codes [][]fyne.Position // corners in the image's pixels
	text  string            // shown instead of the picture, or under it
}

func newQRImage() *qrImage {
	q := &qrImage{}
	q.ExtendBaseWidget(q)
	return q
}

// set shows img with the codes outlined and text under it; a nil img
// shows text alone.
func (q *qrImage) set(img image.Image, codes [][]fyne.Position, text string) {
	q.img, q.codes, q.text = img, codes, text
	q.Refresh()
}

// setNote changes the text, keeping the picture.
func (q *qrImage) setNote(text string) {
	q.text = text
	q.Refresh()
}

func (q *qrImage) CreateRenderer() fyne.WidgetRenderer {
	r := &qrImageRenderer{q: q, image: canvas.NewImageFromImage(nil), label: widget.NewLabel("")}
	r.image.FillMode = canvas.ImageFillContain
	r.image.ScaleMode = canvas.ImageScaleSmooth
	r.label.Alignment = fyne.TextAlignCenter
	r.label.Wrapping = fyne.TextWrapWord
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.Refresh()
	return r
}

type qrImageRenderer struct {
	q     *qrImage
	bg    *canvas.Rectangle
	image *canvas.Image
	label *widget.Label
	lines []*canvas.Line
	size  fyne.Size
	area  fyne.Size // the picture's part of size
}

func (r *qrImageRenderer) Destroy() {}

func (r *qrImageRenderer) MinSize() fyne.Size { return fyne.NewSize(160, 160) }

func (r *qrImageRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.image, r.label}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return objs
}

func (r *qrImageRenderer) Layout(size fyne.Size) {
	r.size = size
	r.bg.Resize(size)
	r.label.Resize(fyne.NewSize(size.Width, r.label.MinSize().Height))
	lh := r.label.MinSize().Height
	if r.q.img == nil {
		r.label.Move(fyne.NewPos(0, size.Height/2-lh/2))
		r.area = size
	} else {
		// A note goes under the picture.
		r.area = size
		if r.q.text != "" {
			r.area.Height = max(0, size.Height-lh)
		}
		r.label.Move(fyne.NewPos(0, r.area.Height))
	}
	r.image.Resize(r.area)
	r.placeLines()
}

// placeLines maps the corners from image pixels to the area the picture
// takes inside the widget (contain: scaled to fit, centred).
func (r *qrImageRenderer) placeLines() {
	if r.q.img == nil {
		return
	}
	b := r.q.img.Bounds()
	iw, ih := float32(b.Dx()), float32(b.Dy())
	if iw == 0 || ih == 0 {
		return
	}
	scale := min(r.area.Width/iw, r.area.Height/ih)
	ox, oy := (r.area.Width-iw*scale)/2, (r.area.Height-ih*scale)/2
	at := func(p fyne.Position) fyne.Position { return fyne.NewPos(ox+p.X*scale, oy+p.Y*scale) }
	i := 0
	for _, c := range r.q.codes {
		for j := range c {
			if i >= len(r.lines) {
				break
			}
			r.lines[i].Position1 = at(c[j])
			r.lines[i].Position2 = at(c[(j+1)%len(c)])
			r.lines[i].Refresh()
			i++
		}
	}
}

func (r *qrImageRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.Refresh()
	n := 0
	for _, c := range r.q.codes {
		n += len(c)
	}
	if len(r.lines) != n {
		r.lines = make([]*canvas.Line, n)
		for i := range r.lines {
			r.lines[i] = canvas.NewLine(color.NRGBA{R: 0xe5, G: 0x1c, B: 0x23, A: 0xff})
			r.lines[i].StrokeWidth = 3
		}
	}
	r.label.SetText(r.q.text)
	r.label.Hidden = r.q.text == ""
	if r.q.img == nil {
		r.image.Image = nil
		r.image.Hide()
	} else {
		r.image.Image = r.q.img
		r.image.Show()
	}
	r.image.Refresh()
	r.Layout(r.size)
	canvas.Refresh(r.q)
}
