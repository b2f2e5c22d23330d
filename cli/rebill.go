package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/rebill"
	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"rebill", "ask the fw199 gateway to issue a failed invoice again (Nuonuo re-billing), recorded in the history",
		"--orderno N --tax-num T [--endpoint URL] [--json] [--db PATH]", runRebill})
	register(command{"orders", "list the re-billing orders in the history with every attempt",
		"[--json] [--db PATH]", runOrders})
}

// rebillJSON is the --json answer: the gateway's outcome (docs/cli-json.md)
// and what the history made of it.
type rebillJSON struct {
	gateway.Result
	Error     string `json:"error,omitempty"`
	OrderID   int64  `json:"order_id"`
	AttemptID int64  `json:"attempt_id"`
	PDF       string `json:"pdf,omitempty"`
	PDFFile   string `json:"pdf_file,omitempty"`
	InvoiceID int64  `json:"invoice_id,omitempty"`
}

func runRebill(e *env, args []string) int {
	fs := e.flags("rebill")
	order := fs.String("orderno", "", "the order number of the original issuing request")
	taxNum := fs.String("tax-num", "", "the seller's tax number")
	endpoint := fs.String("endpoint", "", "the gateway's re-billing URL (default from the settings, else "+gateway.DefaultEndpoint+")")
	asJSON := fs.Bool("json", false, "print the outcome as one JSON object")
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if *order == "" || *taxNum == "" {
		return e.usageError("rebill", "--orderno and --tax-num are required")
	}
	if fs.NArg() > 0 {
		return e.usageError("rebill", "unexpected argument %q", fs.Arg(0))
	}
	if *endpoint != "" {
		if err := gateway.CheckEndpoint(*endpoint); err != nil {
			return e.usageError("rebill", "--endpoint %v", err)
		}
	}
	st, code := e.openHistory("rebill", *db)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx, stop := interruptible()
	defer stop()
	creds, url, err := config.Gateway(ctx, st, e.secrets(st))
	if err != nil {
		if errors.Is(err, config.ErrNoGateway) {
			return e.usageError("rebill", "gateway credentials missing: %v", err)
		}
		fmt.Fprintf(e.stderr, "fapiao rebill: %s\n", errText(err))
		return exitUsage
	}
	if *endpoint != "" {
		url = *endpoint
	}
	svc := &rebill.Service{Store: st, Client: &gateway.Client{Endpoint: url, Creds: creds}}
	out, err := svc.Retry(ctx, *order, *taxNum, "")
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao rebill: %s\n", errText(err))
		return exitUsage
	}
	if *asJSON {
		j := rebillJSON{Result: out.Result, OrderID: out.Order.ID, AttemptID: out.Attempt.ID,
			PDF: out.Attempt.PDF, InvoiceID: out.Attempt.InvoiceID}
		if out.Err != nil {
			j.Status, j.Error = "error", out.Err.Error()
		}
		if out.PDF != nil {
			j.PDFFile = out.PDF.File
		}
		b, _ := json.Marshal(j)
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		e.printOutcome(out)
	}
	switch {
	case out.Err != nil:
		if !*asJSON {
			fmt.Fprintf(e.stderr, "fapiao rebill: %s (recorded as attempt %d)\n", errText(out.Err), out.Attempt.ID)
		}
		return exitUsage
	case out.Result.Status == gateway.Failed:
		return exitFail
	}
	return exitOK
}

func (e *env) printOutcome(out rebill.Outcome) {
	r := out.Result
	if out.Err != nil {
		return
	}
	fmt.Fprintf(e.stdout, "%s (code %d): %s\n", rebillLabel(string(r.Status), e.lang), r.Code, clean(r.Message))
	if r.InvoiceNo != "" {
		fmt.Fprintf(e.stdout, "  %s %s\n  PDF %s\n", e.pick("发票号码", "invoice number"), clean(r.InvoiceNo), clean(r.InvoiceDownURL))
	}
	switch {
	case out.PDFErr != nil:
		fmt.Fprintf(e.stdout, "  %s: %s\n", e.pick("PDF 未能读取", "PDF not read"), errText(out.PDFErr))
	case out.PDF != nil:
		fmt.Fprintf(e.stdout, "  %s %s (%s %d)\n", e.pick("已读取并记入历史", "read and recorded:"), clean(out.PDF.File),
			e.pick("发票", "invoice"), out.Attempt.InvoiceID)
	case out.Attempt.PDF != "":
		fmt.Fprintf(e.stdout, "  PDF: %s\n", clean(out.Attempt.PDF))
	}
	if r.Attempts > 1 {
		fmt.Fprintf(e.stdout, "  (%s)\n", fmt.Sprintf(e.pick("共发送 %d 次：网关起初未应答", "sent %d times: the gateway did not answer at first"), r.Attempts))
	}
}

func (e *env) pick(zh, en string) string {
	if e.lang == "en" {
		return en
	}
	return zh
}

func rebillLabel(status, lang string) string {
	zh := map[string]string{"accepted": "已受理重试", "issued": "发票已开具", "in_progress": "开票中",
		"failed": "重试失败", "error": "网关无应答"}
	if lang == "en" || zh[status] == "" {
		return status
	}
	return zh[status]
}

// ordersJSON is one line of `orders --json`.
type ordersJSON struct {
	store.Order
	History []store.Attempt `json:"history"`
}

func runOrders(e *env, args []string) int {
	fs := e.flags("orders")
	asJSON := fs.Bool("json", false, "print one JSON object per order, one per line, with its attempts")
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return e.usageError("orders", "unexpected argument %q", pos[0])
	}
	st, code := e.openHistory("orders", *db)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx, stop := interruptible()
	defer stop()
	list, err := st.Orders(ctx)
	if err != nil {
		return e.historyError("orders", err)
	}
	for _, o := range list {
		atts, err := st.Attempts(ctx, o.ID)
		if err != nil {
			return e.historyError("orders", err)
		}
		if *asJSON {
			b, err := json.Marshal(ordersJSON{o, atts})
			if err != nil {
				return e.historyError("orders", err)
			}
			fmt.Fprintf(e.stdout, "%s\n", b)
			continue
		}
		fmt.Fprintf(e.stdout, "%s  %s  %s  %s %s\n", clean(o.OrderNo), clean(o.TaxNum), clean(rebillLabel(o.Status, e.lang)),
			clean(o.InvoiceNo), clean(o.Message))
		for _, a := range atts {
			fmt.Fprintf(e.stdout, "    %s  %-8s %-12s code %-5d %s%s\n", a.At.Local().Format("2006-01-02 15:04:05"),
				clean(a.Clerk), clean(rebillLabel(a.Status, e.lang)), a.Code, clean(firstOf(a.Message, a.Error)), clean(pdfNote(a.PDF)))
		}
	}
	return exitOK
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func pdfNote(p string) string {
	if p == "" {
		return ""
	}
	return "  [PDF: " + p + "]"
}
