//go:build cgo || windows || darwin

package sound

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ebitengine/oto/v3"
)

// otoOutput plays one sound, over and over, through oto, which opens ALSA
// on Linux (through cgo), WASAPI on Windows and Core Audio on macOS.
type otoOutput struct {
	p *oto.Player
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
		outs[i] = &otoOutput{p: ctx.NewPlayer(bytes.NewReader(pcm))}
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
