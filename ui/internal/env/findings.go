package env

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

// FindingRow shows one finding: its severity icon and its message.
func FindingRow(icon fyne.Resource, text string) fyne.CanvasObject {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	if icon == nil {
		return label
	}
	return container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, label)
}

// CellLabel is a label for a table's or a list's cell: one line, cut with
// an ellipsis when it does not fit.
func CellLabel() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// SeverityIcon marks a finding's severity.
func SeverityIcon(sev finding.Severity) fyne.Resource {
	switch sev {
	case finding.Error:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case finding.Warning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.NewPrimaryThemedResource(theme.InfoIcon())
}

// Sentence capitalises the first letter: the core's English messages are
// written to be embedded in other text, the screens show them on their own.
func Sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// SortFindings puts errors first, then warnings, then notes, keeping the
// order of equals.
func SortFindings(fs []finding.Finding) {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return a.Severity.Rank() - b.Severity.Rank() })
}
