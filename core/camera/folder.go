package camera

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// FolderOptions say how a folder of frames is played.
type FolderOptions struct {
	// FPS is the rate the frames stand for; 10 when 0.
	FPS float64
	// Pace as in FFmpegInput.Pace: 1 real time, 0 as fast as they load.
	Pace float64
	// Loop starts again after the last frame.
	Loop bool
}

// frameExts are the files a folder source plays.
var frameExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".tif": true, ".tiff": true, ".webp": true}

// folderSource plays the images of a folder in name order as frames.
type folderSource struct {
	files  []string
	fps    float64
	loop   bool
	mode   Mode
	pace   pacer
	next   uint64 // index of the next frame in the stream
	closed atomic.Bool
}

var _ Source = (*folderSource)(nil)

// OpenFolder plays the images in dir (not its subfolders), in name order.
func OpenFolder(dir string, opt FolderOptions) (Source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("open frames: %w", err)
	}
	s := &folderSource{fps: opt.FPS, loop: opt.Loop}
	if s.fps <= 0 {
		s.fps = 10
	}
	for _, e := range entries {
		if !e.IsDir() && frameExts[strings.ToLower(filepath.Ext(e.Name()))] {
			s.files = append(s.files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(s.files)
	if len(s.files) == 0 {
		return nil, fmt.Errorf("open frames: %s has no images", dir)
	}
	first, err := imaging.Load(s.files[0])
	if err != nil {
		return nil, fmt.Errorf("open frames: %w", err)
	}
	b := first.Bounds()
	s.mode = Mode{W: b.Dx(), H: b.Dy(), FPS: s.fps, Format: "image"}
	s.pace = pacer{speed: opt.Pace, fps: s.fps}
	return s, nil
}

func (s *folderSource) Next(ctx context.Context) (Frame, error) {
	for {
		if s.closed.Load() {
			return Frame{}, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		seq := s.next
		i := int(seq % uint64(len(s.files)))
		if !s.loop && seq >= uint64(len(s.files)) {
			return Frame{}, io.EOF
		}
		s.next++
		pts := time.Duration(float64(seq) / s.fps * float64(time.Second))
		at := time.Now()
		if s.pace.speed > 0 {
			due, late := s.pace.due(pts)
			if late {
				continue
			}
			if err := sleepUntil(ctx, due); err != nil {
				return Frame{}, err
			}
			at = due
		}
		img, err := imaging.Load(s.files[i])
		if err != nil {
			return Frame{}, fmt.Errorf("frame %d: %w", seq, err)
		}
		return Frame{Img: img, At: at, PTS: pts, Seq: seq}, nil
	}
}

func (s *folderSource) Mode() Mode { return s.mode }

func (s *folderSource) Close() error {
	s.closed.Store(true)
	return nil
}
