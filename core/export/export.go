// Package export writes the invoice history as a spreadsheet a clerk can open
// in Excel, WPS or LibreOffice: CSV (UTF-8 with BOM) or XLSX. Invoice numbers,
// codes and tax IDs reach the clerk digit for digit, amounts are exact, and
// text from documents can never run as a formula.
package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Format is a file format.
type Format string

const (
	// CSV is the CSV for spreadsheets (WriteCSV): codes kept as text, a
	// totals row. The default.
	CSV Format = "csv"
	// PlainCSV is the CSV for imports (WritePlainCSV): RFC 4180, the
	// values as they are, no totals row.
	PlainCSV Format = "csv-plain"
	XLSX     Format = "xlsx"
)

// Ext is the file name extension of format f, without the dot.
func (f Format) Ext() string {
	if f == PlainCSV {
		return "csv"
	}
	return string(f)
}

// ParseFormat reads "csv", "csv-plain" or "xlsx" (any case, a leading dot
// allowed, so a file extension will do).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "csv":
		return CSV, nil
	case "csv-plain":
		return PlainCSV, nil
	case "xlsx":
		return XLSX, nil
	}
	return "", fmt.Errorf("export format %q: want csv, csv-plain or xlsx", s)
}

// Source yields the invoices to export, in order, by calling fn with each;
// it returns the first error, fn's included. (*store.Store).Each with a
// filter is one:
//
//	func(fn func(*store.Invoice) error) error { return st.Each(ctx, f, fn) }
type Source func(fn func(*store.Invoice) error) error

// Summary is what an export wrote.
type Summary struct {
	Rows               int           // invoices
	Amount, Tax, Total money.Decimal // sums of the known amounts
	MissingTotals      int           // invoices whose 价税合计 is unknown
}

func (s *Summary) add(inv *store.Invoice) {
	s.Rows++
	if inv.Amount != nil {
		s.Amount = s.Amount.Add(*inv.Amount)
	}
	if inv.Tax != nil {
		s.Tax = s.Tax.Add(*inv.Tax)
	}
	if inv.Total != nil {
		s.Total = s.Total.Add(*inv.Total)
	} else {
		s.MissingTotals++
	}
}

// Write writes the invoices of src to w in format f.
func Write(w io.Writer, f Format, src Source) (Summary, error) {
	switch f {
	case CSV:
		return WriteCSV(w, src)
	case PlainCSV:
		return WritePlainCSV(w, src)
	case XLSX:
		return WriteXLSX(w, src)
	}
	return Summary{}, fmt.Errorf("export: unknown format %q", f)
}

// kind says how a column is written.
type kind int

const (
	text     kind = iota // document or user text: neutralised in CSV
	ident                // code, number, tax ID: digits and capitals, kept as text
	amount               // exact decimal, two places
	date                 // YYYY-MM-DD
	datetime             // YYYY-MM-DD hh:mm:ss, local time
	count                // whole number
)

type column struct {
	header string
	kind   kind
	width  float64 // XLSX column width, in characters
	value  func(*store.Invoice) val
}

// val is one cell's value: s for text, ident and date (YYYY-MM-DD), d for
// amount, t for datetime, n for count; the zero of each means empty. A
// struct rather than an interface, so that a million rows do not allocate
// twenty million boxes.
type val struct {
	s string
	d *money.Decimal
	t time.Time
	n int
}

func str(s string) val { return val{s: s} }

