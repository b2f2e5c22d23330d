package document

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"os"
	"testing"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
)

// The honesty rules: a printed value is only ever a reading; one equal to
// the QR code's value wins when sure enough; a value that differs from the
// QR needs readings that agree; anything else is "" (missing).
func TestDecide(t *testing.T) {
	cases := []struct {
		name   string
		rs     []reading
		qr     []string
		single bool
		want   string
	}{
		{"agree with QR", []reading{{"27259564", 0.99}, {"27259564", 0.9}}, []string{"27259564"}, false, "27259564"},
		{"one reading equals QR", []reading{{"", 0.9}, {"27259564", 0.5}, {"27259561", 0.6}}, []string{"27259564"}, false, "27259564"},
		{"QR never copied", []reading{{"", 0.9}, {"", 0.8}}, []string{"27259564"}, false, ""},
		{"forged, readings agree", []reading{{"27259565", 0.98}, {"27259565", 0.95}, {"27259565", 0}}, []string{"27259564"}, false, "27259565"},
		{"differs, readings disagree", []reading{{"27259565", 0.98}, {"27259566", 0.97}}, []string{"27259564"}, false, ""},
		{"differs, one reading only", []reading{{"27259565", 0.99}, {"", 0.5}}, []string{"27259564"}, false, ""},
		{"differs, agree but unsure", []reading{{"27259565", 0.3}, {"27259565", 0.2}}, []string{"27259564"}, false, ""},
		{"differs, agree with a dissent", []reading{{"27259565", 0.9}, {"27259565", 0.9}, {"27259563", 0.9}}, []string{"27259564"}, false, ""},
		{"a dotted zero read as a 9, every time", []reading{{"937001601211", 0.98}, {"937001601211", 0.9}, {"937001601211", 0.9}}, []string{"037001601211"}, false, ""},
		{"a dotted zero read as a 6", []reading{{"8651.66", 0.98}, {"8651.66", 0.9}}, []string{"8651.06"}, false, ""},
		{"forged: a 6 where the QR has an 8", []reading{{"27259566", 0.98}, {"27259566", 0.95}}, []string{"27259568"}, false, "27259566"},
		{"forged, three readings against a dissent", []reading{{"27259563", 0.98}, {"27259565", 0.99}, {"27259565", 0.99}, {"27259565", 0.4}}, []string{"27259564"}, false, "27259565"},
		{"a dotted zero read as a 4 three times, as a 9 once", []reading{{"41667163682071044374", 0.9}, {"41667163682071094374", 0.8}, {"41667163682071044374", 0.9}, {"41667163682071044374", 0.9}}, []string{"41667163682071004374"}, false, ""},
		{"differs, three readings against two", []reading{{"27259563", 0.98}, {"27259563", 0.9}, {"27259565", 0.99}, {"27259565", 0.99}, {"27259565", 0.4}}, []string{"27259564"}, false, ""},
		{"a 9 where the QR has an 8, read as the code's once", []reading{{"10603079", 0.96}, {"10603078", 0.98}}, []string{"10603078"}, false, ""},
		{"an 8 the QR has, read as a 9 once of three", []reading{{"10603078", 0.9}, {"10603079", 0.96}, {"10603078", 0.98}}, []string{"10603078"}, false, "10603078"},
		{"a 0 the QR has, read as a 6 once", []reading{{"8651.06", 0.9}, {"8651.66", 0.98}}, []string{"8651.06"}, false, "8651.06"},
		// An office scan's dot-matrix number, altered (13930093 for
		// 13930091): its 0s read as 8s at some sizes, never its 8s as 0s.
		{"dotted zeros read as 8s by some readings", []reading{{"13938093", 0.97}, {"13938893", 0.98}, {"13930093", 0.95}, {"13938893", 0.95}}, []string{"13930091"}, false, "13930093"},
		{"dotted zeros, the zeros read once unsurely", []reading{{"13938893", 0.98}, {"13938893", 0.95}, {"13930093", 0.5}}, []string{"13930091"}, false, ""},
		{"dotted zeros and a reading of another digit", []reading{{"17269596", 0.98}, {"17209596", 0.96}, {"17209596", 0.95}, {"17203596", 0.9}}, []string{"17709596"}, false, ""},
		{"a 9 read as a 0 against the code's value read", []reading{{"46873300", 0.98}, {"46873300", 0.97}, {"46873309", 0.96}, {"46873309", 0.99}}, []string{"46873309"}, false, ""},
		{"dotted zeros of the code's value", []reading{{"02565662", 0.98}, {"62565602", 0.97}, {"02565602", 0.9}}, []string{"02565602"}, false, "02565602"},
		{"dotted zeros, two readings", []reading{{"17269596", 0.98}, {"17209596", 0.96}}, []string{"17709596"}, false, ""},
		{"no QR value, sure alone", []reading{{"91511585MA8Y42K07L", 0.95}}, nil, false, "91511585MA8Y42K07L"},
		{"no QR value, unsure alone", []reading{{"91511585MA8Y42K07L", 0.6}}, nil, false, ""},
		{"amount equal as decimals", []reading{{"64.90", 0.5}}, []string{"64.9"}, false, "64.90"},
		{"nothing read", nil, []string{"1.00"}, false, ""},
	}
	for _, c := range cases {
		got, conf := decide(c.rs, c.qr, c.single)
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if conf < 0 || conf > 1 {
			t.Errorf("%s: confidence %v out of 0..1", c.name, conf)
		}
	}
}

