package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/zalando/go-keyring"
)

// probeTimeout bounds the first round trip to the keyring: a Secret
// Service that never answers must not hold up the window.
const probeTimeout = 3 * time.Second

// probeName is the entry written and removed again to see that the
// keyring works.
const probeName = "fapiao.probe"

// KeyringStore keeps secrets in the operating system's keyring: the
// Credential Manager on Windows, the Keychain on macOS, the Secret Service
// (GNOME Keyring, KWallet) elsewhere. Entries carry the data folder in
// their service name, so two histories never share a secret.
//
// Secrets stored in the data folder's file while no keyring answered are
// still read, and move to the keyring when they are set again.
type KeyringStore struct {
	service string
	file    *FileStore
}

var _ Store = (*KeyringStore)(nil)

// NewKeyring returns the keyring store of the data folder dataDir.
func NewKeyring(dataDir string) *KeyringStore {
	dir := dataDir
	if abs, err := filepath.Abs(dataDir); err == nil {
		dir = abs
	}
	return &KeyringStore{service: "fapiao:" + filepath.Clean(dir), file: NewFile(dataDir)}
}

// Where names the keyring.
func (k *KeyringStore) Where() string {
	switch runtime.GOOS {
	case "windows":
		return "Windows Credential Manager"
	case "darwin":
		return "macOS Keychain"
	}
	return "Secret Service"
}

// Get returns the secret called name.
func (k *KeyringStore) Get(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	v, err := keyring.Get(k.service, name)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, keyring.ErrNotFound) {
		return "", fmt.Errorf("read secret %q from %s: %w", name, k.Where(), err)
	}
	v, err = k.file.Get(name)
	if errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("secret %q in %s: %w", name, k.Where(), ErrNotFound)
	}
	return v, err
}

// Set stores value under name, and removes an older copy from the file.
func (k *KeyringStore) Set(name, value string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := keyring.Set(k.service, name, value); err != nil {
		return fmt.Errorf("store secret %q in %s: %w", name, k.Where(), err)
	}
	// The keyring's copy is read first, so a damaged file cannot make this
	// set fail; its own error shows when it is read or deleted from.
	if err := k.file.Delete(name); err != nil && !errors.Is(err, ErrCorrupt) {
		return err
	}
	return nil
}

// Delete removes name from the keyring and from the file.
func (k *KeyringStore) Delete(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := keyring.Delete(k.service, name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("remove secret %q from %s: %w", name, k.Where(), err)
	}
	return k.file.Delete(name)
}

// works writes a random probe entry, reads it back and removes it, within
// timeout. A keyring that is locked asks the user to unlock it here.
func (k *KeyringStore) works(timeout time.Duration) bool {
	done := make(chan bool, 1)
	go func() { done <- k.probe() }()
	select {
	case ok := <-done:
		return ok
	case <-time.After(timeout):
		return false
	}
}

func (k *KeyringStore) probe() bool {
	b := make([]byte, 16)
	rand.Read(b)
	want := hex.EncodeToString(b)
	if err := keyring.Set(k.service, probeName, want); err != nil {
		return false
	}
	got, err := keyring.Get(k.service, probeName)
	keyring.Delete(k.service, probeName)
	return err == nil && got == want
}
