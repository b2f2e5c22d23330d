package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// WriteCSV writes the invoices of src as CSV for spreadsheets: UTF-8 with a
// byte order mark (without it Excel reads Chinese as the system code page),
// CRLF line ends, a header row in Chinese, one row per invoice, an empty row,
// then a totals row. The empty row keeps the totals out of the range a
// spreadsheet sorts and filters.
//
// Codes, numbers, check codes and tax IDs are written with a leading tab
// character. Excel, WPS and LibreOffice all convert a field that looks like a
// number into one on opening, which turns a 20-digit number into 2.43E+19
// (its last digits lost for good) and drops a code's leading zero; a 15- or
// 18-character tax ID such as 9111000060000733E1 even reads as a power of
// ten. A leading tab makes each of them keep the field as text, as it is
// printed, and is invisible in the cell. The usual alternatives fail in one
// of the three: ="0123" shows as typed in LibreOffice (which does not
// evaluate formulas in CSV by default), and a leading apostrophe stays
// visible in all of them. Scripts should read "fapiao history --json"
// rather than this file.
func WriteCSV(w io.Writer, src Source) (Summary, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return Summary{}, fmt.Errorf("export CSV: %w", err)
	}
	cw := &csvWriter{w: bw}
	rec := make([]string, len(columns))
	sum, err := writeRows(cw, rec, src, csvCell)
	if err != nil {
		return sum, err
	}
	clear(rec)
	if err := cw.Write(rec); err != nil {
		return sum, fmt.Errorf("export CSV: %w", err)
	}
	sums := amountSums(sum)
	for i, c := range columns {
		switch {
		case i == 0:
			rec[i] = "合计"
		case i == 1:
			rec[i] = fmt.Sprintf("共%d张", sum.Rows)
		case c.kind == amount:
			d := sums[c.header]
			rec[i] = fixed2(&d)
		default:
			rec[i] = ""
		}
	}
	if err := cw.Write(rec); err != nil {
		return sum, fmt.Errorf("export CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("export CSV: %w", err)
	}
	return sum, nil
}

// writeRows writes the header row, then a row for each invoice of src with
// each cell as cell writes it, through rec (a record of len(columns)).
func writeRows(w interface{ Write([]string) error }, rec []string, src Source, cell func(kind, val) string) (Summary, error) {
	for i, c := range columns {
		rec[i] = c.header
	}
	if err := w.Write(rec); err != nil {
		return Summary{}, fmt.Errorf("export CSV: %w", err)
	}
	var sum Summary
	err := src(func(inv *store.Invoice) error {
		for i, c := range columns {
			rec[i] = cell(c.kind, c.value(inv))
		}
		sum.add(inv)
		return w.Write(rec)
	})
	if err != nil {
		return sum, fmt.Errorf("export CSV: row %d: %w", sum.Rows+1, err)
	}
	return sum, nil
}

// csvWriter writes RFC 4180 records with CRLF, quoting every non-empty field.
// encoding/csv quotes only fields holding a comma, which is not enough:
// LibreOffice's import dialog splits on semicolons and tabs too by default,
// and a quoted field is never split.
type csvWriter struct {
	w *bufio.Writer
}

func (c *csvWriter) Write(rec []string) error {
	for i, f := range rec {
		if i > 0 {
			c.w.WriteByte(',')
		}
		if f == "" {
			continue
		}
		c.w.WriteByte('"')
		c.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		c.w.WriteByte('"')
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

func csvCell(k kind, v val) string {
	switch k {
	case ident:
		s := v.s
		switch {
		case s == "":
			return ""
		case isIdent(s):
			return "\t" + s
		}
		return neutralise(s)
	case text:
		return neutralise(v.s)
	}
	return plainCell(k, v)
}

// plainCell is a cell's value as it is: what both CSVs write for amounts,
// dates and counts, and the plain CSV for every column.
func plainCell(k kind, v val) string {
	switch k {
	case amount:
		return fixed2(v.d)
	case datetime:
		if v.t.IsZero() {
			return ""
		}
		return v.t.Local().Format("2006-01-02 15:04:05")
	case count:
		return strconv.Itoa(v.n)
	}
	return v.s
}

// WritePlainCSV writes the invoices of src as plain data for imports (an
// ERP, a database, a script's lookup): RFC 4180 — UTF-8 without a byte
// order mark, CRLF line ends, fields quoted only where they must be — a
// header row in Chinese, then one row per invoice and nothing else. Every
// value is written as it is: no leading tab before codes and numbers, no
// apostrophe before text, no totals row. It is not meant to be opened in a
// spreadsheet (which would turn long numbers into floating point and could
// run text from documents as a formula): WriteCSV is.
func WritePlainCSV(w io.Writer, src Source) (Summary, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	sum, err := writeRows(cw, make([]string, len(columns)), src, plainCell)
	if err != nil {
		return sum, err
	}
	if cw.Flush(); cw.Error() != nil {
		return sum, fmt.Errorf("export CSV: %w", cw.Error())
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("export CSV: %w", err)
	}
	return sum, nil
}

// fixed2 writes an amount with two decimals ("57.00"), or "" when unknown.
func fixed2(d *money.Decimal) string {
	if d == nil {
		return ""
	}
	return d.Fixed(max(2, d.Scale()))
}

// isIdent reports whether s is digits and capital letters only: the shape of
// every code, number and tax ID, which can never start a formula.
func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// neutralise makes text from documents and users safe to open in a
// spreadsheet: a cell whose first character (after spaces) is = + - @, a tab
// or a line break could run as a formula (CSV injection), so it gets a
// leading apostrophe, which spreadsheets show and never evaluate. The
// full-width forms are included because some input methods produce them.
func neutralise(s string) string {
	t := strings.TrimLeft(s, " \u3000")
	if t == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(t)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}
