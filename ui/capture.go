package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/camera"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Preferences of the camera screen: the source and size last used.
const (
	prefCaptureSource = "capture.source"
	prefCaptureSize   = "capture.size"
)

// Beeper sounds the capture signal. It must not block.
type Beeper interface {
	Beep()
}

// commonSizes are offered for a camera that does not say what it sends
// (one read through ffmpeg); it gets the nearest it has.
var commonSizes = []camera.Mode{{W: 1280, H: 720}, {W: 1920, H: 1080}, {W: 640, H: 480}}

// framesFPS is the rate a folder of frames is played at.
const framesFPS = 15

// frameQuality is the JPEG quality of a frame kept with its record: the
// QR code and the printed values stay legible at a tenth of the raw size.
const frameQuality = 85

// videoExts are the files "open video file" offers.
var videoExts = []string{".mp4", ".mkv", ".avi", ".mov", ".webm", ".m4v", ".wmv", ".flv", ".mpg", ".mpeg", ".ts", ".y4m"}

// captureSource is one entry of the source picker: a camera, or a video
// file or a folder of frames played as one.
type captureSource struct {
	// key is remembered in the preferences: the device's ID, or the file
	// or folder behind "file:" or "folder:".
	key    string
	device *camera.Device // nil for a file or a folder
	path   string         // of a file or a folder
	sizes  []camera.Mode  // what a camera says it sends; nil when it does not say
	open   func(ctx context.Context, m camera.Mode) (camera.Source, error)
}

func (s *captureSource) label(tr *Translator) string {
	switch {
	case s.device != nil:
		return s.device.Name
	case strings.HasPrefix(s.key, "folder:"):
		return tr.F("capture.folder", filepath.Base(s.path))
	}
	return tr.F("capture.file", filepath.Base(s.path))
}

// offers lists the sizes to pick from: nil for a file or a folder, which
// play at their own size.
func (s *captureSource) offers() []camera.Mode {
	switch {
	case s.device == nil:
		return nil
	case len(s.sizes) > 0:
		return s.sizes
	}
	return commonSizes
}

func cameraSource(d camera.Device, sizes []camera.Mode) *captureSource {
	return &captureSource{key: d.ID, device: &d, sizes: sizes, open: func(ctx context.Context, m camera.Mode) (camera.Source, error) {
		return camera.Open(ctx, d, m)
	}}
}

// fileSource plays a video through ffmpeg in real time, as a camera would
// deliver it.
func fileSource(path string) *captureSource {
	return &captureSource{key: "file:" + path, path: path, open: func(ctx context.Context, _ camera.Mode) (camera.Source, error) {
		return camera.OpenFile(ctx, path, 1)
	}}
}

// folderSource plays the pictures of a folder in name order at fps, in
// real time times pace.
func folderSource(dir string, fps, pace float64) *captureSource {
	return &captureSource{key: "folder:" + dir, path: dir, open: func(context.Context, camera.Mode) (camera.Source, error) {
		return camera.OpenFolder(dir, camera.FolderOptions{FPS: fps, Pace: pace})
	}}
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

// captureScreen reads invoices held up to a webcam: a live preview with the
// codes outlined, and every new invoice sent to the scan queue, with the
// frame it was read in, like a dropped file.
type captureScreen struct {
	e     *env
	scan  *scanTab
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
	status  func(*Translator) string // the message, in the language shown

	// life ends with the window: it stops every goroutine of the screen.
	life    context.Context
	end     context.CancelFunc
	work    sync.WaitGroup
	run     *captureRun
	taken   int
	repeats int
	takenAt map[string]time.Time // by capture key, this run
	// shownAt are when the last frames were shown, for the rate.
	shownAt []time.Time
	ratedAt time.Time
}

func newCaptureScreen(e *env, scan *scanTab) *captureScreen {
	c := &captureScreen{e: e, scan: scan, list: camera.List, sizes: camera.Sizes}
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
	c.status = func(tr *Translator) string { return "" }
	return c
}

func (c *captureScreen) content() fyne.CanvasObject {
	pickers := container.NewHBox(c.sourceLabel, container.NewGridWrap(fyne.NewSize(360, c.source.MinSize().Height), c.source),
		c.sizeLabel, container.NewGridWrap(fyne.NewSize(220, c.size.MinSize().Height), c.size), c.refresh)
	top := container.NewBorder(nil, nil, pickers, c.startStop)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(c.rate, c.counts), c.message)
	return container.NewBorder(top, bottom, nil, nil, c.preview)
}

