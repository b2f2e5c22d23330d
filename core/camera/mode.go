package camera

import (
	"math"
	"sort"
)

// DefaultMode is asked of a camera when the caller asks for nothing: enough
// pixels for an invoice QR held at arm's length, at a rate that feels live.
var DefaultMode = Mode{W: 1280, H: 720, FPS: 30}

// Pixel formats read natively, by their V4L2 names.
const (
	formatYUYV  = "YUYV"
	formatMJPEG = "MJPEG"
)

// modeOption is one way a camera can send frames.
type modeOption struct {
	format string
	w, h   int
	fps    float64 // the best rate at this size; 0 when not told
}

// sizeRange is a frame size as V4L2 enumerates it: fixed when step is 0.
type sizeRange struct {
	minW, maxW, stepW int
	minH, maxH, stepH int
}

// nearest is the size in r closest to (w, h).
func (r sizeRange) nearest(w, h int) (int, int) {
	if r.stepW == 0 && r.stepH == 0 {
		return r.maxW, r.maxH
	}
	snap := func(v, lo, hi, step int) int {
		if step <= 0 {
			step = 1
		}
		v = min(max(v, lo), hi)
		return lo + (v-lo+step/2)/step*step
	}
	return min(snap(w, r.minW, r.maxW, r.stepW), r.maxW), min(snap(h, r.minH, r.maxH, r.stepH), r.maxH)
}

// pickMode chooses the option closest to want: the size first (area and
// shape), then a rate that reaches want.FPS, then YUYV over MJPEG, which
// costs a JPEG decode per frame.
func pickMode(opts []modeOption, want Mode) (modeOption, bool) {
	if want.W <= 0 || want.H <= 0 {
		want.W, want.H = DefaultMode.W, DefaultMode.H
	}
	if want.FPS <= 0 {
		want.FPS = DefaultMode.FPS
	}
	best, bestScore := modeOption{}, math.Inf(1)
	for _, o := range opts {
		if o.w <= 0 || o.h <= 0 || (o.format != formatYUYV && o.format != formatMJPEG) {
			continue
		}
		area := math.Abs(math.Log(float64(o.w*o.h) / float64(want.W*want.H)))
		shape := math.Abs(math.Log(float64(o.w*want.H) / float64(o.h*want.W)))
		slow := 0.0
		if o.fps > 0 && o.fps < want.FPS {
			slow = (want.FPS - o.fps) / want.FPS
		}
		score := 4*area + 2*shape + 3*slow
		if o.format == formatMJPEG {
			score += 0.05
		}
		if score < bestScore {
			best, bestScore = o, score
		}
	}
	return best, !math.IsInf(bestScore, 1)
}

// sizesOf is what Sizes reports of a camera's options: each size it sends
// in a format read natively, once, with the best rate it has at that size;
// largest first.
func sizesOf(opts []modeOption) []Mode {
	var out []Mode
	at := map[[2]int]int{}
	for _, o := range opts {
		if o.w <= 0 || o.h <= 0 || (o.format != formatYUYV && o.format != formatMJPEG) {
			continue
		}
		k := [2]int{o.w, o.h}
		if i, ok := at[k]; ok {
			out[i].FPS = max(out[i].FPS, o.fps)
			continue
		}
		at[k] = len(out)
		out = append(out, Mode{W: o.w, H: o.h, FPS: o.fps})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].W*out[i].H, out[j].W*out[j].H; a != b {
			return a > b
		}
		return out[i].W > out[j].W
	})
	return out
}
