package document

import (
	"strings"
	"unicode"
)

// What a party's name read by OCR looks like. The engine reads a piece of
// a name (广州 of a dot-matrix 广州某某贸易有限公司 spaced apart, 湖北天成医药
// 有限 cut short by a ruling line) as surely as the whole: a piece is no
// name, and nothing on the page says which piece it is. A seller is an
// organisation, whose name ends in what it is (有限公司, 厂, 医院, 事务所);
// a buyer may be a person, whose name is a surname and a given name of one
// or two characters, or 个人. Anything else read in a name's place is left
// missing, for the clerk to look at: a place name alone is the commonest
// such piece.

// orgSuffixes end the names of organisations: companies (有限公司), their
// branches and shops (营业部, 酒店), works, schools (大学, 中学, 学校),
// hospitals and institutes (医院, 研究院), offices (税务局, 事务所, 政府),
// banks (支行), associations (协会, 委员会), hotels (宾馆), cooperatives
// (合作社), groups (集团), farms (农场).
var orgSuffixes = []string{
	"公司", "厂", "店", "部", "中心", "院", "大学", "中学", "小学", "校", "局", "所", "会", "行", "馆", "社", "站",
	"处", "室", "队", "团", "厅", "场", "园", "超市", "企业", "府", "办", "基金", "药房",
}

// orgName reports whether name ends as an organisation's does, brackets
// after the suffix (律师事务所(普通合伙)) left out, with two characters at
// least before the suffix.
func orgName(name string) bool {
	rs := []rune(name)
	if n := len(rs); n > 0 && (rs[n-1] == ')' || rs[n-1] == '）') {
		open := strings.LastIndexAny(name, "(（")
		if open <= 0 {
			return false
		}
		rs = []rune(name[:open])
	}
	base := string(rs)
	for _, sfx := range orgSuffixes {
		if strings.HasSuffix(base, sfx) && hanCount(strings.TrimSuffix(base, sfx)) >= 2 {
			return true
		}
	}
	return false
}

// personName reports whether name is a person's as a buyer's name is
// printed: 个人, or a common surname and one or two characters more (a
// compound surname and one or two), none of them brackets, and not
// starting as a place does (江苏 starts with the surname 江).
func personName(name string) bool {
	if name == "个人" {
		return true
	}
	rs := []rune(name)
	for _, c := range rs {
		if !unicode.Is(unicode.Han, c) {
			return false
		}
	}
	for _, p := range placeNames {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, s := range compoundSurnames {
		if strings.HasPrefix(name, s) {
			return len(rs) == 3 || len(rs) == 4
		}
	}
	return (len(rs) == 2 || len(rs) == 3) && strings.ContainsRune(surnames, rs[0])
}

// surnames are the commonest single-character surnames, those of nine in
// ten people.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"

var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯", "宇文", "长孙", "端木", "西门", "南宫", "独孤"}

// placeNames are the provinces and the larger cities, whose names start
// the names of most companies and are read alone where a name's first
// piece is.
var placeNames = []string{
	"北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
	"福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
	"甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "中国",
	"广州", "深圳", "杭州", "南京", "武汉", "成都", "西安", "厦门", "苏州", "青岛", "大连", "宁波",
	"沈阳", "长沙", "郑州", "济南", "合肥", "福州", "昆明", "南宁", "哈尔滨", "长春", "石家庄",
	"太原", "南昌", "贵阳", "兰州", "海口", "银川", "西宁", "乌鲁木齐", "拉萨", "呼和浩特", "无锡",
	"珠海", "佛山", "东莞", "温州", "常州", "烟台", "徐州", "泉州", "唐山", "潍坊", "绍兴", "嘉兴",
	"金华", "台州", "南通", "扬州", "镇江", "中山", "惠州", "汕头", "江门", "洛阳", "宜昌", "襄阳",
	"黄山", "三亚", "桂林", "柳州", "包头", "鞍山", "吉安", "赣州", "九江", "芜湖", "蚌埠", "淮安",
}

// cleanOCRSellerName is a seller's name as cleanOCRName keeps it, when it
// is an organisation's.
func cleanOCRSellerName(s string) string {
	if s = cleanOCRName(s); !orgName(s) {
		return ""
	}
	return s
}

// cleanOCRBuyerName is a buyer's name as cleanOCRName keeps it, when it is
// an organisation's or a person's.
func cleanOCRBuyerName(s string) string {
	if s = cleanOCRName(s); !orgName(s) && !personName(s) {
		return ""
	}
	return s
}
