package imaging

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
)

// skewedFinders finds finder patterns that gozxing's finder turns down
// when a symbol is seen at a steep angle: its vertical and diagonal cross
// checks want the 1:1:3:1:1 proportions in every direction, which a
// squeezed pattern does not keep. Here a row that crosses dark, light,
// dark, light, dark in roughly those proportions is only a lead; the
// pattern is confirmed by its shape instead: a dark core whose flood stays
// small, ringed all round by light and then dark. Every row is scanned
// (every second in tall images).
func skewedFinders(m *gozxing.BitMatrix) []*qrdetector.FinderPattern {
	w, h := m.GetWidth(), m.GetHeight()
	step := 1
	if h > 600 {
		step = 2
	}
	var out []*qrdetector.FinderPattern
	runs := make([]int, 0, 64)
	tries := 0
	for y := 0; y < h && tries < maxLeads && len(out) < maxSkewed; y += step {
		// Runs of the row, starting with a light one (maybe empty).
		runs = runs[:0]
		dark, n := false, 0
		for x := 0; x < w; x++ {
			if m.Get(x, y) != dark {
				runs = append(runs, n)
				dark, n = !dark, 0
			}
			n++
		}
		runs = append(runs, n)
		// Dark runs are at odd indices.
		x := 0
		for i := 0; i+5 <= len(runs); i++ {
			if i%2 == 1 && looksLikeFinder(runs[i:i+5]) {
				cx := x + runs[i] + runs[i+1] + runs[i+2]/2
				lead := qrdetector.NewFinderPattern1(float64(cx), float64(y), float64(runs[i+2])/3)
				if seenFinder(out, lead) {
					// Another row through a pattern already found.
				} else if tries++; tries > maxLeads {
					break
				} else if p, ok := confirmFinder(m, cx, y, runs[i:i+5]); ok && !seenFinder(out, p) {
					out = append(out, p)
				}
			}
			x += runs[i]
		}
	}
	return out
}

// maxLeads bounds the leads one search confirms, and maxSkewed the patterns
// it finds: a dense symbol's data, or print, offers leads by the hundred,
// and no more than maxSkewed candidates are paired up.
const (
	maxLeads  = 256
	maxSkewed = 24
)

// looksLikeFinder reports whether five runs (dark, light, dark, light,
// dark) are loosely 1:1:3:1:1: looser than gozxing's test, since the shape
// is checked afterwards.
func looksLikeFinder(r []int) bool {
	total := 0
	for _, v := range r {
		total += v
	}
	if total < 7 {
		return false
	}
	u := float64(total) / 7
	for i, v := range r {
		want := 1.0
		if i == 2 {
			want = 3
		}
		if f := float64(v) / u / want; f < 0.4 || f > 2.2 {
			return false
		}
	}
	return true
}

// confirmFinder checks the shape about the core run at (cx, y): the core's
// flood small and closed, and in at least six of eight directions from its
// centre, light, dark, light again (the gap, the ring, the separator) before
// fourteen row units (a squeezed pattern is long across). The ring is not flooded: seen at an angle, blur joins it
// to the data here and there.
func confirmFinder(m *gozxing.BitMatrix, cx, y int, r []int) (*qrdetector.FinderPattern, bool) {
	total := 0
	for _, v := range r {
		total += v
	}
	u := float64(total) / 7
	// The rays first, from the lead (cheap), then again from the core's
	// centre once it is flooded.
	if _, ok := ringed(m, Point{float64(cx) + 0.5, float64(y) + 0.5}, u); !ok {
		return nil, false
	}
	c := Point{float64(cx) + 0.5, float64(y) + 0.5}
	core, n := flood(m, cx, y, 8*u, int(30*u*u)+1, c)
	if n == 0 || float64(n) > 30*u*u || float64(n) < u*u {
		return nil, false
	}
	var sx, sy float64
	for _, i := range core {
		sx += float64(i&0xffffff) + 0.5
		sy += float64(i>>24) + 0.5
	}
	c = Point{sx / float64(n), sy / float64(n)}
	reach, ok := ringed(m, c, u)
	if !ok {
		return nil, false
	}
	// The ring's outer edge is 3.5 modules from the centre.
	return qrdetector.NewFinderPattern1(c.X, c.Y, reach/3.5), true
}

// ringed reports whether, in at least six of eight directions from c,
// dark gives way to light, dark and light again within fourteen row units
// u, and how far that last light lies on average.
func ringed(m *gozxing.BitMatrix, c Point, u float64) (float64, bool) {
	good := 0
	var reach float64
	for k := 0; k < 8 && good+8-k >= 6; k++ {
		a := float64(k) * math.Pi / 4
		dx, dy := math.Cos(a), math.Sin(a)
		state := 0 // 0 core, 1 gap, 2 ring, 3 outside
		for t := 0.0; t < 14*u && state < 3; t += 0.5 {
			x, y := int(c.X+dx*t), int(c.Y+dy*t)
			if !inside(m, x, y) {
				break
			}
			if dark := m.Get(x, y); dark == (state%2 == 1) {
				state++
				if state == 3 {
					reach += t
				}
			}
		}
		if state == 3 {
			good++
		}
	}
	if good < 6 {
		return 0, false
	}
	return reach / float64(good), true
}

// seenFinder reports whether p is one already found (another row through
// the same core).
func seenFinder(fs []*qrdetector.FinderPattern, p *qrdetector.FinderPattern) bool {
	for _, f := range fs {
		if math.Hypot(f.GetX()-p.GetX(), f.GetY()-p.GetY()) < 2*f.GetEstimatedModuleSize() {
			return true
		}
	}
	return false
}
