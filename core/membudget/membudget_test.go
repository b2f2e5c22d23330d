package membudget

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Readers that together would pass the budget take turns; one that alone
// would pass it is refused at once.
func TestReserve(t *testing.T) {
	b := New(100)
	ctx := context.Background()
	if _, err := b.Reserve(ctx, 101); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("101 of 100: err = %v", err)
	}
	r1, err := b.Reserve(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func())
	go func() {
		r2, err := b.Reserve(ctx, 60)
		if err != nil {
			t.Error(err)
		}
		got <- r2
	}()
	select {
	case <-got:
		t.Fatal("60 + 60 reserved out of 100")
	case <-time.After(50 * time.Millisecond):
	}
	r1()
	r1() // a second release gives nothing back
	r2 := <-got
	if f := b.Free(); f != 40 {
		t.Errorf("free = %d, want 40", f)
	}
	r2()
	if f := b.Free(); f != 100 {
		t.Errorf("free = %d, want 100", f)
	}
	r3, _ := b.Reserve(ctx, 100)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := b.Reserve(cctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the deadline: err = %v", err)
	}
	r3()
}
