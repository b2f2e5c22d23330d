package main

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// noise is smooth value noise on an integer lattice, seeded, so textures
// are reproducible without any global state.
type noise struct{ seed uint64 }

func newNoise(seed uint64) noise { return noise{seed} }

func (n noise) hash(ix, iy int64) float64 {
	z := n.seed ^ uint64(ix)*0x9E3779B97F4A7C15 ^ uint64(iy)*0xC2B2AE3D27D4EB4F
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// at is value noise in [0,1] with smoothstep interpolation.
func (n noise) at(x, y float64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int64(fx), int64(fy)
	tx, ty := x-fx, y-fy
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a := n.hash(ix, iy)*(1-tx) + n.hash(ix+1, iy)*tx
	b := n.hash(ix, iy+1)*(1-tx) + n.hash(ix+1, iy+1)*tx
	return a*(1-ty) + b*ty
}

// fbm sums octaves of noise, normalised to [0,1].
func (n noise) fbm(x, y float64, octaves int) float64 {
	var sum, amp, norm float64 = 0, 1, 0
	for o := range octaves {
		sum += amp * noise{n.seed + uint64(o)*7919}.at(x, y)
		norm += amp
		amp /= 2
		x, y = x*2.03, y*2.03
	}
	return sum / norm
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// tone maps the full range onto a scanner's or printer's range: paper comes
// out at white, solid ink at black.
func tone(img *image.RGBA, black, white float64) {
	k := (white - black) / 255
	for i := 0; i < len(img.Pix); i += 4 {
		for c := range 3 {
			img.Pix[i+c] = clamp8(black + float64(img.Pix[i+c])*k)
		}
	}
}

// blur is a Gaussian blur: a direct separable convolution for small sigma,
// repeated box passes (a close approximation, and much cheaper) for larger
// ones. Both passes run
// along rows, which keeps large images cache-friendly.
func blur(img *image.RGBA, sigma float64) {
	if sigma <= 0.05 {
		return
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	switch {
	case sigma > 1.6:
		for _, r := range boxRadii(sigma) {
			boxH(img.Pix, w, h, img.Stride, r)
			boxV(img.Pix, w, h, img.Stride, r)
		}
		return
	case sigma >= 0.65:
		// n passes of a 3-pixel box have a deviation of 0.816·√n.
		for range max(1, int(math.Round(sigma*sigma*1.5))) {
			boxH(img.Pix, w, h, img.Stride, 1)
			boxV(img.Pix, w, h, img.Stride, 1)
		}
		return
	}
	// Fixed-point weights summing to 1<<14; positive weights keep every
	// result within 0..255.
	rad := int(math.Ceil(sigma * 2.8))
	fk := make([]float64, 2*rad+1)
	var sum float64
	for i := range fk {
		d := float64(i - rad)
		fk[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += fk[i]
	}
	k := make([]int32, len(fk))
	var isum int32
	for i := range fk {
		k[i] = int32(fk[i] / sum * (1 << 14))
		isum += k[i]
	}
	k[rad] += 1<<14 - isum
	const half = 1 << 13
	tmp := make([]uint8, w*h*4)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		out := tmp[y*w*4 : (y+1)*w*4]
		for x := range w {
			var a0, a1, a2 int32
			if x >= rad && x+rad < w {
				src := row[(x-rad)*4 : (x+rad+1)*4]
				for j, kv := range k {
					a0 += kv * int32(src[j*4])
					a1 += kv * int32(src[j*4+1])
					a2 += kv * int32(src[j*4+2])
				}
			} else {
				for j, kv := range k {
					o := min(max(x+j-rad, 0), w-1) * 4
					a0 += kv * int32(row[o])
					a1 += kv * int32(row[o+1])
					a2 += kv * int32(row[o+2])
				}
			}
			out[x*4], out[x*4+1], out[x*4+2] = uint8((a0+half)>>14), uint8((a1+half)>>14), uint8((a2+half)>>14)
		}
	}
	acc := make([]int32, w*4)
	for y := range h {
		clear(acc)
		for j, kv := range k {
			src := tmp[min(max(y+j-rad, 0), h-1)*w*4:][:w*4]
			for i, v := range src {
				acc[i] += kv * int32(v)
			}
		}
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2] = uint8((acc[i]+half)>>14), uint8((acc[i+1]+half)>>14), uint8((acc[i+2]+half)>>14)
		}
	}
}

// boxRadii gives three box radii whose repeated box blur approximates a
// Gaussian of sigma.
func boxRadii(sigma float64) [3]int {
	wIdeal := math.Sqrt(12*sigma*sigma/3 + 1)
	wl := int(math.Floor(wIdeal))
	if wl%2 == 0 {
		wl--
	}
	wu := wl + 2
	m := int(math.Round((12*sigma*sigma - 3*float64(wl*wl) - 12*float64(wl) - 9) / (-4*float64(wl) - 4)))
	var r [3]int
	for i := range r {
		if i < m {
			r[i] = (wl - 1) / 2
		} else {
			r[i] = (wu - 1) / 2
		}
	}
	return r
}

func boxH(pix []uint8, w, h, stride, r int) {
	line := make([]int32, w*4)
	n := int32(2*r + 1)
	for y := range h {
		row := pix[y*stride : y*stride+w*4]
		for i := range line {
			line[i] = int32(row[i])
		}
		for c := range 3 {
			var sum int32
			for j := -r; j <= r; j++ {
				sum += line[min(max(j, 0), w-1)*4+c]
			}
			for x := range w {
				row[x*4+c] = uint8((sum + n/2) / n)
				sum += line[min(x+r+1, w-1)*4+c] - line[max(x-r, 0)*4+c]
			}
		}
	}
}

// boxV runs down the columns with a running sum, keeping the original of
// the last r+1 rows (and of the edge rows) as the output overwrites them.
func boxV(pix []uint8, w, h, stride, r int) {
	rowLen := w * 4
	row := func(y int) []uint8 { return pix[y*stride : y*stride+rowLen] }
	first := append([]uint8(nil), row(0)...)
	last := append([]uint8(nil), row(h-1)...)
	ring := make([][]uint8, r+1)
	for i := range ring {
		ring[i] = make([]uint8, rowLen)
	}
	sum := make([]int32, rowLen)
	for j := -r; j <= r; j++ {
		var src []uint8
		switch {
		case j <= 0:
			src = first
		case j >= h-1:
			src = last
		default:
			src = row(j)
		}
		for i, v := range src {
			sum[i] += int32(v)
		}
	}
	n := int32(2*r + 1)
	for y := range h {
		out := row(y)
		copy(ring[y%(r+1)], out)
		for i := 0; i < rowLen; i += 4 {
			out[i], out[i+1], out[i+2] = uint8((sum[i]+n/2)/n), uint8((sum[i+1]+n/2)/n), uint8((sum[i+2]+n/2)/n)
		}
		in := last
		if y+r+1 < h-1 {
			in = row(y + r + 1)
		}
		gone := first
		if y-r > 0 {
			gone = ring[(y-r)%(r+1)]
		}
		for i := range sum {
			sum[i] += int32(in[i]) - int32(gone[i])
		}
	}
}

// addNoise adds sensor noise: luminance noise of sigma and colour noise of
// chroma, in 8-bit levels. Each draw is the sum of four random bytes, close
// enough to a Gaussian and much cheaper for images of millions of pixels.
func addNoise(img *image.RGBA, r *rand.Rand, sigma, chroma float64) {
	// The sum of four uniform bytes has mean 510 and deviation about 147.8.
	const mean, dev = 510, 147.78
	var bits uint64
	var left int
	gauss := func() float64 {
		if left == 0 {
			bits, left = r.Uint64(), 2
		}
		v := bits&0xff + bits>>8&0xff + bits>>16&0xff + bits>>24&0xff
		bits >>= 32
		left--
		return (float64(v) - mean) / dev
	}
	for i := 0; i < len(img.Pix); i += 4 {
		l := gauss() * sigma
		for c := range 3 {
			v := float64(img.Pix[i+c]) + l
			if chroma > 0 {
				v += gauss() * chroma
			}
			img.Pix[i+c] = clamp8(v)
		}
	}
}

func toGray(img *image.RGBA) *image.Gray {
	g := image.NewGray(img.Rect)
	for i, j := 0, 0; i < len(img.Pix); i, j = i+4, j+1 {
		g.Pix[j] = clamp8(0.299*float64(img.Pix[i]) + 0.587*float64(img.Pix[i+1]) + 0.114*float64(img.Pix[i+2]))
	}
	return g
}

// sample reads img bilinearly at (x,y) in pixel coordinates (pixel centres
// at +0.5) and says how much of the sample fell inside the image.
func sample(img *image.RGBA, x, y float64) (c [3]float64, cover float64) {
	x -= 0.5
	y -= 0.5
	ix, iy := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(ix), y-float64(iy)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for dy := 0; dy < 2; dy++ {
		for dx := 0; dx < 2; dx++ {
			px, py := ix+dx, iy+dy
			if px < 0 || py < 0 || px >= w || py >= h {
				continue
			}
			wt := (fx*float64(dx) + (1-fx)*float64(1-dx)) * (fy*float64(dy) + (1-fy)*float64(1-dy))
			o := py*img.Stride + px*4
			c[0] += wt * float64(img.Pix[o])
			c[1] += wt * float64(img.Pix[o+1])
			c[2] += wt * float64(img.Pix[o+2])
			cover += wt
		}
	}
	return c, cover
}

// rotate90 turns img clockwise by k quarter turns, losslessly.
func rotate90(img *image.RGBA, k int) *image.RGBA {
	k = (k%4 + 4) % 4
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if k == 0 {
		return img
	}
	ow, oh := w, h
	if k%2 == 1 {
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var nx, ny int
			switch k {
			case 1:
				nx, ny = h-1-y, x
			case 2:
				nx, ny = w-1-x, h-1-y
			case 3:
				nx, ny = y, w-1-x
			}
			copy(out.Pix[ny*out.Stride+nx*4:ny*out.Stride+nx*4+4], img.Pix[y*img.Stride+x*4:y*img.Stride+x*4+4])
		}
	}
	return out
}