// SetBeeper sets what sounds when the camera takes in an invoice; without
// one, captures are silent.
func (m *MainWindow) SetBeeper(b Beeper) { m.capture.sound = b }

func (c *captureScreen) relabel() {
	tr := c.e.tr
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
func (c *captureScreen) say(status func(*Translator) string) {
	c.status = status
	c.message.SetText(status(c.e.tr))
}

func (c *captureScreen) sayKey(key string, args ...any) {
	c.say(func(tr *Translator) string { return tr.F(key, args...) })
}

// --- sources ---

// onShow looks for cameras the first time the screen is shown.
func (c *captureScreen) onShow() {
	if !c.listed {
		c.onRefresh()
	}
}

// onRefresh looks for cameras again, in the background: ffmpeg may take
// seconds to list them.
func (c *captureScreen) onRefresh() {
	if c.listing || c.run != nil {
		return
	}
	c.listing = true
	c.refresh.Disable()
	c.sayKey("capture.listing")
	list, sizes, ctx := c.list, c.sizes, c.life
	c.work.Add(1)
	go func() {
		defer c.work.Done()
		devs, err := list(ctx)
		var found []*captureSource
		for _, d := range devs {
			s, _ := sizes(ctx, d) // without them, the common sizes are offered
			found = append(found, cameraSource(d, s))
		}
		fyne.Do(func() { c.onListed(found, err) })
	}()
}

func (c *captureScreen) onListed(found []*captureSource, err error) {
	c.listing, c.listed = false, true
	c.refresh.Enable()
	keep := found
	for _, s := range c.sources {
		if s.device == nil {
			keep = append(keep, s)
		}
	}
	if c.chosen == nil {
		// The file or folder last played is offered again.
		last := c.e.app.Preferences().String(prefCaptureSource)
		if kind, path, ok := strings.Cut(last, ":"); ok && (kind == "file" || kind == "folder") && !hasSource(keep, last) {
			if _, serr := os.Stat(path); serr == nil {
				if kind == "file" {
					keep = append(keep, fileSource(path))
				} else {
					keep = append(keep, folderSource(path, framesFPS, 1))
				}
			}
		}
	}
	c.sources = keep
	switch {
	case err != nil:
		c.say(func(tr *Translator) string { return captureErrorText(tr, err) })
	default:
		n := len(found)
		c.sayKey("capture.found", n)
	}
	c.pick(c.preferred())
}

func hasSource(list []*captureSource, key string) bool {
	for _, s := range list {
		if s.key == key {
			return true
		}
	}
	return false
}

// preferred is the source to select: the one chosen, else the one last
// used, else the first camera.
func (c *captureScreen) preferred() *captureSource {
	want := c.e.app.Preferences().String(prefCaptureSource)
	if c.chosen != nil {
		want = c.chosen.key
	}
	for _, s := range c.sources {
		if s.key == want {
			return s
		}
	}
	for _, s := range c.sources {
		if s.device != nil {
			return s
		}
	}
	return nil
}

// useSource adds s (a file or folder the clerk chose) and selects it.
func (c *captureScreen) useSource(s *captureSource) {
	for i, o := range c.sources {
		if o.key == s.key {
			c.sources = append(c.sources[:i:i], c.sources[i+1:]...)
			break
		}
	}
	c.sources = append(c.sources, s)
	c.pick(s)
}

// pick selects s (nil: none) in the picker.
func (c *captureScreen) pick(s *captureSource) {
	c.chosen = s
	if s != nil {
		c.e.app.Preferences().SetString(prefCaptureSource, s.key)
	}
	c.showSources()
	c.showSizes()
	c.showState()
}

// showSources fills the source picker: the sources, then the two ways to
// add a file or a folder.
func (c *captureScreen) showSources() {
	tr := c.e.tr
	opts := make([]string, 0, len(c.sources)+2)
	sel := -1
	for i, s := range c.sources {
		opts = append(opts, s.label(tr))
		if s == c.chosen {
			sel = i
		}
	}
	opts = append(opts, tr.T("capture.open_file"), tr.T("capture.open_folder"))
	// Set without OnChanged: this is the picker showing the state, not
	// the clerk changing it.
	c.source.OnChanged = nil
	c.source.SetOptions(opts)
	if sel >= 0 {
		c.source.SetSelectedIndex(sel)
	} else {
		c.source.ClearSelected()
	}
	c.source.OnChanged = func(string) { c.onSource() }
}

func (c *captureScreen) onSource() {
	i := c.source.SelectedIndex()
	switch {
	case i < 0:
		return
	case i < len(c.sources):
		c.pick(c.sources[i])
	case i == len(c.sources):
		c.showSources() // back to the source in use until a file is chosen
		c.onOpenFile()
	default:
		c.showSources()
		c.onOpenFolder()
	}
}

func (c *captureScreen) onOpenFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		c.useSource(fileSource(path))
	}, c.e.win)
	d.SetFilter(storage.NewExtensionFileFilter(videoExts))
	c.fileDialog = d
	d.Show()
	// After Show: Fyne 2.8's file dialog has no size to compare with before.
	d.Resize(fyne.NewSize(900, 600))
}

