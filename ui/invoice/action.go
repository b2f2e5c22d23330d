package invoice

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/dialog"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// action is one change the clerk asked for: which invoice, the state it was
// shown in and the values typed, all taken on the UI goroutine when the
// clerk clicked. It runs off the UI goroutine and never reads the view
// again, so a selection that moves on meanwhile (the scanner gun's next
// code is selected at once) cannot send it to another invoice.
type action struct {
	invoiceID int64
	// from is the state the invoice was shown in when the clerk clicked:
	// the change is meant from that state, and no other.
	from store.State
	// to is the state asked for; "" for a verification.
	to     store.State
	verify bool
	// edits are the values the clerk typed that differ from those the
	// history has, saved (each audited) before the verification; "" clears.
	edits map[string]string
	// confirmed are the codes of the errors the clerk was shown and
	// confirmed when verifying.
	confirmed []string
}

// run writes the action to the history. It runs off the UI goroutine. A
// verification first asks the tax authority when checks are configured
// (its answer is recorded, and one that adds an error, a voided invoice
// say, stops the sign-off until the clerk has seen it), then records the
// clerk's sign-off.
func (a action) run(ctx context.Context, e *env.Env, out *taxCheck) error {
	clerk := e.Clerk(ctx)
	if len(a.edits) > 0 {
		if err := e.Store().SetTyped(ctx, a.invoiceID, a.edits, clerk); err != nil {
			return err
		}
	}
	switch {
	case a.verify:
		*out = a.check(ctx, e, clerk)
		_, err := e.Store().Verify(ctx, store.VerifyRequest{InvoiceID: a.invoiceID, Clerk: clerk, Confirmed: a.confirmed})
		return err
	case a.to != "":
		return e.Store().ChangeState(ctx, store.Change{InvoiceID: a.invoiceID, From: a.from, To: a.to, Clerk: clerk})
	}
	return nil
}

// Verify records that the clerk checked the invoice shown, with the values
// they typed (the button, and Ctrl+Enter anywhere). An invoice with open
// errors — a value that disagrees with its QR code, say — is verified only
// once the clerk confirms having seen them; the errors stay on it.
func (v *View) Verify() {
	a, ok := v.f.verifyAction()
	if !ok {
		return
	}
	if len(a.confirmed) == 0 {
		v.run(a)
		return
	}
	tr := v.e.Tr
	var lines []string
	for _, fd := range v.f.openErrors() {
		lines = append(lines, "• "+env.Sentence(fd.Text(tr.Lang())))
	}
	c := dialog.NewConfirm(tr.T("confirm.title"), tr.F("confirm.verify_errors", v.f.describe(tr), strings.Join(lines, "\n")),
		func(ok bool) {
			if ok {
				v.run(a)
			}
		}, v.e.Win)
	c.SetConfirmText(tr.T("action.verify_anyway"))
	c.SetDismissText(tr.T("confirm.cancel"))
	v.confirm = c
	c.Show()
}

// keepTyped saves, in the background, the values the clerk typed into the
// invoice shown and did not save with 核验 or a change of state, as the
// view moves on to another invoice or closes it: what was typed is never
// dropped for want of a button. A value the history cannot take (a date
// that is no date) is not saved, and the clerk is told which, and of which
// invoice, as is a save that failed.
func (v *View) keepTyped() {
	t, ok := v.takeTyped()
	if !ok {
		return
	}
	v.e.Bridge.Exec(context.Background(), t.save, func(err error) {
		if text := t.saved(err); text != "" {
			v.showErrorText(text)
		}
		if err == nil && v.OnChange != nil {
			v.OnChange()
		}
	})
}

// typedLeft is what the clerk typed into an invoice and did not save, taken
// on the UI goroutine as the view leaves the invoice: it is saved off the
// UI goroutine and never reads the view there, so the view may move on.
type typedLeft struct {
	v  *View
	e  *env.Env
	st *store.Store
	id int64
	// waiting is the invoice of a scan kept in the outbox (id is 0): the
	// values wait with it there.
	waiting  *waitingInvoice
	identity string
	edits    map[string]string
	// refused are the values the history cannot take, as the clerk is told.
	refused []string
	// left is the invoice, as the clerk is told.
	left string
}

