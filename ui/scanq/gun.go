package scanq

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// gunPause is how long the keystrokes must stop for a scanner gun's payload
// to count as complete: guns type a code in a few tens of milliseconds and
// not all of them end it with Enter.
const gunPause = 150 * time.Millisecond

// gunEntry is the one-line entry a scanner gun types into. It hands over a
// payload when the gun presses Enter or pauses, and a paste as a paste, so
// that the history records how each code came in.
type gunEntry struct {
	widget.Entry

	onScan  func(text string) // a complete payload from the gun
	onPaste func()            // Ctrl+V while the entry has the focus
	// shortcuts are the window's, by name, handled here while focused.
	shortcuts map[string]func()

	mu    sync.Mutex
	timer *time.Timer
	gen   int // bumped by every change, so a stale timer does nothing
}

func newGunEntry(onScan func(string), onPaste func()) *gunEntry {
	e := &gunEntry{onScan: onScan, onPaste: onPaste, shortcuts: map[string]func(){}}
	e.ExtendBaseWidget(e)
	// OnChanged, not key events: an active input method only commits text.
	e.OnChanged = e.changed
	e.OnSubmitted = func(string) { e.flush(-1) }
	return e
}

// TypedShortcut sends a paste to the paste path instead of into the entry.
func (e *gunEntry) TypedShortcut(s fyne.Shortcut) {
	if _, ok := s.(*fyne.ShortcutPaste); ok && e.onPaste != nil {
		e.onPaste()
		return
	}
	// The entry keeps the focus for the gun, so the window's own shortcuts
	// (Ctrl+F, Ctrl+1…) must work from here too.
	if fn, ok := e.shortcuts[s.ShortcutName()]; ok {
		fn()
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *gunEntry) changed(text string) {
	if text == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	gen := e.gen
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(gunPause, func() {
		// The lock orders this after the keystrokes that armed the timer.
		e.mu.Lock()
		stale := gen != e.gen
		e.mu.Unlock()
		if !stale {
			fyne.Do(func() { e.flush(gen) })
		}
	})
}

// flush hands over the entry's text when gen is still the latest change
// (-1: whatever it is, for Enter), and empties the entry for the next code.
func (e *gunEntry) flush(gen int) {
	e.mu.Lock()
	if gen >= 0 && gen != e.gen {
		e.mu.Unlock()
		return
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.gen++
	e.mu.Unlock()

	text := env.NormalizeGun(e.Text)
	e.SetText("")
	if text != "" && e.onScan != nil {
		e.onScan(text)
	}
}
