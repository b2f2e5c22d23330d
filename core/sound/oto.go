//go:build cgo || windows || darwin

package sound

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/ebitengine/oto/v3"
)

// otoOutput plays one sound, over and over, through oto, which opens ALSA
// on Linux (through cgo), WASAPI on Windows and Core Audio on macOS.
type otoOutput struct {
	p   *oto.Player
	src *lockedReader
}

// openOutput opens the audio device for each of pcms (Rate, mono, 16-bit):
// one output each, in order. oto allows one context a process: call it once.
func openOutput(pcms ...[]byte) ([]output, error) {
	quietALSA()
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: Rate, ChannelCount: 1, Format: oto.FormatSignedInt16LE})
	if err != nil {
		return nil, fmt.Errorf("open audio: %w", err)
	}
	<-ready
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open audio: %w", err)
	}
	outs := make([]output, len(pcms))
	for i, pcm := range pcms {
		src := &lockedReader{r: bytes.NewReader(pcm)}
		outs[i] = &otoOutput{p: ctx.NewPlayer(src), src: src}
	}
	return outs, nil
}

func (o *otoOutput) play() {
	o.p.Pause()
	if _, err := o.p.Seek(0, io.SeekStart); err != nil {
		return
	}
	o.p.Play()
}

// lockedReader is a sound's samples read under a lock: oto reads a player's
// source from its mixing loop and from the goroutine Play starts, at the
// same time when a sound is played again at once.
type lockedReader struct {
	mu sync.Mutex
	r  *bytes.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

func (l *lockedReader) Seek(offset int64, whence int) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Seek(offset, whence)
}

// unread is how many bytes of the sound are still to be read.
func (l *lockedReader) unread() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Len()
}
