package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"

	"github.com/fapiaoscanner/fapiao/core/gateway"
)

func init() {
	register(command{"rebill", "ask the fw199 gateway to issue a failed invoice again (Nuonuo re-billing)",
		"--orderno N --tax-num T [--endpoint URL] [--json]", runRebill})
}

func runRebill(e *env, args []string) int {
	fs := e.flags("rebill")
	order := fs.String("orderno", "", "the order number of the original issuing request")
	taxNum := fs.String("tax-num", "", "the seller's tax number")
	endpoint := fs.String("endpoint", gateway.DefaultEndpoint, "the gateway's re-billing URL")
	asJSON := fs.Bool("json", false, "print the outcome as one JSON object")
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if *order == "" || *taxNum == "" {
		return e.usageError("rebill", "--orderno and --tax-num are required")
	}
	if fs.NArg() > 0 {
		return e.usageError("rebill", "unexpected argument %q", fs.Arg(0))
	}
	creds := gateway.Credentials{AppID: os.Getenv("FAPIAO_FW199_APPID"), Secret: os.Getenv("FAPIAO_FW199_SECRET")}
	if creds.AppID == "" || creds.Secret == "" {
		return e.usageError("rebill", "gateway credentials missing: set FAPIAO_FW199_APPID and FAPIAO_FW199_SECRET")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c := &gateway.Client{Endpoint: *endpoint, Creds: creds}
	r, err := c.Rebill(ctx, *order, *taxNum)
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao rebill: %v\n", err)
		return exitUsage
	}
	if *asJSON {
		b, _ := json.Marshal(r)
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		fmt.Fprintf(e.stdout, "%s (code %d): %s\n", rebillLabel(r.Status, e.lang), r.Code, r.Message)
		if r.InvoiceNo != "" {
			fmt.Fprintf(e.stdout, "  发票号码 %s\n  PDF %s\n", r.InvoiceNo, r.InvoiceDownURL)
		}
		if r.Attempts > 1 {
			fmt.Fprintf(e.stdout, "  (sent %d times: the gateway did not answer at first)\n", r.Attempts)
		}
	}
	if r.Status == gateway.Failed {
		return exitFail
	}
	return exitOK
}

func rebillLabel(s gateway.Status, lang string) string {
	zh := map[gateway.Status]string{gateway.Accepted: "已受理重试", gateway.Issued: "发票已开具", gateway.InProgress: "开票中", gateway.Failed: "重试失败"}
	if lang == "en" {
		return string(s)
	}
	return zh[s]
}
