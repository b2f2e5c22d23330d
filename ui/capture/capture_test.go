package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fapiaoscanner/fapiao/core/camera"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// taken is what the camera screen handed to the scan queue.
type taken struct {
	text  string
	frame []byte
}

// newScreen is the camera screen over a fresh history, with fyne.Do run
// by the returned loop, and no camera. What it hands over is scanned and
// recorded as the scan queue does, and kept in the returned list.
func newScreen(t *testing.T) (*Screen, *env.Env, *uitest.Loop, *[]taken) {
	t.Helper()
	w := uitest.NewWindow(t)
	e, loop := w.Env, w.Loop
	var got []taken
	c := New(e, func(text string, frame []byte) {
		got = append(got, taken{text, frame})
		r := e.Scanner.Text(text)
		r.Frame = frame
		uitest.Save(t, e, &r, store.SourceCamera)
	})
	c.list = func(context.Context) ([]camera.Device, error) {
		return nil, fmt.Errorf("list cameras: no /dev/video* capture device: %w", camera.ErrNoCamera)
	}
	w.Show(c.Content())
	c.Relabel()
	t.Cleanup(func() { shutdown(c) })
	return c, e, loop, &got
}

var shutDown sync.Map

// shutdown shuts the screen down once, as closing the window does.
func shutdown(c *Screen) {
	if _, done := shutDown.LoadOrStore(c, true); !done {
		c.Shutdown()
	}
}

// countingBeeper counts beeps.
type countingBeeper struct{ n atomic.Int32 }

func (b *countingBeeper) Beep() { b.n.Add(1) }

// cameraFrame is a 640×480 view of a desk, with a card bearing text as a
// QR code held up in the middle ("" for the empty desk).
func cameraFrame(t testing.TB, text string) image.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	desk := color.RGBA{R: 0x9c, G: 0x86, B: 0x6c, A: 0xff}
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = desk.R, desk.G, desk.B, desk.A
	}
	if text == "" {
		return img
	}
	for y := 70; y < 410; y++ {
		for x := 160; x < 480; x++ {
			img.Set(x, y, color.RGBA{R: 0xf6, G: 0xf4, B: 0xee, A: 0xff})
		}
	}
	bits, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 260, 260,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	ox, oy := 320-bits.GetWidth()/2, 240-bits.GetHeight()/2
	for y := range bits.GetHeight() {
		for x := range bits.GetWidth() {
			if bits.Get(x, y) {
				img.Set(ox+x, oy+y, color.RGBA{R: 0x22, G: 0x22, B: 0x2a, A: 0xff})
			}
		}
	}
	return img
}

// showing is one thing held up to the camera for a number of frames.
type showing struct {
	text   string
	frames int
}

