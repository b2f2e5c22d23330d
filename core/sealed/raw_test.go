package sealed

import (
	"bytes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"testing"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm4"
)

// sealRaw signs and encrypts an arbitrary plaintext, as a careless issuer
// might, to test what Open says of it.
func sealRaw(t *testing.T, plain string, k []byte, priv *sm2.PrivateKey) string {
	t.Helper()
	p := []byte(plain)
	pad := 16 - len(p)%16
	p = append(p, bytes.Repeat([]byte{byte(pad)}, pad)...)
	msg := make([]byte, headerLen)
	msg[0] = Version
	id := KeyID(&priv.PublicKey)
	copy(msg[1:], id[:])
	binary.BigEndian.PutUint16(msg[headerLen-2:], uint16(len(p)))
	block, _ := sm4.NewCipher(k)
	ct := make([]byte, len(p))
	cipher.NewCBCEncrypter(block, msg[1+keyIDLen:headerLen-2]).CryptBlocks(ct, p)
	msg = append(msg, ct...)
	r, s, err := sm2.Sm2Sign(priv, msg, UserID, &detRand{seed: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	var sig [sigLen]byte
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return Prefix + base64.StdEncoding.EncodeToString(append(msg, sig[:]...))
}
