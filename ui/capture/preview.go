package capture

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/camera"
)

// noteFor is how long a note stays on the preview.
const noteFor = 3 * time.Second

// flashFor is how long the flash of a capture takes to fade.
const flashFor = 350 * time.Millisecond

// Colours of the outlines, by camera.Status: green for an invoice taken in,
// amber for one already taken, grey for a code that is not an invoice's.
var outlineColors = map[camera.Status]color.NRGBA{
	camera.StatusCaptured:  {R: 0x22, G: 0xdd, B: 0x55, A: 0xff},
	camera.StatusDuplicate: {R: 0xff, G: 0xb0, B: 0x00, A: 0xff},
	camera.StatusIgnored:   {R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff},
}

var (
	flashColor = color.NRGBA{R: 0xe8, G: 0xff, B: 0xe8, A: 0xc0}
	clearColor = color.NRGBA{}
)

// noteKind is what a note on the preview says: good news or a warning.
type noteKind int

const (
	noteTaken noteKind = iota
	noteRepeat
	noteVerdict // an invoice taken in, in the colour of the history's verdict
)

// capturePreview shows the camera's picture with the codes read in it
// outlined, a flash when an invoice is taken in, and a note of what
// happened.
type capturePreview struct {
	widget.BaseWidget

	pic      *image.RGBA
	size     image.Point // of the frame, which the outlines' corners are in
	outlines []camera.Outline
	text     string // shown when there is no picture

	noteText  string
	noteKind  noteKind
	noteColor color.NRGBA // of a note of noteVerdict
	noteUntil time.Time
	// marks colour the outlines of the invoices taken in this run by what
	// the history said of them, by the code's text.
	marks map[string]color.NRGBA

	flashes int // flashes asked for
	frames  int // frames shown
}

func newCapturePreview() *capturePreview {
	p := &capturePreview{}
	p.ExtendBaseWidget(p)
	return p
}

// setFrame shows pic, a picture of a frame of the given size, with the
// codes' outlines.
func (p *capturePreview) setFrame(pic *image.RGBA, size image.Point, outlines []camera.Outline) {
	p.pic, p.size, p.outlines = pic, size, outlines
	p.frames++
	if p.noteText != "" && time.Now().After(p.noteUntil) {
		p.noteText = ""
	}
	p.Refresh()
}

// clear takes the picture, outlines, marks and note away.
func (p *capturePreview) clear() {
	p.pic, p.outlines, p.noteText, p.marks = nil, nil, "", nil
	p.Refresh()
}

// mark colours the outline of the code text while it is in view.
func (p *capturePreview) mark(text string, c color.NRGBA) {
	if p.marks == nil {
		p.marks = map[string]color.NRGBA{}
	}
	p.marks[text] = c
	p.Refresh()
}

// outlineColor is the colour of an outline: the mark of an invoice taken
// in, else by its status.
func (p *capturePreview) outlineColor(o camera.Outline) color.NRGBA {
	if c, ok := p.marks[o.Text]; ok && o.Status == camera.StatusCaptured {
		return c
	}
	return outlineColors[o.Status]
}

// setText sets what is shown when there is no picture.
func (p *capturePreview) setText(text string) {
	p.text = text
	p.Refresh()
}

// flash lights the picture up briefly.
func (p *capturePreview) flash() {
	p.flashes++
	p.Refresh()
}

// note shows text over the picture for a few seconds.
func (p *capturePreview) note(text string, kind noteKind) {
	p.noteText, p.noteKind, p.noteUntil = text, kind, time.Now().Add(noteFor)
	p.Refresh()
}

// noteColored shows text over the picture for a few seconds, on c.
func (p *capturePreview) noteColored(text string, c color.NRGBA) {
	p.noteColor = c
	p.note(text, noteVerdict)
}

// noteShown is the note on the preview now, "" for none.
func (p *capturePreview) noteShown() string { return p.noteText }

func (p *capturePreview) CreateRenderer() fyne.WidgetRenderer {
	r := &capturePreviewRenderer{p: p}
	r.bg = canvas.NewRectangle(color.NRGBA{R: 0x20, G: 0x22, B: 0x25, A: 0xff})
	r.image = canvas.NewImageFromImage(nil)
	r.image.FillMode = canvas.ImageFillContain
	// Fastest leaves the scaling to the GPU (smoothly); Smooth would scale
	// each frame on the window goroutine first.
	r.image.ScaleMode = canvas.ImageScaleFastest
	r.label = widget.NewLabel("")
	r.label.Alignment = fyne.TextAlignCenter
	r.label.Wrapping = fyne.TextWrapWord
	r.flashRect = canvas.NewRectangle(clearColor)
	r.noteBg = canvas.NewRectangle(clearColor)
	r.noteBg.CornerRadius = theme.InputRadiusSize() * 2
	r.noteText = canvas.NewText("", color.White)
	r.noteText.TextStyle = fyne.TextStyle{Bold: true}
	r.noteText.TextSize = theme.TextSize() * 1.4
	r.flashed = p.flashes
	r.Refresh()
	return r
}