// A check code read the same way every time but for digits that blur into
// one another (a 6 read as an 8 three times) is not a difference: its guard
// leaves it missing. Any other digit differing is one.
func TestBlurMisread(t *testing.T) {
	for _, c := range []struct {
		s, q string
		want bool
	}{
		{"90720594696916712268", "90720594696916712268", false},
		{"90720594698916712268", "90720594696916712268", true},  // 6 read as 8
		{"90720594696916772268", "90720594696916712268", true},  // 1 read as 7
		{"90720594696916712263", "90720594696916712268", true},  // 8 read as 3
		{"98720594696916712268", "90720594696916712268", true},  // 0 read as 8
		{"90720594696916712265", "90720594696916712268", false}, // 8 and 5 do not
		{"40720594696916712268", "90720594696916712268", false}, // nor 9 and 4
		{"9072059469691671226", "90720594696916712268", false},  // a digit short
	} {
		if got := blurMisread(c.s, c.q); got != c.want {
			t.Errorf("blurMisread(%s, %s) = %v", c.s, c.q, got)
		}
	}
}

// A check code whose every difference from the code's is where the code
// has a 0 (a dot-matrix 0 read as a 2 once, as 8 twice, on an office scan)
// is left missing by the same guard; a difference at any other digit is
// one.
func TestZeroParted(t *testing.T) {
	for _, c := range []struct {
		s, q string
		want bool
	}{
		{"68241586058299462988", "68041506050299462988", true},
		{"68041506050299462988", "68041506050299462988", false},
		{"68041506050299462981", "68041506050299462988", false},
		{"68241586058299462981", "68041506050299462988", false},
		{"6804150605029946298", "68041506050299462988", false},
	} {
		if got := zeroParted(c.s, c.q); got != c.want {
			t.Errorf("zeroParted(%s, %s) = %v", c.s, c.q, got)
		}
	}
}

// A value is read again only while no reading is one decide would take as
// confirmed by the QR code.
func TestConfirmed(t *testing.T) {
	for _, c := range []struct {
		rs   []reading
		qr   []string
		want bool
	}{
		{[]reading{{"27259564", 0.3}}, []string{"27259564"}, true},
		{[]reading{{"27259564", 0.1}}, []string{"27259564"}, false},
		{[]reading{{"27259565", 0.99}}, []string{"27259564"}, false},
		{[]reading{{"64.90", 0.5}}, []string{"64.9"}, true},
		{[]reading{{"27259564", 0.99}}, nil, false},
		{[]reading{{"", 0.99}}, []string{""}, false},
	} {
		if got := confirmed(c.rs, c.qr); got != c.want {
			t.Errorf("confirmed(%v, %q) = %v", c.rs, c.qr, got)
		}
		if got, _ := decide(c.rs, c.qr, false); c.want && got == "" {
			t.Errorf("decide(%v, %q) took nothing from a confirmed reading", c.rs, c.qr)
		}
	}
}

