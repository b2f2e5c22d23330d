package imaging

import (
	"context"
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"
)

// runLadder searches img as DecodeImage does and hands back the ladder.
func runLadder(img image.Image, opt Options) *ladder {
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
	}
	if opt.IsInvoice == nil {
		opt.IsInvoice = looksLikeInvoice
	}
	l := &ladder{img: img, opt: opt, maxWork: budgetWork(opt.Budget), ctx: context.Background(), planes: map[Channel]*Plane{}}
	l.run()
	return l
}

// paper is a form on grey paper with no QR code: texture, the ruling of
// its boxes and rows of thin strokes where text would be.
func paper(seed uint64) *image.Gray {
	r := rand.New(rand.NewPCG(seed, 1))
	g := image.NewGray(image.Rect(0, 0, 800, 560))
	for i := range g.Pix {
		g.Pix[i] = uint8(225 + r.IntN(25))
	}
	ink := func(x, y int) { g.SetGray(x, y, color.Gray{Y: uint8(60 + r.IntN(50))}) }
	for y := 60; y <= 520; y += 92 {
		for x := 40; x < 760; x++ {
			ink(x, y)
			ink(x, y+1)
		}
	}
	for x := 40; x <= 760; x += 180 {
		for y := 60; y <= 520; y++ {
			ink(x, y)
			ink(x+1, y)
		}
	}
	for y := 80; y < 500; y += 24 {
		for x := 50; x < 740; x += 12 + r.IntN(10) {
			// A stroke of a character: horizontal or vertical, 2 px thick.
			if r.IntN(2) == 0 {
				for d := 0; d < 9; d++ {
					ink(x+d, y+r.IntN(3))
				}
			} else {
				for d := 0; d < 12; d++ {
					ink(x, y+d)
					ink(x+1, y+d)
				}
			}
		}
	}
	return g
}

// An image that shows no finder pattern is given up after the cheap
// passes, long before its budget; one whose finder patterns show but whose
// code cannot be read is searched on.
func TestNoQRGivenUpEarly(t *testing.T) {
	for seed := range uint64(2) {
		l := runLadder(paper(seed), Options{})
		if len(l.found) != 0 {
			t.Fatalf("seed %d: read %q from paper", seed, texts(l.found))
		}
		if !l.gaveUp {
			t.Errorf("seed %d: not given up (evidence %d, candidates %d)", seed, l.evidence, len(l.candidates))
		}
		if l.work*4 > l.maxWork {
			t.Errorf("seed %d: %d pixels searched of %d, want the search stopped early", seed, l.work, l.maxWork)
		}
	}
	// A code whose data area is scrambled: its finder patterns are there.
	q := qrImage(t, invoiceText, 6)
	r := rand.New(rand.NewPCG(9, 9))
	b := q.Bounds()
	for y := b.Dy() * 2 / 5; y < b.Dy()*3/5; y++ {
		for x := b.Dx() * 2 / 5; x < b.Dx()*3/5; x++ {
			q.SetGray(x, y, color.Gray{Y: uint8(255 * r.IntN(2))})
		}
	}
	if l := runLadder(q, Options{}); l.gaveUp {
		t.Errorf("a damaged code was given up (evidence %d)", l.evidence)
	}
}

// The budget is spent in pixels searched: the same image takes the same
// passes every time, whatever the clock says, and a small budget stops the
// search after about that many pixels.
func TestBudgetIsWork(t *testing.T) {
	// A corner of a form, to keep the searches short.
	img := paper(7).SubImage(image.Rect(0, 0, 400, 280)).(*image.Gray)
	// Keep the paper's finder-less look from stopping the search early:
	// draw three finder patterns, far apart, that make no code.
	for _, o := range [][2]int{{30, 30}, {300, 45}, {60, 200}} {
		for y := 0; y < 7; y++ {
			for x := 0; x < 7; x++ {
				dark := x == 0 || y == 0 || x == 6 || y == 6 || (x >= 2 && x <= 4 && y >= 2 && y <= 4)
				v := uint8(255)
				if dark {
					v = 0
				}
				for dy := 0; dy < 5; dy++ {
					for dx := 0; dx < 5; dx++ {
						img.SetGray(o[0]+x*5+dx, o[1]+y*5+dy, color.Gray{Y: v})
					}
				}
			}
		}
	}
	a, b := runLadder(img, Options{}), runLadder(img, Options{})
	if a.work != b.work || a.evidence != b.evidence {
		t.Errorf("two searches of one image: %d and %d pixels, evidence %d and %d", a.work, b.work, a.evidence, b.evidence)
	}
	small := runLadder(img, Options{Budget: budgetDuration(3 * int64(img.Rect.Dx()*img.Rect.Dy()))})
	// At most one pass (and its grid fits) past the budget.
	if max := 4*int64(img.Rect.Dx()*img.Rect.Dy()) + maxFits*fitWork; small.work > max {
		t.Errorf("a budget of three passes searched %d pixels, want at most %d", small.work, max)
	}
	if small.work >= a.work {
		t.Errorf("a small budget searched %d pixels, the default one %d", small.work, a.work)
	}
}

// onWhite places codes on a white page at the given corners.
func onWhite(w, h int, codes []*image.Gray, at []image.Point) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for i, c := range codes {
		b := c.Bounds()
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				g.SetGray(at[i].X+x, at[i].Y+y, c.GrayAt(x, y))
			}
		}
	}
	return g
}

// A code that is not an invoice's, alone on its page, ends the search at
// the checkpoint: nothing else shows a finder pattern. Beside an invoice's
// code, both are read.
func TestOtherCodeAlone(t *testing.T) {
	const pay = "https://pay.example.com/qr/0123456789"
	l := runLadder(onWhite(700, 500, []*image.Gray{qrImage(t, pay, 5)}, []image.Point{{80, 60}}), Options{})
	if got := texts(l.found); len(got) != 1 || got[0] != pay {
		t.Fatalf("read %q", got)
	}
	if !l.complete {
		t.Errorf("the search went on past the checkpoint (%d stray finder candidates of %d)", len(l.centres), l.evidence)
	}
	both := onWhite(900, 500, []*image.Gray{qrImage(t, pay, 5), qrImage(t, invoiceText, 3)}, []image.Point{{40, 60}, {520, 80}})
	cs, err := DecodeImage(context.Background(), both, Options{IsInvoice: looksLikeInvoice})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := texts(cs), []string{invoiceText, pay}; !slices.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}
