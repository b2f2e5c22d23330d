package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"export", "write the invoice history to a CSV or Excel file",
		"--out FILE [--format csv|csv-plain|xlsx] [--from DATE] [--to DATE] [--state S] [--seller TEXT] [--type CODE] [--findings error|warning|any] [--db PATH]",
		runExport})
}

func runExport(e *env, args []string) int {
	fs := e.flags("export")
	format := fs.String("format", "", "csv (for spreadsheets: codes kept as text, a totals row), csv-plain (RFC 4180 data for imports: values as they are, no totals row) or xlsx (default: from the --out file's extension)")
	outPath := fs.String("out", "", "the `FILE` to write; - writes CSV to standard output")
	ff := addFilterFlags(fs)
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return e.usageError("export", "unexpected argument %q (filters are flags)", pos[0])
	}
	if *outPath == "" {
		return e.usageError("export", "--out FILE is required")
	}
	fmtText := *format
	if fmtText == "" {
		if *outPath == "-" {
			fmtText = "csv"
		} else {
			fmtText = filepath.Ext(*outPath)
		}
	}
	f, err := export.ParseFormat(fmtText)
	if err != nil {
		return e.usageError("export", "%v (give --format)", err)
	}
	if *outPath == "-" && f == export.XLSX {
		return e.usageError("export", "only CSV can go to standard output")
	}
	filter, err := ff.filter()
	if err != nil {
		return e.usageError("export", "%v", err)
	}
	s, code := e.openHistory("export", *db)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx, stop := interruptible()
	defer stop()
	src := func(fn func(*store.Invoice) error) error { return s.Each(ctx, filter, fn) }

	if *outPath == "-" {
		sum, err := export.Write(e.stdout, f, src)
		if err != nil {
			return e.historyError("export", err)
		}
		e.exportDone(sum, "standard output")
		return exitOK
	}
	sum, err := export.WriteFile(*outPath, f, src)
	if err != nil {
		if outputError(err) {
			fmt.Fprintf(e.stderr, "fapiao export: %s\n", errText(err))
			return exitUsage
		}
		return e.historyError("export", err)
	}
	e.exportDone(sum, *outPath)
	return exitOK
}

func (e *env) exportDone(sum export.Summary, where string) {
	if e.lang == "en" {
		fmt.Fprintf(e.stderr, "fapiao export: %d invoices, total incl. tax ¥%s, written to %s\n", sum.Rows, sum.Total.Grouped(), clean(where))
		return
	}
	fmt.Fprintf(e.stderr, "fapiao export: 共 %d 张，价税合计 ¥%s，已写入 %s\n", sum.Rows, sum.Total.Grouped(), clean(where))
}

// outputError says whether err is the output file's: it could not be
// created, written or put in place (a missing folder, no permission, a full
// disk), rather than the history's.
func outputError(err error) bool {
	var pe *fs.PathError
	var le *os.LinkError
	return errors.As(err, &pe) || errors.As(err, &le)
}
