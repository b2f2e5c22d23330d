package uitest

import (
	"context"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/verify"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// TaxInvoice is DigitalPayload's invoice in a tax stand-in's database,
// numbered number, with status status (verifytest.Normal: valid).
func TaxInvoice(number string, status verifytest.Status) verifytest.Invoice {
	return verifytest.Invoice{Type: "32", Number: number, Date: "2024-05-14", Amount: "0.01", Tax: "0.00",
		Total: "0.01", SellerName: "上海某某科技有限公司", SellerTaxID: "91310000MA1FL8XK3Q", Status: status}
}

// UseTencent makes e's checks (查验) go to a Tencent stand-in on loopback
// holding invs, chosen in the settings as a clerk would.
func UseTencent(t testing.TB, e *env.Env, invs ...verifytest.Invoice) *verifytest.Tencent {
	t.Helper()
	tax := verifytest.NewTencent("AKIDtest", "secret", invs...)
	t.Cleanup(tax.Close)
	ctx := context.Background()
	if err := config.SetVerifier(ctx, e.Store(), e.Sec, verify.Tencent, "AKIDtest", "secret", tax.URL, "张三"); err != nil {
		t.Fatal(err)
	}
	if err := config.SetVerifyProvider(ctx, e.Store(), verify.Tencent, "张三"); err != nil {
		t.Fatal(err)
	}
	return tax
}
