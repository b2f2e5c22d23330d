package uitest

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
)

// Loop stands in for the desktop driver's main goroutine. The test driver
// runs fyne.Do at once on the caller's goroutine, so background goroutines
// would change widgets alongside the test; here fyne.Do queues, and the test
// goroutine runs the queue as the desktop driver's loop does. Every widget
// is then touched by one goroutine, which the race detector checks.
type Loop struct {
	fyne.Driver
	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
	// Observe runs after each function, to catch what is shown only for
	// a while.
	Observe func()
	longest time.Duration // the longest function run since Longest
}

// DoFromGoroutine queues fn for the test goroutine; with wait, it returns
// once fn has run.
func (l *Loop) DoFromGoroutine(fn func(), wait bool) {
	var done chan struct{}
	if wait {
		done = make(chan struct{})
		f := fn
		fn = func() { f(); close(done) }
	}
	l.mu.Lock()
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	if done != nil {
		<-done
	}
}

// Wake receives when something is queued.
func (l *Loop) Wake() <-chan struct{} { return l.wake }

// Queued is how many functions wait to be run.
func (l *Loop) Queued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}

// RunPending runs what is queued; it reports whether there was anything.
func (l *Loop) RunPending() bool {
	l.mu.Lock()
	q := l.queue
	l.queue = nil
	l.mu.Unlock()
	for _, fn := range q {
		start := time.Now()
		fn()
		l.longest = max(l.longest, time.Since(start))
		if l.Observe != nil {
			l.Observe()
		}
	}
	return len(q) > 0
}

// Longest is how long the longest function the loop ran since the last
// call took: how long the UI goroutine was held up by what the background
// handed to it.
func (l *Loop) Longest() time.Duration {
	d := l.longest
	l.longest = 0
	return d
}

// RunUntil runs what the goroutines hand to the window until cond holds.
// limit only turns a hang into a failure.
func (l *Loop) RunUntil(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for !cond() {
		if l.RunPending() {
			continue
		}
		select {
		case <-l.wake:
		case <-deadline.C:
			t.Fatalf("still waiting for %s after %v", what, limit)
		}
	}
}

// Settle waits for the bridge's work and runs what it hands to the window,
// and what that starts, until nothing is left.
func (l *Loop) Settle(b *bridge.Bridge) {
	for {
		b.Wait()
		if !l.RunPending() {
			return
		}
	}
}
