//go:build cgo && linux && !android

package sound

// #cgo pkg-config: alsa
// #include <alsa/asoundlib.h>
//
// static void quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
// static void silence(void) { snd_lib_error_set_handler(quiet); }
import "C"

// quietALSA stops libasound printing a dozen lines on stderr when a machine
// has no sound card; why the device could not be opened still comes back
// as an error, which is logged once.
func quietALSA() { C.silence() }
