package imaging

import (
	"cmp"
	"errors"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
)

// The grid fit reads a symbol that gozxing's detector found but could not
// sample: one seen at a strong angle (perspective, not just shear), or a
// small version-1 symbol whose fourth corner gozxing guesses as the corner
// of a parallelogram. Instead of three finder centres it measures the
// corners of each finder pattern's dark ring and core (twelve to twenty-four
// points whose places in the symbol are known), fits the perspective that
// maps the symbol's modules onto the image by least squares, refines it with
// the alignment pattern where the version has one, and samples every module
// through it.

// match is one point whose place is known both in the symbol and in the image.
type match struct{ X, Y, x, y float64 }

// fitHomography solves for the perspective that maps symbol coordinates
// (in modules) to image pixels through at least four matches,
// by least squares (normalised about their centroid for conditioning).
func fitHomography(ms []match) (Homography, bool) {
	if len(ms) < 4 {
		return Homography{}, false
	}
	var cx, cy, s float64
	for _, m := range ms {
		cx += m.x / float64(len(ms))
		cy += m.y / float64(len(ms))
	}
	for _, m := range ms {
		s += math.Hypot(m.x-cx, m.y-cy) / float64(len(ms))
	}
	if s < 1e-6 {
		return Homography{}, false
	}
	// Normal equations AᵀA·h = Aᵀb of the linearised projection.
	var ata [8][8]float64
	var atb [8]float64
	add := func(row [8]float64, b float64) {
		for i := 0; i < 8; i++ {
			for j := 0; j < 8; j++ {
				ata[i][j] += row[i] * row[j]
			}
			atb[i] += row[i] * b
		}
	}
	for _, m := range ms {
		x, y := (m.x-cx)/s, (m.y-cy)/s
		add([8]float64{m.X, m.Y, 1, 0, 0, 0, -m.X * x, -m.Y * x}, x)
		add([8]float64{0, 0, 0, m.X, m.Y, 1, -m.X * y, -m.Y * y}, y)
	}
	g, ok := solve8(ata, atb)
	if !ok {
		return Homography{}, false
	}
	// Undo the normalisation: image = s·normalised + centroid.
	h := Homography{
		s*g[0] + cx*g[6], s*g[1] + cx*g[7], s*g[2] + cx,
		s*g[3] + cy*g[6], s*g[4] + cy*g[7], s*g[5] + cy,
		g[6], g[7], 1,
	}
	for _, v := range h {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Homography{}, false
		}
	}
	return h, true
}

// solve8 solves a·x = b by Gaussian elimination with partial pivoting.
func solve8(a [8][8]float64, b [8]float64) ([8]float64, bool) {
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return b, false
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < 8; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < 8; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [8]float64
	for r := 7; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < 8; k++ {
			v -= a[r][k] * x[k]
		}
		x[r] = v / a[r][r]
	}
	return x, true
}

// quad is the four corners of a square pattern in the image, in the order
// of the symbol's top-left, top-right, bottom-right, bottom-left.
type quad [4]Point

