//go:build linux

package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blackjack/webcam"
)

// V4L2 fourcc codes of the formats read natively.
const (
	pixYUYV  webcam.PixelFormat = 'Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24
	pixMJPEG webcam.PixelFormat = 'M' | 'J'<<8 | 'P'<<16 | 'G'<<24
)

var formatNames = map[webcam.PixelFormat]string{pixYUYV: formatYUYV, pixMJPEG: formatMJPEG}

// listDevices lists the V4L2 capture devices. A USB camera usually has a
// second node for metadata, which is not a capture device and is skipped.
func listDevices(ctx context.Context) ([]Device, error) {
	paths, _ := filepath.Glob("/dev/video*")
	sort.Slice(paths, func(i, j int) bool { return videoIndex(paths[i]) < videoIndex(paths[j]) })
	var devs []Device
	var busy []string
	for _, p := range paths {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		cam, err := webcam.Open(p)
		if err != nil {
			if errors.Is(err, syscall.EBUSY) {
				busy = append(busy, p)
			}
			continue
		}
		name, _ := cam.GetName()
		cam.Close()
		if name == "" {
			name = filepath.Base(p)
		}
		devs = append(devs, Device{Name: name, Driver: DriverV4L2, ID: p})
	}
	if len(devs) == 0 {
		if len(busy) > 0 {
			return nil, fmt.Errorf("list cameras: %s: %w", strings.Join(busy, ", "), ErrBusy)
		}
		return nil, fmt.Errorf("list cameras: no /dev/video* capture device: %w", ErrNoCamera)
	}
	return devs, nil
}

