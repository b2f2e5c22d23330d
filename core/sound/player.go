package sound

import (
	"log"
	"sync"
)

// Player plays Beep. The first Beep opens the audio device, in the
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
	// device is opened once a process: oto allows one context.
	device   = sync.OnceValues(func() (output, error) { return openOutput(Beep(Rate)) })
	deviceMu sync.Mutex
)

// NewPlayer returns a player; nothing is opened until the first Beep.
func NewPlayer() *Player { return &Player{} }

// Beep plays the capture signal. It does not wait: the sound plays on.
func (p *Player) Beep() {
	go func() {
		out, err := device()
		if err != nil {
			p.logged.Do(func() { log.Printf("sound: no beep on capture: %v", err) })
			return
		}
		deviceMu.Lock()
		defer deviceMu.Unlock()
		out.play()
	}()
}
