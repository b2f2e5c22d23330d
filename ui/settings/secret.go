package settings

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// secretField is a password entry for a secret kept in the keyring: it
// never shows the secret, only whether one is stored.
type secretField struct {
	entry *widget.Entry
	saved bool
}

func newSecretField() *secretField { return &secretField{entry: widget.NewPasswordEntry()} }

// showState says in the empty field whether a secret is stored.
func (f *secretField) showState(tr *env.Translator) {
	key := "settings.secret.unset"
	if f.saved {
		key = "settings.secret.saved"
	}
	f.entry.SetPlaceHolder(tr.T(key))
}

// loaded takes note of whether a secret is stored, as read in the
// background.
func (f *secretField) loaded(tr *env.Translator, saved bool) {
	f.saved = f.saved || saved
	f.showState(tr)
}

// save runs fn, which saves a section holding f, in the background, then
// says so with the message doneKey, or why not.
func (f *secretField) save(s *Screen, doneKey string, fn func(ctx context.Context) error) {
	e := s.e
	typed := f.entry.Text
	e.Bridge.Exec(context.Background(), fn, func(err error) {
		if err != nil {
			s.show(secretErrorText(e.Tr, err))
			return
		}
		f.stored(e.Tr, typed)
		s.show(e.Tr.T(doneKey))
	})
}

// stored takes note that typed was saved: the field is emptied (unless the
// clerk typed on meanwhile) and says a secret is stored.
func (f *secretField) stored(tr *env.Translator, typed string) {
	f.saved = f.saved || strings.TrimSpace(typed) != ""
	if f.entry.Text == typed {
		f.entry.SetText("")
	}
	f.showState(tr)
}