// takeTyped takes what the clerk typed into the invoice shown and did not
// save yet; false when there is nothing.
func (v *View) takeTyped() (typedLeft, bool) {
	if v.f.id == 0 && v.f.waiting == nil || !v.edited {
		return typedLeft{}, false
	}
	edits := v.f.edits()
	if len(edits) == 0 {
		return typedLeft{}, false
	}
	e := v.e
	st := v.f.st
	if st == nil {
		st = e.Store()
	}
	t := typedLeft{v: v, e: e, st: st, id: v.f.id, edits: edits, left: v.f.describe(e.Tr)}
	if v.f.id == 0 {
		t.waiting, t.identity = v.f.waiting, v.f.qr.Identity()
	}
	for _, fl := range fields {
		if val, ok := edits[fl.key]; ok {
			if _, err := store.CleanTyped(fl.key, val); err != nil {
				t.refused = append(t.refused, e.Tr.F("detail.typed_refused", e.Tr.T(fl.label), val))
				delete(edits, fl.key)
			}
		}
	}
	return t, true
}

// save writes the values the history can take. It runs off the UI
// goroutine.
func (t typedLeft) save(ctx context.Context) error {
	if len(t.edits) == 0 {
		return nil
	}
	if w := t.waiting; w != nil {
		return w.team.Type(ctx, w.id, w.index, t.identity, t.edits, t.e.Clerk(ctx))
	}
	return t.st.SetTyped(ctx, t.id, t.edits, t.e.Clerk(ctx))
}

// saved takes the outcome of save on the UI goroutine, and says what was
// not kept, and of which invoice; "" when everything was.
func (t typedLeft) saved(err error) string {
	refused := t.refused
	if err != nil {
		refused = append(refused, env.ErrorText(t.e.Tr, err))
	}
	// No read of the invoice here: one started now would cancel the
	// read of the invoice the clerk moved on to.
	if err == nil && t.waiting != nil {
		if t.v.waiting == nil {
			t.v.waiting = map[waitingInvoice]map[string]string{}
		}
		t.v.waiting[*t.waiting] = applyEdits(t.v.waiting[*t.waiting], t.edits)
	}
	if err == nil && t.shownIn(&t.v.f) {
		t.v.f.stored = applyEdits(t.v.f.stored, t.edits)
	}
	if len(refused) == 0 {
		return ""
	}
	return t.e.Tr.F("detail.typed_not_kept", t.left) + "\n" + strings.Join(refused, "\n")
}

// shownIn reports whether f is the invoice the values were typed into: the
// same record, or the same invoice waiting in the outbox.
func (t typedLeft) shownIn(f *form) bool {
	if t.waiting != nil {
		return f.waiting != nil && *f.waiting == *t.waiting
	}
	return f.id == t.id
}

// Leave saves what the clerk typed into the invoice shown and did not save
// yet: its dialog closed.
func (v *View) Leave() { v.keepTyped() }

// KeepTyped saves what the clerk typed into the invoices views show and did
// not save yet, as the window closes (a nil view is one not shown): in one
// piece of background work, bounded by ctx, so that the window can wait for
// it before the history is closed. done then gets, on the UI goroutine, what was not kept and why,
// "" when everything was. It returns false, and done is not called, when
// nothing was typed.
func KeepTyped(ctx context.Context, views []*View, done func(notKept string)) bool {
	taken := takeAll(views)
	if len(taken) == 0 {
		return false
	}
	errs := make([]error, len(taken))
	taken[0].e.Bridge.Exec(ctx, func(ctx context.Context) error {
		for i, t := range taken {
			errs[i] = t.save(ctx)
		}
		return nil
	}, func(error) {
		done(notKept(taken, errs))
	})
	return true
}

