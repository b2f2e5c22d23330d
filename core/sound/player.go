package sound

import (
	"log"
	"sync"
)

// Player plays Beep, and Alert for an invoice that must not be paid. The
// first sound opens the audio device, in the
// background; on a computer without one (a server, a CI machine) it plays
// nothing, which is logged once. The zero value is ready to use, and any
// number of players share the one device.
type Player struct {
	logged sync.Once
}

// output is what the platform plays through.
type output interface {
	// play starts the sound from its beginning, cutting short one playing.
	play()
}

var (
	// device is opened once a process, oto allowing one context: the beep,
	// then the alert.
	device   = sync.OnceValues(func() ([]output, error) { return openOutput(Beep(Rate), Alert(Rate)) })
	deviceMu sync.Mutex
)

// NewPlayer returns a player; nothing is opened until the first sound.
func NewPlayer() *Player { return &Player{} }

// Beep plays the capture signal. It does not wait: the sound plays on.
func (p *Player) Beep() { p.play(0) }

// Warn plays the alert: an invoice taken in that the history says must
// not be paid again. It does not wait.
func (p *Player) Warn() { p.play(1) }

func (p *Player) play(i int) {
	go func() {
		outs, err := device()
		if err != nil {
			p.logged.Do(func() { log.Printf("sound: no sound on capture: %v", err) })
			return
		}
		deviceMu.Lock()
		defer deviceMu.Unlock()
		outs[i].play()
	}()
}
