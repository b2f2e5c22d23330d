package uitest

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// walk calls fn for o and everything inside it, shown or not.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) { walkOf(o, false, fn) }

// walkOf is walk, or with shownOnly what is shown only: a hidden object
// and everything inside it are passed over.
func walkOf(o fyne.CanvasObject, shownOnly bool, fn func(fyne.CanvasObject)) {
	if o == nil || shownOnly && !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkOf(c, shownOnly, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkOf(c, shownOnly, fn)
		}
	}
}

// ShownLabel reports whether a label of root says text and is shown, with
// everything around it.
func ShownLabel(root fyne.CanvasObject, text string) bool {
	found := false
	walkOf(root, true, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == text {
			found = true
		}
	})
	return found
}

// ShownTable is the first table of root that is shown; nil when none is.
func ShownTable(root fyne.CanvasObject) *widget.Table {
	var found *widget.Table
	walkOf(root, true, func(o fyne.CanvasObject) {
		if tb, ok := o.(*widget.Table); ok && found == nil {
			found = tb
		}
	})
	return found
}

// OverlayText is the text of the labels of the dialog on top of the
// window, one a line; "" when no dialog is open.
func OverlayText(c fyne.Canvas) string {
	top := c.Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

// Button is the button whose text is text in root (a window's content, or
// a dialog: Overlays().Top()), shown or not; nil when there is none.
func Button(root fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil && b.Text == text {
			found = b
		}
	})
	return found
}

// HasLabel reports whether a label of root says text.
func HasLabel(root fyne.CanvasObject, text string) bool {
	found := false
	walk(root, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == text {
			found = true
		}
	})
	return found
}

// ReplaceText replaces old by new in the text of every label of the
// window: a test puts a fixed path where the machine's would be.
func ReplaceText(c fyne.Canvas, old, new string) {
	for _, root := range append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...) {
		walk(root, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, old) {
				l.SetText(strings.ReplaceAll(l.Text, old, new))
			}
		})
	}
}

// CellText is the text of a table cell as rendered.
func CellText(tb *widget.Table, row, col int) string {
	rows, cols := tb.Length()
	if row >= rows || col >= cols {
		return ""
	}
	l := widget.NewLabel("")
	tb.UpdateCell(widget.TableCellID{Row: row, Col: col}, l)
	return l.Text
}

// Labels are the texts of root's labels, shown or not.
func Labels(root fyne.CanvasObject) []string {
	var out []string
	walk(root, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

// Entries are the entries of root whose placeholder is placeholder, in the
// order they are laid out: widget.Entry, and the app's entries built on it
// (with a Base method that returns it).
func Entries(root fyne.CanvasObject, placeholder string) []*widget.Entry {
	var out []*widget.Entry
	for _, e := range EntryWidgets(root) {
		if e.PlaceHolder == placeholder {
			out = append(out, e)
		}
	}
	return out
}

// EntryWidgets are every entry of root (as Entries finds them, whatever
// their placeholder), in the order they are laid out.
func EntryWidgets(root fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	walk(root, func(o fyne.CanvasObject) {
		e, ok := o.(*widget.Entry)
		if b, based := o.(interface{ Base() *widget.Entry }); based {
			e, ok = b.Base(), true
		}
		if ok {
			out = append(out, e)
		}
	})
	return out
}

// EntryBeside is the first entry (as Entries finds them) of the row of
// root that a label saying label heads: a container holding the label
// itself. nil when no row does.
func EntryBeside(root fyne.CanvasObject, label string) *widget.Entry {
	var found *widget.Entry
	walk(root, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || found != nil {
			return
		}
		for _, child := range c.Objects {
			if l, ok := child.(*widget.Label); ok && l.Text == label {
				if es := EntryWidgets(c); len(es) > 0 {
					found = es[0]
				}
				return
			}
		}
	})
	return found
}

// EntryTexts are the texts of EntryWidgets.
func EntryTexts(root fyne.CanvasObject) []string {
	var out []string
	for _, e := range EntryWidgets(root) {
		out = append(out, e.Text)
	}
	return out
}

// ShownActivity reports whether an activity indicator of root is shown,
// with everything around it: a screen says it is waiting for background
// work.
func ShownActivity(root fyne.CanvasObject) bool {
	found := false
	walkOf(root, true, func(o fyne.CanvasObject) {
		if _, ok := o.(*widget.Activity); ok {
			found = true
		}
	})
	return found
}
