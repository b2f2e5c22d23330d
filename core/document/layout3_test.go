package document

import "testing"

// placeRead lays s out as OCR gives it: no glyph for a space, only the gap.
func placeRead(pt *pageText, x, y, size float64, s string) {
	for _, r := range s {
		w := size
		if r < 0x2E80 {
			w = size / 2
		}
		if r != ' ' {
			pt.glyphs = append(pt.glyphs, glyph{r: r, x0: x, x1: x + w*0.95, y0: y - size*0.88, y1: y + size*0.12, unsure: 0.02})
		}
		x += w
	}
}

// at is text read at (x, y) in 9-point print.
type at struct {
	x, y float64
	s    string
}

// readPage is a page OCR read: the texts, in 9-point print.
func readPage(texts ...at) pageText {
	pt := pageText{ocr: true}
	for _, a := range texts {
		placeRead(&pt, a.x, a.y, 9, a.s)
	}
	return pt
}

// TestLayoutLostCaptions reads a tax-control header whose captions OCR
// read as Latin letters (校 验 码 spread over its cell, 开票日期 in the
// form's pale colour): the check code is known by its four groups of five
// digits, the date by its 年 and 月, or by its place under the number when
// those were misread too (then only where to read it again).
func TestLayoutLostCaptions(t *testing.T) {
	header := func(date string) pageText {
		return readPage(at{440, 20, "发票代码:"}, at{485, 20, "044032100811"}, at{440, 35, "发票号码:"}, at{485, 35, "98281949"},
			at{440, 50, "FARA:"}, at{485, 50, date}, at{440, 65, "RRB:"}, at{485, 65, "62928 35394 91245 88032"},
			at{40, 120, "地址、电话:杭州市西湖区科技园路196号 020-22656347"})
	}
	p, _ := readFields(header("2022年08月11日"))
	if p.CheckCode != "62928353949124588032" || p.Date != "2022-08-11" || p.Number != "98281949" {
		t.Errorf("read check code %q, date %q, number %q", p.CheckCode, p.Date, p.Number)
	}
	// 年, 月 and 日 read as digits: no date, but its box, under the number.
	p, vs := readFields(header("2022088118"))
	d, ok := vs[keyDate]
	if p.Date != "" || !ok || d.s != "" || d.box[0] < 484 || d.box[0] > 486 || d.box[1] < 40 || d.box[3] > 52 {
		t.Errorf("misread date: %q, %+v", p.Date, d)
	}
	// Groups of other sizes, or a 20-digit number set solid, are not a
	// check code; nor is anything in a text layer without its caption.
	for _, s := range []string{"6292 83539 49124 588032", "62928353949124588032", "62928 35394 91245"} {
		if p, _ := readFields(readPage(at{440, 65, "RRB:"}, at{485, 65, s})); p.CheckCode != "" {
			t.Errorf("%q read as check code %q", s, p.CheckCode)
		}
	}
	pt := header("2022年08月11日")
	pt.ocr = false
	if p := readLayout(pt); p.CheckCode != "" {
		t.Errorf("text layer: check code %q without its caption", p.CheckCode)
	}
}

// TestLayoutSpreadNameCaption reads a party's name set well right of its
// caption 名　　称　： whose colon OCR lost.
func TestLayoutSpreadNameCaption(t *testing.T) {
	pt := readPage(at{50, 90, "名"}, at{80, 90, "称"}, at{130, 90, "浙江金桥网络科技有限公司"},
		at{50, 105, "纳税人识别号:"}, at{130, 105, "91337881MA6R26333F"})
	if p := readLayout(pt); p.BuyerName != "浙江金桥网络科技有限公司" {
		t.Errorf("buyer's name %q", p.BuyerName)
	}
}

