// Package imaging finds and decodes every QR code in a clerk's image: phone
// photos at an angle, low-dpi scans, faint or blue print, a red seal across
// the code, two invoices on a page. It runs a ladder of strategies on
// gozxing, cheapest first, under a budget of pixels searched (not of
// seconds, so that a busy machine reads what an idle one does), stops once
// an invoice code is read, and gives an image up early when the cheap
// passes saw no sign of a QR code.
package imaging

import (
	"context"
	"errors"
	"image"
	"math"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Point is a position in the decoded image's pixels.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Code is one QR symbol read from an image.
type Code struct {
	Text string `json:"text"`
	// Points are the symbol's corners: top-left, top-right, bottom-right,
	// bottom-left, in the coordinates of the image as loaded (upright).
	Points []Point `json:"points"`
	Page   int     `json:"page,omitempty"`
	// Strategy names the pass that read it (for diagnostics and benchmarks).
	Strategy string  `json:"-"`
	load     float64 // share of error-correction capacity used
}

// Options tune a decode.
type Options struct {
	// Budget bounds the work spent on one image, as the time a reference
	// core takes to do it (workPerSecond); 0 means DefaultBudget. It is
	// spent in passes over pixels, not in seconds of the clock: what is
	// read does not depend on the machine's speed or load. A deadline on
	// ctx bounds the clock time as well.
	Budget time.Duration
	// IsInvoice says whether a text is what the caller is looking for; the
	// ladder stops at the first pass that reads one. Nil means any code.
	IsInvoice func(text string) bool
}

// DefaultBudget is the work one image may take when nothing is found early.
const DefaultBudget = 3 * time.Second

// workPerSecond is how many pixels a second one core of the reference
// machine searches (binarises and runs the finder and detector over), the
// rate at which a Budget is turned into pixels.
const workPerSecond = 40_000_000

// budgetWork is the pixels a budget allows.
func budgetWork(b time.Duration) int64 { return int64(b.Seconds() * workPerSecond) }

// budgetDuration is the budget that allows px pixels.
func budgetDuration(px int64) time.Duration {
	return time.Duration(float64(px) / workPerSecond * float64(time.Second))
}

// ErrNoCode is returned when no QR code could be read.
var ErrNoCode = errors.New("no QR code found")

// DecodeImage finds every QR code in img. It returns ErrNoCode when there is
// none, and ctx's error when cancelled.
func DecodeImage(ctx context.Context, img image.Image, opt Options) ([]Code, error) {
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
	}
	if opt.IsInvoice == nil {
		opt.IsInvoice = func(string) bool { return true }
	}
	l := &ladder{img: img, opt: opt, maxWork: budgetWork(opt.Budget), ctx: ctx, planes: map[Channel]*Plane{}}
	l.run()
	if err := ctx.Err(); err != nil && len(l.found) == 0 {
		return nil, err
	}
	if len(l.found) == 0 {
		return nil, ErrNoCode
	}
	return l.found, nil
}

// ladder is one image's run through the strategies.
type ladder struct {
	ctx     context.Context
	img     image.Image
	opt     Options
	maxWork int64 // the budget, in pixels searched
	planes  map[Channel]*Plane
	found   []Code
	invoice bool // an invoice code has been read
	// evidence counts the finder pattern candidates the passes so far
	// came upon.
	evidence int
	// centres are where those candidates were, in image pixels (the
	// first maxCentres), and in which pass.
	centres []sighting
	// passes counts the passes made (each view with each binariser).
	passes   int
	inverted bool // the inverted view has been searched
	gaveUp   bool // no sign of a QR code by the checkpoint
	complete bool // by the checkpoint, no sign of a code beyond those read
	// work counts the pixels the passes so far have searched: the budget
	// is spent in passes, not in seconds, so that what is read does not
	// depend on the machine's speed or load.
	work int64
	// hasColour caches colour(): 0 unknown, 1 yes, 2 no.
	hasColour int
	// candidates are regions, in image pixels, where a symbol was detected
	// but not decoded.
	candidates []image.Rectangle
	// rescued counts the candidates the candidates step has looked at.
	rescued int
}

func (l *ladder) plane(c Channel) *Plane {
	if p, ok := l.planes[c]; ok {
		return p
	}
	p := planeOf(l.img, c)
	l.planes[c] = p
	return p
}

func (l *ladder) expired() bool {
	return l.ctx.Err() != nil || l.work >= l.maxWork
}

// view is a plane prepared for one pass, with the mapping of its pixels back
// to the image: image = view*scale + offset.
type view struct {
	p      *Plane
	scale  float64
	offset Point
	name   string
}