// concentric measures a concentric square pattern (a finder pattern: a 7×7
// dark ring around a 3×3 core) centred near c in m: the corners of its dark
// core and of its outer dark ring. u and v are the symbol's axes in the image (unit vectors along its
// top edge and its left edge), which tell the corners apart; ms is the
// module size in pixels. ring is false when only the core could be
// measured (the ring touches other dark modules: a damaged separator).
func concentric(m *gozxing.BitMatrix, c, u, v Point, ms float64, coreModules, ringModules int) (core, outer quad, ring, ok bool) {
	x0, y0 := int(c.X), int(c.Y)
	if !inside(m, x0, y0) || !m.Get(x0, y0) {
		// The centre estimate can fall on a light pixel of a thin core.
		found := false
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
			if inside(m, x0+d[0], y0+d[1]) && m.Get(x0+d[0], y0+d[1]) {
				x0, y0, found = x0+d[0], y0+d[1], true
				break
			}
		}
		if !found {
			return
		}
	}
	// The core: at most about its area, and well inside the ring.
	coreMax := int(float64(coreModules*coreModules) * ms * ms * 4)
	corePx, fill := flood(m, x0, y0, float64(coreModules)*ms*2, coreMax+1, c)
	if fill == 0 || fill > coreMax {
		return
	}
	core = corners(corePx, u, v)
	ok = true
	// The ring: walk out from the core along u until dark again.
	step := Point{u.X, u.Y}
	px, py := float64(x0)+0.5, float64(y0)+0.5
	state := 0
	limit := float64(ringModules) * ms
	for t := 0.0; t < limit; t += 0.5 {
		x, y := int(px+step.X*t), int(py+step.Y*t)
		if !inside(m, x, y) {
			return
		}
		dark := m.Get(x, y)
		if state == 0 && !dark {
			state = 1
		} else if state == 1 && dark {
			ringArea := float64(ringModules*ringModules-(ringModules-2)*(ringModules-2)) * ms * ms
			ringPx, n := flood(m, x, y, float64(ringModules)*ms*0.9, int(ringArea*3)+1, c)
			if n == 0 || float64(n) > ringArea*3 || float64(n) < ringArea/4 {
				return
			}
			outer = corners(ringPx, u, v)
			ring = true
			return
		}
	}
	return
}

func inside(m *gozxing.BitMatrix, x, y int) bool {
	return x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight()
}

// flood collects the dark pixels 4-connected to (x, y) within radius r of
// c, packed as y<<24 | x. It gives up (n = limit) past limit pixels or
// when the blob reaches past r, returning what it collected.
func flood(m *gozxing.BitMatrix, x, y int, r float64, limit int, c Point) ([]int, int) {
	bx, by := int(c.X-r)-1, int(c.Y-r)-1
	side := int(2*r) + 4
	seen := make([]bool, side*side)
	mark := func(x, y int) bool {
		i := (y-by)*side + (x - bx)
		if x < bx || y < by || x-bx >= side || y-by >= side || seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	if !mark(x, y) {
		return nil, limit
	}
	stack := []int{y<<24 | x}
	var out []int
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, i)
		if len(out) >= limit {
			return out, limit
		}
		px, py := i&0xffffff, i>>24
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			nx, ny := px+d[0], py+d[1]
			if !inside(m, nx, ny) || !m.Get(nx, ny) {
				continue
			}
			if dx, dy := float64(nx)+0.5-c.X, float64(ny)+0.5-c.Y; dx*dx+dy*dy > r*r {
				// Leaking into the data around: not the pattern alone.
				return out, limit
			}
			if mark(nx, ny) {
				stack = append(stack, ny<<24|nx)
			}
		}
	}
	return out, len(out)
}

// corners finds the corners of a blob of pixels (packed as flood packs
// them) as its extreme points along the symbol's diagonals.
func corners(px []int, u, v Point) quad {
	dirs := [4]Point{
		{-u.X - v.X, -u.Y - v.Y}, {u.X - v.X, u.Y - v.Y},
		{u.X + v.X, u.Y + v.Y}, {-u.X + v.X, -u.Y + v.Y},
	}
	var q quad
	best := [4]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for _, i := range px {
		x, y := float64(i&0xffffff), float64(i>>24)
		for k, d := range dirs {
			// The pixel's own corner farthest along d.
			cx, cy := x+0.5+0.5*sign(d.X), y+0.5+0.5*sign(d.Y)
			if s := cx*d.X + cy*d.Y; s > best[k] {
				best[k], q[k] = s, Point{cx, cy}
			}
		}
	}
	return q
}

func sign(f float64) float64 {
	switch {
	case f > 0:
		return 1
	case f < 0:
		return -1
	}
	return 0
}

// fitSymbol reads the symbol whose finder patterns info found in m, by
// the grid fit. It tries the dimension the finder patterns' spacing
// suggests, then its neighbours.
func fitSymbol(m *gozxing.BitMatrix, p *Plane, info *qrdetector.FinderPatternInfo) (Code, bool) {
	return fitGrid(m, p, info, true)
}

