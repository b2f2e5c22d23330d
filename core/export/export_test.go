package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func dec(s string) *money.Decimal { d := money.MustParse(s); return &d }

var seenAt = time.Date(2026, 3, 2, 9, 30, 5, 0, time.Local)

// sample has what breaks naive exports: a 20-digit number, a 12-digit code
// with a leading zero, a tax ID that reads as a power of ten, text that
// would run as a formula, amounts with and without decimals, a negative one.
func sample() []*store.Invoice {
	return []*store.Invoice{
		{
			Identity: "24312000000136634917", TypeCode: "32", TypeName: "电子发票(普通发票)", Number: "24312000000136634917",
			Date: "2024-05-14", Amount: dec("1705400.00"), Tax: dec("221702.00"), Total: dec("1927102.00"),
			SellerName: "上海某某科技有限公司", SellerTaxID: "91320621MA1MRHG205",
			BuyerName: "=HYPERLINK(\"http://x\",\"点我\")", BuyerTaxID: "9111000060000733E1",
			State: store.StateReimbursed, StateName: "已报销",
			Findings: []finding.Finding{
				finding.New("duplicate", finding.Warning, "", "重复：首次出现于 a.pdf", "duplicate"),
				finding.New("tax_id_check", finding.Error, "seller_tax_id", "税号校验位不正确", "bad"),
			},
			FirstSeen: store.Sighting{File: "/扫描/+a.pdf", At: seenAt, Source: store.SourceFile, Page: 2},
			Seen:      2, Verified: &store.Verification{At: seenAt, Clerk: "张三", Result: "error"},
			NoteText: "-报销单 BX-001",
		},
		{
			Identity: "044031600111-02407312", TypeCode: "10", TypeName: "增值税电子普通发票", Code: "044031600111",
			Number: "02407312", Date: "2017-11-04", Amount: dec("57"), Total: dec("64.9"), CheckCode: "80883429292637169951",
			State: store.StateNew, StateName: "未报销", FirstSeen: store.Sighting{At: seenAt, Source: store.SourceGun}, Seen: 1,
		},
		{
			Identity: "24312000000136634918", TypeCode: "32", Number: "24312000000136634918", Amount: dec("-12.30"),
			Tax: dec("-1.60"), Total: dec("-13.90"), SellerName: "@SUM(1+1)", State: store.StateLocked, StateName: "已锁定",
			FirstSeen: store.Sighting{File: "b.ofd", At: seenAt, Source: store.SourceFolder}, Seen: 1,
		},
	}
}

func sliceSource(invs []*store.Invoice) Source {
	return func(fn func(*store.Invoice) error) error {
		for _, inv := range invs {
			if err := fn(inv); err != nil {
				return err
			}
		}
		return nil
	}
}

func col(name string) int {
	for i, c := range columns {
		if c.header == name {
			return i
		}
	}
	panic("no column " + name)
}

