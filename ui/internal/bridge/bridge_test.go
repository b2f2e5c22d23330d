package bridge

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// queueDriver queues fyne.Do as a desktop driver does; the test runs the
// queue, as the UI goroutine would.
type queueDriver struct {
	fyne.Driver
	mu    sync.Mutex
	queue []func()
}

func (d *queueDriver) DoFromGoroutine(fn func(), _ bool) {
	d.mu.Lock()
	d.queue = append(d.queue, fn)
	d.mu.Unlock()
}

func (d *queueDriver) run() int {
	d.mu.Lock()
	q := d.queue
	d.queue = nil
	d.mu.Unlock()
	for _, fn := range q {
		fn()
	}
	return len(q)
}

type queueApp struct {
	fyne.App
	drv *queueDriver
}

func (a queueApp) Driver() fyne.Driver { return a.drv }

func newQueue(t *testing.T) *queueDriver {
	a := test.NewTempApp(t)
	d := &queueDriver{Driver: a.Driver()}
	fyne.SetCurrentApp(queueApp{App: a, drv: d})
	return d
}

func TestRunHandsTheResultToTheUIGoroutine(t *testing.T) {
	q := newQueue(t)
	b := New()
	var got []string
	Run(b, context.Background(), func(context.Context) (string, error) { return "page 1", nil },
		func(v string, err error) { got = append(got, v) })
	failed := errors.New("busy")
	b.Exec(context.Background(), func(context.Context) error { return failed },
		func(err error) { got = append(got, err.Error()) })
	b.Wait()
	if len(got) != 0 {
		t.Fatalf("results %q delivered off the UI goroutine", got)
	}
	if n := q.run(); n != 2 || len(got) != 2 {
		t.Fatalf("%d results queued, %q delivered; want 2", n, got)
	}
}

func TestLatestDropsWhatANewerRequestOvertook(t *testing.T) {
	q := newQueue(t)
	b := New()
	l := NewLatest[string](b)
	slow := make(chan struct{})
	var cancelled error
	var got []string
	l.Run(func(ctx context.Context) (string, error) {
		<-slow
		cancelled = ctx.Err()
		return "old", nil
	}, func(v string, _ error) { got = append(got, v) })
	l.Run(func(context.Context) (string, error) { return "new", nil },
		func(v string, _ error) { got = append(got, v) })
	if !l.Busy() {
		t.Error("not busy with a request in flight")
	}
	// The newer request finishes first, then the older one.
	for len(got) == 0 {
		q.run()
	}
	close(slow)
	b.Wait()
	q.run()
	if len(got) != 1 || got[0] != "new" {
		t.Errorf("delivered %q, want only the newest", got)
	}
	if !errors.Is(cancelled, context.Canceled) {
		t.Errorf("the overtaken request's context: %v, want cancelled", cancelled)
	}
	if l.Busy() {
		t.Error("still busy when everything is delivered")
	}

	l.Run(func(context.Context) (string, error) { return "dropped", nil },
		func(v string, _ error) { got = append(got, v) })
	l.Cancel()
	b.Wait()
	q.run()
	if len(got) != 1 {
		t.Errorf("a cancelled request delivered: %q", got)
	}
}

func TestHoldNextHoldsOnlyTheNext(t *testing.T) {
	q := newQueue(t)
	b := New()
	release := b.HoldNext()
	started := make(chan string, 2)
	b.Go(func() { started <- "held" })
	b.Go(func() { started <- "free" })
	if s := <-started; s != "free" {
		t.Fatalf("%s started first", s)
	}
	release()
	if s := <-started; s != "held" {
		t.Fatalf("%s started after the release", s)
	}
	b.Wait()
	q.run()
}

func TestAfterRunsUnlessStopped(t *testing.T) {
	q := newQueue(t)
	b := New()
	ran := 0
	stop := b.After(time.Hour, func() { ran++ })
	if !stop() {
		t.Error("a pending call could not be stopped")
	}
	b.After(time.Millisecond, func() { ran++ })
	b.Wait() // returns once the stopped call is forgotten and the other queued
	q.run()
	if ran != 1 {
		t.Errorf("%d calls ran, want the one not stopped", ran)
	}
}
