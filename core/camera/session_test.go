package camera

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Invoice codes for the unit tests. invoiceA2 is invoiceA without its
// trailing comma: another text, the same invoice.
const (
	invoiceA  = "01,10,044031700311,82748195,24846.29,20170603,94737234170590510227,467C,"
	invoiceA2 = "01,10,044031700311,82748195,24846.29,20170603,94737234170590510227,467C"
	invoiceB  = "01,32,,23352000000267137915,1137.57,20230211,,6C5D"
	keyA      = "044031700311-82748195"
	keyB      = "23352000000267137915"
)

// qrFrame is a 640×480 gray frame with text as a QR code in it ("" for
// an empty view).
func qrFrame(tb testing.TB, text string) *image.Gray {
	tb.Helper()
	return qrFrameAt(tb, text, 190)
}

// qrSide is the side of the code qrFrameAt draws, quiet zone included.
const qrSide = 260

// qrFrameAt is qrFrame with the code's left edge at x (its top at 110).
func qrFrameAt(tb testing.TB, text string, x int) *image.Gray {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = 0xd8
	}
	if text == "" {
		return img
	}
	bits, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, qrSide, qrSide, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for y := range bits.GetHeight() {
		for i := range bits.GetWidth() {
			if bits.Get(i, y) {
				img.SetGray(x+i, 110+y, color.Gray{Y: 0x18})
			} else {
				img.SetGray(x+i, 110+y, color.Gray{Y: 0xf0})
			}
		}
	}
	return img
}

// events records what a session reported.
type events struct {
	mu         sync.Mutex
	captures   []Capture
	duplicates []Capture
	frames     int
	outlined   int // frames shown with an outline
}

func (e *events) attach(s *Session) {
	s.OnCapture = func(c Capture) { e.mu.Lock(); e.captures = append(e.captures, c); e.mu.Unlock() }
	s.OnDuplicate = func(c Capture) { e.mu.Lock(); e.duplicates = append(e.duplicates, c); e.mu.Unlock() }
	s.OnFrame = func(f Frame, o []Outline) {
		e.mu.Lock()
		e.frames++
		if len(o) > 0 {
			e.outlined++
		}
		e.mu.Unlock()
	}
}

func keys(cs []Capture) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Key)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSessionDedupe(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	steps := []struct {
		text   string
		ms     int
		status Status // of the outline; ignored for an empty frame
	}{
		{invoiceA, 0, StatusCaptured},       // new: taken in
		{invoiceA, 100, StatusCaptured},     // still held: nothing new
		{"", 200, 0},                        // blurred, or gone
		{invoiceA2, 900, StatusCaptured},    // same invoice, other text, same showing
		{invoiceB, 1200, StatusCaptured},    // new
		{cardText, 1500, StatusIgnored},     // not an invoice
		{invoiceA, 5000, StatusDuplicate},   // held up again later
		{invoiceA, 5100, StatusDuplicate},   // the same showing: no second note
		{invoiceB, 5200, StatusDuplicate},   // B again
		{cardText, 9000, StatusIgnored},     // still not an invoice
		{invoiceA2, 12000, StatusDuplicate}, // A once more
	}
	var e events
	s := &Session{}
	e.attach(s)
	ctx := context.Background()
	for i, st := range steps {
		o, ok := s.decode(ctx, Frame{Img: qrFrame(t, st.text), At: at(st.ms), Seq: uint64(i)})
		if !ok {
			t.Fatalf("step %d: not decoded", i)
		}
		if st.text == "" {
			if len(o) != 0 {
				t.Fatalf("step %d (empty view): outlines %+v", i, o)
			}
			continue
		}
		if len(o) != 1 || o[0].Text != st.text || o[0].Status != st.status {
			t.Fatalf("step %d (%s at %d ms): outlines %+v, want one %v", i, st.text, st.ms, o, st.status)
		}
		if len(o[0].Points) != 4 {
			t.Fatalf("step %d: %d corners", i, len(o[0].Points))
		}
	}
	if got, want := keys(e.captures), []string{keyA, keyB}; !equal(got, want) {
		t.Errorf("captures %v, want %v", got, want)
	}
	if got, want := keys(e.duplicates), []string{keyA, keyB, keyA}; !equal(got, want) {
		t.Errorf("duplicates %v, want %v", got, want)
	}
	c := e.captures[0]
	if c.Text != invoiceA || c.Result == nil || c.Result.Identity() != keyA || c.Frame.Seq != 0 || len(c.Points) != 4 {
		t.Errorf("first capture %+v", c)
	}
	st := s.Stats()
	if st.Captures != 2 || st.Duplicates != 3 || st.Decoded != uint64(len(steps)) {
		t.Errorf("stats %+v", st)
	}

	// A forgotten invoice is taken in anew.
	s.Forget(keyB)
	s.decode(ctx, Frame{Img: qrFrame(t, invoiceB), At: at(20000)})
	if got := keys(e.captures); !equal(got, []string{keyA, keyB, keyB}) {
		t.Errorf("after Forget: captures %v", got)
	}
}

