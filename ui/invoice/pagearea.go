package invoice

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// pageArea is the picture at its zoom, with the outlines, inside the
// scroller: as large as the zoom makes it, centred when smaller than the
// panel.
type pageArea struct {
	widget.BaseWidget
	q *qrImage
}

func newPageArea(q *qrImage) *pageArea {
	a := &pageArea{q: q}
	a.ExtendBaseWidget(a)
	return a
}

// Scrolled zooms with Ctrl held, and scrolls otherwise.
func (a *pageArea) Scrolled(ev *fyne.ScrollEvent) {
	ctrl := false
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		ctrl = d.CurrentKeyModifiers()&fyne.KeyModifierShortcutDefault != 0
	}
	a.q.wheel(ev, ctrl)
}

func (a *pageArea) CreateRenderer() fyne.WidgetRenderer {
	r := &pageAreaRenderer{a: a, image: canvas.NewImageFromImage(nil), mark: canvas.NewRectangle(selectedFill)}
	r.mark.Hide()
	r.image.FillMode = canvas.ImageFillStretch
	r.image.ScaleMode = canvas.ImageScaleSmooth
	return r
}

type pageAreaRenderer struct {
	a     *pageArea
	image *canvas.Image
	lines []*canvas.Line
	// mark fills the place of the value the clerk went to.
	mark *canvas.Rectangle
	size fyne.Size
}

func (r *pageAreaRenderer) Destroy() {}

// MinSize is the picture's size at its zoom.
func (r *pageAreaRenderer) MinSize() fyne.Size {
	q := r.a.q
	is := q.imageSize()
	return fyne.NewSize(is.Width*q.zoom, is.Height*q.zoom)
}

func (r *pageAreaRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.image, r.mark}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return objs
}

// origin is where the picture starts in the area: centred when the area is
// larger.
func (r *pageAreaRenderer) origin(size fyne.Size) fyne.Position {
	m := r.MinSize()
	return fyne.NewPos(max(0, (size.Width-m.Width)/2), max(0, (size.Height-m.Height)/2))
}

func (r *pageAreaRenderer) Layout(size fyne.Size) {
	r.size = size
	o := r.origin(size)
	r.image.Move(o)
	r.image.Resize(r.MinSize())
	z := r.a.q.zoom
	at := func(p fyne.Position) fyne.Position { return fyne.NewPos(o.X+p.X*z, o.Y+p.Y*z) }
	q := r.a.q
	outlines := append([][]fyne.Position(nil), q.codes...)
	r.mark.Hide()
	for _, b := range q.boxes {
		outlines = append(outlines, b.pts)
		if b.key == q.selected {
			br := bounds(b.pts)
			r.mark.Move(at(fyne.NewPos(float32(br.Min.X), float32(br.Min.Y))))
			r.mark.Resize(fyne.NewSize(float32(br.Dx())*z, float32(br.Dy())*z))
			r.mark.Show()
		}
	}
	i := 0
	for _, c := range outlines {
		for j := range c {
			if i >= len(r.lines) {
				return
			}
			r.lines[i].Position1 = at(c[j])
			r.lines[i].Position2 = at(c[(j+1)%len(c)])
			r.lines[i].Refresh()
			i++
		}
	}
	r.mark.Refresh()
}

func (r *pageAreaRenderer) Refresh() {
	q := r.a.q
	n := 0
	for _, c := range q.codes {
		n += len(c)
	}
	m := 0
	for _, b := range q.boxes {
		m += len(b.pts)
	}
	if len(r.lines) != n+m {
		r.lines = make([]*canvas.Line, n+m)
		for i := range r.lines {
			r.lines[i] = canvas.NewLine(codeColor)
		}
	}
	// Each line's colour and width as the outlines stand: a code's, a
	// value's (read, not read surely, gone to).
	i := 0
	for _, c := range q.codes {
		for range c {
			r.lines[i].StrokeColor, r.lines[i].StrokeWidth = codeColor, 3
			i++
		}
	}
	for _, b := range q.boxes {
		col, width := boxColor, float32(2)
		if b.unsure {
			col = unsureColor
		}
		if b.key == q.selected {
			width = 4
		}
		for range b.pts {
			r.lines[i].StrokeColor, r.lines[i].StrokeWidth = col, width
			i++
		}
	}
	if r.image.Image != q.img {
		r.image.Image = q.img
		r.image.Refresh()
	}
	r.Layout(r.size)
	canvas.Refresh(r.a)
}
