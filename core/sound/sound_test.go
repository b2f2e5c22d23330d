package sound

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

func samples(pcm []byte) []int16 {
	s := make([]int16, len(pcm)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(pcm[2*i:]))
	}
	return s
}

func TestTone(t *testing.T) {
	cases := []struct {
		hz     float64
		d      time.Duration
		volume float64
		rate   int
	}{
		{1000, 100 * time.Millisecond, 0.5, 44100},
		{440, 20 * time.Millisecond, 1, 8000},
		{1760, 3 * time.Millisecond, 0.35, 48000}, // shorter than two fades
	}
	for _, c := range cases {
		pcm := Tone(c.hz, c.d, c.volume, c.rate)
		s := samples(pcm)
		if want := int(c.d.Seconds() * float64(c.rate)); len(s) != want || len(pcm)%2 != 0 {
			t.Errorf("%v Hz %v: %d samples, want %d", c.hz, c.d, len(s), want)
			continue
		}
		peak, crossings := 0.0, 0
		for i, v := range s {
			peak = math.Max(peak, math.Abs(float64(v)))
			if i > 0 && (s[i-1] < 0) != (v < 0) {
				crossings++
			}
		}
		if limit := c.volume * math.MaxInt16; peak > limit+1 || peak < limit/3 {
			t.Errorf("%v Hz %v: peak %v, want up to %v", c.hz, c.d, peak, limit)
		}
		// A clean start and end: no click.
		if a, b := math.Abs(float64(s[0])), math.Abs(float64(s[len(s)-1])); a > 200 || b > 200 {
			t.Errorf("%v Hz %v: starts at %v, ends at %v; want near 0", c.hz, c.d, a, b)
		}
		if want := 2 * c.hz * c.d.Seconds(); math.Abs(float64(crossings)-want) > 3 {
			t.Errorf("%v Hz %v: %d zero crossings, want about %.0f", c.hz, c.d, crossings, want)
		}
	}
}

func TestBeep(t *testing.T) {
	s := samples(Beep(Rate))
	if d := time.Duration(len(s)) * time.Second / Rate; d < 150*time.Millisecond || d > 250*time.Millisecond {
		t.Errorf("beep lasts %v, want a short one", d)
	}
	// The gap between the two tones is silent.
	gap := s[Rate*75/1000 : Rate*90/1000]
	for _, v := range gap {
		if v != 0 {
			t.Fatalf("gap has sound %d", v)
		}
	}
}

// The alert is not the beep: longer, and lower throughout.
func TestAlert(t *testing.T) {
	a, b := samples(Alert(Rate)), samples(Beep(Rate))
	if len(a) <= len(b) {
		t.Errorf("alert of %d samples, beep of %d: want a longer alert", len(a), len(b))
	}
	crossings := func(s []int16) int {
		n := 0
		for i := 1; i < len(s); i++ {
			if (s[i-1] < 0) != (s[i] < 0) {
				n++
			}
		}
		return n
	}
	// Zero crossings a second: the pitch, averaged.
	if pa, pb := float64(crossings(a))/float64(len(a)), float64(crossings(b))/float64(len(b)); pa*2 > pb {
		t.Errorf("alert pitch %.4f, beep %.4f crossings a sample: want the alert far lower", pa, pb)
	}
}
