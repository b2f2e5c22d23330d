package camera

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

// chanSource gives the frames the test sends it and says each time it is
// asked for the next one, which the session does only once it is done
// with the one before (shown or held back, and left for the decoder).
type chanSource struct {
	frames chan Frame
	asked  chan struct{}
}

func (s *chanSource) Next(ctx context.Context) (Frame, error) {
	select {
	case s.asked <- struct{}{}:
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
	select {
	case f, ok := <-s.frames:
		if !ok {
			return Frame{}, io.EOF
		}
		return f, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

func (s *chanSource) Mode() Mode   { return Mode{W: 640, H: 480} }
func (s *chanSource) Close() error { return nil }

// TestOutlinesOnlyOnTheirFrame plays frames to a session whose decoder is
// slower than the camera (the test holds it after each decode): an invoice
// held up, moved and taken away while its frame is being decoded, held up
// again, then taken away while the decoder lags. An outline is only ever
// drawn on the frame its code was read in, at the code's place there; the
// preview still outlines the invoice while it stays in view, never goes
// back in time, and does not wait more than heldFrames frames for the
// decoder.
func TestOutlinesOnlyOnTheirFrame(t *testing.T) {
	type shot struct {
		text string
		x    int // the code's left edge
	}
	var shots []shot
	type shown struct {
		seq      uint64
		outlines []Outline
	}
	var got []shown // only the session's goroutines append, one call at a time
	src := &chanSource{frames: make(chan Frame), asked: make(chan struct{})}
	decoded, release := make(chan uint64, 64), make(chan struct{})
	s := &Session{
		Budget:      500 * time.Millisecond, // a loaded machine still reads the code
		OnFrame:     func(f Frame, o []Outline) { got = append(got, shown{f.Seq, o}) },
		afterDecode: func(f Frame) { decoded <- f.Seq; <-release },
	}
	ran := make(chan error, 1)
	go func() { ran <- s.Run(context.Background(), src) }()

	t0 := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	<-src.asked
	feed := func(text string, x int) {
		seq := uint64(len(shots))
		shots = append(shots, shot{text, x})
		src.frames <- Frame{Img: qrFrameAt(t, text, x), At: t0.Add(time.Duration(seq) * 33 * time.Millisecond), Seq: seq}
		<-src.asked
	}
	decodedNext := func(want uint64) {
		t.Helper()
		if seq := <-decoded; seq != want {
			t.Fatalf("decoded frame %d, want %d", seq, want)
		}
	}

	feed(invoiceA, 100) // 0: shown as it comes, the view was empty
	decodedNext(0)      // the invoice is read in frame 0…
	feed(invoiceA, 300) // 1: …while it moves
	feed("", 0)         // 2: and is put away
	feed("", 0)         // 3
	release <- struct{}{}
	decodedNext(3)      // the decoder takes the newest, 3: nothing in it
	feed(invoiceA, 200) // 4: shown as it comes
	release <- struct{}{}
	decodedNext(4)      // read in 4
	feed(invoiceA, 250) // 5: held back, waiting for a decoded frame
	feed(invoiceA, 150) // 6
	release <- struct{}{}
	decodedNext(6) // read in 6: shown with its outline
	for range heldFrames + 1 {
		feed("", 0) // put away while the decoder lags behind
	}
	close(src.frames)
	close(release)
	if err := <-ran; err != nil {
		t.Fatal(err)
	}

	var seqs []uint64
	for i, g := range got {
		seqs = append(seqs, g.seq)
		if i > 0 && g.seq <= got[i-1].seq {
			t.Errorf("frame %d shown after frame %d", g.seq, got[i-1].seq)
		}
		sh := shots[g.seq]
		for _, o := range g.outlines {
			if o.Text != sh.text {
				t.Errorf("frame %d (code %q) shown with the outline of %q", g.seq, sh.text, o.Text)
				continue
			}
			for _, p := range o.Points {
				if p.X < float64(sh.x-10) || p.X > float64(sh.x+qrSide+10) || p.Y < 100 || p.Y > 110+qrSide+10 {
					t.Errorf("frame %d (code at x %d–%d) shown with an outline corner at %v", g.seq, sh.x, sh.x+qrSide, p)
				}
			}
		}
	}
	last := uint64(len(shots) - 1)
	if want := fmt.Sprint([]uint64{0, 3, 4, 6, last}); fmt.Sprint(seqs) != want {
		t.Errorf("frames shown %v, want %v", seqs, want)
	}
	outlined := map[uint64]int{}
	for _, g := range got {
		outlined[g.seq] = len(g.outlines)
	}
	if outlined[6] != 1 {
		t.Errorf("frame 6, read with its code in it, shown with %d outlines, want 1", outlined[6])
	}
}
