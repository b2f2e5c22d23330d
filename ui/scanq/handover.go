package scanq

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// handover passes a batch's items from its goroutine to the queue on the UI
// goroutine. At most one hand-over waits for the UI goroutine at a time, and
// hand-overs are spaced by flushEvery or by three times what the last one
// took there, whichever is longer: a window slow to refresh gets fewer,
// larger hand-overs rather than a backlog, and still has time for the clerk.
type handover struct {
	apply func([]*queueItem) // on the UI goroutine

	mu      sync.Mutex
	pending []*queueItem
	queued  bool
	next    time.Time // no hand-over before
}

func newHandover(apply func([]*queueItem)) *handover {
	return &handover{apply: apply, next: time.Now().Add(flushEvery)}
}

// add queues items, and hands them over when one is due.
func (h *handover) add(items []*queueItem) {
	h.mu.Lock()
	h.pending = append(h.pending, items...)
	due := !h.queued && !time.Now().Before(h.next)
	h.queued = h.queued || due
	h.mu.Unlock()
	if due {
		fyne.Do(h.flush)
	}
}

// flush hands over what is pending; it runs on the UI goroutine.
func (h *handover) flush() {
	start := time.Now()
	h.mu.Lock()
	batch := h.pending
	h.pending = nil
	h.mu.Unlock()
	h.apply(batch)
	h.mu.Lock()
	h.queued = false
	h.next = time.Now().Add(max(flushEvery, 3*time.Since(start)))
	h.mu.Unlock()
}
