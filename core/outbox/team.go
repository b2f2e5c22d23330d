package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/fapiaoscanner/fapiao/core/store"
)

// Team is a history on a team's server together with this machine's outbox:
// it records scans on the server when it answers and keeps them in the
// outbox when it does not, and sends what the outbox holds once the server
// is back (Send, and Run in the background).
type Team struct {
	St  *store.Store
	Box *Box
	// Now is the clock that dates a scan when it is taken (time.Now).
	Now func() time.Time
	// MinWait and MaxWait bound how long Run waits between tries while the
	// server is away: MinWait first, doubling up to MaxWait (defaults 1 s
	// and 30 s).
	MinWait, MaxWait time.Duration
	// OnSent, when set, is told of the scans sent from the outbox, by Run
	// and by Record (which sends what waits first), on their goroutine.
	OnSent func([]Sent)

	sendMu sync.Mutex // one sender at a time in this process, in order
	mu     sync.Mutex
	status Status
	subs   []func(Status)
	wake   chan struct{}

	afterCommit func(id int64) // tests: a crash between commit and removal
}

// Status is what the clerk is told of the team's server.
type Status struct {
	Offline bool // the server did not answer the last call
	// Connecting: the history was opened without calling the server
	// (store.ConnectLater) and the sender has not reached it yet.
	Connecting bool
	Queued     int // scans waiting in the outbox to be sent
	// Err is the last error of the server while it is offline, else "".
	Err string
}

// Sent is a scan the sender recorded on the server.
type Sent struct {
	ID       int64 // its number in the outbox
	Scan     store.ScanInput
	Recorded []store.Recorded
}

// Duplicates are the scan's invoices that the server already held when it
// was sent: recorded meanwhile by another clerk, or earlier by this one.
func (s Sent) Duplicates() []store.Recorded {
	var out []store.Recorded
	for _, r := range s.Recorded {
		if r.DuplicateOf != nil {
			out = append(out, r)
		}
	}
	return out
}

// NewTeam opens the outbox at path (Path(st) beside the history's local
// data) for the server history st, and reads how many scans wait in it.
func NewTeam(ctx context.Context, st *store.Store, path string) (*Team, error) {
	box, err := Open(path)
	if err != nil {
		return nil, err
	}
	t := &Team{St: st, Box: box}
	n, err := box.Count(ctx, st.Path())
	if err != nil {
		box.Close()
		return nil, err
	}
	t.status = Status{Queued: n, Offline: st.Offline(), Connecting: st.Connecting()}
	return t, nil
}

// Close closes the outbox (not the history).
func (t *Team) Close() error { return t.Box.Close() }

// Status is the server's state as last seen.
func (t *Team) Status() Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

// OnStatus registers fn to be called, on the goroutine that noticed, with
// every change of Status.
func (t *Team) OnStatus(fn func(Status)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.subs = append(t.subs, fn)
}

func (t *Team) set(change func(*Status)) {
	t.mu.Lock()
	old := t.status
	change(&t.status)
	now := t.status
	subs := append([]func(Status){}, t.subs...)
	t.mu.Unlock()
	if now != old {
		for _, fn := range subs {
			fn(now)
		}
	}
}

// Note tells the team of the outcome of a call to the server made
// elsewhere (a search of the history, say): ErrUnreachable marks the
// server offline and wakes the sender to watch for its return; success
// marks it online.
func (t *Team) Note(err error) {
	switch {
	case store.IsUnreachable(err):
		if t.offline(err) {
			t.kick()
		}
	case err == nil:
		t.set(func(s *Status) { s.Offline, s.Connecting, s.Err = false, false, "" })
	}
}

// offline marks the server away; it reports whether it was not already.
func (t *Team) offline(err error) bool {
	was := t.Status().Offline
	t.set(func(s *Status) { s.Offline, s.Connecting, s.Err = true, false, err.Error() })
	return !was
}

