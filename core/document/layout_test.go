package document

import (
	"slices"
	"testing"
)

// place puts text on a page at (x, y), y downwards, glyphs size units high,
// CJK glyphs square and others half as wide.
func place(pt *pageText, x, y, size float64, s string) {
	for _, r := range s {
		w := size
		if r < 0x2E80 {
			w = size / 2
		}
		pt.glyphs = append(pt.glyphs, glyph{r: r, x0: x, x1: x + w*0.95, y0: y - size*0.88, y1: y + size*0.12})
		x += w
	}
}

// TestLayoutTaxControl lays out a tax-control invoice with its captions and
// values written in scrambled order, as some producers do.
func TestLayoutTaxControl(t *testing.T) {
	var pt pageText
	pt.w, pt.h = 600, 400
	place(&pt, 190, 40, 18, "天津增值税电子普通发票")
	place(&pt, 440, 20, 9, "发票代码:")
	place(&pt, 50, 180, 9, "*运输服务*客运服务费")
	place(&pt, 440, 35, 9, "发票号码:")
	place(&pt, 440, 50, 9, "开票日期:")
	place(&pt, 440, 65, 9, "校 验 码:")
	place(&pt, 485, 20, 9, "012001800211")
	place(&pt, 485, 35, 9, "23326471")
	place(&pt, 485, 50, 9, "2018年09月21日")
	place(&pt, 485, 65, 9, "16707 18454 90097 07698")
	place(&pt, 50, 90, 9, "名\u3000\u3000\u3000\u3000称:")
	place(&pt, 110, 90, 9, "聚光科技（杭州）股份有限公司")
	place(&pt, 380, 90, 9, "03392/<9405<-48<-9/7-376018>")
	place(&pt, 50, 105, 9, "纳税人识别号:")
	place(&pt, 110, 105, 9, "91330000734500338C")
	place(&pt, 50, 160, 9, "货物或应税劳务、服务名称")
	place(&pt, 200, 160, 9, "规格型号")
	place(&pt, 260, 160, 9, "单位")
	place(&pt, 300, 160, 9, "数 量")
	place(&pt, 350, 160, 9, "单 价")
	place(&pt, 420, 160, 9, "金 额")
	place(&pt, 480, 160, 9, "税率")
	place(&pt, 530, 160, 9, "税 额")
	place(&pt, 200, 180, 9, "无")
	place(&pt, 265, 180, 9, "次")
	place(&pt, 310, 180, 9, "1")
	place(&pt, 350, 180, 9, "734.59")
	place(&pt, 440, 180, 9, "734.59")
	place(&pt, 485, 180, 9, "3%")
	place(&pt, 540, 180, 9, "22.04")
	place(&pt, 60, 260, 9, "合      计")
	place(&pt, 430, 260, 9, "￥734.59")
	place(&pt, 530, 260, 9, "￥22.04")
	place(&pt, 60, 280, 9, "价税合计（大写）")
	place(&pt, 200, 280, 9, "柒佰伍拾陆元陆角叁分")
	place(&pt, 440, 280, 9, "（小写）￥756.63")
	place(&pt, 50, 300, 9, "名\u3000\u3000\u3000\u3000称:")
	place(&pt, 110, 300, 9, "滴滴出行科技有限公司")
	place(&pt, 50, 315, 9, "纳税人识别号:")
	place(&pt, 110, 315, 9, "911201163409833307")
	place(&pt, 300, 330, 9, "代开企业名称:某某公司")

	p := readLayout(pt)
	want := Printed{
		Kind: "天津增值税电子普通发票", TypeCode: "10", Code: "012001800211", Number: "23326471",
		Date: "2018-09-21", CheckCode: "16707184549009707698",
		BuyerName: "聚光科技（杭州）股份有限公司", BuyerTaxID: "91330000734500338C",
		SellerName: "滴滴出行科技有限公司", SellerTaxID: "911201163409833307",
		Amount: "734.59", Tax: "22.04", Total: "756.63",
	}
	if p.fields() != want.fields() {
		t.Errorf("printed\n got %+v\nwant %+v", p.fields(), want.fields())
	}
	wantItems := []Item{{Name: "*运输服务*客运服务费", Spec: "无", Unit: "次", Quantity: "1", Price: "734.59", Amount: "734.59", TaxRate: "3%", Tax: "22.04"}}
	if !slices.Equal(p.Items, wantItems) {
		t.Errorf("items\n got %+v\nwant %+v", p.Items, wantItems)
	}
}

