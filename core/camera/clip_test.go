package camera

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/payload"
)

// keyOf is the session key of an invoice text.
func keyOf(text string) string {
	if id := payload.Parse(text).Identity(); id != "" {
		return id
	}
	return text
}

// framesAt reads the clip unpaced and returns the frames at the given
// positions (seconds), in order.
func framesAt(tb testing.TB, c *clip, at ...float64) []Frame {
	tb.Helper()
	sort.Float64s(at)
	ctx := context.Background()
	src, err := OpenFile(ctx, c.path, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	var out []Frame
	for len(out) < len(at) {
		f, err := src.Next(ctx)
		if err != nil {
			tb.Fatalf("clip ended before %.2f s: %v", at[len(out)], err)
		}
		for len(out) < len(at) && f.PTS.Seconds() >= at[len(out)] {
			out = append(out, f)
		}
	}
	return out
}

// playSpeed is how fast the clip test can play its clip on this machine:
// real time unless decoding is slow here (the race detector, a loaded CI
// machine), when the clip is slowed so that each invoice is still looked at
// as often as a camera at real speed would allow on a normal machine.
func playSpeed(tb testing.TB, c *clip) float64 {
	s := &Session{}
	frames := framesAt(tb, c, 0.2, c.segs[0].in+0.4)
	var worst time.Duration
	for _, f := range frames {
		start := time.Now()
		s.read(context.Background(), f.Img)
		worst = max(worst, time.Since(start))
	}
	return math.Max(0.25, math.Min(1, float64(220*time.Millisecond)/float64(worst)))
}

// played is what a session reported while playing a clip.
type played struct {
	captures, duplicates []Capture
	stats                Stats
	start                time.Time // when the clip's first frame was shown
}

// play runs a session over the clip paced at speed.
func play(tb testing.TB, c *clip, speed float64) played {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	src, err := OpenFile(ctx, c.path, speed)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	var p played
	var mu sync.Mutex
	s := &Session{
		// Frame times stretch with the speed; so must a showing.
		Linger:      time.Duration(float64(DefaultLinger) / speed),
		OnCapture:   func(cp Capture) { mu.Lock(); p.captures = append(p.captures, cp); mu.Unlock() },
		OnDuplicate: func(cp Capture) { mu.Lock(); p.duplicates = append(p.duplicates, cp); mu.Unlock() },
		OnFrame: func(f Frame, o []Outline) {
			if p.start.IsZero() {
				p.start = f.At.Add(-time.Duration(float64(f.PTS) / speed))
			}
			b := f.Img.Bounds()
			for _, ol := range o {
				for _, pt := range ol.Points {
					if pt.X < -50 || pt.Y < -50 || pt.X > float64(b.Dx())+50 || pt.Y > float64(b.Dy())+50 {
						tb.Errorf("outline corner %v outside the %v frame", pt, b)
					}
				}
			}
		},
	}
	if err := s.Run(ctx, src); err != nil {
		tb.Fatal(err)
	}
	p.stats = s.Stats()
	return p
}

// segmentOf is the segment whose showing (entering to gone) includes pts.
func (c *clip) segmentOf(pts time.Duration) (segment, bool) {
	t := pts.Seconds()
	for _, s := range c.segs {
		if t >= s.enter && t <= s.gone+0.1 {
			return s, true
		}
	}
	return segment{}, false
}

// TestClipCapturesEachInvoiceOnce plays a webcam-like clip: invoices slide
// in with motion blur, arrive out of focus, are held about a second and
// slide out, with empty desk between; a Wi-Fi QR card is held up too, and
// the first invoice is shown a second time at the end. Each invoice must
// be taken in exactly once, during its own showing; the card never; the
// repeat must be reported as a duplicate, once.
func TestClipCapturesEachInvoiceOnce(t *testing.T) {
	f := fixtures(t)
	a, b, c := f.invoices[0], f.invoices[1], f.invoices[2]
	cl := f.makeClip(t, "sequence", 1280, 720, 11, a, f.card, b, c, a)
	for _, s := range cl.segs {
		if s.read != s.still.text {
			t.Fatalf("%s: camclip read %q from the still, truth is %q", s.still.path, s.read, s.still.text)
		}
	}
	speed := playSpeed(t, cl)
	if speed < 1 {
		t.Logf("decoding is slow here: playing at %.2f× real time", speed)
	}
	p := play(t, cl, speed)

	wantCaptures := []string{keyOf(a.text), keyOf(b.text), keyOf(c.text)}
	if got := keys(p.captures); !equal(got, wantCaptures) {
		t.Errorf("captured %v, want %v", got, wantCaptures)
	}
	if got := keys(p.duplicates); !equal(got, []string{keyOf(a.text)}) {
		t.Errorf("duplicates %v, want the repeat of %s only", got, keyOf(a.text))
	}
	last := cl.segs[len(cl.segs)-1]
	for i, cp := range append(append([]Capture(nil), p.captures...), p.duplicates...) {
		if cp.Text == cardText {
			t.Errorf("the Wi-Fi card was taken in")
		}
		seg, ok := cl.segmentOf(cp.Frame.PTS)
		if !ok || keyOf(seg.still.text) != cp.Key {
			t.Errorf("%s read in the frame at %v, outside its showing", cp.Key, cp.Frame.PTS)
		}
		if i >= len(p.captures) && seg.enter != last.enter {
			t.Errorf("duplicate of %s reported at %v, not in the repeat showing", cp.Key, cp.Frame.PTS)
		}
		if cp.Result == nil || cp.Frame.Img == nil || len(cp.Points) != 4 {
			t.Errorf("capture %s lacks its result, frame or outline", cp.Key)
		}
		lat := cp.At.Sub(p.start).Seconds()*speed - seg.enter
		t.Logf("%-24s read %.2f s after it began to enter (%.2f s after fully in), frame %d", cp.Key, lat, lat-(seg.in-seg.enter), cp.Frame.Seq)
	}
	st := p.stats
	if st.Decoded+st.Skipped+st.Dropped != st.Frames || st.Decoded == 0 {
		t.Errorf("stats %+v: every frame should be decoded, skipped or dropped", st)
	}
	t.Logf("%d frames, %d decoded, %d skipped (still, empty view), %d dropped, %.0f ms a decode", st.Frames, st.Decoded, st.Skipped, st.Dropped,
		st.DecodeTime.Seconds()*1000/float64(st.Decoded))
}

// benchFrames are sharp frames with an invoice in view (about half a
// second after it arrived, when the focus has settled) and frames of the
// empty desk, from a clip of three invoices at w×h.
func benchFrames(b *testing.B, w, h int) (invoice, empty []Frame, c *clip) {
	f := fixtures(b)
	c = f.makeClip(b, fmt.Sprintf("bench%dx%d", w, h), w, h, 5, f.invoices[0], f.invoices[1], f.invoices[2])
	var at []float64
	for _, s := range c.segs {
		at = append(at, s.in+0.4)
	}
	at = append(at, 0.1, 0.3, 0.5)
	frames := framesAt(b, c, at...)
	return frames[3:], frames[:3], c
}

// BenchmarkDecode measures frames decoded per second, as the capture loop
// decodes them (downscaled pass, then the whole frame), on camera frames
// with an invoice in view and on frames of an empty desk, which take the
// whole budget.
func BenchmarkDecode(b *testing.B) {
	for _, size := range [][2]int{{1280, 720}, {1920, 1080}} {
		var invoice, empty []Frame
		for _, view := range []string{"invoice", "empty"} {
			b.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], view), func(b *testing.B) {
				if invoice == nil {
					invoice, empty, _ = benchFrames(b, size[0], size[1])
				}
				frames := invoice
				if view == "empty" {
					frames = empty
				}
				s := &Session{}
				ctx := context.Background()
				read, i := 0, 0
				for b.Loop() {
					if hasInvoice(s.read(ctx, frames[i%len(frames)].Img)) {
						read++
					}
					i++
				}
				b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "frames/s")
				b.ReportMetric(100*float64(read)/float64(i), "read-%")
			})
		}
	}
}