func TestCleanOCRValues(t *testing.T) {
	for _, c := range []struct {
		f        func(string) string
		in, want string
	}{
		{cleanOCRDate, "2020年09月23日", "2020-09-23"},
		{cleanOCRDate, "20200923", "2020-09-23"},
		{cleanOCRDate, "2020F09F23", "2020-09-23"},
		{cleanOCRDate, "202009238", ""},
		{cleanOCRDate, "20201323", ""},
		{cleanOCRDate, "2021年12月14目", "2021-12-14"},
		{cleanOCRDate, "2016%04A118", "2016-04-11"}, // a scan's 年, 月 and 日
		{cleanOCRDate, "2016%04A11", "2016-04-11"},
		{cleanOCRDate, "2016%4A118", ""},   // a digit lost: no telling which
		{cleanOCRDate, "2016%04A1187", ""}, // more than a 日 after the day
		{cleanReadDate, "2021年12月14目", "2021-12-14"},
		{cleanReadDate, "26199425", "2019-04-25"},    // 20xx, month 0x
		{cleanReadDate, "2919年97月62日", "2019-07-02"}, // and day 0x, x ≥ 2
		{cleanReadDate, "20191604", "2019-10-04"},    // month 1x, x ≤ 2
		{cleanReadDate, "20180961", ""},              // day 01 or 31: not told
		{cleanReadDate, "”2007年11月99日", ""},          // 2017 with its 1 read as a 0
		{cleanReadDate, "20981617", ""},              // a year to come: a 1 misread
		{cleanReadDate, "20190926", "2019-09-26"},    // a date as read is kept
		{cleanReadDate, "26199425 8", ""},            // nine digits
		{cleanOCRDate, "26199425", ""},               // not for a header's digits
		{cleanAmount, "¥4164.54", "4164.54"},
		{cleanAmount, "1,234.50", "1234.50"},
		{cleanAmount, "4164.5", ""},
		{cleanAmount, "41645", ""},
		{cleanAmount, "¥26599..01", "26599.01"}, // a dot-matrix point read as two
		{cleanAmount, "26599...01", ""},
		{cleanAmount, "26599..1", ""},
		{cleanOCRTaxID, "91511585MA8Y42K07L", "91511585MA8Y42K07L"},
		{cleanOCRTaxID, "91511585AM8Y42K07L", ""}, // letters swapped: the check fails
		{cleanOCRTaxID, "75108749557068076", ""},  // a bank account is no tax ID
		{cleanOCRName, "四川 天成 医药有限公司", "四川天成医药有限公司"},
		{cleanOCRName, "91110080MA2M52070C", ""},
		{cleanOCRName, "; 山东 长 青 信息技术 股份有限 公司", "山东长青信息技术股份有限公司"},
		{cleanOCRName, "名称:中国铁路上海局集团有限公司", "中国铁路上海局集团有限公司"},
		{cleanOCRName, "|名称;中国铁路上海局集团有限公司", "中国铁路上海局集团有限公司"},
		{cleanOCRName, "“ 山东 新 锐 文 化传媒 股份有 限公司", "山东新锐文化传媒股份有限公司"},
		{cleanOCRName, "” 江苏创达商贸股份有限公司", "江苏创达商贸股份有限公司"},
		{cleanOCRName, "江苏;达商贸股份有限公司", ""}, // a character read as a semicolon
		{cleanOCRName, "|BH : 浙江 长 青 科技有限 责任 公司 售", "浙江长青科技有限责任公司"},
		{cleanOCRName, "浙江长青科技有限责任公司 售 | 名称", "浙江长青科技有限责任公司"},
		{cleanOCRName, "某某汽车 销 售有限公司", "某某汽车销售有限公司"},
		{cleanOCRName, "某某有限公司 销售部", "某某有限公司销售部"},
		{cleanOCRName, "Bhi : 安徽宏远 餐饮 管理有限 公司", "安徽宏远餐饮管理有限公司"},
		{cleanOCRName, "中国移动通信集团湖北有限公司 05;", "中国移动通信集团湖北有限公司"},
		{cleanOCRName, "湖北天成医药有限公 ij", ""}, // cut short: no suffix, not a name
		{cleanOCRName, "公司", ""},                // a suffix alone
		{cleanOCRName, "商贸有限公司sy纳税", "商贸有限公司"},  // the next caption read on after a speck
		{cleanOCRName, "l东嘉禾商贸有限公司", ""},        // a letter for a character
		{cleanOCRName, "北京鼎盛: 名称:厦门天成有限公司", ""}, // two fields run together
		{cleanOCRSellerName, "广州", ""},
		{cleanOCRSellerName, "江苏新锐", ""},
		{cleanOCRSellerName, "湖北天成医药有限", ""},
		{cleanOCRSellerName, "湖北天成医药有限公司", "湖北天成医药有限公司"},
		{cleanOCRSellerName, "北京市朝阳区人民医院", "北京市朝阳区人民医院"},
		{cleanOCRSellerName, "上海东方律师事务所(普通合伙)", "上海东方律师事务所(普通合伙)"},
		{cleanOCRSellerName, "中国工商银行股份有限公司杭州西湖支行", "中国工商银行股份有限公司杭州西湖支行"},
		{cleanOCRSellerName, "王伟", ""}, // a seller is an organisation
		{cleanOCRBuyerName, "王伟", "王伟"},
		{cleanOCRBuyerName, "欧阳建国", "欧阳建国"},
		{cleanOCRBuyerName, "个人", "个人"},
		{cleanOCRBuyerName, "广州", ""},
		{cleanOCRBuyerName, "江苏", ""}, // 江 is a surname, 江苏 a province
		{cleanOCRBuyerName, "江苏新锐", ""},
		{cleanOCRBuyerName, "华信贸易", ""},
		{cleanOCRBuyerName, "厦门市东方贸易有限公司", "厦门市东方贸易有限公司"},
	} {
		if got := c.f(c.in); got != c.want {
			t.Errorf("clean %q: got %q, want %q", c.in, got, c.want)
		}
	}
}

