package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
)

// The tests' clock is 2026-11-22 (run): invoices of October can be checked.
const (
	vfTencentID  = "AKIDCLITEST0000000000000000000000000"
	vfTencentKey = "cli-tencent-secret-key-0042"
	vfBaiduKey   = "cli-baidu-api-key"
	vfBaiduSec   = "cli-baidu-secret-key-0042"
)

var (
	vfTaxControl = verifytest.Invoice{Type: "10", Code: "044031900111", Number: "12345678", Date: "2026-10-15",
		Amount: "100.00", Tax: "6.00", Total: "106.00", CheckCode: "80883429292637169951",
		SellerName: "深圳市示例科技有限公司", SellerTaxID: "91440300MA5EXAMPLE"}
	vfDigital = verifytest.Invoice{Type: "32", Number: "26442000000012345678", Date: "2026-10-15",
		Amount: "100.00", Tax: "6.00", Total: "106.00", SellerName: "广州示例餐饮有限公司", SellerTaxID: "91440101MA5DIGITAL"}
)

func vfPayload(inv verifytest.Invoice) string {
	amount := inv.Amount
	if inv.Digital() {
		amount = inv.Total
	}
	return fmt.Sprintf("01,%s,%s,%s,%s,%s,%s,", inv.Type, inv.Code, inv.Number, amount, strings.ReplaceAll(inv.Date, "-", ""), inv.CheckCode)
}

func vfWith(inv verifytest.Invoice, number string, status verifytest.Status) verifytest.Invoice {
	inv.Number, inv.Status = number, status
	return inv
}

// vfStandIn is a provider's stand-in, the environment pointing at it.
type vfStandIn struct {
	name string
	url  string
	add  func(...verifytest.Invoice)
	fail func(verifytest.Fault, int)
	reqs func() int
}

func vfEnv(t *testing.T) {
	t.Setenv("FAPIAO_SECRETS", "file")
	t.Setenv("FAPIAO_DB", filepath.Join(t.TempDir(), "default.db"))
	for _, v := range []string{"FAPIAO_TENCENT_SECRET_ID", "FAPIAO_TENCENT_SECRET_KEY", "FAPIAO_BAIDU_API_KEY",
		"FAPIAO_BAIDU_SECRET_KEY", "FAPIAO_VERIFY_ENDPOINT"} {
		t.Setenv(v, "")
	}
}

func vfStandIns(t *testing.T, invs ...verifytest.Invoice) []vfStandIn {
	return vfStandInsSigned(t, 0, invs...)
}

// vfStandInsSigned checks at the end that badly requests were badly signed.
func vfStandInsSigned(t *testing.T, badly int, invs ...verifytest.Invoice) []vfStandIn {
	vfEnv(t)
	t.Setenv("FAPIAO_TENCENT_SECRET_ID", vfTencentID)
	t.Setenv("FAPIAO_TENCENT_SECRET_KEY", vfTencentKey)
	t.Setenv("FAPIAO_BAIDU_API_KEY", vfBaiduKey)
	t.Setenv("FAPIAO_BAIDU_SECRET_KEY", vfBaiduSec)
	tc := verifytest.NewTencent(vfTencentID, vfTencentKey, invs...)
	bd := verifytest.NewBaidu(vfBaiduKey, vfBaiduSec, invs...)
	t.Cleanup(func() {
		tc.Close()
		bd.Close()
		if n := tc.BadlySigned(); n != badly {
			t.Errorf("%d requests badly signed, want %d", n, badly)
		}
	})
	return []vfStandIn{
		{"tencent", tc.URL, tc.Add, tc.Fail, tc.Requests},
		{"baidu", bd.URL, bd.Add, bd.Fail, bd.Requests},
	}
}

// vfRun runs verify --json against s and reads its lines.
func vfRun(t *testing.T, s vfStandIn, stdin string, args ...string) (int, []map[string]any, string) {
	t.Helper()
	args = append([]string{"verify", "--json", "--provider", s.name, "--endpoint", s.url}, args...)
	code, out, errs := run(t, stdin, args...)
	for _, text := range []string{out, errs} {
		if strings.Contains(text, vfTencentKey) || strings.Contains(text, vfBaiduSec) {
			t.Errorf("a secret was printed:\n%s", text)
		}
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %s", l)
		}
		lines = append(lines, m)
	}
	return code, lines, errs
}

