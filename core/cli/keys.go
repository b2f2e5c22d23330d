package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/fapiaoscanner/fapiao/core/sealed"
)

// keyFlags adds the flags that configure sealed-QR keys to fs. The returned
// function builds the keyring from them, or from $FAPIAO_SM4_KEY and
// $FAPIAO_SM2_PUB; nil when none is configured. Key material is never
// printed: errors say which flag is wrong, not what it held.
func (e *env) keyFlags(fs *flag.FlagSet) func() (*sealed.Keyring, error) {
	sm4 := fs.String("sm4-key", "", "SM4 key for sealed QR codes: 32 hex digits or a file (default $FAPIAO_SM4_KEY)")
	pub := fs.String("sm2-pub", "", "SM2 public key of the sealed QR issuer: PEM or hex, or a file (default $FAPIAO_SM2_PUB)")
	return func() (*sealed.Keyring, error) {
		k, p := *sm4, *pub
		if k == "" {
			k = os.Getenv("FAPIAO_SM4_KEY")
		}
		if p == "" {
			p = os.Getenv("FAPIAO_SM2_PUB")
		}
		if k == "" && p == "" {
			return nil, nil
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