// rotate turns img by deg degrees (clockwise) about its centre onto a
// canvas large enough to hold it, filled with bg.
func rotate(img *image.RGBA, deg float64, bg color.RGBA) *image.RGBA {
	a := deg * math.Pi / 180
	sin, cos := math.Sincos(a)
	w, h := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	ow := int(math.Ceil(math.Abs(w*cos) + math.Abs(h*sin)))
	oh := int(math.Ceil(math.Abs(w*sin) + math.Abs(h*cos)))
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	bgc := [3]float64{float64(bg.R), float64(bg.G), float64(bg.B)}
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			dx, dy := float64(x)+0.5-float64(ow)/2, float64(y)+0.5-float64(oh)/2
			sx := dx*cos + dy*sin + w/2
			sy := -dx*sin + dy*cos + h/2
			c, cov := sample(img, sx, sy)
			o := y*out.Stride + x*4
			for i := range 3 {
				out.Pix[o+i] = clamp8(c[i] + (1-cov)*bgc[i])
			}
			out.Pix[o+3] = 255
		}
	}
	return out
}

// resizeTent scales img to w×h with a triangle filter as wide as the
// scale factor, the smoothing a viewer applies when it shrinks a page.
func resizeTent(img *image.RGBA, w, h int) *image.RGBA {
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	horiz := resample1D(img.Pix, sw, sh, img.Stride, w, true)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	vert := resample1D(horiz, w, sh, w*4, h, false)
	copy(out.Pix, vert)
	return out
}

