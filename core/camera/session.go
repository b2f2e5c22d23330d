package camera

import (
	"context"
	"errors"
	"image"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

// Defaults of a Session.
const (
	// DefaultBudget is the decoding time one frame may take. A frame with
	// no code in it takes all of it, so it also sets how often an empty
	// view is looked at again.
	DefaultBudget = 150 * time.Millisecond
	// DefaultLinger is how long a code may go unread and still count as
	// the same showing: beyond it, the invoice was put away and held up
	// again.
	DefaultLinger = 2 * time.Second
	// heldFrames is how many frames the preview may wait, while a code is
	// in view, for a decoded frame to draw its outline on. Beyond it the
	// preview goes on without outlines rather than fall behind the camera.
	heldFrames = 6
	// fastSide is the longer side of the first, downscaled decode.
	fastSide = 960
	// stillRetry is how often an unchanged view with no code in it is
	// decoded again; in between, its frames are skipped.
	stillRetry = 500 * time.Millisecond
	// stillDiff is the mean difference of thumbnail pixels (brightness
	// aside) under which a view counts as unchanged: well above sensor
	// noise, well below a page coming into view.
	stillDiff = 3.0
)

// Status is what an outline on the preview stands for.
type Status int

const (
	// StatusCaptured: an invoice taken in during this showing.
	StatusCaptured Status = iota
	// StatusDuplicate: an invoice already taken in this session, held up again.
	StatusDuplicate
	// StatusIgnored: a QR code that is not an invoice's.
	StatusIgnored
)

func (s Status) String() string {
	return [...]string{"captured", "duplicate", "ignored"}[s]
}

// Outline is a QR code seen on the preview.
type Outline struct {
	// Points are the code's corners in the frame's pixels: top-left,
	// top-right, bottom-right, bottom-left.
	Points []imaging.Point
	Text   string
	Status Status
}

// Capture is an invoice QR read from the camera.
type Capture struct {
	Text   string
	Result *payload.Result
	// Frame is the frame it was read in, to keep with the record.
	Frame  Frame
	Points []imaging.Point
	// Key names the invoice in the session: Result.Identity(), or the text
	// when that is empty.
	Key string
	// At is when it was read (after decoding).
	At time.Time
}

// Stats count what a session did.
type Stats struct {
	Frames     uint64        // frames from the source
	Decoded    uint64        // frames decoded
	Dropped    uint64        // frames replaced by a newer one before decoding
	Skipped    uint64        // frames of an unchanged, empty view not decoded again
	Captures   uint64        // invoices taken in
	Duplicates uint64        // showings of an invoice already taken
	DecodeTime time.Duration // time spent decoding
}

// Session is the live capture loop: it reads frames from a source, shows
// each on the preview, decodes the newest whenever the decoder is free and
// takes in every invoice QR it has not seen in the session. It knows
// nothing of the window: what it finds reaches the UI through the callbacks.
//
// The zero value is ready to use. Callbacks run on the session's
// goroutines (OnFrame on the reader's, the others on Run's) and must not
// block for long; a UI hands them on with fyne.Do. Run one Run at a time.
type Session struct {
	// Scanner gives the date for checks and the keys of sealed codes; nil
	// is the zero Scanner.
	Scanner *scan.Scanner
	// Budget bounds the decoding of one frame; DefaultBudget when 0.
	Budget time.Duration
	// Linger is how long an invoice may go unread and still be the same
	// showing; DefaultLinger when 0.
	Linger time.Duration

	// OnFrame receives the frames to show, each with the outlines of the
	// codes read in that very frame, never those of another: while no code
	// is in view every frame (with none), while one is only the frames
	// decoded, or the next ones undecoded when a decode keeps the preview
	// waiting more than a few frames. Frames come in order, never one
	// after a newer one, and one call at a time.
	OnFrame func(Frame, []Outline)
	// OnCapture receives each invoice the first time it is read.
	OnCapture func(Capture)
	// OnDuplicate receives an invoice already taken when it is held up again.
	OnDuplicate func(Capture)

	mu   sync.Mutex
	seen map[string]*sighting

	// show serializes OnFrame. Under it, latest and shown number the last
	// frame read and the last shown (from 1, as the reader numbers them),
	// and inView says the frames read are held back from the preview: the
	// last frame decoded had a code in it, and the decoder keeps up.
	show          sync.Mutex
	latest, shown uint64
	inView        bool

	// afterDecode is called after each frame is decoded (tests step with it).
	afterDecode func(Frame)

	// still is the thumbnail of the last frame decoded with nothing in it.
	still   *thumb
	stillAt time.Time

	frames, decoded, dropped, skipped, captures, duplicates atomic.Uint64
	decodeNanos                                             atomic.Int64
}

// sighting is an invoice's latest showing.
type sighting struct {
	last   time.Time
	status Status
}

// Run reads src until it ends, ctx is done, or src is closed; then it
// returns nil. Any other failure of the source is returned. Run does not
// close src.
func (s *Session) Run(ctx context.Context, src Source) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	mb := newMailbox[numbered]()
	var readErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer mb.close()
		for n := uint64(1); ; n++ {
			f, err := src.Next(rctx)
			if err != nil {
				readErr = err
				return
			}
			s.frames.Add(1)
			s.showRead(f, n)
			if mb.put(numbered{f, n}) {
				s.dropped.Add(1)
			}
		}
	}()
	for {
		nf, ok := mb.take(rctx)
		if !ok {
			break
		}
		if outs, ok := s.decode(rctx, nf.f); ok {
			s.showDecoded(nf.f, nf.n, outs)
		}
		if s.afterDecode != nil {
			s.afterDecode(nf.f)
		}
	}
	cancel()
	<-done
	switch {
	case readErr == nil, errors.Is(readErr, io.EOF), errors.Is(readErr, ErrClosed):
		return nil
	case ctx.Err() != nil && errors.Is(readErr, ctx.Err()):
		return nil
	}
	return readErr
}

