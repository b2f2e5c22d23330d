package capture

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/fapiaoscanner/fapiao/core/camera"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// Preferences of the camera screen: the source and size last used.
const (
	prefCaptureSource = "capture.source"
	prefCaptureSize   = "capture.size"
)

// commonSizes are offered for a camera that does not say what it sends
// (one read through ffmpeg); it gets the nearest it has.
var commonSizes = []camera.Mode{{W: 1280, H: 720}, {W: 1920, H: 1080}, {W: 640, H: 480}}

// framesFPS is the rate a folder of frames is played at.
const framesFPS = 15

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

func (s *captureSource) label(tr *env.Translator) string {
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

// OnShow looks for cameras the first time the screen is shown.
func (c *Screen) OnShow() {
	if !c.listed {
		c.onRefresh()
	}
}

// onRefresh looks for cameras again, in the background: ffmpeg may take
// seconds to list them.
func (c *Screen) onRefresh() {
	if c.listing || c.run != nil {
		return
	}
	c.listing = true
	c.refresh.Disable()
	c.sayKey("capture.listing")
	list, sizes := c.list, c.sizes
	last := c.e.App.Preferences().String(prefCaptureSource)
	c.work.Add(1)
	bridge.Run(c.e.Bridge, c.life, func(ctx context.Context) (listed, error) {
		defer c.work.Done()
		devs, err := list(ctx)
		var l listed
		for _, d := range devs {
			s, _ := sizes(ctx, d) // without them, the common sizes are offered
			l.found = append(l.found, cameraSource(d, s))
		}
		l.last = lastSource(last)
		return l, err
	}, c.onListed)
}

// listed is what looking for cameras found: the cameras, and the file or
// folder last played when it is still there.
type listed struct {
	found []*captureSource
	last  *captureSource
}

// lastSource is the file or folder last played (key as remembered in the
// preferences), nil when it is a camera or no longer there. It looks at
// the file: it runs off the UI goroutine.
func lastSource(key string) *captureSource {
	kind, path, ok := strings.Cut(key, ":")
	if !ok || (kind != "file" && kind != "folder") {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	if kind == "file" {
		return fileSource(path)
	}
	return folderSource(path, framesFPS, 1)
}

func (c *Screen) onListed(l listed, err error) {
	c.listing, c.listed = false, true
	c.refresh.Enable()
	keep := l.found
	for _, s := range c.sources {
		if s.device == nil {
			keep = append(keep, s)
		}
	}
	// The file or folder last played is offered again.
	if c.chosen == nil && l.last != nil && !hasSource(keep, l.last.key) {
		keep = append(keep, l.last)
	}
	c.sources = keep
	switch {
	case err != nil:
		c.say(func(tr *env.Translator) string { return errorText(tr, err) })
	default:
		n := len(l.found)
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
func (c *Screen) preferred() *captureSource {
	want := c.e.App.Preferences().String(prefCaptureSource)
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
func (c *Screen) useSource(s *captureSource) {
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
func (c *Screen) pick(s *captureSource) {
	c.chosen = s
	if s != nil {
		c.e.App.Preferences().SetString(prefCaptureSource, s.key)
	}
	c.showSources()
	c.showSizes()
	c.showState()
}

// showSources fills the source picker: the sources, then the two ways to
// add a file or a folder.
func (c *Screen) showSources() {
	tr := c.e.Tr
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

func (c *Screen) onSource() {
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

func (c *Screen) onOpenFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		c.useSource(fileSource(path))
	}, c.e.Win)
	d.SetFilter(storage.NewExtensionFileFilter(videoExts))
	c.fileDialog = d
	d.Show()
	// After Show: Fyne 2.8's file dialog has no size to compare with before.
	d.Resize(fyne.NewSize(900, 600))
}

func (c *Screen) onOpenFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		c.useSource(folderSource(u.Path(), framesFPS, 1))
	}, c.e.Win)
	c.fileDialog = d
	d.Show()
	d.Resize(fyne.NewSize(900, 600))
}

// showSizes fills the size picker for the chosen source.
func (c *Screen) showSizes() {
	tr := c.e.Tr
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
	c.size.SetSelectedIndex(nearestMode(c.modes, c.e.App.Preferences().StringWithFallback(prefCaptureSize, "1280x720")))
}

func sizeLabel(tr *env.Translator, m camera.Mode) string {
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

func (c *Screen) onSize() {
	if i := c.size.SelectedIndex(); i >= 0 && i < len(c.modes) {
		c.e.App.Preferences().SetString(prefCaptureSize, fmt.Sprintf("%dx%d", c.modes[i].W, c.modes[i].H))
	}
}

// mode is the size asked of the source.
func (c *Screen) mode() camera.Mode {
	if i := c.size.SelectedIndex(); i >= 0 && i < len(c.modes) {
		return camera.Mode{W: c.modes[i].W, H: c.modes[i].H, FPS: camera.DefaultMode.FPS}
	}
	return camera.Mode{}
}
