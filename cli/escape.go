package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// clean makes text that comes from outside — a gateway's message, a QR
// code's text, a file name, a value printed on an invoice, an error that
// quotes any of them — safe to print on a terminal for people to read.
// Control characters (C0, DEL, C1: escape sequences, carriage returns, line
// breaks), the marks that reorder text (bidirectional overrides) and bytes
// that are not UTF-8 are written as escapes (\x1b, \r, \u202e, \xff), so
// that no text can clear the screen, overwrite a line or forge one. Chinese
// and every other printable character is kept; JSON output needs none of
// this, as its encoder escapes them.
func clean(s string) string {
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// errText is err's message, cleaned.
func errText(err error) string { return clean(err.Error()) }

func needsCleaning(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 || r == 0x7f || unsafeRune(r) || r == utf8.RuneError && n == 1 {
			return true
		}
		i += n
	}
	return false
}

// unsafeRune reports the C1 controls and the marks that reorder text.
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r == 0x061c || r == 0x200e || r == 0x200f ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
