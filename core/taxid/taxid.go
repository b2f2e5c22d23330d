// Package taxid validates Chinese taxpayer identification numbers (纳税人识别号):
// the 18-character unified social credit code (GB 32100-2015) with its check
// character and the GB 11714 organisation code inside it, and the older 15, 17
// and 20 character IDs by length and character set.
package taxid

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// Form is the kind of ID a string is.
type Form string

const (
	USCC   Form = "uscc"   // 18-character unified social credit code
	Legacy Form = "legacy" // older 15/17/20 character taxpayer IDs
	// Resident is an 18-digit resident identity card number (GB 11643), which
	// individual buyers give instead of a taxpayer ID.
	Resident Form = "resident_id"
)

// Error kinds, for errors.Is.
var (
	ErrFormat    = errors.New("not a taxpayer ID")
	ErrCheckChar = errors.New("check character does not match")
	ErrOrgCheck  = errors.New("organisation code check digit does not match")
)

const uscChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var uscWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// Validate says which form id has, or why it is not valid. It does not
// change case: tax IDs are printed in upper case.
func Validate(id string) (Form, error) {
	switch len(id) {
	case 18:
		err := validateUSCC(id)
		if err != nil && isResidentID(id) {
			return Resident, nil
		}
		return USCC, err
	case 15, 17, 20:
		for i := 0; i < len(id); i++ {
			if !isDigit(id[i]) && !(id[i] >= 'A' && id[i] <= 'Z') {
				return Legacy, fmt.Errorf("tax ID %q: character %d %q is not a digit or capital letter: %w", id, i+1, id[i], ErrFormat)
			}
		}
		return Legacy, nil
	}
	return "", fmt.Errorf("tax ID %q: %d characters, want 18 (or 15, 17, 20 for older IDs): %w", id, len(id), ErrFormat)
}

// CheckChar computes the 18th character of a unified social credit code from
// its first 17; ok is false when they hold a character outside the code's set.
func CheckChar(first17 string) (c byte, ok bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(uscChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * uscWeights[i]
	}
	return uscChars[(31-sum%31)%31], true
}

// orgCheck computes the GB 11714 check character of an 8-character body.
func orgCheck(body string) (byte, bool) {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		var v int
		switch {
		case isDigit(c):
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0, false
		}
		sum += v * orgWeights[i]
	}
	switch d := 11 - sum%11; d {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + d), true
	}
}

func validateUSCC(id string) error {
	for i := 0; i < 18; i++ {
		if strings.IndexByte(uscChars, id[i]) < 0 {
			return fmt.Errorf("tax ID %q: character %d %q is not allowed in a unified social credit code (no I, O, S, V, Z): %w", id, i+1, id[i], ErrFormat)
		}
	}
	want, _ := CheckChar(id[:17])
	if want != id[17] {
		return fmt.Errorf("tax ID %q: check character is %q, want %q: %w", id, id[17], want, ErrCheckChar)
	}
	if want, ok := orgCheck(id[8:16]); !ok || want != id[16] {
		return fmt.Errorf("tax ID %q: organisation code %s has check %q, want %q: %w", id, id[8:17], id[16], want, ErrOrgCheck)
	}
	return nil
}

var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// isResidentID checks an 18-character resident identity number's ISO 7064
// MOD 11-2 check character.
func isResidentID(id string) bool {
	sum := 0
	for i := 0; i < 17; i++ {
		if !isDigit(id[i]) {
			return false
		}
		sum += int(id[i]-'0') * residentWeights[i]
	}
	return id[17] == "10X98765432"[sum%11]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Findings checks id as the value of field (e.g. "seller_tax_id") and reports
// what is wrong with it; none for an empty or valid ID.
func Findings(field, id string) []finding.Finding {
	if id == "" {
		return nil
	}
	_, err := Validate(id)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrCheckChar):
		return []finding.Finding{finding.New("tax_id_check", finding.Error, field,
			"纳税人识别号 %s 校验位不正确，可能抄错或伪造",
			"tax ID %s fails its check character: mistyped or forged", id)}
	case errors.Is(err, ErrOrgCheck):
		return []finding.Finding{finding.New("tax_id_org_check", finding.Warning, field,
			"纳税人识别号 %s 中的组织机构代码校验位不正确",
			"tax ID %s: the organisation code inside it fails its check digit", id)}
	}
	return []finding.Finding{finding.New("tax_id_format", finding.Error, field,
		"纳税人识别号 %q 格式不正确（应为18位统一社会信用代码，或15、17、20位旧税号）",
		"tax ID %q is malformed (want an 18-character unified social credit code, or an older 15, 17 or 20 character ID)", id)}
}
