package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// keyFlags adds the flags that configure sealed-QR keys to fs. The returned
// function builds the keyring from them, or from $FAPIAO_SM4_KEY and
// $FAPIAO_SM2_PUB, or else from the keys imported in the settings of the
// history (--db, added here when the command has none); nil when none is
// configured. Key material is never printed: errors say which flag is
// wrong, not what it held.
func (e *env) keyFlags(fs *flag.FlagSet) func() (*sealed.Keyring, error) {
	sm4 := fs.String("sm4-key", "", "SM4 key for sealed QR codes: 32 hex digits or a file (default $FAPIAO_SM4_KEY, else the keys imported in the settings)")
	pub := fs.String("sm2-pub", "", "SM2 public key of the sealed QR issuer: PEM or hex, or a file (default $FAPIAO_SM2_PUB)")
	db := fs.Lookup("db")
	if db == nil {
		e.dbFlag(fs, "history whose imported sealed QR keys are used")
		db = fs.Lookup("db")
	}
	return func() (*sealed.Keyring, error) {
		k, p := *sm4, *pub
		if k == "" {
			k = os.Getenv("FAPIAO_SM4_KEY")
		}
		if p == "" {
			p = os.Getenv("FAPIAO_SM2_PUB")
		}
		if k == "" && p == "" {
			return e.configuredKeys(fs.Name(), db.Value.String()), nil
		}
		if k == "" || p == "" {
			return nil, errors.New("sealed QR keys need both --sm4-key and --sm2-pub")
		}
		key, err := sealed.ParseSM4Key(k)
		if err != nil {
			return nil, fmt.Errorf("--sm4-key: %w", err)
		}
		pk, err := sealed.ParsePublicKey(p)
		if err != nil {
			return nil, fmt.Errorf("--sm2-pub: %w", err)
		}
		var kr sealed.Keyring
		if err := kr.Add(sealed.Key{Public: pk, SM4: key}); err != nil {
			return nil, err
		}
		return &kr, nil
	}
}

// configuredKeys returns the keys imported in the settings of the history
// at path (the services' history when empty). A history that does not
// exist has none, and is not created. The command goes on without the keys
// it cannot read, after saying why on stderr: a sealed QR code then shows
// the finding of a missing key.
func (e *env) configuredKeys(cmd, path string) *sealed.Keyring {
	path, err := e.historyPath(path)
	if err != nil {
		return nil
	}
	if !store.Exists(path) {
		return nil
	}
	st, err := store.Open(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: sealed QR keys in the settings not used: %s\n", cmd, errText(err))
		return nil
	}
	defer st.Close()
	kr, err := config.SealedKeys(context.Background(), st, e.secrets(st))
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: sealed QR keys in the settings not used: %s\n", cmd, errText(err))
	}
	return kr
}