// writeFrames writes the showings as numbered JPEG frames into dir, as a
// webcam would deliver them.
func writeFrames(t testing.TB, dir string, shows ...showing) {
	t.Helper()
	n := 0
	for _, s := range shows {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, cameraFrame(t, s.text), &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		for range s.frames {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.jpg", n)), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
}

// playSpeed is how fast the frames can be played here: real time unless
// decoding is slow (the race detector, a busy machine), when they are
// slowed so that each showing is still looked at several times.
func playSpeed(t testing.TB) float64 {
	img := cameraFrame(t, uitest.PaperPayload)
	var worst time.Duration
	for range 2 {
		start := time.Now()
		codes, _ := imaging.DecodeImage(context.Background(), img, imaging.Options{IsInvoice: scan.IsInvoiceText})
		worst = max(worst, time.Since(start))
		if len(codes) != 1 || codes[0].Text != uitest.PaperPayload {
			t.Fatalf("the test frame reads as %+v", codes)
		}
	}
	return min(1, max(0.25, float64(80*time.Millisecond)/float64(worst)))
}

// TestCaptureTakesEachInvoiceOnce plays frames as a webcam delivers them:
// an invoice held up, a Wi-Fi card, a second invoice, then the first again.
// Each invoice must reach the scan queue and the history once, from the
// camera, with its frame; the card never; the repeat is noted on the
// preview; each capture flashes and beeps once.
func TestCaptureTakesEachInvoiceOnce(t *testing.T) {
	c, e, loop, got := newScreen(t)
	st := e.Store()
	beeps := &countingBeeper{}
	c.SetBeeper(beeps)

	c.OnShow()
	loop.RunUntil(t, time.Minute, "the cameras to be looked for", func() bool { return c.listed })
	if want := "未找到摄像头。请连接摄像头后点“刷新”"; !strings.HasPrefix(c.message.Text, want) {
		t.Errorf("without a camera the screen says %q, want %q…", c.message.Text, want)
	}
	if !c.startStop.Disabled() {
		t.Error("Start is enabled with nothing to start")
	}

	const fps = 15
	dir := t.TempDir()
	writeFrames(t, dir,
		showing{"", 4}, showing{uitest.PaperPayload, 14}, showing{"", 6}, showing{uitest.WifiCard, 14}, showing{"", 6},
		showing{uitest.DigitalPayload, 14}, showing{"", 10}, showing{uitest.PaperPayload, 14}, showing{"", 4})
	speed := playSpeed(t)
	if speed < 1 {
		t.Logf("decoding is slow here: playing at %.2f× real time", speed)
	}
	c.useSource(folderSource(dir, fps, speed))
	if got := c.source.Selected; got != "图片文件夹："+filepath.Base(dir) {
		t.Errorf("source picker shows %q", got)
	}
	if !c.size.Disabled() || c.size.Selected != "原始尺寸" {
		t.Errorf("size picker for a folder: %q, disabled %v", c.size.Selected, c.size.Disabled())
	}

	seen := map[camera.Status]bool{}
	var repeatNote, rate string
	loop.Observe = func() {
		for _, o := range c.preview.outlines {
			seen[o.Status] = true
		}
		if c.rate.Text != "" {
			rate = c.rate.Text
		}
		if n := c.preview.noteShown(); strings.HasPrefix(n, "此发票本次已扫描") {
			repeatNote = n
		}
	}
	start := time.Now()
	test.Tap(c.startStop)
	if c.run == nil || c.startStop.Text != "停止" {
		t.Fatalf("after Start: running %v, button %q", c.run != nil, c.startStop.Text)
	}
	r := c.run
	loop.RunUntil(t, 3*time.Minute, "the frames to play to the end", func() bool { return c.run == nil })
	elapsed := time.Since(start)
	<-r.done
	loop.Observe = nil
	loop.Settle(e.Bridge)

	// The queue: each invoice once, with the frame it was read in.
	numbers := map[string]int{}
	for _, tk := range *got {
		q := e.Scanner.Text(tk.text)
		if len(q.Invoices) != 1 || q.Invoices[0].QR == nil {
			t.Errorf("handed over %q, not an invoice", tk.text)
			continue
		}
		number := q.Invoices[0].QR.Number
		numbers[number]++
		img, err := jpeg.Decode(bytes.NewReader(tk.frame))
		if err != nil || img.Bounds().Dx() != 640 || img.Bounds().Dy() != 480 {
			t.Errorf("%s: the frame does not decode as the 640×480 frame: %v", number, err)
			continue
		}
		if codes, _ := imaging.DecodeImage(context.Background(), img, imaging.Options{}); len(codes) != 1 || codes[0].Text != tk.text {
			t.Errorf("%s: the frame does not show its QR code: %+v", number, codes)
		}
	}
	want := map[string]int{"02407312": 1, "24312000000136634917": 1}
	if fmt.Sprint(numbers) != fmt.Sprint(want) || len(*got) != 2 {
		t.Errorf("%d invoices handed over, %v; want %v", len(*got), numbers, want)
	}

	// The history: the same two, seen once each, from the camera.
	page, err := st.Search(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Invoices) != 2 {
		t.Errorf("history has %d invoices, want 2", len(page.Invoices))
	}
	for _, inv := range page.Invoices {
		if inv.Seen != 1 || inv.FirstSeen.Source != store.SourceCamera || want[inv.Number] != 1 {
			t.Errorf("history: %s seen %d times, first from %s", inv.Number, inv.Seen, inv.FirstSeen.Source)
		}
		if _, _, err := st.Frame(context.Background(), inv.FirstSeen.ScanID); err != nil {
			t.Errorf("history: %s has no frame: %v", inv.Number, err)
		}
	}

	// What the clerk saw and heard.
	if !strings.Contains(repeatNote, "02407312") {
		t.Errorf("the repeat of 02407312 was not noted on the preview (note %q)", repeatNote)
	}
	if c.taken != 2 || c.repeats != 1 || c.counts.Text != "本次已采集 2 张 · 重复出示 1 次" {
		t.Errorf("counts %d taken, %d repeats, shown as %q", c.taken, c.repeats, c.counts.Text)
	}
	if n := beeps.n.Load(); n != 2 {
		t.Errorf("%d beeps, want one per new invoice, 2", n)
	}
	if c.preview.flashes != 2 {
		t.Errorf("%d flashes, want 2", c.preview.flashes)
	}
	for _, s := range []camera.Status{camera.StatusCaptured, camera.StatusDuplicate, camera.StatusIgnored} {
		if !seen[s] {
			t.Errorf("no %s code was outlined on the preview", s)
		}
	}
	const total = 86
	if c.preview.frames < 10 {
		t.Errorf("the preview showed %d of %d frames", c.preview.frames, total)
	}
	t.Logf("preview: %d of %d frames shown in %.1f s, %.1f frames/s (source %.1f frames/s); the screen said %q",
		c.preview.frames, total, elapsed.Seconds(), float64(c.preview.frames)/elapsed.Seconds(), fps*speed, rate)
	if !strings.HasPrefix(rate, "预览 ") || !strings.HasSuffix(rate, " 帧/秒") {
		t.Errorf("the preview rate was shown as %q", rate)
	}
	if c.message.Text != "已播放完毕。" || c.startStop.Text != "开始" || c.preview.pic != nil || c.rate.Text != "" {
		t.Errorf("after the end: message %q, button %q", c.message.Text, c.startStop.Text)
	}
}

// closeWatch is a source that tells when it is closed.
type closeWatch struct {
	camera.Source
	once   sync.Once
	closed chan struct{}
}

func (w *closeWatch) Close() error {
	err := w.Source.Close()
	w.once.Do(func() { close(w.closed) })
	return err
}

// loopingSource plays the frames in dir over and over, like a camera.
func loopingSource(dir string, w *closeWatch) *captureSource {
	return &captureSource{key: "folder:" + dir, path: dir, open: func(context.Context, camera.Mode) (camera.Source, error) {
		src, err := camera.OpenFolder(dir, camera.FolderOptions{FPS: 20, Pace: 1, Loop: true})
		if err != nil {
			return nil, err
		}
		w.Source = src
		return w, nil
	}}
}

// TestCaptureStopsWhenLeft: leaving the screen stops the camera, and so
// does closing the window, which waits for it.
func TestCaptureStopsWhenLeft(t *testing.T) {
	c, _, loop, _ := newScreen(t)
	dir := t.TempDir()
	writeFrames(t, dir, showing{"", 3}, showing{uitest.WifiCard, 3})
	c.OnShow()
	loop.RunUntil(t, time.Minute, "the cameras to be looked for", func() bool { return c.listed })

	w := &closeWatch{closed: make(chan struct{})}
	c.useSource(loopingSource(dir, w))
	test.Tap(c.startStop)
	loop.RunUntil(t, time.Minute, "frames on the preview", func() bool { return c.preview.frames >= 3 })
	if !strings.HasPrefix(c.message.Text, "正在采集：图片文件夹：") || !c.Running() {
		t.Errorf("while running the screen says %q", c.message.Text)
	}
	r := c.run
	c.Stop() // the window does this when the screen is left
	loop.RunUntil(t, time.Minute, "the camera to stop", func() bool { return c.run == nil })
	<-r.done
	select {
	case <-w.closed:
	default:
		t.Error("leaving the screen left the source open")
	}
	if c.message.Text != "已停止。" || c.preview.pic != nil || c.Running() {
		t.Errorf("after leaving: %q", c.message.Text)
	}

	w = &closeWatch{closed: make(chan struct{})}
	c.useSource(loopingSource(dir, w))
	test.Tap(c.startStop)
	loop.RunUntil(t, time.Minute, "frames on the preview", func() bool { return c.preview.frames >= 6 })
	r = c.run
	shutdown(c)
	select {
	case <-r.done:
	default:
		t.Error("closing the window left the camera running")
	}
	select {
	case <-w.closed:
	default:
		t.Error("closing the window left the source open")
	}
}

// countingSource counts the frames read from it, and says when a number
// of them is reached.
type countingSource struct {
	camera.Source
	n      atomic.Int64
	target atomic.Int64
	reach  chan struct{}
}

func (s *countingSource) Next(ctx context.Context) (camera.Frame, error) {
	f, err := s.Source.Next(ctx)
	if err == nil && s.n.Add(1) == s.target.Load() {
		close(s.reach)
	}
	return f, err
}

// TestPreviewDropsFramesWhenBusy: while the window goroutine is busy, the
// camera goes on, and the window is handed at most one frame, not a queue
// of them.
func TestPreviewDropsFramesWhenBusy(t *testing.T) {
	c, _, loop, _ := newScreen(t)
	dir := t.TempDir()
	writeFrames(t, dir, showing{"", 2}, showing{uitest.WifiCard, 2})
	src := &countingSource{reach: make(chan struct{})}
	src.target.Store(-1)
	c.useSource(&captureSource{key: "folder:" + dir, path: dir, open: func(context.Context, camera.Mode) (camera.Source, error) {
		f, err := camera.OpenFolder(dir, camera.FolderOptions{FPS: 25, Pace: 1, Loop: true})
		src.Source = f
		return src, err
	}})
	c.OnShow()
	test.Tap(c.startStop)
	loop.RunUntil(t, time.Minute, "frames on the preview", func() bool { return c.preview.frames >= 2 })

	// The window goroutine stops taking work for 20 frames.
	shown := c.preview.frames
	src.target.Store(src.n.Load() + 20)
	<-src.reach
	queued := loop.Queued()
	if queued > 1 {
		t.Errorf("%d functions queued for the window after 20 frames, want at most the one frame", queued)
	}
	loop.RunPending()
	if got := c.preview.frames - shown; got > 1 {
		t.Errorf("the busy window had %d frames to show, want at most 1", got)
	}
	loop.RunUntil(t, time.Minute, "the preview to go on", func() bool { return c.preview.frames >= shown+3 })
	c.Stop()
	loop.RunUntil(t, time.Minute, "the camera to stop", func() bool { return c.run == nil })
}

// TestCaptureVideoFile: "open video file" opens the file dialog; a video
// plays through ffmpeg like a camera, and without ffmpeg the screen says
// how to install it.
func TestCaptureVideoFile(t *testing.T) {
	c, _, loop, _ := newScreen(t)
	c.OnShow()
	loop.RunUntil(t, time.Minute, "the cameras to be looked for", func() bool { return c.listed })

	c.source.SetSelected("打开视频文件…")
	if c.fileDialog == nil {
		t.Fatal("choosing \"打开视频文件…\" opened no dialog")
	}
	c.fileDialog.Hide()
	if c.source.SelectedIndex() >= 0 || c.chosen != nil {
		t.Errorf("with the dialog closed, the picker shows %q", c.source.Selected)
	}

	dir := t.TempDir()
	frames := filepath.Join(dir, "frames")
	if err := os.Mkdir(frames, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFrames(t, frames, showing{"", 3}, showing{uitest.DigitalPayload, 15}, showing{"", 3})
	video := filepath.Join(dir, "desk.mkv")

	t.Run("without ffmpeg", func(t *testing.T) {
		t.Setenv("PATH", "")
		c.useSource(fileSource(video))
		test.Tap(c.startStop)
		loop.RunUntil(t, time.Minute, "the video to fail", func() bool { return c.run == nil })
		if !strings.HasPrefix(c.message.Text, "未安装 ffmpeg，无法读取摄像头或视频文件。") {
			t.Errorf("without ffmpeg the screen says %q", c.message.Text)
		}
	})

	t.Run("with ffmpeg", func(t *testing.T) {
		bin, err := camera.LookFFmpeg()
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("playing a video needs ffmpeg (scripts/deps.sh --test installs it): %v", err)
			}
			t.Skipf("ffmpeg is not installed (on CI this fails): %v", err)
		}
		out, err := exec.Command(bin, "-hide_banner", "-loglevel", "error", "-framerate", "15",
			"-i", filepath.Join(frames, "%04d.jpg"), "-c:v", "mjpeg", "-q:v", "3", video).CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, out)
		}
		c.useSource(fileSource(video))
		if c.source.Selected != "视频：desk.mkv" {
			t.Errorf("source picker shows %q", c.source.Selected)
		}
		test.Tap(c.startStop)
		loop.RunUntil(t, 2*time.Minute, "the video to play to the end", func() bool { return c.run == nil })
		if c.message.Text != "已播放完毕。" || c.taken != 1 {
			t.Errorf("after the video: %q, %d taken", c.message.Text, c.taken)
		}
	})
}