// stepSource gives its frames one at a time, each only after the session
// has decoded the one before, so that none is dropped.
type stepSource struct {
	frames []Frame
	i      int
	ack    chan struct{}
	end    error
}

func (s *stepSource) Next(ctx context.Context) (Frame, error) {
	if s.i > 0 {
		select {
		case <-s.ack:
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		}
	}
	if s.i >= len(s.frames) {
		return Frame{}, s.end
	}
	s.i++
	return s.frames[s.i-1], nil
}

func (s *stepSource) Mode() Mode   { return Mode{W: 640, H: 480} }
func (s *stepSource) Close() error { return nil }

func TestSessionRun(t *testing.T) {
	t0 := time.Now()
	texts := []string{"", invoiceA, invoiceA, "", cardText, invoiceB, invoiceB, "", invoiceA}
	src := &stepSource{ack: make(chan struct{}, 1), end: io.EOF}
	for i, text := range texts {
		at := t0.Add(time.Duration(i) * 100 * time.Millisecond)
		if i == len(texts)-1 {
			at = at.Add(5 * time.Second)
		}
		src.frames = append(src.frames, Frame{Img: qrFrame(t, text), At: at, Seq: uint64(i)})
	}
	var e events
	s := &Session{afterDecode: func(Frame) { src.ack <- struct{}{} }}
	e.attach(s)
	if err := s.Run(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if got := keys(e.captures); !equal(got, []string{keyA, keyB}) {
		t.Errorf("captures %v", got)
	}
	if got := keys(e.duplicates); !equal(got, []string{keyA}) {
		t.Errorf("duplicates %v", got)
	}
	if e.captures[0].Frame.Seq != 1 || e.captures[1].Frame.Seq != 5 {
		t.Errorf("captured in frames %d and %d, want 1 and 5", e.captures[0].Frame.Seq, e.captures[1].Frame.Seq)
	}
	st := s.Stats()
	if st.Frames != uint64(len(texts)) || st.Decoded != st.Frames || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
	if e.frames != len(texts) || e.outlined == 0 {
		t.Errorf("OnFrame: %d frames, %d outlined", e.frames, e.outlined)
	}
}

// burstSource hands out n frames as fast as they are asked for.
type burstSource struct {
	img image.Image
	n   int
	i   int
}

func (s *burstSource) Next(ctx context.Context) (Frame, error) {
	if s.i >= s.n {
		return Frame{}, io.EOF
	}
	s.i++
	return Frame{Img: s.img, At: time.Now(), Seq: uint64(s.i - 1)}, nil
}

func (s *burstSource) Mode() Mode   { return Mode{} }
func (s *burstSource) Close() error { return nil }

func TestSessionDropsWhenBehind(t *testing.T) {
	// Frames come far faster than an empty view can be decoded: most are
	// dropped, the newest is always the one taken, and every frame is
	// decoded, skipped (the same empty view) or counted as dropped.
	var seqs []uint64
	s := &Session{Budget: 20 * time.Millisecond}
	s.afterDecode = func(f Frame) { seqs = append(seqs, f.Seq) }
	const n = 300
	if err := s.Run(context.Background(), &burstSource{img: qrFrame(t, ""), n: n}); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Frames != n || st.Decoded+st.Skipped+st.Dropped != n || st.Dropped == 0 {
		t.Errorf("stats %+v: want %d frames, all decoded, skipped or dropped, some dropped", st, n)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("decoded frame %d after %d", seqs[i], seqs[i-1])
		}
	}
	if seqs[len(seqs)-1] != n-1 {
		t.Errorf("last frame taken is %d, want the last sent, %d", seqs[len(seqs)-1], n-1)
	}
}