// Stats returns the counts so far.
func (s *Session) Stats() Stats {
	return Stats{
		Frames: s.frames.Load(), Decoded: s.decoded.Load(), Dropped: s.dropped.Load(), Skipped: s.skipped.Load(),
		Captures: s.captures.Load(), Duplicates: s.duplicates.Load(),
		DecodeTime: time.Duration(s.decodeNanos.Load()),
	}
}

// Forget lets the invoice named key be taken in again (say, after its
// record was deleted).
func (s *Session) Forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, key)
}

// numbered is a frame with its place in what the reader read, from 1.
type numbered struct {
	f Frame
	n uint64
}

// showRead hands on frame n as read, without outlines, unless a code is in
// view and the preview has waited less than heldFrames frames for a
// decoded frame to outline it on.
func (s *Session) showRead(f Frame, n uint64) {
	s.show.Lock()
	defer s.show.Unlock()
	s.latest = n
	if s.inView {
		if n-s.shown <= heldFrames {
			return
		}
		s.inView = false // the decoder fell behind: the preview goes on
	}
	s.present(f, n, nil)
}

// showDecoded hands on frame n, decoded, with the outlines of the codes
// read in it; a frame older than one shown is left out. Frames read after
// it are held back while it had a code in it, unless the decoder took more
// than heldFrames frames' time over it: the next decode would keep the
// preview waiting too long.
func (s *Session) showDecoded(f Frame, n uint64, outs []Outline) {
	s.show.Lock()
	defer s.show.Unlock()
	s.inView = len(outs) > 0 && s.latest-n <= heldFrames
	s.present(f, n, outs)
}

// present calls OnFrame for frame n if no newer frame was shown. Call it
// with s.show held.
func (s *Session) present(f Frame, n uint64, outs []Outline) {
	if n <= s.shown {
		return
	}
	s.shown = n
	if s.OnFrame != nil {
		s.OnFrame(f, outs)
	}
}

