package payload

import (
	"crypto/rand"
	"testing"

	"github.com/tjfoc/gmsm/sm2"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

func sealedFixture(t *testing.T, f sealed.Fields) (string, *sealed.Keyring, *sm2.PrivateKey) {
	t.Helper()
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k := []byte("0123456789abcdef")
	text, err := sealed.Seal(f, k, priv, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var kr sealed.Keyring
	if err := kr.Add(sealed.Key{Public: &priv.PublicKey, SM4: k}); err != nil {
		t.Fatal(err)
	}
	return text, &kr, priv
}

func TestSealedOpened(t *testing.T) {
	text, kr, _ := sealedFixture(t, sealed.Fields{Type: "32", Number: "24312000000136634917", Date: "20240514",
		Amount: "113.00", SellerTaxID: "91320621MA1MRHG205", BuyerName: "示例贸易有限公司"})
	r := AnalyzeWith(text, testNow, kr)
	if r.Kind != KindSealed || !r.Sealed.Opened || r.Number != "24312000000136634917" || r.Amount.String() != "113.00" ||
		r.Date.String() != "2024-05-14" || r.AmountMeaning != InclTax || r.Sealed.BuyerName != "示例贸易有限公司" || !r.IsInvoice() {
		t.Fatalf("opened as %+v (sealed %+v)", r, r.Sealed)
	}
	if w := finding.Worst(r.Findings); w == finding.Error || w == finding.Warning {
		t.Errorf("findings %v", codes(r))
	}
	if r.Identity() != "24312000000136634917" {
		t.Errorf("identity %q", r.Identity())
	}
}

// Once opened, a sealed code's fields get the same checks as a printed QR's.
func TestSealedFieldsChecked(t *testing.T) {
	text, kr, _ := sealedFixture(t, sealed.Fields{Type: "32", Number: "2431200000013663491", Date: "20240514",
		Amount: "113.00", SellerTaxID: "91320621MA1MRHG207"})
	r := AnalyzeWith(text, testNow, kr)
	for _, c := range []string{"number_format", "tax_id_check"} {
		if !finding.Has(r.Findings, c) {
			t.Errorf("missing %s in %v", c, codes(r))
		}
	}
}

func TestSealedFindings(t *testing.T) {
	text, kr, _ := sealedFixture(t, sealed.Fields{Type: "32", Number: "1", Date: "20240514", Amount: "1"})
	_, other, _ := sealedFixture(t, sealed.Fields{Type: "32", Number: "1", Date: "20240514", Amount: "1"})
	tests := []struct {
		name string
		text string
		keys *sealed.Keyring
		want string
	}{
		{"no keys", text, nil, "sealed_no_key"},
		{"unknown key", text, other, "sealed_unknown_key"},
		{"truncated", text[:len(text)-10], kr, "sealed_malformed"},
		{"tampered", text[:80] + flip(text[80]) + text[81:], kr, "sealed_bad_signature"},
	}
	for _, tt := range tests {
		r := AnalyzeWith(tt.text, testNow, tt.keys)
		if r.Kind != KindSealed || !finding.Has(r.Findings, tt.want) {
			t.Errorf("%s: kind %s, findings %v; want %s", tt.name, r.Kind, codes(r), tt.want)
		}
		if r.Sealed.Opened {
			t.Errorf("%s: opened", tt.name)
		}
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
