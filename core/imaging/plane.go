package imaging

import (
	"image"
	"image/color"
)

// Plane is one 8-bit channel of an image, row-major, the form every decoding
// strategy works on.
type Plane struct {
	W, H int
	Pix  []byte
}

// Channel selects how colour becomes the gray plane a strategy reads.
type Channel int

const (
	Luma   Channel = iota // ITU-R 601 luma: what a camera's gray would be
	Red                   // a red seal stamped across the QR vanishes here
	MinRGB                // the darkest channel: blue or faint ink is darkest in its complement
	// Print is luma with red ink lightened to its red channel: a seal
	// stamped across printed values, and the form's red-brown rules,
	// fade towards the paper, while black and blue print stay as dark
	// as luma shows them.
	Print
)

func (c Channel) String() string {
	switch c {
	case Red:
		return "red"
	case MinRGB:
		return "min"
	case Print:
		return "print"
	}
	return "luma"
}

// planeOf extracts channel c of img. Gray and YCbCr images give their luma
// without conversion.
func planeOf(img image.Image, c Channel) *Plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p := &Plane{W: w, H: h, Pix: make([]byte, w*h)}
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(p.Pix[y*w:(y+1)*w], m.Pix[(y)*m.Stride:])
		}
		return p
	case *image.YCbCr:
		if c == Luma {
			for y := 0; y < h; y++ {
				copy(p.Pix[y*w:(y+1)*w], m.Y[y*m.YStride:])
			}
			return p
		}
		// JPEG photos: convert without going through image.At.
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(m.Y[y*m.YStride+x], m.Cb[ci], m.Cr[ci])
				p.Pix[y*w+x] = pick(r, g, bl, c)
			}
		}
		return p
	case *image.RGBA:
		rgbaPlane(p, m.Pix, m.Stride, c)
		return p
	case *image.NRGBA:
		// Unpremultiplied: composite over white, as a page would be.
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				r, g, bl, a := row[4*x], row[4*x+1], row[4*x+2], uint32(row[4*x+3])
				r = byte((uint32(r)*a + 255*(255-a)) / 255)
				g = byte((uint32(g)*a + 255*(255-a)) / 255)
				bl = byte((uint32(bl)*a + 255*(255-a)) / 255)
				p.Pix[y*w+x] = pick(r, g, bl, c)
			}
		}
		return p
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			// Premultiplied 16-bit: composite over white.
			r, g, bl = r+0xffff-a, g+0xffff-a, bl+0xffff-a
			p.Pix[y*w+x] = pick(byte(r>>8), byte(g>>8), byte(bl>>8), c)
		}
	}
	return p
}

func rgbaPlane(p *Plane, pix []byte, stride int, c Channel) {
	for y := 0; y < p.H; y++ {
		row := pix[y*stride:]
		for x := 0; x < p.W; x++ {
			// Premultiplied: add the missing white.
			a := 255 - row[4*x+3]
			p.Pix[y*p.W+x] = pick(row[4*x]+a, row[4*x+1]+a, row[4*x+2]+a, c)
		}
	}
}

func pick(r, g, b byte, c Channel) byte {
	switch c {
	case Red:
		return r
	case MinRGB:
		return min(r, g, b)
	case Print:
		return max(r, pick(r, g, b, Luma))
	}
	return byte((299*uint32(r) + 587*uint32(g) + 114*uint32(b) + 500) / 1000)
}

// HasColour reports whether img is not gray, sampling a grid of pixels.
func HasColour(img image.Image) bool { return hasColour(img) }

// hasColour reports whether img is not gray, sampling a grid of pixels.
func hasColour(img image.Image) bool {
	switch img.(type) {
	case *image.Gray, *image.Gray16, *image.Paletted:
		if p, ok := img.(*image.Paletted); ok {
			for _, c := range p.Palette {
				r, g, b, _ := c.RGBA()
				if r != g || g != b {
					return true
				}
			}
		}
		return false
	}
	bd := img.Bounds()
	step := max(1, max(bd.Dx(), bd.Dy())/64)
	for y := bd.Min.Y; y < bd.Max.Y; y += step {
		for x := bd.Min.X; x < bd.Max.X; x += step {
			r, g, b, _ := img.At(x, y).RGBA()
			if absDiff(r, g) > 0x1800 || absDiff(g, b) > 0x1800 || absDiff(r, b) > 0x1800 {
				return true
			}
		}
	}
	return false
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// Scale resizes p by factor f: area averaging when shrinking (no aliasing of
// fine modules), bilinear when enlarging.
func (p *Plane) Scale(f float64) *Plane {
	w, h := max(1, int(float64(p.W)*f+0.5)), max(1, int(float64(p.H)*f+0.5))
	if f < 1 {
		return p.shrink(w, h)
	}
	return p.enlarge(w, h)
}

func (p *Plane) shrink(w, h int) *Plane {
	q := &Plane{W: w, H: h, Pix: make([]byte, w*h)}
	for y := 0; y < h; y++ {
		y0, y1 := y*p.H/h, max((y+1)*p.H/h, y*p.H/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := x*p.W/w, max((x+1)*p.W/w, x*p.W/w+1)
			sum := 0
			for yy := y0; yy < y1; yy++ {
				row := p.Pix[yy*p.W:]
				for xx := x0; xx < x1; xx++ {
					sum += int(row[xx])
				}
			}
			q.Pix[y*w+x] = byte(sum / ((y1 - y0) * (x1 - x0)))
		}
	}
	return q
}

func (p *Plane) enlarge(w, h int) *Plane {
	q := &Plane{W: w, H: h, Pix: make([]byte, w*h)}
	sx, sy := float64(p.W)/float64(w), float64(p.H)/float64(h)
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := max(0, int(fy))
		y1 := min(p.H-1, y0+1)
		wy := fy - float64(y0)
		if wy < 0 {
			wy = 0
		}
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)*sx - 0.5
			x0 := max(0, int(fx))
			x1 := min(p.W-1, x0+1)
			wx := fx - float64(x0)
			if wx < 0 {
				wx = 0
			}
			a := float64(p.Pix[y0*p.W+x0])*(1-wx) + float64(p.Pix[y0*p.W+x1])*wx
			b := float64(p.Pix[y1*p.W+x0])*(1-wx) + float64(p.Pix[y1*p.W+x1])*wx
			q.Pix[y*w+x] = byte(a*(1-wy) + b*wy + 0.5)
		}
	}
	return q
}

