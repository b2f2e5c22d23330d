package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"github.com/makiuchi-d/gozxing"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/fapiaoscanner/fapiao/assets"
)

// The bundled Chinese font has no Latin letters or digits, so text falls
// back to the Go fonts for those.
type fontSet struct{ cjk, sans, mono *opentype.Font }

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	cjk, err := opentype.Parse(assets.Font.Content())
	if err != nil {
		return nil, err
	}
	sans, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	mono, err := opentype.Parse(gomono.TTF)
	if err != nil {
		return nil, err
	}
	return &fontSet{cjk, sans, mono}, nil
})

// canvas is an RGBA image addressed in millimetres. Faces are cached per
// canvas because opentype faces are not safe for concurrent use.
type canvas struct {
	img   *image.RGBA
	scale float64 // pixels per millimetre
	fonts *fontSet
	faces map[faceKey]font.Face
}

type faceKey struct {
	f    *opentype.Font
	size float64
}

func newCanvas(wmm, hmm, dpi float64, bg color.RGBA, fs *fontSet) *canvas {
	s := dpi / 25.4
	img := image.NewRGBA(image.Rect(0, 0, int(math.Round(wmm*s)), int(math.Round(hmm*s))))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	return &canvas{img: img, scale: s, fonts: fs, faces: map[faceKey]font.Face{}}
}

func (c *canvas) face(f *opentype.Font, pt float64) font.Face {
	k := faceKey{f, pt}
	if fc, ok := c.faces[k]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: c.scale * 25.4, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // the fonts are embedded and known to parse
	}
	c.faces[k] = fc
	return fc
}