// decode reads f and reports what is new. It returns the outlines of the
// codes read in f, and false when f was not looked at to the end (the
// context ended).
func (s *Session) decode(ctx context.Context, f Frame) ([]Outline, bool) {
	start := time.Now()
	view := thumbnail(lumaPlane(f.Img))
	// An empty view that has not changed is not worth a full budget on
	// every frame; it is looked at again now and then all the same.
	if s.still != nil && f.At.Sub(s.stillAt) < stillRetry && f.At.After(s.stillAt) && difference(view, *s.still) < stillDiff {
		s.skipped.Add(1)
		return nil, true
	}
	codes := s.read(ctx, f.Img)
	s.decodeNanos.Add(int64(time.Since(start)))
	if ctx.Err() != nil {
		return nil, false
	}
	s.decoded.Add(1)
	s.still, s.stillAt = nil, time.Time{}
	if len(codes) == 0 {
		s.still, s.stillAt = &view, f.At
	}
	now, keys := time.Now(), (*sealed.Keyring)(nil)
	if sc := s.Scanner; sc != nil {
		keys = sc.Keyring()
		if sc.Now != nil {
			now = sc.Now()
		}
	}
	var outs []Outline
	for _, c := range codes {
		r := payload.AnalyzeWith(c.Text, now, keys)
		if r.Kind == payload.KindOther {
			outs = append(outs, Outline{Points: c.Points, Text: c.Text, Status: StatusIgnored})
			continue
		}
		key := r.Identity()
		if key == "" {
			key = c.Text
		}
		status, first := s.sight(key, f.At)
		outs = append(outs, Outline{Points: c.Points, Text: c.Text, Status: status})
		if !first {
			continue
		}
		cp := Capture{Text: c.Text, Result: r, Frame: f, Points: c.Points, Key: key, At: time.Now()}
		if status == StatusCaptured {
			s.captures.Add(1)
			if s.OnCapture != nil {
				s.OnCapture(cp)
			}
		} else {
			s.duplicates.Add(1)
			if s.OnDuplicate != nil {
				s.OnDuplicate(cp)
			}
		}
	}
	return outs, true
}

// sight records that key was read in a frame taken at. It returns the
// status of this showing and whether the showing begins with this read.
func (s *Session) sight(key string, at time.Time) (Status, bool) {
	linger := s.Linger
	if linger <= 0 {
		linger = DefaultLinger
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]*sighting{}
	}
	g, ok := s.seen[key]
	switch {
	case !ok:
		s.seen[key] = &sighting{last: at, status: StatusCaptured}
		return StatusCaptured, true
	case at.Sub(g.last) > linger:
		g.last, g.status = at, StatusDuplicate
		return StatusDuplicate, true
	}
	if at.After(g.last) {
		g.last = at
	}
	return g.status, false
}

// read finds the QR codes in a frame within the budget: first on a
// downscaled luma plane, which is quick and reads a code held up close,
// then on the whole frame for a code that is small or needs colour (a red
// seal across it).
func (s *Session) read(ctx context.Context, img image.Image) []imaging.Code {
	budget := s.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	deadline := time.Now().Add(budget)
	// A frame has its time on the clock, whatever work the decoder's own
	// budget allows: the next frame is waiting. The whole-frame pass may
	// run a quarter of the budget past it, as below.
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(budget/4))
	defer cancel()
	opt := imaging.Options{IsInvoice: scan.IsInvoiceText}
	var found []imaging.Code
	b := img.Bounds()
	if side := max(b.Dx(), b.Dy()); side > fastSide*5/4 {
		f := float64(fastSide) / float64(side)
		small := lumaPlane(img).Scale(f)
		opt.Budget = budget * 2 / 5
		codes, _ := imaging.DecodeImage(ctx, small.Image(), opt)
		k := float64(b.Dx()) / float64(small.W)
		for _, c := range codes {
			for i := range c.Points {
				c.Points[i] = imaging.Point{X: c.Points[i].X*k + float64(b.Min.X), Y: c.Points[i].Y*k + float64(b.Min.Y)}
			}
			found = append(found, c)
		}
		if hasInvoice(found) {
			return found
		}
	}
	opt.Budget = max(time.Until(deadline), budget/4)
	codes, _ := imaging.DecodeImage(ctx, img, opt)
	for _, c := range codes {
		if !hasText(found, c.Text) {
			for i := range c.Points {
				c.Points[i].X += float64(b.Min.X)
				c.Points[i].Y += float64(b.Min.Y)
			}
			found = append(found, c)
		}
	}
	return found
}

