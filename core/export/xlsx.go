package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// sheetName is the one sheet of an export.
const sheetName = "发票"

// maxDataRow is the last row an invoice may take: a sheet has
// excelize.TotalRows rows, and the empty row and the totals follow.
const maxDataRow = excelize.TotalRows - 2

// WriteXLSX writes the invoices of src as an Excel workbook with typed
// cells: codes, numbers and tax IDs as text (formatted "@", so that editing
// a cell keeps it text), amounts as numbers shown with two decimals, dates
// and times as dates. The header row is frozen and filterable, the columns
// are sized for their content, and a totals row follows an empty row. Rows
// are streamed to a temporary file, so memory stays flat whatever the size.
func WriteXLSX(w io.Writer, src Source) (Summary, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return Summary{}, fmt.Errorf("export XLSX: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return Summary{}, fmt.Errorf("export XLSX: styles: %w", err)
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return Summary{}, fmt.Errorf("export XLSX: %w", err)
	}
	for i, c := range columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return Summary{}, fmt.Errorf("export XLSX: column %s: %w", c.header, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return Summary{}, fmt.Errorf("export XLSX: %w", err)
	}
	row := make([]any, len(columns))
	for i, c := range columns {
		row[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 20}); err != nil {
		return Summary{}, fmt.Errorf("export XLSX: header: %w", err)
	}
	var sum Summary
	r := 1
	err = src(func(inv *store.Invoice) error {
		r++
		if r > maxDataRow {
			return fmt.Errorf("more than %d invoices do not fit one sheet: narrow the filter or export CSV", maxDataRow-1)
		}
		for i, c := range columns {
			row[i] = st.cell(c.kind, c.value(inv))
		}
		sum.add(inv)
		return sw.SetRow("A"+strconv.Itoa(r), row)
	})
	if err != nil {
		return sum, fmt.Errorf("export XLSX: row %d: %w", sum.Rows+1, err)
	}
	last := r
	// The table gives the header its filter buttons; it needs a data row.
	if err := sw.AddTable(&excelize.Table{
		Range: "A1:" + mustCell(len(columns), max(last, 2)), Name: "Invoices",
		StyleName: "TableStyleLight1", ShowRowStripes: boolPtr(false),
	}); err != nil {
		return sum, fmt.Errorf("export XLSX: table: %w", err)
	}
	sums := amountSums(sum)
	for i, c := range columns {
		switch {
		case i == 0:
			row[i] = excelize.Cell{StyleID: st.totalText, Value: "合计"}
		case i == 1:
			row[i] = excelize.Cell{StyleID: st.totalText, Value: fmt.Sprintf("共%d张", sum.Rows)}
		case c.kind == amount:
			d := sums[c.header]
			cell := excelize.Cell{StyleID: st.totalAmount, Value: toFloat(d)}
			if last >= 2 {
				col := mustCell(i+1, 1)
				col = strings.TrimRight(col, "0123456789")
				cell.Formula = fmt.Sprintf("SUM(%s2:%s%d)", col, col, last)
			}
			row[i] = cell
		default:
			row[i] = nil
		}
	}
	if err := sw.SetRow("A"+strconv.Itoa(last+2), row); err != nil {
		return sum, fmt.Errorf("export XLSX: totals: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return sum, fmt.Errorf("export XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return sum, fmt.Errorf("export XLSX: write: %w", err)
	}
	return sum, nil
}

type styles struct {
	header, text, ident, amount, date, datetime, count, totalText, totalAmount int
}

func newStyles(f *excelize.File) (*styles, error) {
	var (
		st  styles
		err error
	)
	font := &excelize.Font{Family: "等线", Size: 11}
	bold := &excelize.Font{Family: "等线", Size: 11, Bold: true}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	amountFmt := "#,##0.00"
	dateFmt := "yyyy-mm-dd"
	datetimeFmt := "yyyy-mm-dd hh:mm:ss"
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: bold, Border: border, Alignment: &excelize.Alignment{Vertical: "center"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}}}},
		{&st.text, &excelize.Style{Font: font}},
		{&st.ident, &excelize.Style{Font: font, NumFmt: 49}}, // 49 is "@", text
		{&st.amount, &excelize.Style{Font: font, CustomNumFmt: &amountFmt}},
		{&st.date, &excelize.Style{Font: font, CustomNumFmt: &dateFmt}},
		{&st.datetime, &excelize.Style{Font: font, CustomNumFmt: &datetimeFmt}},
		{&st.count, &excelize.Style{Font: font, NumFmt: 1}}, // 1 is "0"
		{&st.totalText, &excelize.Style{Font: bold}},
		{&st.totalAmount, &excelize.Style{Font: bold, CustomNumFmt: &amountFmt,
			Border: []excelize.Border{{Type: "top", Color: "000000", Style: 1}}}},
	} {
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// cell makes the typed cell for a column value; nil leaves it empty.
func (st *styles) cell(k kind, v val) any {
	switch k {
	case ident:
		if s := v.s; s != "" {
			return excelize.Cell{StyleID: st.ident, Value: clean(s)}
		}
	case amount:
		if d := v.d; d != nil {
			return excelize.Cell{StyleID: st.amount, Value: toFloat(*d)}
		}
	case date:
		if s := v.s; s != "" {
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return excelize.Cell{StyleID: st.date, Value: t}
			}
			return excelize.Cell{StyleID: st.text, Value: clean(s)}
		}
	case datetime:
		if t := v.t; !t.IsZero() {
			return excelize.Cell{StyleID: st.datetime, Value: t.Local()}
		}
	case count:
		return excelize.Cell{StyleID: st.count, Value: v.n}
	default:
		if s := v.s; s != "" {
			return excelize.Cell{StyleID: st.text, Value: clean(s)}
		}
	}
	return nil
}

// toFloat converts an exact amount for a number cell. Invoice amounts have at
// most 14 integer digits and 2 to 4 decimals, well within the 15 significant
// digits a spreadsheet number holds, and the shortest text of the float64
// (which is what the file stores) is the decimal itself.
func toFloat(d money.Decimal) float64 {
	v, err := strconv.ParseFloat(d.String(), 64)
	if err != nil {
		return 0 // money.Decimal always prints a valid number
	}
	return v
}

// clean drops control characters that XML 1.0 cannot carry, which a file
// name or a garbled text layer may hold, keeping tabs and line breaks.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
}

func mustCell(col, row int) string {
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err) // columns and rows are within Excel's limits here
	}
	return c
}

func boolPtr(b bool) *bool { return &b }