func resample1D(src []uint8, w, h, stride, n int, horizontal bool) []uint8 {
	srcN := w
	if !horizontal {
		srcN = h
	}
	scale := float64(srcN) / float64(n)
	support := math.Max(scale, 1)
	type tap struct {
		i int
		w float64
	}
	taps := make([][]tap, n)
	for o := range n {
		center := (float64(o) + 0.5) * scale
		lo, hi := int(math.Floor(center-support)), int(math.Ceil(center+support))
		var sum float64
		for i := lo; i <= hi; i++ {
			d := math.Abs(float64(i)+0.5-center) / support
			if d >= 1 {
				continue
			}
			taps[o] = append(taps[o], tap{min(max(i, 0), srcN-1), 1 - d})
			sum += 1 - d
		}
		for t := range taps[o] {
			taps[o][t].w /= sum
		}
	}
	var ow, oh int
	if horizontal {
		ow, oh = n, h
	} else {
		ow, oh = w, n
	}
	out := make([]uint8, ow*oh*4)
	for y := range oh {
		for x := range ow {
			var acc [3]float64
			o, line := x, y
			if !horizontal {
				o, line = y, x
			}
			for _, t := range taps[o] {
				var s int
				if horizontal {
					s = line*stride + t.i*4
				} else {
					s = t.i*stride + line*4
				}
				acc[0] += t.w * float64(src[s])
				acc[1] += t.w * float64(src[s+1])
				acc[2] += t.w * float64(src[s+2])
			}
			d := (y*ow + x) * 4
			out[d], out[d+1], out[d+2], out[d+3] = clamp8(acc[0]), clamp8(acc[1]), clamp8(acc[2]), 255
		}
	}
	return out
}