func hasInvoice(codes []imaging.Code) bool {
	for _, c := range codes {
		if scan.IsInvoiceText(c.Text) {
			return true
		}
	}
	return false
}

func hasText(codes []imaging.Code, text string) bool {
	for _, c := range codes {
		if c.Text == text {
			return true
		}
	}
	return false
}

// lumaPlane is img's luma. YCbCr and Gray frames share their pixels (the
// plane is only read); other images are converted.
func lumaPlane(img image.Image) *imaging.Plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		return sharedPlane(m.Y, m.YStride, w, h, m.YOffset(b.Min.X, b.Min.Y))
	case *image.Gray:
		return sharedPlane(m.Pix, m.Stride, w, h, m.PixOffset(b.Min.X, b.Min.Y))
	}
	p := &imaging.Plane{W: w, H: h, Pix: make([]byte, w*h)}
	if m, ok := img.(*image.RGBA); ok {
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				r, g, bl, a := int(row[4*x]), int(row[4*x+1]), int(row[4*x+2]), 255-int(row[4*x+3])
				p.Pix[y*w+x] = byte((299*min(r+a, 255) + 587*min(g+a, 255) + 114*min(bl+a, 255) + 500) / 1000)
			}
		}
		return p
	}
	for y := range h {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			r, g, bl = r+0xffff-a, g+0xffff-a, bl+0xffff-a // over white, as paper
			p.Pix[y*w+x] = byte(math.Min(255, float64(299*r+587*g+114*bl)/1000/257+0.5))
		}
	}
	return p
}

func sharedPlane(pix []byte, stride, w, h, off int) *imaging.Plane {
	if stride == w && off == 0 && len(pix) >= w*h {
		return &imaging.Plane{W: w, H: h, Pix: pix[:w*h]}
	}
	p := &imaging.Plane{W: w, H: h, Pix: make([]byte, w*h)}
	for y := range h {
		copy(p.Pix[y*w:(y+1)*w], pix[off+y*stride:])
	}
	return p
}

// thumbBlock is the side of the blocks a thumbnail averages.
const thumbBlock = 16

// thumb is a view in brief: per block of pixels, the mean brightness and
// the mean step between neighbours (detail, which focus changes even when
// nothing moves).
type thumb struct {
	mean, detail []float64
}

// thumbnail sums p over blocks, without the sensor noise.
func thumbnail(p *imaging.Plane) thumb {
	tw, th := max(1, p.W/thumbBlock), max(1, p.H/thumbBlock)
	sums, steps := make([]uint32, tw*th), make([]uint32, tw*th)
	w := min(p.W, tw*thumbBlock)
	for y := range min(p.H, th*thumbBlock) {
		row := p.Pix[y*p.W : y*p.W+w]
		t, d := sums[(y/thumbBlock)*tw:], steps[(y/thumbBlock)*tw:]
		prev := row[0]
		for x, v := range row {
			t[x/thumbBlock] += uint32(v)
			if v > prev {
				d[x/thumbBlock] += uint32(v - prev)
			} else {
				d[x/thumbBlock] += uint32(prev - v)
			}
			prev = v
		}
	}
	n := float64(min(p.W, thumbBlock) * min(p.H, thumbBlock))
	out := thumb{mean: make([]float64, len(sums)), detail: make([]float64, len(sums))}
	for i := range sums {
		out.mean[i], out.detail[i] = float64(sums[i])/n, float64(steps[i])/n
	}
	return out
}

// difference is how much a view changed: the mean absolute difference of
// the block means less their mean difference (a lamp flickering or the
// exposure settling is no change), plus that of the block detail. Views of
// different sizes differ completely.
func difference(a, b thumb) float64 {
	if len(a.mean) != len(b.mean) || len(a.mean) == 0 {
		return math.Inf(1)
	}
	var shift float64
	for i := range a.mean {
		shift += a.mean[i] - b.mean[i]
	}
	shift /= float64(len(a.mean))
	var d float64
	for i := range a.mean {
		d += math.Abs(a.mean[i]-b.mean[i]-shift) + 2*math.Abs(a.detail[i]-b.detail[i])
	}
	return d / float64(len(a.mean))
}
