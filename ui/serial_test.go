package ui

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// newSerialApp is test.NewTempApp with fyne.Do run one call at a time, as
// on a desktop driver's one UI goroutine. The test driver runs each call at
// once on the goroutine that makes it, so two goroutines' calls (a batch's
// and a picture's) would change widgets side by side.
func newSerialApp(t *testing.T) fyne.App {
	a := test.NewTempApp(t)
	s := &serialApp{App: a, drv: &serialDriver{Driver: a.Driver()}}
	fyne.SetCurrentApp(s)
	return s
}

type serialApp struct {
	fyne.App
	drv *serialDriver
}

func (a *serialApp) Driver() fyne.Driver { return a.drv }

type serialDriver struct {
	fyne.Driver
	mu    sync.Mutex
	owner atomic.Uint64 // the goroutine running a call, 0 when none
}

func (d *serialDriver) DoFromGoroutine(f func(), _ bool) {
	id := goroutineID()
	if d.owner.Load() == id { // a call made by a call runs in place
		f()
		return
	}
	d.mu.Lock()
	d.owner.Store(id)
	defer func() {
		d.owner.Store(0)
		d.mu.Unlock()
	}()
	f()
}

func goroutineID() uint64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _ := strconv.ParseUint(s[:strings.IndexByte(s, ' ')], 10, 64)
	return id
}
