package document

import (
	"image"
	"image/draw"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/ocr"
)

// A paper invoice prints its number after № with no caption; OCR gives
// the sign as No (its NFKC form too). The number's own caption, where one
// is printed, comes first.
func TestNumeroCaption(t *testing.T) {
	for _, c := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"№ alone", []string{"№ 34146020"}, "34146020"},
		{"read as No", []string{"No 34146020"}, "34146020"},
		{"read as NO", []string{"NO 05950604"}, "05950604"},
		{"the caption first", []string{"No 11111111", "发票号码: 24933745"}, "24933745"},
		{"not a word's No", []string{"Note 34146020"}, ""},
		{"no number after it", []string{"No 3414602"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			gs := headerLines(c.lines)
			p, _ := readFields(pageText{glyphs: gs, ocr: true})
			if p.Number != c.want {
				t.Errorf("number %q, want %q", p.Number, c.want)
			}
		})
	}
}

// headerLines lays ls out as the header band's lines, one under another.
func headerLines(ls []string) []glyph {
	var gs []glyph
	for i, l := range ls {
		gs = append(gs, glyphsAt(8, 0.4+0.3*float64(i), l)...)
	}
	return gs
}

// OCR's code is one an invoice can carry: other runs of 10 or 12 digits
// about the header (a 机器编号) are not taken for it, beside its caption or
// by their shape where no caption is printed.
func TestCodeByShape(t *testing.T) {
	if cleanOCRCode("661911958445") != "" || cleanOCRCode("034001900104") != "034001900104" {
		t.Errorf("cleanOCRCode: a 机器编号 taken, or a code refused")
	}
	p, _ := readFields(pageText{glyphs: glyphsAt(8, 0.1, "发票代码: 661911958445"), ocr: true})
	if p.Code != "" {
		t.Errorf("a 机器编号 beside the code's caption read as the code: %q", p.Code)
	}
	for _, c := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"the printer's copy", []string{"No 34146020", "034001900104", "34146020"}, "034001900104"},
		{"printed twice", []string{"034001900104 安徽增值税普通发票", "034001900104"}, "034001900104"},
		{"ten digits", []string{"2303113160"}, "2303113160"},
		{"a 机器编号 is none", []string{"661911958445"}, ""},
		{"two codes give none", []string{"034001900104", "2303113160"}, ""},
		{"run into letters", []string{"No 0595060doi2303113160"}, ""},
		{"a longer run", []string{"91340100732995648"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			gs := headerLines(c.lines)
			vs := map[string]val{}
			codeByShape(gs, vs)
			if vs[keyCode].s != c.want {
				t.Errorf("code %q, want %q", vs[keyCode].s, c.want)
			}
			if v, ok := vs[keyCode]; ok && (v.box[0] < 8*qrSide || v.box[2] <= v.box[0]) {
				t.Errorf("code box %v is not the value's", v.box)
			}
		})
	}
	// A code the caption reader found, or saw, stays.
	vs := map[string]val{keyCode: {box: [4]float64{1, 2, 3, 4}}}
	codeByShape(glyphsAt(8, 0.4, "2303113160"), vs)
	if vs[keyCode].s != "" || vs[keyCode].box != [4]float64{1, 2, 3, 4} {
		t.Errorf("the caption's code replaced: %+v", vs[keyCode])
	}
}

// A date whose 年, 月 and 日 were all misread is known by its digits'
// groups: where to read it again, with nothing taken from this reading.
func TestDateMisread(t *testing.T) {
	for _, c := range []struct {
		line string
		ok   bool
	}{
		{"HHAAR: 2020%08A208", true},
		{"2017%03 31B", false}, // the month's group is cut: no date's shape
		{"2020%13A20", false},
		{"2020%08A32", false},
		{"1850%08A20", false},
	} {
		lines := buildLines(pageText{glyphs: glyphsAt(8, 1.1, c.line), ocr: true})
		var p Printed
		vs := map[string]val{}
		shapedValues(lines, &p, vs)
		v, ok := vs[keyDate]
		if ok != c.ok || v.s != "" || p.Date != "" {
			t.Errorf("%q: date %+v (%v), want its place %v and no value", c.line, v, ok, c.ok)
			continue
		}
		if ok && (v.box[0] < 8.4*qrSide || v.box[2] < (8.4+11*0.07)*qrSide) {
			t.Errorf("%q: box %v is not the date's with its 日", c.line, v.box)
		}
	}
}

// The number's eight digits beside their row, where the usual form's rows
// put the date's (a paper form's header sits lower than an e-invoice's),
// are not the date misread.
func TestHeaderByPlaceKeepsTheNumber(t *testing.T) {
	vs := map[string]val{}
	headerByPlace(glyphsAt(8.9, 0.68, "No 34146020"), false, vs)
	if v, ok := vs[keyDate]; ok {
		t.Errorf("the number's digits taken for the date: %+v", v)
	}
	// A date read with its marks as digits still is.
	vs = map[string]val{}
	headerByPlace(glyphsAt(8.9, 0.68, "开票 2020065178"), false, vs)
	if v, ok := vs[keyDate]; !ok || v.s != "" {
		t.Errorf("misread date: %+v, %v; want its place, unread", v, ok)
	}
}

