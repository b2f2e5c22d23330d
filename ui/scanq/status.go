package scanq

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// status is what the queue says of one item at a glance, worst first.
type status int

const (
	statusUnreadable  status = iota // the file could not be read at all
	statusNoQR                      // a readable file without an invoice code
	statusCheckFailed               // the tax authority says voided, red-reversed, not found, mismatch
	statusDuplicate                 // seen before: the one most likely to be paid twice
	statusMismatch                  // the QR code disagrees with the printed values
	statusInvalid                   // some other error
	statusWarning                   // needs a look
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

// recordStatus is the status the history's own findings on an invoice give
// it: those of the values a clerk typed, of the tax authority's answer, and
// of the history (blacklisted, already paid …). The findings of other
// sightings of the invoice, and that it was seen again, are left out: each
// item says what its own scan found.
func recordStatus(fs []finding.Finding) status {
	worst := statusOK
	for _, f := range fs {
		switch {
		case f.Source == "" && !historyCodes[f.Code]:
		case f.Source == store.SourceOfficial && f.Severity == finding.Error:
			worst = min(worst, statusCheckFailed)
		case f.Severity == finding.Error && strings.HasPrefix(f.Code, "mismatch_"):
			worst = min(worst, statusMismatch)
		case f.Severity == finding.Error:
			worst = min(worst, statusInvalid)
		case f.Severity == finding.Warning:
			worst = min(worst, statusWarning)
		}
	}
	return worst
}

// historyCodes are the findings the history itself adds to an invoice.
var historyCodes = map[string]bool{"already_locked": true, "already_reimbursed": true,
	"already_voided": true, "already_red_reversed": true, "blacklisted": true}

// fileStatus is the status of a file that gave no invoice to show.
func fileStatus(r *scan.FileResult) status {
	if r.Err != nil {
		return statusUnreadable
	}
	return statusNoQR
}

func (s status) key() string {
	return [...]string{"status.unreadable", "status.no_qr", "status.check_failed", "status.duplicate", "status.mismatch",
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
	case statusCheckFailed:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case statusMismatch:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case statusUnreadable:
		return theme.NewErrorThemedResource(theme.BrokenImageIcon())
	}
	return theme.NewErrorThemedResource(theme.ErrorIcon())
}
