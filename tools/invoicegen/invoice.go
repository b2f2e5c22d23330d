package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

// invoice is the content of one synthetic invoice: what the QR code carries
// and what the form prints around it.
type invoice struct {
	typ     string // QR field 2
	title   string
	digital bool // 数电 layout (31, 32, 51): no code, 20-digit number

	code, number, check, machine string
	year, month, day             int

	buyer, seller party
	items         []item

	net, tax int64 // totals in fen
	payload  string

	drawer, payee, reviewer string

	// dot, when set, is how a tax-control form's values were printed: by
	// a dot-matrix printer on the pre-printed form, off their boxes.
	dot *dotPrint
}

type party struct{ name, taxID, address, bank string }

type item struct {
	name, spec, unit string
	qty              int
	price            string // unit price as printed, before tax
	amount, tax      int64  // fen
	rate             int    // percent
}

type region struct {
	code, name string // 4-digit tax region code, short name
	city       string // a city in it, for addresses
	area       string // 2-digit area code for the tax-ID region
}

var regions = []region{
	{"1100", "北京", "北京市朝阳区", "11"},
	{"3100", "上海", "上海市浦东新区", "31"},
	{"4400", "广东", "广州市天河区", "44"},
	{"4403", "深圳", "深圳市南山区", "44"},
	{"3300", "浙江", "杭州市西湖区", "33"},
	{"3200", "江苏", "南京市鼓楼区", "32"},
	{"4200", "湖北", "武汉市江汉区", "42"},
	{"5100", "四川", "成都市武侯区", "51"},
	{"3700", "山东", "济南市历下区", "37"},
	{"3502", "厦门", "厦门市思明区", "35"},
	{"3400", "安徽", "合肥市蜀山区", "34"},
}