// try decodes v with each binarizer named, records new codes, and reports
// whether the ladder may stop.
func (l *ladder) try(v view, bins ...binarizer) bool {
	for _, b := range bins {
		if l.expired() {
			return true
		}
		l.work += int64(v.p.W) * int64(v.p.H)
		l.passes++
		codes, missed, centres, fits := decodePlane(v.p, b)
		l.work += int64(fits) * fitWork
		l.evidence += len(centres)
		for _, c := range centres {
			if len(l.centres) < maxCentres {
				l.centres = append(l.centres, sighting{
					at:     Point{c.at.X*v.scale + v.offset.X, c.at.Y*v.scale + v.offset.Y},
					module: c.module * v.scale, pass: l.passes})
			}
		}
		for _, r := range missed {
			l.addCandidate(image.Rect(
				int(float64(r.Min.X)*v.scale+v.offset.X), int(float64(r.Min.Y)*v.scale+v.offset.Y),
				int(float64(r.Max.X)*v.scale+v.offset.X), int(float64(r.Max.Y)*v.scale+v.offset.Y)))
		}
		for _, c := range codes {
			for i := range c.Points {
				c.Points[i] = Point{c.Points[i].X*v.scale + v.offset.X, c.Points[i].Y*v.scale + v.offset.Y}
			}
			c.Strategy = v.name + "/" + b.String()
			l.add(c)
		}
		if l.invoice {
			return true
		}
	}
	return l.invoice || l.expired()
}

// addCandidate remembers a region of the image where a symbol was seen but
// not read, unless it mostly overlaps one already kept.
func (l *ladder) addCandidate(r image.Rectangle) {
	r = r.Intersect(l.img.Bounds().Sub(l.img.Bounds().Min))
	if r.Dx() < 8 || r.Dy() < 8 || len(l.candidates) >= maxCandidates {
		return
	}
	for _, c := range l.candidates {
		in := c.Intersect(r)
		if in.Dx()*in.Dy()*2 > min(c.Dx()*c.Dy(), r.Dx()*r.Dy()) {
			return
		}
	}
	l.candidates = append(l.candidates, r)
}

// maxCandidates bounds the regions looked at again.
const maxCandidates = 8

// add keeps c unless the same text was already read at the same place.
func (l *ladder) add(c Code) {
	for _, f := range l.found {
		if f.Text == c.Text && overlaps(f.Points, c.Points) {
			return
		}
	}
	l.found = append(l.found, c)
	if l.opt.IsInvoice(c.Text) {
		l.invoice = true
	}
}

func overlaps(a, b []Point) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	ca, cb := centre(a), centre(b)
	return math.Hypot(ca.X-cb.X, ca.Y-cb.Y) < diag(a)
}

func centre(ps []Point) Point {
	var c Point
	for _, p := range ps {
		c.X += p.X / float64(len(ps))
		c.Y += p.Y / float64(len(ps))
	}
	return c
}

func diag(ps []Point) float64 {
	if len(ps) < 3 {
		return 0
	}
	return math.Hypot(ps[0].X-ps[2].X, ps[0].Y-ps[2].Y)
}

type binarizer int

const (
	hybrid binarizer = iota
	global
	adaptive // our own local-mean threshold with a wider window
	closed   // hybrid, then a morphological closing: eroded modules joined
)

func (b binarizer) String() string {
	return [...]string{"hybrid", "global", "adaptive", "closed"}[b]
}

