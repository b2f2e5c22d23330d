package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/fapiaoscanner/fapiao/core/scan"
)

func init() {
	register(command{"scan", "read the QR codes of image files and folders and check every invoice",
		"[--json] [--workers N] [--budget DURATION] [--sm4-key K --sm2-pub P] PATH...", runScan})
}

func runScan(e *env, args []string) int {
	fs := e.flags("scan")
	asJSON := fs.Bool("json", false, "print one JSON object per file, one per line (docs/cli-json.md)")
	workers := fs.Int("workers", 0, "files decoded at once (default: all cores)")
	budget := fs.Duration("budget", 0, "time allowed for one image (default 3s)")
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
		fmt.Fprintf(e.stderr, "fapiao scan: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s := &scan.Scanner{Now: e.now, Budget: *budget, Keys: kr}
	progress := e.progress(len(files))
	unreadable := 0
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	s.Run(ctx, files, *workers, func(done int, r scan.FileResult) {
		progress(done)
		if r.Err != nil {
			unreadable++
		}
		if *asJSON {
			if err := enc.Encode(r); err != nil {
				fmt.Fprintf(e.stderr, "fapiao scan: %v\n", err)
			}
			return
		}
		e.writeScanHuman(r)
	})
	progress(-1)
	if ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "fapiao scan: interrupted")
		return exitFail
	}
	if unreadable > 0 {
		fmt.Fprintf(e.stderr, "fapiao scan: %d of %d files could not be read\n", unreadable, len(files))
		return exitFail
	}
	return exitOK
}

func (e *env) writeScanHuman(r scan.FileResult) {
	switch {
	case r.Err != nil:
		fmt.Fprintf(e.stdout, "%s: %s\n\n", r.File, r.Error)
		return
	case len(r.Codes) == 0:
		msg := "未找到二维码"
		if e.lang == "en" {
			msg = "no QR code found"
		}
		fmt.Fprintf(e.stdout, "%s: %s (%d ms)\n\n", r.File, msg, r.Ms)
		return
	}
	fmt.Fprintf(e.stdout, "%s (%d ms)\n", r.File, r.Ms)
	for _, inv := range r.Invoices {
		writeHuman(e.stdout, inv.QR, e.lang)
	}
	for _, c := range r.Codes {
		if !isInvoiceText(r, c.Text) {
			fmt.Fprintf(e.stdout, "  QR: %q\n", c.Text)
		}
	}
}

func isInvoiceText(r scan.FileResult, text string) bool {
	for _, inv := range r.Invoices {
		if inv.QR.Raw == text {
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
