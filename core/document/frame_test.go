package document

import (
	"context"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// formPage draws, in QR sides from the code's top-left corner (qrSide
// pixels each, the page's origin at (-2, -1)), what rectify looks for: the
// code, a form's outer frame with rules inside it, lines of "print", and
// returns the page and the frame's corners.
func formPage(withFrame bool) (*imaging.Plane, [4]imaging.Point) {
	const ox, oy = 2.0, 1.0
	w, h := int(17*qrSide), int(10*qrSide)
	p := &imaging.Plane{W: w, H: h, Pix: make([]byte, w*h)}
	for i := range p.Pix {
		p.Pix[i] = 235
	}
	px := func(q float64) int { return int(q * qrSide) }
	fill := func(x0, y0, x1, y1 float64, v byte) {
		for y := max(0, px(y0+oy)); y < min(h, px(y1+oy)); y++ {
			for x := max(0, px(x0+ox)); x < min(w, px(x1+ox)); x++ {
				p.Pix[y*w+x] = v
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	// The code: modules at random.
	for my := range 25 {
		for mx := range 25 {
			if r.IntN(2) == 0 {
				fill(float64(mx)/25, float64(my)/25, float64(mx+1)/25, float64(my+1)/25, 20)
			}
		}
	}
	rule := 2.5 / qrSide
	x0, y0, x1, y1 := -0.4, 1.3, 12.6, 6.9
	if withFrame {
		for _, y := range []float64{y0, 2.4, 4.6, 5.1, y1} {
			fill(x0, y, x1, y+rule, 120)
		}
		for _, x := range []float64{x0, x1} {
			fill(x, y0, x+rule, y1+rule, 120)
		}
		for _, x := range []float64{3, 6, 9} { // the goods table's columns
			fill(x, 2.4, x+rule, 4.6, 120)
		}
	}
	// Print: words in lines.
	for _, y := range []float64{0.2, 0.5, 1.6, 1.9, 2.6, 2.9, 4.75, 5.4, 5.7, 7.2} {
		for x := -0.2; x < 12; x += 0.6 + r.Float64() {
			if r.IntN(3) > 0 {
				fill(x, y, x+0.3+0.4*r.Float64(), y+0.12, 60)
			}
		}
	}
	var frame [4]imaging.Point
	for i, c := range [4][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
		frame[i] = imaging.Point{X: (c[0] + ox) * qrSide, Y: (c[1] + oy) * qrSide}
	}
	return p, frame
}

// photograph shows page through t (page pixels to photo pixels) on a dark
// desk, w × h pixels.
func photograph(page *imaging.Plane, t imaging.Homography, w, h int) *imaging.Plane {
	inv := invertHomography(t)
	out := &imaging.Plane{W: w, H: h, Pix: make([]byte, w*h)}
	for y := range h {
		for x := range w {
			sx, sy := inv.Apply(float64(x)+0.5, float64(y)+0.5)
			ix, iy := int(sx), int(sy)
			if sx < 0 || sy < 0 || ix >= page.W || iy >= page.H {
				out.Pix[y*w+x] = 50
				continue
			}
			out.Pix[y*w+x] = page.Pix[iy*page.W+ix]
		}
	}
	return out
}

func invertHomography(h imaging.Homography) imaging.Homography {
	var pts, img [4]imaging.Point
	for i, c := range [4][2]float64{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}} {
		pts[i] = imaging.Point{X: c[0], Y: c[1]}
		x, y := h.Apply(c[0], c[1])
		img[i] = imaging.Point{X: x, Y: y}
	}
	inv, _ := imaging.SolveHomography(img, pts)
	return inv
}

// A sheet photographed in perspective is read through the homography its
// outer frame shows: the frame's corners, far from the code, land where
// they are in the photo, not where the code alone would put them.
func TestRectifyPerspective(t *testing.T) {
	// The page's corners seen tilted away and turned a little.
	t.Run("tilted", func(t *testing.T) {
		testRectify(t, [4]imaging.Point{{X: 180, Y: 140}, {X: 1900, Y: 230}, {X: 2050, Y: 1350}, {X: 80, Y: 1250}})
	})
	// Tilted far away from the camera, with the code at the near corner:
	// the far side of the frame slants by a third of its height where
	// the code's own square puts it.
	t.Run("steep", func(t *testing.T) {
		testRectify(t, [4]imaging.Point{{X: 60, Y: 60}, {X: 2250, Y: 150}, {X: 1500, Y: 1450}, {X: 60, Y: 1380}})
	})
}

func testRectify(t *testing.T, dst [4]imaging.Point) {
	page, frame := formPage(true)
	pw, ph := float64(page.W), float64(page.H)
	src := [4]imaging.Point{{X: 0, Y: 0}, {X: pw, Y: 0}, {X: pw, Y: ph}, {X: 0, Y: ph}}
	tr, ok := imaging.SolveHomography(src, dst)
	if !ok {
		t.Fatal("no homography")
	}
	photo := photograph(page, tr, 2200, 1500)
	var qr []imaging.Point
	for _, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		x, y := tr.Apply((c[0]+2)*qrSide, (c[1]+1)*qrSide)
		qr = append(qr, imaging.Point{X: x, Y: y})
	}
	a, ok := imaging.QRFrame(qr, 0, 0, qrSide)
	if !ok {
		t.Fatal("no QR frame")
	}
	h, ok := rectify(photo, a, qr)
	if !ok {
		t.Fatal("rectify found no frame")
	}
	side := math.Hypot(qr[1].X-qr[0].X, qr[1].Y-qr[0].Y)
	for i, c := range frame {
		var want imaging.Point
		want.X, want.Y = tr.Apply(c.X, c.Y)
		// The frame's corner in the reading frame.
		fx, fy := c.X-2*qrSide, c.Y-1*qrSide
		gx, gy := h.Apply(fx, fy)
		if d := math.Hypot(gx-want.X, gy-want.Y); d > 0.08*side {
			t.Errorf("frame corner %d: at (%.0f, %.0f), want (%.0f, %.0f): %.1f px off (QR side %.0f px)", i, gx, gy, want.X, want.Y, d, side)
		}
		ax, ay := a.Apply(fx, fy)
		t.Logf("corner %d: the code alone is %.0f px off, the frame %.0f px", i, math.Hypot(ax-want.X, ay-want.Y), math.Hypot(gx-want.X, gy-want.Y))
	}
	// What the code alone gives is far off at the far corner: the test
	// shows perspective, not an affine page.
	fx, fy := frame[2].X-2*qrSide, frame[2].Y-1*qrSide
	ax, ay := a.Apply(fx, fy)
	wx, wy := tr.Apply(frame[2].X, frame[2].Y)
	if math.Hypot(ax-wx, ay-wy) < 0.3*side {
		t.Errorf("the test page shows no perspective")
	}
}

// A page with no ruled frame (a receipt, a form cut off) keeps the
// code's own mapping.
func TestRectifyNoFrame(t *testing.T) {
	page, _ := formPage(false)
	id := imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1}
	var qr []imaging.Point
	for _, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		qr = append(qr, imaging.Point{X: (c[0] + 2) * qrSide, Y: (c[1] + 1) * qrSide})
	}
	a, _ := imaging.QRFrame(qr, 0, 0, qrSide)
	if _, ok := rectify(photograph(page, id, page.W, page.H), a, qr); ok {
		t.Error("rectify found a frame on a page without one")
	}
}

