// Package finding is the common form of everything the checks report about an
// invoice: a stable machine code, a severity and a message in Chinese and English.
package finding

import "fmt"

// Severity ranks a finding. Errors block reimbursement, warnings need a look,
// infos only explain.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Rank orders severities, highest first, for sorting and for the worst verdict.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// Finding is one thing a check found. Code is stable and scripts may rely on it;
// the messages are for people.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`    // Chinese
	English  string   `json:"message_en"` // English
	Field    string   `json:"field,omitempty"`
	// Source says which values the finding comes from when that is not the
	// QR code or the file: "typed" for values a clerk typed. Such findings
	// are computed again whenever the typed values change.
	Source string `json:"source,omitempty"`
}

// Text returns the message in lang ("en" for English, Chinese otherwise).
func (f Finding) Text(lang string) string {
	if lang == "en" && f.English != "" {
		return f.English
	}
	return f.Message
}

// New makes a finding. zh and en are format strings sharing args.
func New(code string, sev Severity, field string, zh, en string, args ...any) Finding {
	return Finding{
		Code:     code,
		Severity: sev,
		Field:    field,
		Message:  fmt.Sprintf(zh, args...),
		English:  fmt.Sprintf(en, args...),
	}
}

// Worst returns the highest severity among fs, or "" when fs is empty.
func Worst(fs []Finding) Severity {
	var w Severity
	for _, f := range fs {
		if f.Severity.Rank() > w.Rank() {
			w = f.Severity
		}
	}
	return w
}

// Has reports whether fs holds a finding with code.
func Has(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