// decodePlane runs gozxing's multi-symbol detector, then its single-symbol
// detector, on p binarised by b.
//
// It also returns the regions where a symbol was detected but could not be
// decoded, which the ladder looks at again, enlarged; and how many finder
// pattern candidates (the 1:1:3:1:1 squares in a QR code's corners) the
// detectors came upon, and where: the evidence that a QR code may be there;
// and how many sets of finder patterns the grid fit tried (fitWork each).
func decodePlane(p *Plane, b binarizer) ([]Code, []image.Rectangle, []sighting, int) {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.Pix, p.W, p.H, 0, 0, p.W, p.H, false)
	if err != nil {
		return nil, nil, nil, 0
	}
	var matrix *gozxing.BitMatrix
	switch b {
	case global:
		matrix, err = gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
	case adaptive:
		matrix, err = adaptiveThreshold(p)
	case closed:
		if matrix, err = gozxing.NewHybridBinarizer(src).GetBlackMatrix(); err == nil {
			matrix, err = closing(matrix)
		}
	default:
		matrix, err = gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	}
	if err != nil || matrix == nil {
		return nil, nil, nil, 0
	}
	var centres []sighting
	hints := map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER: true,
		gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(q gozxing.ResultPoint) {
			if len(centres) < maxCentres {
				s := sighting{at: pt(q)}
				if f, ok := q.(*qrdetector.FinderPattern); ok {
					s.module = f.GetEstimatedModuleSize()
				}
				centres = append(centres, s)
			}
		}),
	}
	cb := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback)
	det := qrdetector.NewDetector(matrix)
	var out []Code
	var missed []image.Rectangle
	fits := 0
	skewed := false // the finder patterns were looked for by their shape
	// Each set of three finder patterns: gozxing's sampling first, then
	// the grid fit.
	try := func(info *qrdetector.FinderPatternInfo) {
		var pts []gozxing.ResultPoint
		if d, err := det.ProcessFinderPatternInfo(info); err == nil {
			if c, ok := decodeDetected(d); ok {
				out = append(out, c)
				return
			}
			pts = d.GetPoints()
		}
		if fits < maxFits {
			fits++
			if c, ok := fitSymbol(matrix, p, info); ok {
				out = append(out, c)
				return
			}
		}
		if r, ok := around(pts); ok {
			missed = append(missed, r)
		}
	}
	if infos, err := multidetector.NewMultiFinderPatternFinder(matrix, cb).FindMulti(hints); err == nil {
		for _, info := range infos {
			try(info)
		}
	}
	if len(out) == 0 {
		finder := qrdetector.NewFinderPatternFinder(matrix, cb)
		info, err := finder.Find(hints)
		if err == nil {
			try(info)
		}
		// Sets gozxing turns down: a symbol at a steep angle. Where
		// gozxing's finder saw some patterns but not three that make a
		// symbol, the patterns are looked for again, by their shape.
		cands := finder.GetPossibleCenters()
		var confirmed []*qrdetector.FinderPattern
		for _, c := range cands {
			if c.GetCount() >= 2 {
				confirmed = append(confirmed, c)
			}
		}
		if err != nil && len(confirmed) == 2 && len(cands) <= 12 {
			for _, c := range skewedFinders(matrix) {
				if !seenFinder(confirmed, c) {
					cands = append(cands, c)
				}
			}
			skewed = true
		}
		for _, info := range perspectiveSets(cands, info) {
			if len(out) > 0 || fits >= maxFits {
				break
			}
			fits++
			if c, ok := fitSymbol(matrix, p, info); ok {
				out = append(out, c)
			}
		}
	}
	if skewed {
		// That search is a pass of its own over the pixels.
		fits += (p.W*p.H + fitWork - 1) / fitWork
	}
	return out, missed, centres, fits
}

// fitWork is what one grid fit costs, in pixels searched: a few floods
// about the finder patterns and the sampling of up to three dimensions.
const fitWork = 20_000

// maxFits bounds the grid fits of one pass.
const maxFits = 8

// maxCentres bounds the finder pattern candidates kept from one pass and
// from one image.
const maxCentres = 4096

