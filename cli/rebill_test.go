package cli

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

func TestRebillCommand(t *testing.T) {
	pdf, err := os.ReadFile(shared.Path(t, "corpus/real/pdf/Caisin__fapiao-print__7.22底座.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&gatewaytest.Handler{Secret: "sec", AppID: "app", PDF: pdf, InvoiceNo: "25322000000337005189"})
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "history.db")
	t.Setenv("FAPIAO_SECRETS", "file")
	t.Setenv("FAPIAO_FW199_APPID", "app")
	t.Setenv("FAPIAO_FW199_SECRET", "sec")
	code, out, errs := run(t, "", "rebill", "--orderno", "I1", "--tax-num", "91310117568051223X", "--endpoint", srv.URL+"/rebill", "--json", "--db", db)
	var r map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r["status"] != "issued" || r["invoice_no"] != "25322000000337005189" ||
		r["pdf"] != "scanned" || r["invoice_id"] == nil {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if code, out, _ := run(t, "", "rebill", "--orderno", "F2", "--tax-num", "T", "--endpoint", srv.URL+"/rebill", "--json", "--db", db); code != 1 || !strings.Contains(out, `"failed"`) {
		t.Errorf("failed: exit %d %s", code, out)
	}
	// Wrong secret: the gateway refuses the signature, a failure it reports.
	t.Setenv("FAPIAO_FW199_SECRET", "wrong")
	if code, out, _ := run(t, "", "rebill", "--orderno", "I1", "--tax-num", "T", "--endpoint", srv.URL+"/rebill", "--db", db); code != 1 || !strings.Contains(out, "签名错误") {
		t.Errorf("bad signature: exit %d %s", code, out)
	}
	t.Setenv("FAPIAO_FW199_SECRET", "sec")
	srv.Close()
	if code, _, errs := run(t, "", "rebill", "--orderno", "I1", "--tax-num", "T", "--endpoint", srv.URL+"/rebill", "--db", db); code != 2 || !strings.Contains(errs, "recorded as attempt") {
		t.Errorf("unreachable: exit %d %s, want 2", code, errs)
	}
	// Every attempt is in the history, the issued one with its invoice.
	code, out, errs = run(t, "", "orders", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("orders: exit %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("orders: %d lines:\n%s", len(lines), out)
	}
	byOrder := map[string]map[string]any{}
	for _, l := range lines {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		byOrder[o["order_no"].(string)+"/"+o["tax_num"].(string)] = o
	}
	a1 := byOrder["I1/91310117568051223X"]
	if a1 == nil || a1["status"] != "issued" || a1["invoice_id"] == nil || len(a1["history"].([]any)) != 1 {
		t.Errorf("order I1: %v", a1)
	}
	if at := byOrder["I1/T"]; at == nil || at["status"] != "error" || len(at["history"].([]any)) != 2 {
		t.Errorf("order I1/T: %v", at)
	}
	if code, out, _ := run(t, "", "orders", "--db", db, "--lang", "zh"); code != 0 || !strings.Contains(out, "发票已开具") || !strings.Contains(out, "网关无应答") {
		t.Errorf("orders listing: %s", out)
	}

	t.Setenv("FAPIAO_FW199_SECRET", "")
	if code, _, errs := run(t, "", "rebill", "--orderno", "I1", "--tax-num", "T", "--db", db); code != 2 || !strings.Contains(errs, "FAPIAO_FW199_SECRET") {
		t.Errorf("no credentials: exit %d %s", code, errs)
	}
}

// --endpoint and $FAPIAO_FW199_ENDPOINT are checked as the settings check
// the URL: a file:// URL is a usage error, and nothing is sent nor
// recorded (every attempt sent is recorded, as TestRebill shows).
func TestRebillBadEndpoint(t *testing.T) {
	db := filepath.Join(t.TempDir(), "history.db")
	t.Setenv("FAPIAO_SECRETS", "file")
	t.Setenv("FAPIAO_FW199_APPID", "app")
	t.Setenv("FAPIAO_FW199_SECRET", "sec")
	code, _, errs := run(t, "", "rebill", "--orderno", "I1", "--tax-num", "T", "--endpoint", "file:///etc/passwd", "--db", db)
	if code != exitUsage || !strings.Contains(errs, "--endpoint") || !strings.Contains(errs, "http:// or https://") {
		t.Errorf("--endpoint: exit %d %s", code, errs)
	}
	t.Setenv("FAPIAO_FW199_ENDPOINT", "ftp://kf.fw199.com/x")
	code, _, errs = run(t, "", "rebill", "--orderno", "I1", "--tax-num", "T", "--db", db)
	if code != exitUsage || !strings.Contains(errs, "FAPIAO_FW199_ENDPOINT") {
		t.Errorf("$FAPIAO_FW199_ENDPOINT: exit %d %s", code, errs)
	}
	if _, out, _ := run(t, "", "orders", "--json", "--db", db); strings.TrimSpace(out) != "" {
		t.Errorf("an attempt was recorded: %s", out)
	}
}