func videoIndex(p string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(p), "video"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// v4l2Error gives err the kind callers branch on.
func v4l2Error(op string, d Device, err error) error {
	var kind error
	switch {
	case errors.Is(err, syscall.EBUSY) || strings.Contains(strings.ToLower(err.Error()), "device or resource busy"):
		kind = ErrBusy
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		kind = ErrNoCamera
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%s %s (%s): %w (is the user in the video group?)", op, d.Name, d.ID, fs.ErrPermission)
	}
	if kind == nil {
		return fmt.Errorf("%s %s (%s): %w", op, d.Name, d.ID, err)
	}
	return fmt.Errorf("%s %s (%s): %w: %v", op, d.Name, d.ID, kind, err)
}

// v4l2Source reads a camera through V4L2 memory-mapped streaming. One
// goroutine owns the device; Close stops it and waits.
type v4l2Source struct {
	dev    Device
	cam    *webcam.Webcam
	mode   Mode
	pix    webcam.PixelFormat
	frames chan Frame
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	err    error // why frames closed; read after done
}

var _ Source = (*v4l2Source)(nil)

// openV4L2 opens d in the mode closest to m that it offers in YUYV or
// MJPEG. A camera with neither is read through ffmpeg when it is installed.
func openV4L2(ctx context.Context, d Device, m Mode) (Source, error) {
	if _, err := os.Stat(d.ID); err != nil {
		return nil, v4l2Error("open camera", d, err)
	}
	cam, err := webcam.Open(d.ID)
	if err != nil {
		return nil, v4l2Error("open camera", d, err)
	}
	opt, ok := pickMode(v4l2Options(cam), m)
	if !ok {
		cam.Close()
		if _, ferr := LookFFmpeg(); ferr == nil {
			return OpenFFmpeg(ctx, FFmpegInput{Format: "v4l2", Input: d.ID, Name: d.Name, Live: true}, m)
		}
		return nil, fmt.Errorf("open camera %s (%s): %w: it sends neither YUYV nor MJPEG, and ffmpeg, which could read it, is not installed", d.Name, d.ID, ErrFormat)
	}
	var pix webcam.PixelFormat
	for p, n := range formatNames {
		if n == opt.format {
			pix = p
		}
	}
	// The device may adjust the size; webcam v0.6.1 returns the size asked
	// for, not the one set, so only sizes it enumerated are asked for, and
	// frames are checked against it.
	if _, _, _, err := cam.SetImageFormat(pix, uint32(opt.w), uint32(opt.h)); err != nil {
		cam.Close()
		return nil, v4l2Error("set camera format", d, err)
	}
	fps := m.FPS
	if fps <= 0 {
		fps = DefaultMode.FPS
	}
	if opt.fps > 0 {
		fps = min(fps, opt.fps)
	}
	_ = cam.SetFramerate(float32(fps)) // not every driver can; the rate is advisory
	if got, err := cam.GetFramerate(); err == nil && got > 0 {
		fps = float64(got)
	}
	// Few buffers: a frame waiting in a queue is a frame of lag.
	_ = cam.SetBufferCount(4)
	if err := cam.StartStreaming(); err != nil {
		cam.Close()
		return nil, v4l2Error("start camera", d, err)
	}
	s := &v4l2Source{
		dev: d, cam: cam, pix: pix,
		mode:   Mode{W: opt.w, H: opt.h, FPS: fps, Format: opt.format},
		frames: make(chan Frame), stop: make(chan struct{}), done: make(chan struct{}),
	}
	go s.run(ctx)
	return s, nil
}

// deviceSizes asks camera d for the sizes it sends.
func deviceSizes(ctx context.Context, d Device) ([]Mode, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cam, err := webcam.Open(d.ID)
	if err != nil {
		return nil, v4l2Error("list sizes of camera", d, err)
	}
	defer cam.Close()
	return sizesOf(v4l2Options(cam)), nil
}

// v4l2Options lists what the camera offers in the formats read natively.
func v4l2Options(cam *webcam.Webcam) []modeOption {
	var opts []modeOption
	for pix := range cam.GetSupportedFormats() {
		name, ok := formatNames[pix]
		if !ok {
			continue
		}
		for _, fs := range cam.GetSupportedFrameSizes(pix) {
			r := sizeRange{int(fs.MinWidth), int(fs.MaxWidth), int(fs.StepWidth), int(fs.MinHeight), int(fs.MaxHeight), int(fs.StepHeight)}
			// Stepwise sizes: the asked size snapped to the grid, and the largest.
			sizes := [][2]int{{r.maxW, r.maxH}}
			if r.stepW != 0 || r.stepH != 0 {
				w, h := r.nearest(DefaultMode.W, DefaultMode.H)
				sizes = append(sizes, [2]int{w, h})
			}
			for _, sz := range sizes {
				best := 0.0
				for _, fr := range cam.GetSupportedFramerates(pix, uint32(sz[0]), uint32(sz[1])) {
					// An interval: the fastest is the shortest, min num / max den.
					if fr.MinNumerator > 0 {
						best = max(best, float64(fr.MaxDenominator)/float64(fr.MinNumerator))
					}
				}
				opts = append(opts, modeOption{format: name, w: sz[0], h: sz[1], fps: best})
			}
		}
	}
	return opts
}

// run owns the device until Close or ctx ends.
func (s *v4l2Source) run(ctx context.Context) {
	defer close(s.done)
	defer close(s.frames)
	defer s.cam.Close()
	start := time.Now()
	var seq uint64
	for {
		select {
		case <-s.stop:
			s.err = ErrClosed
			return
		case <-ctx.Done():
			s.err = ctx.Err()
			return
		default:
		}
		// A one-second wait bounds how long Close takes on a stalled camera.
		if err := s.cam.WaitForFrame(1); err != nil {
			var timeout *webcam.Timeout
			if errors.As(err, &timeout) || errors.Is(err, syscall.EINTR) {
				continue
			}
			s.err = v4l2Error("read camera", s.dev, err)
			return
		}
		img, n, err := s.newest()
		if err != nil {
			if errors.Is(err, syscall.EAGAIN) {
				continue
			}
			s.err = v4l2Error("read camera", s.dev, err)
			return
		}
		seq += n
		if img == nil {
			continue // a corrupt frame: cameras send some when they start
		}
		now := time.Now()
		f := Frame{Img: img, At: now, PTS: now.Sub(start), Seq: seq - 1}
		select {
		case s.frames <- f:
		case <-s.stop:
			s.err = ErrClosed
			return
		case <-ctx.Done():
			s.err = ctx.Err()
			return
		}
	}
}

// newest dequeues every frame ready and converts the last, so that a slow
// reader gets the latest picture rather than a queued one. It returns how
// many frames it took from the queue; a nil image for a bad frame.
func (s *v4l2Source) newest() (image.Image, uint64, error) {
	buf, idx, err := s.cam.GetFrame()
	if err != nil {
		return nil, 0, err
	}
	n := uint64(1)
	for s.cam.WaitForFrame(0) == nil {
		nb, ni, err := s.cam.GetFrame()
		if err != nil {
			break
		}
		_ = s.cam.ReleaseFrame(idx)
		buf, idx = nb, ni
		n++
	}
	img := s.convert(buf)
	// The buffer is the driver's: convert (copy) before giving it back.
	if err := s.cam.ReleaseFrame(idx); err != nil {
		return nil, n, err
	}
	return img, n, nil
}

func (s *v4l2Source) convert(buf []byte) image.Image {
	switch s.pix {
	case pixYUYV:
		w, h := s.mode.W, s.mode.H
		if h <= 0 || len(buf) < 2*w*h {
			return nil
		}
		stride := 2 * w
		if len(buf)%h == 0 && len(buf)/h >= 2*w {
			stride = len(buf) / h // padded rows
		}
		img, err := yuyvToYCbCr(buf, w, h, stride)
		if err != nil {
			return nil
		}
		return img
	case pixMJPEG:
		img, err := decodeMJPEG(buf)
		if err != nil {
			return nil
		}
		return img
	}
	return nil
}

func (s *v4l2Source) Next(ctx context.Context) (Frame, error) {
	select {
	case f, ok := <-s.frames:
		if !ok {
			<-s.done
			return Frame{}, s.err
		}
		return f, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

func (s *v4l2Source) Mode() Mode { return s.mode }

func (s *v4l2Source) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return nil
}
