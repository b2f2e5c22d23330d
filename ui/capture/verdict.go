package capture

import (
	"context"
	"errors"
	"image/color"

	"github.com/fapiaoscanner/fapiao/core/camera"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// verdict is what the history says of an invoice the moment the camera
// takes it in: the clerk holding the paper up learns it from the outline's
// colour, the sound and the note, without turning to the Scan screen.
type verdict int

const (
	verdictNew         verdict = iota // never seen: green, the beep
	verdictSeen                       // seen before, not claimed: amber, the beep
	verdictLocked                     // locked in a claim: red, the alert
	verdictReimbursed                 // already paid: red, the alert
	verdictVoided                     // voided or red-reversed: red, the alert
	verdictBlacklisted                // a party on the blacklist: red, the alert
	verdictUnknown                    // the history could not be read: amber, the beep
)

// Warner is a Beeper that also sounds the alert, for an invoice that must
// not be paid.
type Warner interface {
	Warn()
}

var (
	verdictAmber = color.NRGBA{R: 0xff, G: 0xb0, B: 0x00, A: 0xff}
	verdictRed   = color.NRGBA{R: 0xe5, G: 0x2b, B: 0x2b, A: 0xff}
)

// stop says whether the invoice must not be paid.
func (v verdict) stop() bool {
	return v == verdictLocked || v == verdictReimbursed || v == verdictVoided || v == verdictBlacklisted
}

// color is the outline's and the note's colour.
func (v verdict) color() color.NRGBA {
	switch {
	case v.stop():
		return verdictRed
	case v == verdictNew:
		return outlineColors[camera.StatusCaptured]
	}
	return verdictAmber
}

// judge asks the history about the invoice cp: by its identity, and, for
// one never seen, by the seller's tax ID its QR code may carry. It runs on
// the camera's goroutine, before the invoice is recorded.
func judge(ctx context.Context, st *store.Store, cp camera.Capture) (verdict, *store.Seen) {
	if cp.Result == nil || cp.Result.Identity() == "" {
		return verdictNew, nil
	}
	seen, err := st.Lookup(ctx, cp.Result.Identity())
	if errors.Is(err, store.ErrNotFound) {
		if on, err := st.Blacklisted(ctx, cp.Result.SellerTaxID); err != nil {
			return verdictUnknown, nil
		} else if on {
			return verdictBlacklisted, nil
		}
		return verdictNew, nil
	}
	if err != nil {
		return verdictUnknown, nil
	}
	switch {
	case seen.Blacklisted:
		return verdictBlacklisted, &seen
	case seen.State == store.StateLocked:
		return verdictLocked, &seen
	case seen.State == store.StateReimbursed:
		return verdictReimbursed, &seen
	case seen.State == store.StateVoided || seen.State == store.StateRedReversed:
		return verdictVoided, &seen
	}
	return verdictSeen, &seen
}

// verdictNote is the note over the preview for an invoice taken in.
func verdictNote(tr *env.Translator, v verdict, name string, seen *store.Seen) string {
	switch v {
	case verdictSeen:
		return tr.F("capture.verdict.seen", name, env.FormatTime(tr, seen.First.At))
	case verdictLocked:
		return tr.F("capture.verdict.locked", name)
	case verdictReimbursed:
		return tr.F("capture.verdict.reimbursed", name)
	case verdictVoided:
		return tr.F("capture.verdict.voided", name, tr.T("state."+string(seen.State)))
	case verdictBlacklisted:
		return tr.F("capture.verdict.blacklisted", name)
	case verdictUnknown:
		return tr.F("capture.verdict.unknown", name)
	}
	return tr.F("capture.taken", name)
}
