package bridge_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// newQueue is a test app whose fyne.Do queues for the test to run, as the
// UI goroutine would.
func newQueue(t *testing.T) *uitest.Loop {
	_, loop := uitest.NewApp(t)
	return loop
}

func TestRunHandsTheResultToTheUIGoroutine(t *testing.T) {
	q := newQueue(t)
	b := bridge.New()
	var got []string
	bridge.Run(b, context.Background(), func(context.Context) (string, error) { return "page 1", nil },
		func(v string, err error) { got = append(got, v) })
	failed := errors.New("busy")
	b.Exec(context.Background(), func(context.Context) error { return failed },
		func(err error) { got = append(got, err.Error()) })
	b.Wait()
	if len(got) != 0 {
		t.Fatalf("results %q delivered off the UI goroutine", got)
	}
	if !q.RunPending() || len(got) != 2 {
		t.Fatalf("%q delivered; want 2 results", got)
	}
}

func TestLatestDropsWhatANewerRequestOvertook(t *testing.T) {
	q := newQueue(t)
	b := bridge.New()
	l := bridge.NewLatest[string](b)
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
	q.RunUntil(t, time.Minute, "the newer result", func() bool { return len(got) > 0 })
	close(slow)
	b.Wait()
	q.RunPending()
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
	q.RunPending()
	if len(got) != 1 {
		t.Errorf("a cancelled request delivered: %q", got)
	}
}

func TestHoldNextHoldsOnlyTheNext(t *testing.T) {
	q := newQueue(t)
	b := bridge.New()
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
	q.RunPending()
}

func TestAfterRunsUnlessStopped(t *testing.T) {
	q := newQueue(t)
	b := bridge.New()
	ran := 0
	stop := b.After(time.Hour, func() { ran++ })
	if !stop() {
		t.Error("a pending call could not be stopped")
	}
	b.After(time.Millisecond, func() { ran++ })
	b.Wait() // returns once the stopped call is forgotten and the other queued
	q.RunPending()
	if ran != 1 {
		t.Errorf("%d calls ran, want the one not stopped", ran)
	}
}