// TestCaptureSpeaksTheLanguage: the tab and the screen follow the language
// chosen in the settings.
func TestCaptureSpeaksTheLanguage(t *testing.T) {
	c, e, loop, _ := newScreen(t)
	c.OnShow()
	loop.RunUntil(t, time.Minute, "the cameras to be looked for", func() bool { return c.listed })
	if c.startStop.Text != "开始" {
		t.Errorf("in Chinese: button %q", c.startStop.Text)
	}
	e.Tr = env.NewTranslator("en") // as the window does
	c.Relabel()
	if c.startStop.Text != "Start" || !strings.HasPrefix(c.message.Text, "No camera found.") {
		t.Errorf("in English: button %q, message %q", c.startStop.Text, c.message.Text)
	}
	if got := c.source.Options; len(got) != 2 || got[0] != "Open video file…" {
		t.Errorf("source options %q", got)
	}
}

// TestCaptureOpenFails: a camera that cannot be opened says why, and the
// screen can be started again.
func TestCaptureOpenFails(t *testing.T) {
	c, e, loop, _ := newScreen(t)
	c.list = func(context.Context) ([]camera.Device, error) {
		return []camera.Device{{Name: "USB Camera", Driver: camera.DriverV4L2, ID: "/dev/video0"}}, nil
	}
	c.sizes = func(context.Context, camera.Device) ([]camera.Mode, error) {
		return []camera.Mode{{W: 1920, H: 1080, FPS: 30}, {W: 1280, H: 720, FPS: 30}, {W: 640, H: 480, FPS: 30}}, nil
	}
	c.OnShow()
	loop.RunUntil(t, time.Minute, "the cameras to be looked for", func() bool { return c.listed })
	if c.source.Selected != "USB Camera" || c.size.Selected != "1280×720（30 帧/秒）" || c.message.Text != "找到 1 个摄像头。" {
		t.Fatalf("camera %q, size %q, message %q", c.source.Selected, c.size.Selected, c.message.Text)
	}
	if got := len(c.size.Options); got != 3 {
		t.Errorf("%d sizes offered, want the camera's 3", got)
	}
	var asked camera.Mode
	c.chosen.open = func(_ context.Context, m camera.Mode) (camera.Source, error) {
		asked = m
		return nil, fmt.Errorf("start camera USB Camera (/dev/video0): %w: device or resource busy", camera.ErrBusy)
	}
	c.size.SetSelectedIndex(0)
	test.Tap(c.startStop)
	loop.RunUntil(t, time.Minute, "the camera to fail", func() bool { return c.run == nil })
	if asked.W != 1920 || asked.H != 1080 {
		t.Errorf("asked the camera for %+v, want the 1920×1080 chosen", asked)
	}
	if !strings.HasPrefix(c.message.Text, "摄像头正被其他程序占用") || c.startStop.Text != "开始" || c.startStop.Disabled() {
		t.Errorf("after a busy camera: message %q, button %q", c.message.Text, c.startStop.Text)
	}
	if got := e.App.Preferences().String(prefCaptureSize); got != "1920x1080" {
		t.Errorf("size remembered as %q", got)
	}
}

