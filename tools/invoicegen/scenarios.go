package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
)

// job is one image to make.
type job struct {
	r   *rand.Rand
	fs  *fontSet
	occ int // how many images of this scenario come before this one
	// alter, when set, changes what is printed after the QR payload was
	// made (a forged paper invoice); invs collects every invoice drawn.
	alter func(*invoice)
	// press, when set, says how the invoice's values are printed on the
	// form (dot-matrix, off their boxes); it draws from its own generator.
	press func(*invoice)
	invs  []*invoice
}

// result is one image and the texts of the codes in it, top to bottom.
type result struct {
	name  string // scenario, used in the file name
	img   image.Image
	jpegQ int // 0 writes PNG
	texts []string
}

type scenario struct {
	name string
	make func(j *job) (*result, error)
	slow bool // seconds rather than milliseconds: scheduled first
}

// scenarios cycle through the corpus in this order, so that even a small
// corpus has clean, photographed, stamped, two-up and empty images.
var scenarios = []scenario{
	{"clean-150dpi", func(j *job) (*result, error) { return j.clean(150) }, false},
	{"photo-perspective", func(j *job) (*result, error) { return j.photo(1440+j.r.IntN(1200), false, false) }, true},
	{"seal-over-qr", (*job).sealScan, false},
	{"two-invoices-a4", (*job).twoUp, false},
	{"scan-100dpi", func(j *job) (*result, error) { return j.lowDPI(100, false) }, false},
	{"no-qr", (*job).noQR, false},
	{"faint-print", (*job).faint, false},
	{"clean-200dpi", func(j *job) (*result, error) { return j.clean(200) }, false},
	{"blue-print", (*job).blue, false},
	{"jpeg-heavy", (*job).heavyJPEG, false},
	{"screenshot", (*job).screenshot, false},
	{"fold", (*job).foldScan, false},
	{"rotate", (*job).rotateRight, false},
	{"rotate-small", (*job).rotateSmall, false},
	{"clean-300dpi", func(j *job) (*result, error) { return j.clean(300) }, false},
	{"scan-120dpi", func(j *job) (*result, error) { return j.lowDPI(120, false) }, false},
	{"photo-large", func(j *job) (*result, error) { return j.photo(3000+j.r.IntN(1001), false, false) }, true},
	{"photo-seal", func(j *job) (*result, error) { return j.photo(2200+j.r.IntN(900), true, false) }, true},
	{"lowdpi-faint", func(j *job) (*result, error) { return j.lowDPI(120, true) }, false},
	{"photo-fold", func(j *job) (*result, error) { return j.photo(1800+j.r.IntN(900), false, true) }, true},
}

func (j *job) between(lo, hi float64) float64 { return lo + (hi-lo)*j.r.Float64() }

// form draws a fresh invoice.
func (j *job) form(dpi float64, st style) (*invoice, *canvas, qrPlace, error) {
	inv := newInvoice(j.r)
	if j.alter != nil {
		j.alter(inv)
	}
	if j.press != nil {
		j.press(inv)
	}
	j.invs = append(j.invs, inv)
	c, q, err := renderForm(inv, dpi, st, j.r, j.fs)
	return inv, c, q, err
}

// scanned gives a flatbed scanner's look: paper slightly grey, ink not
// quite black, optics a little soft, some noise.
func (j *job) scanned(img *image.RGBA, sigma float64) {
	tone(img, j.between(14, 34), j.between(236, 250))
	blur(img, sigma)
	addNoise(img, j.r, j.between(1.2, 2.5), 0.6)
}

func (j *job) clean(dpi float64) (*result, error) {
	inv, c, _, err := j.form(dpi, defaultStyle(j.r))
	if err != nil {
		return nil, err
	}
	return &result{name: fmt.Sprintf("clean-%ddpi", int(dpi)), img: c.img, texts: []string{inv.payload}}, nil
}

// lowDPI is a cheap office scan: grey, soft, JPEG.
func (j *job) lowDPI(dpi float64, faint bool) (*result, error) {
	st := defaultStyle(j.r)
	name := fmt.Sprintf("scan-%ddpi", int(dpi))
	sigma, q := j.between(0.45, 0.7), 72+j.r.IntN(16)
	if faint {
		// Faint and soft together: keep the blur and JPEG mild, or the
		// code stops being there at all.
		g := uint8(120 + j.r.IntN(31))
		st.ink, st.qrInk = color.RGBA{g, g, g, 255}, color.RGBA{g, g, g, 255}
		name = fmt.Sprintf("lowdpi-%d-faint", int(dpi))
		sigma, q = j.between(0.3, 0.45), 85+j.r.IntN(8)
	}
	inv, c, _, err := j.form(dpi, st)
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, sigma)
	return &result{name: name, img: toGray(c.img), jpegQ: q, texts: []string{inv.payload}}, nil
}

