package invoice

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// Tally groups of a batch check, beside the outcomes (verify.Outcomes):
// what was not sent, and why.
const (
	tallyNotSent       = "not_sent"       // a value is missing, the type is not checked, or it is too old
	tallyTooEarly      = "too_early"      // issued today: the tax side answers from tomorrow
	tallyAnsweredToday = "answered_today" // judged today already: not asked again
)

// tallyOrder is the order the tally lists its groups in: problems first.
var tallyOrder = []string{verify.Voided, verify.RedReversed, verify.NotFound, verify.Mismatch,
	verify.Error, verify.LimitReached, tallyNotSent, tallyTooEarly, tallyAnsweredToday, verify.Authentic}

// BatchCheck asks the tax authority about many invoices one after the other
// (查验): everything the queue holds, or what the history lists. It shows
// its progress in a dialog the clerk can cancel, counts the answers, and
// lists every invoice that was not found authentic with the reason. Each
// answer is recorded in the history as it comes. Its methods are called on
// the UI goroutine.
type BatchCheck struct {
	e *env.Env

	dlg      dialog.Dialog
	progress *widget.ProgressBar
	status   *widget.Label
	tally    *widget.Label
	problems *widget.Label
	button   *widget.Button

	cancel    context.CancelFunc
	running   bool
	cancelled bool
	done      int
	total     int
	counts    map[string]int
	lines     []string

	// onChecked is called with each invoice as the history has it after
	// its check (nil when it could not be read back).
	onChecked func(*store.Invoice)
}

// CheckBatch starts checking the invoices of ids (history IDs, each asked
// about once however often listed) and shows its dialog. onChecked, when
// set, is called on the UI goroutine with each invoice the history now
// has, so that a screen can show the answer.
func CheckBatch(e *env.Env, ids []int64, onChecked func(*store.Invoice)) *BatchCheck {
	tr := e.Tr
	b := &BatchCheck{e: e, counts: map[string]int{}, onChecked: onChecked}
	b.progress = widget.NewProgressBar()
	b.status = widget.NewLabel(tr.T("batch.preparing"))
	b.tally = widget.NewLabel("")
	b.tally.Wrapping = fyne.TextWrapWord
	b.problems = widget.NewLabel("")
	b.problems.Wrapping = fyne.TextWrapWord
	b.button = widget.NewButtonWithIcon(tr.T("batch.cancel"), theme.CancelIcon(), b.onButton)
	scroll := container.NewVScroll(b.problems)
	scroll.SetMinSize(fyne.NewSize(520, 180))
	body := container.NewBorder(container.NewVBox(b.status, b.progress, b.tally), container.NewCenter(b.button), nil, nil, scroll)
	b.dlg = dialog.NewCustomWithoutButtons(tr.T("batch.title"), body, e.Win)
	b.dlg.Resize(fyne.NewSize(600, 440))
	b.dlg.Show()

	if len(ids) == 0 {
		b.finish(tr.T("batch.nothing"))
		return b
	}
	distinct := map[int64]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	b.total = len(distinct)
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.running = cancel, true
	e.Bridge.Go(func() { b.run(ctx, ids) })
	return b
}

// run checks the invoices, off the UI goroutine.
func (b *BatchCheck) run(ctx context.Context, ids []int64) {
	e := b.e
	clerk := e.Clerk(ctx)
	c, err := newChecker(ctx, e, clerk)
	if err != nil {
		text := e.Tr.F("batch.no_provider", env.ErrorText(e.Tr, err))
		if errors.Is(err, errNoProvider) {
			text = e.Tr.T("batch.no_provider_set")
		}
		fyne.Do(func() { b.finish(text) })
		return
	}
	c.Batch(ctx, ids, func(done, total int, ch verify.Checked, err error) {
		var inv *store.Invoice
		if ch.CheckID != 0 && b.onChecked != nil {
			inv, _ = e.Store().Get(context.WithoutCancel(ctx), ch.InvoiceID)
		}
		fyne.Do(func() { b.add(done, total, ch, err, inv) })
	})
	fyne.Do(func() { b.finish("") })
}

// add counts one invoice's answer.
func (b *BatchCheck) add(done, total int, ch verify.Checked, err error, inv *store.Invoice) {
	tr := b.e.Tr
	if b.cancelled && ch.Kind == verify.KindCancelled {
		return // cut short by the clerk: not an answer
	}
	b.done, b.total = done, total
	group := tallyGroup(ch, err)
	b.counts[group]++
	if group != verify.Authentic {
		name := ch.Identity
		if name == "" {
			name = tr.F("batch.invoice_id", ch.InvoiceID)
		}
		text := answerText(tr, ch, err, false)
		if group == tallyAnsweredToday {
			text = tr.F("batch.answered_today", tr.T("check.outcome."+ch.Outcome))
		}
		b.lines = append(b.lines, "• "+name+"："+text)
	}
	b.show()
	if inv != nil {
		b.onChecked(inv)
	}
}

// tallyGroup is the group of the tally an answer counts in.
func tallyGroup(ch verify.Checked, err error) string {
	var missing *verify.MissingError
	switch {
	case errors.Is(err, verify.ErrAnsweredToday):
		return tallyAnsweredToday
	case errors.Is(err, verify.ErrTooEarly):
		return tallyTooEarly
	case errors.As(err, &missing), errors.Is(err, verify.ErrUnsupported), errors.Is(err, verify.ErrNotInvoice),
		errors.Is(err, verify.ErrTooOld):
		return tallyNotSent
	case err != nil:
		return verify.Error
	}
	return ch.Outcome
}

func (b *BatchCheck) show() {
	tr := b.e.Tr
	b.progress.Max = float64(max(b.total, 1))
	b.progress.SetValue(float64(b.done))
	if b.running {
		b.status.SetText(tr.F("batch.progress", b.done, b.total))
	}
	var parts []string
	for _, g := range tallyOrder {
		if n := b.counts[g]; n > 0 {
			parts = append(parts, tr.F("batch.tally."+g, n))
		}
	}
	b.tally.SetText(strings.Join(parts, tr.T("list.sep")))
	b.problems.SetText(strings.Join(b.lines, "\n"))
}

// finish ends the batch: note, when set, says why nothing was asked.
func (b *BatchCheck) finish(note string) {
	tr := b.e.Tr
	b.running = false
	switch {
	case note != "":
		b.status.SetText(note)
	case b.cancelled:
		b.status.SetText(tr.F("batch.cancelled", b.done, b.total))
	default:
		b.status.SetText(tr.F("batch.done", b.done))
	}
	b.show()
	b.button.SetText(tr.T("batch.close"))
	b.button.SetIcon(theme.ConfirmIcon())
	b.button.Importance = widget.HighImportance
	b.button.Enable()
	// Space closes it, as the clerk's hands are on the keyboard.
	b.e.Win.Canvas().Focus(b.button)
}

// onButton cancels the batch while it runs (what was answered stays
// recorded) and closes the dialog once it is over.
func (b *BatchCheck) onButton() {
	if b.running {
		b.cancelled = true
		b.cancel()
		b.button.Disable()
		b.status.SetText(b.e.Tr.T("batch.cancelling"))
		return
	}
	b.dlg.Hide()
}
