package document

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/draw"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
	"golang.org/x/text/unicode/norm"

	"github.com/fapiaoscanner/fapiao/assets/fonts"
	"github.com/fapiaoscanner/fapiao/core/imaging"
)

// An OFD page drawn for the clerk to look at: its templates, content and
// annotations (watermarks, the download counter) in order, with paths
// stroked and filled, text in the bundled CJK font (or a font the file
// embeds, when it has the character), and images placed by their CTM.
// Clipping areas, shadings and patterns are not drawn: an invoice uses
// none that hides what it prints. Signatures' stamps live in signed data
// (SES), not on the page, and are not drawn either.

// drawOFDPage draws page (from 1) of an OFD on white, at most maxPixels
// pixels and maxPreviewDPI.
func drawOFDPage(ctx context.Context, data []byte, page, maxPixels int) (img *image.RGBA, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: drawing failed: %v", ErrCorrupt, r)
		}
	}()
	od, doc, err := openOFD(data)
	if err != nil {
		return nil, err
	}
	if page > len(od.pages) {
		return nil, fmt.Errorf("%w: the document has %d", ErrNoPage, len(od.pages))
	}
	pg := od.pages[page-1]
	const ptPerMM = 72 / 25.4
	pw, ph := fitPixels(pg.w*ptPerMM, pg.h*ptPerMM, maxPixels)
	if pw < 1 || ph < 1 {
		return nil, fmt.Errorf("%w: page of %.0f×%.0f mm", ErrCorrupt, pg.w, pg.h)
	}
	dst := image.NewRGBA(image.Rect(0, 0, pw, ph))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	p := &ofdPainter{ctx: ctx, od: od, dst: dst, fonts: map[string]*sfnt.Font{}}
	base := affine{float64(pw) / pg.w, 0, 0, float64(ph) / pg.h, 0, 0}
	layers := func(loc string) {
		if n, err := od.p.xml(loc); err == nil {
			if c := n.child("Content"); c != nil {
				p.block(c, base, nil)
			}
		}
	}
	for _, t := range pg.templates {
		if !t.foreground {
			layers(t.loc)
		}
	}
	layers(pg.content)
	for _, t := range pg.templates {
		if t.foreground {
			layers(t.loc)
		}
	}
	p.annotations(doc, pg.id, base)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return dst, nil
}

// affine is an OFD CTM "a b c d e f": x' = a x + c y + e, y' = b x + d y + f.
type affine [6]float64

var identity = affine{1, 0, 0, 1, 0, 0}

// then is m followed by n.
func (m affine) then(n affine) affine {
	return affine{
		n[0]*m[0] + n[2]*m[1], n[1]*m[0] + n[3]*m[1],
		n[0]*m[2] + n[2]*m[3], n[1]*m[2] + n[3]*m[3],
		n[0]*m[4] + n[2]*m[5] + n[4], n[1]*m[4] + n[3]*m[5] + n[5],
	}
}

