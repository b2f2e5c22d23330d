package export

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/money"
)

// soffice finds LibreOffice. Without it the office tests skip, except in CI,
// where they must run (scripts/deps.sh --test installs libreoffice-calc).
func soffice(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("opens the exports in LibreOffice")
	}
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "LibreOffice (soffice) is not installed: apt-get install --no-install-recommends libreoffice-calc"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// shownCSV opens file in LibreOffice as a clerk would, with importFilter
// ("" for a spreadsheet), and saves the first sheet as CSV of the cells as
// shown, with their display formats applied. It returns the rows.
func shownCSV(t *testing.T, bin, file, importFilter string) [][]string {
	t.Helper()
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile")
	out := filepath.Join(dir, "out")
	// Export tokens: comma, double quote, UTF-8, from line 1, no column
	// formats, default language, do not quote all text, numbers as numbers,
	// save cell contents as shown.
	args := []string{"-env:UserInstallation=file://" + filepath.ToSlash(profile), "--headless", "--norestore"}
	if importFilter != "" {
		args = append(args, "--infilter="+importFilter)
	}
	args = append(args, "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir", out, file)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice %s: %v\n%s", strings.Join(args, " "), err, res)
	}
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".csv"
	f, err := os.Open(filepath.Join(out, name))
	if err != nil {
		t.Fatalf("soffice wrote no CSV: %v\n%s", err, res)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reading LibreOffice's CSV: %v", err)
	}
	return rows
}

// sameAmount compares a shown amount with the exact one, ignoring grouping
// and a General format's dropped trailing zeros.
func sameAmount(shown, want string) bool {
	d, err := money.Parse(strings.ReplaceAll(strings.TrimSpace(shown), ",", ""))
	return err == nil && d.Equal(money.MustParse(want))
}

func TestOfficeShowsExportsIntact(t *testing.T) {
	bin := soffice(t)
	dir := t.TempDir()
	csvPath, xlsxPath := filepath.Join(dir, "发票.csv"), filepath.Join(dir, "发票.xlsx")
	for _, f := range []struct {
		path string
		fmt  Format
	}{{csvPath, CSV}, {xlsxPath, XLSX}} {
		out, err := os.Create(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Write(out, f.fmt, sliceSource(sample())); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// The CSV import dialog's defaults: comma, semicolon and tab all
	// separate; quoted fields are not forced to text; special numbers are
	// not detected; formulas are not evaluated. Once as an English and once
	// as a Chinese (2052) desktop.
	opened := map[string][][]string{
		"csv en-US": shownCSV(t, bin, csvPath, "Text - txt - csv (StarCalc):44/59/9,34,76,1,,1033,false,false"),
		"csv zh-CN": shownCSV(t, bin, csvPath, "Text - txt - csv (StarCalc):44/59/9,34,76,1,,2052,false,false"),
		"xlsx":      shownCSV(t, bin, xlsxPath, ""),
	}
	for how, rows := range opened {
		if len(rows) < 6 {
			t.Errorf("%s: %d rows: %q", how, len(rows), rows)
			continue
		}
		get := func(row int, header string) string {
			r := rows[row]
			if i := col(header); i < len(r) {
				return strings.TrimLeft(r[i], "\t") // the CSV's invisible text marker
			}
			return ""
		}
		ids := []struct {
			row          int
			header, want string
		}{
			{1, "发票号码", "24312000000136634917"},
			{3, "发票号码", "24312000000136634918"},
			{2, "发票代码", "044031600111"},
			{2, "发票号码", "02407312"},
			{2, "校验码", "80883429292637169951"},
			{1, "销售方税号", "91320621MA1MRHG205"},
			{1, "购买方税号", "9111000060000733E1"},
			{1, "销售方名称", "上海某某科技有限公司"},
			{0, "价税合计", "价税合计"},
			{5, "发票代码", "合计"},
		}
		for _, c := range ids {
			if got := get(c.row, c.header); got != c.want {
				t.Errorf("%s: row %d %s shows %q, want %q", how, c.row, c.header, got, c.want)
			}
		}
		amounts := []struct {
			row          int
			header, want string
		}{
			{1, "金额", "1705400.00"}, {1, "税额", "221702.00"}, {1, "价税合计", "1927102.00"},
			{2, "金额", "57"}, {2, "价税合计", "64.90"}, {3, "金额", "-12.30"}, {3, "税额", "-1.60"},
			{5, "金额", "1705444.70"}, {5, "税额", "221700.40"}, {5, "价税合计", "1927153.00"},
		}
		for _, c := range amounts {
			if got := get(c.row, c.header); !sameAmount(got, c.want) {
				t.Errorf("%s: row %d %s shows %q, want %s", how, c.row, c.header, got, c.want)
			}
		}
		// Text that looked like a formula is shown as typed, never run.
		if got := get(1, "购买方名称"); !strings.Contains(got, `=HYPERLINK("http://x","点我")`) {
			t.Errorf("%s: buyer name shows %q", how, got)
		}
		if got := get(3, "销售方名称"); !strings.Contains(got, "@SUM(1+1)") {
			t.Errorf("%s: seller name shows %q", how, got)
		}
		if got := get(1, "开票日期"); got != "2024-05-14" {
			t.Errorf("%s: date shows %q, want 2024-05-14", how, got)
		}
	}
	// In the XLSX amounts carry their two decimals and grouping.
	if got := opened["xlsx"][1][col("金额")]; got != "1,705,400.00" {
		t.Errorf("xlsx: amount shows %q, want 1,705,400.00", got)
	}
	if got := opened["xlsx"][2][col("金额")]; got != "57.00" {
		t.Errorf("xlsx: amount shows %q, want 57.00", got)
	}
}
