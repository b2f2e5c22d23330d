package camera

import (
	"context"
	"sync"
)

// mailbox holds at most one frame between the reader and the decoder: a
// new frame replaces one not yet taken, so the decoder always gets the
// newest and never works through a backlog.
type mailbox[T any] struct {
	mu      sync.Mutex
	f       T
	full    bool
	closed  bool
	dropped uint64
	ready   chan struct{} // a token when there may be something to take
}

func newMailbox[T any]() *mailbox[T] { return &mailbox[T]{ready: make(chan struct{}, 1)} }

// put leaves f, replacing a frame not yet taken; it reports whether one was.
func (m *mailbox[T]) put(f T) bool {
	m.mu.Lock()
	dropped := m.full
	if dropped {
		m.dropped++
	}
	m.f, m.full = f, true
	m.mu.Unlock()
	m.signal()
	return dropped
}

// close says no frame will come after the one waiting, if any.
func (m *mailbox[T]) close() {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.signal()
}

func (m *mailbox[T]) signal() {
	select {
	case m.ready <- struct{}{}:
	default:
	}
}

// take waits for a frame. It reports false once the mailbox is closed and
// empty, or when ctx is done.
func (m *mailbox[T]) take(ctx context.Context) (T, bool) {
	var none T
	for {
		m.mu.Lock()
		if m.full {
			f := m.f
			m.f, m.full = none, false
			m.mu.Unlock()
			return f, true
		}
		closed := m.closed
		m.mu.Unlock()
		if closed {
			return none, false
		}
		select {
		case <-m.ready:
		case <-ctx.Done():
			return none, false
		}
	}
}

// Dropped is how many frames were replaced before being taken.
func (m *mailbox[T]) Dropped() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dropped
}
