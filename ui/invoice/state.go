package invoice

import (
	"path/filepath"

	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// showState shows the invoice's state in the history: signed off, checked,
// first seen where, and which steps are open.
func (v *View) showState() {
	tr := v.e.Tr
	v.titleLabel.SetText(v.title)
	switch {
	case v.f.id == 0 && v.f.queued:
		v.stateLabel.SetText(tr.T("team.waiting_detail"))
	case v.f.id == 0 && v.f.reading:
		v.stateLabel.SetText(tr.T("detail.reading_printed"))
	case v.f.id == 0:
		v.stateLabel.SetText(tr.T("state.unrecorded"))
	default:
		text := tr.T("state." + string(v.f.state))
		if v.f.verified != nil {
			text += "  " + tr.F("detail.verified_by", v.f.verified.Clerk, env.FormatTime(tr, v.f.verified.At))
		}
		if v.f.checked != nil {
			text += "  " + tr.F("detail.checked", tr.T("check.outcome."+v.f.checked.Outcome), env.FormatTime(tr, v.f.checked.At))
		}
		v.stateLabel.SetText(text)
	}
	v.stateLabel.Importance = widget.MediumImportance
	if v.f.state.Final() {
		v.stateLabel.Importance = widget.WarningImportance
	}
	v.stateLabel.Refresh()
	v.titleRow.Refresh()
	if v.firstSeen != nil {
		text := tr.F("detail.first_seen", env.FormatTime(tr, v.firstSeen.At), sightingPlace(tr, v.firstSeen))
		if v.firstGone {
			text += tr.T("detail.first_gone")
		}
		v.firstSeenLabel.SetText(text)
		v.firstSeenLabel.Show()
	} else {
		v.firstSeenLabel.Hide()
	}
	if v.firstSeen != nil && v.f.id != 0 && v.OnOpenFirst != nil {
		v.firstButton.Show()
	} else {
		v.firstButton.Hide()
	}
	v.firstRow.Refresh()
	if v.f.id != 0 && v.f.verified != nil {
		v.verifiedBadge.SetText(tr.F("detail.verified_badge", v.f.verified.Clerk, env.FormatTime(tr, v.f.verified.At)))
		v.verifiedBadge.Show()
	} else {
		v.verifiedBadge.Hide()
	}
	step := ""
	if key := v.f.stepKey(); key != "" {
		step = tr.T(key)
	}
	v.stepLabel.SetText(step)
	v.stepLabel.Hidden = v.stepLabel.Text == ""
	v.stepLabel.Refresh()
	v.typeButton.Hidden = v.noQRFile == "" || v.OnTypeIn == nil
	v.typeButton.Refresh()
	enable(v.verifyButton, v.f.canVerify())
	enable(v.lockButton, v.f.canBecome(store.StateLocked))
	enable(v.reimburseButton, v.f.canBecome(store.StateReimbursed))
	enable(v.voidButton, v.f.canBecome(store.StateVoided))
}

func enable(b *widget.Button, ok bool) {
	if ok {
		b.Enable()
	} else {
		b.Disable()
	}
}

// sightingPlace says where an invoice was seen: the file and page, and the
// way it came in.
func sightingPlace(tr *env.Translator, s *store.Sighting) string {
	source := tr.T("source." + string(s.Source))
	if s.File == "" {
		return source
	}
	place := filepath.Base(s.File)
	if s.Page > 0 {
		place += " · " + tr.F("detail.page", s.Page)
	}
	return tr.F("detail.place", place, source)
}

// onFirst opens the history's record of the invoice shown.
func (v *View) onFirst() {
	if v.f.id != 0 && v.OnOpenFirst != nil {
		v.OnOpenFirst(v.f.id)
	}
}
