package camera

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FFmpegInput is what ffmpeg reads.
type FFmpegInput struct {
	// Format is ffmpeg's -f: dshow, avfoundation, v4l2, lavfi; "" for a
	// file or URL.
	Format string
	// Input is ffmpeg's -i: "video=Integrated Camera" (dshow), "0:none"
	// (avfoundation), /dev/video0 (v4l2), a file name or a URL.
	Input string
	// Args are more input options, placed before -i.
	Args []string
	// Name is shown in errors; Input when empty.
	Name string
	// Live marks a camera: the asked size and rate go to the device, and
	// its frames come as it sends them.
	Live bool
	// Pace plays a file in time with its frame rate (1 real time, 0.5 half
	// speed), skipping frames when the reader falls behind, as a camera
	// would; 0 reads as fast as ffmpeg decodes.
	Pace float64
	// Loop plays a file over and over.
	Loop bool
	// Gray asks for luma only: a third less to move, no colour preview.
	Gray bool
}

func (in FFmpegInput) name() string {
	if in.Name != "" {
		return in.Name
	}
	return in.Input
}

// OpenFile plays a video file (or URL) through ffmpeg; pace as in
// FFmpegInput.Pace.
func OpenFile(ctx context.Context, path string, pace float64) (Source, error) {
	return OpenFFmpeg(ctx, FFmpegInput{Input: path, Name: filepath.Base(path), Pace: pace}, Mode{})
}

// LookFFmpeg finds the ffmpeg program: beside this program's executable
// first (where an installer puts a bundled copy), then on PATH. Its error is
// of kind ErrNoFFmpeg and says how to install ffmpeg.
func LookFFmpeg() (string, error) {
	name := "ffmpeg"
	if runtime.GOOS == "windows" {
		name = "ffmpeg.exe"
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", fmt.Errorf("%w (%s)", ErrNoFFmpeg, installHint(runtime.GOOS))
	}
	return p, nil
}

// installHint says how to install ffmpeg on goos.
func installHint(goos string) string {
	switch goos {
	case "windows":
		return "install it with \"winget install Gyan.FFmpeg\", or put ffmpeg.exe from ffmpeg.org beside this program or on PATH"
	case "darwin":
		return "install it with \"brew install ffmpeg\""
	}
	return "install it with \"sudo apt-get install ffmpeg\" (Debian, Ubuntu) or \"sudo dnf install ffmpeg\" (Fedora)"
}

// OpenFFmpeg starts ffmpeg on in and returns once the first frame's
// header has come, so that a missing or busy camera is reported here. When
// m has a size, frames are scaled to it (for cameras, the size and rate are
// asked of the device first; if it refuses them, its own are used).
func OpenFFmpeg(ctx context.Context, in FFmpegInput, m Mode) (Source, error) {
	bin, err := LookFFmpeg()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", in.name(), err)
	}
	if in.Live && m.W <= 0 && m.FPS <= 0 {
		// Left to itself, avfoundation asks for 29.97 fps, which most
		// cameras refuse; ask for what a V4L2 camera is asked for.
		m = DefaultMode
	}
	s, err := startFFmpeg(ctx, bin, in, m, true)
	if err != nil && in.Live && (m.W > 0 || m.FPS > 0) && !errors.Is(err, ErrBusy) && !errors.Is(err, ErrNoCamera) && ctx.Err() == nil {
		// Devices refuse sizes and rates they do not have; take theirs,
		// at their own size too.
		s, err = startFFmpeg(ctx, bin, in, Mode{}, false)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ffmpegArgs builds the command line. askDevice puts the mode on the input
// side, for a camera to deliver it.
func ffmpegArgs(in FFmpegInput, m Mode, askDevice bool) []string {
	args := []string{"-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"}
	if in.Live {
		args = append(args, "-fflags", "nobuffer")
		if askDevice && m.W > 0 && m.H > 0 {
			args = append(args, "-video_size", fmt.Sprintf("%dx%d", m.W, m.H))
		}
		if askDevice && m.FPS > 0 {
			args = append(args, "-framerate", strconv.FormatFloat(m.FPS, 'f', -1, 64))
		}
		if in.Format == "dshow" {
			args = append(args, "-rtbufsize", "64M")
		}
	}
	if in.Loop {
		args = append(args, "-stream_loop", "-1")
	}
	args = append(args, in.Args...)
	if in.Format != "" {
		args = append(args, "-f", in.Format)
	}
	args = append(args, "-i", in.Input, "-an", "-sn", "-dn", "-map", "0:v:0")
	// Full range: what image.YCbCr means by its values.
	vf := "scale=out_range=full"
	if m.W > 0 && m.H > 0 {
		vf = fmt.Sprintf("scale=%d:%d:out_range=full", m.W, m.H)
	}
	if !in.Live && m.FPS > 0 {
		vf = fmt.Sprintf("fps=%s,%s", strconv.FormatFloat(m.FPS, 'f', -1, 64), vf)
	}
	pix := "yuv420p"
	if in.Gray {
		pix = "gray"
	}
	// yuv4mpegpipe is raw frames behind a one-line header that gives the
	// size and rate, and a short marker per frame.
	return append(args, "-vf", vf, "-pix_fmt", pix, "-f", "yuv4mpegpipe", "-")
}

// ffmpegSource reads frames from an ffmpeg process.
type ffmpegSource struct {
	in     FFmpegInput
	ctx    context.Context // the caller's: its end ends the stream
	cmd    *exec.Cmd
	cancel context.CancelFunc
	stderr *tailBuffer
	mode   Mode
	frames chan Frame
	done   chan struct{} // closed once the process is reaped
	stop   chan struct{} // closed by Close
	once   sync.Once
	err    error // why frames closed; read after done
	pace   pacer
}

var _ Source = (*ffmpegSource)(nil)

func startFFmpeg(ctx context.Context, bin string, in FFmpegInput, m Mode, askDevice bool) (*ffmpegSource, error) {
	pctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(pctx, bin, ffmpegArgs(in, m, askDevice)...)
	cmd.WaitDelay = 2 * time.Second
	hideConsole(cmd)
	s := &ffmpegSource{
		in: in, ctx: ctx, cmd: cmd, cancel: cancel, stderr: &tailBuffer{max: 8 << 10},
		frames: make(chan Frame), done: make(chan struct{}), stop: make(chan struct{}),
	}
	cmd.Stderr = s.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("open %s: start ffmpeg: %w", in.name(), err)
	}
	ready := make(chan error, 1)
	go s.read(bufio.NewReaderSize(out, 1<<20), ready)
	select {
	case err = <-ready:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		s.Close()
		if errors.Is(err, ctx.Err()) {
			return nil, fmt.Errorf("open %s: %w", in.name(), err)
		}
		return nil, fmt.Errorf("open %w", err)
	}
	s.pace = pacer{speed: in.Pace, fps: s.mode.FPS}
	return s, nil
}

