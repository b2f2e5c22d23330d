package payload

// codeRule says what field 3 (the invoice code) may be for a type.
type codeRule int

const (
	codeEmpty  codeRule = iota // 数电: no code
	codeTen                    // 10 digits (paper special/ordinary)
	codeTwelve                 // 12 digits (electronic, roll, toll, motor vehicle)
	codeTenOrTwelve
)

// checkRule says what field 7 (the check code) may be.
type checkRule int

const (
	checkEmpty    checkRule = iota // none is printed
	checkRequired                  // 20 digits
	checkOptional                  // 20 digits when present
)

// typeSpec is what is known of one type code (field 2).
type typeSpec struct {
	name    string // Chinese name as printed
	english string
	code    codeRule
	digital bool // 数电: 20-digit number, no code
	check   checkRule
	amount  AmountMeaning
	// codeKinds lists the kind digits of a 12-digit code (digits 11–12) or the
	// type digit of a 10-digit code (digit 8) that agree with this type.
	codeKinds []string
	// verify lists what the official verification (查验) needs.
	verify []string
}

const (
	needCode   = "code"
	needNumber = "number"
	needDate   = "date"
	needAmount = "amount"
	needCheck6 = "check_code_last6"
)

var (
	verifySpecial  = []string{needCode, needNumber, needDate, needAmount}
	verifyOrdinary = []string{needCode, needNumber, needDate, needCheck6}
	verifyDigital  = []string{needNumber, needDate, needAmount}
)

// typeSpecs lists the type codes seen on invoice QR codes
// (docs/invoice-qr.md §1.1; confidence varies, see there).
var typeSpecs = map[string]typeSpec{
	"01": {"增值税专用发票", "VAT special invoice", codeTen, false, checkEmpty, PreTax, []string{"1", "5"}, verifySpecial},
	"02": {"货物运输业增值税专用发票", "freight VAT special invoice", codeTen, false, checkEmpty, PreTax, []string{"2", "7"}, verifySpecial},
	"03": {"机动车销售统一发票", "motor vehicle sales invoice", codeTwelve, false, checkOptional, PreTax, nil, verifySpecial},
	"04": {"增值税普通发票", "VAT ordinary invoice", codeTenOrTwelve, false, checkRequired, PreTax, []string{"3", "6", "04", "05"}, verifyOrdinary},
	"10": {"增值税电子普通发票", "VAT electronic ordinary invoice", codeTwelve, false, checkRequired, PreTax, []string{"11", "12"}, verifyOrdinary},
	"11": {"增值税普通发票(卷票)", "VAT ordinary invoice (roll)", codeTwelve, false, checkRequired, PreTax, []string{"06", "07"}, verifyOrdinary},
	"14": {"通行费电子普通发票", "toll electronic ordinary invoice", codeTwelve, false, checkRequired, PreTax, []string{"12", "11"}, verifyOrdinary},
	"15": {"二手车销售统一发票", "used car sales invoice", codeTwelve, false, checkOptional, PreTax, nil, verifySpecial},
	"20": {"增值税电子专用发票", "VAT electronic special invoice", codeTwelve, false, checkOptional, PreTax, []string{"13"}, verifySpecial},
	"31": {"电子发票(增值税专用发票)", "digital invoice (VAT special)", codeEmpty, true, checkEmpty, InclTax, nil, verifyDigital},
	"32": {"电子发票(普通发票)", "digital invoice (ordinary)", codeEmpty, true, checkEmpty, InclTax, nil, verifyDigital},
	"33": {"电子发票(机动车销售统一发票)", "digital invoice (motor vehicle)", codeEmpty, true, checkEmpty, InclTax, nil, verifyDigital},
	"34": {"电子发票(二手车销售统一发票)", "digital invoice (used car)", codeEmpty, true, checkEmpty, InclTax, nil, verifyDigital},
	"51": {"电子发票(铁路电子客票)", "railway e-ticket", codeEmpty, true, checkEmpty, InclTax, nil, verifyDigital},
	"61": {"电子发票(航空运输电子客票行程单)", "air e-itinerary", codeEmpty, true, checkEmpty, InclTax, nil, verifyDigital},
}

// legacyType51 is the older meaning of type 51: 2017 electronic invoices with
// a 12-digit code and an 8-digit number.
var legacyType51 = typeSpec{"电子发票", "electronic invoice (2017)", codeTwelve, false, checkOptional, PreTax, nil, verifyOrdinary}

// legacyOrdinaryCodes are 12-digit codes that the official checker treats as
// electronic ordinary invoices although their kind digits say otherwise.
var legacyOrdinaryCodes = map[string]bool{
	"144031539110": true, "131001570151": true, "133011501118": true, "111001571071": true,
}

// provinces are the two-digit administrative division codes of the tax bureaus.
var provinces = map[string]string{
	"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江",
	"31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
	"41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
	"61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
}

// plannedCities have their own tax bureaus and their own region codes.
var plannedCities = map[string]string{
	"2102": "大连", "3302": "宁波", "3502": "厦门", "3702": "青岛", "4403": "深圳",
}

// TypeName returns the Chinese and English names of a type code, and whether
// the code is known.
func TypeName(code string) (zh, en string, ok bool) {
	s, ok := typeSpecs[code]
	return s.name, s.english, ok
}

// RegionName names a 4-digit region code: a separately-planned city or a
// province; "" when unknown.
func RegionName(region string) string {
	if c, ok := plannedCities[region]; ok {
		return c
	}
	if len(region) >= 2 {
		return provinces[region[:2]]
	}
	return ""
}

// MeaningOf says which total the QR amount of an invoice of type typeCode
// is, as Check decides it: for an unknown type a 20-digit number means 数电
// (including tax), anything else before tax.
func MeaningOf(typeCode, code, number string) AmountMeaning {
	r := Result{TypeCode: typeCode, Code: code}
	if s, ok := r.spec(); ok {
		return s.amount
	}
	if len(number) == 20 {
		return InclTax
	}
	return PreTax
}
