// Package config reads and writes the settings that span the history and
// the secret store: the fw199 gateway's credentials, the invoice check
// providers' credentials and the keys of sealed QR codes. The window and the command line both go through it, so what is
// set in one is used by the other. What is not secret (an AppID, a public
// key) is kept in the history's settings, whose changes are audited; what
// is secret goes to a secrets.Store and never into the history.
package config

import (
	"context"
	"errors"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Error kinds, for errors.Is. The window maps them to its own wording.
var (
	// ErrNoGateway: the gateway's AppID or secret is not configured.
	ErrNoGateway = errors.New("fw199 gateway credentials are not configured")
	// ErrNoAppID: SetGateway was given an empty AppID.
	ErrNoAppID = errors.New("the fw199 AppID is empty")
	// ErrBadEndpoint: the gateway URL is not an http or https URL.
	ErrBadEndpoint = errors.New("the fw199 gateway URL must be an http:// or https:// URL")
	// ErrBadSM4Key: the SM4 key is not 32 hex digits.
	ErrBadSM4Key = errors.New("the SM4 key must be 32 hex digits (16 bytes)")
	// ErrBadPublicKey: the SM2 public key cannot be read.
	ErrBadPublicKey = errors.New("not an SM2 public key (PEM, or hex of the uncompressed point)")
	// ErrKeyMissing: a sealed QR issuer is configured in the history but
	// its SM4 key is not in the secret store (another machine's keyring,
	// a history copied from elsewhere).
	ErrKeyMissing = errors.New("the SM4 key of a configured sealed QR issuer is not in the secret store")
	// ErrNoStore: a write needs the history and the secret store.
	ErrNoStore = errors.New("no history or secret store to keep the setting in")
)

// where tells the clerk where to set a value, in both languages, for
// errors that reach the command line as they are.
const (
	whereGateway = "设置 → 网关 (Settings → fw199 gateway)"
	whereKeys    = "设置 → 密钥 (Settings → Sealed QR keys)"
)

// setting returns the value of key, "" when it is unset.
func setting(ctx context.Context, st *store.Store, key string) (string, error) {
	v, err := st.Setting(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// setSetting writes value under key when it differs from what is there, so
// that saving a form unchanged adds nothing to the audit log.
func setSetting(ctx context.Context, st *store.Store, key, value, clerk string) error {
	old, err := setting(ctx, st, key)
	if err != nil {
		return err
	}
	if old == value {
		return nil
	}
	return st.SetSetting(ctx, key, value, clerk)
}

// secret returns the secret called name, "" when it is not stored.
func secret(sec secrets.Store, name string) (string, error) {
	v, err := sec.Get(name)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", nil
	}
	return v, err
}

func needStores(op string, st *store.Store, sec secrets.Store) error {
	if st == nil || sec == nil {
		return fmt.Errorf("%s: %w", op, ErrNoStore)
	}
	return nil
}

// fmtErr wraps err with op, unless it is nil.
func fmtErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