// Every outcome with its exit code, for a 税控 and a 数电 invoice, through
// both providers.
func TestVerifyOutcomes(t *testing.T) {
	var invs []verifytest.Invoice
	for _, base := range []verifytest.Invoice{vfTaxControl, vfDigital} {
		n := base.Number[:len(base.Number)-1]
		invs = append(invs, base, vfWith(base, n+"1", verifytest.Voided), vfWith(base, n+"2", verifytest.RedFull),
			vfWith(base, n+"3", verifytest.Normal))
	}
	for _, s := range vfStandIns(t, invs...) {
		for _, base := range []verifytest.Invoice{vfTaxControl, vfDigital} {
			n := base.Number[:len(base.Number)-1]
			mismatch := vfWith(base, n+"3", "")
			mismatch.Total, mismatch.CheckCode = "107.00", "80883429292637000000"
			cases := []struct {
				name    string
				payload string
				status  string
				code    int
			}{
				{"authentic", vfPayload(base), "authentic", 0},
				{"voided", vfPayload(vfWith(base, n+"1", "")), "voided", 1},
				{"red", vfPayload(vfWith(base, n+"2", "")), "red_reversed", 1},
				{"not found", vfPayload(vfWith(base, n+"9", "")), "not_found", 1},
				{"mismatch", vfPayload(mismatch), "mismatch", 1},
			}
			for _, c := range cases {
				t.Run(s.name+" "+base.Type+" "+c.name, func(t *testing.T) {
					code, lines, errs := vfRun(t, s, "", c.payload)
					if code != c.code || len(lines) != 1 || lines[0]["status"] != c.status || lines[0]["provider"] != s.name ||
						lines[0]["request_id"] == "" {
						t.Fatalf("exit %d %v %s", code, lines, errs)
					}
					if c.status == "authentic" {
						off, _ := lines[0]["official"].(map[string]any)
						if off["seller_tax_id"] != base.SellerTaxID {
							t.Errorf("official: %v", lines[0]["official"])
						}
					}
				})
			}
		}
	}
}

func TestVerifyCannotCheck(t *testing.T) {
	for _, s := range vfStandIns(t, vfTaxControl, vfDigital) {
		t.Run(s.name, func(t *testing.T) {
			for _, c := range []struct {
				fault verifytest.Fault
				kind  string
			}{{verifytest.Quota, "quota"}, {verifytest.Malformed, "bad_answer"}, {verifytest.ServerError, "provider_down"},
				{verifytest.Redirect, "redirect"}} {
				s.fail(c.fault, 1)
				code, lines, errs := vfRun(t, s, "", vfPayload(vfDigital))
				if code != 2 || len(lines) != 1 || lines[0]["status"] != "error" || lines[0]["kind"] != c.kind {
					t.Errorf("%s: exit %d %v %s", c.fault, code, lines, errs)
				}
			}
			// Today's invoice waits, with a note; nothing is sent.
			today := vfTaxControl
			today.Date = "2026-11-22"
			before := s.reqs()
			code, lines, _ := vfRun(t, s, "", vfPayload(today))
			if code != 2 || lines[0]["kind"] != "too_early" || !strings.Contains(lines[0]["reason"].(string), "明天") || s.reqs() != before {
				t.Errorf("today: exit %d %v", code, lines)
			}
			code, out, _ := run(t, "", "verify", "--provider", s.name, "--endpoint", s.url, vfPayload(today))
			if code != 2 || !strings.Contains(out, "暂不查验") || !strings.Contains(out, "次日才能查验，请明天再查") {
				t.Errorf("today, for people: exit %d\n%s", code, out)
			}
			// A value missing: not sent, and the clerk is told which.
			noCheck := vfTaxControl
			noCheck.CheckCode = ""
			code, lines, _ = vfRun(t, s, "", vfPayload(noCheck))
			if code != 2 || lines[0]["kind"] != "missing" || fmt.Sprint(lines[0]["missing"]) != "[check_code]" || s.reqs() != before {
				t.Errorf("missing: exit %d %v", code, lines)
			}
			code, out, _ = run(t, "", "verify", "--provider", s.name, "--endpoint", s.url, vfPayload(noCheck))
			if code != 2 || !strings.Contains(out, "校验码后6位") || !strings.Contains(out, "请录入") {
				t.Errorf("missing, for people: exit %d\n%s", code, out)
			}
			// Neither a payload nor a file, and no history to look it up in,
			// which is not made for it.
			if code, lines, _ := vfRun(t, s, "", "hello"); code != 2 || lines[0]["kind"] != "input" ||
				!strings.Contains(lines[0]["reason"].(string), "no history") {
				t.Errorf("junk: exit %d %v", code, lines)
			}
			if _, err := os.Stat(os.Getenv("FAPIAO_DB")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a history was made: %v", err)
			}
		})
	}
}

// A verdict that fails the invoice wins over one that could not be had.
func TestVerifyExitPrecedence(t *testing.T) {
	voided := vfWith(vfTaxControl, "12345671", verifytest.Voided)
	s := vfStandIns(t, vfTaxControl, voided)[0]
	s.fail(verifytest.Quota, 1)
	code, lines, _ := vfRun(t, s, "", vfPayload(vfTaxControl), vfPayload(voided))
	if code != 1 || len(lines) != 2 || lines[0]["status"] != "error" || lines[1]["status"] != "voided" {
		t.Errorf("exit %d %v", code, lines)
	}
}

