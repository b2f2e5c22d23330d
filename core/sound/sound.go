// Package sound plays the window's two signals: the beep that tells a
// clerk holding an invoice up to the camera that it was taken in, and the
// alert for one the history says must not be paid (already reimbursed,
// blacklisted): tones made in code, played through the computer's audio by
// oto.
package sound

import (
	"encoding/binary"
	"math"
	"time"
)

// Rate is the sample rate of the generated sound, in samples a second.
const Rate = 44100

// Tone returns a sine tone at hz lasting d as signed 16-bit little-endian
// mono samples at rate, at volume (0 to 1). Its ends are faded over a few
// milliseconds: a tone cut off sharply clicks.
func Tone(hz float64, d time.Duration, volume float64, rate int) []byte {
	n := int(d.Seconds() * float64(rate))
	fade := min(rate*4/1000, n/2)
	out := make([]byte, 2*n)
	for i := range n {
		v := math.Sin(2 * math.Pi * hz * float64(i) / float64(rate))
		switch {
		case i < fade:
			v *= float64(i) / float64(fade)
		case i >= n-fade:
			v *= float64(n-1-i) / float64(fade)
		}
		binary.LittleEndian.PutUint16(out[2*i:], uint16(int16(math.Round(v*volume*math.MaxInt16))))
	}
	return out
}

// Beep is the capture signal at rate: two short rising tones, as a
// supermarket till sounds, so that it reads as "done" rather than as an alarm.
func Beep(rate int) []byte {
	out := Tone(1320, 70*time.Millisecond, 0.35, rate)
	out = append(out, make([]byte, 2*rate*25/1000)...)
	return append(out, Tone(1760, 90*time.Millisecond, 0.35, rate)...)
}

// Alert is the signal for an invoice that must not be paid, at rate: three
// low falling tones, unlike the beep, so that a clerk looking at the paper
// rather than the screen hears that something is wrong.
func Alert(rate int) []byte {
	gap := make([]byte, 2*rate*40/1000)
	out := Tone(523, 120*time.Millisecond, 0.4, rate)
	out = append(append(out, gap...), Tone(440, 120*time.Millisecond, 0.4, rate)...)
	return append(append(out, gap...), Tone(349, 200*time.Millisecond, 0.4, rate)...)
}
