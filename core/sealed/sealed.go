// Package sealed reads and makes enterprise sealed QR codes: invoice fields
// as JSON, encrypted with SM4, signed with SM2 over SM3, with a short SHA-256
// checksum of the key fields. The format is specified in docs/sealed-qr.md.
package sealed

import (
	"bytes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm3"
	"github.com/tjfoc/gmsm/sm4"
)

// Prefix starts the text of every sealed QR code.
const Prefix = "FPSQ:"

// Version is the envelope version this package writes.
const Version = 1

// UserID is the SM2 signer identity used in the Z value (GM/T 0009 default).
var UserID = []byte("1234567812345678")

const (
	keyIDLen  = 8
	ivLen     = 16
	headerLen = 1 + keyIDLen + ivLen + 2
	sigLen    = 64
	// MaxText bounds what is read: a version 40 QR code holds at most 2,953 bytes.
	MaxText = 4096
)

// Error kinds, for errors.Is; each becomes its own finding.
var (
	ErrMalformed   = errors.New("sealed QR is malformed or truncated")
	ErrVersion     = errors.New("sealed QR version is not supported")
	ErrUnknownKey  = errors.New("sealed QR was signed with a key that is not configured")
	ErrNoKeys      = errors.New("no sealed QR keys are configured")
	ErrSignature   = errors.New("sealed QR signature does not verify: the data was altered")
	ErrWrongSM4Key = errors.New("sealed QR cannot be decrypted with the configured SM4 key")
	ErrChecksum    = errors.New("sealed QR checksum does not match its fields")
)

// Fields are the invoice values a sealed QR carries.
type Fields struct {
	Type        string `json:"type"`
	Code        string `json:"code"`
	Number      string `json:"number"`
	Date        string `json:"date"`   // YYYYMMDD
	Amount      string `json:"amount"` // decimal text, the amount the type's QR would carry
	CheckCode   string `json:"check_code,omitempty"`
	SellerTaxID string `json:"seller_tax_id,omitempty"`
	SellerName  string `json:"seller_name,omitempty"`
	BuyerTaxID  string `json:"buyer_tax_id,omitempty"`
	BuyerName   string `json:"buyer_name,omitempty"`
	Tax         string `json:"tax,omitempty"`
	Total       string `json:"total,omitempty"`
	Checksum    string `json:"chk"`
}

// ComputeChecksum is the first 8 lowercase hex digits of the SHA-256 of the
// key fields joined by commas: type, code, number, amount, date, seller tax
// ID, buyer tax ID.
func (f Fields) ComputeChecksum() string {
	s := strings.Join([]string{f.Type, f.Code, f.Number, f.Amount, f.Date, f.SellerTaxID, f.BuyerTaxID}, ",")
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

// KeyID names a signer: the first 8 bytes of the SM3 digest of its public
// key in uncompressed form (0x04 ‖ X ‖ Y).
func KeyID(pub *sm2.PublicKey) [keyIDLen]byte {
	var id [keyIDLen]byte
	copy(id[:], sm3.Sm3Sum(marshalPublic(pub)))
	return id
}

// Fingerprint is KeyID in hex, how keys are shown to people.
func Fingerprint(pub *sm2.PublicKey) string {
	id := KeyID(pub)
	return hex.EncodeToString(id[:])
}

func marshalPublic(pub *sm2.PublicKey) []byte {
	b := make([]byte, 65)
	b[0] = 4
	pub.X.FillBytes(b[1:33])
	pub.Y.FillBytes(b[33:])
	return b
}

// Key is one configured signer: its SM2 public key and the SM4 key its codes
// are encrypted with.
type Key struct {
	Public *sm2.PublicKey
	SM4    []byte
}

// Keyring holds the configured keys by key ID.
type Keyring struct {
	keys map[[keyIDLen]byte]Key
}

// Add configures a signer's key.
func (k *Keyring) Add(key Key) error {
	if len(key.SM4) != 16 {
		return fmt.Errorf("SM4 key has %d bytes, want 16", len(key.SM4))
	}
	//lint:ignore SA1019 SM2 has no crypto/ecdh counterpart; the curve's own check is the one there is.
	if key.Public == nil || !key.Public.Curve.IsOnCurve(key.Public.X, key.Public.Y) {
		return errors.New("SM2 public key is not a point on the SM2 curve")
	}
	if k.keys == nil {
		k.keys = map[[keyIDLen]byte]Key{}
	}
	k.keys[KeyID(key.Public)] = key
	return nil
}

// Len is the number of configured keys.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.keys)
}