// KeepTypedAfterLoop is KeepTyped once the window's event loop has ended
// without the window closing (the app stopped by Ctrl+C or SIGTERM): no UI
// goroutine runs any more, so the views are read and the values saved on
// the caller's, bounded by ctx. It returns what was not kept, "" when
// everything was or nothing was typed.
func KeepTypedAfterLoop(ctx context.Context, views []*View) string {
	taken := takeAll(views)
	errs := make([]error, len(taken))
	for i, t := range taken {
		errs[i] = t.save(ctx)
	}
	return notKept(taken, errs)
}

// takeAll takes what was typed into views (see takeTyped).
func takeAll(views []*View) []typedLeft {
	var taken []typedLeft
	for _, v := range views {
		if v == nil {
			continue
		}
		if t, ok := v.takeTyped(); ok {
			taken = append(taken, t)
		}
	}
	return taken
}

// notKept says what of taken was not kept, errs being their saves' errors.
func notKept(taken []typedLeft, errs []error) string {
	var out []string
	for i, t := range taken {
		if text := t.saved(errs[i]); text != "" {
			out = append(out, text)
		}
	}
	return strings.Join(out, "\n\n")
}

func (v *View) onLock() {
	if a, ok := v.f.stateAction(store.StateLocked); ok {
		v.run(a)
	}
}

func (v *View) onReimburse() { v.confirmState(store.StateReimbursed, "confirm.reimburse") }

func (v *View) onVoid() { v.confirmState(store.StateVoided, "confirm.void") }

// confirmState asks before a change that can never be undone. The change is
// taken when the clerk clicks: confirming changes the invoice the question
// names, whatever is shown by then.
func (v *View) confirmState(to store.State, key string) {
	a, ok := v.f.stateAction(to)
	if !ok {
		return
	}
	tr := v.e.Tr
	c := dialog.NewConfirm(tr.T("confirm.title"), tr.F(key, v.f.describe(tr)), func(ok bool) {
		if ok {
			v.run(a)
		}
	}, v.e.Win)
	c.SetConfirmText(tr.T("action." + string(to)))
	c.SetDismissText(tr.T("confirm.cancel"))
	v.confirm = c
	c.Show()
}

// run writes a to the history in the background, then shows the invoice as
// the history now has it, if it is still the one shown. The invoice is read
// again in the same background work as the write, so that the change shows
// with the write's one hand-over to the window: each hand-over waits for the
// window's next frame, and in a dialog over the History screen, on a slow
// machine, a frame can take half a second (two hand-overs took 1.2–1.6 s).
func (v *View) run(a action) {
	e := v.e
	var c taxCheck
	var l loaded
	var lerr error
	first := v.firstSeen
	e.Bridge.Exec(context.Background(), func(ctx context.Context) error {
		err := a.run(ctx, e, &c)
		l, lerr = readLoaded(ctx, e.Store(), a.invoiceID, first)
		return err
	}, func(err error) {
		switch {
		case err != nil && a.verify && c.asked:
			v.showMessage(c.text(e.Tr) + "\n\n" + env.ErrorText(e.Tr, err))
		case err != nil:
			v.showError(err)
		case a.verify && c.asked:
			v.showMessage(c.text(e.Tr))
		}
		if v.f.id == a.invoiceID {
			if err == nil {
				v.f.stored = applyEdits(v.f.stored, a.edits)
			}
			v.record.Cancel() // an older read of the invoice must not land after this one
			v.showLoaded(l, lerr)
		}
		if v.OnChange != nil {
			v.OnChange()
		}
	})
}

// applyEdits is the typed values the history has once edits are saved.
func applyEdits(stored, edits map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range stored {
		out[k] = v
	}
	for k, v := range edits {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// showMessage tells the clerk what an action did.
func (v *View) showMessage(text string) {
	v.message = dialog.NewInformation(v.e.Tr.T("check.title"), text, v.e.Win)
	v.message.Show()
}

func (v *View) showError(err error) { v.showErrorText(env.ErrorText(v.e.Tr, err)) }

func (v *View) showErrorText(text string) {
	v.message = dialog.NewInformation(v.e.Tr.T("error.title"), text, v.e.Win)
	v.message.Show()
}