func (m affine) apply(x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// scale is how much m enlarges lengths (on average).
func (m affine) scale() float64 { return math.Sqrt(math.Abs(m[0]*m[3] - m[1]*m[2])) }

func translate(x, y float64) affine { return affine{1, 0, 0, 1, x, y} }

type ofdPainter struct {
	ctx   context.Context
	od    *ofdDoc
	dst   *image.RGBA
	fonts map[string]*sfnt.Font // embedded fonts by font ID; nil when unusable
	buf   sfnt.Buffer
	z     vector.Rasterizer
	clip  *image.Alpha // where the object being drawn may paint; nil: anywhere
}

// block draws the objects of a Content, Layer, PageBlock or Appearance in
// order; layer is the DrawParam in force.
func (p *ofdPainter) block(n *node, base affine, param *node) {
	for _, k := range n.kids {
		if p.ctx.Err() != nil {
			return
		}
		switch k.name {
		case "Layer", "PageBlock":
			pr := param
			if id := k.attr["DrawParam"]; id != "" && p.od.params[id] != nil {
				pr = p.od.params[id]
			}
			p.block(k, base, pr)
		case "PathObject":
			p.path(k, base, param)
		case "TextObject":
			p.text(k, base, param)
		case "ImageObject":
			p.image(k, base)
		}
	}
}

// annotations draws the page's annotations (pageID's in the document's
// annotation list) that are visible.
func (p *ofdPainter) annotations(doc *node, pageID string, base affine) {
	list := doc.child("Annotations")
	if list == nil || list.value() == "" || pageID == "" {
		return
	}
	loc := resolve(p.od.dir, list.value())
	ln, err := p.od.p.xml(loc)
	if err != nil {
		return
	}
	for _, pg := range ln.findAll("Page") {
		if pg.attr["PageID"] != pageID {
			continue
		}
		an, err := p.od.p.xml(resolve(dirOf(loc), pg.findText("FileLoc")))
		if err != nil {
			continue
		}
		for _, a := range an.findAll("Annot") {
			if a.attr["Visible"] == "false" {
				continue
			}
			for _, ap := range a.findAll("Appearance") {
				b := floats(ap.attr["Boundary"])
				if len(b) != 4 {
					continue
				}
				p.block(ap, translate(b[0], b[1]).then(base), nil)
			}
		}
	}
}

func dirOf(loc string) string {
	if i := strings.LastIndex(loc, "/"); i >= 0 {
		return loc[:i]
	}
	return ""
}

// objectSpace maps an object's own space to the device: its CTM, then its
// Boundary's origin, then base.
func objectSpace(n *node, base affine) affine {
	m := identity
	if c := floats(n.attr["CTM"]); len(c) == 6 {
		copy(m[:], c)
	}
	if b := floats(n.attr["Boundary"]); len(b) >= 2 {
		m = m.then(translate(b[0], b[1]))
	}
	return m.then(base)
}

// style is what an object is drawn with, from its own attributes, else
// its layer's DrawParam (and the ones it is relative to).
func (p *ofdPainter) style(n, param *node, name string) *node {
	if c := n.child(name); c != nil {
		return c
	}
	for i := 0; param != nil && i < 8; i++ {
		if c := param.child(name); c != nil {
			return c
		}
		param = p.od.params[param.attr["Relative"]]
	}
	return nil
}

func (p *ofdPainter) lineWidth(n, param *node) float64 {
	if w := floats(n.attr["LineWidth"]); len(w) == 1 {
		return w[0]
	}
	for i := 0; param != nil && i < 8; i++ {
		if w := floats(param.attr["LineWidth"]); len(w) == 1 {
			return w[0]
		}
		param = p.od.params[param.attr["Relative"]]
	}
	return 0.353 // the standard's default, 1 point
}

// color reads a color element (Value in its ColorSpace, Alpha), or def
// when there is none.
func (p *ofdPainter) color(c *node, def color.Color) color.Color {
	if c == nil {
		return def
	}
	var v []float64
	for _, f := range strings.Fields(c.attr["Value"]) {
		if h, ok := strings.CutPrefix(f, "#"); ok {
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != 1 {
				return def
			}
			v = append(v, float64(b[0]))
			continue
		}
		x, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return def
		}
		v = append(v, x)
	}
	alpha := 255.0
	if a := floats(c.attr["Alpha"]); len(a) == 1 {
		alpha = a[0]
	}
	kind := "RGB"
	if cs := p.od.spaces[c.attr["ColorSpace"]]; cs != nil {
		kind = strings.ToUpper(cs.attr["Type"])
	}
	ch := func(x float64) uint8 { return uint8(math.Max(0, math.Min(255, x))) }
	var r, g, b float64
	switch {
	case kind == "GRAY" && len(v) >= 1:
		r, g, b = v[0], v[0], v[0]
	case kind == "CMYK" && len(v) >= 4:
		k := 1 - v[3]/255
		r, g, b = (255-v[0])*k, (255-v[1])*k, (255-v[2])*k
	case len(v) >= 3:
		r, g, b = v[0], v[1], v[2]
	case len(v) == 1:
		r, g, b = v[0], v[0], v[0]
	default:
		return def
	}
	a := ch(alpha)
	// Premultiplied, as color.RGBA wants.
	pm := func(x float64) uint8 { return uint8(float64(ch(x)) * float64(a) / 255) }
	return color.RGBA{pm(r), pm(g), pm(b), a}
}

// point is a point on the device.
type point struct{ x, y float64 }

// subpath is a flattened part of a path.
type subpath struct {
	pts    []point
	closed bool
}

