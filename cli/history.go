package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"history", "list and search the invoice history, newest first",
		"[--json [--full]] [--limit N] [--from DATE] [--to DATE] [--state S] [--seller TEXT] [--type CODE] [--findings error|warning|any] [--clerk NAME] [--db PATH] [TEXT]\n       history migrate --from FILE --to postgres://USER@HOST/DB [--json]\n       history send [--db postgres://USER@HOST/DB] [--json]",
		runHistory})
}

func runHistory(e *env, args []string) int {
	if len(args) > 0 && args[0] == "migrate" {
		return runHistoryMigrate(e, args[1:])
	}
	if len(args) > 0 && args[0] == "send" {
		return runHistorySend(e, args[1:])
	}
	fs := e.flags("history")
	asJSON := fs.Bool("json", false, "print one JSON object per invoice, one per line (docs/cli-json.md)")
	full := fs.Bool("full", false, "with --json: each invoice with its sightings, the values read and typed, notes, verifications and checks")
	limit := fs.Int("limit", 50, "show at most `N` invoices, newest first; 0 shows all")
	ff := addFilterFlags(fs)
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) > 1 {
		return e.usageError("history", "give at most one search TEXT (quote it if it has spaces)")
	}
	if *limit < 0 {
		return e.usageError("history", "--limit must be 0 or more")
	}
	f, err := ff.filter()
	if err != nil {
		return e.usageError("history", "%v", err)
	}
	if len(pos) == 1 {
		if f.Query != "" {
			return e.usageError("history", "give the search TEXT or --query, not both")
		}
		f.Query = pos[0]
	}
	s, code := e.openHistory("history", *db)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx, stop := interruptible()
	defer stop()

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	shown := 0
	emit := func(inv *store.Invoice) error {
		shown++
		if *asJSON {
			if *full {
				var err error
				if inv, err = s.Get(ctx, inv.ID); err != nil {
					return err
				}
			}
			b, err := json.Marshal(inv)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(out, "%s\n", b)
			return err
		}
		writeInvoiceLine(out, inv, e.lang)
		return nil
	}
	// Page by page, newest first; --limit 0 pages through everything.
	f.Limit = 500
	if *limit > 0 {
		f.Limit = min(*limit, 500)
	}
	for err == nil {
		var p store.Page
		if p, err = s.Search(ctx, f); err != nil {
			break
		}
		for i := range p.Invoices {
			if *limit > 0 && shown == *limit {
				break
			}
			if err = emit(&p.Invoices[i]); err != nil {
				break
			}
		}
		if p.Next == 0 || (*limit > 0 && shown == *limit) {
			break
		}
		f.Before = p.Next
	}
	if err != nil {
		out.Flush()
		return e.historyError("history", err)
	}
	if !*asJSON {
		total, err := s.Count(ctx, f)
		if err != nil {
			out.Flush()
			return e.historyError("history", err)
		}
		out.Flush()
		writeHistoryFooter(e.stderr, shown, total, e.lang)
	}
	return exitOK
}

var historyLabels = map[string]map[string]string{
	"zh": {"none": "（历史中没有符合条件的发票）", "count": "共 %d 张", "shown": "，显示最新 %d 张（--limit 可调整）",
		"problems": "问题", "first": "首次", "times": "共出现%d次"},
	"en": {"none": "(no invoice in the history matches)", "count": "%d invoices", "shown": ", showing the newest %d (see --limit)",
		"problems": "findings", "first": "first seen", "times": "seen %d times"},
}

var severityLabels = map[string]map[finding.Severity]string{
	"zh": {finding.Error: "错误", finding.Warning: "警告", finding.Info: "提示"},
	"en": {finding.Error: "error", finding.Warning: "warning", finding.Info: "info"},
}

var stateLabelsEn = map[store.State]string{
	store.StateNew: "new", store.StateLocked: "locked", store.StateReimbursed: "reimbursed",
	store.StateVoided: "voided", store.StateRedReversed: "red-reversed",
}

// writeInvoiceLine prints one invoice on one line:
// identity, date, total, seller, state, findings, first seen.
func writeInvoiceLine(w io.Writer, inv *store.Invoice, lang string) {
	l := historyLabels[lang]
	total := "-"
	switch {
	case inv.Total != nil:
		total = "¥" + inv.Total.Grouped()
	case inv.Amount != nil:
		total = "¥" + inv.Amount.Grouped() + "*"
	}
	date := inv.Date
	if date == "" {
		date = "----------"
	}
	seller := inv.SellerName
	if seller == "" {
		seller = inv.SellerTaxID
	}
	if seller == "" {
		seller = "-"
	}
	state := inv.StateName
	if lang == "en" {
		state = stateLabelsEn[inv.State]
	}
	fmt.Fprintf(w, "%-22s %s %14s  %s  [%s]", clean(inv.Identity), clean(date), total, clean(seller), state)
	if len(inv.Findings) > 0 {
		counts := map[finding.Severity]int{}
		for _, f := range inv.Findings {
			counts[f.Severity]++
		}
		fmt.Fprintf(w, "  %s:", l["problems"])
		for _, sev := range []finding.Severity{finding.Error, finding.Warning, finding.Info} {
			if counts[sev] > 0 {
				fmt.Fprintf(w, " %s %d", severityLabels[lang][sev], counts[sev])
			}
		}
	}
	where := inv.FirstSeen.File
	if where == "" {
		where = string(inv.FirstSeen.Source)
	} else {
		where = filepath.Base(where)
	}
	fmt.Fprintf(w, "  %s %s %s", l["first"], inv.FirstSeen.At.Local().Format("2006-01-02 15:04"), clean(where))
	if inv.Seen > 1 {
		fmt.Fprintf(w, " ("+l["times"]+")", inv.Seen)
	}
	fmt.Fprintln(w)
}

func writeHistoryFooter(w io.Writer, shown, total int, lang string) {
	l := historyLabels[lang]
	if total == 0 {
		fmt.Fprintln(w, l["none"])
		return
	}
	fmt.Fprintf(w, l["count"], total)
	if shown < total {
		fmt.Fprintf(w, l["shown"], shown)
	}
	fmt.Fprintln(w)
}