func (c *captureScreen) onOpenFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		c.useSource(folderSource(u.Path(), framesFPS, 1))
	}, c.e.win)
	c.fileDialog = d
	d.Show()
	d.Resize(fyne.NewSize(900, 600))
}

// showSizes fills the size picker for the chosen source.
func (c *captureScreen) showSizes() {
	tr := c.e.tr
	c.size.OnChanged = nil
	defer func() { c.size.OnChanged = func(string) { c.onSize() } }()
	if c.chosen == nil || c.chosen.offers() == nil {
		c.modes = nil
		c.size.SetOptions([]string{tr.T("capture.size.native")})
		c.size.SetSelectedIndex(0)
		return
	}
	c.modes = c.chosen.offers()
	opts := make([]string, len(c.modes))
	for i, m := range c.modes {
		opts[i] = sizeLabel(tr, m)
	}
	c.size.SetOptions(opts)
	c.size.SetSelectedIndex(nearestMode(c.modes, c.e.app.Preferences().StringWithFallback(prefCaptureSize, "1280x720")))
}

func sizeLabel(tr *Translator, m camera.Mode) string {
	if m.FPS > 0 {
		return tr.F("capture.size.fps", m.W, m.H, m.FPS)
	}
	return fmt.Sprintf("%d×%d", m.W, m.H)
}