func TestCaptureErrorText(t *testing.T) {
	tr := env.NewTranslator("zh")
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("list cameras: %w", camera.ErrNoCamera), "未找到摄像头"},
		{fmt.Errorf("open camera: %w", camera.ErrBusy), "摄像头正被其他程序占用"},
		{fmt.Errorf("open x.mp4: %w (install it)", camera.ErrNoFFmpeg), "未安装 ffmpeg，无法读取摄像头或视频文件。请"},
		{fmt.Errorf("open camera: %w", fs.ErrPermission), "没有使用摄像头的权限"},
		{fmt.Errorf("open camera: %w: it sends H264", camera.ErrFormat), "摄像头的画面格式无法读取"},
		{fmt.Errorf("x.mp4: %w", fs.ErrNotExist), "找不到该文件或文件夹"},
		{errors.New("x.mp4: ffmpeg: Invalid data found when processing input"), "无法读取：x.mp4: ffmpeg: Invalid data"},
	}
	for _, c := range cases {
		if got := errorText(tr, c.err); !strings.HasPrefix(got, c.want) {
			t.Errorf("%v: %q, want %q…", c.err, got, c.want)
		}
	}
}

func TestFrameSlotKeepsTheNewest(t *testing.T) {
	s := newFrameSlot()
	for i := range 3 {
		s.put(camera.Frame{Seq: uint64(i)}, nil)
	}
	ctx := context.Background()
	if f, _, ok := s.take(ctx); !ok || f.Seq != 2 {
		t.Fatalf("take: %d %v, want the newest, 2", f.Seq, ok)
	}
	s.put(camera.Frame{Seq: 3}, []camera.Outline{{Status: camera.StatusIgnored}})
	s.close()
	if f, o, ok := s.take(ctx); !ok || f.Seq != 3 || len(o) != 1 {
		t.Fatalf("take after close: %d %v, want the frame left, 3", f.Seq, ok)
	}
	if _, _, ok := s.take(ctx); ok {
		t.Error("take from a closed, empty slot")
	}
	cctx, cancel := context.WithCancel(ctx)
	got := make(chan bool)
	s2 := newFrameSlot()
	go func() { _, _, ok := s2.take(cctx); got <- ok }()
	cancel()
	if <-got {
		t.Error("take after cancel returned a frame")
	}
}

