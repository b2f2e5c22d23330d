package camera

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fapiaoscanner/fapiao/core/payload"
)

// The clip tests hold invoices made by tools/invoicegen up to a camera
// simulated by tools/camclip, and play the video through ffmpeg. Both
// tools are built once per test run into a temporary folder.

// cardText is on a QR code that is not an invoice's (a Wi-Fi login card):
// it is shown in the clips and must never be taken in.
const cardText = "WIFI:T:WPA;S:Front-Office;P:guest-2024;;"

// fixtureSet is what the clip tests share.
type fixtureSet struct {
	dir      string
	camclip  string
	invoices []still // invoices with one QR code each
	card     still
	clips    map[string]*clip
	mu       sync.Mutex
}

// still is an image held up to the camera and the text of its QR code.
type still struct {
	path, text string
}

var (
	fixOnce sync.Once
	fix     *fixtureSet
	fixErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

// requireFFmpeg skips tb when ffmpeg is missing, except on CI, where it is
// a failure: the clip tests must run there.
func requireFFmpeg(tb testing.TB) {
	tb.Helper()
	if _, err := LookFFmpeg(); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("the clip tests need ffmpeg (scripts/deps.sh installs it): %v", err)
		}
		tb.Skipf("ffmpeg is not installed, skipping (on CI this fails): %v", err)
	}
}

// fixtures builds the tools and makes the stills, once.
func fixtures(tb testing.TB) *fixtureSet {
	tb.Helper()
	requireFFmpeg(tb)
	fixOnce.Do(func() { fix, fixErr = makeFixtures() })
	if fixErr != nil {
		tb.Fatal(fixErr)
	}
	return fix
}

func makeFixtures() (*fixtureSet, error) {
	dir, err := os.MkdirTemp("", "camera-test-")
	if err != nil {
		return nil, err
	}
	f := &fixtureSet{dir: dir, clips: map[string]*clip{}}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	f.camclip = filepath.Join(dir, "camclip"+exe)
	if err := goBuild(f.camclip, "github.com/fapiaoscanner/fapiao/tools/camclip"); err != nil {
		return f, err
	}
	f.invoices, err = invoiceStills(dir, exe)
	if err != nil {
		return f, err
	}
	f.card = still{path: filepath.Join(dir, "card.png"), text: cardText}
	if err := writeQRPage(f.card.path, cardText, 600, 700, 360); err != nil {
		return f, err
	}
	return f, nil
}

func goBuild(out, pkg string) error {
	b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// invoiceStills renders invoice forms with tools/invoicegen and keeps
// those a camera can be expected to read: clean print, a seal across the
// QR code, blue or faint print.
func invoiceStills(dir, exe string) ([]still, error) {
	gen := filepath.Join(dir, "invoicegen"+exe)
	out := filepath.Join(dir, "invoices")
	if err := goBuild(gen, "github.com/fapiaoscanner/fapiao/tools/invoicegen"); err != nil {
		return nil, err
	}
	if b, err := exec.Command(gen, "-out", out, "-seed", "3", "-n", "9").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("invoicegen: %v\n%s", err, b)
	}
	truth, err := os.Open(filepath.Join(out, "truth.tsv"))
	if err != nil {
		return nil, err
	}
	defer truth.Close()
	texts := map[string][]string{}
	var order []string
	sc := bufio.NewScanner(truth)
	for sc.Scan() {
		file, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		if texts[file] == nil {
			order = append(order, file)
		}
		texts[file] = append(texts[file], text)
	}
	var stills []still
	want := []string{"clean", "seal-over-qr", "blue-print", "faint-print"}
	for _, kind := range want {
		for _, file := range order {
			if strings.Contains(file, kind) && len(texts[file]) == 1 {
				stills = append(stills, still{path: filepath.Join(out, file), text: texts[file][0]})
				break
			}
		}
	}
	if len(stills) < 3 {
		return nil, fmt.Errorf("invoicegen gave %d usable invoices (%v), want 3", len(stills), order)
	}
	for _, s := range stills {
		if payload.Parse(s.text).Kind == payload.KindOther {
			return nil, fmt.Errorf("%s: truth %q is not an invoice code", s.path, s.text)
		}
	}
	return stills, nil
}

// writeQRPage draws text as a QR code of side qr pixels on a white w×h card.
func writeQRPage(path, text string, w, h, qr int) error {
	bits, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, qr, qr,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		return err
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xf4
	}
	ox, oy := (w-bits.GetWidth())/2, (h-bits.GetHeight())/3
	for y := range bits.GetHeight() {
		for x := range bits.GetWidth() {
			if bits.Get(x, y) {
				img.SetGray(ox+x, oy+y, color.Gray{Y: 0x20})
			}
		}
	}
	// A line of "print" under the code.
	for y := h * 3 / 4; y < h*3/4+14; y++ {
		for x := w / 5; x < w*4/5; x++ {
			img.SetGray(x, y, color.Gray{Y: 0x70})
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(fh, img); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// clip is a rendered video and its timeline.
type clip struct {
	path string
	w, h int
	segs []segment
}

// segment is one still's pass before the camera, in clip seconds.
type segment struct {
	still                  still
	read                   string // what camclip read from the still
	enter, in, leave, gone float64
}

// makeClip renders (once per name) a clip of the stills in order.
func (f *fixtureSet) makeClip(tb testing.TB, name string, w, h int, seed int, stills ...still) *clip {
	tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clips[name]; ok {
		return c
	}
	c := &clip{path: filepath.Join(f.dir, name+".mkv"), w: w, h: h}
	timeline := filepath.Join(f.dir, name+".tsv")
	args := []string{"-out", c.path, "-timeline", timeline, "-w", strconv.Itoa(w), "-h", strconv.Itoa(h), "-seed", strconv.Itoa(seed)}
	for _, s := range stills {
		args = append(args, s.path)
	}
	if b, err := exec.Command(f.camclip, args...).CombinedOutput(); err != nil {
		tb.Fatalf("camclip: %v\n%s", err, b)
	}
	data, err := os.ReadFile(timeline)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")[1:]
	if len(lines) != len(stills) {
		tb.Fatalf("timeline has %d lines, want %d", len(lines), len(stills))
	}
	for i, line := range lines {
		col := strings.Split(line, "\t")
		if len(col) != 7 {
			tb.Fatalf("timeline line %q", line)
		}
		s := segment{still: stills[i], read: col[2]}
		for j, p := range []*float64{&s.enter, &s.in, &s.leave, &s.gone} {
			if *p, err = strconv.ParseFloat(col[3+j], 64); err != nil {
				tb.Fatal(err)
			}
		}
		c.segs = append(c.segs, s)
	}
	f.clips[name] = c
	return c
}