// Seal makes the text of a sealed QR code for f, signed with priv and
// encrypted with sm4Key. rand supplies the IV and the signature nonce.
// The checksum is computed here.
func Seal(f Fields, sm4Key []byte, priv *sm2.PrivateKey, rand io.Reader) (string, error) {
	if len(sm4Key) != 16 {
		return "", fmt.Errorf("seal: SM4 key has %d bytes, want 16", len(sm4Key))
	}
	f.Checksum = f.ComputeChecksum()
	plain, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	block, err := sm4.NewCipher(sm4Key)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	pad := 16 - len(plain)%16
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	if len(plain) > 0xFFF0 {
		return "", errors.New("seal: fields too long")
	}
	msg := make([]byte, headerLen, headerLen+len(plain)+sigLen)
	msg[0] = Version
	id := KeyID(&priv.PublicKey)
	copy(msg[1:], id[:])
	iv := msg[1+keyIDLen : 1+keyIDLen+ivLen]
	if _, err := io.ReadFull(rand, iv); err != nil {
		return "", fmt.Errorf("seal: IV: %w", err)
	}
	binary.BigEndian.PutUint16(msg[headerLen-2:], uint16(len(plain)))
	ct := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)
	msg = append(msg, ct...)
	r, s, err := sm2.Sm2Sign(priv, msg, UserID, rand)
	if err != nil {
		return "", fmt.Errorf("seal: sign: %w", err)
	}
	var sig [sigLen]byte
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	msg = append(msg, sig[:]...)
	return Prefix + base64.StdEncoding.EncodeToString(msg), nil
}

// Envelope is a sealed code taken apart, before any key is used.
type Envelope struct {
	Version    byte
	KeyID      [keyIDLen]byte
	IV         []byte
	Ciphertext []byte
	Signed     []byte // the bytes the signature covers
	Signature  []byte
}

// Parse takes a sealed QR text apart.
func Parse(text string) (*Envelope, error) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, Prefix) {
		return nil, fmt.Errorf("%w: no %q prefix", ErrMalformed, Prefix)
	}
	if len(t) > MaxText {
		return nil, fmt.Errorf("%w: %d characters", ErrMalformed, len(t))
	}
	b, err := base64.StdEncoding.DecodeString(t[len(Prefix):])
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", ErrMalformed, err)
	}
	if len(b) < 1 {
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	if b[0] != Version {
		return nil, fmt.Errorf("%w: version %d", ErrVersion, b[0])
	}
	if len(b) < headerLen {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(b))
	}
	n := int(binary.BigEndian.Uint16(b[headerLen-2:]))
	if n == 0 || n%16 != 0 || len(b) != headerLen+n+sigLen {
		return nil, fmt.Errorf("%w: %d bytes for %d of ciphertext", ErrMalformed, len(b), n)
	}
	e := &Envelope{Version: b[0], IV: b[1+keyIDLen : headerLen-2], Ciphertext: b[headerLen : headerLen+n],
		Signed: b[:headerLen+n], Signature: b[headerLen+n:]}
	copy(e.KeyID[:], b[1:])
	return e, nil
}

// Open verifies and decrypts a sealed QR text with the keyring: signature
// first (so nothing unauthenticated is decrypted), then the SM4 decryption,
// then the checksum.
func Open(text string, keys *Keyring) (Fields, error) {
	e, err := Parse(text)
	if err != nil {
		return Fields{}, err
	}
	return e.Open(keys)
}

// Open verifies and decrypts a parsed envelope, as Open does.
func (e *Envelope) Open(keys *Keyring) (Fields, error) {
	if keys.Len() == 0 {
		return Fields{}, ErrNoKeys
	}
	key, ok := keys.keys[e.KeyID]
	if !ok {
		return Fields{}, fmt.Errorf("%w (key %x)", ErrUnknownKey, e.KeyID)
	}
	r := new(big.Int).SetBytes(e.Signature[:32])
	s := new(big.Int).SetBytes(e.Signature[32:])
	if !sm2.Sm2Verify(key.Public, e.Signed, UserID, r, s) {
		return Fields{}, ErrSignature
	}
	block, err := sm4.NewCipher(key.SM4)
	if err != nil {
		return Fields{}, fmt.Errorf("%w: %v", ErrWrongSM4Key, err)
	}
	plain := make([]byte, len(e.Ciphertext))
	cipher.NewCBCDecrypter(block, e.IV).CryptBlocks(plain, e.Ciphertext)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 16 || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return Fields{}, ErrWrongSM4Key
	}
	var f Fields
	if err := json.Unmarshal(plain[:len(plain)-pad], &f); err != nil {
		return Fields{}, ErrWrongSM4Key
	}
	if f.Checksum != f.ComputeChecksum() {
		return f, fmt.Errorf("%w: %q, computed %q", ErrChecksum, f.Checksum, f.ComputeChecksum())
	}
	return f, nil
}
