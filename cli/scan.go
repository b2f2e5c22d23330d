package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/infile"
	"github.com/fapiaoscanner/fapiao/core/membudget"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"scan", "read the QR codes of invoice files (images, PDF, OFD, XML) and folders, and check every invoice",
		"[--json] [--workers N] [--budget DURATION] [--no-ocr] [--save [--db PATH]] [--sm4-key K --sm2-pub P] PATH...", runScan})
}

func runScan(e *env, args []string) int {
	fs := e.flags("scan")
	asJSON := fs.Bool("json", false, "print one JSON object per file, one per line (docs/cli-json.md)")
	workers := fs.Int("workers", 0, "files decoded at once (default: all cores)")
	budget := fs.Duration("budget", 0, "work allowed for one image, as the time a reference core takes (default 3s); the same on any machine")
	noOCR := fs.Bool("no-ocr", false, "do not read the printed values of pictures by OCR (faster; they are left to be typed)")
	save := fs.Bool("save", false, "record every file and invoice in the history, flagging duplicates")
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	keys := e.keyFlags(fs)
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		return e.usageError("scan", "no file or folder given")
	}
	kr, err := keys()
	if err != nil {
		return e.usageError("scan", "%v", err)
	}
	files, err := scan.Expand(fs.Args())
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao scan: %s\n", errText(err))
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// A team's server that cannot be reached does not stop the scan: the
	// files are kept in this machine's outbox (exit code 3).
	var rec scan.Recorder
	var team *outbox.Team
	if *save {
		st, code := e.openHistory("scan", *db, store.AllowOffline())
		if st == nil {
			return code
		}
		defer st.Close()
		rec = st
		if st.Shared() {
			if team, code = e.openTeam(ctx, "scan", st); team == nil {
				return code
			}
			defer team.Close()
			rec = team
		}
	}
	given := map[string]bool{}
	for _, a := range fs.Args() {
		given[a] = true
	}
	queued := 0
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s := &scan.Scanner{Now: e.now, Budget: *budget, Keys: kr, NoOCR: *noOCR}
	progress := e.progress(len(files))
	unreadable := 0
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	s.Run(ctx, files, *workers, func(done int, r scan.FileResult) {
		if context.Cause(ctx) != nil {
			return // stopped: print nothing that was not recorded
		}
		progress(done)
		if r.Err != nil {
			unreadable++
		}
		if rec != nil {
			src := store.SourceFolder
			if given[r.File] {
				src = store.SourceFile
			}
			if err := scan.Save(ctx, rec, src, &r); err != nil {
				// Stop rather than go on unrecorded: what was printed so
				// far is on disk, the rest can be scanned again.
				cancel(err)
				return
			}
			if r.Queued {
				queued++
			}
		}
		if *asJSON {
			if err := enc.Encode(r); err != nil {
				fmt.Fprintf(e.stderr, "fapiao scan: %s\n", errText(err))
			}
			return
		}
		e.writeScanHuman(r)
	})
	progress(-1)
	if err := context.Cause(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(e.stderr, "fapiao scan: interrupted")
		} else {
			fmt.Fprintf(e.stderr, "fapiao scan: stopped: %s\n", errText(err))
		}
		return exitFail
	}
	if unreadable > 0 {
		fmt.Fprintf(e.stderr, "fapiao scan: %d of %d files could not be read\n", unreadable, len(files))
		return exitFail
	}
	if queued > 0 {
		e.queuedNote("scan", fmt.Sprintf("%d 个文件", queued), fmt.Sprintf("%d files", queued), team)
		return exitQueued
	}
	return exitOK
}

