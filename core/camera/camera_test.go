package camera

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMailboxNewestWins(t *testing.T) {
	m := newMailbox[Frame]()
	for i := range 3 {
		dropped := m.put(Frame{Seq: uint64(i)})
		if dropped != (i > 0) {
			t.Errorf("put %d: dropped %v", i, dropped)
		}
	}
	ctx := context.Background()
	if f, ok := m.take(ctx); !ok || f.Seq != 2 {
		t.Fatalf("take: %d %v, want the newest, 2", f.Seq, ok)
	}
	if m.Dropped() != 2 {
		t.Errorf("dropped %d, want 2", m.Dropped())
	}
	m.put(Frame{Seq: 3})
	m.close()
	if f, ok := m.take(ctx); !ok || f.Seq != 3 {
		t.Fatalf("take after close: %d %v, want the frame left, 3", f.Seq, ok)
	}
	if _, ok := m.take(ctx); ok {
		t.Error("take from a closed, empty mailbox")
	}
}

func TestMailboxWakes(t *testing.T) {
	m := newMailbox[Frame]()
	got := make(chan bool)
	go func() { _, ok := m.take(context.Background()); got <- ok }()
	m.put(Frame{Seq: 7})
	if !<-got {
		t.Error("a waiting take missed the frame")
	}
	go func() { _, ok := m.take(context.Background()); got <- ok }()
	m.close()
	if <-got {
		t.Error("take after close returned a frame")
	}
	ctx, cancel := context.WithCancel(context.Background())
	m2 := newMailbox[Frame]()
	go func() { _, ok := m2.take(ctx); got <- ok }()
	cancel()
	if <-got {
		t.Error("take after cancel returned a frame")
	}
}

func TestMailboxConcurrent(t *testing.T) {
	m := newMailbox[Frame]()
	const n = 5000
	go func() {
		for i := range n {
			m.put(Frame{Seq: uint64(i)})
		}
		m.close()
	}()
	var taken, last uint64
	first := true
	for {
		f, ok := m.take(context.Background())
		if !ok {
			break
		}
		if !first && f.Seq <= last {
			t.Fatalf("frame %d after %d", f.Seq, last)
		}
		first, last = false, f.Seq
		taken++
	}
	if last != n-1 || taken+m.Dropped() != n {
		t.Errorf("last %d, taken %d + dropped %d, want last %d and %d in all", last, taken, m.Dropped(), n-1, n)
	}
}

func TestYUYV(t *testing.T) {
	const w, h, stride = 4, 2, 12 // rows padded by 4 bytes
	p := []byte{
		10, 100, 11, 200, 12, 101, 13, 201, 0, 0, 0, 0,
		20, 110, 21, 210, 22, 111, 23, 211, 0, 0, 0, 0,
	}
	img, err := yuyvToYCbCr(p, w, h, stride)
	if err != nil {
		t.Fatal(err)
	}
	if img.SubsampleRatio != image.YCbCrSubsampleRatio422 {
		t.Errorf("ratio %v", img.SubsampleRatio)
	}
	wantY := []byte{10, 11, 12, 13, 20, 21, 22, 23}
	if !bytes.Equal(img.Y, wantY) || !bytes.Equal(img.Cb, []byte{100, 101, 110, 111}) || !bytes.Equal(img.Cr, []byte{200, 201, 210, 211}) {
		t.Errorf("Y %v Cb %v Cr %v", img.Y, img.Cb, img.Cr)
	}
	if c := img.YCbCrAt(3, 1); c != (color.YCbCr{Y: 23, Cb: 111, Cr: 211}) {
		t.Errorf("pixel (3,1) %v", c)
	}
	for _, bad := range []struct{ n, w, h, stride int }{{len(p) - 5, w, h, stride}, {len(p), 3, h, stride}, {len(p), w, h, 6}} {
		if _, err := yuyvToYCbCr(p[:bad.n], bad.w, bad.h, bad.stride); err == nil {
			t.Errorf("no error for %+v", bad)
		}
	}
}