func TestVerifyWrongCredentials(t *testing.T) {
	for _, s := range vfStandInsSigned(t, 1, vfTaxControl) {
		t.Setenv("FAPIAO_TENCENT_SECRET_KEY", "wrong-key-000000000000000")
		t.Setenv("FAPIAO_BAIDU_SECRET_KEY", "wrong-secret-00000")
		code, lines, errs := vfRun(t, s, "", vfPayload(vfTaxControl))
		if code != 2 || len(lines) != 1 || lines[0]["kind"] != "auth" {
			t.Errorf("%s: exit %d %v %s", s.name, code, lines, errs)
		}
	}
}

func TestVerifyNotConfigured(t *testing.T) {
	vfEnv(t)
	code, _, errs := run(t, "", "verify", vfPayload(vfTaxControl))
	if code != 2 || !strings.Contains(errs, "设置 → 查验") || !strings.Contains(errs, "FAPIAO_TENCENT_SECRET_ID") {
		t.Errorf("exit %d %s", code, errs)
	}
	if code, _, errs := run(t, "", "verify", "--provider", "aliyun", vfPayload(vfTaxControl)); code != 2 || !strings.Contains(errs, "tencent or baidu") {
		t.Errorf("unknown provider: exit %d %s", code, errs)
	}
	if code, _, _ := run(t, "", "verify"); code != 2 {
		t.Errorf("no argument: exit %d", code)
	}
}

// With --save every answer is in the history; the 6th check of a day is
// refused before it is sent; an invoice given twice is checked once.
func TestVerifySaveAndLimit(t *testing.T) {
	for _, s := range vfStandIns(t, vfTaxControl, vfDigital) {
		t.Run(s.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "history.db")
			p := vfPayload(vfDigital)
			code, lines, errs := vfRun(t, s, "", "--db", db, p, p, "26442000000012345678")
			if code != 0 || len(lines) != 1 || lines[0]["status"] != "authentic" || lines[0]["check_id"] == nil ||
				lines[0]["invoice_id"] == nil || !strings.Contains(errs, "本批次不再查验") {
				t.Fatalf("exit %d %v %s", code, lines, errs)
			}
			for i := 2; i <= 5; i++ {
				// By its identity in the history, and from stdin.
				args := []string{"--db", db, "26442000000012345678"}
				stdin := ""
				if i%2 == 0 {
					args, stdin = []string{"--save", "-"}, p+"\n"
					t.Setenv("FAPIAO_DB", db)
				}
				if code, lines, errs := vfRun(t, s, stdin, args...); code != 0 || lines[0]["status"] != "authentic" {
					t.Fatalf("check %d: exit %d %v %s", i, code, lines, errs)
				}
			}
			before := s.reqs()
			code, lines, _ = vfRun(t, s, "", "--db", db, p)
			if code != 2 || lines[0]["status"] != "limit_reached" || lines[0]["kind"] != "local" || s.reqs() != before {
				t.Errorf("6th: exit %d %v", code, lines)
			}
			st, err := store.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			inv, err := st.GetByIdentity(context.Background(), "26442000000012345678")
			if err != nil {
				t.Fatal(err)
			}
			checks, err := st.Checks(context.Background(), inv.ID)
			if err != nil || len(checks) != 5 || checks[4].Provider != s.name || checks[4].RequestID == "" {
				t.Errorf("recorded: %+v %v", checks, err)
			}
		})
	}
}

func TestVerifyHuman(t *testing.T) {
	s := vfStandIns(t, vfTaxControl)[1]
	code, out, _ := run(t, "", "verify", "--provider", s.name, "--endpoint", s.url, vfPayload(vfTaxControl))
	if code != 0 || !strings.Contains(out, "044031900111-12345678  查验一致，发票有效  百度智能云 RequestId ") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "verify", "--lang", "en", "--provider", s.name, "--endpoint", s.url, vfPayload(vfTaxControl))
	if code != 0 || !strings.Contains(out, "044031900111-12345678  authentic  Baidu AI Cloud RequestId ") {
		t.Errorf("English: exit %d\n%s", code, out)
	}
}

// A provider that never answers: the command ends within 15 s.
func TestVerifySlow(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 10 s")
	}
	for _, s := range vfStandIns(t, vfTaxControl) {
		s.fail(verifytest.Slow, 1)
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			code, lines, errs := vfRun(t, s, "", vfPayload(vfTaxControl))
			if code != 2 || len(lines) != 1 || lines[0]["kind"] != "timeout" {
				t.Errorf("exit %d %v %s", code, lines, errs)
			}
		})
	}
}