// paper draws the top of a 税控 invoice around a QR code, as a 200 dpi
// scan shows it: the QR code top left, the header fields top right, the
// 合计 and 价税合计 rows below. Sizes are in QR sides, as on the form.
type paper struct {
	img   *image.Gray
	side  float64
	faces [2]font.Face
}

func newPaper(t *testing.T, side int) *paper {
	t.Helper()
	data, err := os.ReadFile("../../assets/fonts/DroidSansFallbackFull.ttf")
	if err != nil {
		t.Fatal(err)
	}
	p := &paper{side: float64(side)}
	px := 0.18 * p.side // 9-point print beside a 19 mm symbol
	for i, ttf := range [][]byte{data, goregular.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		if p.faces[i], err = opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone}); err != nil {
			t.Fatal(err)
		}
	}
	p.img = image.NewGray(image.Rect(0, 0, int(14*p.side), int(6.2*p.side)))
	draw.Draw(p.img, p.img.Bounds(), image.White, image.Point{}, draw.Src)
	return p
}

// text writes s with its baseline at (x, y) QR sides from the symbol's
// top-left corner, which sits at (0.5, 0.5) sides.
func (p *paper) text(x, y float64, s string) { p.textInk(x, y, s, image.Black) }

// textInk writes s as text does, its Chinese characters in han's ink (the
// form's colour, where a value's 年, 月 and 日 are printed with the form).
func (p *paper) textInk(x, y float64, s string, han image.Image) {
	dot := fixed.P(int((x+0.5)*p.side), int((y+0.5)*p.side))
	for _, r := range s {
		f, ink := p.faces[1], image.Image(image.Black)
		if unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef {
			f, ink = p.faces[0], han
		}
		d := font.Drawer{Dst: p.img, Src: ink, Face: f, Dot: dot}
		d.DrawString(string(r))
		dot = d.Dot
	}
}