func BenchmarkYUYV(b *testing.B) {
	const w, h = 1280, 720
	p := make([]byte, 2*w*h)
	for b.Loop() {
		if _, err := yuyvToYCbCr(p, w, h, 2*w); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// stripDHT removes the Huffman tables from a JPEG, as many webcams send it.
func stripDHT(t testing.TB, data []byte) []byte {
	seg, _ := findSegment(data, 0xC4)
	if seg == nil {
		t.Fatal("no DHT segment")
	}
	i := bytes.Index(data, seg)
	return append(append([]byte(nil), data[:i]...), data[i+len(seg):]...)
}

func TestMJPEGWithoutHuffmanTables(t *testing.T) {
	src := image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	bare := stripDHT(t, full)
	if _, err := jpeg.Decode(bytes.NewReader(bare)); err == nil {
		t.Fatal("a JPEG without Huffman tables decoded as it was: the test proves nothing")
	}
	want, _ := jpeg.Decode(bytes.NewReader(full))
	got, err := decodeMJPEG(bare)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.(*image.YCbCr).Y, want.(*image.YCbCr).Y) {
		t.Error("frame decoded with the standard tables differs")
	}
	if same := withHuffmanTables(full); !bytes.Equal(same, full) {
		t.Error("a complete JPEG was changed")
	}
}

func FuzzMJPEG(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), nil)
	f.Add(buf.Bytes())
	f.Add(stripDHT(f, buf.Bytes()))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA})
	f.Fuzz(func(t *testing.T, data []byte) {
		out := withHuffmanTables(data)
		if len(out) != len(data) && len(out) != len(data)+len(standardDHT()) {
			t.Fatalf("%d bytes became %d", len(data), len(out))
		}
		decodeMJPEG(data) // must not panic
	})
}

func TestPickMode(t *testing.T) {
	cam := []modeOption{
		{formatYUYV, 640, 480, 30},
		{formatYUYV, 1280, 720, 10},
		{formatYUYV, 1920, 1080, 5},
		{formatMJPEG, 640, 480, 30},
		{formatMJPEG, 1280, 720, 30},
		{formatMJPEG, 1920, 1080, 30},
		{"H264", 1280, 720, 30},
	}
	cases := []struct {
		want Mode
		opts []modeOption
		got  modeOption
	}{
		{Mode{}, cam, modeOption{formatMJPEG, 1280, 720, 30}},                        // USB 2 YUYV is slow at 720p
		{Mode{W: 1280, H: 720, FPS: 10}, cam, modeOption{formatYUYV, 1280, 720, 10}}, // slow is fine: no JPEG to decode
		{Mode{W: 1920, H: 1080, FPS: 30}, cam, modeOption{formatMJPEG, 1920, 1080, 30}},
		{Mode{W: 640, H: 480, FPS: 30}, cam, modeOption{formatYUYV, 640, 480, 30}},
		{Mode{W: 1600, H: 900, FPS: 30}, cam, modeOption{formatMJPEG, 1920, 1080, 30}},
		{Mode{}, []modeOption{{formatYUYV, 640, 480, 0}}, modeOption{formatYUYV, 640, 480, 0}},
	}
	for _, c := range cases {
		got, ok := pickMode(c.opts, c.want)
		if !ok || got != c.got {
			t.Errorf("pickMode(%+v) = %+v, want %+v", c.want, got, c.got)
		}
	}
	if _, ok := pickMode([]modeOption{{"H264", 1280, 720, 30}}, Mode{}); ok {
		t.Error("picked a format that cannot be read")
	}
}

