package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.4/glfw"
)

// workArea is the usable part of the primary screen, in its pixels: less
// the desktop's panels and menu bars; 0×0 when the desktop does not say.
// It asks GLFW, which Fyne's desktop driver has started by the time a
// window exists, on the main goroutine, which Fyne keeps on the main
// thread as GLFW requires. Fyne has no call for it.
func workArea() fyne.Size {
	mon := glfw.GetPrimaryMonitor()
	if mon == nil {
		return fyne.Size{}
	}
	_, _, w, h := mon.GetWorkarea()
	if w <= 0 || h <= 0 {
		if mode := mon.GetVideoMode(); mode != nil {
			w, h = mode.Width, mode.Height
		}
	}
	return fyne.NewSize(float32(w), float32(h))
}
