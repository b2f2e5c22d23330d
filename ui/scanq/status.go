package scanq

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/scan"
)

// status is what the queue says of one item at a glance, worst first.
type status int

const (
	statusUnreadable status = iota // the file could not be read at all
	statusNoQR                     // a readable file without an invoice code
	statusDuplicate                // seen before: the one most likely to be paid twice
	statusMismatch                 // the QR code disagrees with the printed values
	statusInvalid                  // some other error
	statusWarning                  // needs a look
	statusOK
)

// statusOf derives an invoice's status from its findings. A duplicate comes
// first whatever else is wrong: it is the one a clerk must not pay.
func statusOf(inv *scan.Invoice) status {
	if finding.Has(inv.Findings, "duplicate") {
		return statusDuplicate
	}
	different := map[string]bool{}
	for _, r := range inv.Comparison {
		if r.Verdict == compare.Different {
			field := r.Field
			if r.Basis == compare.BasisTotal {
				different["total"] = true
			}
			different[field] = true
		}
	}
	worst := finding.Worst(inv.Findings)
	for _, f := range inv.Findings {
		if f.Severity == finding.Error && f.Field != "" && different[f.Field] {
			return statusMismatch
		}
	}
	switch worst {
	case finding.Error:
		return statusInvalid
	case finding.Warning:
		return statusWarning
	}
	return statusOK
}

// fileStatus is the status of a file that gave no invoice to show.
func fileStatus(r *scan.FileResult) status {
	if r.Err != nil {
		return statusUnreadable
	}
	return statusNoQR
}

func (s status) key() string {
	return [...]string{"status.unreadable", "status.no_qr", "status.duplicate", "status.mismatch",
		"status.invalid", "status.warning", "status.ok"}[s]
}

func (s status) icon() fyne.Resource {
	switch s {
	case statusOK:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case statusWarning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case statusNoQR:
		return theme.NewWarningThemedResource(theme.QuestionIcon())
	case statusDuplicate:
		return theme.NewErrorThemedResource(theme.ContentCopyIcon())
	case statusMismatch:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case statusUnreadable:
		return theme.NewErrorThemedResource(theme.BrokenImageIcon())
	}
	return theme.NewErrorThemedResource(theme.ErrorIcon())
}
