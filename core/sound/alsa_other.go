//go:build !(cgo && linux && !android)

package sound

// quietALSA: only Linux's libasound prints on its own.
func quietALSA() {}
