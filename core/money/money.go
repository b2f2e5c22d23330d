// Package money holds exact decimal amounts as printed on invoices. Amounts are
// never float64: a yuan amount is an integer count of units at a given scale.
package money

import (
	"errors"
	"fmt"
	"strings"
)

// MaxScale is the most decimal places an amount may carry.
const MaxScale = 4

// maxDigits bounds the integer part so that every value fits an int64 at MaxScale.
const maxDigits = 14

// ErrSyntax is returned for text that is not a plain decimal number.
var ErrSyntax = errors.New("not a decimal amount")

// Decimal is an exact decimal: Units × 10^-Scale. The zero value is 0.
// It remembers its scale so that String gives back the text it was parsed from
// ("57", "6.2", "582.52").
type Decimal struct {
	units int64
	scale int
}

// Parse reads a plain decimal such as "582.52", "-12.3" or "112". No exponent,
// no grouping, no currency sign; at most MaxScale decimals.
func Parse(s string) (Decimal, error) {
	t := s
	neg := false
	if strings.HasPrefix(t, "-") {
		neg = true
		t = t[1:]
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	if intPart == "" || (hasDot && frac == "") {
		return Decimal{}, fmt.Errorf("amount %q: %w", s, ErrSyntax)
	}
	if len(frac) > MaxScale {
		return Decimal{}, fmt.Errorf("amount %q: more than %d decimals: %w", s, MaxScale, ErrSyntax)
	}
	if len(strings.TrimLeft(intPart, "0")) > maxDigits {
		return Decimal{}, fmt.Errorf("amount %q: too large: %w", s, ErrSyntax)
	}
	var u int64
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return Decimal{}, fmt.Errorf("amount %q: %w", s, ErrSyntax)
		}
		u = u*10 + int64(c-'0')
	}
	if neg {
		u = -u
	}
	return Decimal{units: u, scale: len(frac)}, nil
}

// MustParse is Parse for constants in code and tests.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FromFen makes an amount of n fen (0.01 yuan), printed with two decimals.
func FromFen(n int64) Decimal { return Decimal{units: n, scale: 2} }

// Scale is the number of decimals the amount was written with.
func (d Decimal) Scale() int { return d.scale }

// IsZero reports whether the amount is zero.
func (d Decimal) IsZero() bool { return d.units == 0 }

// Sign is -1, 0 or 1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000}

// at returns the units of d at scale s (s >= d.scale).
func (d Decimal) at(s int) int64 { return d.units * pow10[s-d.scale] }

// Cmp compares exactly: -1 when d < e, 0 when equal ("57" equals "57.00"), 1 when d > e.
func (d Decimal) Cmp(e Decimal) int {
	s := max(d.scale, e.scale)
	a, b := d.at(s), e.at(s)
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Equal reports exact numeric equality.
func (d Decimal) Equal(e Decimal) bool { return d.Cmp(e) == 0 }

// Add returns d + e at the larger scale.
func (d Decimal) Add(e Decimal) Decimal {
	s := max(d.scale, e.scale)
	return Decimal{units: d.at(s) + e.at(s), scale: s}
}

// Sub returns d - e at the larger scale.
func (d Decimal) Sub(e Decimal) Decimal {
	s := max(d.scale, e.scale)
	return Decimal{units: d.at(s) - e.at(s), scale: s}
}

// String gives the amount with the scale it was written with.
func (d Decimal) String() string {
	u := d.units
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	if d.scale == 0 {
		return fmt.Sprintf("%s%d", sign, u)
	}
	p := pow10[d.scale]
	return fmt.Sprintf("%s%d.%0*d", sign, u/p, d.scale, u%p)
}

// Fixed gives the amount with exactly n decimals (n >= Scale), as in "57.00".
func (d Decimal) Fixed(n int) string {
	if n < d.scale || n > MaxScale {
		return d.String()
	}
	return Decimal{units: d.at(n), scale: n}.String()
}

// Grouped gives the amount with two decimals and thousands separators, as
// clerks write it: "1,705,400.00".
func (d Decimal) Grouped() string {
	s := d.Fixed(max(2, d.scale))
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "." + frac
}

// MarshalText writes the amount as decimal text, so JSON carries "582.52".
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads decimal text.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