func blend(p []uint8, col color.RGBA, a float64) {
	if a <= 0 {
		return
	}
	if a > 1 {
		a = 1
	}
	p[0] = uint8(float64(p[0])*(1-a) + float64(col.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*(1-a) + float64(col.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*(1-a) + float64(col.B)*a + 0.5)
}

// overlap is the length of [a,b) inside the pixel [p,p+1).
func overlap(a, b float64, p int) float64 {
	lo, hi := max(a, float64(p)), min(b, float64(p+1))
	if hi <= lo {
		return 0
	}
	return hi - lo
}

// rect fills an axis-aligned rectangle given in millimetres, with exact
// area coverage at its edges.
func (c *canvas) rect(x0, y0, x1, y1 float64, col color.RGBA) {
	c.rectPx(x0*c.scale, y0*c.scale, x1*c.scale, y1*c.scale, col, 1)
}

func (c *canvas) rectPx(x0, y0, x1, y1 float64, col color.RGBA, alpha float64) {
	b := c.img.Bounds()
	ix0, iy0 := max(int(math.Floor(x0)), 0), max(int(math.Floor(y0)), 0)
	ix1, iy1 := min(int(math.Ceil(x1)), b.Dx()), min(int(math.Ceil(y1)), b.Dy())
	for y := iy0; y < iy1; y++ {
		cy := overlap(y0, y1, y)
		for x := ix0; x < ix1; x++ {
			i := c.img.PixOffset(x, y)
			blend(c.img.Pix[i:i+3], col, alpha*cy*overlap(x0, x1, x))
		}
	}
}

// hline and vline draw table rules of width w millimetres.
func (c *canvas) hline(x0, x1, y, w float64, col color.RGBA) { c.rect(x0, y-w/2, x1, y+w/2, col) }
func (c *canvas) vline(x, y0, y1, w float64, col color.RGBA) { c.rect(x-w/2, y0, x+w/2, y1, col) }

// frame draws the outline of a rectangle.
func (c *canvas) frame(x0, y0, x1, y1, w float64, col color.RGBA) {
	c.hline(x0-w/2, x1+w/2, y0, w, col)
	c.hline(x0-w/2, x1+w/2, y1, w, col)
	c.vline(x0, y0+w/2, y1-w/2, w, col)
	c.vline(x1, y0+w/2, y1-w/2, w, col)
}

type align int

const (
	left align = iota
	center
	right
)

// faceFor picks the font for a rune: Latin and digits from the Go fonts,
// everything else from the Chinese font.
func (c *canvas) faceFor(r rune, pt float64, mono bool) font.Face {
	if r < 0x2000 {
		if mono {
			return c.face(c.fonts.mono, pt)
		}
		return c.face(c.fonts.sans, pt)
	}
	return c.face(c.fonts.cjk, pt)
}

// textWidth measures s in millimetres.
func (c *canvas) textWidth(s string, pt float64, mono bool) float64 {
	var w fixed.Int26_6
	for _, r := range s {
		a, _ := c.faceFor(r, pt, mono).GlyphAdvance(r)
		w += a
	}
	return float64(w) / 64 / c.scale
}

// fit returns pt, or a smaller size at which s is at most w millimetres
// wide, as invoice software shrinks long values to fit their cells.
func (c *canvas) fit(s string, pt, w float64, mono bool) float64 {
	if tw := c.textWidth(s, pt, mono); tw > w {
		return pt * w / tw
	}
	return pt
}

// text draws s with its baseline at y millimetres; x is its left, centre or
// right edge as al says. Latin text in mono uses the monospaced font, as the
// tax-control printers do for codes and amounts.
func (c *canvas) text(x, y float64, s string, pt float64, col color.RGBA, al align, mono bool) {
	c.textTo(c.img, image.NewUniform(col), x, y, s, pt, al, mono)
}

func (c *canvas) textTo(dst draw.Image, src image.Image, x, y float64, s string, pt float64, al align, mono bool) {
	switch al {
	case center:
		x -= c.textWidth(s, pt, mono) / 2
	case right:
		x -= c.textWidth(s, pt, mono)
	}
	dot := fixed.Point26_6{X: fixed.Int26_6(x * c.scale * 64), Y: fixed.Int26_6(y * c.scale * 64)}
	for _, r := range s {
		f := c.faceFor(r, pt, mono)
		dr, mask, mp, adv, ok := f.Glyph(dot, r)
		if ok {
			draw.DrawMask(dst, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += adv
	}
}

// spaced draws s with its characters spread evenly over [x0,x1], as form
// labels like 名    称 are.
func (c *canvas) spaced(x0, x1, y float64, s string, pt float64, col color.RGBA) {
	rs := []rune(s)
	if len(rs) == 1 {
		c.text((x0+x1)/2, y, s, pt, col, center, false)
		return
	}
	w := c.textWidth(string(rs[0]), pt, false)
	step := (x1 - x0 - w) / float64(len(rs)-1)
	for i, r := range rs {
		c.text(x0+float64(i)*step, y, string(r), pt, col, left, false)
	}
}

// vertical writes s top to bottom, centred on x, spread over [y0,y1].
func (c *canvas) vertical(x, y0, y1 float64, s string, pt float64, col color.RGBA) {
	rs := []rune(s)
	h := pt * 25.4 / 72
	step := (y1 - y0 - h) / float64(max(len(rs)-1, 1))
	if len(rs) == 1 {
		y0 = (y0+y1)/2 - h/2
	}
	for i, r := range rs {
		c.text(x, y0+h*0.88+float64(i)*step, string(r), pt, col, center, false)
	}
}

// qrStyle says how modules meet the pixel grid.
type qrStyle int

const (
	qrSharp  qrStyle = iota // exact area coverage, as a printer or a vector renderer
	qrSmooth                // bilinear magnification of a one-pixel-per-module image, as a PDF viewer shows an embedded QR image
)

// qr draws the modules of m (no quiet zone in m) with the top-left module
// corner at (x,y) millimetres and modules of size mod millimetres.
func (c *canvas) qr(m *gozxing.BitMatrix, x, y, mod float64, ink color.RGBA, style qrStyle) {
	n := m.GetWidth()
	qx, qy, ms := x*c.scale, y*c.scale, mod*c.scale
	dark := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= n || j >= n || !m.Get(i, j) {
			return 0
		}
		return 1
	}
	b := c.img.Bounds()
	x0, y0 := max(int(math.Floor(qx-ms)), 0), max(int(math.Floor(qy-ms)), 0)
	x1, y1 := min(int(math.Ceil(qx+ms*float64(n+1))), b.Dx()), min(int(math.Ceil(qy+ms*float64(n+1))), b.Dy())
	for py := y0; py < y1; py++ {
		for px := x0; px < x1; px++ {
			var cov float64
			switch style {
			case qrSmooth:
				u := (float64(px)+0.5-qx)/ms - 0.5
				v := (float64(py)+0.5-qy)/ms - 0.5
				i, j := int(math.Floor(u)), int(math.Floor(v))
				fu, fv := u-float64(i), v-float64(j)
				cov = (dark(i, j)*(1-fu)+dark(i+1, j)*fu)*(1-fv) + (dark(i, j+1)*(1-fu)+dark(i+1, j+1)*fu)*fv
			default:
				u0, u1 := (float64(px)-qx)/ms, (float64(px)+1-qx)/ms
				v0, v1 := (float64(py)-qy)/ms, (float64(py)+1-qy)/ms
				for j := int(math.Floor(v0)); float64(j) < v1; j++ {
					ov := min(v1, float64(j+1)) - max(v0, float64(j))
					for i := int(math.Floor(u0)); float64(i) < u1; i++ {
						if dark(i, j) > 0 {
							cov += ov * (min(u1, float64(i+1)) - max(u0, float64(i)))
						}
					}
				}
				cov /= (u1 - u0) * (v1 - v0)
			}
			o := c.img.PixOffset(px, py)
			blend(c.img.Pix[o:o+3], ink, cov)
		}
	}
}

// mask is an alpha mask in canvas pixels, used for stamped ink that is
// composited as a whole (seals), and for anything drawn with paths.
type mask struct {
	a      *image.Alpha
	ox, oy int // position of a's origin on the canvas
}

func (c *canvas) newMask(x0, y0, x1, y1 float64) *mask {
	r := image.Rect(int(math.Floor(x0*c.scale))-2, int(math.Floor(y0*c.scale))-2, int(math.Ceil(x1*c.scale))+2, int(math.Ceil(y1*c.scale))+2)
	return &mask{a: image.NewAlpha(image.Rect(0, 0, r.Dx(), r.Dy())), ox: r.Min.X, oy: r.Min.Y}
}

// path collects sub-paths in millimetres and fills them into a mask with
// the non-zero rule.
type path struct {
	c *canvas
	m *mask
	z *vector.Rasterizer
}

func (c *canvas) path(m *mask) *path {
	return &path{c: c, m: m, z: vector.NewRasterizer(m.a.Rect.Dx(), m.a.Rect.Dy())}
}

func (p *path) pt(x, y float64) (float32, float32) {
	return float32(x*p.c.scale - float64(p.m.ox)), float32(y*p.c.scale - float64(p.m.oy))
}

func (p *path) moveTo(x, y float64) { p.z.MoveTo(p.pt(x, y)) }
func (p *path) lineTo(x, y float64) { p.z.LineTo(p.pt(x, y)) }
func (p *path) close()              { p.z.ClosePath() }

// ellipse adds an ellipse; reverse gives the opposite winding, which cuts
// a hole out of an enclosing ellipse.
func (p *path) ellipse(cx, cy, rx, ry float64, reverse bool) {
	const k = 0.5522847498
	s := 1.0
	if reverse {
		s = -1
	}
	p.moveTo(cx+rx, cy)
	// Four cubic arcs, each a quarter ellipse.
	pts := [][6]float64{
		{cx + rx, cy + s*k*ry, cx + k*rx, cy + s*ry, cx, cy + s*ry},
		{cx - k*rx, cy + s*ry, cx - rx, cy + s*k*ry, cx - rx, cy},
		{cx - rx, cy - s*k*ry, cx - k*rx, cy - s*ry, cx, cy - s*ry},
		{cx + k*rx, cy - s*ry, cx + rx, cy - s*k*ry, cx + rx, cy},
	}
	for _, q := range pts {
		ax, ay := p.pt(q[0], q[1])
		bx, by := p.pt(q[2], q[3])
		ex, ey := p.pt(q[4], q[5])
		p.z.CubeTo(ax, ay, bx, by, ex, ey)
	}
	p.z.ClosePath()
}

// line adds a stroke of width w from (x0,y0) to (x1,y1) as a quadrilateral.
func (p *path) line(x0, y0, x1, y1, w float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	nx, ny := -dy/l*w/2, dx/l*w/2
	p.moveTo(x0+nx, y0+ny)
	p.lineTo(x1+nx, y1+ny)
	p.lineTo(x1-nx, y1-ny)
	p.lineTo(x0-nx, y0-ny)
	p.close()
}

// fill rasterises the path into its mask.
func (p *path) fill() {
	p.z.Draw(p.m.a, p.m.a.Rect, image.Opaque, image.Point{})
}

// paint composites a mask onto the canvas with ordinary alpha blending.
func (c *canvas) paint(m *mask, col color.RGBA, alpha float64) {
	c.composite(m, func(x, y int) float64 { return alpha }, func(p []uint8, a float64) { blend(p, col, a) })
}

// stamp composites a mask as translucent ink: it darkens what is below it
// (multiply), so black print under a red seal stays black.
func (c *canvas) stamp(m *mask, col color.RGBA, density func(x, y int) float64) {
	cr, cg, cb := 1-float64(col.R)/255, 1-float64(col.G)/255, 1-float64(col.B)/255
	c.composite(m, density, func(p []uint8, a float64) {
		p[0] = uint8(float64(p[0])*(1-a*cr) + 0.5)
		p[1] = uint8(float64(p[1])*(1-a*cg) + 0.5)
		p[2] = uint8(float64(p[2])*(1-a*cb) + 0.5)
	})
}

func (c *canvas) composite(m *mask, alpha func(x, y int) float64, apply func(p []uint8, a float64)) {
	b := c.img.Bounds()
	w, h := m.a.Rect.Dx(), m.a.Rect.Dy()
	for y := 0; y < h; y++ {
		cy := y + m.oy
		if cy < 0 || cy >= b.Dy() {
			continue
		}
		for x := 0; x < w; x++ {
			cx := x + m.ox
			if cx < 0 || cx >= b.Dx() {
				continue
			}
			v := m.a.Pix[y*m.a.Stride+x]
			if v == 0 {
				continue
			}
			o := c.img.PixOffset(cx, cy)
			apply(c.img.Pix[o:o+3], float64(v)/255*alpha(cx, cy))
		}
	}
}

// glyphRotated draws rune r into a mask centred on (cx,cy) millimetres,
// turned by angle radians (clockwise on the page), as seal text is set.
func (c *canvas) glyphRotated(m *mask, r rune, cx, cy, pt, angle, squeeze float64) {
	f := c.faceFor(r, pt, false)
	dr, gm, gmp, adv, ok := f.Glyph(fixed.Point26_6{}, r)
	if !ok || dr.Empty() {
		return
	}
	ga, isAlpha := gm.(*image.Alpha)
	if !isAlpha {
		tmp := image.NewAlpha(dr.Sub(dr.Min))
		draw.Draw(tmp, tmp.Rect, gm, gmp, draw.Src)
		ga, gmp = tmp, image.Point{}
	}
	// Glyph centre relative to the dot: half the advance across, and the
	// middle of the ideographic em box (about 0.38 em above the baseline).
	emPx := pt / 72 * c.scale * 25.4
	gcx, gcy := float64(adv)/64/2, -0.38*emPx
	px, py := cx*c.scale-float64(m.ox), cy*c.scale-float64(m.oy)
	rad := emPx
	sin, cos := math.Sincos(angle)
	w, h := m.a.Rect.Dx(), m.a.Rect.Dy()
	sample := func(x, y float64) float64 {
		x -= 0.5
		y -= 0.5
		ix, iy := int(math.Floor(x)), int(math.Floor(y))
		fx, fy := x-float64(ix), y-float64(iy)
		at := func(i, j int) float64 {
			p := image.Point{i, j}
			if !p.In(dr) {
				return 0
			}
			q := p.Sub(dr.Min).Add(gmp)
			return float64(ga.Pix[ga.PixOffset(q.X, q.Y)])
		}
		return (at(ix, iy)*(1-fx)+at(ix+1, iy)*fx)*(1-fy) + (at(ix, iy+1)*(1-fx)+at(ix+1, iy+1)*fx)*fy
	}
	for y := max(int(py-rad), 0); y < min(int(py+rad)+1, h); y++ {
		for x := max(int(px-rad), 0); x < min(int(px+rad)+1, w); x++ {
			dx, dy := float64(x)+0.5-px, float64(y)+0.5-py
			// Rotate back into glyph space; squeeze narrows glyphs, as the
			// tall characters of a seal are.
			lx := (dx*cos + dy*sin) / squeeze
			ly := -dx*sin + dy*cos
			v := sample(lx+gcx, ly+gcy)
			if v <= 0 {
				continue
			}
			o := y*m.a.Stride + x
			old := float64(m.a.Pix[o])
			m.a.Pix[o] = uint8(old + v*(255-old)/255 + 0.5)
		}
	}
}