func TestPreviewImage(t *testing.T) {
	ycc := func(w, h int, r image.YCbCrSubsampleRatio) image.Image {
		img := image.NewYCbCr(image.Rect(0, 0, w, h), r)
		for i := range img.Y {
			img.Y[i] = 235
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = 128, 128
		}
		return img
	}
	gray := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range gray.Pix {
		gray.Pix[i] = 235
	}
	gray2k := image.NewGray(image.Rect(0, 0, 2048, 1536))
	for i := range gray2k.Pix {
		gray2k.Pix[i] = 235
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, 1920, 1080))
	for i := range rgba.Pix {
		rgba.Pix[i] = 235
		if i%4 == 3 {
			rgba.Pix[i] = 255
		}
	}
	cases := []struct {
		src  image.Image
		w, h int
	}{
		{ycc(1920, 1080, image.YCbCrSubsampleRatio420), 960, 540},
		{ycc(1280, 720, image.YCbCrSubsampleRatio422), 1280, 720},
		{ycc(2560, 1440, image.YCbCrSubsampleRatio422), 1280, 720},
		{ycc(720, 1280, image.YCbCrSubsampleRatio420), 720, 1280},
		{ycc(1080, 1920, image.YCbCrSubsampleRatio444), 540, 960},
		{ycc(3840, 2160, image.YCbCrSubsampleRatio420), 1280, 720},
		{gray, 640, 480},
		{gray2k, 1024, 768},
		{rgba, 960, 540},
	}
	for _, c := range cases {
		got := previewImage(c.src, nil)
		if got.Rect.Dx() != c.w || got.Rect.Dy() != c.h {
			t.Errorf("%v: preview %v, want %d×%d", c.src.Bounds(), got.Rect, c.w, c.h)
			continue
		}
		if px := got.RGBAAt(c.w/2, c.h/2); px.R != 235 || px.G != 235 || px.B != 235 || px.A != 255 {
			t.Errorf("%v: middle pixel %v, want light grey", c.src.Bounds(), px)
		}
		if again := previewImage(c.src, got); again != got {
			t.Errorf("%v: the picture of the right size was not reused", c.src.Bounds())
		}
	}
	// A frame dark on the left and light on the right stays so.
	half := ycc(1920, 1080, image.YCbCrSubsampleRatio420).(*image.YCbCr)
	for y := range 1080 {
		for x := range 960 {
			half.Y[y*half.YStride+x] = 0
		}
	}
	got := previewImage(half, nil)
	if l, r := got.RGBAAt(479, 270), got.RGBAAt(480, 270); l.R != 0 || r.R != 235 {
		t.Errorf("the edge in the middle became %v | %v", l, r)
	}
}