// faint is a printer low on toner: the QR code at grey 120–170.
func (j *job) faint() (*result, error) {
	st := defaultStyle(j.r)
	g := uint8(120 + j.r.IntN(51))
	st.qrInk = color.RGBA{g, g, g, 255}
	st.ink = color.RGBA{g - 20, g - 20, g - 20, 255}
	inv, c, _, err := j.form(150+50*float64(j.r.IntN(2)), st)
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, j.between(0.3, 0.6))
	return &result{name: "faint-print", img: c.img, jpegQ: 82 + j.r.IntN(10), texts: []string{inv.payload}}, nil
}

// blue is a QR code printed in blue ink, as some dot-matrix and ink-jet
// printers leave it.
func (j *job) blue() (*result, error) {
	st := defaultStyle(j.r)
	b := color.RGBA{uint8(30 + j.r.IntN(50)), uint8(60 + j.r.IntN(60)), uint8(160 + j.r.IntN(60)), 255}
	st.qrInk, st.ink = b, b
	inv, c, _, err := j.form(150+50*float64(j.r.IntN(2)), st)
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, j.between(0.3, 0.6))
	return &result{name: "blue-print", img: c.img, jpegQ: 80 + j.r.IntN(12), texts: []string{inv.payload}}, nil
}

func (j *job) heavyJPEG() (*result, error) {
	inv, c, _, err := j.form(150+50*float64(j.r.IntN(2)), defaultStyle(j.r))
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, 0.3)
	img := image.Image(c.img)
	if j.r.IntN(2) == 0 {
		// Saved once more on the way, as a forwarded chat picture is.
		var err error
		if img, err = jpegRoundTrip(c.img, 40+j.r.IntN(21)); err != nil {
			return nil, err
		}
	}
	return &result{name: "jpeg-heavy", img: img, jpegQ: 15 + j.r.IntN(16), texts: []string{inv.payload}}, nil
}

func (j *job) sealScan() (*result, error) {
	st := defaultStyle(j.r)
	st.sealOnQR = true
	inv, c, _, err := j.form(200, st)
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, j.between(0.3, 0.6))
	return &result{name: "seal-over-qr", img: c.img, jpegQ: 84 + j.r.IntN(9), texts: []string{inv.payload}}, nil
}

// twoUp is an A4 page with two invoices printed one above the other, each
// shrunk to fit the width, scanned in grey.
func (j *job) twoUp() (*result, error) {
	dpi := 150 + 50*float64(j.r.IntN(2))
	s := dpi / 25.4
	page := image.NewRGBA(image.Rect(0, 0, int(210*s), int(297*s)))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	scale := 200 / formW
	var texts []string
	for k := range 2 {
		inv, c, _, err := j.form(dpi*scale, defaultStyle(j.r))
		if err != nil {
			return nil, err
		}
		y := 12 + float64(k)*(formH*scale+22)
		paste(page, c.img, image.Pt(int(5*s), int(y*s)))
		texts = append(texts, inv.payload)
	}
	j.scanned(page, j.between(0.4, 0.6))
	img := rotate(page, j.between(-1.2, 1.2), color.RGBA{240, 240, 240, 255})
	return &result{name: "two-invoices-a4", img: toGray(img), jpegQ: 80 + j.r.IntN(11), texts: texts}, nil
}

// noQR makes images with no code at all: a form whose QR area is blank,
// or a photo of an empty desk.
func (j *job) noQR() (*result, error) {
	if j.occ%2 == 1 {
		return &result{name: "no-qr-texture", img: deskPhoto(1600+j.r.IntN(800), j.r), jpegQ: 70 + j.r.IntN(16)}, nil
	}
	st := defaultStyle(j.r)
	st.noQR = true
	_, c, _, err := j.form(150+50*float64(j.r.IntN(2)), st)
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, 0.5)
	return &result{name: "no-qr-blank", img: toGray(c.img), jpegQ: 85}, nil
}

// screenshot is a page as a PDF viewer shows it at 80–125 % zoom: drawn
// large, shrunk with smoothing, on the viewer's grey background.
func (j *job) screenshot() (*result, error) {
	zoom := j.between(0.8, 1.25)
	target := 96 * zoom / 25.4 // pixels per mm on screen
	st := defaultStyle(j.r)
	var page *image.RGBA
	var inv *invoice
	if j.r.IntN(2) == 0 {
		// The QR is an embedded image the viewer magnifies bilinearly.
		st.qrStyle = qrSmooth
		i, c, _, err := j.form(target*25.4, st)
		if err != nil {
			return nil, err
		}
		inv, page = i, c.img
	} else {
		i, c, _, err := j.form(target*25.4*float64(2+j.r.IntN(2)), st)
		if err != nil {
			return nil, err
		}
		inv = i
		page = resizeTent(c.img, int(math.Round(formW*target)), int(math.Round(formH*target)))
	}
	bgs := []color.RGBA{{82, 86, 89, 255}, {64, 64, 64, 255}, {230, 230, 230, 255}, {245, 245, 247, 255}}
	bg := bgs[j.r.IntN(len(bgs))]
	mx, my := 40+j.r.IntN(160), 20+j.r.IntN(60)
	w, h := page.Rect.Dx()+2*mx, page.Rect.Dy()+my+20+j.r.IntN(80)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	// A soft drop shadow under the page.
	sh := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(sh, sh.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	dark := color.RGBA{bg.R / 2, bg.G / 2, bg.B / 2, 255}
	draw.Draw(sh, page.Rect.Add(image.Pt(mx+1, my+2)), image.NewUniform(dark), image.Point{}, draw.Src)
	blur(sh, 2.5)
	copy(out.Pix, sh.Pix)
	paste(out, page, image.Pt(mx, my))
	return &result{name: "screenshot", img: out, texts: []string{inv.payload}}, nil
}

// foldScan is an invoice that was folded: a crease runs across the QR,
// and another down the middle of the form.
func (j *job) foldScan() (*result, error) {
	dpi := 150 + 50*float64(j.r.IntN(2))
	inv, c, q, err := j.form(dpi, defaultStyle(j.r))
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, 0)
	j.creases(c.img, q, c.scale, formW/2)
	blur(c.img, j.between(0.3, 0.5))
	return &result{name: "fold", img: toGray(c.img), jpegQ: 82 + j.r.IntN(10), texts: []string{inv.payload}}, nil
}