func (p *paper) qr(t *testing.T, text string) {
	m := qrModules(t, text)
	mod := p.side / float64(m.GetWidth())
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				r := image.Rect(int(0.5*p.side+float64(x)*mod), int(0.5*p.side+float64(y)*mod),
					int(0.5*p.side+float64(x+1)*mod), int(0.5*p.side+float64(y+1)*mod))
				draw.Draw(p.img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
}

func readPaper(t *testing.T, p *paper) Printed {
	t.Helper()
	return readPaperBy(t, p, nil)
}

// readPaperBy reads p with the engine wrap makes of the default one (the
// default one itself when wrap is nil).
func readPaperBy(t *testing.T, p *paper, wrap func(ocr.Engine) ocr.Engine) Printed {
	t.Helper()
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	if wrap != nil {
		eng = wrap(eng)
	}
	codes, err := imaging.DecodeImage(context.Background(), p.img, imaging.Options{})
	if err != nil || len(codes) != 1 {
		t.Fatalf("QR code: %v, %v", codes, err)
	}
	pr, err := ReadImage(context.Background(), eng, p.img, ImageOptions{QR: &codes[0]})
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

const paperQR = "01,04,3700163350,36182988,1234.50,20170604,50468368650117355792,9439,"

func drawHeader(p *paper, number, date, total string) {
	p.text(8.4, 0.3, "发票代码：")
	p.text(9.4, 0.3, "3700163350")
	p.text(8.4, 0.65, "发票号码：")
	p.text(9.4, 0.65, number)
	p.text(8.4, 1.0, "开票日期：")
	p.text(9.4, 1.0, date)
	p.text(1.2, 4.7, "合　计")
	p.text(8.2, 4.7, "¥1234.50")
	p.text(11.2, 4.7, "¥160.49")
	p.text(1.2, 5.15, "价税合计（大写）")
	p.text(8.6, 5.15, "（小写）")
	p.text(9.5, 5.15, "¥"+total)
}

// A genuine invoice: what is read is what is printed, with where it is.
func TestReadPaperGenuine(t *testing.T) {
	p := newPaper(t, 150)
	p.qr(t, paperQR)
	drawHeader(p, "36182988", "2017年06月04日", "1394.99")
	pr := readPaper(t, p)
	if pr.Source != SourceOCR {
		t.Fatalf("source %q, want %q", pr.Source, SourceOCR)
	}
	want := map[string]string{"number": "36182988", "date": "2017-06-04", "amount": "1234.50", "total": "1394.99"}
	got := map[string]string{"number": pr.Number, "date": pr.Date, "amount": pr.Amount, "total": pr.Total}
	read := 0
	for k, w := range want {
		switch got[k] {
		case w:
			read++
			rd, ok := pr.Reads[k]
			if !ok || rd.Unsure || rd.Confidence <= 0 {
				t.Errorf("%s: read %q without a sure Read: %+v", k, w, rd)
			}
			if r := rd.Region; r.X0 >= r.X1 || r.Y0 >= r.Y1 || r.X0 < 0 || r.Y1 > 1 {
				t.Errorf("%s: region %+v", k, r)
			}
		case "":
		default:
			t.Errorf("%s: read %q, printed %q", k, got[k], w)
		}
	}
	if read < 3 {
		t.Errorf("read %d of 4 values right: %+v", read, got)
	}
	// The number is top right of the page, right of the QR code.
	if r := pr.Reads["number"].Region; pr.Number != "" && (r.X0 < 0.55 || r.Y1 > 0.35) {
		t.Errorf("number's region %+v is not top right", r)
	}
}

// A forged invoice: the printed number differs from the QR code's, and is
// read as printed, never as the QR says.
func TestReadPaperForged(t *testing.T) {
	p := newPaper(t, 150)
	p.qr(t, paperQR)
	drawHeader(p, "36182958", "2017年06月04日", "1394.99")
	pr := readPaper(t, p)
	if pr.Number == "36182988" {
		t.Fatalf("the QR's number came out as printed")
	}
	if pr.Number != "36182958" {
		t.Errorf("forged number read as %q (Read %+v), printed 36182958", pr.Number, pr.Reads["number"])
	}
}

func TestReadImageBadInput(t *testing.T) {
	if _, err := ReadImage(context.Background(), nil, image.NewGray(image.Rect(0, 0, 10, 10)), ImageOptions{}); !errors.Is(err, ocr.ErrUnavailable) {
		t.Errorf("no engine: %v", err)
	}
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	if _, err := ReadImage(context.Background(), eng, image.NewGray(image.Rect(0, 0, 0, 0)), ImageOptions{}); err == nil {
		t.Error("empty image: no error")
	}
	// Corners that make no quadrilateral: read as a page without a code.
	bad := &imaging.Code{Text: paperQR, Points: []imaging.Point{{X: 1, Y: 1}, {X: 1, Y: 1}, {X: 1, Y: 1}, {X: 1, Y: 1}}}
	blank := image.NewGray(image.Rect(0, 0, 300, 200))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	pr, err := ReadImage(context.Background(), eng, blank, ImageOptions{QR: bad})
	if err != nil || !pr.NeedsTyping || pr.Number != "" {
		t.Errorf("blank page: %+v, %v", pr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadImage(ctx, eng, blank, ImageOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// A printed date is read as its digits: 年, 月 and 日 are cut out of the
// crop, so that the Latin model cannot take 月 for a 5 or 日 for an 8.
func TestDateDigits(t *testing.T) {
	eng, err := ocr.Default()
	if err != nil {
		t.Fatalf("no OCR engine: %v", err)
	}
	for _, side := range []int{110, 150} {
		p := newPaper(t, side)
		p.text(0.5, 0.5, "2024年04月06日")
		s := float64(side)
		em := 0.18 * s
		// The value's box as the caption reading gives it, and a crop a
		// little larger, as settle cuts.
		box := [4]float64{s - 0.05*em, s - 0.95*em, s + 9*em, s + 0.1*em}
		crop := image.Rect(int(box[0]-0.4*em), int(box[1]-0.3*em), int(box[2]+0.6*em), int(box[3]+0.3*em))
		img := p.img.SubImage(crop).(*image.Gray)
		out := dateDigits(img, crop.Min, val{box: box}, em)
		if out.Bounds().Dx() >= crop.Dx()-int(2*em) {
			t.Fatalf("side %d: the marks were not cut out: %v from %v", side, out.Bounds(), crop)
		}
		gs, err := eng.Read(context.Background(), out, ocr.Options{Charset: ocr.Date, Layout: ocr.Line})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, g := range gs {
			got += g.Text
		}
		if cleanOCRDate(got) != "2024-04-06" {
			t.Errorf("side %d: read %q", side, got)
		}
	}
	// 年, 月 and 日 paler than the digits: cut out all the same.
	p := newPaper(t, 150)
	p.textInk(0.5, 0.5, "2021年05月13日", image.NewUniform(color.Gray{Y: 165}))
	em := 0.18 * 150
	box := [4]float64{150 - 0.05*em, 150 - 0.95*em, 150 + 9*em, 150 + 0.1*em}
	crop := image.Rect(int(box[0]-0.4*em), int(box[1]-0.3*em), int(box[2]+0.6*em), int(box[3]+0.3*em))
	if out := dateDigits(p.img.SubImage(crop).(*image.Gray), crop.Min, val{box: box}, em); out.Bounds().Dx() >= crop.Dx()-int(2*em) {
		t.Errorf("pale marks were not cut out: %v from %v", out.Bounds(), crop)
	}
	// Not a date: the crop is left as it is.
	p = newPaper(t, 150)
	p.text(0.5, 0.5, "36182988")
	crop = image.Rect(100, 100, 400, 170)
	img := p.img.SubImage(crop).(*image.Gray)
	if out := dateDigits(img, crop.Min, val{box: [4]float64{130, 120, 380, 152}}, 27); out != img {
		t.Errorf("a number was cut up as a date")
	}
}