// read runs until ffmpeg ends: it parses the stream header (reporting on
// ready), sends frames, then reaps the process.
func (s *ffmpegSource) read(r *bufio.Reader, ready chan<- error) {
	defer close(s.done)
	defer close(s.frames)
	err := s.stream(r, ready)
	// Wait closes stdout: only after the last read.
	werr := s.cmd.Wait()
	msg := s.stderr.String()
	stopped := false
	select {
	case <-s.stop:
		stopped = true
	default:
	}
	switch {
	case stopped:
		s.err = ErrClosed
	case s.ctx.Err() != nil:
		s.err = s.ctx.Err()
	case werr != nil && msg != "":
		s.err = classifyFFmpeg(s.in, msg)
	case werr != nil:
		s.err = fmt.Errorf("%s: ffmpeg: %w", s.in.name(), werr)
	case err != nil && !errors.Is(err, io.EOF):
		s.err = fmt.Errorf("%s: %w", s.in.name(), err)
	case msg != "" && s.mode.W == 0:
		s.err = classifyFFmpeg(s.in, msg)
	default:
		s.err = io.EOF
	}
	if s.mode.W == 0 {
		// The header never came.
		if s.err == io.EOF {
			s.err = fmt.Errorf("%s: ffmpeg gave no video", s.in.name())
		}
		ready <- s.err
	}
}

func (s *ffmpegSource) stream(r *bufio.Reader, ready chan<- error) error {
	h, err := readY4MHeader(r)
	if err != nil {
		return err
	}
	s.mode = Mode{W: h.w, H: h.h, FPS: h.fps, Format: "yuv420p"}
	if h.mono {
		s.mode.Format = "gray"
	}
	ready <- nil
	start := time.Now()
	for seq := uint64(0); ; seq++ {
		img, err := h.readFrame(r)
		if err != nil {
			return err
		}
		f := Frame{Img: img, Seq: seq, At: time.Now()}
		f.PTS = f.At.Sub(start)
		if !s.in.Live && h.fps > 0 {
			f.PTS = time.Duration(float64(seq) / h.fps * float64(time.Second))
		}
		select {
		case s.frames <- f:
		case <-s.stop:
			return ErrClosed
		}
	}
}

// Next returns the next frame; for a paced file, when it is due.
func (s *ffmpegSource) Next(ctx context.Context) (Frame, error) {
	for {
		var f Frame
		var ok bool
		select {
		case f, ok = <-s.frames:
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		}
		if !ok {
			<-s.done
			return Frame{}, s.err
		}
		if s.pace.speed <= 0 {
			return f, nil
		}
		due, late := s.pace.due(f.PTS)
		if late {
			continue // a camera would have dropped it
		}
		if err := sleepUntil(ctx, due); err != nil {
			return Frame{}, err
		}
		f.At = due
		return f, nil
	}
}

func (s *ffmpegSource) Mode() Mode { return s.mode }

// Close kills ffmpeg and waits until it is reaped.
func (s *ffmpegSource) Close() error {
	s.once.Do(func() {
		close(s.stop)
		s.cancel()
	})
	<-s.done
	return nil
}

// classifyFFmpeg turns ffmpeg's complaint into an error of the right kind.
func classifyFFmpeg(in FFmpegInput, msg string) error {
	// One line: its log lines without their "[v4l2 @ 0x55…]" prefixes,
	// the last few (ffmpeg says what finally failed last).
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(msg, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(logPrefix.ReplaceAllString(l, "")); l != "" {
			lines = append(lines, l)
		}
	}
	msg = strings.Join(lines[max(0, len(lines)-3):], "; ")
	low := strings.ToLower(msg)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(low, s) {
				return true
			}
		}
		return false
	}
	var kind error
	switch {
	case has("device or resource busy", "could not run graph", "already in use", "could not lock device"):
		kind = ErrBusy
	case has("permission denied", "access is denied"):
		kind = fs.ErrPermission
	case in.Live && has("no such file or directory", "could not find video device", "video device not found",
		"invalid device index", "no such device", "could not enumerate video devices", "i/o error"):
		kind = ErrNoCamera
	case has("no such file or directory"):
		kind = fs.ErrNotExist
	}
	if kind == nil {
		return fmt.Errorf("%s: ffmpeg: %s", in.name(), msg)
	}
	return fmt.Errorf("%s: %w (ffmpeg: %s)", in.name(), kind, msg)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
