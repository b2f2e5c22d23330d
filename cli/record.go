package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"record", "check, and with --save record, an invoice typed from the paper: its QR code cannot be read, or there is no file",
		"--type T --number N --date D (--amount A | --total T) [--code C] [--check-code C] [--seller-tax-id ID] [--seller NAME] " +
			"[--buyer-tax-id ID] [--buyer NAME] [--tax T] [--file PATH] [--json] [--save [--db PATH] [--clerk NAME]]", runRecord})
}

// recordFlags are the flags of `fapiao record`, each a history key.
var recordFlags = []struct{ name, key, usage string }{
	{"type", store.PrintedKind, "invoice type code: " + strings.Join(payload.TypeCodes(), ", ") + " (01 专票, 04 普票, 10 电子普票, 31/32 数电专票/普票 …)"},
	{"code", store.PrintedCode, "发票代码, 10 or 12 digits (none for 数电)"},
	{"number", store.PrintedNumber, "发票号码, 8 digits, or 20 for 数电"},
	{"date", store.PrintedDate, "开票日期: 2024-05-14, 20240514 or 2024年5月14日"},
	{"amount", store.PrintedAmount, "金额 before tax"},
	{"tax", store.PrintedTax, "税额"},
	{"total", store.PrintedTotal, "价税合计, including tax"},
	{"check-code", store.PrintedCheckCode, "校验码: its 20 digits or the last 6 (what 查验 of an ordinary invoice needs)"},
	{"seller-tax-id", store.PrintedSellerTaxID, "销售方纳税人识别号"},
	{"seller", store.PrintedSellerName, "销售方名称"},
	{"buyer-tax-id", store.PrintedBuyerTaxID, "购买方纳税人识别号"},
	{"buyer", store.PrintedBuyerName, "购买方名称"},
}

func runRecord(e *env, args []string) int {
	fs := e.flags("record")
	values := map[string]*string{}
	for _, f := range recordFlags {
		values[f.key] = fs.String(f.name, "", f.usage)
	}
	file := fs.String("file", "", "the invoice's file whose QR code cannot be read (kept with the record, as a scan's)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object, as 'fapiao scan --json' prints a file (docs/cli-json.md)")
	save := fs.Bool("save", false, "record the invoice in the history, flagging it as a duplicate when it was seen (scanned or typed) before")
	clerk := fs.String("clerk", "", "who typed it (default: the clerk set with 'fapiao clerk', else the login name)")
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return e.usageError("record", "unexpected argument %q: every value is a flag", fs.Arg(0))
	}
	typed := map[string]string{}
	for k, v := range values {
		if *v != "" {
			typed[k] = *v
		}
	}
	if !*save {
		// Checked only: what the history would refuse, and what it would find.
		_, found := store.CheckEntry(typed, e.now())
		if e.writeEntryFindings(found) {
			return exitFail
		}
		fmt.Fprintln(e.stdout, e.pick("可以记录：加 --save 记入历史", "can be recorded: add --save to record it"))
		return exitOK
	}
	// As with 'fapiao scan --save', a team's server that cannot be reached
	// does not lose what was typed: it is kept in this machine's outbox
	// (exit code 3) and sent later.
	st, code := e.openHistory("record", *db, store.AllowOffline())
	if st == nil {
		return code
	}
	defer st.Close()
	ctx, stop := interruptible()
	defer stop()
	var rec scan.Recorder = st
	var team *outbox.Team
	if st.Shared() {
		if team, code = e.openTeam(ctx, "record", st); team == nil {
			return code
		}
		defer team.Close()
		rec = team
	}
	r, err := scan.Typed(ctx, rec, st, e.now(), *file, typed, *clerk)
	var ee *store.EntryError
	if errors.As(err, &ee) {
		e.writeEntryFindings(ee.Findings)
		return exitFail
	}
	if err != nil {
		return e.historyError("record", err)
	}
	done := exitOK
	if r.Queued {
		e.queuedNote("record", "录入的发票", "the invoice typed", team)
		done = exitQueued
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(e.stderr, "fapiao record: %s\n", errText(err))
			return exitFail
		}
		return done
	}
	inv := r.Invoices[0]
	if r.Queued {
		fmt.Fprintln(e.stdout, e.pick("已保存在本机，待发送到团队服务器", "kept on this machine, to be sent to the team server"))
		return done
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", clean(inv.Recorded.Identity), e.pick("已按录入值记录", "recorded as typed"))
	for _, f := range inv.Findings {
		writeFinding(e.stdout, f, e.lang)
	}
	return done
}

// writeEntryFindings lists what was found in values typed, errors first,
// and says whether an error keeps them from being recorded.
func (e *env) writeEntryFindings(fs []finding.Finding) (refused bool) {
	errs := store.OpenErrors(fs)
	for _, f := range errs {
		writeFinding(e.stderr, f, e.lang)
	}
	if len(errs) > 0 {
		fmt.Fprintf(e.stderr, "fapiao record: %s\n", e.pick(fmt.Sprintf("未记录：%d 处错误", len(errs)),
			fmt.Sprintf("not recorded: %d errors", len(errs))))
	}
	for _, f := range fs {
		if f.Severity != finding.Error {
			writeFinding(e.stdout, f, e.lang)
		}
	}
	return len(errs) > 0
}
