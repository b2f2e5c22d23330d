package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// DailyLimit is how many answers the tax side gives for one invoice a day.
const DailyLimit = 5

// beijing is the tax authority's clock: its day, not the machine's, says
// whether an invoice is today's.
var beijing = time.FixedZone("CST", 8*3600)

// Prepare builds the request for inv and refuses, without sending
// anything, what cannot succeed: an invoice without a number
// (ErrNotInvoice), one lacking a value the provider needs (MissingError),
// a type the provider does not check (UnsupportedError), one issued today
// or later, by Beijing's calendar (WaitError), and one issued more than
// five years ago (OldError).
func Prepare(provider string, inv Invoice, now time.Time) (Request, error) {
	r := NewRequest(inv)
	if r.Number == "" && r.Code == "" && r.Type == "" {
		return r, ErrNotInvoice
	}
	if provider == Tencent || provider == Baidu {
		if err := Ready(provider, r); err != nil {
			return r, err
		}
	}
	today := now.In(beijing)
	if !r.Date.IsZero() && !r.Date.Time().Before(payload.DateOf(today).Time()) {
		return r, &WaitError{Date: r.Date.String()}
	}
	if !r.Date.IsZero() && r.Date.Time().Before(payload.DateOf(today.AddDate(-5, 0, 0)).Time()) {
		return r, &OldError{Date: r.Date.String()}
	}
	return r, nil
}

// Check checks inv with p: Prepare, then the provider's check, then the
// comparison of the invoice it returns with inv (Result.Findings). The
// error is Prepare's, or the provider's when it sent nothing.
func Check(ctx context.Context, p Provider, inv Invoice, now time.Time) (Result, error) {
	r, err := Prepare(p.Name(), inv, now)
	if err != nil {
		return Result{Provider: p.Name()}, err
	}
	res, err := p.Check(ctx, r)
	if err != nil {
		return res, err
	}
	if len(res.Official) > 0 {
		res.Findings = append(res.Findings, Compare(inv, res.Official)...)
	}
	return res, nil
}

// History is what Checker needs of the history; *store.Store has it.
type History interface {
	Get(ctx context.Context, invoiceID int64) (*store.Invoice, error)
	ChecksOn(ctx context.Context, invoiceID int64, day time.Time) (int, error)
	RecordCheck(ctx context.Context, c store.Check) (store.Check, error)
}

var _ History = (*store.Store)(nil)

// Checker checks invoices of the history and records every query there.
type Checker struct {
	Store    History
	Provider Provider
	Clerk    string           // who asks; "" for the history's clerk
	Now      func() time.Time // time.Now when nil
	// Again: a batch asks about every invoice, even one the tax authority
	// already judged today.
	Again bool
}

// Checked is one invoice's check through a Checker.
type Checked struct {
	Result
	InvoiceID int64  `json:"invoice_id"`
	Identity  string `json:"identity"`
	// CheckID is the check's ID in the history; 0 when nothing was
	// recorded (nothing was sent).
	CheckID int64 `json:"check_id,omitempty"`
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// recordTimeout bounds the recording of an answer that came in as the
// caller gave up: what was asked is recorded even then.
const recordTimeout = 10 * time.Second

// Check checks the invoice with ID invoiceID: it reads it from the
// history, refuses what cannot succeed (Prepare's errors), refuses the
// check beyond DailyLimit answers on this day without sending it (a
// Result with Outcome LimitReached and Kind KindLocal, not recorded), asks
// the provider and records its answer, whatever it is. The error is set
// when nothing was asked, or when the answer could not be recorded (the
// Result is then still the provider's answer).
func (c *Checker) Check(ctx context.Context, invoiceID int64) (Checked, error) {
	now := c.now()
	out := Checked{InvoiceID: invoiceID, Result: Result{Provider: c.Provider.Name()}}
	s, err := c.Store.Get(ctx, invoiceID)
	if err != nil {
		return out, err
	}
	out.Identity = s.Identity
	inv := FromStored(s, now)
	r, err := Prepare(c.Provider.Name(), inv, now)
	if err != nil {
		return out, err
	}
	n, err := c.Store.ChecksOn(ctx, invoiceID, now.In(beijing))
	if err != nil {
		return out, err
	}
	if n >= DailyLimit {
		out.Outcome, out.Kind, out.At = LimitReached, KindLocal, now
		out.Reason = fmt.Sprintf("limit reached: the tax authority already answered %d times today for this invoice (at most %d a day); check again tomorrow", n, DailyLimit)
		return out, nil
	}
	res, err := c.Provider.Check(ctx, r)
	if err != nil {
		return out, err
	}
	if len(res.Official) > 0 {
		res.Findings = append(res.Findings, Compare(inv, res.Official)...)
	}
	// The answer's time on the clock the day is counted by.
	res.At = c.now()
	out.Result = res
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	rec, err := c.Store.RecordCheck(rctx, store.Check{
		InvoiceID: invoiceID, Provider: res.Provider, RequestID: res.RequestID, At: res.At, Clerk: c.Clerk,
		Outcome: res.Outcome, Reason: res.Reason, Official: res.Official, Findings: res.Findings,
	})
	if err != nil {
		return out, fmt.Errorf("record the check of invoice %s: %w", out.Identity, err)
	}
	out.CheckID = rec.ID
	return out, nil
}

// ErrAnsweredToday: a batch did not ask again about an invoice the tax
// authority already judged today (authentic, voided or red-reversed): its
// answer stands for the day, and a query costs one of five.
var ErrAnsweredToday = errors.New("the tax authority already answered today")

// Batch checks the invoices of ids in order, each once however often it is
// listed, and calls each with every invoice's outcome (done counts the
// invoices handled, total the distinct ones). Unless c.Again, an invoice
// the tax authority judged today is not asked about again: each reports
// that answer with ErrAnsweredToday. It stops when ctx is done.
func (c *Checker) Batch(ctx context.Context, ids []int64, each func(done, total int, ch Checked, err error)) {
	seen := map[int64]bool{}
	var distinct []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
	}
	for i, id := range distinct {
		if ctx.Err() != nil {
			return
		}
		ch, err := c.checkOnce(ctx, id)
		if each != nil {
			each(i+1, len(distinct), ch, err)
		}
	}
}

// checkOnce is Check, unless the tax authority already judged the invoice
// today and c.Again is not set.
func (c *Checker) checkOnce(ctx context.Context, id int64) (Checked, error) {
	if c.Again {
		return c.Check(ctx, id)
	}
	s, err := c.Store.Get(ctx, id)
	if err != nil {
		return Checked{InvoiceID: id, Result: Result{Provider: c.Provider.Name()}}, err
	}
	if last := s.Checked; last != nil && judged(last.Outcome) && sameDay(last.At, c.now()) {
		return Checked{InvoiceID: id, Identity: s.Identity,
			Result: Result{Provider: c.Provider.Name(), Outcome: last.Outcome, At: last.At}}, ErrAnsweredToday
	}
	return c.Check(ctx, id)
}

// judged reports whether o is a verdict on the invoice itself, which
// holds for the day whatever values are sent again.
func judged(o Outcome) bool { return o == Authentic || o == Voided || o == RedReversed }

// sameDay reports whether a and b fall on the same Beijing day.
func sameDay(a, b time.Time) bool {
	return payload.DateOf(a.In(beijing)) == payload.DateOf(b.In(beijing))
}