func (t *Team) kick() {
	t.mu.Lock()
	w := t.wake
	t.mu.Unlock()
	if w != nil {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

func (t *Team) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Record records in on the server when it answers; when it cannot be
// reached, in is kept in the outbox and Record fails with a *QueuedError
// (errors.Is ErrQueued), the scan safe. Scans already waiting are sent
// first, so the server sees this machine's scans in the order they were
// taken; while they cannot be, in waits behind them.
func (t *Team) Record(ctx context.Context, in store.ScanInput) ([]store.Recorded, error) {
	if in.At.IsZero() {
		in.At = t.now()
	}
	server := t.St.Path()
	cause := fmt.Errorf("%w (%s)", store.ErrUnreachable, t.Status().Err)
	// While the server is known to be away, the scan is kept at once: a
	// hung server would make every scan wait the call timeout. The
	// sender finds out when it is back.
	if !t.Status().Offline {
		rec, done, err := t.recordOnline(ctx, server, in)
		if done {
			return rec, err
		}
		cause = err
	}
	// A scan whose send fails mid-way may be on the server already: it
	// is sent as a resend, which finds it there.
	in.Resend = true
	id, err := t.Box.Put(ctx, server, in)
	if err != nil {
		return nil, fmt.Errorf("%w; and keeping it on this machine failed: %w", cause, err)
	}
	n, _ := t.Box.Count(ctx, server)
	t.set(func(s *Status) { s.Queued = n })
	if t.offline(cause) {
		t.kick()
	}
	return nil, &QueuedError{ID: id, Queued: n, Cause: cause}
}

// Type keeps the values a clerk typed for invoice index of the scan kept
// in the outbox as id (keys of store.PrintedKeys to values; an empty value
// clears one): while the scan waits, with it (Box.Type), recorded with it;
// once it was sent (the sender may have sent it meanwhile), on the server,
// as the values typed for an invoice recorded are (store.SetTyped), on
// the invoice with identity, as clerk.
func (t *Team) Type(ctx context.Context, id int64, index int, identity string, typed map[string]string, clerk string) error {
	t.sendMu.Lock()
	defer t.sendMu.Unlock()
	kept, err := t.Box.Type(ctx, id, index, typed)
	if err != nil || kept {
		return err
	}
	inv, err := t.St.GetByIdentity(ctx, identity)
	if err != nil {
		return err
	}
	return t.St.SetTyped(ctx, inv.ID, typed, clerk)
}

// recordOnline sends what waits first, then records in; done is false
// when in is to be kept in the outbox, err then saying why.
func (t *Team) recordOnline(ctx context.Context, server string, in store.ScanInput) (rec []store.Recorded, done bool, err error) {
	t.sendMu.Lock()
	defer t.sendMu.Unlock()
	n, err := t.Box.Count(ctx, server)
	if err != nil {
		return nil, true, err
	}
	if n > 0 {
		sent, err := t.send(ctx)
		if len(sent) > 0 && t.OnSent != nil {
			t.OnSent(sent)
		}
		if err != nil {
			if !store.IsUnreachable(err) && !errors.Is(err, store.ErrBusy) {
				return nil, true, err
			}
			return nil, false, err
		}
	}
	rec, err = t.St.Record(ctx, in)
	if store.IsUnreachable(err) {
		return nil, false, err
	}
	if err == nil {
		t.Note(nil)
	}
	return rec, true, err
}

// Send records on the server the scans waiting in the outbox, oldest
// first, each removed from the outbox once the server committed it. It
// stops at the first one the server cannot be reached for (or is busy
// with), returning that error with what it sent before. A scan the server
// refuses is kept, marked refused, and the others go on.
func (t *Team) Send(ctx context.Context) ([]Sent, error) {
	t.sendMu.Lock()
	defer t.sendMu.Unlock()
	return t.send(ctx)
}

func (t *Team) send(ctx context.Context) ([]Sent, error) {
	server := t.St.Path()
	var sent []Sent
	defer func() {
		if n, err := t.Box.Count(context.WithoutCancel(ctx), server); err == nil {
			t.set(func(s *Status) { s.Queued = n })
		}
	}()
	if err := t.St.Ready(ctx); err != nil {
		if store.IsUnreachable(err) {
			t.offline(err)
		}
		return nil, err
	}
	t.Note(nil)
	for ctx.Err() == nil {
		it, err := t.Box.next(ctx, server)
		if err != nil || it == nil {
			return sent, err
		}
		in := it.Scan
		in.Resend = true
		typed := typedLater(&in)
		rec, err := t.St.Record(ctx, in)
		if err == nil {
			err = t.setTyped(ctx, rec, typed, in.Clerk)
		}
		if err != nil {
			transient := store.IsUnreachable(err) || errors.Is(err, store.ErrBusy)
			if ferr := t.Box.failed(context.WithoutCancel(ctx), it.ID, err, !transient); ferr != nil {
				return sent, ferr
			}
			if transient {
				if store.IsUnreachable(err) {
					t.offline(err)
				}
				return sent, err
			}
			continue
		}
		// Committed on the server: only now does it leave the outbox. A
		// crash before this line sends it again, as a resend.
		if t.afterCommit != nil {
			t.afterCommit(it.ID)
		}
		if err := t.Box.remove(context.WithoutCancel(ctx), it.ID); err != nil {
			return sent, err
		}
		sent = append(sent, Sent{ID: it.ID, Scan: it.Scan, Recorded: rec})
		n, _ := t.Box.Count(ctx, server)
		t.set(func(s *Status) { s.Queued = n })
	}
	return sent, ctx.Err()
}

// typedLater takes out of in the values a clerk typed, while it waited,
// for its invoices that have a QR code, by the invoice's index: they are
// recorded after the scan as typed values are (store.SetTyped), which
// compares them with the QR code and the values read. An invoice typed from
// the paper keeps its values: they are the invoice.
func typedLater(in *store.ScanInput) map[int]map[string]string {
	var out map[int]map[string]string
	in.Invoices = slices.Clone(in.Invoices)
	for i, inv := range in.Invoices {
		if inv.QR == nil || len(inv.Typed) == 0 {
			continue
		}
		if out == nil {
			out = map[int]map[string]string{}
		}
		out[i] = inv.Typed
		in.Invoices[i].Typed = nil
	}
	return out
}

// setTyped records typed (see typedLater) on the invoices rec recorded,
// as clerk. Sent again after a failure, the scan is found recorded and
// the values set again: only those that change are recorded.
func (t *Team) setTyped(ctx context.Context, rec []store.Recorded, typed map[int]map[string]string, clerk string) error {
	for i, values := range typed {
		if i >= len(rec) || rec[i].InvoiceID == 0 {
			continue
		}
		if err := t.St.SetTyped(ctx, rec[i].InvoiceID, values, clerk); err != nil {
			return err
		}
	}
	return nil
}

// Run sends what the outbox holds whenever the server answers, until ctx
// ends: at once, then after MinWait doubling up to MaxWait while the server
// is away, and again whenever Record kept a scan or Note saw the server
// away. OnSent is told of each batch sent. A history not called yet
// (Connecting) is called at once, which settles whether it is online.
func (t *Team) Run(ctx context.Context) {
	minWait, maxWait := t.MinWait, t.MaxWait
	if minWait <= 0 {
		minWait = time.Second
	}
	if maxWait < minWait {
		maxWait = max(minWait, 30*time.Second)
	}
	wake := make(chan struct{}, 1)
	t.mu.Lock()
	t.wake = wake
	t.mu.Unlock()
	wait := minWait
	for {
		st := t.Status()
		if st.Offline || st.Connecting || st.Queued > 0 {
			sent, err := t.Send(ctx)
			if len(sent) > 0 && t.OnSent != nil {
				t.OnSent(sent)
			}
			if err == nil {
				wait = minWait
				continue
			}
			if ctx.Err() != nil {
				return
			}
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			case <-wake:
				timer.Stop()
			}
			wait = min(2*wait, maxWait)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
	}
}
