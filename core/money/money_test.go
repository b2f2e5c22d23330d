package money

import (
	"errors"
	"testing"
)

func TestParseString(t *testing.T) {
	for _, s := range []string{"582.52", "57", "6.2", "0.01", "-12.30", "1705400.00", "0", "99999999999999.9999"} {
		d, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if d.String() != s {
			t.Errorf("Parse(%q).String() = %q", s, d.String())
		}
	}
	for _, s := range []string{"", ".", "1.", ".5", "1e3", "1,000.00", "¥5", "1.23456", "--1", "1.2.3", " 1", "999999999999999"} {
		if _, err := Parse(s); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", s, err)
		}
	}
}

func TestArithmetic(t *testing.T) {
	a, b := MustParse("57"), MustParse("57.00")
	if !a.Equal(b) || a.Cmp(MustParse("57.01")) != -1 || MustParse("6.2").Cmp(MustParse("6.19")) != 1 {
		t.Error("Cmp is not exact")
	}
	if got := MustParse("182.26").Add(MustParse("5.47")).String(); got != "187.73" {
		t.Errorf("Add = %s", got)
	}
	if got := MustParse("0.1").Add(MustParse("0.2")).String(); got != "0.3" {
		t.Errorf("0.1 + 0.2 = %s", got)
	}
	if got := MustParse("10").Sub(MustParse("10.01")).String(); got != "-0.01" {
		t.Errorf("Sub = %s", got)
	}
	if got := FromFen(-5).String(); got != "-0.05" {
		t.Errorf("FromFen(-5) = %s", got)
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ in, fixed, grouped string }{
		{"57", "57.00", "57.00"},
		{"6.2", "6.20", "6.20"},
		{"1705400.00", "1705400.00", "1,705,400.00"},
		{"-1234567.5", "-1234567.50", "-1,234,567.50"},
		{"100", "100.00", "100.00"},
		{"0.0001", "0.0001", "0.0001"},
	}
	for _, tt := range tests {
		d := MustParse(tt.in)
		if got := d.Fixed(2); got != tt.fixed {
			t.Errorf("Fixed(%s) = %s, want %s", tt.in, got, tt.fixed)
		}
		if got := d.Grouped(); got != tt.grouped {
			t.Errorf("Grouped(%s) = %s, want %s", tt.in, got, tt.grouped)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("582.52")
	f.Add("-0.5")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		e, err := Parse(d.String())
		if err != nil || !e.Equal(d) || e.Scale() != d.Scale() {
			t.Fatalf("%q → %q does not round-trip", s, d.String())
		}
	})
}
