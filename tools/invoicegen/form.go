package main

import (
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

const formW, formH = 240.0, 140.0 // mm, the page size of an e-invoice

// style is how a form is printed.
type style struct {
	paper, frame, ink, qrInk color.RGBA
	sealInk                  color.RGBA
	qrStyle                  qrStyle
	noQR                     bool
	seal                     bool
	sealOnQR                 bool // stamp the seller's seal across the QR code
}

func defaultStyle(r *rand.Rand) style {
	jit := func(v, d int) uint8 { return uint8(v - d + r.IntN(2*d+1)) }
	k := jit(18, 12)
	return style{
		paper:   color.RGBA{255, 255, 255, 255},
		frame:   color.RGBA{jit(156, 12), jit(74, 10), jit(47, 8), 255},
		ink:     color.RGBA{k, k, k, 255},
		qrInk:   color.RGBA{k, k, k, 255},
		sealInk: color.RGBA{jit(215, 20), jit(35, 15), jit(40, 15), 255},
		seal:    true,
	}
}

// qrPlace is where the QR symbol (without quiet zone) landed, in mm.
type qrPlace struct {
	x, y, size float64
	modules    int
}

// finders returns the centres of the three finder patterns.
func (q qrPlace) finders() [3][2]float64 {
	m := q.size / float64(q.modules)
	a, b := q.x+3.5*m, q.x+q.size-3.5*m
	c, d := q.y+3.5*m, q.y+q.size-3.5*m
	return [3][2]float64{{a, c}, {b, c}, {a, d}}
}

func encodeQR(text string) (*gozxing.BitMatrix, error) {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: decoder.ErrorCorrectionLevel_M,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	return qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
}

// renderForm draws one invoice on a 240 × 140 mm page at dpi.
func renderForm(inv *invoice, dpi float64, st style, r *rand.Rand, fs *fontSet) (*canvas, qrPlace, error) {
	c := newCanvas(formW, formH, dpi, st.paper, fs)
	bm, err := encodeQR(inv.payload)
	if err != nil {
		return nil, qrPlace{}, fmt.Errorf("encode QR %q: %w", inv.payload, err)
	}
	n := bm.GetWidth()
	// The printed square, quiet zone included, is about 20 mm.
	printed := 19.5 + 2*r.Float64()
	quiet := 2.0
	mod := printed / (float64(n) + 2*quiet)
	qx, qy := 9.0, 5.0
	if inv.digital {
		qx, qy = 10, 4.5 // clear of the table, which starts at 27 mm
	}
	q := qrPlace{x: qx + quiet*mod, y: qy + quiet*mod, size: mod * float64(n), modules: n}

	if inv.digital {
		drawDigital(c, inv, st, r)
	} else {
		drawTaxControl(c, inv, st, r)
	}
	if inv.dot != nil {
		// The printer prints the code with the values.
		q.x, q.y = q.x+inv.dot.dx, q.y+inv.dot.dy
	}
	if !st.noQR {
		c.qr(bm, q.x, q.y, mod, st.qrInk, st.qrStyle)
	}
	if st.sealOnQR {
		s := sealAcrossQR(q, inv, r)
		c.drawSeal(s, st.sealInk, 0.6+0.3*r.Float64(), r)
	} else if st.seal {
		x, y := 196+6*r.Float64(), 112+6*r.Float64()
		if !inv.digital {
			y += 3
		}
		c.drawSeal(invoiceSeal(x, y, (r.Float64()-0.5)*0.5, inv.seller.name, inv.seller.taxID), st.sealInk, 0.8+0.15*r.Float64(), r)
	}
	return c, q, nil
}

// sealAcrossQR places the seller's seal so that it covers 30–50 % of the
// QR symbol, with its ring crossing at most one finder pattern, so that the
// code stays readable by a good decoder.
func sealAcrossQR(q qrPlace, inv *invoice, r *rand.Rand) seal {
	var best seal
	bestErr := math.Inf(1)
	target := 0.3 + 0.2*r.Float64()
	for range 400 {
		ang := r.Float64() * 2 * math.Pi
		dist := 14 + 12*r.Float64()
		cx := q.x + q.size/2 + dist*math.Cos(ang)
		cy := q.y + q.size/2 + dist*math.Sin(ang)*0.8
		s := invoiceSeal(cx, cy, (r.Float64()-0.5)*0.8, inv.seller.name, inv.seller.taxID)
		in := 0
		const g = 24
		for j := range g {
			for i := range g {
				if s.inside(q.x+q.size*(float64(i)+0.5)/g, q.y+q.size*(float64(j)+0.5)/g, 1) {
					in++
				}
			}
		}
		frac := float64(in) / (g * g)
		crossed := 0
		m := q.size / float64(q.modules)
		for _, f := range q.finders() {
			if s.onRing(f[0], f[1], 3.5*m) {
				crossed++
			}
		}
		if s.cx < s.rx*0.85 || s.cy < s.ry*0.85 {
			continue // keep the seal on the page
		}
		if crossed > 1 || s.inside(q.finders()[0][0], q.finders()[0][1], 0.8) && s.inside(q.finders()[1][0], q.finders()[1][1], 0.8) {
			continue
		}
		if e := math.Abs(frac - target); e < bestErr {
			best, bestErr = s, e
		}
	}
	return best
}

// titleSize keeps long titles clear of the header fields on the right.
func titleSize(c *canvas, title string) float64 {
	return math.Min(19, 19*74/c.textWidth(title, 19, false))
}

// spread puts ideographic spaces between characters, as 合　　计 is set.
func spread(s string) string { return strings.Join(strings.Split(s, ""), "　") }

func (inv *invoice) dateText() string {
	return fmt.Sprintf("%04d年%02d月%02d日", inv.year, inv.month, inv.day)
}

// circledCross draws the ⊗ printed before the amount in words; the bundled
// font has no glyph for it.
func circledCross(c *canvas, x, y, d float64, col color.RGBA) {
	m := c.newMask(x-d, y-d, x+d, y+d)
	p := c.path(m)
	rr := d / 2
	p.ellipse(x, y, rr, rr, false)
	p.ellipse(x, y, rr-0.22, rr-0.22, true)
	k := rr * 0.707
	p.line(x-k, y-k, x+k, y+k, 0.22)
	p.line(x-k, y+k, x+k, y-k, 0.22)
	p.fill()
	c.paint(m, col, 1)
}

func rateText(it item) string { return fmt.Sprintf("%d%%", it.rate) }

// drawDigital lays out a 数电 invoice (电子发票), as the tax bureau's PDF does.
func drawDigital(c *canvas, inv *invoice, st style, r *rand.Rand) {
	fr, ink := st.frame, st.ink
	const lw = 0.3
	tpt := titleSize(c, inv.title)
	c.text(120, 16.5, inv.title, tpt, fr, center, false)
	tw := c.textWidth(inv.title, tpt, false)
	c.hline(120-tw/2-2, 120+tw/2+2, 19.8, 0.3, fr)
	c.hline(120-tw/2-2, 120+tw/2+2, 20.8, 0.3, fr)

	c.text(160, 12, "发票号码：", 9, fr, left, false)
	c.text(177, 12, inv.number, 9.5, ink, left, true)
	c.text(160, 19, "开票日期：", 9, fr, left, false)
	c.text(177, 19, inv.dateText(), 9.5, ink, left, true)

	x0, x1, y0, y1 := 6.0, 234.0, 27.0, 126.0
	c.frame(x0, y0, x1, y1, lw, fr)
	// Buyer and seller side by side.
	c.vline(13, y0, 47, lw, fr)
	c.vline(120, y0, 47, lw, fr)
	c.vline(127, y0, 47, lw, fr)
	c.hline(x0, x1, 47, lw, fr)
	c.vertical(9.5, 28.5, 46, "购买方信息", 9, fr)
	c.vertical(123.5, 28.5, 46, "销售方信息", 9, fr)
	for i, p := range []party{inv.buyer, inv.seller} {
		x := 15.0 + float64(i)*114
		c.text(x, 34.5, "名称：", 9, fr, left, false)
		c.text(x+10, 34.5, p.name, 9.5, ink, left, false)
		lbl := "统一社会信用代码/纳税人识别号："
		c.text(x, 42.5, lbl, 8, fr, left, false)
		c.text(x+c.textWidth(lbl, 8, false)+0.5, 42.5, p.taxID, 9.5, ink, left, true)
	}
	// Goods.
	heads := []struct {
		t string
		x float64
	}{{"项目名称", 32}, {"规格型号", 76}, {"单 位", 93}, {"数 量", 108}, {"单 价", 132}, {"金 额", 162}, {"税率/征收率", 190}, {"税 额", 218}}
	for _, h := range heads {
		c.text(h.x, 52, h.t, 9, fr, center, false)
	}
	for i, it := range inv.items {
		y := 57.5 + float64(i)*5
		c.text(8, y, it.name, 8.5, ink, left, false)
		c.text(76, y, it.spec, 8.5, ink, center, true)
		c.text(93, y, it.unit, 8.5, ink, center, false)
		c.text(115, y, fmt.Sprint(it.qty), 8.5, ink, right, true)
		c.text(148, y, it.price, c.fit(it.price, 8.5, 27, true), ink, right, true)
		c.text(177, y, fen(it.amount), 8.5, ink, right, true)
		c.text(190, y, rateText(it), 8.5, ink, center, true)
		c.text(232, y, fen(it.tax), 8.5, ink, right, true)
	}
	c.text(32, 88.5, "合　　计", 9, fr, center, false)
	c.text(177, 88.5, "¥"+fen(inv.net), 9, ink, right, true)
	c.text(232, 88.5, "¥"+fen(inv.tax), 9, ink, right, true)
	c.hline(x0, x1, 91, lw, fr)
	c.vline(52, 91, 99, lw, fr)
	c.text(29, 96.5, "价税合计（大写）", 9, fr, center, false)
	circledCross(c, 57, 95.3, 3.2, ink)
	c.text(60, 96.5, capitalAmount(inv.net+inv.tax), 9.5, ink, left, false)
	c.text(158, 96.5, "（小写）", 9, fr, left, false)
	c.text(174, 96.5, "¥"+fen(inv.net+inv.tax), 9.5, ink, left, true)
	c.hline(x0, x1, 99, lw, fr)
	c.vline(13, 99, y1, lw, fr)
	c.vertical(9.5, 104, 121, "备注", 9, fr)
	if inv.typ == "51" {
		c.text(16, 106, "旅客："+pick(r, people)+"　身份证号：****************"+digits(r, 2), 8.5, ink, left, true)
	} else if r.IntN(2) == 0 {
		c.text(16, 106, "购方开户银行："+inv.buyer.bank, 8.5, ink, left, true)
	}
	c.text(15, 133, "开票人：", 9, fr, left, false)
	c.text(30, 133, inv.drawer, 9.5, ink, left, false)
}

// drawTaxControl lays out an older tax-control invoice (发票代码 + 8-digit
// number, 密码区), as on 增值税电子普通发票.
func drawTaxControl(c *canvas, inv *invoice, st style, r *rand.Rand) {
	fr := st.frame
	pr := printer{c, inv.dot, st.ink}
	const lw = 0.3
	if inv.machine != "" {
		c.text(8, 33, "机器编号：", 8.5, fr, left, false)
		pr.text(24, 33, inv.machine, 9, left, true)
	}
	tpt := titleSize(c, inv.title)
	c.text(120, 15, inv.title, tpt, fr, center, false)
	tw := c.textWidth(inv.title, tpt, false)
	c.hline(120-tw/2-1, 120+tw/2+1, 19, 0.3, fr)
	c.hline(120-tw/2-1, 120+tw/2+1, 20, 0.3, fr)
	bureau := regionOf(inv.code) + "省税务局"
	switch regionOf(inv.code) {
	case "北京", "上海", "深圳", "厦门":
		bureau = regionOf(inv.code) + "市税务局"
	}
	c.drawSeal(supervisionSeal(120+4*(r.Float64()-0.5), 15, bureau), color.RGBA{230, 45, 45, 255}, 0.85, r)

	hx, vx := 162.0, 179.0
	c.text(hx, 9, "发票代码：", 9, fr, left, false)
	pr.text(vx, 9, inv.code, 9.5, left, true)
	c.text(hx, 15, "发票号码：", 9, fr, left, false)
	pr.text(vx, 15, inv.number, 9.5, left, true)
	c.text(hx, 21, "开票日期：", 9, fr, left, false)
	pr.text(vx, 21, inv.dateText(), 9.5, left, true)
	if inv.check != "" {
		c.text(hx, 27, "校 验 码：", 9, fr, left, false)
		ck := inv.check[:5] + " " + inv.check[5:10] + " " + inv.check[10:15] + " " + inv.check[15:]
		pr.text(vx, 27, ck, 9, left, true)
	}

	x0, x1, y0, y1 := 8.0, 232.0, 36.0, 126.0
	c.frame(x0, y0, x1, y1, lw, fr)
	partyBlock := func(yt, yb float64, label string, p party) {
		c.vline(15, yt, yb, lw, fr)
		c.vertical(11.5, yt+1.5, yb-1.5, label, 9, fr)
		lbl := []string{"名称", "纳税人识别号", "地址、电话", "开户行及账号"}
		val := []string{p.name, p.taxID, p.address, p.bank}
		for i := range lbl {
			y := yt + 4.6 + float64(i)*4.9
			c.spaced(17, 39, y, lbl[i]+"：", 8.5, fr)
			pr.text(42, y, val[i], 8.5, left, i == 1 || i == 3)
		}
		c.vline(142, yt, yb, lw, fr)
		c.vline(149, yt, yb, lw, fr)
	}
	partyBlock(y0, 56, "购买方", inv.buyer)
	c.vertical(145.5, y0+1.5, 54.5, "密码区", 9, fr)
	const cipher = "0123456789<>+-*/"
	for i := range 4 {
		var sb strings.Builder
		for range 27 {
			sb.WriteByte(cipher[r.IntN(len(cipher))])
		}
		pr.text(151, 40.5+float64(i)*4.6, sb.String(), 10, left, true)
	}
	c.hline(x0, x1, 56, lw, fr)
	cols := []float64{72, 92, 104, 122, 148, 178, 190}
	for _, x := range cols {
		c.vline(x, 56, 96, lw, fr)
	}
	heads := []string{"货物或应税劳务、服务名称", "规格型号", "单位", "数 量", "单 价", "金 额", "税率", "税 额"}
	edges := append(append([]float64{x0}, cols...), x1)
	for i, h := range heads {
		c.text((edges[i]+edges[i+1])/2, 60.5, h, 8.5, fr, center, false)
	}
	for i, it := range inv.items {
		y := 65.5 + float64(i)*4.6
		pr.text(9.5, y, it.name, c.fit(it.name, 8.5, 62, false), left, false)
		pr.text(82, y, it.spec, 8.5, center, true)
		pr.text(98, y, it.unit, 8.5, center, false)
		pr.text(121, y, fmt.Sprint(it.qty), 8.5, right, true)
		pr.text(147, y, it.price, c.fit(it.price, 8.5, 24, true), right, true)
		pr.text(177, y, fen(it.amount), 8.5, right, true)
		pr.text(184, y, rateText(it), 8.5, center, true)
		pr.text(231, y, fen(it.tax), 8.5, right, true)
	}
	c.text(40, 94, spread("合计"), 9, fr, center, false)
	pr.text(177, 94, "¥"+fen(inv.net), 9.5, right, true)
	pr.text(231, 94, "¥"+fen(inv.tax), 9.5, right, true)
	c.hline(x0, x1, 96, lw, fr)
	c.vline(72, 96, 103, lw, fr)
	c.text(40, 101, "价税合计（大写）", 9, fr, center, false)
	pr.cross(77, 99.8, 3.2)
	pr.text(80, 101, capitalAmount(inv.net+inv.tax), 9.5, left, false)
	c.text(160, 101, "（小写）", 9, fr, left, false)
	pr.text(176, 101, "¥"+fen(inv.net+inv.tax), 9.5, left, true)
	c.hline(x0, x1, 103, lw, fr)
	partyBlock(103, y1, "销售方", inv.seller)
	c.vertical(145.5, 106, 123, "备注", 9, fr)

	c.text(12, 132, "收款人：", 9, fr, left, false)
	pr.text(27, 132, inv.payee, 9, left, false)
	c.text(68, 132, "复核：", 9, fr, left, false)
	pr.text(79, 132, inv.reviewer, 9, left, false)
	c.text(118, 132, "开票人：", 9, fr, left, false)
	pr.text(133, 132, inv.drawer, 9, left, false)
	c.text(172, 132, "销售方：（章）", 9, fr, left, false)
}

// regionOf names the province of a tax-control invoice code.
func regionOf(code string) string {
	rc := code[:4]
	if len(code) == 12 {
		rc = code[1:5]
	}
	for _, g := range regions {
		if g.code == rc {
			return g.name
		}
	}
	return "国家"
}
