package ui

import "fyne.io/fyne/v2"

// The window's size: the size the clerk left it at, when it still fits the
// screen it opens on, else DefaultSize made to fit. Screens from 1024×768
// up are supported: every screen's values show whole at MinScreen, less
// the frame a desktop puts around a window.

// Preferences keys for the size the window was closed at.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
)

// MinScreen is the smallest screen supported.
var MinScreen = fyne.NewSize(1024, 768)

// frame is what a desktop adds around a window (title bar, borders), kept
// free on the screen: the window's content is smaller than the screen's
// work area by this much.
var frame = fyne.NewSize(16, 48)

// fitSize is the window's size on a screen whose work area (less panels
// and menu bars) is work: saved, as the clerk left it, or DefaultSize,
// shrunk to what the screen has room for. A screen with no room for
// DefaultSize (a 1366×768 laptop) gets a window as large as it has room
// for, in both directions, as maximised: the default's width beside a
// height cut to the screen's left a strip of the screen unused. A zero work
// area (a screen that is not known) leaves the size as it is.
func fitSize(saved, work fyne.Size) fyne.Size {
	size := DefaultSize
	if saved.Width >= 320 && saved.Height >= 240 {
		size = saved
	}
	if work.Width <= 0 || work.Height <= 0 {
		return size
	}
	room := fyne.NewSize(max(work.Width-frame.Width, 320), max(work.Height-frame.Height, 240))
	if size == DefaultSize && (size.Width > room.Width || size.Height > room.Height) {
		return room
	}
	return fyne.NewSize(min(size.Width, room.Width), min(size.Height, room.Height))
}

// FitScreen sizes the window for a screen whose work area is work, in
// pixels of the screen (0×0 when not known): the size it was closed at, or
// the default, as far as the screen has room.
func (m *MainWindow) FitScreen(work fyne.Size) {
	if s := m.window.Canvas().Scale(); s > 0 {
		work = fyne.NewSize(work.Width/s, work.Height/s)
	}
	p := m.app.Preferences()
	saved := fyne.NewSize(float32(p.Float(prefWidth)), float32(p.Float(prefHeight)))
	m.window.Resize(fitSize(saved, work))
}

// saveSize keeps the window's size for the next time it opens.
func (m *MainWindow) saveSize() {
	s := m.window.Canvas().Size()
	if s.Width < 320 || s.Height < 240 {
		return
	}
	p := m.app.Preferences()
	p.SetFloat(prefWidth, float64(s.Width))
	p.SetFloat(prefHeight, float64(s.Height))
}