// BenchmarkEntryToCapture plays a 1280×720 clip of three invoices in real
// time and measures, for each, the time from the moment it starts to enter
// the frame to its capture.
func BenchmarkEntryToCapture(b *testing.B) {
	_, _, c := benchFrames(b, 1280, 720)
	var lat, afterIn []float64
	missed := 0
	for b.Loop() {
		p := play(b, c, 1)
		got := map[string]Capture{}
		for _, cp := range p.captures {
			got[cp.Key] = cp
		}
		for _, s := range c.segs {
			cp, ok := got[keyOf(s.still.text)]
			if !ok {
				missed++
				continue
			}
			t := cp.At.Sub(p.start).Seconds() - s.enter
			lat = append(lat, t*1000)
			afterIn = append(afterIn, (t-(s.in-s.enter))*1000)
		}
	}
	if len(lat) == 0 {
		b.Fatal("nothing captured")
	}
	sort.Float64s(lat)
	b.ReportMetric(mean(lat), "ms-enter-to-capture")
	b.ReportMetric(lat[len(lat)-1], "max-ms")
	b.ReportMetric(mean(afterIn), "ms-in-to-capture")
	b.ReportMetric(float64(missed), "missed")
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// The test sources are sources.
var (
	_ Source = (*stepSource)(nil)
	_ Source = (*burstSource)(nil)
)