// TestLayoutPartiesLostCaptions reads the parties' blocks of a page whose
// captions OCR lost in part: each name is the one over its own taxpayer
// ID's caption, and a taxpayer ID whose caption was lost is known by its
// check characters.
func TestLayoutPartiesLostCaptions(t *testing.T) {
	// 数电: the buyer's 名称 read as Latin letters; the seller's whole.
	p, _ := readFields(readPage(
		at{20, 100, "|SH : 北京鼎盛机械设备有限责任公司"}, at{400, 100, "名称: 厦门市天成商贸股份有限公司"},
		at{20, 120, "统一社会信用代码/纳税人识别号:91118785MA6Q17R32H"}, at{400, 120, "统一社会信用代码/纳税人识别号:91358573MA3T451355"}))
	if cleanOCRName(p.BuyerName) != "北京鼎盛机械设备有限责任公司" || cleanOCRName(p.SellerName) != "厦门市天成商贸股份有限公司" {
		t.Errorf("数电 names read as buyer %q, seller %q", p.BuyerName, p.SellerName)
	}
	// 税控: the name split where its characters are spaced wider; the
	// seller's 纳税人识别号 read as letters.
	p, _ = readFields(readPage(
		at{20, 100, "名    称: 广东   嘉禾商贸有限责任公司"}, at{20, 120, "纳税人识别号: 91440285772797371D"},
		at{20, 400, "名    称: 湖北天成医药有限公司"}, at{20, 420, "iBASRIS:91420107MA49CBXG9H"}))
	if p.BuyerName != "广东 嘉禾商贸有限责任公司" || cleanOCRName(p.SellerName) != "湖北天成医药有限公司" {
		t.Errorf("税控 names read as buyer %q, seller %q", p.BuyerName, p.SellerName)
	}
	if p.BuyerTaxID != "91440285772797371D" || p.SellerTaxID != "91420107MA49CBXG9H" {
		t.Errorf("税控 taxpayer IDs read as buyer %q, seller %q", p.BuyerTaxID, p.SellerTaxID)
	}
	// The seller's 名 read on a line of its own: its 称 and colon remain.
	p, _ = readFields(readPage(
		at{20, 100, "名称: 华为技术有限公司"}, at{20, 120, "纳税人识别号:"},
		at{20, 400, "ve"}, at{80, 400, "称 : 商贸有限公司"}, at{20, 420, "地址、电话: 深圳龙岗区"}))
	if cleanOCRName(p.BuyerName) != "华为技术有限公司" || cleanOCRName(p.SellerName) != "商贸有限公司" {
		t.Errorf("names read as buyer %q, seller %q, the seller's 名 lost", p.BuyerName, p.SellerName)
	}
	// A railway ticket: the buyer's name beside its ID, on one line.
	p, _ = readFields(readPage(at{20, 100, "购买方名称:中粮工科迎春农牧机械(山东)有限公司          统一社会信用代码:91370500751784897P"}))
	if p.BuyerName != "中粮工科迎春农牧机械(山东)有限公司" || p.BuyerTaxID != "91370500751784897P" || p.SellerName != "" {
		t.Errorf("ticket's buyer read as %q %q, seller %q", p.BuyerName, p.BuyerTaxID, p.SellerName)
	}
	// A bank account is no taxpayer ID, whatever its last 18 digits.
	for _, s := range []string{"开户行及账号: 工行 3202016509000049203", "91440285772797371D3"} {
		if ids := taxIDsByShape(buildLines(readPage(at{20, 100, s}))); len(ids) != 0 {
			t.Errorf("%q gave taxpayer IDs %v", s, ids[0].s)
		}
	}
}

// On a tilted photo of a 数电 form the seller's taxpayer ID caption, on the
// right, is read on a line above the buyer's, and the buyer's is further
// below the names' line than its own small print is tall twice over: each
// name is still the one over its own ID's caption, measured by the larger
// print of the two lines.
func TestLayoutPartiesTilted(t *testing.T) {
	pt := pageText{ocr: true}
	placeRead(&pt, 20, 100, 12, "名称: 上海东方企业管理咨询有限责任公司")
	placeRead(&pt, 400, 100, 12, "名称: 安徽宏远餐饮管理有限公司")
	placeRead(&pt, 400, 120.5, 8, "统一社会信用代码/纳税人识别号: 91346879MA6F25D333")
	placeRead(&pt, 20, 130.5, 8, "统一社会信用代码/纳税人识别号:")
	p, _ := readFields(pt)
	if cleanOCRName(p.BuyerName) != "上海东方企业管理咨询有限责任公司" || cleanOCRName(p.SellerName) != "安徽宏远餐饮管理有限公司" {
		t.Errorf("names read as buyer %q, seller %q", p.BuyerName, p.SellerName)
	}
}

// A buyer's 名称 caption read as letters, on a line its party's side
// caption (买 of 购买方) begins left of the ID's caption: the name is
// still the one above the ID's caption.
func TestLayoutNameAfterSideCaption(t *testing.T) {
	p, _ := readFields(readPage(
		at{5, 100, "买 |BH : 浙江长青科技有限责任公司"},
		at{20, 120, "统一社会信用代码/纳税人识别号:91332840MA4K24X984"}))
	if got := cleanOCRName(p.BuyerName); got != "浙江长青科技有限责任公司" {
		t.Errorf("buyer's name read as %q (%q)", got, p.BuyerName)
	}
}

// TestSumsReadAgain: the bands read the 合计 row surely but lost its
// caption (会ait) and its amount's digits (¥ ¥15.96); the row read again
// with its rules out gives ¥364.78 ¥15.96, less surely, and dedupe keeps
// the bands' line. The amount and the tax are those the row read again
// alone gives; the total, read by the bands, stays as they read it.
func TestSumsReadAgain(t *testing.T) {
	bands := readPage(at{10, 100, "会ait"}, at{60, 100, "¥"}, at{110, 100, "¥15.96"},
		at{10, 120, "价税合计(大写)"}, at{90, 120, "(小写)¥380.74"})
	more := readPage(at{10, 100, "会ait"}, at{60, 100, "¥364.78"}, at{110, 100, "¥15.96"}).glyphs
	for i := range more {
		more[i].unsure = 0.1
	}
	p, vs := readFields(bands)
	if p.Amount != "" || p.Tax != "" || p.Total != "380.74" {
		t.Fatalf("the bands give amount %q, tax %q, total %q", p.Amount, p.Tax, p.Total)
	}
	sumsReadAgain(&p, vs, [][]glyph{bands.glyphs, more}, more)
	if p.Amount != "364.78" || vs[keyAmount].s != "364.78" || p.Tax != "15.96" || vs[keyTax].s != "15.96" {
		t.Errorf("amount %q (%q), tax %q (%q), want 364.78 and 15.96 from the row read again", p.Amount, vs[keyAmount].s, p.Tax, vs[keyTax].s)
	}
	if p.Total != "380.74" {
		t.Errorf("total %q: changed", p.Total)
	}
}