// fitGrid is fitSymbol, following the timing patterns (curved paper) when
// curved is set.
func fitGrid(m *gozxing.BitMatrix, p *Plane, info *qrdetector.FinderPatternInfo, curved bool) (Code, bool) {
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	ctl, ctr, cbl := pt(tl), pt(tr), pt(bl)
	ms := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if ms < 0.8 {
		return Code{}, false
	}
	dTop, dLeft := math.Hypot(ctr.X-ctl.X, ctr.Y-ctl.Y), math.Hypot(cbl.X-ctl.X, cbl.Y-ctl.Y)
	if dTop < 7*ms || dLeft < 7*ms {
		return Code{}, false
	}
	u := Point{(ctr.X - ctl.X) / dTop, (ctr.Y - ctl.Y) / dTop}
	v := Point{(cbl.X - ctl.X) / dLeft, (cbl.Y - ctl.Y) / dLeft}
	// Each finder pattern measured on its own: its own module size along
	// the axes, from its ring when it has one.
	var fs [3]pattern
	for i, f := range []*qrdetector.FinderPattern{tl, tr, bl} {
		// Each at its own module size: at an angle the near one is larger.
		core, outer, ring, ok := concentric(m, pt(f), u, v, f.GetEstimatedModuleSize(), 3, 7)
		if !ok {
			return Code{}, false
		}
		fs[i] = pattern{core, outer, ring}
	}
	est := (dTop+dLeft)/2/ms + 7
	n0 := int(math.Round((est-17)/4))*4 + 17
	for _, n := range []int{n0, n0 - 4, n0 + 4} {
		if n < 21 || n > 177 {
			continue
		}
		N := float64(n)
		origins := [3]Point{{0, 0}, {N - 7, 0}, {0, N - 7}}
		var pts []match
		for i, f := range fs {
			o := origins[i]
			for k, p := range f.core {
				d := [4]Point{{2, 2}, {5, 2}, {5, 5}, {2, 5}}[k]
				pts = append(pts, match{o.X + d.X, o.Y + d.Y, p.X, p.Y})
			}
			if f.ring {
				for k, p := range f.outer {
					d := [4]Point{{0, 0}, {7, 0}, {7, 7}, {0, 7}}[k]
					pts = append(pts, match{o.X + d.X, o.Y + d.Y, p.X, p.Y})
				}
			}
		}
		h, ok := fitHomography(pts)
		if !ok {
			continue
		}
		hs := []Homography{h}
		if n >= 25 {
			// The bottom-right alignment pattern pins the far corner; a
			// curved or damaged one can mislead, so both are tried.
			ac := N - 6.5
			ax, ay := h.Apply(ac, ac)
			a, ok := findAlignment(m, Point{ax, ay}, h, ac)
			if ok {
				for k, p := range a.core {
					d := [4]Point{{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}}[k]
					pts = append(pts, match{ac + d.X, ac + d.Y, p.X, p.Y})
				}
				if h2, ok := fitHomography(pts); ok {
					hs = []Homography{h2, h}
				}
			}
		}
		for _, h := range hs {
			if c, ok := sampleFit(m, p, h, n, nil); ok {
				return c, true
			}
		}
		// Paper bent over a curve: the timing patterns tell where the
		// columns and rows really are.
		for _, h := range hs {
			if w, ok := timingWarp(m, h, n); ok && curved {
				if c, ok := sampleFit(m, p, h, n, w); ok {
					return c, true
				}
			}
		}
	}
	return Code{}, false
}

type pattern struct {
	core, outer quad
	ring        bool
}