// pathArgs are the numbers each operator of an AbbreviatedData path takes
// (C, which closes a part, takes none).
var pathArgs = map[string]int{"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7}

// flattenPath reads an AbbreviatedData path, in the space m maps to the
// device, into lines on the device. Arcs are drawn as lines to their ends.
func flattenPath(data string, m affine) []subpath {
	f := strings.Fields(data)
	var out []subpath
	var cur *subpath
	var x, y float64 // the pen, in the object's space
	num := func(i int) (float64, bool) {
		if i >= len(f) {
			return 0, false
		}
		v, err := strconv.ParseFloat(f[i], 64)
		return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	args := func(i, n int) ([]float64, bool) {
		a := make([]float64, n)
		for k := range a {
			v, ok := num(i + 1 + k)
			if !ok {
				return nil, false
			}
			a[k] = v
		}
		return a, true
	}
	add := func(px, py float64) {
		dx, dy := m.apply(px, py)
		if cur == nil {
			out = append(out, subpath{})
			cur = &out[len(out)-1]
		}
		cur.pts = append(cur.pts, point{dx, dy})
	}
	for i := 0; i < len(f) && len(out) < 100000; {
		op := f[i]
		if op == "C" {
			if cur != nil {
				cur.closed = true
				if len(cur.pts) > 0 {
					// A new part starts where the closed one began.
					if inv, ok := m.inverse(); ok {
						x, y = inv.apply(cur.pts[0].x, cur.pts[0].y)
					}
				}
				cur = nil
			}
			i++
			continue
		}
		n, known := pathArgs[op]
		if !known {
			i++
			continue
		}
		if a, ok := args(i, n); ok {
			ex, ey := a[n-2], a[n-1] // every operator ends at its last point
			switch op {
			case "S", "M":
				out = append(out, subpath{})
				cur = &out[len(out)-1]
				add(ex, ey)
			case "Q":
				quadTo(x, y, a[0], a[1], ex, ey, add)
			case "B":
				cubeTo(x, y, a[0], a[1], a[2], a[3], ex, ey, add)
			default: // L, and A drawn as a line to its end
				add(ex, ey)
			}
			x, y = ex, ey
		}
		i += n + 1
	}
	return out
}

// curveSteps is how many lines a curve is drawn with: smooth at the sizes
// an invoice's lines and letters take on screen.
const curveSteps = 12

// quadTo adds the points of the quadratic curve from (x0, y0) through
// control (x1, y1) to (x2, y2), the start excluded.
func quadTo(x0, y0, x1, y1, x2, y2 float64, add func(x, y float64)) {
	for s := 1; s <= curveSteps; s++ {
		t := float64(s) / curveSteps
		u := 1 - t
		add(u*u*x0+2*u*t*x1+t*t*x2, u*u*y0+2*u*t*y1+t*t*y2)
	}
}

// cubeTo adds the points of the cubic curve from (x0, y0) through controls
// (x1, y1) and (x2, y2) to (x3, y3), the start excluded.
func cubeTo(x0, y0, x1, y1, x2, y2, x3, y3 float64, add func(x, y float64)) {
	for s := 1; s <= curveSteps; s++ {
		t := float64(s) / curveSteps
		u := 1 - t
		add(u*u*u*x0+3*u*u*t*x1+3*u*t*t*x2+t*t*t*x3, u*u*u*y0+3*u*u*t*y1+3*u*t*t*y2+t*t*t*y3)
	}
}

func (m affine) inverse() (affine, bool) {
	det := m[0]*m[3] - m[1]*m[2]
	if det == 0 || math.IsNaN(det) {
		return affine{}, false
	}
	a, b, c, d := m[3]/det, -m[1]/det, -m[2]/det, m[0]/det
	return affine{a, b, c, d, -(a*m[4] + c*m[5]), -(b*m[4] + d*m[5])}, true
}

// path strokes and fills a PathObject: stroked unless Stroke="false",
// filled when Fill="true".
func (p *ofdPainter) path(n *node, base affine, param *node) {
	m := objectSpace(n, base)
	parts := flattenPath(n.child("AbbreviatedData").value(), m)
	if len(parts) == 0 {
		return
	}
	p.clip = clipMask(n, m, p.dst.Bounds())
	defer func() { p.clip = nil }()
	if n.attr["Fill"] == "true" {
		// Without a fill color a path is not filled: the standard's default
		// is transparent.
		p.fill(parts, p.color(p.style(n, param, "FillColor"), color.Transparent))
	}
	if n.attr["Stroke"] != "false" {
		w := math.Max(0.8, p.lineWidth(n, param)*m.scale())
		p.fill(strokes(parts, w), p.color(p.style(n, param, "StrokeColor"), color.Black))
	}
}

// strokes are the outlines of lines w wide along parts, each segment a
// rectangle reaching w/2 past its ends (which fills the joins).
func strokes(parts []subpath, w float64) []subpath {
	var out []subpath
	seg := func(a, b point) {
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l == 0 {
			dx, dy, l = 1, 0, 1
		}
		ux, uy := dx/l*w/2, dy/l*w/2 // along, half the width
		nx, ny := -uy, ux            // across
		a = point{a.x - ux, a.y - uy}
		b = point{b.x + ux, b.y + uy}
		out = append(out, subpath{closed: true, pts: []point{
			{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}})
	}
	for _, s := range parts {
		for i := 1; i < len(s.pts); i++ {
			seg(s.pts[i-1], s.pts[i])
		}
		if s.closed && len(s.pts) > 2 {
			seg(s.pts[len(s.pts)-1], s.pts[0])
		}
	}
	return out
}

// fill paints the inside of parts (on the device) in c, within p.clip.
func (p *ofdPainter) fill(parts []subpath, c color.Color) {
	if _, _, _, a := c.RGBA(); a == 0 {
		return
	}
	within := p.dst.Bounds()
	if p.clip != nil {
		within = within.Intersect(p.clip.Rect)
	}
	r := coverage(&p.z, parts, within)
	if r.Empty() {
		return
	}
	if p.clip == nil {
		p.z.DrawOp = draw.Over
		p.z.Draw(p.dst, r, image.NewUniform(c), image.Point{})
		return
	}
	mask := image.NewAlpha(r)
	p.z.DrawOp = draw.Src
	p.z.Draw(mask, r, image.Opaque, image.Point{})
	intersect(mask, p.clip)
	draw.DrawMask(p.dst, r, image.NewUniform(c), image.Point{}, mask, r.Min, draw.Over)
}

// coverage puts the inside of parts, where they lie within, in z, sized
// and placed to the rectangle it returns (empty when nothing is inside).
func coverage(z *vector.Rasterizer, parts []subpath, within image.Rectangle) image.Rectangle {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range parts {
		for _, q := range s.pts {
			x0, y0, x1, y1 = math.Min(x0, q.x), math.Min(y0, q.y), math.Max(x1, q.x), math.Max(y1, q.y)
		}
	}
	if x0 > x1 {
		return image.Rectangle{}
	}
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(within)
	if r.Empty() {
		return r
	}
	z.Reset(r.Dx(), r.Dy())
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	for _, s := range parts {
		if len(s.pts) < 2 {
			continue
		}
		z.MoveTo(float32(s.pts[0].x-ox), float32(s.pts[0].y-oy))
		for _, q := range s.pts[1:] {
			z.LineTo(float32(q.x-ox), float32(q.y-oy))
		}
		z.ClosePath()
	}
	return r
}

// intersect keeps of a what lies inside b (a's rectangle inside b's).
func intersect(a, b *image.Alpha) {
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			i := a.PixOffset(x, y)
			a.Pix[i] = uint8(uint16(a.Pix[i]) * uint16(b.AlphaAt(x, y).A) / 255)
		}
	}
}

// clipMask is where an object may paint: inside every area of its Clips
// (paths, each placed by its Boundary and CTM in the object's space m);
// nil when it has none this reader draws.
func clipMask(n *node, m affine, page image.Rectangle) *image.Alpha {
	clips := n.child("Clips")
	if clips == nil {
		return nil
	}
	var mask *image.Alpha
	var z vector.Rasterizer
	for _, c := range clips.kids {
		var parts []subpath
		for _, area := range c.kids {
			if area.name != "Area" {
				continue
			}
			am := m
			if a := floats(area.attr["CTM"]); len(a) == 6 {
				am = affine(a).then(m)
			}
			for _, pth := range area.kids {
				if pth.name != "Path" {
					continue
				}
				pm := am
				if b := floats(pth.attr["Boundary"]); len(b) >= 2 {
					pm = translate(b[0], b[1]).then(am)
				}
				parts = append(parts, flattenPath(pth.child("AbbreviatedData").value(), pm)...)
			}
		}
		if len(parts) == 0 {
			continue
		}
		within := page
		if mask != nil {
			within = within.Intersect(mask.Rect)
		}
		r := coverage(&z, parts, within)
		next := image.NewAlpha(r)
		if !r.Empty() {
			z.DrawOp = draw.Src
			z.Draw(next, r, image.Opaque, image.Point{})
		}
		if mask != nil { // inside every clip
			intersect(next, mask)
		}
		mask = next
	}
	return mask
}

// cjkFont and latinFont draw text whose font is not embedded: the bundled
// CJK font, and Go's for the characters it lacks.
var (
	cjkFont   = sync.OnceValue(func() *sfnt.Font { f, _ := sfnt.Parse(fonts.CJK); return f })
	latinFont = sync.OnceValue(func() *sfnt.Font { f, _ := sfnt.Parse(goregular.TTF); return f })
)

// font is the embedded font of font ID id, nil when there is none or it
// cannot be read.
func (p *ofdPainter) font(id string) *sfnt.Font {
	if f, ok := p.fonts[id]; ok {
		return f
	}
	var f *sfnt.Font
	if loc, ok := p.od.fontFiles[id]; ok {
		if b, err := p.od.p.get(loc); err == nil {
			f, _ = sfnt.Parse(b)
		}
	}
	p.fonts[id] = f
	return f
}

// glyph finds r in the first of fs that has it, else its compatibility
// equivalent (producers write 一 as the Kangxi radical ⼀, U+2F00, which
// fonts seldom have).
func (p *ofdPainter) glyph(fs []*sfnt.Font, r rune) (*sfnt.Font, sfnt.GlyphIndex) {
	for _, c := range []rune{r, []rune(norm.NFKC.String(string(r)) + " ")[0]} {
		for _, f := range fs {
			if f == nil {
				continue
			}
			if i, err := f.GlyphIndex(&p.buf, c); err == nil && i != 0 {
				return f, i
			}
		}
	}
	return nil, 0
}

// text draws a TextObject's characters at their places.
func (p *ofdPainter) text(n *node, base affine, param *node) {
	if n.attr["Fill"] == "false" && n.attr["Stroke"] != "true" {
		return
	}
	ts := textSpace(n)
	m := affine(ts.ctm).then(translate(ts.bx, ts.by)).then(base)
	p.clip = clipMask(n, m, p.dst.Bounds())
	defer func() { p.clip = nil }()
	fs := []*sfnt.Font{p.font(n.attr["Font"]), cjkFont(), latinFont()}
	var parts []subpath
	ts.each(n, func(r rune, x, y, _ float64, _ bool) {
		if r == ' ' || r == '\u3000' {
			return
		}
		f, gi := p.glyph(fs, r)
		if f == nil {
			return
		}
		upem := float64(f.UnitsPerEm())
		segs, err := f.LoadGlyph(&p.buf, gi, fixed.Int26_6(upem*64), nil)
		if err != nil {
			return
		}
		k := ts.size / upem / 64 // font units (26.6) to the object's space
		gm := affine{k, 0, 0, k, x, y}.then(m)
		parts = append(parts, glyphParts(segs, gm)...)
	})
	p.fill(parts, p.color(p.style(n, param, "FillColor"), color.Black))
}

// glyphParts flattens a glyph's outline through m.
func glyphParts(segs sfnt.Segments, m affine) []subpath {
	var out []subpath
	var cur *subpath
	var px, py float64
	at := func(q fixed.Point26_6) (float64, float64) { return float64(q.X), float64(q.Y) }
	add := func(x, y float64) {
		dx, dy := m.apply(x, y)
		if cur == nil {
			out = append(out, subpath{closed: true})
			cur = &out[len(out)-1]
		}
		cur.pts = append(cur.pts, point{dx, dy})
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			out = append(out, subpath{closed: true})
			cur = &out[len(out)-1]
			px, py = at(s.Args[0])
			add(px, py)
		case sfnt.SegmentOpLineTo:
			px, py = at(s.Args[0])
			add(px, py)
		case sfnt.SegmentOpQuadTo:
			bx, by := at(s.Args[0])
			cx, cy := at(s.Args[1])
			quadTo(px, py, bx, by, cx, cy, add)
			px, py = cx, cy
		case sfnt.SegmentOpCubeTo:
			bx, by := at(s.Args[0])
			cx, cy := at(s.Args[1])
			dx, dy := at(s.Args[2])
			cubeTo(px, py, bx, by, cx, cy, dx, dy, add)
			px, py = dx, dy
		}
	}
	return out
}

// image draws an ImageObject: its CTM maps the image, a unit square, onto
// the object's space.
func (p *ofdPainter) image(n *node, base affine) {
	loc, ok := p.od.media[n.attr["ResourceID"]]
	if !ok {
		return
	}
	data, err := p.od.p.get(loc)
	if err != nil {
		return
	}
	var src image.Image
	if bytes.HasPrefix(data, jbig2Magic) {
		src, err = jbig2Image(p.ctx, data)
	} else {
		src, err = imaging.DecodeWithin(data, maxImageCost)
	}
	if err != nil || src == nil {
		return
	}
	b := src.Bounds()
	if b.Empty() {
		return
	}
	m := affine{1 / float64(b.Dx()), 0, 0, 1 / float64(b.Dy()), -float64(b.Min.X) / float64(b.Dx()), -float64(b.Min.Y) / float64(b.Dy())}.
		then(objectSpace(n, base))
	s2d := f64.Aff3{m[0], m[2], m[4], m[1], m[3], m[5]}
	draw.BiLinear.Transform(p.dst, s2d, src, b, draw.Over, nil)
}