// solveHomography finds the map taking from[i] to to[i].
func solveHomography(from, to [4][2]float64) imaging.Homography {
	var f, t [4]imaging.Point
	for i := range 4 {
		f[i] = imaging.Point{X: from[i][0], Y: from[i][1]}
		t[i] = imaging.Point{X: to[i][0], Y: to[i][1]}
	}
	h, _ := imaging.SolveHomography(f, t)
	return h
}

// fold puts a crease across img: along the line through (px,py) at angle
// (radians), the paper on one side is shifted by shift pixels and the crease
// shows as a dark and a light band, with toner cracked along it.
func fold(img *image.RGBA, px, py, angle, shift, dark, light float64, r *rand.Rand) {
	src := image.NewRGBA(img.Rect)
	copy(src.Pix, img.Pix)
	nx, ny := -math.Sin(angle), math.Cos(angle) // unit normal
	tx, ty := math.Cos(angle), math.Sin(angle)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	const bw = 1.6 // band width, px
	for y := range h {
		for x := range w {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := (fx-px)*nx + (fy-py)*ny
			sx, sy := fx, fy
			if d > 0 {
				// The far side slid a little, along and across the crease.
				sx -= nx*shift + tx*shift*0.5
				sy -= ny*shift + ty*shift*0.5
			}
			f := 1.0
			if math.Abs(d) < 12 {
				f = 1 - dark*math.Exp(-sq((d-bw*0.7)/bw)) + light*math.Exp(-sq((d+bw*1.2)/bw))
			}
			if d > 0 {
				f *= 1 - 0.04*math.Exp(-d/60)
			}
			c, cov := sample(src, sx, sy)
			o := y*img.Stride + x*4
			for i := range 3 {
				v := c[i] + (1-cov)*255
				if math.Abs(d) < 1.2 && v < 140 && r.IntN(3) == 0 {
					v += 90 * r.Float64() // toner cracked along the crease
				}
				img.Pix[o+i] = clamp8(v * f)
			}
		}
	}
}

func sq(v float64) float64 { return v * v }

// paste draws src onto dst with its top-left corner at p.
func paste(dst, src *image.RGBA, p image.Point) {
	draw.Draw(dst, src.Rect.Add(p), src, image.Point{}, draw.Src)
}

// jpegRoundTrip encodes img as JPEG at quality q and decodes it again.
func jpegRoundTrip(img image.Image, q int) (image.Image, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return jpeg.Decode(&buf)
}