// nearestMode is the index of the mode closest in area to size ("1280x720").
func nearestMode(modes []camera.Mode, size string) int {
	var w, h int
	if _, err := fmt.Sscanf(size, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		w, h = camera.DefaultMode.W, camera.DefaultMode.H
	}
	best, bestD := 0, -1
	for i, m := range modes {
		d := max(m.W*m.H, w*h) - min(m.W*m.H, w*h)
		if m.W == w && m.H == h {
			return i
		}
		if bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func (c *captureScreen) onSize() {
	if i := c.size.SelectedIndex(); i >= 0 && i < len(c.modes) {
		c.e.app.Preferences().SetString(prefCaptureSize, fmt.Sprintf("%dx%d", c.modes[i].W, c.modes[i].H))
	}
}

// mode is the size asked of the source.
func (c *captureScreen) mode() camera.Mode {
	if i := c.size.SelectedIndex(); i >= 0 && i < len(c.modes) {
		return camera.Mode{W: c.modes[i].W, H: c.modes[i].H, FPS: camera.DefaultMode.FPS}
	}
	return camera.Mode{}
}

// --- running ---

func (c *captureScreen) onStartStop() {
	if c.run != nil {
		c.stop()
		return
	}
	c.start()
}

// start opens the chosen source and runs a session on it, in the
// background: opening a camera can take a second, ffmpeg longer.
func (c *captureScreen) start() {
	src := c.chosen
	if src == nil || c.run != nil {
		return
	}
	ctx, cancel := context.WithCancel(c.life)
	r := &captureRun{source: src, frames: newFrameSlot(), cancel: cancel, done: make(chan struct{})}
	r.session = &camera.Session{
		Scanner:     c.e.scanner,
		OnFrame:     r.frames.put,
		OnCapture:   c.captured,
		OnDuplicate: c.repeated,
	}
	c.run = r
	c.taken, c.repeats, c.takenAt = 0, 0, map[string]time.Time{}
	c.shownAt, c.ratedAt = nil, time.Time{}
	c.rate.SetText("")
	name := src.label(c.e.tr)
	c.sayKey("capture.opening", name)
	c.showState()
	c.showCounts()
	mode := c.mode()
	c.work.Add(1)
	go func() {
		defer c.work.Done()
		defer close(r.done)
		c.runSource(ctx, r, mode)
	}()
}

// runSource opens the source and plays it until it ends or ctx does. It
// runs on its own goroutine, with one more that renders the preview.
func (c *captureScreen) runSource(ctx context.Context, r *captureRun, m camera.Mode) {
	src, err := r.source.open(ctx, m)
	if err != nil {
		fyne.Do(func() { c.ended(r, err) })
		return
	}
	mode := src.Mode()
	fyne.Do(func() { c.opened(r, mode) })
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.showFrames(ctx, r.frames)
	}()
	err = r.session.Run(ctx, src)
	src.Close()
	r.frames.close()
	wg.Wait()
	fyne.Do(func() { c.ended(r, err) })
}

// showFrames hands the newest frame to the window whenever the window has
// shown the one before: the window goroutine gets at most one frame at a
// time, and frames that come meanwhile are dropped, never queued. Two
// pictures take turns: one is on screen while the next is drawn.
func (c *captureScreen) showFrames(ctx context.Context, slot *frameSlot) {
	var pics [2]*image.RGBA
	turn := 0
	for {
		f, outlines, ok := slot.take(ctx)
		if !ok {
			return
		}
		pic := previewImage(f.Img, pics[turn])
		pics[turn] = pic
		turn = 1 - turn
		size := f.Img.Bounds().Size()
		shown := make(chan struct{})
		fyne.Do(func() {
			c.showFrame(pic, size, outlines)
			close(shown)
		})
		select {
		case <-shown:
		case <-ctx.Done():
			return
		}
	}
}

func (c *captureScreen) showFrame(pic *image.RGBA, size image.Point, outlines []camera.Outline) {
	c.preview.setFrame(pic, size, outlines)
	now := time.Now()
	c.shownAt = append(c.shownAt, now)
	// The rate over the last second or so, shown once a second.
	for len(c.shownAt) > 2 && now.Sub(c.shownAt[0]) > 1500*time.Millisecond {
		c.shownAt = c.shownAt[1:]
	}
	if now.Sub(c.ratedAt) >= time.Second && len(c.shownAt) > 1 {
		c.ratedAt = now
		c.rate.SetText(c.e.tr.F("capture.rate", c.shownRate()))
	}
}

// shownRate is the frames a second shown lately.
func (c *captureScreen) shownRate() float64 {
	n := len(c.shownAt)
	if n < 2 {
		return 0
	}
	return float64(n-1) / c.shownAt[n-1].Sub(c.shownAt[0]).Seconds()
}

func (c *captureScreen) opened(r *captureRun, m camera.Mode) {
	if c.run != r || r.stopped {
		return
	}
	name := r.source.label(c.e.tr)
	c.sayKey("capture.running", name, m.W, m.H)
}

// ended shows that run r is over: why, when it failed.
func (c *captureScreen) ended(r *captureRun, err error) {
	if c.run != r {
		return
	}
	c.run = nil
	c.preview.clear()
	c.rate.SetText("")
	switch {
	case err != nil:
		c.say(func(tr *Translator) string { return captureErrorText(tr, err) })
	case r.stopped:
		c.sayKey("capture.stopped")
	default:
		c.sayKey("capture.ended")
	}
	c.showState()
}

// stop stops the camera; ended follows once it has.
func (c *captureScreen) stop() {
	if c.run == nil || c.run.stopped {
		return
	}
	c.run.stopped = true
	c.run.cancel()
	c.sayKey("capture.stopping")
	c.showState()
}

// shutdown stops everything and waits for it: the window is closing.
func (c *captureScreen) shutdown() {
	if c.run != nil {
		c.run.stopped = true
	}
	c.end()
	c.work.Wait()
}

// showState sets the buttons and pickers for the state: running or not.
func (c *captureScreen) showState() {
	tr := c.e.tr
	running := c.run != nil
	if running {
		c.startStop.SetText(tr.T("capture.stop"))
		c.startStop.SetIcon(theme.MediaStopIcon())
		c.startStop.Importance = widget.DangerImportance
		c.source.Disable()
		c.size.Disable()
		c.refresh.Disable()
		if c.run.stopped {
			c.startStop.Disable()
		} else {
			c.startStop.Enable()
		}
	} else {
		c.startStop.SetText(tr.T("capture.start"))
		c.startStop.SetIcon(theme.MediaPlayIcon())
		c.startStop.Importance = widget.HighImportance
		c.source.Enable()
		if c.modes == nil {
			c.size.Disable()
		} else {
			c.size.Enable()
		}
		if !c.listing {
			c.refresh.Enable()
		}
		if c.chosen == nil {
			c.startStop.Disable()
		} else {
			c.startStop.Enable()
		}
	}
	c.startStop.Refresh()
}

func (c *captureScreen) showCounts() {
	c.counts.SetText(c.e.tr.F("capture.counts", c.taken, c.repeats))
}

// --- what the session finds ---

// captured runs on the session's goroutine: the frame is compressed there,
// and the capture handed to the window.
func (c *captureScreen) captured(cp camera.Capture) {
	frame := frameJPEG(cp.Frame.Img)
	fyne.Do(func() { c.onCaptured(cp, frame) })
}

// repeated runs on the session's goroutine.
func (c *captureScreen) repeated(cp camera.Capture) {
	fyne.Do(func() { c.onRepeated(cp) })
}

// onCaptured sends a new invoice down the pipeline every way in takes, and
// tells the clerk: a flash, a beep and its number.
func (c *captureScreen) onCaptured(cp camera.Capture, frame []byte) {
	c.scan.start([]input{{text: cp.Text, source: store.SourceCamera, frame: frame}})
	c.taken++
	if c.takenAt != nil {
		c.takenAt[cp.Key] = cp.At
	}
	c.preview.flash()
	if c.sound != nil {
		c.sound.Beep()
	}
	name := captureName(cp)
	c.preview.note(c.e.tr.F("capture.taken", name), noteTaken)
	c.showCounts()
}

// onRepeated notes an invoice held up again in the same run: it is not
// sent again.
func (c *captureScreen) onRepeated(cp camera.Capture) {
	c.repeats++
	at, ok := c.takenAt[cp.Key]
	if !ok {
		at = cp.At
	}
	c.preview.note(c.e.tr.F("capture.repeat", captureName(cp), at.Format("15:04:05")), noteRepeat)
	c.showCounts()
}

// captureName names the invoice for the clerk: its number.
func captureName(cp camera.Capture) string {
	if cp.Result != nil && cp.Result.Number != "" {
		return cp.Result.Number
	}
	return cp.Key
}

// frameJPEG compresses a frame to keep with its record; nil if it cannot
// be, and the invoice is recorded without it.
func frameJPEG(img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: frameQuality}); err != nil || b.Len() > store.MaxFrameBytes {
		return nil
	}
	return b.Bytes()
}

// captureErrorText says in the clerk's words why the camera cannot be used.
func captureErrorText(tr *Translator, err error) string {
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

// PlayCamera opens the camera screen playing the video file or folder of
// frames at path as if it were a camera ($FAPIAO_CAMERA), to show or try
// the capture where there is no camera.
func (m *MainWindow) PlayCamera(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	src := fileSource(path)
	if fi.IsDir() {
		src = folderSource(path, framesFPS, 1)
	}
	m.ShowScreen(ScreenCamera)
	m.capture.useSource(src)
	m.capture.start()
	return nil
}
