//go:build cgo && linux && !noocr

package ocr

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>

// quietLept raises Leptonica's message threshold to L_SEVERITY_NONE (6):
// the library Tesseract draws with prints its errors on stderr. Nothing
// when the process has no Leptonica.
static void quietLept(void) {
	int (*set)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "setMsgSeverity");
	if (set != NULL) {
		set(6);
	}
}
*/
import "C"

// quietImaging keeps Leptonica's messages off stderr. Tesseract segments
// a region with it and, on a crop whose print touches its edge, Leptonica
// writes "Error in boxClipToRectangle: box outside rectangle" and reads on:
// no error of the read, but one a clerk running `fapiao scan` would take
// for a failure. A process without Leptonica is left as it is.
func quietImaging() { C.quietLept() }
