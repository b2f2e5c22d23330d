package env

import "strings"

// NormalizeGun undoes what a Chinese input method does to a scanner gun's
// keystrokes, and to what a clerk types with one on: full-width digits,
// letters and punctuation become ASCII, the ideographic comma and full stop
// become "," and ".", and spaces and line ends go.
func NormalizeGun(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == '、':
			b.WriteByte(',')
		case r == '。':
			b.WriteByte('.')
		case r == ' ' || r == '\u3000' || r == '\t' || r == '\r' || r == '\n':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalizeKeepSpace is NormalizeGun for search text, where a seller's name
// may contain spaces: only full-width characters become ASCII.
func NormalizeKeepSpace(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}