// findAlignment looks for the alignment pattern (a dark module in a light
// ring in a dark 5×5 ring) whose centre, at symbol coordinates (ac, ac),
// h predicts at p: the dark blob nearest p whose surroundings match.
func findAlignment(m *gozxing.BitMatrix, p Point, h Homography, ac float64) (pattern, bool) {
	// The local axes and module size, from h.
	x1, y1 := h.Apply(ac+1, ac)
	x2, y2 := h.Apply(ac, ac+1)
	u, v := Point{x1 - p.X, y1 - p.Y}, Point{x2 - p.X, y2 - p.Y}
	ms := (math.Hypot(u.X, u.Y) + math.Hypot(v.X, v.Y)) / 2
	// A symbol with an alignment pattern is 25 modules across at least
	// and lies in the picture: a fit that puts the pattern outside it or
	// gives modules larger (a sheet seen nearly edge on gives a near
	// singular h) has nothing to look for, and the window searched would
	// not fit in memory.
	if ms < 0.8 || math.IsNaN(ms) || 25*ms > float64(max(m.GetWidth(), m.GetHeight())) || !inside(m, int(p.X), int(p.Y)) {
		return pattern{}, false
	}
	u = Point{u.X / math.Hypot(u.X, u.Y), u.Y / math.Hypot(u.X, u.Y)}
	v = Point{v.X / math.Hypot(v.X, v.Y), v.Y / math.Hypot(v.X, v.Y)}
	// The dark blobs of a window about p, each labelled once.
	R := int(math.Ceil(ms * 3.5))
	x0, y0 := int(p.X)-R, int(p.Y)-R
	side := 2*R + 1
	seen := make([]bool, side*side)
	best, bestD := pattern{}, math.Inf(1)
	var blob, stack []int
	for wy := 0; wy < side; wy++ {
		for wx := 0; wx < side; wx++ {
			if seen[wy*side+wx] || !inside(m, x0+wx, y0+wy) || !m.Get(x0+wx, y0+wy) {
				continue
			}
			seen[wy*side+wx] = true
			blob, stack = blob[:0], append(stack[:0], (y0+wy)<<24|(x0+wx))
			edge := false
			for len(stack) > 0 {
				i := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				blob = append(blob, i)
				bx, by := i&0xffffff, i>>24
				for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					nx, ny := bx+d[0], by+d[1]
					lx, ly := nx-x0, ny-y0
					if lx < 0 || ly < 0 || lx >= side || ly >= side {
						edge = true
						continue
					}
					if seen[ly*side+lx] || !inside(m, nx, ny) || !m.Get(nx, ny) {
						continue
					}
					seen[ly*side+lx] = true
					stack = append(stack, ny<<24|nx)
				}
			}
			n := float64(len(blob))
			if edge || n > ms*ms*4 || n < ms*ms/4 {
				continue
			}
			q := corners(blob, u, v)
			c := centre(q[:])
			d := math.Hypot(c.X-p.X, c.Y-p.Y)
			if d >= bestD || d > ms*2.5 {
				continue
			}
			// The light ring one module out, the dark one two modules out
			// (it touches the data around it, so it is not flooded).
			light, dark := 0, 0
			for _, k := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
				for r, n := range map[float64]*int{1: &light, 2: &dark} {
					x, y := int(c.X+(k[0]*u.X+k[1]*v.X)*ms*r), int(c.Y+(k[0]*u.Y+k[1]*v.Y)*ms*r)
					if inside(m, x, y) && m.Get(x, y) == (r == 2) {
						*n++
					}
				}
			}
			if light < 7 || dark < 6 {
				continue
			}
			best, bestD = pattern{core: q}, d
		}
	}
	return best, bestD < math.Inf(1)
}

// sampleFit samples the n×n modules of m through h (after w, when not
// nil) and decodes them. Where those bits do not decode and p, the plane m
// was binarised from, is given, the modules are sampled again in p (see
// greyModules).
func sampleFit(m *gozxing.BitMatrix, p *Plane, h Homography, n int, w *warp) (c Code, ok bool) {
	bits, err := gozxing.NewBitMatrix(n, n)
	if err != nil {
		return Code{}, false
	}
	centres := make([]Point, 0, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			X, Y := float64(x)+0.5, float64(y)+0.5
			if w != nil {
				X, Y = w.x.at(X), w.y.at(Y)
			}
			ix, iy := h.Apply(X, Y)
			if math.IsNaN(ix) || math.IsNaN(iy) || ix < 0 || iy < 0 || ix >= float64(m.GetWidth()) || iy >= float64(m.GetHeight()) {
				return Code{}, false
			}
			centres = append(centres, Point{ix, iy})
			if m.Get(int(ix), int(iy)) {
				bits.Set(x, y)
			}
		}
	}
	r, err := safeDecodeBits(bits)
	if err != nil && p != nil && p.W == m.GetWidth() && p.H == m.GetHeight() {
		if g := greyModules(p, centres, n); g != nil {
			r, err = safeDecodeBits(g)
		}
	}
	if err != nil {
		return Code{}, false
	}
	N := float64(n)
	var pts []Point
	for _, q := range [][2]float64{{0, 0}, {N, 0}, {N, N}, {0, N}} {
		x, y := h.Apply(q[0], q[1])
		pts = append(pts, Point{x, y})
	}
	if r.mirrored {
		pts[1], pts[3] = pts[3], pts[1]
	}
	return Code{Text: r.result.GetText(), Points: pts, load: r.load}, true
}

