package env

import (
	"errors"
	"io/fs"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// fileErrors name what is wrong with a file the clerk opened, by kind.
var fileErrors = []struct {
	err error
	key string
}{
	{document.ErrEncrypted, "error.file.encrypted"},
	{document.ErrCorrupt, "error.file.corrupt"},
	{imaging.ErrCorrupt, "error.file.corrupt"},
	{document.ErrTooLarge, "error.file.too_large"},
	{imaging.ErrTooLarge, "error.file.too_large"},
	{document.ErrUnsafe, "error.file.unsafe"},
	{document.ErrNotInvoice, "error.file.not_invoice"},
	{document.ErrTimeout, "error.file.timeout"},
	{document.ErrUnsupported, "error.file.unsupported"},
	{imaging.ErrUnsupported, "error.file.unsupported"},
	{fs.ErrNotExist, "error.file.not_found"},
	{fs.ErrPermission, "error.file.permission"},
}

// ErrorText says what went wrong in the clerk's language, by the error's kind.
func ErrorText(tr *Translator, err error) string {
	switch {
	case errors.Is(err, store.ErrBusy):
		return tr.T("error.busy")
	case errors.Is(err, store.ErrTransition):
		return tr.T("error.transition")
	case errors.Is(err, store.ErrStale):
		return tr.T("error.stale")
	case errors.Is(err, store.ErrUnconfirmed):
		return tr.T("error.unconfirmed")
	case errors.Is(err, store.ErrNotFound):
		return tr.T("error.not_found")
	}
	for _, f := range fileErrors {
		if errors.Is(err, f.err) {
			return tr.T(f.key)
		}
	}
	return tr.F("error.other", err)
}