// creases folds img across the QR code and down the middle.
func (j *job) creases(img *image.RGBA, q qrPlace, s, midX float64) {
	modPx := q.size / float64(q.modules) * s
	ang := j.between(-0.14, 0.14)
	if j.r.IntN(2) == 0 {
		ang += math.Pi / 2
	}
	cx := (q.x + q.size*j.between(0.3, 0.7)) * s
	cy := (q.y + q.size*j.between(0.3, 0.7)) * s
	fold(img, cx, cy, ang, modPx*j.between(0.2, 0.4), j.between(0.3, 0.5), j.between(0.03, 0.08), j.r)
	fold(img, (midX+j.between(-3, 3))*s, 70*s, math.Pi/2+j.between(-0.03, 0.03), j.between(0.3, 1), j.between(0.15, 0.3), 0.05, j.r)
}

func (j *job) rotateRight() (*result, error) {
	k := 1 + j.occ%3
	inv, c, _, err := j.form(150+50*float64(j.r.IntN(2)), defaultStyle(j.r))
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, j.between(0.3, 0.5))
	img := rotate90(c.img, k)
	return &result{name: fmt.Sprintf("rotate-%d", 90*k), img: toGray(img), jpegQ: 85 + j.r.IntN(8), texts: []string{inv.payload}}, nil
}

func (j *job) rotateSmall() (*result, error) {
	inv, c, _, err := j.form(150+50*float64(j.r.IntN(2)), defaultStyle(j.r))
	if err != nil {
		return nil, err
	}
	j.scanned(c.img, j.between(0.3, 0.5))
	deg := j.between(3, 15)
	if j.r.IntN(2) == 0 {
		deg = -deg
	}
	lid := uint8(228 + j.r.IntN(20))
	img := rotate(c.img, deg, color.RGBA{lid, lid, lid, 255})
	return &result{name: "rotate-small", img: img, jpegQ: 84 + j.r.IntN(9), texts: []string{inv.payload}}, nil
}

// photo is a phone photo of a printed invoice lying on a desk.
func (j *job) photo(longSide int, sealOnQR, folded bool) (*result, error) {
	o := photoOpts{longSide: longSide, portrait: j.r.IntN(4) == 0, tilt: j.between(10, 30), fill: j.between(0.62, 0.85)}
	margin := j.between(4, 12)
	sw, sh := formW+2*margin, formH+2*margin
	dpi := o.sheetDPI(sw, sh)
	st := defaultStyle(j.r)
	p := uint8(244 + j.r.IntN(8))
	st.paper = color.RGBA{p, p, p - uint8(j.r.IntN(6)), 255}
	st.sealOnQR = sealOnQR
	inv, c, q, err := j.form(dpi, st)
	if err != nil {
		return nil, err
	}
	s := c.scale
	sheet := image.NewRGBA(image.Rect(0, 0, int(sw*s), int(sh*s)))
	draw.Draw(sheet, sheet.Rect, image.NewUniform(st.paper), image.Point{}, draw.Src)
	paste(sheet, c.img, image.Pt(int(margin*s), int(margin*s)))
	tone(sheet, j.between(10, 30), 255)
	if folded {
		fq := q
		fq.x += margin
		fq.y += margin
		j.creases(sheet, fq, s, margin+formW/2)
	}
	onSheet := q
	onSheet.x += margin
	onSheet.y += margin
	o.qr = &onSheet
	if j.r.IntN(2) == 0 {
		o.focus = &[2]float64{onSheet.x + q.size/2, onSheet.y + q.size/2}
	}
	img := photograph(sheet, s, o, j.r)
	name := "photo-perspective"
	switch {
	case sealOnQR:
		name = "photo-seal"
	case folded:
		name = "photo-fold"
	case longSide >= 3000:
		name = "photo-large"
	}
	return &result{name: name, img: img, jpegQ: 55 + j.r.IntN(31), texts: []string{inv.payload}}, nil
}