func TestSizesOf(t *testing.T) {
	got := sizesOf([]modeOption{
		{formatYUYV, 640, 480, 30},
		{formatYUYV, 1280, 720, 10},
		{formatMJPEG, 1280, 720, 30},
		{formatMJPEG, 1920, 1080, 0},
		{"H264", 3840, 2160, 30},
		{formatYUYV, 0, 480, 30},
		{formatMJPEG, 720, 1280, 30},
	})
	want := []Mode{{W: 1920, H: 1080}, {W: 1280, H: 720, FPS: 30}, {W: 720, H: 1280, FPS: 30}, {W: 640, H: 480, FPS: 30}}
	if len(got) != len(want) {
		t.Fatalf("sizesOf = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("size %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if s, err := Sizes(context.Background(), Device{Driver: DriverFFmpeg, ID: "video=Cam"}); s != nil || err != nil {
		t.Errorf("Sizes of an ffmpeg camera = %v, %v; want nil, nil", s, err)
	}
}

func TestSizeRangeNearest(t *testing.T) {
	r := sizeRange{minW: 160, maxW: 1920, stepW: 16, minH: 120, maxH: 1080, stepH: 8}
	if w, h := r.nearest(1280, 720); w != 1280 || h != 720 {
		t.Errorf("nearest(1280, 720) = %d, %d", w, h)
	}
	if w, h := r.nearest(1000, 5000); w != 1008 || h != 1080 {
		t.Errorf("nearest(1000, 5000) = %d, %d", w, h)
	}
	fixed := sizeRange{minW: 640, maxW: 640, minH: 480, maxH: 480}
	if w, h := fixed.nearest(1280, 720); w != 640 || h != 480 {
		t.Errorf("fixed: %d, %d", w, h)
	}
}

func TestY4MHeader(t *testing.T) {
	cases := []struct {
		line string
		want y4mHeader
		err  bool
	}{
		{"YUV4MPEG2 W1280 H720 F30:1 Ip A0:0 C420jpeg XYSCSS=420JPEG XCOLORRANGE=FULL", y4mHeader{1280, 720, 30, false}, false},
		{"YUV4MPEG2 W640 H480 F30000:1001 Cmono", y4mHeader{640, 480, 30000.0 / 1001, true}, false},
		{"YUV4MPEG2 W2 H2", y4mHeader{2, 2, 0, false}, false},
		{"YUV4MPEG2 W1280 H720 C444", y4mHeader{}, true},
		{"YUV4MPEG2 W1280 H720 It", y4mHeader{}, true},
		{"YUV4MPEG2 W0 H720", y4mHeader{}, true},
		{"YUV4MPEG2 W100000 H100000", y4mHeader{}, true},
		{"RIFF", y4mHeader{}, true},
		{"", y4mHeader{}, true},
	}
	for _, c := range cases {
		got, err := parseY4MHeader([]byte(c.line))
		if (err != nil) != c.err || (err == nil && got != c.want) {
			t.Errorf("%q: %+v, %v", c.line, got, err)
		}
	}
}

func TestY4MFrames(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("YUV4MPEG2 W4 H2 F10:1 C420jpeg\n")
	for i := range 2 {
		b.WriteString("FRAME\n")
		b.Write(bytes.Repeat([]byte{byte(i + 1)}, 8)) // Y
		b.Write([]byte{50, 60, 70, 80})               // Cb 2×1, Cr 2×1
	}
	r := bufio.NewReader(&b)
	h, err := readY4MHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		img, err := h.readFrame(r)
		if err != nil {
			t.Fatal(err)
		}
		y := img.(*image.YCbCr)
		if y.Y[7] != byte(i+1) || y.Cb[1] != 60 || y.Cr[0] != 70 {
			t.Errorf("frame %d: %v %v %v", i, y.Y, y.Cb, y.Cr)
		}
	}
	if _, err := h.readFrame(r); err != io.EOF {
		t.Errorf("after the last frame: %v, want EOF", err)
	}
	short := bufio.NewReader(strings.NewReader("FRAME\n\x01\x02"))
	if _, err := h.readFrame(short); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("short frame: %v", err)
	}
}

