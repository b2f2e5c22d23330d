// Package membudget shares one memory ceiling among the files read at once:
// before decoding, a reader reserves what the file will cost (its pixels,
// the PDF engine's memory), waits while other files hold the rest, and
// gives it back when done. A batch then stays under the ceiling whatever
// the number of workers, and a file that alone would pass it is refused.
package membudget

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"

	"github.com/fapiaoscanner/fapiao/core/infile"
)

// Ceiling is what the files being read at once may cost together. With
// what the program needs besides (its code, the PDF engine's compiled
// code, the window) the process stays under about 1 GB.
const Ceiling = 768 << 20

// ErrTooLarge is a reservation larger than the whole budget: the file
// could never be read within it.
var ErrTooLarge = errors.New("needs more memory than one file may use")

// Budget is a count of bytes that readers reserve and give back.
type Budget struct {
	mu    sync.Mutex
	total int64
	free  int64
	// freed is closed, and replaced, whenever bytes are given back.
	freed chan struct{}
}

// New makes a budget of total bytes.
func New(total int64) *Budget {
	return &Budget{total: total, free: total, freed: make(chan struct{})}
}

// Default is the budget every reader in the process shares.
var Default = New(Ceiling)

// Reserve takes n bytes from the budget, waiting until they are free or
// ctx is done. release gives them back; it may be called more than once.
// A reservation larger than the whole budget fails with ErrTooLarge.
func (b *Budget) Reserve(ctx context.Context, n int64) (release func(), err error) {
	if n > b.total {
		return nil, fmt.Errorf("%s, more than the %s a file may use: %w", infile.Size(n), infile.Size(b.total), ErrTooLarge)
	}
	n = max(n, 0)
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { b.give(n) }) }, nil
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *Budget) give(n int64) {
	b.mu.Lock()
	b.free += n
	close(b.freed)
	b.freed = make(chan struct{})
	b.mu.Unlock()
}

// Free is what is not reserved now.
func (b *Budget) Free() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.free
}

// LimitGC asks the Go runtime to collect garbage harder as the process
// nears the ceiling, so that pixels already given back do not hold memory
// while the next file reserves its own. GOMEMLIMIT, when set, wins.
func LimitGC() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(Ceiling + 128<<20)
	}
}