// Light falling off across a band: after evenLight the paper on the dark
// side is about as bright as on the light one (120 levels apart before),
// and print stays far darker than paper on both.
func TestEvenLight(t *testing.T) {
	w, h := 600, 120
	p := &imaging.Plane{W: w, H: h, Pix: make([]byte, w*h)}
	for y := range h {
		for x := range w {
			light := 230 - 120*float64(x)/float64(w) // 230 on the left, 110 on the right
			v := light
			if y >= 50 && y < 70 && x%30 < 12 { // a row of "characters"
				v = light * 0.3
			}
			p.Pix[y*w+x] = byte(v)
		}
	}
	q := evenLight(p)
	paperL, paperR := q.Pix[10*w+20], q.Pix[10*w+w-20]
	inkL, inkR := q.Pix[60*w+5], q.Pix[60*w+w-25]
	if math.Abs(float64(paperL)-float64(paperR)) > 25 {
		t.Errorf("paper %d on the left, %d on the right", paperL, paperR)
	}
	if int(inkL) > int(paperL)/2 || int(inkR) > int(paperR)/2 {
		t.Errorf("print %d and %d against paper %d and %d", inkL, inkR, paperL, paperR)
	}
	// Before, the dark side's paper was darker than the light side's print
	// threshold would allow: what the engine's one threshold got wrong.
	if p.Pix[10*w+w-20] > p.Pix[10*w+20]/2+10 {
		t.Errorf("the test band's light does not fall off enough")
	}
}

func TestAgreed(t *testing.T) {
	if agreed([]reading{{"1.00", 0.9}, {"", 0.5}, {"", 0.4}}) {
		t.Error("one reading and two empty ones agreed")
	}
	if !agreed([]reading{{"1.00", 0.9}, {"1.01", 0.5}, {"1.00", 0.4}}) {
		t.Error("two equal readings did not agree")
	}
	// A dot-matrix total whose point the engine read at 0.54 and 0.45 in
	// two crops: decide would not take it, and it is read again.
	if agreed([]reading{{"", 0.9}, {"299425.99", 0.54}, {"299425.99", 0.45}}) {
		t.Error("two unsure readings agreed")
	}
}

// constEngine reads the same text in every region.
type constEngine struct{ text string }

func (e constEngine) Read(_ context.Context, img *image.Gray, _ ocr.Options) ([]ocr.Glyph, error) {
	return []ocr.Glyph{{Text: e.text, Box: img.Bounds(), Conf: 0.99}}, nil
}

func (constEngine) Name() string { return "const" }

// A 税控 invoice's number has 8 digits: 20 digits read surely, again and
// again, beside its caption are another field, and the number is not read
// (missing), never different.
func TestNumberOfTheOtherLayout(t *testing.T) {
	const check = "74147824001178152177"
	r := &paperReader{
		ctx:   context.Background(),
		eng:   constEngine{check},
		src:   &imaging.Plane{W: 400, H: 100, Pix: make([]byte, 400*100)},
		toSrc: imaging.Homography{1, 0, 0, 0, 1, 0, 0, 0, 1},
		hint:  payload.Parse(paperQR),
	}
	var number ocrField
	for _, f := range ocrFields {
		if f.key == keyNumber {
			number = f
		}
	}
	v := val{s: check, conf: 0.99, box: [4]float64{20, 20, 300, 40}}
	if got, _ := r.settle(number, v); got != "" {
		t.Errorf("a 20-digit value read as a 税控 invoice's number: %q", got)
	}
	// The same reading is the number of a 数电 invoice.
	r.hint = payload.Parse("01,32,,24442000000578216121,9322.09,20241119,,A1B2")
	r.eng = constEngine{"24442000000578216121"}
	v.s = "24442000000578216121"
	if got, _ := r.settle(number, v); got != v.s {
		t.Errorf("a 数电 invoice's number read as %q", got)
	}
}