// around is the region a detected symbol probably covers: the box of its
// finder pattern centres, grown by half its size on every side.
func around(pts []gozxing.ResultPoint) (image.Rectangle, bool) {
	if len(pts) < 3 {
		return image.Rectangle{}, false
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range pts {
		minX, maxX = math.Min(minX, q.GetX()), math.Max(maxX, q.GetX())
		minY, maxY = math.Min(minY, q.GetY()), math.Max(maxY, q.GetY())
	}
	g := math.Max(maxX-minX, maxY-minY) / 2
	if g < 4 {
		return image.Rectangle{}, false
	}
	return image.Rect(int(minX-g), int(minY-g), int(maxX+g)+1, int(maxY+g)+1), true
}

// decodeDetected decodes one detected symbol and computes its corners from
// the finder pattern centres, which sit 3.5 modules in from each edge.
func decodeDetected(d *common.DetectorResult) (c Code, ok bool) {
	defer func() {
		// gozxing has panicked on degenerate geometry; a failed symbol is
		// just not read.
		if recover() != nil {
			ok = false
		}
	}()
	r, err := decodeBits(d.GetBits())
	if err != nil {
		return Code{}, false
	}
	pts := d.GetPoints()
	if r.mirrored && len(pts) >= 3 {
		pts[0], pts[2] = pts[2], pts[0]
	}
	c = Code{Text: r.result.GetText(), load: r.load}
	if len(pts) >= 3 {
		n := float64(d.GetBits().GetWidth())
		bl, tl, tr := pt(pts[0]), pt(pts[1]), pt(pts[2])
		k := 3.5 / (n - 7)
		u := Point{(tr.X - tl.X) * k, (tr.Y - tl.Y) * k}
		v := Point{(bl.X - tl.X) * k, (bl.Y - tl.Y) * k}
		c.Points = []Point{
			{tl.X - u.X - v.X, tl.Y - u.Y - v.Y},
			{tr.X + u.X - v.X, tr.Y + u.Y - v.Y},
			{tr.X + bl.X - tl.X + u.X + v.X, tr.Y + bl.Y - tl.Y + u.Y + v.Y},
			{bl.X - u.X + v.X, bl.Y - u.Y + v.Y},
		}
	}
	return c, true
}

func pt(p gozxing.ResultPoint) Point { return Point{p.GetX(), p.GetY()} }

// sighting is a finder pattern candidate a pass came upon: where, the
// size of its modules (0 for another kind of pattern: an alignment
// pattern), and the pass.
type sighting struct {
	at     Point
	module float64
	pass   int
}

// adaptiveThreshold binarises p against the mean of a window about an
// eighth of the shorter side, less a small offset: kinder than the 8-pixel
// blocks of the hybrid binariser to codes under shadows and gradients.
func adaptiveThreshold(p *Plane) (*gozxing.BitMatrix, error) {
	r := max(4, min(p.W, p.H)/16)
	mean := p.BoxBlur(r)
	m, err := gozxing.NewBitMatrix(p.W, p.H)
	if err != nil {
		return nil, err
	}
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			i := y*p.W + x
			if int(p.Pix[i]) < int(mean.Pix[i])-6 {
				m.Set(x, y)
			}
		}
	}
	return m, nil
}

// closing dilates the dark pixels of m by one pixel and erodes them back
// (a 3×3 morphological closing): light gaps of up to two pixels inside and
// between dark modules close, as in a print whose modules came out eroded
// or dotted, or a binarisation that left specks of light in them, while a
// module's outline stays where it was.
func closing(m *gozxing.BitMatrix) (*gozxing.BitMatrix, error) {
	w, h := m.GetWidth(), m.GetHeight()
	// Rows as 32-bit words, bit x%32 of word x/32, as gozxing keeps them.
	rows := make([][]uint32, h)
	for y := range rows {
		rows[y] = append([]uint32(nil), m.GetRow(y, nil).GetBitArray()...)
	}
	n := len(rows[0])
	tail := uint32(1)<<uint(w%32) - 1 // the used bits of the last word
	if w%32 == 0 {
		tail = ^uint32(0)
	}
	// shifted is a row's bits moved one place left (x-1 → x) or right.
	left := func(r []uint32, i int) uint32 {
		v := r[i] << 1
		if i > 0 {
			v |= r[i-1] >> 31
		}
		return v
	}
	right := func(r []uint32, i int) uint32 {
		v := r[i] >> 1
		if i+1 < n {
			v |= r[i+1] << 31
		}
		return v
	}
	horizontal := func(src [][]uint32, dilate bool) [][]uint32 {
		dst := make([][]uint32, h)
		for y, r := range src {
			d := make([]uint32, n)
			for i := range d {
				if dilate {
					d[i] = r[i] | left(r, i) | right(r, i)
				} else {
					// Outside the image counts as dark: no erosion from the edge.
					l, rt := left(r, i), right(r, i)
					if i == 0 {
						l |= 1
					}
					if i == n-1 {
						rt |= ^tail | 1<<uint((w-1)%32)
					}
					d[i] = r[i] & l & rt
				}
			}
			d[n-1] &= tail
			dst[y] = d
		}
		return dst
	}
	vertical := func(src [][]uint32, dilate bool) [][]uint32 {
		dst := make([][]uint32, h)
		for y := range src {
			d := append([]uint32(nil), src[y]...)
			for _, k := range [2]int{y - 1, y + 1} {
				if k < 0 || k >= h {
					continue
				}
				for i := range d {
					if dilate {
						d[i] |= src[k][i]
					} else {
						d[i] &= src[k][i]
					}
				}
			}
			dst[y] = d
		}
		return dst
	}
	rows = vertical(horizontal(rows, true), true)
	rows = vertical(horizontal(rows, false), false)
	out, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	row := gozxing.NewBitArray(w)
	for y, r := range rows {
		copy(row.GetBitArray(), r)
		out.SetRow(y, row)
	}
	return out, nil
}