// BenchmarkPreviewImage measures the frames a second the preview can draw
// from a webcam's frames.
func BenchmarkPreviewImage(b *testing.B) {
	for _, c := range []struct {
		w, h int
		r    image.YCbCrSubsampleRatio
	}{{1280, 720, image.YCbCrSubsampleRatio422}, {1920, 1080, image.YCbCrSubsampleRatio420}} {
		b.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(b *testing.B) {
			src := image.NewYCbCr(image.Rect(0, 0, c.w, c.h), c.r)
			var dst *image.RGBA
			for b.Loop() {
				dst = previewImage(src, dst)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

// soundLog records what sounded: beeps and alerts.
type soundLog struct{ beeps, alerts int }

func (s *soundLog) Beep() { s.beeps++ }
func (s *soundLog) Warn() { s.alerts++ }

// TestCaptureCarriesTheHistorysVerdict holds up, one after the other, an
// invoice never seen, one seen before, one already reimbursed and one whose
// seller is blacklisted: the outline's colour, the note and the sound each
// say what the history says of it, as the Scan screen would.
func TestCaptureCarriesTheHistorysVerdict(t *testing.T) {
	c, e, loop, _ := newScreen(t)
	ctx := context.Background()
	sound := &soundLog{}
	c.SetBeeper(sound)

	const (
		seenPayload = "01,32,,24312000000000000002,100.00,20240205,,ABCD"
		badPayload  = "01,32,,24312000000000000003,200.00,20240206,,ABCD"
		badSeller   = "91320621MA1MRHG205"
	)
	uitest.Scan(t, e, seenPayload)
	paid := uitest.Scan(t, e, uitest.PaperPayload)
	id := paid.Invoices[0].Recorded.InvoiceID
	for _, s := range []store.State{store.StateLocked, store.StateReimbursed} {
		if err := e.Store().SetState(ctx, id, s, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Store().Record(ctx, store.ScanInput{File: "bad.pdf", Source: store.SourceFile, Invoices: []store.InvoiceInput{{
		QR: payload.Analyze(badPayload, uitest.FixedNow()), Printed: map[string]string{store.PrintedSellerTaxID: badSeller}}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Store().AddBlacklist(ctx, badSeller, "虚开发票", ""); err != nil {
		t.Fatal(err)
	}

	frame := image.NewGray(image.Rect(0, 0, 64, 48))
	for _, tt := range []struct {
		text   string
		color  color.NRGBA
		note   string
		alerts int
	}{
		{uitest.DigitalPayload, outlineColors[camera.StatusCaptured], "已采集：发票号码 24312000000136634917", 0},
		{seenPayload, verdictAmber, "已采集 24312000000000000002：重复", 0},
		{uitest.PaperPayload, verdictRed, "02407312 已报销，不能再次报销", 1},
		{badPayload, verdictRed, "24312000000000000003 的销售方或购买方在黑名单中", 2},
	} {
		r := payload.Analyze(tt.text, uitest.FixedNow())
		cp := camera.Capture{Text: tt.text, Result: r, Key: r.Identity(), At: time.Now(),
			Frame: camera.Frame{Img: frame}}
		done := make(chan struct{})
		go func() { c.captured(cp); close(done) }() // on the camera's goroutine
		loop.RunUntil(t, time.Minute, "the capture to be shown", func() bool {
			select {
			case <-done:
				return loop.Queued() == 0
			default:
				return false
			}
		})
		loop.Settle(e.Bridge)
		if n := c.preview.noteShown(); !strings.HasPrefix(n, tt.note) {
			t.Errorf("%s: note %q, want %q…", r.Identity(), n, tt.note)
		}
		if got := c.preview.outlineColor(camera.Outline{Text: tt.text, Status: camera.StatusCaptured}); got != tt.color {
			t.Errorf("%s: outline %v, want %v", r.Identity(), got, tt.color)
		}
		if sound.alerts != tt.alerts {
			t.Errorf("%s: %d alerts, want %d", r.Identity(), sound.alerts, tt.alerts)
		}
	}
	if sound.beeps != 2 {
		t.Errorf("%d beeps, want 2: one for the new invoice, one for the duplicate", sound.beeps)
	}
}
