package capture

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"sync"

	xdraw "golang.org/x/image/draw"

	"github.com/fapiaoscanner/fapiao/core/camera"
)

// previewMax is the longest side of the picture handed to the window: as
// sharp as the preview is shown at 1280×800, and a 1080p frame costs the
// window goroutine no more than a 720p one.
const previewMax = 1280

// frameSlot holds the newest frame between the session's reader and the
// preview: a frame not yet taken is replaced by a newer one.
type frameSlot struct {
	mu       sync.Mutex
	f        camera.Frame
	outlines []camera.Outline
	full     bool
	closed   bool
	ready    chan struct{} // a token when there may be something to take
}

func newFrameSlot() *frameSlot { return &frameSlot{ready: make(chan struct{}, 1)} }

// put leaves f with the outlines to draw on it (camera.Session.OnFrame).
func (s *frameSlot) put(f camera.Frame, outlines []camera.Outline) {
	s.mu.Lock()
	s.f, s.outlines, s.full = f, outlines, true
	s.mu.Unlock()
	s.signal()
}

// close says no frame will follow the one waiting, if any.
func (s *frameSlot) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
}

func (s *frameSlot) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// take waits for a frame; false once the slot is closed and empty, or ctx
// is done.
func (s *frameSlot) take(ctx context.Context) (camera.Frame, []camera.Outline, bool) {
	for {
		s.mu.Lock()
		if s.full {
			f, o := s.f, s.outlines
			s.f, s.outlines, s.full = camera.Frame{}, nil, false
			s.mu.Unlock()
			return f, o, true
		}
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return camera.Frame{}, nil, false
		}
		select {
		case <-s.ready:
		case <-ctx.Done():
			return camera.Frame{}, nil, false
		}
	}
}

// previewImage draws a frame into dst (reused when it has the right size),
// shrunk by a whole factor to previewMax or less, so that the window only
// uploads it. Webcam frames (YCbCr, gray) are shrunk by averaging blocks of
// luma, which is quick and does not alias the print.
func previewImage(src image.Image, dst *image.RGBA) *image.RGBA {
	b := src.Bounds()
	k := (max(b.Dx(), b.Dy()) + previewMax - 1) / previewMax
	w, h := max(1, b.Dx()/k), max(1, b.Dy()/k)
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	switch m := src.(type) {
	case *image.YCbCr:
		if k > 1 {
			shrinkYCbCr(dst, m, k)
			return dst
		}
	case *image.Gray:
		if k > 1 {
			shrinkGray(dst, m, k)
			return dst
		}
	}
	if k == 1 {
		draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
	} else {
		xdraw.ApproxBiLinear.Scale(dst, dst.Rect, src, image.Rect(b.Min.X, b.Min.Y, b.Min.X+w*k, b.Min.Y+h*k), xdraw.Src, nil)
	}
	return dst
}

// shrinkYCbCr draws src into dst at 1/k: the mean luma of each k×k block,
// with the chroma at its corner (chroma is half the size already in 4:2:0
// and 4:2:2 frames, and changes slowly).
func shrinkYCbCr(dst *image.RGBA, src *image.YCbCr, k int) {
	b := src.Bounds()
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	n := uint32(k * k)
	rows := make([][]uint8, k)
	for y := range h {
		sy := b.Min.Y + y*k
		for j := range rows {
			o := src.YOffset(b.Min.X, sy+j)
			rows[j] = src.Y[o : o+w*k]
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := range w {
			var sum uint32
			for _, row := range rows {
				for _, v := range row[x*k : x*k+k] {
					sum += uint32(v)
				}
			}
			c := src.COffset(b.Min.X+x*k, sy)
			r, g, bl := color.YCbCrToRGB(uint8(sum/n), src.Cb[c], src.Cr[c])
			out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = r, g, bl, 0xff
		}
	}
}

// shrinkGray draws src into dst at 1/k, the mean of each k×k block.
func shrinkGray(dst *image.RGBA, src *image.Gray, k int) {
	b := src.Bounds()
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	n := uint32(k * k)
	for y := range h {
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := range w {
			var sum uint32
			for j := range k {
				row := src.Pix[src.PixOffset(b.Min.X+x*k, b.Min.Y+y*k+j):]
				for i := range k {
					sum += uint32(row[i])
				}
			}
			v := uint8(sum / n)
			out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = v, v, v, 0xff
		}
	}
}
