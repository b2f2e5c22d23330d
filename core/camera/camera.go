// Package camera takes invoices in from a webcam: camera sources (V4L2 on
// Linux, ffmpeg everywhere, video files and folders of frames for tests and
// demos) behind one Source interface, and Session, the live capture loop
// that reads each new invoice QR held up to the camera without a click.
package camera

import (
	"context"
	"errors"
	"image"
	"time"
)

// Frame is one picture from a source. Sources never reuse a frame's pixels,
// so a frame may be kept (with the record of what was read in it).
type Frame struct {
	// Img is *image.YCbCr from cameras and videos (4:2:2 from YUYV webcams,
	// 4:2:0 from ffmpeg and MJPEG), *image.Gray when gray was asked for,
	// whatever the file held for folders.
	Img image.Image
	// At is when the frame was taken (or, for a paced file, when it was due).
	At time.Time
	// PTS is the frame's place in the stream, from its first frame.
	PTS time.Duration
	// Seq numbers the frames of the stream from 0; frames a late reader
	// skipped leave gaps.
	Seq uint64
}

// Source is a stream of frames: a camera, a video or a folder. Next and
// Close may be called from different goroutines; Next from one at a time.
type Source interface {
	// Next waits for the next frame. It returns io.EOF at the end of a file
	// or folder, ErrClosed after Close, and ctx's error when ctx is done.
	Next(ctx context.Context) (Frame, error)
	// Mode is the size, rate and pixel format in use.
	Mode() Mode
	// Close stops the source and frees the device; it waits for that.
	Close() error
}

// Mode is a frame size and rate. Zero fields mean "whatever the device
// or file gives".
type Mode struct {
	W, H int
	FPS  float64
	// Format names the pixels as they come: "YUYV", "MJPEG" from V4L2,
	// "yuv420p" or "gray" through ffmpeg, "image" from a folder. Ignored
	// when asking for a mode.
	Format string
}

// Driver says how a device is read.
type Driver string

const (
	// DriverV4L2 reads a Linux camera directly (/dev/videoN).
	DriverV4L2 Driver = "v4l2"
	// DriverFFmpeg runs ffmpeg on an input: a camera through dshow,
	// avfoundation or v4l2, a video file, a URL, a lavfi test pattern.
	DriverFFmpeg Driver = "ffmpeg"
)

// Device is a camera or other input that Open can read.
type Device struct {
	// Name is what the clerk sees.
	Name   string
	Driver Driver
	// ID is the device path for V4L2, ffmpeg's -i argument otherwise.
	ID string
	// Format is ffmpeg's -f (dshow, avfoundation, v4l2, lavfi); "" lets
	// ffmpeg guess from a file or URL.
	Format string
}

// Error kinds, for errors.Is.
var (
	// ErrNoCamera: no camera is connected, or the one asked for is gone.
	ErrNoCamera = errors.New("no camera found")
	// ErrBusy: another program is using the camera.
	ErrBusy = errors.New("camera is in use by another program")
	// ErrNoFFmpeg: the ffmpeg program is not installed; the error's text
	// says how to install it on this system.
	ErrNoFFmpeg = errors.New("ffmpeg is not installed")
	// ErrFormat: the camera offers no picture format that can be read.
	ErrFormat = errors.New("camera picture format not supported")
	// ErrClosed: the source was closed.
	ErrClosed = errors.New("camera source closed")
)

// cameraFormats are ffmpeg's inputs that read a camera.
var cameraFormats = map[string]bool{"dshow": true, "avfoundation": true, "v4l2": true, "video4linux2": true}

// List returns the cameras on this computer: V4L2 devices on Linux, what
// ffmpeg lists (dshow, avfoundation) elsewhere. It returns an error of kind
// ErrNoCamera when there is none.
func List(ctx context.Context) ([]Device, error) {
	return listDevices(ctx)
}

// Sizes lists the frame sizes camera d sends, largest first, each with the
// best rate it has at that size. For a camera read through ffmpeg it
// returns nil and no error: ffmpeg cannot tell, and Open takes the size
// nearest to the one asked for.
func Sizes(ctx context.Context, d Device) ([]Mode, error) {
	if d.Driver != DriverV4L2 {
		return nil, nil
	}
	return deviceSizes(ctx, d)
}

// Open starts reading d in a mode as close to m as the device offers. The
// source stops when ctx is done or on Close.
func Open(ctx context.Context, d Device, m Mode) (Source, error) {
	switch d.Driver {
	case DriverV4L2:
		return openV4L2(ctx, d, m)
	case DriverFFmpeg:
		return OpenFFmpeg(ctx, FFmpegInput{Format: d.Format, Input: d.ID, Name: d.Name, Live: cameraFormats[d.Format]}, m)
	}
	return nil, errors.New("open camera " + d.Name + ": unknown driver " + string(d.Driver))
}