type capturePreviewRenderer struct {
	p         *capturePreview
	bg        *canvas.Rectangle
	image     *canvas.Image
	label     *widget.Label
	lines     []*canvas.Line
	flashRect *canvas.Rectangle
	noteBg    *canvas.Rectangle
	noteText  *canvas.Text
	size      fyne.Size

	flashed int // flashes started
	anim    *fyne.Animation
}

func (r *capturePreviewRenderer) Destroy() {
	if r.anim != nil {
		r.anim.Stop()
	}
}

func (r *capturePreviewRenderer) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

func (r *capturePreviewRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.image, r.label}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return append(objs, r.flashRect, r.noteBg, r.noteText)
}

func (r *capturePreviewRenderer) Layout(size fyne.Size) {
	r.size = size
	r.bg.Resize(size)
	r.image.Resize(size)
	r.flashRect.Resize(size)
	pad := theme.Padding() * 4
	r.label.Move(fyne.NewPos(pad, size.Height/2-r.label.MinSize().Height/2))
	r.label.Resize(fyne.NewSize(size.Width-2*pad, r.label.MinSize().Height))
	r.placeLines()
	r.placeNote()
}

// placeLines maps the corners from frame pixels to where the picture is
// drawn (contain: scaled to fit, centred).
func (r *capturePreviewRenderer) placeLines() {
	p := r.p
	if p.size.X <= 0 || p.size.Y <= 0 {
		return
	}
	fw, fh := float32(p.size.X), float32(p.size.Y)
	scale := min(r.size.Width/fw, r.size.Height/fh)
	ox, oy := (r.size.Width-fw*scale)/2, (r.size.Height-fh*scale)/2
	at := func(x, y float64) fyne.Position { return fyne.NewPos(ox+float32(x)*scale, oy+float32(y)*scale) }
	i := 0
	for _, o := range p.outlines {
		for j := range o.Points {
			a, b := o.Points[j], o.Points[(j+1)%len(o.Points)]
			r.lines[i].Position1, r.lines[i].Position2 = at(a.X, a.Y), at(b.X, b.Y)
			i++
		}
	}
}

func (r *capturePreviewRenderer) placeNote() {
	if r.noteText.Text == "" {
		return
	}
	ts := r.noteText.MinSize()
	pad := theme.Padding() * 3
	w, h := min(ts.Width+2*pad, r.size.Width), ts.Height+pad
	pos := fyne.NewPos((r.size.Width-w)/2, pad*2)
	r.noteBg.Move(pos)
	r.noteBg.Resize(fyne.NewSize(w, h))
	r.noteText.Move(pos.Add(fyne.NewPos(pad, pad/2)))
	r.noteText.Resize(ts)
}

func (r *capturePreviewRenderer) Refresh() {
	p := r.p
	if p.pic == nil {
		r.image.Image = nil
		r.image.Hide()
		r.label.SetText(p.text)
		r.label.Show()
	} else {
		r.image.Image = p.pic
		r.image.Show()
		r.label.Hide()
	}
	r.image.Refresh()

	n := 0
	for _, o := range p.outlines {
		n += len(o.Points)
	}
	for len(r.lines) < n {
		l := canvas.NewLine(clearColor)
		l.StrokeWidth = 4
		r.lines = append(r.lines, l)
	}
	i := 0
	for _, o := range p.outlines {
		for range o.Points {
			r.lines[i].StrokeColor = p.outlineColor(o)
			r.lines[i].Show()
			i++
		}
	}
	for _, l := range r.lines[i:] {
		l.Hide()
	}
	r.placeLines()
	for _, l := range r.lines[:i] {
		l.Refresh()
	}

	r.noteText.Text = p.noteText
	if p.noteText == "" {
		r.noteBg.Hide()
		r.noteText.Hide()
	} else {
		r.noteBg.FillColor = theme.Color(theme.ColorNameSuccess)
		r.noteText.Color = color.White
		switch {
		case p.noteKind == noteRepeat:
			r.noteBg.FillColor = outlineColors[camera.StatusDuplicate]
			r.noteText.Color = color.Black
		case p.noteKind == noteVerdict && p.noteColor == verdictAmber:
			r.noteBg.FillColor = p.noteColor
			r.noteText.Color = color.Black
		case p.noteKind == noteVerdict:
			r.noteBg.FillColor = p.noteColor
		}
		r.noteBg.Show()
		r.noteText.Show()
		r.placeNote()
		r.noteBg.Refresh()
		r.noteText.Refresh()
	}

	if p.flashes != r.flashed {
		r.flashed = p.flashes
		r.startFlash()
	}
}

// startFlash fades a light overlay out over the picture.
func (r *capturePreviewRenderer) startFlash() {
	if r.anim != nil {
		r.anim.Stop()
	}
	r.anim = canvas.NewColorRGBAAnimation(flashColor, clearColor, flashFor, func(c color.Color) {
		r.flashRect.FillColor = c
		r.flashRect.Refresh()
	})
	r.anim.Curve = fyne.AnimationEaseOut
	r.anim.Start()
}