// columns are the exported columns, in order.
var columns = []column{
	{"发票代码", ident, 14, func(i *store.Invoice) val { return str(i.Code) }},
	{"发票号码", ident, 23, func(i *store.Invoice) val { return str(i.Number) }},
	{"发票类型", text, 24, typeName},
	{"开票日期", date, 12, func(i *store.Invoice) val { return str(i.Date) }},
	{"金额", amount, 14, func(i *store.Invoice) val { return val{d: i.Amount} }},
	{"税额", amount, 12, func(i *store.Invoice) val { return val{d: i.Tax} }},
	{"价税合计", amount, 14, func(i *store.Invoice) val { return val{d: i.Total} }},
	{"销售方名称", text, 30, func(i *store.Invoice) val { return str(i.SellerName) }},
	{"销售方税号", ident, 21, func(i *store.Invoice) val { return str(i.SellerTaxID) }},
	{"购买方名称", text, 30, func(i *store.Invoice) val { return str(i.BuyerName) }},
	{"购买方税号", ident, 21, func(i *store.Invoice) val { return str(i.BuyerTaxID) }},
	{"校验码", ident, 23, func(i *store.Invoice) val { return str(i.CheckCode) }},
	{"状态", text, 8, func(i *store.Invoice) val { return str(i.StateName) }},
	{"核验结果", text, 10, verifyResult},
	{"核验人", text, 10, func(i *store.Invoice) val {
		if i.Verified == nil {
			return val{}
		}
		return str(i.Verified.Clerk)
	}},
	{"核验时间", datetime, 19, func(i *store.Invoice) val {
		if i.Verified == nil {
			return val{}
		}
		return val{t: i.Verified.At}
	}},
	{"查验结果", text, 12, checkResult},
	{"查验时间", datetime, 19, func(i *store.Invoice) val {
		if i.Checked == nil {
			return val{}
		}
		return val{t: i.Checked.At}
	}},
	{"问题", text, 60, problems},
	{"首次出现", datetime, 19, func(i *store.Invoice) val { return val{t: i.FirstSeen.At} }},
	{"首次出现位置", text, 30, firstSeenWhere},
	{"出现次数", count, 8, func(i *store.Invoice) val { return val{n: i.Seen} }},
	{"备注", text, 30, func(i *store.Invoice) val { return str(i.NoteText) }},
}

// amountSums gives the totals row its sums, by column header.
func amountSums(s Summary) map[string]money.Decimal {
	return map[string]money.Decimal{"金额": s.Amount, "税额": s.Tax, "价税合计": s.Total}
}

func typeName(i *store.Invoice) val {
	switch {
	case i.TypeName != "":
		return str(i.TypeName)
	case i.TypeCode != "":
		return str("种类代码 " + i.TypeCode)
	}
	return val{}
}

var resultNames = map[string]string{"ok": "通过", "info": "通过（有提示）", "warning": "有警告", "error": "有错误"}

func verifyResult(i *store.Invoice) val {
	if i.Verified == nil {
		return str("未核验")
	}
	if n, ok := resultNames[i.Verified.Result]; ok {
		return str(n)
	}
	return str(i.Verified.Result)
}

var checkNames = map[string]string{
	store.CheckAuthentic: "真票", store.CheckVoided: "已作废", store.CheckRedReversed: "已红冲",
	store.CheckNotFound: "查无此票", store.CheckMismatch: "信息不符",
}

// checkResult is the tax authority's latest answer on the invoice.
func checkResult(i *store.Invoice) val {
	if i.Checked == nil {
		return str("未查验")
	}
	if n, ok := checkNames[i.Checked.Outcome]; ok {
		return str(n)
	}
	return str(i.Checked.Outcome)
}

var severityNames = map[finding.Severity]string{finding.Error: "错误", finding.Warning: "警告", finding.Info: "提示"}

// problems lists the findings, worst first, in Chinese.
func problems(i *store.Invoice) val {
	var b strings.Builder
	for _, sev := range []finding.Severity{finding.Error, finding.Warning, finding.Info} {
		for _, f := range i.Findings {
			if f.Severity != sev {
				continue
			}
			if b.Len() > 0 {
				b.WriteString("；")
			}
			b.WriteString(severityNames[sev])
			b.WriteString("：")
			b.WriteString(f.Message)
		}
	}
	return str(b.String())
}

var sourceNames = map[store.Source]string{
	store.SourcePaste: "粘贴输入", store.SourceGun: "扫码枪输入", store.SourceCamera: "摄像头",
	store.SourceGateway: "查验接口", store.SourceFile: "文件", store.SourceFolder: "文件夹",
	store.SourceTyped: "手工录入",
}

func firstSeenWhere(i *store.Invoice) val {
	s := i.FirstSeen
	if s.File == "" {
		return str(sourceNames[s.Source])
	}
	where := s.File
	if s.Page > 0 {
		where += " 第" + strconv.Itoa(s.Page) + "页"
	}
	if s.Source == store.SourceTyped {
		where += "（" + sourceNames[s.Source] + "）" // its QR code could not be read
	}
	return str(where)
}
