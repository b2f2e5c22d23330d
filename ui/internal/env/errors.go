package env

import (
	"errors"

	"github.com/fapiaoscanner/fapiao/core/store"
)

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
	return tr.F("error.other", err)
}