func TestSessionRunEnds(t *testing.T) {
	unplugged := errors.New("camera unplugged")
	cases := []struct {
		name string
		end  error
		want error
	}{
		{"end of file", io.EOF, nil},
		{"closed", ErrClosed, nil},
		{"failure", unplugged, unplugged},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Session{}
			err := s.Run(context.Background(), &stepSource{end: c.end})
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Errorf("Run: %v, want %v", err, c.want)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		src := &stepSource{frames: []Frame{{Img: qrFrame(t, "")}, {Img: qrFrame(t, "")}}, ack: make(chan struct{})}
		s := &Session{afterDecode: func(Frame) { cancel() }}
		if err := s.Run(ctx, src); err != nil {
			t.Errorf("Run after cancel: %v", err)
		}
	})
}

func TestSight(t *testing.T) {
	t0 := time.Now()
	s := &Session{Linger: time.Second}
	steps := []struct {
		key    string
		ms     int
		status Status
		first  bool
	}{
		{"a", 0, StatusCaptured, true},
		{"a", 900, StatusCaptured, false},
		{"a", 1800, StatusCaptured, false}, // within a second of the last read
		{"b", 1800, StatusCaptured, true},
		{"a", 1700, StatusCaptured, false}, // an older frame read late
		{"a", 2900, StatusDuplicate, true},
		{"a", 3500, StatusDuplicate, false},
		{"b", 3500, StatusDuplicate, true},
	}
	for i, st := range steps {
		status, first := s.sight(st.key, t0.Add(time.Duration(st.ms)*time.Millisecond))
		if status != st.status || first != st.first {
			t.Errorf("step %d: %v %v, want %v %v", i, status, first, st.status, st.first)
		}
	}
}

func TestLumaPlane(t *testing.T) {
	y := image.NewYCbCr(image.Rect(0, 0, 8, 4), image.YCbCrSubsampleRatio420)
	for i := range y.Y {
		y.Y[i] = byte(i)
	}
	p := lumaPlane(y)
	if p.W != 8 || p.H != 4 || &p.Pix[0] != &y.Y[0] {
		t.Error("YCbCr luma should be shared")
	}
	sub := y.SubImage(image.Rect(2, 1, 6, 3)).(*image.YCbCr)
	p = lumaPlane(sub)
	if p.W != 4 || p.H != 2 || p.Pix[0] != 10 || p.Pix[5] != 19 {
		t.Errorf("sub-image luma %v", p.Pix)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 2, 1))
	rgba.Pix = []byte{255, 255, 255, 255, 0, 0, 0, 0} // white, transparent
	if p := lumaPlane(rgba); p.Pix[0] != 255 || p.Pix[1] != 255 {
		t.Errorf("RGBA luma %v, want white over white", p.Pix)
	}
	n := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	n.Pix = []byte{0, 0, 0, 255}
	if p := lumaPlane(n); p.Pix[0] != 0 {
		t.Errorf("NRGBA black luma %v", p.Pix)
	}
}

func TestStillViewSkipped(t *testing.T) {
	t0 := time.Now()
	empty := qrFrame(t, "")
	// The same desk a little brighter and noisier: still unchanged.
	brighter := image.NewGray(empty.Rect)
	for i, v := range empty.Pix {
		brighter.Pix[i] = v + 6 + byte(i%3)
	}
	s := &Session{}
	ctx := context.Background()
	steps := []struct {
		img     image.Image
		ms      int
		skipped uint64 // total after the step
	}{
		{empty, 0, 0},
		{brighter, 100, 1},             // unchanged: skipped
		{empty, 200, 2},                // skipped
		{empty, 600, 2},                // looked at again after stillRetry
		{qrFrame(t, invoiceA), 700, 2}, // a page comes into view: decoded at once
		{empty, 800, 2},                // the view changed back: decoded
	}
	for i, st := range steps {
		s.decode(ctx, Frame{Img: st.img, At: t0.Add(time.Duration(st.ms) * time.Millisecond)})
		if got := s.Stats().Skipped; got != st.skipped {
			t.Errorf("step %d: %d skipped, want %d", i, got, st.skipped)
		}
	}
	if s.Stats().Captures != 1 {
		t.Error("the invoice was not taken in")
	}
}