var (
	nameStems  = []string{"华信", "创达", "鼎盛", "宏远", "金桥", "瑞丰", "博远", "恒通", "东方", "盛世", "天成", "中联", "新锐", "长青", "汇智", "德润", "嘉禾", "远航"}
	industries = []string{"科技", "信息技术", "贸易", "商贸", "餐饮管理", "电子", "物流", "建筑工程", "文化传媒", "医药", "网络科技", "供应链管理", "机械设备", "企业管理咨询"}
	suffixes   = []string{"有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"}
	people     = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴倩", "徐丽", "孙浩", "马超", "朱琳", "胡斌", "郭婷"}
	roads      = []string{"科技园路", "中山路", "人民路", "解放大道", "建设路", "滨江大道", "长江路", "新华路", "学府路", "金融街"}
	banks      = []string{"中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "招商银行", "交通银行"}
)

// railwayBureaus names the railway group that issues tickets in an area.
var railwayBureaus = map[string]string{
	"11": "北京", "31": "上海", "32": "上海", "33": "上海", "34": "上海",
	"35": "南昌", "37": "济南", "42": "武汉", "44": "广州", "51": "成都",
}

type goods struct {
	name, unit string
	rate       int
	minPrice   int // yuan
	maxPrice   int
	specs      []string
}

var goodsList = []goods{
	{"*信息技术服务*软件开发服务", "项", 6, 2000, 90000, nil},
	{"*信息技术服务*技术服务费", "次", 6, 300, 20000, nil},
	{"*办公用品*复印纸", "箱", 13, 90, 260, []string{"A4 70g", "A4 80g", "A3 80g"}},
	{"*计算机外部设备*打印机", "台", 13, 800, 5000, []string{"M1136", "L3151", "P1108"}},
	{"*计算机配套产品*硬盘", "个", 13, 200, 1500, []string{"1TB", "2TB", "512GB"}},
	{"*餐饮服务*餐费", "次", 6, 80, 3000, nil},
	{"*住宿服务*住宿费", "天", 6, 200, 900, []string{"标准间", "大床房"}},
	{"*经营租赁*房屋租赁", "月", 9, 2000, 30000, nil},
	{"*现代服务*咨询服务费", "项", 6, 1000, 50000, nil},
	{"*电子元件*电阻", "个", 13, 1, 5, []string{"0805", "0603", "1206"}},
	{"*日用杂品*纸巾", "箱", 13, 40, 150, []string{"3层"}},
	{"*印刷品*宣传册", "本", 13, 5, 60, []string{"A5"}},
	{"*运输服务*货物运输服务", "次", 9, 300, 8000, nil},
	{"*建筑服务*工程服务", "项", 9, 5000, 200000, nil},
}

// typeSpec says how each QR type looks.
type typeSpec struct {
	typ     string
	title   string // without province prefix for tax-control types
	digital bool
	years   [2]int
	weight  int
}

var typeSpecs = []typeSpec{
	{"32", "电子发票（普通发票）", true, [2]int{2023, 2025}, 6},
	{"31", "电子发票（增值税专用发票）", true, [2]int{2023, 2025}, 4},
	{"10", "增值税电子普通发票", false, [2]int{2017, 2022}, 5},
	{"04", "增值税普通发票", false, [2]int{2016, 2021}, 2},
	{"01", "增值税专用发票", false, [2]int{2016, 2021}, 2},
	{"20", "增值税电子专用发票", false, [2]int{2021, 2023}, 1},
	{"14", "增值税电子普通发票（通行费）", false, [2]int{2018, 2022}, 1},
	{"51", "电子发票（铁路电子客票）", true, [2]int{2025, 2025}, 1},
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// newInvoice draws a consistent invoice: the QR payload agrees with the
// printed code, number, date and totals, and its CRC is right.
func newInvoice(r *rand.Rand) *invoice {
	total := 0
	for _, t := range typeSpecs {
		total += t.weight
	}
	k := r.IntN(total)
	var spec typeSpec
	for _, t := range typeSpecs {
		if k < t.weight {
			spec = t
			break
		}
		k -= t.weight
	}
	reg := pick(r, regions)
	inv := &invoice{typ: spec.typ, digital: spec.digital}
	inv.year = spec.years[0] + r.IntN(spec.years[1]-spec.years[0]+1)
	inv.month = 1 + r.IntN(12)
	inv.day = 1 + r.IntN(28)
	yy := fmt.Sprintf("%02d", inv.year%100)
	codeYY := fmt.Sprintf("%02d", (inv.year-r.IntN(2))%100)
	switch {
	case spec.digital:
		inv.title = spec.title
		channel := "2"
		if spec.typ == "51" {
			channel = "9"
		}
		inv.number = yy + reg.area + channel + "000000" + digits(r, 9)
	case spec.typ == "01" || spec.typ == "04":
		inv.title = reg.name + spec.title
		kind := pick(r, []string{"1", "5"})
		if spec.typ == "04" {
			kind = pick(r, []string{"3", "6"})
		}
		inv.code = reg.code + codeYY + fmt.Sprint(1+r.IntN(3)) + kind + pick(r, []string{"2", "3", "5"}) + "0"
		inv.number = digits(r, 8)
	default:
		inv.title = reg.name + spec.title
		kind := map[string]string{"10": "11", "14": "12", "20": "13"}[spec.typ]
		inv.code = "0" + reg.code + codeYY + fmt.Sprintf("%03d", r.IntN(20)) + kind
		inv.number = digits(r, 8)
		inv.machine = digits(r, 12)
	}
	if spec.typ == "10" || spec.typ == "04" || spec.typ == "14" {
		inv.check = digits(r, 20)
	}

	inv.buyer = newParty(r, pick(r, regions))
	inv.seller = newParty(r, reg)
	if spec.typ == "51" {
		inv.seller = party{name: "中国铁路" + railwayBureaus[reg.area] + "局集团有限公司", taxID: newTaxID(r, reg.area)}
	}
	inv.items = newItems(r, spec.typ)
	for _, it := range inv.items {
		inv.net += it.amount
		inv.tax += it.tax
	}
	inv.drawer = pick(r, people)
	inv.payee = pick(r, people)
	inv.reviewer = pick(r, people)

	amount := inv.net
	if spec.digital {
		amount = inv.net + inv.tax
	}
	amountText := fen(amount)
	if spec.typ == "51" && amount%100 == 0 && r.IntN(2) == 0 {
		amountText = fmt.Sprint(amount / 100)
	}
	date := fmt.Sprintf("%04d%02d%02d", inv.year, inv.month, inv.day)
	body := strings.Join([]string{"01", inv.typ, inv.code, inv.number, amountText, date, inv.check}, ",")
	switch {
	case spec.typ == "51":
		inv.payload = body + "," + strings.ToLower(payload.ComputeCRCVariant(body, "modbus-with-comma"))
	case spec.digital:
		inv.payload = body + "," + payload.ComputeCRC(body)
	case spec.typ == "10" && r.IntN(5) == 0:
		// Seen on some 2017–2020 invoices: CRC without the comma, no trailing comma.
		inv.payload = body + "," + payload.ComputeCRCVariant(body, "umts-without-comma")
	default:
		inv.payload = body + "," + payload.ComputeCRC(body) + ","
	}
	return inv
}

func newParty(r *rand.Rand, reg region) party {
	name := reg.name + pick(r, nameStems) + pick(r, industries) + pick(r, suffixes)
	if reg.code == "4403" || reg.code == "3502" {
		name = reg.name + "市" + name[len(reg.name):]
	}
	return party{
		name:    name,
		taxID:   newTaxID(r, reg.area),
		address: fmt.Sprintf("%s%s%d号 0%d-%s", reg.city, pick(r, roads), 1+r.IntN(300), 10+r.IntN(89), digits(r, 8)),
		bank:    fmt.Sprintf("%s%s支行 %s", pick(r, banks), pick(r, []string{"城南", "高新", "科技园", "中心", "开发区"}), digits(r, 19)),
	}
}

const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// newTaxID makes an 18-character unified social credit code with valid
// organisation-code and overall check characters.
func newTaxID(r *rand.Rand, area string) string {
	org := []byte("MA" + digits(r, 1) + string(usccChars[10+r.IntN(21)]) + digits(r, 2) + string(usccChars[r.IntN(31)]) + digits(r, 1))
	if r.IntN(3) == 0 {
		org = []byte(digits(r, 8))
	}
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range org {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	var oc byte
	switch d := 11 - sum%11; d {
	case 10:
		oc = 'X'
	case 11:
		oc = '0'
	default:
		oc = byte('0' + d)
	}
	first17 := "91" + area + digits(r, 4) + string(org) + string(oc)
	c, _ := taxid.CheckChar(first17)
	return first17 + string(c)
}

func newItems(r *rand.Rand, typ string) []item {
	if typ == "51" {
		fare := int64(50+r.IntN(900)) * 100
		if r.IntN(2) == 0 {
			fare += 50
		}
		net := fare * 100 / 109
		return []item{{name: "*运输服务*铁路旅客运输服务", unit: "张", qty: 1, price: fen(net), amount: net, tax: fare - net, rate: 9}}
	}
	if typ == "14" {
		amt := int64(1000 + r.IntN(30000))
		return []item{{name: "*经营租赁*通行费", unit: "次", qty: 1, price: fen(amt), amount: amt, tax: amt * 3 / 100, rate: 3}}
	}
	n := 1 + r.IntN(4)
	items := make([]item, 0, n)
	for range n {
		g := pick(r, goodsList)
		qty := 1
		if g.maxPrice < 1000 {
			qty = 1 + r.IntN(20)
		}
		priceFen := int64(g.minPrice*100 + r.IntN((g.maxPrice-g.minPrice)*100+1))
		it := item{name: g.name, unit: g.unit, qty: qty, rate: g.rate, amount: priceFen * int64(qty)}
		it.price = fen(priceFen)
		if r.IntN(3) == 0 {
			// Prices computed back from a tax-inclusive figure print many decimals.
			it.price = fmt.Sprintf("%.8f", float64(priceFen)/100*100/float64(100+g.rate))
			it.price = strings.TrimRight(it.price, "0")
			it.amount = int64(float64(priceFen)*100/float64(100+g.rate)+0.5) * int64(qty)
		}
		if len(g.specs) > 0 {
			it.spec = pick(r, g.specs)
		}
		it.tax = (it.amount*int64(g.rate) + 50) / 100
		items = append(items, it)
	}
	return items
}

// fen formats an amount in fen as yuan with two decimals.
func fen(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

// capitalAmount writes an amount in fen the way 价税合计（大写） does,
// e.g. 1005.20 → 壹仟零伍圆贰角.
func capitalAmount(v int64) string {
	num := []string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	unit := []string{"", "拾", "佰", "仟"}
	big := []string{"", "万", "亿"}
	yuan := v / 100
	var sb strings.Builder
	if yuan > 0 {
		var groups []int64
		for y := yuan; y > 0; y /= 10000 {
			groups = append(groups, y%10000)
		}
		zero := false
		for gi := len(groups) - 1; gi >= 0; gi-- {
			g := groups[gi]
			if g == 0 {
				zero = true
				continue
			}
			for d := 3; d >= 0; d-- {
				p := int64(1)
				for range d {
					p *= 10
				}
				digit := g / p % 10
				if digit == 0 {
					if sb.Len() > 0 {
						zero = true
					}
					continue
				}
				if zero {
					sb.WriteString("零")
					zero = false
				}
				sb.WriteString(num[digit] + unit[d])
			}
			sb.WriteString(big[gi])
		}
		sb.WriteString("圆")
	}
	jiao, f := v/10%10, v%10
	switch {
	case jiao == 0 && f == 0:
		sb.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			sb.WriteString("零")
		}
		sb.WriteString(num[f] + "分")
	default:
		sb.WriteString(num[jiao] + "角")
		if f > 0 {
			sb.WriteString(num[f] + "分")
		}
	}
	return sb.String()
}
