package taxid

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		id   string
		form Form
		err  error
	}{
		{"91320621MA1MRHG205", USCC, nil},
		{"91320621MA1MRHG207", USCC, ErrCheckChar},
		{"91110000700221058P", USCC, nil},
		{"91370100MA3QABM43Y", USCC, nil},
		{"913600001582776914", USCC, nil},
		{"91320621MA1MRHG2O5", USCC, ErrFormat}, // letter O is not in the set
		{"9132O621MA1MRHG205", USCC, ErrFormat},
		{"11010519491231002X", Resident, nil},
		{"110105194912310021", USCC, ErrCheckChar}, // neither a USCC nor a resident ID
		{"440301999999999", Legacy, nil},
		{"44030199999999999", Legacy, nil},
		{"44030199999999999999", Legacy, nil},
		{"4403019999999a9", Legacy, ErrFormat},
		{"1234", "", ErrFormat},
		{"", "", ErrFormat},
	}
	for _, tt := range tests {
		form, err := Validate(tt.id)
		if form != tt.form || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("Validate(%q) = %q, %v; want %q, %v", tt.id, form, err, tt.form, tt.err)
		}
	}
}

// An inner organisation code that fails GB 11714 while the outer check holds.
func TestOrgCheckOnly(t *testing.T) {
	first := "91320621MA1MRHG2" + "1" // organisation check digit changed from 0 to 1
	c, ok := CheckChar(first)
	if !ok {
		t.Fatal("CheckChar failed")
	}
	id := first + string(c)
	if _, err := Validate(id); !errors.Is(err, ErrOrgCheck) {
		t.Fatalf("Validate(%q) = %v, want ErrOrgCheck", id, err)
	}
	fs := Findings("seller_tax_id", id)
	if len(fs) != 1 || fs[0].Code != "tax_id_org_check" || fs[0].Field != "seller_tax_id" {
		t.Fatalf("Findings = %+v", fs)
	}
}

func TestFindings(t *testing.T) {
	for id, code := range map[string]string{
		"":                   "",
		"91320621MA1MRHG205": "",
		"91320621MA1MRHG207": "tax_id_check",
		"ABC":                "tax_id_format",
	} {
		fs := Findings("buyer_tax_id", id)
		got := ""
		if len(fs) > 0 {
			got = fs[0].Code
		}
		if got != code {
			t.Errorf("Findings(%q) = %q, want %q", id, got, code)
		}
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("91320621MA1MRHG205")
	f.Add("11010519491231002X")
	f.Fuzz(func(t *testing.T, id string) {
		form, err := Validate(id)
		if err == nil && form == USCC {
			if c, _ := CheckChar(id[:17]); c != id[17] {
				t.Fatalf("accepted %q with a wrong check character", id)
			}
		}
	})
}
