package config

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm3"

	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Where the keys of sealed QR codes live. Several issuers can be
// configured: the setting lists their SM2 public keys, and each one's SM4
// key is a secret named after its fingerprint.
const (
	// SettingSealedKeys is the history setting holding a JSON list of the
	// issuers' SM2 public keys, each as hex of the uncompressed point.
	SettingSealedKeys = "sealed.sm2_pub"
	// SecretSM4Prefix starts the secret store's name of an issuer's SM4
	// key; the issuer's fingerprint (sealed.Fingerprint) follows.
	SecretSM4Prefix = "sealed.sm4."
)

// KeyInfo is what may be shown of one configured issuer: fingerprints,
// never the keys.
type KeyInfo struct {
	// Fingerprint is the SM2 public key's ID, as sealed QR codes carry it.
	Fingerprint string
	// SM4 is SM4Fingerprint of the issuer's SM4 key, "" when the secret
	// store does not hold it.
	SM4 string
}

// SM4Fingerprint names an SM4 key without giving it away: the first 8
// bytes of its SM3 digest, in hex.
func SM4Fingerprint(key []byte) string {
	return hex.EncodeToString(sm3.Sm3Sum(key)[:8])
}

// SealedKeys returns the configured keys of sealed QR codes, nil and no
// error when none is configured. When an issuer's SM4 key is missing from
// sec, the error wraps ErrKeyMissing and names the issuer; the keyring of
// the others is returned with it (nil when none is left). st may be nil
// (no keys); sec may be nil (every SM4 key missing).
func SealedKeys(ctx context.Context, st *store.Store, sec secrets.Store) (*sealed.Keyring, error) {
	const op = "sealed QR keys"
	if st == nil {
		return nil, nil
	}
	pubs, err := publicKeys(ctx, st)
	if err != nil || len(pubs) == 0 {
		return nil, fmtErr(op, err)
	}
	var (
		kr      sealed.Keyring
		missing []string
	)
	for _, pub := range pubs {
		key, err := sm4Key(sec, pub)
		if errors.Is(err, secrets.ErrNotFound) {
			missing = append(missing, sealed.Fingerprint(pub))
			continue
		}
		if err != nil {
			return nil, fmtErr(op, err)
		}
		if err := kr.Add(sealed.Key{Public: pub, SM4: key}); err != nil {
			return nil, fmtErr(op, err)
		}
	}
	if len(missing) > 0 {
		err = fmt.Errorf("%s: %w: issuer %s; import its keys again in %s",
			op, ErrKeyMissing, strings.Join(missing, ", "), whereKeys)
	}
	if kr.Len() == 0 {
		return nil, err
	}
	return &kr, err
}

// SealedKeyInfo lists the configured issuers in the order they were
// imported.
func SealedKeyInfo(ctx context.Context, st *store.Store, sec secrets.Store) ([]KeyInfo, error) {
	const op = "list sealed QR keys"
	if st == nil {
		return nil, nil
	}
	pubs, err := publicKeys(ctx, st)
	if err != nil {
		return nil, fmtErr(op, err)
	}
	out := make([]KeyInfo, 0, len(pubs))
	for _, pub := range pubs {
		info := KeyInfo{Fingerprint: sealed.Fingerprint(pub)}
		key, err := sm4Key(sec, pub)
		switch {
		case err == nil:
			info.SM4 = SM4Fingerprint(key)
		case !errors.Is(err, secrets.ErrNotFound):
			return nil, fmtErr(op, err)
		}
		out = append(out, info)
	}
	return out, nil
}

