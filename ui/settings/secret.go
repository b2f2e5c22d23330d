package settings

import (
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

// stored takes note that typed was saved: the field is emptied (unless the
// clerk typed on meanwhile) and says a secret is stored.
func (f *secretField) stored(tr *env.Translator, typed string) {
	f.saved = f.saved || strings.TrimSpace(typed) != ""
	if f.entry.Text == typed {
		f.entry.SetText("")
	}
	f.showState(tr)
}
