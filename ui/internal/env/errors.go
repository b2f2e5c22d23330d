package env

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// fileErrors name what is wrong with a document or picture read, by kind.
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
}

// ErrorText says what went wrong in the clerk's language, by the error's kind.
func ErrorText(tr *Translator, err error) string {
	var ee *store.EntryError
	if errors.As(err, &ee) {
		// Typed values refused: each reason as the history gives it.
		var lines []string
		for _, f := range ee.Findings {
			lines = append(lines, Sentence(f.Text(tr.Lang())))
		}
		return strings.Join(lines, "\n")
	}
	switch {
	case errors.Is(err, store.ErrUnreachable):
		return tr.T("error.unreachable")
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
	case errors.Is(err, context.DeadlineExceeded):
		// A wait the window bounds itself (closing, it waits only so
		// long for the history).
		return tr.T("error.no_answer")
	}
	for _, f := range fileErrors {
		if errors.Is(err, f.err) {
			return tr.T(f.key)
		}
	}
	return tr.F("error.other", err)
}

// FileErrorText says why a file the clerk opened could not be read, in the
// clerk's language: by its kind, and a file gone or forbidden as such
// (ErrorText leaves those to say which file, as when an export's folder is
// missing).
func FileErrorText(tr *Translator, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return tr.T("error.file.not_found")
	case errors.Is(err, fs.ErrPermission):
		return tr.T("error.file.permission")
	}
	return ErrorText(tr, err)
}
