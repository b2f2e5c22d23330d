// Package bridge is where the window's background work meets its widgets:
// the history, files and the keyring are read and written off the UI
// goroutine, and what comes back is handed to the screens through fyne.Do.
package bridge

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// Bridge runs one window's background work. Its functions are called on the
// UI goroutine; the work runs on goroutines of its own, and the results are
// handed back on the UI goroutine.
type Bridge struct {
	running sync.WaitGroup

	mu   sync.Mutex
	hold chan struct{} // the next work waits for it to close (tests)
}

// New returns a bridge with nothing running.
func New() *Bridge { return &Bridge{} }

// Go runs work on a goroutine of its own. It is for long work that reports
// as it goes (a batch's progress, a camera's frames) with fyne.Do itself;
// work that ends with one result uses Run.
func (b *Bridge) Go(work func()) {
	b.running.Add(1)
	hold := b.takeHold()
	go func() {
		defer b.running.Done()
		if hold != nil {
			<-hold
		}
		work()
	}()
}

// Run runs work off the UI goroutine, then done with its result on the UI
// goroutine (done may be nil).
func Run[T any](b *Bridge, ctx context.Context, work func(context.Context) (T, error), done func(T, error)) {
	b.Go(func() {
		v, err := work(ctx)
		if done != nil {
			fyne.Do(func() { done(v, err) })
		}
	})
}

// Exec is Run for work that only succeeds or fails.
func (b *Bridge) Exec(ctx context.Context, work func(context.Context) error, done func(error)) {
	Run(b, ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) },
		func(_ struct{}, err error) {
			if done != nil {
				done(err)
			}
		})
}

// After runs fn on the UI goroutine once d has passed, unless stop is
// called first: a search waits for the clerk to stop typing. stop reports
// whether it stopped fn.
func (b *Bridge) After(d time.Duration, fn func()) (stop func() bool) {
	b.running.Add(1)
	t := time.AfterFunc(d, func() {
		defer b.running.Done()
		fyne.Do(fn)
	})
	return func() bool {
		if t.Stop() {
			b.running.Done() // it will not run
			return true
		}
		return false
	}
}

// Wait blocks until every piece of work started has ended and handed its
// result to fyne.Do. Tests wait on it instead of sleeping; with a driver
// that queues fyne.Do, they run the queue after it, and wait again for what
// that started.
func (b *Bridge) Wait() { b.running.Wait() }

// WaitAtMost is Wait for at most d; it reports whether everything ended.
// The window waits so, once its loop has ended, for saves still running
// before its history is closed.
func (b *Bridge) WaitAtMost(d time.Duration) bool {
	ended := make(chan struct{})
	go func() { b.running.Wait(); close(ended) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ended:
		return true
	case <-t.C:
		return false
	}
}

// HoldNext makes the next piece of work wait, before it starts, until
// release is called: a test does what the clerk does while that work is in
// flight (selects another invoice while a verification is being written).
func (b *Bridge) HoldNext() (release func()) {
	ch := make(chan struct{})
	b.mu.Lock()
	b.hold = ch
	b.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

func (b *Bridge) takeHold() chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hold
	b.hold = nil
	return h
}

// Latest runs one kind of request where only the newest counts: a search
// as the clerk types, the invoice selected, a picture. A new request cancels
// the one before it, whose result is dropped even when it comes last. Its
// methods are called on the UI goroutine.
type Latest[T any] struct {
	b      *Bridge
	seq    uint64
	cancel context.CancelFunc
}

// NewLatest returns a Latest that runs its requests on b.
func NewLatest[T any](b *Bridge) *Latest[T] { return &Latest[T]{b: b} }

// Run starts work, superseding any request still in flight; done gets its
// result on the UI goroutine unless a newer request came meanwhile.
func (l *Latest[T]) Run(work func(context.Context) (T, error), done func(T, error)) {
	l.Cancel()
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	seq := l.seq
	Run(l.b, ctx, func(ctx context.Context) (T, error) {
		defer cancel()
		return work(ctx)
	}, func(v T, err error) {
		if seq == l.seq {
			l.cancel = nil
			done(v, err)
		}
	})
}

// Cancel drops the request in flight, if any: its result will not be
// delivered.
func (l *Latest[T]) Cancel() {
	l.seq++
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
}

// Busy reports whether a request is in flight whose result will be
// delivered.
func (l *Latest[T]) Busy() bool { return l.cancel != nil }
