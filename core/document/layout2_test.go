package document

import (
	"slices"
	"testing"
)

// TestLayoutRailwayTicket lays out a railway e-ticket: the fare, its amount
// and tax under captions of their own, and the buyer's ID captioned
// 统一社会信用代码: alone.
func TestLayoutRailwayTicket(t *testing.T) {
	var pt pageText
	place(&pt, 150, 30, 16, "电子发票（铁路电子客票）")
	place(&pt, 420, 25, 9, "发票号码:22110000000012345678")
	place(&pt, 420, 40, 9, "开票日期:2022年03月17日")
	place(&pt, 40, 80, 10, "北京南站")
	place(&pt, 200, 80, 10, "G123")
	place(&pt, 330, 80, 10, "上海虹桥站")
	place(&pt, 40, 100, 9, "2022年03月20日 08:00开")
	place(&pt, 40, 120, 9, "票价:")
	place(&pt, 70, 120, 9, "￥166.05")
	place(&pt, 200, 120, 9, "二等座")
	place(&pt, 40, 140, 9, "金额:￥152.34")
	place(&pt, 160, 140, 9, "税额:￥13.71")
	place(&pt, 40, 160, 9, "购买方名称:北京某某科技有限公司")
	place(&pt, 260, 160, 9, "统一社会信用代码:91110108MA01ABCD1X")
	place(&pt, 40, 180, 9, "电子客票号:1234567890123456789012")
	p := readLayout(pt)
	if p.Total != "166.05" || p.Amount != "152.34" || p.Tax != "13.71" {
		t.Errorf("fare read as total %q amount %q tax %q", p.Total, p.Amount, p.Tax)
	}
	if p.BuyerTaxID != "91110108MA01ABCD1X" || p.Number != "22110000000012345678" || p.Date != "2022-03-17" || p.TypeCode != "51" {
		t.Errorf("read %+v", p.fields())
	}
}

// TestLayoutFilledTemplate lays out values filled into a template the way
// form fillers draw them: the buyer's tax ID a little above its caption's
// baseline, the seller's one character a cell; the blockchain invoice's
// five-character check code.
func TestLayoutFilledTemplate(t *testing.T) {
	var pt pageText
	place(&pt, 190, 40, 18, "深圳电子普通发票")
	place(&pt, 440, 20, 9, "发票代码:")
	place(&pt, 485, 20, 9, "144031909110")
	place(&pt, 440, 35, 9, "发票号码:")
	place(&pt, 485, 35, 9, "03434495")
	place(&pt, 440, 50, 9, "开票日期:")
	place(&pt, 485, 50, 9, "2019年03月15日")
	place(&pt, 440, 65, 9, "校 验 码:")
	place(&pt, 485, 65, 9, "e9052")
	place(&pt, 50, 90, 9, "名      称:")
	place(&pt, 110, 90, 9, "深圳某某有限公司")
	place(&pt, 50, 105, 9, "纳税人识别号:")
	// 5 units (more than half a line) above the caption's baseline.
	place(&pt, 112, 100, 9, "91440300MA5FAB1234")
	place(&pt, 50, 300, 9, "名      称:")
	place(&pt, 110, 300, 9, "腾讯云计算（北京）有限责任公司")
	place(&pt, 50, 315, 9, "纳税人识别号:")
	x := 112.0
	for _, r := range "91110108MA01ABCD1X" {
		place(&pt, x, 315, 9, string(r))
		x += 16
	}
	p := readLayout(pt)
	if p.CheckCode != "e9052" {
		t.Errorf("check code %q, want e9052", p.CheckCode)
	}
	if p.BuyerTaxID != "91440300MA5FAB1234" {
		t.Errorf("buyer tax ID %q, want the one drawn above its caption's baseline", p.BuyerTaxID)
	}
	if p.SellerTaxID != "91110108MA01ABCD1X" {
		t.Errorf("seller tax ID %q, want the one drawn a character a cell", p.SellerTaxID)
	}
	// A 20-digit check code drawn in four groups far apart is read whole,
	// not as its first five digits.
	var q pageText
	place(&q, 440, 65, 9, "校 验 码:")
	for i, g := range []string{"16707", "18454", "90097", "07698"} {
		place(&q, 485+float64(i)*40, 65, 9, g)
	}
	if c := readLayout(q).CheckCode; c != "16707184549009707698" {
		t.Errorf("grouped check code read as %q", c)
	}
}

// TestLayoutTollItems lays out a toll invoice's goods table, whose columns
// are plate, vehicle type and the dates of passage: the dates are not the
// quantity and the price.
func TestLayoutTollItems(t *testing.T) {
	var pt pageText
	place(&pt, 190, 40, 18, "浙江通行费电子普通发票")
	place(&pt, 30, 160, 9, "项目名称")
	place(&pt, 150, 160, 9, "车牌号")
	place(&pt, 210, 160, 9, "类型")
	place(&pt, 260, 160, 9, "通行日期起")
	place(&pt, 330, 160, 9, "通行日期止")
	place(&pt, 420, 160, 9, "金额")
	place(&pt, 480, 160, 9, "税率")
	place(&pt, 530, 160, 9, "税额")
	place(&pt, 30, 180, 9, "*经营租赁*通行费")
	place(&pt, 145, 180, 9, "浙A12345")
	place(&pt, 210, 180, 9, "客车")
	place(&pt, 262, 180, 9, "20200101")
	place(&pt, 332, 180, 9, "20200131")
	place(&pt, 420, 180, 9, "97.09")
	place(&pt, 485, 180, 9, "3%")
	place(&pt, 535, 180, 9, "2.91")
	place(&pt, 60, 260, 9, "合      计")
	place(&pt, 430, 260, 9, "￥97.09")
	place(&pt, 530, 260, 9, "￥2.91")
	p := readLayout(pt)
	want := []Item{{Name: "*经营租赁*通行费", Amount: "97.09", TaxRate: "3%", Tax: "2.91"}}
	if !slices.Equal(p.Items, want) {
		t.Errorf("items\n got %+v\nwant %+v", p.Items, want)
	}
}
