// Command camclip makes a webcam-like video of paper invoices held up to a
// camera one after another, so that live capture can be tested and shown
// without a camera.
//
// Usage:
//
//	go run ./tools/camclip -out clip.mkv [-timeline clip.tsv] [-w 1280] [-h 720] [-fps 30] [-seed 1] IMAGE...
//
// Each image slides in from an edge with motion blur, arrives out of focus,
// is held for about a second with hand shake (and sometimes a focus wobble),
// then slides out; a stretch of empty desk comes before each. The image is
// sized so that its QR code, found with the project's decoder, fills a
// realistic share of the frame. ffmpeg encodes the frames (MJPEG by default,
// what most webcams send).
//
// The timeline has one line per image: its index, file name, the text of
// the QR code read from it ("" when none), and the times in seconds when it
// starts to enter, is fully in, starts to leave and is gone.
//
// The same seed, size and images give the same frames.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
)

func main() {
	cfg := config{}
	flag.StringVar(&cfg.out, "out", "", "video file to write (required); the extension picks the container")
	flag.StringVar(&cfg.timeline, "timeline", "", "file to write the timeline (TSV) into")
	flag.IntVar(&cfg.w, "w", 1280, "frame width")
	flag.IntVar(&cfg.h, "h", 720, "frame height")
	flag.IntVar(&cfg.fps, "fps", 30, "frames per second")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed; the same seed gives the same clip")
	flag.StringVar(&cfg.codec, "codec", "mjpeg", "ffmpeg video encoder")
	flag.Float64Var(&cfg.qrMin, "qrmin", 0.17, "smallest QR side, as a share of the frame height")
	flag.Float64Var(&cfg.qrMax, "qrmax", 0.27, "largest QR side, as a share of the frame height")
	flag.Parse()
	cfg.images = flag.Args()
	if cfg.out == "" || len(cfg.images) == 0 || cfg.w < 64 || cfg.h < 64 || cfg.w%2 != 0 || cfg.h%2 != 0 || cfg.fps < 1 {
		fmt.Fprintln(os.Stderr, "usage: camclip -out FILE [-timeline FILE] [-w EVEN] [-h EVEN] [-fps N] [-seed N] IMAGE...")
		os.Exit(2)
	}
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintf(os.Stderr, "camclip: %v\n", err)
		os.Exit(1)
	}
}

type config struct {
	out, timeline, codec string
	w, h, fps            int
	seed                 uint64
	qrMin, qrMax         float64
	images               []string
}

// run plans the clip, renders its frames and pipes them to ffmpeg.
func run(ctx context.Context, cfg config) error {
	r := rand.New(rand.NewPCG(cfg.seed, 0x63616d))
	sc, err := plan(cfg, r)
	if err != nil {
		return err
	}
	if cfg.timeline != "" {
		if err := writeTimeline(cfg.timeline, sc); err != nil {
			return err
		}
	}
	ff := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "rawvideo", "-pix_fmt", "yuvj420p", "-s", fmt.Sprintf("%dx%d", cfg.w, cfg.h),
		"-r", fmt.Sprint(cfg.fps), "-i", "-",
		"-c:v", cfg.codec, "-q:v", "4", "-pix_fmt", "yuvj420p", cfg.out)
	var stderr strings.Builder
	ff.Stderr = &stderr
	in, err := ff.StdinPipe()
	if err != nil {
		return err
	}
	if err := ff.Start(); err != nil {
		return fmt.Errorf("start ffmpeg (install it: apt-get install ffmpeg): %w", err)
	}
	werr := render(sc, cfg, bufio.NewWriterSize(in, 1<<20))
	in.Close()
	if err := ff.Wait(); err != nil {
		return fmt.Errorf("ffmpeg: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return werr
}

func writeTimeline(path string, sc *script) error {
	var b strings.Builder
	b.WriteString("index\tfile\ttext\tenter\tin\tleave\tgone\n")
	for i, s := range sc.segs {
		fmt.Fprintf(&b, "%d\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\n", i, s.file,
			strings.NewReplacer("\t", " ", "\n", " ").Replace(s.text), s.enter, s.in, s.leave, s.gone)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// render writes every frame of sc as raw 4:2:0 to w. Frames are rendered
// two at a time; each segment's layers are made when it starts.
func render(sc *script, cfg config, w *bufio.Writer) error {
	bg := desk(cfg.w, cfg.h, sc.seed)
	noise := noiseTable(sc.seed)
	n := int(sc.length * float64(cfg.fps))
	type job struct {
		i   int
		out chan *frame
	}
	jobs := make(chan job, 2)
	go func() {
		defer close(jobs)
		for i := range n {
			j := job{i, make(chan *frame, 1)}
			jobs <- j
			go func() {
				t := float64(i) / float64(cfg.fps)
				j.out <- sc.frameAt(t, 1/float64(cfg.fps), bg, noise, i)
			}()
		}
	}()
	var err error
	for j := range jobs {
		f := <-j.out
		if err == nil {
			err = f.write(w)
		}
		// Frames still being rendered are later than this one: a segment
		// gone before it is not needed again.
		t := float64(j.i) / float64(cfg.fps)
		for _, s := range sc.segs {
			if s.gone < t && !s.isReleased() {
				s.release()
			}
		}
	}
	if err == nil {
		err = w.Flush()
	}
	return err
}

// frame is one 4:2:0 picture.
type frame struct {
	w, h      int
	y, cb, cr []byte
}

func (f *frame) write(w io.Writer) error {
	for _, p := range [][]byte{f.y, f.cb, f.cr} {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}