// TestLayoutDigital lays out a 数电 invoice: buyer and seller side by side,
// the taxpayer IDs on the line below their captions.
func TestLayoutDigital(t *testing.T) {
	var pt pageText
	place(&pt, 190, 30, 20, "电子发票（普通发票）")
	place(&pt, 440, 25, 9, "发票号码：")
	place(&pt, 485, 25, 9, "25447000001115703415")
	place(&pt, 440, 40, 9, "开票日期：")
	place(&pt, 485, 40, 9, "2025年09月23日")
	place(&pt, 15, 90, 9, "购 名称：广州华栈天城科技有限公司")
	place(&pt, 300, 90, 9, "销 名称：广州灵感之茶餐饮管理有限公司")
	place(&pt, 30, 110, 9, "统一社会信用代码/纳税人识别号：")
	place(&pt, 315, 110, 9, "统一社会信用代码/纳税人识别号：")
	place(&pt, 110, 122, 9, "91440106068698695J")
	place(&pt, 400, 122, 9, "91440101MA5AL52Y44")
	place(&pt, 60, 250, 9, "合 计")
	place(&pt, 420, 250, 9, "¥47.17")
	place(&pt, 540, 250, 9, "¥2.83")
	place(&pt, 60, 270, 9, "价税合计（大写）")
	place(&pt, 420, 270, 9, "（小写）")
	place(&pt, 460, 270, 9, "¥50.00")
	p := readLayout(pt)
	want := Printed{
		Kind: "电子发票（普通发票）", TypeCode: "32", Number: "25447000001115703415", Date: "2025-09-23",
		BuyerName: "广州华栈天城科技有限公司", BuyerTaxID: "91440106068698695J",
		SellerName: "广州灵感之茶餐饮管理有限公司", SellerTaxID: "91440101MA5AL52Y44",
		Amount: "47.17", Tax: "2.83", Total: "50.00",
	}
	if p.fields() != want.fields() {
		t.Errorf("printed\n got %+v\nwant %+v", p.fields(), want.fields())
	}
}

func TestCleaners(t *testing.T) {
	for _, tc := range []struct {
		f        func(string) string
		in, want string
	}{
		{cleanDate, "2018年09月21日", "2018-09-21"},
		{cleanDate, "2019 03 18", "2019-03-18"},
		{cleanDate, "2025-11-08 10:32", "2025-11-08"},
		{cleanDate, "2023-7-9", "2023-07-09"},
		{cleanDate, "2018年13月21日", ""},
		{cleanDate, "无", ""},
		{cleanNumber, "２５４４７０００００１１１５７０３４１５", "25447000001115703415"},
		{cleanNumber, "1234567", ""},
		{cleanCode, "0120 0180 0211", "012001800211"},
		{cleanCode, "01200180021", ""},
		{cleanCheck, "16707 18454 90097 07698", "16707184549009707698"},
		{cleanCheck, "1670718454909707698", ""},
		{cleanTaxID, "9 1420116MA7MHFG051", "91420116MA7MHFG051"},
		{cleanTaxID, "91330000734500338c", "91330000734500338C"},
		{cleanTaxID, "03392/<9405<-48", ""},
		{cleanName, "名称:", ""},
		{cleanName, "  滴滴出行科技有限公司 ", "滴滴出行科技有限公司"},
		{firstMoney, "¥ 1,470.00", "1470.00"},
		{firstMoney, "***", "***"},
		{firstMoney, "￥-14.16", "-14.16"},
		{firstMoney, "(小写)¥380,74", "380.74"}, // the point read as a comma
		{firstMoney, "¥1,234,50 ¥15,.96", "1234.50"},
		{firstMoney, "¥12,345", "12345"},
		{percent, "0.03", "3%"},
		{percent, "0.13", "13%"},
		{percent, "免税", "免税"},
		{typeFromTitle, "电子发票（增值税专用发票）", "31"},
		{typeFromTitle, "贵州增值税电子专用发票", "20"},
		{typeFromTitle, "电子发票(铁路电子客票)", "51"},
		{typeFromTitle, "中央非税收入统一票据（电子）", ""},
		{func(s string) string { return string(lightNorm([]rune(s)[0])) }, "⼦", "子"},
		{func(s string) string { return string(lightNorm([]rune(s)[0])) }, "（", "（"},
	} {
		if got := tc.f(tc.in); got != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDeltas(t *testing.T) {
	got := deltas("g 3 1.5 2 g 2 0.5")
	want := []float64{1.5, 1.5, 1.5, 2, 0.5, 0.5}
	if !slices.Equal(got, want) {
		t.Errorf("deltas = %v, want %v", got, want)
	}
	if len(deltas("g 99999999 1")) != 0 {
		t.Error("absurd repeat count accepted")
	}
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct{ base, loc, want string }{
		{"Doc_0", "Pages/Page_0/Content.xml", "Doc_0/Pages/Page_0/Content.xml"},
		{"Doc_0", "/Doc_0/Res", "Doc_0/Res"},
		{"Doc_0/Tags", "CustomTag.xml", "Doc_0/Tags/CustomTag.xml"},
		{"", "Doc_0\\Document.xml", "Doc_0/Document.xml"},
	} {
		if got := resolve(tc.base, tc.loc); got != tc.want {
			t.Errorf("resolve(%q, %q) = %q, want %q", tc.base, tc.loc, got, tc.want)
		}
	}
}