// The engine gives the Chinese characters of a word the word's box now
// and then, twice their height: the line is as tall as its characters
// whose boxes are tight, not as the word's box.
func TestFlattenTallWordBoxes(t *testing.T) {
	var gs []ocr.Glyph
	x := 0
	for i, c := range []rune("称:华为技术有限公司") {
		box := image.Rect(x, 47, x+22, 67)
		if i >= 4 {
			// 技术有限公司: the word's box, reaching into the row below.
			box = image.Rect(x, 42, x+22, 79)
		}
		gs = append(gs, ocr.Glyph{Text: string(c), Box: box, Conf: 0.99})
		x += 24
	}
	for _, g := range flatten(gs, image.Point{}) {
		if g.y0 < 45 || g.y1 > 69 {
			t.Fatalf("%c flattened to %.0f-%.0f, want the characters' 47-67", g.r, g.y0, g.y1)
		}
	}
	// A line whose boxes are tight keeps their median.
	for i := range gs {
		gs[i].Box.Min.Y, gs[i].Box.Max.Y = 47, 67
	}
	gs[0].Box.Min.Y = 30
	for _, g := range flatten(gs, image.Point{}) {
		if g.y0 != 47 || g.y1 != 67 {
			t.Fatalf("%c flattened to %.0f-%.0f, want 47-67", g.r, g.y0, g.y1)
		}
	}
}

// An invoice with no tax (its tax printed ***) has one ¥ amount on its
// 合计 row, the total's: with the row's caption lost, it is the amount. An
// amount that is not the total (the tax's ¥ lost) is not.
func TestAmountAsTotal(t *testing.T) {
	for _, c := range []struct {
		sums, want string
	}{
		{"it ¥630.00 KK", "630.00"},
		{"it ¥600.00 KK", ""},
	} {
		var gs []glyph
		gs = append(gs, glyphsAt(0.5, 5.1, c.sums)...)
		gs = append(gs, glyphsAt(0.5, 5.45, "价税合计(大写) 陆佰叁拾圆整 (小写)¥630.00")...)
		p, vs := readFields(pageText{glyphs: gs, ocr: true})
		if p.Total != "630.00" {
			t.Fatalf("total %q", p.Total)
		}
		if p.Amount != c.want || vs[keyAmount].s != c.want {
			t.Errorf("%q: amount %q, want %q", c.sums, p.Amount, c.want)
		}
		if p.Tax != "" {
			t.Errorf("%q: tax %q read from nothing", c.sums, p.Tax)
		}
	}
}

// A 税控 form whose 价税合计 row is drawn taller than the usual form's has
// its seller's rows lower: with no rules found to place the bands by, the
// seller's band reaches only half its taxpayer ID's row, and the band a
// row lower is read for it.
func TestSellerRowsLower(t *testing.T) {
	p := newPaper(t, 150)
	p.img = image.NewGray(image.Rect(0, 0, int(14*p.side), int(7*p.side)))
	draw.Draw(p.img, p.img.Bounds(), image.White, image.Point{}, draw.Src)
	p.qr(t, paperQR)
	drawHeader(p, "36182988", "2017年06月04日", "1394.99")
	p.text(0.2, 5.78, "名　　称：")
	p.text(1.9, 5.78, "合肥华强资讯科技有限公司")
	p.text(0.2, 6.02, "纳税人识别号：")
	p.text(1.9, 6.02, "91340100732995648F")
	if pr := readPaper(t, p); pr.SellerTaxID != "91340100732995648F" {
		t.Errorf("seller's taxpayer ID %q", pr.SellerTaxID)
	}
}

// Two bands' readings of one line are not mixed character by character:
// the line read more surely where they overlap is kept whole there, what
// only the other band read beyond it is kept too.
func TestDedupeWholeLines(t *testing.T) {
	at := func(x0 float64, s string, unsure []float64) []glyph {
		var gs []glyph
		w := (12.0 * 0.12 * qrSide) / float64(len([]rune(s)))
		for i, r := range []rune(s) {
			gs = append(gs, glyph{r: r, x0: x0 + float64(i)*w, x1: x0 + float64(i+1)*w - 1, y0: 100, y1: 120, unsure: unsure[i]})
		}
		return gs
	}
	flat := func(n int, u float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = u
		}
		return out
	}
	// The seller's band read the name right, a little less surely on the
	// whole; the totals band lost 一, and was surer of some characters.
	seller := at(100, "武汉城市一卡通有限公司", flat(11, 0.03))
	u := flat(10, 0.05)
	u[4], u[5] = 0.001, 0.001
	totals := append(at(100, "武汉城市卡通有限公司", u), at(900, "备注", flat(2, 0.05))...)
	got := ""
	for _, l := range buildLines(pageText{glyphs: dedupe([][]glyph{totals, seller}), ocr: true}) {
		got += l.text(0, len(l.g))
	}
	if want := "武汉城市一卡通有限公司 备注"; stripSpaces(got) != stripSpaces(want) {
		t.Errorf("read %q, want %q", got, want)
	}
}