func (e *env) writeScanHuman(r scan.FileResult) {
	switch {
	case r.Err != nil:
		fmt.Fprintf(e.stdout, "%s: %s\n\n", clean(r.File), clean(fileError(r.Err, e.lang)))
		return
	case len(r.Codes) == 0 && len(r.Invoices) == 0:
		msg := "未找到二维码"
		if e.lang == "en" {
			msg = "no QR code found"
		}
		fmt.Fprintf(e.stdout, "%s: %s (%d ms)\n\n", clean(r.File), msg, r.Ms)
		return
	}
	fmt.Fprintf(e.stdout, "%s (%d ms)\n", clean(r.File), r.Ms)
	for _, inv := range r.Invoices {
		switch {
		case inv.QR != nil:
			writeHuman(e.stdout, inv.QR, e.lang)
		case inv.Printed != nil:
			e.writePrinted(inv.Printed)
		}
		// Findings beyond the QR's own: the comparison with the printed
		// values and what the history knows.
		for _, f := range inv.Findings {
			if inv.QR == nil || !hasFinding(inv.QR.Findings, f) {
				writeFinding(e.stdout, f, e.lang)
			}
		}
	}
	if n := len(r.Invoices); n > 0 && r.Invoices[n-1].QR == nil {
		fmt.Fprintln(e.stdout)
	}
	for _, c := range r.Codes {
		if !isInvoiceText(r, c.Text) {
			fmt.Fprintf(e.stdout, "  QR: %q\n", c.Text)
		}
	}
}

// writePrinted shows an invoice that has no QR code by its printed values.
func (e *env) writePrinted(p *document.Printed) {
	l := labels[e.lang]
	fmt.Fprintf(e.stdout, "  %s\n", e.pick("（无二维码，票面信息）", "(no QR code; printed values)"))
	for _, kv := range [][2]string{{"code", p.Code}, {"number", p.Number}, {"date", p.Date}, {"total", p.Total}, {"seller", p.SellerTaxID}} {
		if kv[1] != "" {
			fmt.Fprintf(e.stdout, "  %-*s %s\n", labelWidth(e.lang, l[kv[0]]), l[kv[0]], clean(kv[1]))
		}
	}
}

// fileError is why a file could not be read, in the clerk's language: the
// kind in Chinese before the English detail, or the detail alone in English.
func fileError(err error, lang string) string {
	if lang == "en" {
		return err.Error()
	}
	kinds := []struct {
		is []error
		zh string
	}{
		{[]error{infile.ErrNotRegular}, "不是普通文件（管道、设备或文件夹），未读取"},
		{[]error{fs.ErrNotExist}, "文件不存在"},
		{[]error{fs.ErrPermission}, "无权读取此文件"},
		{[]error{document.ErrCorrupt, imaging.ErrCorrupt}, "文件已损坏或不完整"},
		{[]error{document.ErrTooLarge, imaging.ErrTooLarge, infile.ErrTooLarge, membudget.ErrTooLarge}, "文件过大，超出可读取的限度"},
		{[]error{document.ErrEncrypted}, "文件有密码保护"},
		{[]error{document.ErrUnsafe}, "文件内容不安全，未读取"},
		{[]error{document.ErrNotInvoice}, "文件中未找到发票"},
		{[]error{document.ErrTimeout}, "读取超时"},
		{[]error{document.ErrUnsupported, imaging.ErrUnsupported}, "不支持的文件格式"},
	}
	for _, k := range kinds {
		for _, target := range k.is {
			if errors.Is(err, target) {
				return k.zh + "（" + err.Error() + "）"
			}
		}
	}
	return "无法读取（" + err.Error() + "）"
}

func hasFinding(fs []finding.Finding, f finding.Finding) bool {
	for _, g := range fs {
		if g.Code == f.Code && g.Message == f.Message {
			return true
		}
	}
	return false
}

func isInvoiceText(r scan.FileResult, text string) bool {
	for _, inv := range r.Invoices {
		if inv.QR != nil && inv.QR.Raw == text {
			return true
		}
	}
	return false
}

// progress returns a function that shows done/total on stderr when stderr is
// a terminal (at most 10 times a second); -1 ends the line.
func (e *env) progress(total int) func(done int) {
	f, ok := e.stderr.(*os.File)
	if !ok {
		return func(int) {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func(int) {}
	}
	var last time.Time
	return func(done int) {
		if done < 0 {
			fmt.Fprint(f, "\r\033[K")
			return
		}
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(f, "\r%d/%d", done, total)
	}
}