func FuzzY4M(f *testing.F) {
	f.Add([]byte("YUV4MPEG2 W4 H2 F10:1 C420jpeg\nFRAME\n0123456789ab"))
	f.Add([]byte("YUV4MPEG2 W2 H2 Cmono\nFRAME Ixyz\nabcdFRAME\nab"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		h, err := readY4MHeader(r)
		if err != nil {
			return
		}
		if h.w*h.h > maxStreamPixels {
			t.Fatalf("header accepted %d × %d", h.w, h.h)
		}
		for range 3 {
			if _, err := h.readFrame(r); err != nil {
				return
			}
		}
	})
}

func TestClassifyFFmpeg(t *testing.T) {
	cam := FFmpegInput{Format: "v4l2", Input: "/dev/video0", Live: true}
	file := FFmpegInput{Input: "clip.mkv"}
	cases := []struct {
		in   FFmpegInput
		msg  string
		kind error
	}{
		{cam, "[video4linux2,v4l2 @ 0x55] ioctl(VIDIOC_STREAMON): Device or resource busy\n/dev/video0: Device or resource busy", ErrBusy},
		{FFmpegInput{Format: "dshow", Live: true}, "[dshow @ 0000] Could not run graph (sometimes caused by a device already in use by other application)", ErrBusy},
		{cam, "[video4linux2,v4l2 @ 0x55] Cannot open video device /dev/video0: No such file or directory", ErrNoCamera},
		{FFmpegInput{Format: "dshow", Live: true}, "[dshow @ 0000] Could not find video device with name [Cam] among source devices of type video.", ErrNoCamera},
		{FFmpegInput{Format: "avfoundation", Live: true}, "[AVFoundation indev @ 0x7f] Invalid device index", ErrNoCamera},
		{cam, "/dev/video0: Permission denied", fs.ErrPermission},
		{file, "clip.mkv: No such file or directory", fs.ErrNotExist},
		{file, "clip.mkv: Invalid data found when processing input", nil},
	}
	for _, c := range cases {
		err := classifyFFmpeg(c.in, c.msg)
		for _, k := range []error{ErrBusy, ErrNoCamera, fs.ErrPermission, fs.ErrNotExist} {
			if errors.Is(err, k) != (k == c.kind) {
				t.Errorf("%q: %v; is %v: %v", c.msg, err, k, errors.Is(err, k))
			}
		}
		if !strings.Contains(err.Error(), c.in.name()) {
			t.Errorf("%v does not name the input", err)
		}
	}
}

func TestParseDShowList(t *testing.T) {
	newer := `[dshow @ 0000023c5d0f0b80] "Integrated Camera" (video)
[dshow @ 0000023c5d0f0b80]   Alternative name "@device_pnp_\\?\usb#vid_04f2&pid_b6d9&mi_00#6&1b0f&0&0000#{65e8773d}\global"
[dshow @ 0000023c5d0f0b80] "USB Camera" (video)
[dshow @ 0000023c5d0f0b80]   Alternative name "@device_pnp_\\?\usb#vid_1&pid_1#a"
[dshow @ 0000023c5d0f0b80] "USB Camera" (video)
[dshow @ 0000023c5d0f0b80]   Alternative name "@device_pnp_\\?\usb#vid_1&pid_1#b"
[dshow @ 0000023c5d0f0b80] "Microphone (Realtek(R) Audio)" (audio)
[dshow @ 0000023c5d0f0b80]   Alternative name "@device_cm_{33D9A762}\wave_{5F0C}"
dummy: Immediate exit requested`
	devs := parseDShowList(newer)
	if len(devs) != 3 || devs[0].Name != "Integrated Camera" || devs[0].ID != "video=Integrated Camera" ||
		devs[1].ID != `video=@device_pnp_\\?\usb#vid_1&pid_1#a` || devs[2].ID != `video=@device_pnp_\\?\usb#vid_1&pid_1#b` {
		t.Errorf("newer form: %+v", devs)
	}
	older := "[dshow @ 0000018c0] DirectShow video devices (some may be both video and audio devices)\r\n" +
		"[dshow @ 0000018c0]  \"HD WebCam\"\r\n" +
		"[dshow @ 0000018c0]     Alternative name \"@device_pnp_x\"\r\n" +
		"[dshow @ 0000018c0] DirectShow audio devices\r\n" +
		"[dshow @ 0000018c0]  \"Microphone (High Definition Audio)\"\r\n"
	devs = parseDShowList(older)
	if len(devs) != 1 || devs[0].Name != "HD WebCam" || devs[0].Format != "dshow" || devs[0].Driver != DriverFFmpeg {
		t.Errorf("older form: %+v", devs)
	}
	if devs := parseDShowList("dummy: Immediate exit requested"); len(devs) != 0 {
		t.Errorf("no devices: %+v", devs)
	}
}

