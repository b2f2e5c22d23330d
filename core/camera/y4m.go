package camera

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
)

// y4mHeader is what a YUV4MPEG2 stream header says.
type y4mHeader struct {
	w, h int
	fps  float64
	mono bool // luma only; else 4:2:0
}

// Limits on what a stream header may ask us to allocate per frame.
const (
	maxStreamSide   = 16384
	maxStreamPixels = 64 << 20
	maxY4MLine      = 1024
)

var errY4M = errors.New("not a YUV4MPEG2 stream")

// readY4MHeader reads the stream header line.
func readY4MHeader(r *bufio.Reader) (y4mHeader, error) {
	line, err := readLine(r)
	if err != nil {
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return y4mHeader{}, io.EOF
		}
		return y4mHeader{}, fmt.Errorf("%w: %v", errY4M, err)
	}
	return parseY4MHeader(line)
}

func parseY4MHeader(line []byte) (y4mHeader, error) {
	fields := bytes.Fields(line)
	if len(fields) == 0 || string(fields[0]) != "YUV4MPEG2" {
		return y4mHeader{}, errY4M
	}
	h := y4mHeader{}
	colour := "420jpeg"
	for _, f := range fields[1:] {
		v := string(f[1:])
		switch f[0] {
		case 'W':
			h.w, _ = strconv.Atoi(v)
		case 'H':
			h.h, _ = strconv.Atoi(v)
		case 'F':
			var n, d float64
			if _, err := fmt.Sscanf(v, "%g:%g", &n, &d); err == nil && n > 0 && d > 0 {
				h.fps = n / d
			}
		case 'C':
			colour = v
		case 'I':
			if v != "p" && v != "?" {
				return y4mHeader{}, fmt.Errorf("%w: interlaced (I%s)", errY4M, v)
			}
		}
	}
	if h.w <= 0 || h.h <= 0 || h.w > maxStreamSide || h.h > maxStreamSide || h.w*h.h > maxStreamPixels {
		return y4mHeader{}, fmt.Errorf("%w: frame size %d × %d", errY4M, h.w, h.h)
	}
	switch colour {
	case "mono":
		h.mono = true
	case "420", "420jpeg", "420mpeg2", "420paldv":
	default:
		return y4mHeader{}, fmt.Errorf("%w: colour space %q, want 420 or mono", errY4M, colour)
	}
	return h, nil
}

// readFrame reads one FRAME marker and its pixels, into a new image.
func (h y4mHeader) readFrame(r *bufio.Reader) (image.Image, error) {
	line, err := readLine(r)
	if err != nil {
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: frame marker: %v", errY4M, err)
	}
	if !bytes.HasPrefix(line, []byte("FRAME")) {
		return nil, fmt.Errorf("%w: frame marker %q", errY4M, truncate(line, 16))
	}
	rect := image.Rect(0, 0, h.w, h.h)
	if h.mono {
		g := image.NewGray(rect)
		if _, err := io.ReadFull(r, g.Pix); err != nil {
			return nil, fmt.Errorf("%w: short frame: %v", errY4M, err)
		}
		return g, nil
	}
	// Y, Cb, Cr planes follow one another.
	y := image.NewYCbCr(rect, image.YCbCrSubsampleRatio420)
	for _, p := range [][]byte{y.Y, y.Cb, y.Cr} {
		if _, err := io.ReadFull(r, p); err != nil {
			return nil, fmt.Errorf("%w: short frame: %v", errY4M, err)
		}
	}
	return y, nil
}

// readLine reads up to '\n' (not included), at most maxY4MLine bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		b, err := r.ReadByte()
		if err != nil {
			return line, err
		}
		if b == '\n' {
			return line, nil
		}
		if len(line) >= maxY4MLine {
			return line, fmt.Errorf("line longer than %d bytes", maxY4MLine)
		}
		line = append(line, b)
	}
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