// Crop returns the part of p inside r (clipped), as a new plane.
func (p *Plane) Crop(r image.Rectangle) *Plane {
	r = r.Intersect(image.Rect(0, 0, p.W, p.H))
	q := &Plane{W: r.Dx(), H: r.Dy(), Pix: make([]byte, r.Dx()*r.Dy())}
	for y := 0; y < q.H; y++ {
		copy(q.Pix[y*q.W:(y+1)*q.W], p.Pix[(r.Min.Y+y)*p.W+r.Min.X:])
	}
	return q
}

// Sharpen applies an unsharp mask (3×3 box blur, amount 1).
func (p *Plane) Sharpen() *Plane {
	blur := p.BoxBlur(1)
	q := &Plane{W: p.W, H: p.H, Pix: make([]byte, len(p.Pix))}
	for i, v := range p.Pix {
		q.Pix[i] = clamp(2*int(v) - int(blur.Pix[i]))
	}
	return q
}

// Normalize stretches local contrast: each pixel is mapped against the
// minimum and maximum of its neighbourhood (radius r, via box filters over a
// block grid), which evens out shadows and faint print.
func (p *Plane) Normalize(r int) *Plane {
	mean := p.BoxBlur(r)
	// Local spread: mean absolute deviation, blurred.
	dev := &Plane{W: p.W, H: p.H, Pix: make([]byte, len(p.Pix))}
	for i, v := range p.Pix {
		d := int(v) - int(mean.Pix[i])
		if d < 0 {
			d = -d
		}
		dev.Pix[i] = byte(min(255, d))
	}
	dev = dev.BoxBlur(r)
	q := &Plane{W: p.W, H: p.H, Pix: make([]byte, len(p.Pix))}
	for i, v := range p.Pix {
		s := max(int(dev.Pix[i]), 6)
		q.Pix[i] = clamp(128 + (int(v)-int(mean.Pix[i]))*48/s)
	}
	return q
}

// BoxBlur averages over a (2r+1)² window with running sums.
func (p *Plane) BoxBlur(r int) *Plane {
	w, h := p.W, p.H
	tmp := make([]int32, w*h)
	for y := 0; y < h; y++ {
		row := p.Pix[y*w : (y+1)*w]
		var sum int32
		for x := -r; x <= r; x++ {
			sum += int32(row[min(max(x, 0), w-1)])
		}
		for x := 0; x < w; x++ {
			tmp[y*w+x] = sum
			sum += int32(row[min(x+r+1, w-1)]) - int32(row[max(x-r, 0)])
		}
	}
	q := &Plane{W: w, H: h, Pix: make([]byte, w*h)}
	n := int32((2*r + 1) * (2*r + 1))
	for x := 0; x < w; x++ {
		var sum int32
		for y := -r; y <= r; y++ {
			sum += tmp[min(max(y, 0), h-1)*w+x]
		}
		for y := 0; y < h; y++ {
			q.Pix[y*w+x] = byte(sum / n)
			sum += tmp[min(y+r+1, h-1)*w+x] - tmp[max(y-r, 0)*w+x]
		}
	}
	return q
}

// Rotate90 turns p a quarter clockwise.
func (p *Plane) Rotate90() *Plane {
	q := &Plane{W: p.H, H: p.W, Pix: make([]byte, len(p.Pix))}
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			q.Pix[x*q.W+(q.W-1-y)] = p.Pix[y*p.W+x]
		}
	}
	return q
}

func clamp(v int) byte {
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return byte(v)
}

// Image returns p as an image.Gray, for debugging and tests.
func (p *Plane) Image() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, p.W, p.H))
	copy(g.Pix, p.Pix)
	return g
}