// ImportSealedKey configures an issuer: its SM4 key goes to sec, its SM2
// public key to the history's settings. Either may be given as text (hex,
// or PEM for the public key) or as the name of a file holding it. Importing
// an issuer again replaces its SM4 key. It returns the issuer's
// fingerprint. The errors never hold key material.
func ImportSealedKey(ctx context.Context, st *store.Store, sec secrets.Store, sm4Text, pubText, clerk string) (string, error) {
	const op = "import sealed QR key"
	if err := needStores(op, st, sec); err != nil {
		return "", err
	}
	key, err := sealed.ParseSM4Key(sm4Text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, ErrBadSM4Key)
	}
	pub, err := sealed.ParsePublicKey(pubText)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, ErrBadPublicKey)
	}
	var check sealed.Keyring
	if err := check.Add(sealed.Key{Public: pub, SM4: key}); err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	pubs, err := publicKeys(ctx, st)
	if err != nil {
		return "", fmtErr(op, err)
	}
	fp := sealed.Fingerprint(pub)
	name := SecretSM4Prefix + fp
	if err := sec.Set(name, hex.EncodeToString(key)); err != nil {
		return "", fmtErr(op, err)
	}
	known := slices.ContainsFunc(pubs, func(p *sm2.PublicKey) bool { return sealed.Fingerprint(p) == fp })
	if known {
		return fp, nil
	}
	if err := savePublicKeys(ctx, st, append(pubs, pub), clerk); err != nil {
		// Leave no secret behind that no issuer points to.
		sec.Delete(name)
		return "", fmtErr(op, err)
	}
	return fp, nil
}

// RemoveSealedKey forgets the issuer with the given fingerprint: its public
// key from the settings, its SM4 key from sec. An unknown fingerprint gives
// an error wrapping store.ErrNotFound.
func RemoveSealedKey(ctx context.Context, st *store.Store, sec secrets.Store, fingerprint, clerk string) error {
	op := "remove sealed QR key " + fingerprint
	if err := needStores(op, st, sec); err != nil {
		return err
	}
	pubs, err := publicKeys(ctx, st)
	if err != nil {
		return fmtErr(op, err)
	}
	i := slices.IndexFunc(pubs, func(p *sm2.PublicKey) bool { return sealed.Fingerprint(p) == fingerprint })
	if i < 0 {
		return fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	// The setting first: once it is gone the key is no longer used, even
	// if the secret cannot be removed.
	if err := savePublicKeys(ctx, st, slices.Delete(pubs, i, i+1), clerk); err != nil {
		return fmtErr(op, err)
	}
	return fmtErr(op, sec.Delete(SecretSM4Prefix+fingerprint))
}

func sm4Key(sec secrets.Store, pub *sm2.PublicKey) ([]byte, error) {
	fp := sealed.Fingerprint(pub)
	if sec == nil {
		return nil, fmt.Errorf("SM4 key of %s: %w", fp, secrets.ErrNotFound)
	}
	v, err := sec.Get(SecretSM4Prefix + fp)
	if err != nil {
		return nil, fmt.Errorf("SM4 key of %s: %w", fp, err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != 16 {
		return nil, fmt.Errorf("SM4 key of %s in %s is damaged: import it again in %s", fp, sec.Where(), whereKeys)
	}
	return key, nil
}

// publicKeys reads the issuers' public keys from the settings.
func publicKeys(ctx context.Context, st *store.Store) ([]*sm2.PublicKey, error) {
	v, err := setting(ctx, st, SettingSealedKeys)
	if err != nil || strings.TrimSpace(v) == "" {
		return nil, err
	}
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return nil, fmt.Errorf("setting %s is not a JSON list of public keys: %w", SettingSealedKeys, err)
	}
	out := make([]*sm2.PublicKey, 0, len(list))
	for i, h := range list {
		if !isHex(h) {
			return nil, fmt.Errorf("setting %s: key %d: %w", SettingSealedKeys, i+1, ErrBadPublicKey)
		}
		pub, err := sealed.ParsePublicKey(h)
		if err != nil {
			return nil, fmt.Errorf("setting %s: key %d: %w", SettingSealedKeys, i+1, ErrBadPublicKey)
		}
		out = append(out, pub)
	}
	return out, nil
}

func savePublicKeys(ctx context.Context, st *store.Store, pubs []*sm2.PublicKey, clerk string) error {
	list := make([]string, len(pubs))
	for i, p := range pubs {
		list[i] = publicHex(p)
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return setSetting(ctx, st, SettingSealedKeys, string(b), clerk)
}

// publicHex is the uncompressed point 04 ‖ X ‖ Y in hex.
func publicHex(p *sm2.PublicKey) string {
	b := make([]byte, 65)
	b[0] = 4
	p.X.FillBytes(b[1:33])
	p.Y.FillBytes(b[33:])
	return hex.EncodeToString(b)
}

// isHex keeps ParsePublicKey from reading a file named by a stored value.
func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && s != ""
}
