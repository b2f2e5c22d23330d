package uitest

import "fyne.io/fyne/v2"

// Desktop is a test app whose windows have a close button, as the desktop
// driver's do (the test driver's have none, and ignore a close intercept),
// and whose Quit is counted (the test driver's does nothing).
type Desktop struct {
	fyne.App
	Quits int // how many times the app was asked to quit
}

// NewDesktop gives a's windows a close button (PressClose).
func NewDesktop(a fyne.App) *Desktop { return &Desktop{App: a} }

// NewWindow opens a window with a close button.
func (d *Desktop) NewWindow(title string) fyne.Window {
	return &desktopWindow{Window: d.App.NewWindow(title)}
}

// Quit counts the request; the test app does nothing more.
func (d *Desktop) Quit() {
	d.Quits++
	d.App.Quit()
}

type desktopWindow struct {
	fyne.Window
	intercept func()
	closed    bool
}

func (w *desktopWindow) SetCloseIntercept(fn func()) {
	w.intercept = fn
	w.Window.SetCloseIntercept(fn)
}

// Close closes w once, as the desktop driver does: the test driver's
// window, closed twice, panics.
func (w *desktopWindow) Close() {
	if w.closed {
		return
	}
	w.closed = true
	w.Window.Close()
}

// PressClose presses the close button of w, a window of a Desktop, as the
// desktop driver does: w's close intercept runs if it has one, else w
// closes.
func PressClose(w fyne.Window) {
	dw := w.(*desktopWindow)
	if dw.intercept != nil {
		dw.intercept()
		return
	}
	dw.Close()
}

// Closed reports whether w, a window of a Desktop, was closed.
func Closed(w fyne.Window) bool { return w.(*desktopWindow).closed }