// safeDecodeBits is decodeBits, a panic in gozxing (degenerate bits) taken
// for a symbol not read.
func safeDecodeBits(bits *gozxing.BitMatrix) (r decoded, err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("qr: decoder failed")
		}
	}()
	return decodeBits(bits)
}

// greyModules are the n×n modules whose centres (row by row, in p's
// pixels) are given, told dark or light from p's grey itself rather than
// from a binarised picture: each module darker than the mean of the
// modules about it (greyWindow every way). A code blurred at two or three
// pixels a module leaves a lone dark module grey, lighter than a binariser's
// threshold over 8 pixel blocks, which the dark modules about it pull
// down; sampled at its centre it is still darker than its neighbours'
// mean. Nil when the modules show no contrast.
func greyModules(p *Plane, centres []Point, n int) *gozxing.BitMatrix {
	v := make([]float64, len(centres))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, c := range centres {
		v[i] = float64(p.sample(c.X-0.5, c.Y-0.5))
		lo, hi = math.Min(lo, v[i]), math.Max(hi, v[i])
	}
	if hi-lo < 16 {
		return nil
	}
	// Sums over the modules, for the means of windows.
	sum := make([]float64, (n+1)*(n+1))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			sum[(y+1)*(n+1)+x+1] = v[y*n+x] + sum[y*(n+1)+x+1] + sum[(y+1)*(n+1)+x] - sum[y*(n+1)+x]
		}
	}
	bits, err := gozxing.NewBitMatrix(n, n)
	if err != nil {
		return nil
	}
	for y := 0; y < n; y++ {
		y0, y1 := max(0, y-greyWindow), min(n, y+greyWindow+1)
		for x := 0; x < n; x++ {
			x0, x1 := max(0, x-greyWindow), min(n, x+greyWindow+1)
			s := sum[y1*(n+1)+x1] - sum[y0*(n+1)+x1] - sum[y1*(n+1)+x0] + sum[y0*(n+1)+x0]
			if v[y*n+x] < s/float64((y1-y0)*(x1-x0)) {
				bits.Set(x, y)
			}
		}
	}
	return bits
}

// greyWindow is how far, in modules, the modules whose mean a module's
// grey is told against reach.
const greyWindow = 3

// maxFitSets bounds the relaxed finder pattern sets one pass fits.
const maxFitSets = 6

