package sealed

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/x509"

	"github.com/fapiaoscanner/fapiao/core/infile"
)

// maxKeyFile bounds a key file: a PEM key is a few hundred bytes.
const maxKeyFile = 64 << 10

// readKeyText returns s itself when it holds a key (PEM or hex), and
// otherwise the contents of the file s names. Key material never appears in
// the errors: a key mistyped by one digit is taken for a file name, and a
// file's name is therefore never repeated either.
func readKeyText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-----BEGIN") || isHex(s) {
		return s, nil
	}
	b, err := infile.Read(s, maxKeyFile)
	if err != nil {
		var pe *fs.PathError
		var se *infile.SizeError
		switch {
		case errors.As(err, &pe):
			err = pe.Err
		case errors.As(err, &se):
			err = fmt.Errorf("larger than %s", infile.Size(maxKeyFile))
		default:
			err = errors.New("cannot be read")
		}
		return "", fmt.Errorf("neither a key nor a key file that can be read (as a file: %w)", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func isHex(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// ParseSM4Key reads a 128-bit SM4 key written as 32 hex digits, or a file
// holding them.
func ParseSM4Key(s string) ([]byte, error) {
	t, err := readKeyText(s)
	if err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != 16 {
		return nil, errors.New("SM4 key must be 32 hex digits (16 bytes)")
	}
	return b, nil
}

// ParsePublicKey reads an SM2 public key: PEM, hex of the uncompressed point
// (04 ‖ X ‖ Y, or X ‖ Y), or a file holding either.
func ParsePublicKey(s string) (*sm2.PublicKey, error) {
	t, err := readKeyText(s)
	if err != nil {
		return nil, err
	}
	var pub *sm2.PublicKey
	if strings.HasPrefix(t, "-----BEGIN") {
		pub, err = x509.ReadPublicKeyFromPem([]byte(t))
	} else {
		pub, err = x509.ReadPublicKeyFromHex(t)
	}
	//lint:ignore SA1019 SM2 has no crypto/ecdh counterpart; the curve's own check is the one there is.
	if err != nil || pub == nil || !pub.Curve.IsOnCurve(pub.X, pub.Y) {
		return nil, errors.New("not an SM2 public key (PEM, or hex of the uncompressed point)")
	}
	return pub, nil
}

// ParsePrivateKey reads an SM2 private key: unencrypted PKCS#8 PEM, hex of
// the 32-byte scalar, or a file holding either.
func ParsePrivateKey(s string) (*sm2.PrivateKey, error) {
	t, err := readKeyText(s)
	if err != nil {
		return nil, err
	}
	var priv *sm2.PrivateKey
	if strings.HasPrefix(t, "-----BEGIN") {
		priv, err = x509.ReadPrivateKeyFromPem([]byte(t), nil)
	} else if len(t) == 64 {
		priv, err = x509.ReadPrivateKeyFromHex(t)
	} else {
		err = errors.New("bad length")
	}
	if err != nil || priv == nil {
		return nil, errors.New("not an SM2 private key (unencrypted PKCS#8 PEM, or 64 hex digits)")
	}
	return priv, nil
}
