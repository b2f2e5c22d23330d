//go:build cgo && !windows && !linux && !noocr

package ocr

// singleThreaded is only needed where Tesseract is built with libgomp
// (Linux distributions); elsewhere OMP_THREAD_LIMIT, set before the engine
// starts, is what there is.
func singleThreaded() bool { return false }

func openMPLevels() int { return -1 }

// quietImaging: Leptonica's messages stay as its build has them.
func quietImaging() {}
