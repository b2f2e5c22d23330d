// Package secrets keeps the few secrets Fapiao needs (the SM4 keys of sealed
// QR codes, the gateway's secret) out of the history and the preferences: in
// the operating system's keyring where one answers, else in a file of the
// data folder that only its owner can read.
package secrets

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// Error kinds, for errors.Is.
var (
	// ErrNotFound: no secret by that name.
	ErrNotFound = errors.New("secret not found")
	// ErrCorrupt: the secrets file cannot be read as one; nothing is
	// written over it, so that what it held can still be rescued.
	ErrCorrupt = errors.New("the secrets file is damaged")
)

// Store is a set of named secrets. Its methods are safe for concurrent use.
type Store interface {
	// Get returns the secret called name, or an error wrapping ErrNotFound.
	Get(name string) (string, error)
	// Set stores value under name, replacing what was there.
	Set(name, value string) error
	// Delete removes name; removing a name that is not there is no error.
	Delete(name string) error
	// Where says where the secrets are kept: the keyring's name, or the
	// file's path. It holds no translatable words.
	Where() string
}

// EnvBackend names the environment variable that chooses the store:
// "file" for the file even where a keyring answers (tests, headless
// machines), "keyring" for the keyring without probing it first.
const EnvBackend = "FAPIAO_SECRETS"

// Open returns the store for the history kept in dataDir. Secrets of
// different data folders are kept apart. The keyring is used when a probe
// entry can be written and read back there, else the file; the choice is
// made on first use, so opening costs nothing when no secret is needed.
func Open(dataDir string) Store {
	return &auto{dir: dataDir}
}

// auto picks the keyring or the file on first use.
type auto struct {
	dir  string
	once sync.Once
	s    Store
}

var _ Store = (*auto)(nil)

func (a *auto) store() Store {
	a.once.Do(func() {
		switch os.Getenv(EnvBackend) {
		case "file":
			a.s = NewFile(a.dir)
		case "keyring":
			a.s = NewKeyring(a.dir)
		default:
			k := NewKeyring(a.dir)
			if k.works(probeTimeout) {
				a.s = k
			} else {
				a.s = NewFile(a.dir)
			}
		}
	})
	return a.s
}

func (a *auto) Get(name string) (string, error) { return a.store().Get(name) }
func (a *auto) Set(name, value string) error    { return a.store().Set(name, value) }
func (a *auto) Delete(name string) error        { return a.store().Delete(name) }
func (a *auto) Where() string                   { return a.store().Where() }

// checkName refuses names that would be awkward as keyring attributes or
// file keys: empty, very long, or holding spaces or control characters.
func checkName(name string) error {
	if name == "" || len(name) > 200 {
		return fmt.Errorf("secret name %q: empty or longer than 200 bytes", name)
	}
	for _, r := range name {
		if r <= ' ' || r == 0x7f {
			return fmt.Errorf("secret name %q: spaces and control characters are not allowed", name)
		}
	}
	return nil
}
