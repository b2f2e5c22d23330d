package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

func TestFitSize(t *testing.T) {
	tests := []struct {
		name         string
		saved, work  fyne.Size
		wantW, wantH float32
	}{
		{"a screen not known", fyne.Size{}, fyne.Size{}, DefaultSize.Width, DefaultSize.Height},
		{"a large screen", fyne.Size{}, fyne.NewSize(1920, 1040), DefaultSize.Width, DefaultSize.Height},
		// 1366×768 less a 27-pixel panel: 800 high used to overflow it.
		{"a laptop", fyne.Size{}, fyne.NewSize(1366, 741), 1366 - frame.Width, 741 - frame.Height},
		{"a screen just too low", fyne.Size{}, fyne.NewSize(1600, 800), 1600 - frame.Width, 800 - frame.Height},
		{"1024×768", fyne.Size{}, fyne.NewSize(1024, 768), 1024 - frame.Width, 768 - frame.Height},
		{"as the clerk left it", fyne.NewSize(1100, 650), fyne.NewSize(1366, 768), 1100, 650},
		{"left larger on another screen", fyne.NewSize(1900, 1000), fyne.NewSize(1366, 768), 1366 - frame.Width, 768 - frame.Height},
		{"a saved size that is no size", fyne.NewSize(10, 10), fyne.NewSize(1920, 1080), DefaultSize.Width, DefaultSize.Height},
	}
	for _, tt := range tests {
		got := fitSize(tt.saved, tt.work)
		if got.Width != tt.wantW || got.Height != tt.wantH {
			t.Errorf("%s: fitSize(%v, %v) = %v, want %v×%v", tt.name, tt.saved, tt.work, got, tt.wantW, tt.wantH)
		}
	}
}

// The window opens fitted to the screen and, closed, keeps its size for the
// next time.
func TestWindowRemembersItsSize(t *testing.T) {
	a, _ := uitest.NewApp(t)
	st := uitest.OpenStore(t)
	m := NewMainWindow(a, st)
	m.FitScreen(fyne.NewSize(1366, 768))
	if got, want := m.window.Canvas().Size(), fitSize(fyne.Size{}, fyne.NewSize(1366, 768)); got != want {
		t.Errorf("opened at %v on a 1366×768 screen, want %v", got, want)
	}
	m.window.Resize(fyne.NewSize(1100, 650))
	m.window.Close()

	again := NewMainWindow(a, st)
	defer again.window.Close()
	again.FitScreen(fyne.NewSize(1366, 768))
	if got := again.window.Canvas().Size(); got != fyne.NewSize(1100, 650) {
		t.Errorf("reopened at %v, want the 1100×650 it was closed at", got)
	}
	again.FitScreen(fyne.NewSize(1024, 768))
	if got := again.window.Canvas().Size(); got.Width > 1024 || got.Height > 768-frame.Height {
		t.Errorf("on a 1024×768 screen at %v", got)
	}
}

// menuBar is the height of the menu the desktop driver draws inside the
// window on Linux and Windows (the test driver draws none).
const menuBar = 32

// visible calls fn with every object shown in o, and its position in the
// window.
func visible(o fyne.CanvasObject, at fyne.Position, fn func(fyne.CanvasObject, fyne.Position)) {
	if o == nil || !o.Visible() {
		return
	}
	at = at.Add(o.Position())
	fn(o, at)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			visible(c, at, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			visible(c, at, fn)
		}
	}
}

// cut lists the labels and buttons shown in the window whose text does not
// fit them, or that reach past the window's right edge.
func cut(c fyne.Canvas) []string {
	var out []string
	width := c.Size().Width
	whole := func(s string, style fyne.TextStyle) float32 {
		return fyne.MeasureText(s, theme.TextSize(), style).Width + 2*theme.InnerPadding()
	}
	visible(c.Content(), fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		switch x := o.(type) {
		case *widget.Label:
			if x.Text == "" || x.Wrapping != fyne.TextWrapOff {
				return
			}
			if x.Size().Width+0.5 < whole(x.Text, x.TextStyle) || at.X+x.Size().Width > width+0.5 {
				out = append(out, x.Text)
			}
		case *widget.Button:
			if x.Text != "" && (x.Size().Width+0.5 < x.MinSize().Width || at.X+x.Size().Width > width+0.5) {
				out = append(out, x.Text)
			}
		}
	})
	return out
}

// On the smallest screen supported every screen fits the window, and no
// value, header or button is cut short: the 20-digit check code, the
// results, the history's columns without scrolling sideways; in Chinese and
// in English, whose words are longer.
func TestNothingCutOnSmallScreens(t *testing.T) {
	for _, c := range []struct {
		lang   string
		screen fyne.Size
	}{{"zh", MinScreen}, {"zh", fyne.NewSize(1366, 768)}, {"en", MinScreen}, {"en", fyne.NewSize(1366, 768)}} {
		screen := c.screen
		m := newTestWindow(t, c.lang)
		m.FitScreen(screen)
		size := m.window.Canvas().Size()
		room := fyne.NewSize(size.Width, size.Height-menuBar)
		m.gun(uitest.PaperPayload) // its check code has 20 digits
		m.settle()
		for _, s := range []string{ScreenScan, ScreenCamera, ScreenHistory, ScreenOrders, ScreenSettings} {
			m.ShowScreen(s)
			m.settle()
			// Laid out afresh, as the desktop driver does when a text
			// changes what its widget needs.
			m.window.Resize(size.AddWidthHeight(1, 1))
			m.window.Resize(size)
			if min := m.window.Content().MinSize(); min.Width > room.Width || min.Height > room.Height {
				t.Errorf("%s, %v screen, %s: needs %v, the window has %v", c.lang, screen, s, min, room)
			}
			if cut := cut(m.window.Canvas()); len(cut) > 0 {
				t.Errorf("%s, %v screen, %s: cut short: %q", c.lang, screen, s, cut)
			}
		}
		m.close()
	}
}
