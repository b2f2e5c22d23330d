//go:build cgo && linux && !android

package sound

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOutputOnNullDevice plays the beep through oto and ALSA for real, into
// ALSA's null device, which every machine with libasound has, sound card or
// not.
func TestOutputOnNullDevice(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte("pcm.!default { type null }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	outs, err := openOutput(Beep(Rate), Alert(Rate))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range append(outs, outs[0]) {
		o := out.(*otoOutput)
		o.play()
		// A null device can take the whole sound at once: played then.
		if !o.p.IsPlaying() && o.src.unread() > 0 {
			t.Fatal("the beep is not playing, nor was it played")
		}
		if err := o.p.Err(); err != nil {
			t.Fatal(err)
		}
	}
}