// perspectiveSets pairs up finder pattern candidates into sets of three
// that gozxing's own selection turns down because, seen at an angle, the
// near pattern looks larger than the far ones and the corner is not
// square: module sizes within a factor 2.5 of each other, a corner
// between 37° and 143°, sides within a factor 2 of each other; the best
// shaped first, and those gozxing's own cross checks confirmed. skip is a
// set already tried.
func perspectiveSets(cs []*qrdetector.FinderPattern, skip *qrdetector.FinderPatternInfo) []*qrdetector.FinderPatternInfo {
	type cand struct {
		info  *qrdetector.FinderPatternInfo
		score float64
	}
	var out []cand
	if len(cs) > 24 {
		cs = cs[:24] // paper texture, not a symbol; the first are the most seen
	}
	for i := 0; i < len(cs); i++ {
		for j := i + 1; j < len(cs); j++ {
			for k := j + 1; k < len(cs); k++ {
				a, b, c := cs[i], cs[j], cs[k]
				lo := math.Min(a.GetEstimatedModuleSize(), math.Min(b.GetEstimatedModuleSize(), c.GetEstimatedModuleSize()))
				hi := math.Max(a.GetEstimatedModuleSize(), math.Max(b.GetEstimatedModuleSize(), c.GetEstimatedModuleSize()))
				if lo <= 0 || hi > 2.5*lo {
					continue
				}
				bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(a, b, c)
				if skip != nil && tl == gozxing.ResultPoint(skip.GetTopLeft()) && tr == gozxing.ResultPoint(skip.GetTopRight()) && bl == gozxing.ResultPoint(skip.GetBottomLeft()) {
					continue
				}
				ux, uy := tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()
				vx, vy := bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY()
				du, dv := math.Hypot(ux, uy), math.Hypot(vx, vy)
				if du < 10*lo || dv < 10*lo {
					continue
				}
				cos := (ux*vx + uy*vy) / du / dv
				ratio := math.Abs(math.Log(du / dv))
				if math.Abs(cos) > 0.8 || ratio > math.Ln2 {
					continue
				}
				score := math.Abs(cos) + ratio + math.Log(hi/lo)
				for _, p := range []*qrdetector.FinderPattern{a, b, c} {
					if p.GetCount() >= 2 {
						score -= 0.5 // confirmed by gozxing's cross checks too
					}
				}
				out = append(out, cand{
					qrdetector.NewFinderPatternInfo(bl.(*qrdetector.FinderPattern), tl.(*qrdetector.FinderPattern), tr.(*qrdetector.FinderPattern)),
					score,
				})
			}
		}
	}
	slices.SortFunc(out, func(x, y cand) int { return cmp.Compare(x.score, y.score) })
	var infos []*qrdetector.FinderPatternInfo
	for i := 0; i < len(out) && i < maxFitSets; i++ {
		infos = append(infos, out[i].info)
	}
	return infos
}

// warp moves the symbol's columns (x) and rows (y) to where the timing
// patterns found them, before h maps them into the image.
type warp struct{ x, y piecewise }

// piecewise maps a coordinate through measured knots, linearly between
// them and by the nearest knot's offset beyond them.
type piecewise struct{ from, to []float64 }

func (p piecewise) at(v float64) float64 {
	k := p.from
	switch {
	case v <= k[0]:
		return v + p.to[0] - k[0]
	case v >= k[len(k)-1]:
		return v + p.to[len(k)-1] - k[len(k)-1]
	}
	i := 1
	for k[i] < v {
		i++
	}
	f := (v - k[i-1]) / (k[i] - k[i-1])
	return p.to[i-1] + f*(p.to[i]-p.to[i-1])
}

// timingWarp follows the timing patterns (row 6 from column 8 to n-8,
// column 6 likewise) through h and measures where each module boundary
// lies: on curved paper the columns bunch up where the paper turns away.
func timingWarp(m *gozxing.BitMatrix, h Homography, n int) (*warp, bool) {
	x, okx := timing(m, h, n, false)
	y, oky := timing(m, h, n, true)
	if !okx || !oky {
		return nil, false
	}
	return &warp{x, y}, true
}

// timing measures one timing pattern: the boundaries between its
// alternating modules, 8 … n-8 along it, found by stepping a tenth of a
// module at a time along the line through the middle of row (or column) 6.
func timing(m *gozxing.BitMatrix, h Homography, n int, vertical bool) (piecewise, bool) {
	dark := func(t float64) bool {
		X, Y := t, 6.5
		if vertical {
			X, Y = 6.5, t
		}
		ix, iy := h.Apply(X, Y)
		return m.Get(int(ix), int(iy))
	}
	p := piecewise{}
	// Module 7 is the finder pattern's light separator; from 8 on they
	// alternate, dark where k is even.
	t := 7.5
	for k := 8; k <= n-8; k++ {
		// The boundary between module k-1 and k: the first t past the
		// previous boundary where the colour turns to module k's.
		want := k%2 == 0
		found := false
		for limit := float64(k) + 0.8; t < limit; t += 0.1 {
			if dark(t) == want {
				found = true
				break
			}
		}
		if !found {
			return p, false
		}
		p.from = append(p.from, float64(k))
		p.to = append(p.to, t)
		t += 0.3 // past the edge's noise
	}
	return p, len(p.from) >= 2
}
