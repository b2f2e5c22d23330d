package verify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
)

// Credentials of the stand-ins.
const (
	tcID      = "AKIDFAPIAOTEST00000000000000000000"
	tcKey     = "TencentSecretKeyForTests-0042xyz"
	bdKey     = "BaiduApiKeyForTests"
	bdSecret  = "BaiduSecretKeyForTests-0042xyz"
	testDelay = 300 * time.Millisecond
)

// issued is ten days ago, in the tax side's calendar.
var issued = time.Now().In(beijing).AddDate(0, 0, -10)

// The tax database of the stand-ins: a 税控 electronic ordinary invoice,
// checked by its check code, and a 数电 ordinary invoice, checked by its
// total including tax; then one of every other type.
var (
	taxControl = verifytest.Invoice{
		Type: "10", Code: "044031900111", Number: "12345678", Date: issued.Format("2006-01-02"),
		Amount: "100.00", Tax: "6.00", Total: "106.00", CheckCode: "80883429292637169951",
		SellerName: "深圳市示例科技有限公司", SellerTaxID: "91440300MA5EXAMPLE",
		BuyerName: "上海示例贸易有限公司", BuyerTaxID: "91310000MA1EXAMPLE",
		Items: []verifytest.Item{{Name: "*信息技术服务*软件服务费", Quantity: "1", Price: "100.00", Amount: "100.00", TaxRate: "6%", Tax: "6.00"}},
	}
	digital = verifytest.Invoice{
		Type: "32", Number: "24442000000012345678", Date: issued.Format("2006-01-02"),
		Amount: "100.00", Tax: "6.00", Total: "106.00",
		SellerName: "广州示例餐饮有限公司", SellerTaxID: "91440101MA5DIGITAL",
		BuyerName: "上海示例贸易有限公司", BuyerTaxID: "91310000MA1EXAMPLE",
	}
)

// withNumber is inv under another number.
func withNumber(inv verifytest.Invoice, number string) verifytest.Invoice {
	inv.Number = number
	return inv
}

// qrText writes the QR code of inv, as printed on it.
func qrText(inv verifytest.Invoice) string {
	amount := inv.Amount
	if inv.Digital() || inv.Type == "31" || inv.Type == "32" {
		amount = inv.Total
	}
	d := strings.ReplaceAll(inv.Date, "-", "")
	return fmt.Sprintf("01,%s,%s,%s,%s,%s,%s,", inv.Type, inv.Code, inv.Number, amount, d, inv.CheckCode)
}

// qrOf is the invoice a clerk scans: its QR code only.
func qrOf(t testing.TB, inv verifytest.Invoice) Invoice {
	t.Helper()
	q := payload.Analyze(qrText(inv), time.Now())
	if !q.IsInvoice() {
		t.Fatalf("%q is not an invoice QR code", qrText(inv))
	}
	return FromPayload(q)
}

// standIn is one provider's stand-in with a provider pointed at it.
type standIn struct {
	name     string
	tencent  *verifytest.Tencent
	baidu    *verifytest.Baidu
	provider Provider
	cfg      Config
}

func (s *standIn) Add(invs ...verifytest.Invoice) {
	if s.tencent != nil {
		s.tencent.Add(invs...)
	} else {
		s.baidu.Add(invs...)
	}
}

func (s *standIn) Fail(f verifytest.Fault, times int) {
	if s.tencent != nil {
		s.tencent.Fail(f, times)
	} else {
		s.baidu.Fail(f, times)
	}
}

func (s *standIn) SetDelay(d time.Duration) {
	if s.tencent != nil {
		s.tencent.SetDelay(d)
	} else {
		s.baidu.SetDelay(d)
	}
}

func (s *standIn) Requests() int {
	if s.tencent != nil {
		return s.tencent.Requests()
	}
	return s.baidu.Requests()
}

func (s *standIn) Followed() int {
	if s.tencent != nil {
		return s.tencent.Followed()
	}
	return s.baidu.Followed()
}

func (s *standIn) Seen() []verifytest.Seen {
	if s.tencent != nil {
		return s.tencent.Seen()
	}
	return s.baidu.Seen()
}

func (s *standIn) URL() string {
	if s.tencent != nil {
		return s.tencent.URL
	}
	return s.baidu.URL
}

// remake points a new provider of cfg at the stand-in.
func (s *standIn) remake(t testing.TB, cfg Config) Provider {
	t.Helper()
	cfg.Provider, cfg.Endpoint = s.name, s.URL()
	if cfg.Timeout == 0 {
		cfg.Timeout = testDelay
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = 5 * time.Millisecond
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startTencent starts a Tencent stand-in, and checks when the test ends
// that no request was badly signed.
func startTencent(t *testing.T, invs ...verifytest.Invoice) *standIn {
	t.Helper()
	srv := verifytest.NewTencent(tcID, tcKey, invs...)
	t.Cleanup(srv.Close)
	s := &standIn{name: Tencent, tencent: srv, cfg: Config{ID: tcID, Secret: tcKey}}
	s.provider = s.remake(t, s.cfg)
	t.Cleanup(func() {
		if n := srv.BadlySigned(); n > 0 {
			t.Errorf("%d requests were badly signed", n)
		}
	})
	return s
}

func startBaidu(t *testing.T, invs ...verifytest.Invoice) *standIn {
	t.Helper()
	srv := verifytest.NewBaidu(bdKey, bdSecret, invs...)
	t.Cleanup(srv.Close)
	s := &standIn{name: Baidu, baidu: srv, cfg: Config{ID: bdKey, Secret: bdSecret}}
	s.provider = s.remake(t, s.cfg)
	return s
}

// bothProviders runs fn against each provider's stand-in.
func bothProviders(t *testing.T, fn func(t *testing.T, s *standIn)) {
	for _, start := range []func(*testing.T, ...verifytest.Invoice) *standIn{startTencent, startBaidu} {
		s := start(t, taxControl, digital)
		t.Run(s.name, func(t *testing.T) { fn(t, s) })
	}
}

// noSecret fails when text holds a secret of the tests.
func noSecret(t testing.TB, what, text string) {
	t.Helper()
	for _, s := range []string{tcKey, bdSecret} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds a secret: %s", what, text)
		}
	}
	if strings.Contains(text, "access_token=") || strings.Contains(text, "24.") && strings.Contains(text, "token") {
		t.Errorf("%s holds an access token: %s", what, text)
	}
}

func check(t *testing.T, s *standIn, inv Invoice) Result {
	t.Helper()
	res, err := Check(context.Background(), s.provider, inv, time.Now())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	noSecret(t, "the reason", res.Reason)
	return res
}
