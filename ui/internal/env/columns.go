package env

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// FitColumns lays out a table (its one object) with its columns sized to
// its width, so that it never scrolls sideways on a screen from 1024×768
// up: each column as wide as Needs says its texts need, Stretch's taking
// what is left and, on a wide window, every column a share of the rest.
// Its MinSize is what the columns need side by side.
type FitColumns struct {
	Table *widget.Table
	// Needs are the columns' widths for their texts, in the language
	// chosen (TextWidth, HeaderWidth).
	Needs func() []float32
	// Stretch is the column of free text (a name, a message).
	Stretch int
}

// TextWidth is the width a label needs to show s whole.
func TextWidth(s string, style fyne.TextStyle) float32 {
	return fyne.MeasureText(s, theme.TextSize(), style).Width + 2*theme.InnerPadding()
}

// HeaderWidth is the width a table's header button needs for s and its
// sort arrow.
func HeaderWidth(s string) float32 {
	return TextWidth(s, fyne.TextStyle{Bold: true}) + theme.IconInlineSize() + theme.Padding()
}

// Widest is the widest of texts' widths and at least least.
func Widest(least float32, texts ...string) float32 {
	for _, s := range texts {
		least = max(least, TextWidth(s, fyne.TextStyle{}))
	}
	return least
}

// chrome is what a table takes beside its columns: each cell's padding and
// a vertical scroll bar.
func chrome(n int) float32 {
	return float32(n+2)*theme.Padding() + theme.ScrollBarSize()
}

func (f FitColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n := f.Needs()
	sum := float32(0)
	for _, w := range n {
		sum += w
	}
	extra := max(0, size.Width-chrome(len(n))-sum)
	for i, w := range n {
		if i == f.Stretch {
			w += extra / 2
		} else if len(n) > 1 {
			w += extra / 2 / float32(len(n)-1)
		}
		f.Table.SetColumnWidth(i, w)
	}
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (f FitColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	n := f.Needs()
	w := chrome(len(n))
	for _, x := range n {
		w += x
	}
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}