func TestCSVLayout(t *testing.T) {
	var buf bytes.Buffer
	sum, err := WriteCSV(&buf, sliceSource(sample()))
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	if bytes.Count(b, []byte("\r\n")) != 6 {
		t.Errorf("want 6 CRLF-terminated lines:\n%s", b)
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v", err)
	}
	if len(recs) != 6 {
		t.Fatalf("%d records, want header, 3 rows, empty, totals", len(recs))
	}
	for _, h := range []string{"发票代码", "发票号码", "开票日期", "金额", "税额", "价税合计", "销售方名称", "销售方税号",
		"购买方名称", "购买方税号", "状态", "核验结果", "问题", "首次出现"} {
		if recs[0][col(h)] != h {
			t.Errorf("header %q missing", h)
		}
	}
	row, row2, row3 := recs[1], recs[2], recs[3]
	checks := []struct {
		got, want string
	}{
		{row[col("发票号码")], "\t24312000000136634917"},
		{row2[col("发票代码")], "\t044031600111"},
		{row2[col("发票号码")], "\t02407312"},
		{row[col("购买方税号")], "\t9111000060000733E1"},
		{row2[col("校验码")], "\t80883429292637169951"},
		{row[col("开票日期")], "2024-05-14"},
		{row[col("金额")], "1705400.00"},
		{row2[col("金额")], "57.00"},
		{row2[col("价税合计")], "64.90"},
		{row3[col("金额")], "-12.30"},
		{row2[col("税额")], ""},
		{row[col("购买方名称")], `'=HYPERLINK("http://x","点我")`},
		{row3[col("销售方名称")], "'@SUM(1+1)"},
		{row[col("备注")], "'-报销单 BX-001"},
		{row[col("首次出现位置")], "/扫描/+a.pdf 第2页"},
		{row2[col("首次出现位置")], "扫码枪输入"},
		{row[col("首次出现")], "2026-03-02 09:30:05"},
		{row[col("状态")], "已报销"},
		{row[col("核验结果")], "有错误"},
		{row2[col("核验结果")], "未核验"},
		{row[col("问题")], "错误：税号校验位不正确；警告：重复：首次出现于 a.pdf"},
		{strings.Join(recs[4], ""), ""},
		{recs[5][0], "合计"},
		{recs[5][1], "共3张"},
		{recs[5][col("金额")], "1705444.70"},
		{recs[5][col("税额")], "221700.40"},
		{recs[5][col("价税合计")], "1927153.00"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if sum.Rows != 3 || sum.Total.String() != "1927153.00" {
		t.Errorf("summary %+v", sum)
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"上海某某公司", "上海某某公司"},
		{"=1+1", "'=1+1"},
		{"+86 21 1234", "'+86 21 1234"},
		{"-12", "'-12"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\r\n=1", "'\r\n=1"},
		{"  =1", "'  =1"},
		{"\u3000＝1", "'\u3000＝1"},
		{"a=1", "a=1"},
		{"'=1", "'=1"},
		{"   ", "   "},
	}
	for _, tt := range tests {
		if got := neutralise(tt.in); got != tt.want {
			t.Errorf("neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzCSVCell feeds document text through every kind of CSV cell and checks
// that nothing can start a formula, that the text survives a CSV reader, and
// that the file stays one record per row.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"=1+1", "24312000000136634917", "044031600111", "-1", "\t=x", "a\"b,c\r\nd", " @x", "ＡＢＣ", "9111000060000733E1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []kind{text, ident} {
			cell := csvCell(k, str(s))
			switch {
			case k == ident && isIdent(s):
				if cell != "\t"+s {
					t.Fatalf("ident %q written %q", s, cell)
				}
			case cell != s && cell != "'"+s:
				t.Fatalf("%q written as %q: content changed", s, cell)
			}
			trimmed := strings.TrimLeft(cell, " \u3000")
			if trimmed != "" && strings.ContainsRune("=+-@\r\n＝＋－＠", []rune(trimmed)[0]) {
				t.Fatalf("%q written as %q, which starts a formula", s, cell)
			}
			if strings.HasPrefix(trimmed, "\t") && !(k == ident && isIdent(s)) {
				t.Fatalf("%q written as %q, which starts with a tab", s, cell)
			}
			var buf bytes.Buffer
			if _, err := WriteCSV(&buf, sliceSource([]*store.Invoice{{SellerName: s, Number: s}})); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
			if err != nil || len(recs) != 4 {
				t.Fatalf("CSV for %q does not read back: %d records, %v", s, len(recs), err)
			}
			want := strings.ReplaceAll(neutralise(s), "\r\n", "\n") // a CSV reader folds CRLF in fields
			if got := recs[1][col("销售方名称")]; got != want && !(s == "" && got == "") {
				t.Fatalf("seller %q read back as %q, want %q", s, got, want)
			}
		}
	})
}

func TestXLSX(t *testing.T) {
	var buf bytes.Buffer
	if _, err := WriteXLSX(&buf, sliceSource(sample())); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheetName {
		t.Errorf("sheets %v", got)
	}
	cell := func(c string) (string, excelize.CellType) {
		v, err := f.GetCellValue(sheetName, c, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		typ, err := f.GetCellType(sheetName, c)
		if err != nil {
			t.Fatal(err)
		}
		return v, typ
	}
	name := func(header string, row int) string { return mustCell(col(header)+1, row) }
	tests := []struct {
		cell string
		want string
		typ  excelize.CellType
	}{
		{name("发票号码", 2), "24312000000136634917", excelize.CellTypeInlineString},
		{name("发票代码", 3), "044031600111", excelize.CellTypeInlineString},
		{name("购买方税号", 2), "9111000060000733E1", excelize.CellTypeInlineString},
		{name("金额", 2), "1705400", excelize.CellTypeUnset}, // a number cell has no t attribute
		{name("价税合计", 3), "64.9", excelize.CellTypeUnset},
		{name("金额", 4), "-12.3", excelize.CellTypeUnset},
		{name("购买方名称", 2), `=HYPERLINK("http://x","点我")`, excelize.CellTypeInlineString},
		{name("出现次数", 2), "2", excelize.CellTypeUnset},
		{name("金额", 6), "1705444.7", excelize.CellTypeUnset},
		{"A6", "合计", excelize.CellTypeInlineString},
		{"B6", "共3张", excelize.CellTypeInlineString},
	}
	for _, tt := range tests {
		v, typ := cell(tt.cell)
		if v != tt.want || typ != tt.typ {
			t.Errorf("%s = %q (type %v), want %q (type %v)", tt.cell, v, typ, tt.want, tt.typ)
		}
	}
	if v, _ := f.GetCellValue(sheetName, "A5"); v != "" {
		t.Errorf("row 5 should be empty, has %q", v)
	}
	if fm, _ := f.GetCellFormula(sheetName, name("价税合计", 6)); fm != "SUM(G2:G4)" {
		t.Errorf("totals formula %q", fm)
	}
	if fm, _ := f.GetCellFormula(sheetName, name("购买方名称", 2)); fm != "" {
		t.Errorf("document text became a formula: %q", fm)
	}
	shown, _ := f.GetCellValue(sheetName, name("金额", 2))
	if shown != "1,705,400.00" {
		t.Errorf("amount shown as %q, want 1,705,400.00", shown)
	}
	if d, _ := f.GetCellValue(sheetName, name("开票日期", 2)); d != "2024-05-14" {
		t.Errorf("date shown as %q", d)
	}
	panes, err := f.GetPanes(sheetName)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v: header not frozen", panes, err)
	}
	for _, h := range []string{"发票号码", "问题"} {
		w, err := f.GetColWidth(sheetName, strings.TrimRight(name(h, 1), "1"))
		if err != nil || w < 20 {
			t.Errorf("column %s width %v, %v", h, w, err)
		}
	}
}

func TestXLSXEmptyAndControlCharacters(t *testing.T) {
	var buf bytes.Buffer
	if _, err := WriteXLSX(&buf, sliceSource(nil)); err != nil {
		t.Fatalf("empty export: %v", err)
	}
	buf.Reset()
	inv := &store.Invoice{Number: "12345678", SellerName: "a\x00b\x07c\td", FirstSeen: store.Sighting{File: "x\x1b.pdf"}}
	if _, err := WriteXLSX(&buf, sliceSource([]*store.Invoice{inv})); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("control characters made an unreadable file: %v", err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(sheetName, mustCell(col("销售方名称")+1, 2)); v != "abc\td" {
		t.Errorf("seller %q", v)
	}
}

// The plain CSV is data for imports: RFC 4180 as a strict reader reads it,
// every value as it is (no tab before codes, no apostrophe before text),
// one row per invoice and nothing after them.
func TestPlainCSVIsData(t *testing.T) {
	var buf bytes.Buffer
	sum, err := WritePlainCSV(&buf, sliceSource(sample()))
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) || bytes.Contains(b, []byte("\t")) {
		t.Errorf("byte order mark or tab in the plain CSV:\n%q", b)
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) || bytes.Count(b, []byte("\r\n")) != 4 {
		t.Errorf("want 4 CRLF-terminated lines:\n%s", b)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(columns)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v", err)
	}
	if len(recs) != 1+sum.Rows || sum.Rows != 3 {
		t.Fatalf("%d records for %d invoices, want the header and one row each", len(recs), sum.Rows)
	}
	row, row2 := recs[1], recs[2]
	for _, c := range []struct{ got, want string }{
		{recs[0][col("发票号码")], "发票号码"},
		{row[col("发票号码")], "24312000000136634917"},
		{row2[col("发票代码")], "044031600111"},
		{row2[col("发票号码")], "02407312"},
		{row[col("购买方税号")], "9111000060000733E1"},
		{row2[col("校验码")], "80883429292637169951"},
		{row[col("购买方名称")], `=HYPERLINK("http://x","点我")`},
		{row[col("备注")], "-报销单 BX-001"},
		{row2[col("金额")], "57.00"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, rec := range recs {
		if rec[0] == "合计" {
			t.Error("a totals row in the plain CSV")
		}
	}
}

func TestSourceErrorStops(t *testing.T) {
	boom := errors.New("disk gone")
	src := func(fn func(*store.Invoice) error) error {
		if err := fn(sample()[0]); err != nil {
			return err
		}
		return boom
	}
	for _, f := range []Format{CSV, PlainCSV, XLSX} {
		_, err := Write(&bytes.Buffer{}, f, src)
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "export") {
			t.Errorf("%s: %v, want the source's error", f, err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"csv": CSV, "CSV-plain": PlainCSV, ".XLSX": XLSX, "xls": "", "": ""} {
		got, err := ParseFormat(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
}

// An invoice typed from the paper says so where it was first seen: 手工录入,
// after the file whose QR code could not be read.
func TestFirstSeenTypedByHand(t *testing.T) {
	where := func(s store.Sighting) string { return firstSeenWhere(&store.Invoice{FirstSeen: s}).s }
	if got := where(store.Sighting{Source: store.SourceTyped}); got != "手工录入" {
		t.Errorf("paper: %q", got)
	}
	if got := where(store.Sighting{Source: store.SourceTyped, File: "/扫描/torn.png"}); got != "/扫描/torn.png（手工录入）" {
		t.Errorf("a file whose code was unreadable: %q", got)
	}
	if got := where(store.Sighting{Source: store.SourceFile, File: "a.pdf", Page: 2}); got != "a.pdf 第2页" {
		t.Errorf("a file: %q", got)
	}
}