func TestParseAVFoundationList(t *testing.T) {
	out := `[AVFoundation indev @ 0x7f8e4a] AVFoundation video devices:
[AVFoundation indev @ 0x7f8e4a] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7f8e4a] [1] Capture screen 0
[AVFoundation indev @ 0x7f8e4a] [2] Logitech BRIO
[AVFoundation indev @ 0x7f8e4a] AVFoundation audio devices:
[AVFoundation indev @ 0x7f8e4a] [0] MacBook Pro Microphone
: Input/output error`
	devs := parseAVFoundationList(out)
	if len(devs) != 2 || devs[0] != (Device{Name: "FaceTime HD Camera", Driver: DriverFFmpeg, ID: "0:none", Format: "avfoundation"}) || devs[1].ID != "2:none" {
		t.Errorf("%+v", devs)
	}
}

func TestNoFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := LookFFmpeg()
	if !errors.Is(err, ErrNoFFmpeg) || !strings.Contains(err.Error(), "install") {
		t.Fatalf("LookFFmpeg: %v", err)
	}
	_, err = OpenFile(context.Background(), "clip.mkv", 0)
	if !errors.Is(err, ErrNoFFmpeg) || !strings.Contains(err.Error(), "clip.mkv") {
		t.Errorf("OpenFile: %v", err)
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		if h := installHint(goos); !strings.Contains(h, "ffmpeg") {
			t.Errorf("%s: %q", goos, h)
		}
	}
}

// lavfi is a test pattern ffmpeg makes itself: a camera for tests.
func lavfi(spec string, live bool) FFmpegInput {
	return FFmpegInput{Format: "lavfi", Input: spec, Name: "test pattern", Live: live}
}

