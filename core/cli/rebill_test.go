package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/gateway"
)

func TestRebillCommand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p := map[string]string{}
		for k := range r.PostForm {
			p[k] = r.PostForm.Get(k)
		}
		switch {
		case gateway.Sign(p, "sec") != p["sign"]:
			fmt.Fprint(w, `{"code":9002,"message":"签名错误"}`)
		case strings.Contains(p["request_data"], "A1"):
			fmt.Fprint(w, `{"code":100,"message":"发票已经生成","invoice_no":"24312000000136634917","invoice_down_url":"http://x/y.pdf"}`)
		default:
			fmt.Fprint(w, `{"code":7,"message":"失败"}`)
		}
	}))
	defer srv.Close()
	t.Setenv("FAPIAO_FW199_APPID", "app")
	t.Setenv("FAPIAO_FW199_SECRET", "sec")
	code, out, errs := run(t, "", "rebill", "--orderno", "A1", "--tax-num", "91310117568051223X", "--endpoint", srv.URL, "--json")
	var r map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r["status"] != "issued" || r["invoice_no"] != "24312000000136634917" {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if code, out, _ := run(t, "", "rebill", "--orderno", "B2", "--tax-num", "T", "--endpoint", srv.URL, "--json"); code != 1 || !strings.Contains(out, `"failed"`) {
		t.Errorf("failed: exit %d %s", code, out)
	}
	srv.Close()
	if code, _, _ := run(t, "", "rebill", "--orderno", "A1", "--tax-num", "T", "--endpoint", srv.URL); code != 2 {
		t.Errorf("unreachable: exit %d, want 2", code)
	}
	t.Setenv("FAPIAO_FW199_SECRET", "")
	if code, _, errs := run(t, "", "rebill", "--orderno", "A1", "--tax-num", "T"); code != 2 || !strings.Contains(errs, "FAPIAO_FW199_SECRET") {
		t.Errorf("no credentials: exit %d %s", code, errs)
	}
}
