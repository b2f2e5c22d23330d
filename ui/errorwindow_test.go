package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A team server's password never shows on the window that says the
// history could not be opened.
func TestErrorWindowHidesThePassword(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewErrorWindow(a, "postgres://clerk:s3cret@db.example/team", errors.New("connection refused"))
	defer w.Close()
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			texts = append(texts, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(w.Content())
	all := strings.Join(texts, "\n")
	if strings.Contains(all, "s3cret") || !strings.Contains(all, "postgres://clerk:xxxxx@db.example/team") {
		t.Errorf("error window says %q", all)
	}
}