func TestFFmpegFrames(t *testing.T) {
	requireFFmpeg(t)
	ctx := context.Background()
	src, err := OpenFFmpeg(ctx, lavfi("testsrc2=size=320x240:rate=10:duration=1", false), Mode{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if m := src.Mode(); m != (Mode{W: 320, H: 240, FPS: 10, Format: "yuv420p"}) {
		t.Errorf("mode %+v", m)
	}
	var n uint64
	for ; ; n++ {
		f, err := src.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		y, ok := f.Img.(*image.YCbCr)
		if !ok || y.Rect.Dx() != 320 || y.SubsampleRatio != image.YCbCrSubsampleRatio420 {
			t.Fatalf("frame %d: %T %v", n, f.Img, f.Img.Bounds())
		}
		if f.Seq != n || f.PTS != time.Duration(n)*100*time.Millisecond {
			t.Errorf("frame %d: seq %d pts %v", n, f.Seq, f.PTS)
		}
	}
	if n != 10 {
		t.Errorf("%d frames, want 10", n)
	}
	if _, err := src.Next(ctx); err != io.EOF {
		t.Errorf("Next after the end: %v", err)
	}
}

func TestFFmpegGrayScaledPaced(t *testing.T) {
	requireFFmpeg(t)
	ctx := context.Background()
	in := lavfi("testsrc2=size=320x240:rate=20:duration=0.5", false)
	in.Gray, in.Pace = true, 1
	src, err := OpenFFmpeg(ctx, in, Mode{W: 160, H: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var first, last Frame
	n := 0
	for {
		f, err := src.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if g, ok := f.Img.(*image.Gray); !ok || g.Rect.Dx() != 160 || g.Rect.Dy() != 120 {
			t.Fatalf("frame %T %v, want 160 × 120 gray", f.Img, f.Img.Bounds())
		}
		if n == 0 {
			first = f
		}
		last, n = f, n+1
	}
	// Paced: the frames come in time with their positions.
	if span, want := last.At.Sub(first.At), last.PTS-first.PTS; n < 2 || span < want*9/10 {
		t.Errorf("%d frames over %v, want %v", n, span, want)
	}
}

// alive reports whether process pid exists (a zombie, unreaped, does).
func alive(pid int) bool {
	if runtime.GOOS == "linux" {
		_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
		return err == nil
	}
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

func TestFFmpegCleanup(t *testing.T) {
	requireFFmpeg(t)
	camera := lavfi("testsrc2=size=640x480:rate=30", false) // endless
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src, err := OpenFFmpeg(ctx, camera, Mode{})
		if err != nil {
			t.Fatal(err)
		}
		fs := src.(*ffmpegSource)
		pid := fs.cmd.Process.Pid
		for range 3 {
			if _, err := src.Next(ctx); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		select {
		case <-fs.done:
		case <-time.After(10 * time.Second):
			t.Fatal("ffmpeg still running 10 s after cancel")
		}
		if alive(pid) {
			t.Errorf("ffmpeg %d left behind after cancel", pid)
		}
		if _, err := src.Next(context.Background()); !errors.Is(err, context.Canceled) {
			t.Errorf("Next after cancel: %v", err)
		}
		src.Close()
	})
	t.Run("close", func(t *testing.T) {
		ctx := context.Background()
		src, err := OpenFFmpeg(ctx, camera, Mode{W: 320, H: 240})
		if err != nil {
			t.Fatal(err)
		}
		pid := src.(*ffmpegSource).cmd.Process.Pid
		if _, err := src.Next(ctx); err != nil {
			t.Fatal(err)
		}
		// ffmpeg is blocked writing frames nobody reads.
		if err := src.Close(); err != nil {
			t.Fatal(err)
		}
		if alive(pid) {
			t.Errorf("ffmpeg %d left behind after Close", pid)
		}
		if _, err := src.Next(ctx); !errors.Is(err, ErrClosed) {
			t.Errorf("Next after Close: %v", err)
		}
		if err := src.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

func TestFFmpegOpenErrors(t *testing.T) {
	requireFFmpeg(t)
	ctx := context.Background()
	_, err := OpenFile(ctx, filepath.Join(t.TempDir(), "missing.mkv"), 0)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.mkv") {
		t.Errorf("missing file: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.mkv")
	os.WriteFile(junk, []byte("not a video"), 0o644)
	if _, err := OpenFile(ctx, junk, 0); err == nil || !strings.Contains(err.Error(), "junk.mkv") {
		t.Errorf("junk file: %v", err)
	}
	if runtime.GOOS == "linux" {
		_, err := Open(ctx, Device{Name: "gone", Driver: DriverFFmpeg, Format: "v4l2", ID: "/dev/video-none"}, Mode{})
		if !errors.Is(err, ErrNoCamera) {
			t.Errorf("missing camera through ffmpeg: %v", err)
		}
	}
}

func TestV4L2Missing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("V4L2 is Linux only")
	}
	_, err := Open(context.Background(), Device{Name: "gone", Driver: DriverV4L2, ID: "/dev/video-none"}, Mode{})
	if !errors.Is(err, ErrNoCamera) || !strings.Contains(err.Error(), "/dev/video-none") {
		t.Errorf("Open: %v", err)
	}
	if _, err := Sizes(context.Background(), Device{Name: "gone", Driver: DriverV4L2, ID: "/dev/video-none"}); !errors.Is(err, ErrNoCamera) {
		t.Errorf("Sizes: %v", err)
	}
	if paths, _ := filepath.Glob("/dev/video*"); len(paths) == 0 {
		if _, err := List(context.Background()); !errors.Is(err, ErrNoCamera) {
			t.Errorf("List without cameras: %v", err)
		}
	}
}

func TestFolderSource(t *testing.T) {
	dir := t.TempDir()
	for i, v := range []byte{10, 20, 30} {
		img := image.NewGray(image.Rect(0, 0, 8, 6))
		for j := range img.Pix {
			img.Pix[j] = v
		}
		f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("f%02d.png", i)))
		png.Encode(f, img)
		f.Close()
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a frame"), 0o644)
	ctx := context.Background()
	src, err := OpenFolder(dir, FolderOptions{FPS: 5, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	if m := src.Mode(); m.W != 8 || m.H != 6 || m.FPS != 5 {
		t.Errorf("mode %+v", m)
	}
	for i := range 5 {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r, _, _, _ := f.Img.At(0, 0).RGBA()
		if want := []uint32{10, 20, 30}[i%3]; r>>8 != want || f.Seq != uint64(i) || f.PTS != time.Duration(i)*200*time.Millisecond {
			t.Errorf("frame %d: value %d seq %d pts %v", i, r>>8, f.Seq, f.PTS)
		}
	}
	src.Close()
	if _, err := src.Next(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}

	once, _ := OpenFolder(dir, FolderOptions{})
	for range 3 {
		once.Next(ctx)
	}
	if _, err := once.Next(ctx); err != io.EOF {
		t.Errorf("end of folder: %v", err)
	}
	if _, err := OpenFolder(t.TempDir(), FolderOptions{}); err == nil {
		t.Error("empty folder opened")
	}
}

func TestPacerSkipsLateFrames(t *testing.T) {
	p := pacer{speed: 1, fps: 10}
	if _, late := p.due(0); late {
		t.Error("first frame late")
	}
	p.start = p.start.Add(-time.Second) // the reader stalled for a second
	if _, late := p.due(500 * time.Millisecond); !late {
		t.Error("a frame half a second overdue was not late")
	}
	if at, late := p.due(1100 * time.Millisecond); late || time.Until(at) <= 0 {
		t.Error("a frame still ahead was late")
	}
	half := pacer{speed: 0.5, fps: 10}
	half.due(0)
	if at, _ := half.due(time.Second); time.Until(at) < 1900*time.Millisecond {
		t.Errorf("at half speed, one second of video is due in %v", time.Until(at))
	}
}

func TestFFmpegArgs(t *testing.T) {
	join := func(a []string) string { return strings.Join(a, " ") }
	cam := join(ffmpegArgs(FFmpegInput{Format: "dshow", Input: "video=USB Camera", Live: true}, Mode{W: 1280, H: 720, FPS: 30}, true))
	for _, want := range []string{"-video_size 1280x720 -framerate 30 -rtbufsize 64M -f dshow -i video=USB Camera",
		"-vf scale=1280:720:out_range=full -pix_fmt yuv420p -f yuv4mpegpipe -"} {
		if !strings.Contains(cam, want) {
			t.Errorf("camera: %q lacks %q", cam, want)
		}
	}
	native := join(ffmpegArgs(FFmpegInput{Format: "avfoundation", Input: "0:none", Live: true}, Mode{}, false))
	if strings.Contains(native, "-video_size") || strings.Contains(native, "-framerate") || !strings.Contains(native, "-vf scale=out_range=full ") {
		t.Errorf("camera at its own mode: %q", native)
	}
	file := join(ffmpegArgs(FFmpegInput{Input: "clip.mkv", Loop: true, Gray: true}, Mode{FPS: 10}, true))
	for _, want := range []string{"-stream_loop -1 -i clip.mkv", "-vf fps=10,scale=out_range=full -pix_fmt gray"} {
		if !strings.Contains(file, want) {
			t.Errorf("file: %q lacks %q", file, want)
		}
	}
	if strings.Contains(file, "-video_size") || strings.Contains(file, "nobuffer") {
		t.Errorf("file given camera options: %q", file)
	}
}
