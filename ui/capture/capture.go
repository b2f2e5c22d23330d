// Package capture is the camera screen: invoices held up to a webcam (or a
// video file or folder of frames played as one) are read live, outlined on
// the preview, and each new one is handed to the scan queue with the frame
// it was read in.
package capture

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/camera"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// Beeper sounds the capture signal. It must not block.
type Beeper interface {
	Beep()
}

// captureRun is one run of the camera, from Start until the source ends or
// is stopped.
type captureRun struct {
	source  *captureSource
	session *camera.Session
	frames  *frameSlot
	cancel  context.CancelFunc
	done    chan struct{} // closed when every goroutine of the run has ended
	stopped bool          // by the clerk (or by leaving the screen)
}

// Screen reads invoices held up to a webcam: a live preview with the
// codes outlined, and every new invoice sent to the scan queue, with the
// frame it was read in, like a dropped file. Its methods are called on the
// UI goroutine.
type Screen struct {
	e     *env.Env
	take  func(text string, frame []byte)
	sound Beeper

	// list and sizes find the cameras (camera.List and camera.Sizes).
	list  func(context.Context) ([]camera.Device, error)
	sizes func(context.Context, camera.Device) ([]camera.Mode, error)

	sourceLabel, sizeLabel *widget.Label
	source, size           *widget.Select
	refresh, startStop     *widget.Button
	message, rate, counts  *widget.Label
	preview                *capturePreview
	// fileDialog is the open file or folder dialog, kept for tests.
	fileDialog dialog.Dialog

	sources []*captureSource
	chosen  *captureSource
	modes   []camera.Mode // as the size picker lists them
	listed  bool          // the cameras were looked for
	listing bool
	status  func(*env.Translator) string // the message, in the language shown

	// life ends with the window: it stops every goroutine of the screen.
	life    context.Context
	end     context.CancelFunc
	work    sync.WaitGroup // the screen's goroutines, which shutting down waits for
	run     *captureRun
	taken   int
	repeats int
	takenAt map[string]time.Time // by capture key, this run
	// shownAt are when the last frames were shown, for the rate.
	shownAt []time.Time
	ratedAt time.Time
}

// New builds the camera screen. take is where every new invoice goes: the
// code read, and the frame it was read in (JPEG); it is called on the UI
// goroutine.
func New(e *env.Env, take func(text string, frame []byte)) *Screen {
	c := &Screen{e: e, take: take, list: camera.List, sizes: camera.Sizes}
	c.life, c.end = context.WithCancel(context.Background())
	c.sourceLabel, c.sizeLabel = widget.NewLabel(""), widget.NewLabel("")
	c.source = widget.NewSelect(nil, nil)
	c.source.OnChanged = func(string) { c.onSource() }
	c.size = widget.NewSelect(nil, nil)
	c.size.OnChanged = func(string) { c.onSize() }
	c.refresh = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), c.onRefresh)
	c.startStop = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), c.onStartStop)
	c.startStop.Importance = widget.HighImportance
	c.startStop.Disable()
	c.message = widget.NewLabel("")
	c.message.Wrapping = fyne.TextWrapWord
	c.rate, c.counts = widget.NewLabel(""), widget.NewLabel("")
	c.preview = newCapturePreview()
	c.status = func(tr *env.Translator) string { return "" }
	return c
}

// Content is the screen's widget tree.
func (c *Screen) Content() fyne.CanvasObject {
	pickers := container.NewHBox(c.sourceLabel, container.NewGridWrap(fyne.NewSize(360, c.source.MinSize().Height), c.source),
		c.sizeLabel, container.NewGridWrap(fyne.NewSize(220, c.size.MinSize().Height), c.size), c.refresh)
	top := container.NewBorder(nil, nil, pickers, c.startStop)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(c.rate, c.counts), c.message)
	return container.NewBorder(top, bottom, nil, nil, c.preview)
}

// SetBeeper sets what sounds when the camera takes in an invoice; without
// one, captures are silent.
func (c *Screen) SetBeeper(b Beeper) { c.sound = b }

// Relabel puts the screen in the language chosen.
func (c *Screen) Relabel() {
	tr := c.e.Tr
	c.sourceLabel.SetText(tr.T("capture.source"))
	c.source.PlaceHolder = tr.T("capture.choose")
	c.sizeLabel.SetText(tr.T("capture.size"))
	c.refresh.SetText(tr.T("capture.refresh"))
	c.preview.setText(tr.T("capture.placeholder"))
	c.showSources()
	c.showSizes()
	c.showState()
	c.showCounts()
	c.message.SetText(c.status(tr))
}

// say sets the message under the preview; it is rendered again when the
// language changes.
func (c *Screen) say(status func(*env.Translator) string) {
	c.status = status
	c.message.SetText(status(c.e.Tr))
}

func (c *Screen) sayKey(key string, args ...any) {
	c.say(func(tr *env.Translator) string { return tr.F(key, args...) })
}

// errorText says in the clerk's words why the camera cannot be used.
func errorText(tr *env.Translator, err error) string {
	goos := runtime.GOOS
	if goos != "windows" && goos != "darwin" {
		goos = "linux"
	}
	switch {
	case errors.Is(err, camera.ErrNoFFmpeg):
		return tr.F("capture.err.no_ffmpeg", tr.T("capture.err.no_ffmpeg."+goos))
	case errors.Is(err, camera.ErrBusy):
		return tr.T("capture.err.busy")
	case errors.Is(err, camera.ErrNoCamera):
		return tr.T("capture.err.no_camera")
	case errors.Is(err, fs.ErrPermission):
		return tr.T("capture.err.permission." + goos)
	case errors.Is(err, camera.ErrFormat):
		return tr.T("capture.err.format")
	case errors.Is(err, fs.ErrNotExist):
		return tr.T("capture.err.not_found")
	}
	return tr.F("capture.err.other", err)
}
