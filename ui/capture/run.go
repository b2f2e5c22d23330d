package capture

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/camera"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// frameQuality is the JPEG quality of a frame kept with its record: the
// QR code and the printed values stay legible at a tenth of the raw size.
const frameQuality = 85

func (c *Screen) onStartStop() {
	if c.run != nil {
		c.Stop()
		return
	}
	c.start()
}

// start opens the chosen source and runs a session on it, in the
// background: opening a camera can take a second, ffmpeg longer.
func (c *Screen) start() {
	src := c.chosen
	if src == nil || c.run != nil {
		return
	}
	ctx, cancel := context.WithCancel(c.life)
	r := &captureRun{source: src, frames: newFrameSlot(), cancel: cancel, done: make(chan struct{})}
	r.session = &camera.Session{
		Scanner:     c.e.Scanner,
		OnFrame:     r.frames.put,
		OnCapture:   c.captured,
		OnDuplicate: c.repeated,
	}
	c.run = r
	c.taken, c.repeats, c.takenAt = 0, 0, map[string]time.Time{}
	c.shownAt, c.ratedAt = nil, time.Time{}
	c.rate.SetText("")
	name := src.label(c.e.Tr)
	c.sayKey("capture.opening", name)
	c.showState()
	c.showCounts()
	mode := c.mode()
	c.work.Add(1)
	c.e.Bridge.Go(func() {
		defer c.work.Done()
		defer close(r.done)
		c.runSource(ctx, r, mode)
	})
}

// runSource opens the source and plays it until it ends or ctx does. It
// runs on its own goroutine, with one more that renders the preview.
func (c *Screen) runSource(ctx context.Context, r *captureRun, m camera.Mode) {
	src, err := r.source.open(ctx, m)
	if err != nil {
		fyne.Do(func() { c.ended(r, err) })
		return
	}
	mode := src.Mode()
	fyne.Do(func() { c.opened(r, mode) })
	var wg sync.WaitGroup
	wg.Add(1)
	c.e.Bridge.Go(func() {
		defer wg.Done()
		c.showFrames(ctx, r.frames)
	})
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
func (c *Screen) showFrames(ctx context.Context, slot *frameSlot) {
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

func (c *Screen) showFrame(pic *image.RGBA, size image.Point, outlines []camera.Outline) {
	c.preview.setFrame(pic, size, outlines)
	now := time.Now()
	c.shownAt = append(c.shownAt, now)
	// The rate over the last second or so, shown once a second.
	for len(c.shownAt) > 2 && now.Sub(c.shownAt[0]) > 1500*time.Millisecond {
		c.shownAt = c.shownAt[1:]
	}
	if now.Sub(c.ratedAt) >= time.Second && len(c.shownAt) > 1 {
		c.ratedAt = now
		c.rate.SetText(c.e.Tr.F("capture.rate", c.shownRate()))
	}
}

// shownRate is the frames a second shown lately.
func (c *Screen) shownRate() float64 {
	n := len(c.shownAt)
	if n < 2 {
		return 0
	}
	return float64(n-1) / c.shownAt[n-1].Sub(c.shownAt[0]).Seconds()
}

func (c *Screen) opened(r *captureRun, m camera.Mode) {
	if c.run != r || r.stopped {
		return
	}
	name := r.source.label(c.e.Tr)
	c.sayKey("capture.running", name, m.W, m.H)
}

// ended shows that run r is over: why, when it failed.
func (c *Screen) ended(r *captureRun, err error) {
	if c.run != r {
		return
	}
	c.run = nil
	c.preview.clear()
	c.rate.SetText("")
	switch {
	case err != nil:
		c.say(func(tr *env.Translator) string { return errorText(tr, err) })
	case r.stopped:
		c.sayKey("capture.stopped")
	default:
		c.sayKey("capture.ended")
	}
	c.showState()
}

// Stop stops the camera; ended follows once it has. Leaving the screen
// stops it.
func (c *Screen) Stop() {
	if c.run == nil || c.run.stopped {
		return
	}
	c.run.stopped = true
	c.run.cancel()
	c.sayKey("capture.stopping")
	c.showState()
}

// Shutdown stops everything and waits for it: the window is closing.
func (c *Screen) Shutdown() {
	if c.run != nil {
		c.run.stopped = true
	}
	c.end()
	c.work.Wait()
}

// showState sets the buttons and pickers for the state: running or not.
func (c *Screen) showState() {
	tr := c.e.Tr
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

func (c *Screen) showCounts() {
	c.counts.SetText(c.e.Tr.F("capture.counts", c.taken, c.repeats))
}

// captured runs on the session's goroutine: the frame is compressed and
// the history asked about the invoice there, and the capture handed to the
// window.
func (c *Screen) captured(cp camera.Capture) {
	frame := frameJPEG(cp.Frame.Img)
	v, seen := judge(c.life, c.e.Store(), cp)
	fyne.Do(func() { c.onCaptured(cp, frame, v, seen) })
}

// repeated runs on the session's goroutine.
func (c *Screen) repeated(cp camera.Capture) {
	fyne.Do(func() { c.onRepeated(cp) })
}

// onCaptured sends a new invoice down the pipeline every way in takes, and
// tells the clerk what the history says of it: the outline's colour, the
// note and the sound (the beep, or the alert for one that must not be
// paid), with its number.
func (c *Screen) onCaptured(cp camera.Capture, frame []byte, v verdict, seen *store.Seen) {
	c.take(cp.Text, frame)
	c.taken++
	if c.takenAt != nil {
		c.takenAt[cp.Key] = cp.At
	}
	c.preview.mark(cp.Text, v.color())
	c.preview.flash()
	c.signal(v)
	name := captureName(cp)
	c.preview.noteColored(verdictNote(c.e.Tr, v, name, seen), v.color())
	c.showCounts()
}

// signal sounds what the history says: the alert for an invoice that must
// not be paid, when the sound can play it, else the beep.
func (c *Screen) signal(v verdict) {
	if c.sound == nil {
		return
	}
	if w, ok := c.sound.(Warner); ok && v.stop() {
		w.Warn()
		return
	}
	c.sound.Beep()
}

// onRepeated notes an invoice held up again in the same run: it is not
// sent again.
func (c *Screen) onRepeated(cp camera.Capture) {
	c.repeats++
	at, ok := c.takenAt[cp.Key]
	if !ok {
		at = cp.At
	}
	c.preview.note(c.e.Tr.F("capture.repeat", captureName(cp), at.Format("15:04:05")), noteRepeat)
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

// Play plays the video file or folder of frames at path as if it were a
// camera ($FAPIAO_CAMERA), to show or try the capture where there is none.
func (c *Screen) Play(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	src := fileSource(path)
	if fi.IsDir() {
		src = folderSource(path, framesFPS, 1)
	}
	c.useSource(src)
	c.start()
	return nil
}

// Running reports whether the camera (or what plays as one) is running.
func (c *Screen) Running() bool { return c.run != nil }
