package config

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/x509"

	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// The published test vector's keys (docs/sealed-qr.md).
const (
	vectorSM4   = "0123456789abcdeffedcba9876543210"
	vectorPriv  = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
	vectorKeyID = "e6a4f9765fca89e8"
)

func openStores(t *testing.T) (*store.Store, secrets.Store) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, secrets.NewFile(dir)
}

// clearEnv keeps the machine's own settings out of a test.
func clearEnv(t *testing.T) {
	for _, v := range []string{EnvAppID, EnvSecret, EnvEndpoint} {
		t.Setenv(v, "")
	}
}

// assertNotInHistory fails when any of texts is in the history's files
// (the database and its write-ahead log) or in its audit log.
func assertNotInHistory(t *testing.T, st *store.Store, texts ...string) {
	t.Helper()
	entries, err := st.Audit(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var audit bytes.Buffer
	for _, e := range entries {
		audit.WriteString(e.Target + " " + string(e.Details) + "\n")
	}
	files, _ := filepath.Glob(st.Path() + "*")
	if len(files) == 0 {
		t.Fatal("no history files")
	}
	for _, text := range texts {
		if strings.Contains(audit.String(), text) {
			t.Errorf("the audit log holds a secret:\n%s", audit.String())
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(text)) {
				t.Errorf("%s holds a secret", filepath.Base(f))
			}
		}
	}
}

func TestGatewayRoundTrip(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	st, sec := openStores(t)

	_, endpoint, err := Gateway(ctx, st, sec)
	if !errors.Is(err, ErrNoGateway) || !strings.Contains(err.Error(), "no AppID and no secret") ||
		!strings.Contains(err.Error(), "网关") || !strings.Contains(err.Error(), EnvSecret) {
		t.Errorf("nothing configured: %v", err)
	}
	if endpoint != gateway.DefaultEndpoint {
		t.Errorf("endpoint = %q", endpoint)
	}

	const secret = "s3cr3t-签名密钥-0042"
	if err := SetGateway(ctx, st, sec, " app-1 ", secret, "", "王会计"); err != nil {
		t.Fatal(err)
	}
	c, endpoint, err := Gateway(ctx, st, sec)
	if err != nil || c.AppID != "app-1" || c.Secret != secret || endpoint != gateway.DefaultEndpoint {
		t.Fatalf("Gateway = %v %q %v", c, endpoint, err)
	}
	if ok, err := GatewaySecretStored(sec); !ok || err != nil {
		t.Errorf("GatewaySecretStored = %v, %v", ok, err)
	}

	// An empty secret keeps the stored one; the URL changes.
	const url = "https://test.fw199.example/gateway/nuonuo/invoice/rebillingnew"
	if err := SetGateway(ctx, st, sec, "app-2", "", url, ""); err != nil {
		t.Fatal(err)
	}
	c, endpoint, err = Gateway(ctx, st, sec)
	if err != nil || c.AppID != "app-2" || c.Secret != secret || endpoint != url {
		t.Fatalf("after changing the AppID: %v %q %v", c, endpoint, err)
	}
	if got, _ := st.Setting(ctx, SettingAppID); got != "app-2" {
		t.Errorf("AppID setting = %q", got)
	}
	assertNotInHistory(t, st, secret)

	// Saving the same values adds nothing to the audit log.
	before, _ := st.Audit(ctx, 0, 10000)
	if err := SetGateway(ctx, st, sec, "app-2", secret, url, ""); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Audit(ctx, 0, 10000); len(after) != len(before) {
		t.Errorf("saving unchanged settings added %d audit entries", len(after)-len(before))
	}
	// The default URL is not stored as such: a later default applies.
	if err := SetGateway(ctx, st, sec, "app-2", "", gateway.DefaultEndpoint, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Setting(ctx, SettingEndpoint); got != "" {
		t.Errorf("endpoint setting = %q, want empty for the default", got)
	}
}

func TestGatewayEnvironmentOverrides(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	st, sec := openStores(t)
	if err := SetGateway(ctx, st, sec, "stored-app", "stored-secret", "", ""); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvAppID, "env-app")
	t.Setenv(EnvEndpoint, "http://127.0.0.1:9/rebill")
	c, endpoint, err := Gateway(ctx, st, sec)
	if err != nil || c.AppID != "env-app" || c.Secret != "stored-secret" || endpoint != "http://127.0.0.1:9/rebill" {
		t.Errorf("with $%s and $%s: %v %q %v", EnvAppID, EnvEndpoint, c, endpoint, err)
	}
	t.Setenv(EnvSecret, "env-secret")
	if c, _, _ := Gateway(ctx, st, sec); c.Secret != "env-secret" {
		t.Errorf("with $%s: secret %q", EnvSecret, c.Secret)
	}

	// Without a history or a secret store, only the environment counts.
	if c, _, err := Gateway(ctx, nil, nil); err != nil || c.AppID != "env-app" || c.Secret != "env-secret" {
		t.Errorf("environment only: %v %v", c, err)
	}
	t.Setenv(EnvSecret, "")
	if _, _, err := Gateway(ctx, nil, nil); !errors.Is(err, ErrNoGateway) || !strings.Contains(err.Error(), "no secret") {
		t.Errorf("no secret anywhere: %v", err)
	}
	clearEnv(t)
	if _, _, err := Gateway(ctx, nil, sec); !errors.Is(err, ErrNoGateway) || !strings.Contains(err.Error(), "no AppID;") {
		t.Errorf("no AppID anywhere: %v", err)
	}
}

func TestSetGatewayRefuses(t *testing.T) {
	ctx := context.Background()
	st, sec := openStores(t)
	tests := []struct {
		appID, endpoint string
		sec             secrets.Store
		want            error
	}{
		{"  ", "", sec, ErrNoAppID},
		{"app", "ftp://kf.fw199.com/x", sec, ErrBadEndpoint},
		{"app", "kf.fw199.com/gateway", sec, ErrBadEndpoint},
		{"app", "", nil, ErrNoStore},
	}
	for _, tt := range tests {
		if err := SetGateway(ctx, st, tt.sec, tt.appID, "secret", tt.endpoint, ""); !errors.Is(err, tt.want) {
			t.Errorf("SetGateway(%q, %q): %v, want %v", tt.appID, tt.endpoint, err, tt.want)
		}
	}
	if ok, _ := GatewaySecretStored(sec); ok {
		t.Error("a refused save stored the secret")
	}
}

func vectorPublicPEM(t *testing.T) (string, *sm2.PrivateKey) {
	t.Helper()
	priv, err := sealed.ParsePrivateKey(vectorPriv)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := x509.WritePublicKeyToPem(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem), priv
}

func TestSealedKeys(t *testing.T) {
	ctx := context.Background()
	st, sec := openStores(t)
	if kr, err := SealedKeys(ctx, st, sec); kr != nil || err != nil {
		t.Fatalf("nothing configured: %v, %v", kr, err)
	}
	pem, priv := vectorPublicPEM(t)
	fp, err := ImportSealedKey(ctx, st, sec, vectorSM4, pem, "王会计")
	if err != nil || fp != vectorKeyID {
		t.Fatalf("import: %q, %v", fp, err)
	}
	// A second issuer, its public key as hex, its SM4 key from a file.
	priv2, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sm4File := filepath.Join(t.TempDir(), "issuer2.key")
	const sm42 = "00112233445566778899aabbccddeeff"
	if err := os.WriteFile(sm4File, []byte(sm42+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fp2, err := ImportSealedKey(ctx, st, sec, sm4File, x509.WritePublicKeyToHex(&priv2.PublicKey), "")
	if err != nil || fp2 != sealed.Fingerprint(&priv2.PublicKey) {
		t.Fatalf("second import: %q, %v", fp2, err)
	}

	kr, err := SealedKeys(ctx, st, sec)
	if err != nil || kr.Len() != 2 {
		t.Fatalf("SealedKeys = %d keys, %v", kr.Len(), err)
	}
	for _, k := range []struct {
		priv *sm2.PrivateKey
		sm4  string
	}{{priv, vectorSM4}, {priv2, sm42}} {
		key, _ := hex.DecodeString(k.sm4)
		text, err := sealed.Seal(sealed.Fields{Type: "32", Number: "24312000000136634917", Date: "20240514", Amount: "113.00"},
			key, k.priv, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := sealed.Open(text, kr); err != nil || f.Number != "24312000000136634917" {
			t.Errorf("a code of %s does not open: %v", sealed.Fingerprint(&k.priv.PublicKey), err)
		}
	}

	info, err := SealedKeyInfo(ctx, st, sec)
	if err != nil || len(info) != 2 {
		t.Fatalf("SealedKeyInfo = %+v, %v", info, err)
	}
	vk, _ := hex.DecodeString(vectorSM4)
	if info[0] != (KeyInfo{Fingerprint: vectorKeyID, SM4: SM4Fingerprint(vk)}) || info[1].Fingerprint != fp2 {
		t.Errorf("info = %+v", info)
	}
	if len(info[0].SM4) != 16 || strings.Contains(vectorSM4, info[0].SM4) {
		t.Errorf("SM4 fingerprint %q", info[0].SM4)
	}
	// Importing again replaces nothing in the list.
	if _, err := ImportSealedKey(ctx, st, sec, vectorSM4, pem, ""); err != nil {
		t.Fatal(err)
	}
	if info, _ := SealedKeyInfo(ctx, st, sec); len(info) != 2 {
		t.Errorf("a second import of one issuer listed it twice: %+v", info)
	}

	assertNotInHistory(t, st, vectorSM4, sm42, string(vk), strings.ToUpper(vectorSM4))

	// A missing SM4 key (another machine's keyring) leaves the others usable.
	if err := sec.Delete(SecretSM4Prefix + fp2); err != nil {
		t.Fatal(err)
	}
	kr, err = SealedKeys(ctx, st, sec)
	if !errors.Is(err, ErrKeyMissing) || !strings.Contains(err.Error(), fp2) || kr.Len() != 1 {
		t.Errorf("one SM4 key missing: %d keys, %v", kr.Len(), err)
	}
	if info, _ := SealedKeyInfo(ctx, st, sec); info[1].SM4 != "" {
		t.Errorf("missing SM4 key shown as %q", info[1].SM4)
	}
	if kr, err := SealedKeys(ctx, st, nil); kr != nil || !errors.Is(err, ErrKeyMissing) {
		t.Errorf("no secret store: %v, %v", kr, err)
	}

	// Removing.
	if err := RemoveSealedKey(ctx, st, sec, vectorKeyID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := sec.Get(SecretSM4Prefix + vectorKeyID); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("the SM4 key is still stored: %v", err)
	}
	if err := RemoveSealedKey(ctx, st, sec, vectorKeyID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	if err := RemoveSealedKey(ctx, st, sec, fp2, ""); err != nil {
		t.Fatal(err)
	}
	if kr, err := SealedKeys(ctx, st, sec); kr != nil || err != nil {
		t.Errorf("after removing all: %v, %v", kr, err)
	}
}

func TestImportSealedKeyRefuses(t *testing.T) {
	ctx := context.Background()
	st, sec := openStores(t)
	pem, _ := vectorPublicPEM(t)
	const almost = "0123456789abcdeffedcba987654321" // one digit short
	tests := []struct {
		sm4, pub string
		want     error
	}{
		{almost, pem, ErrBadSM4Key},
		{"0123456789abcdeffedcba98765432zz", pem, ErrBadSM4Key},
		{vectorSM4, "04" + strings.Repeat("11", 64), ErrBadPublicKey},
		{vectorSM4, "", ErrBadPublicKey},
	}
	for _, tt := range tests {
		_, err := ImportSealedKey(ctx, st, sec, tt.sm4, tt.pub, "")
		if !errors.Is(err, tt.want) {
			t.Errorf("import(%.8s…): %v, want %v", tt.sm4, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), tt.sm4[:16]) {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
	if _, err := ImportSealedKey(ctx, st, nil, vectorSM4, pem, ""); !errors.Is(err, ErrNoStore) {
		t.Errorf("no secret store: %v", err)
	}
	if info, _ := SealedKeyInfo(ctx, st, sec); len(info) != 0 {
		t.Errorf("a refused import was listed: %+v", info)
	}
}

func TestDamagedSetting(t *testing.T) {
	ctx := context.Background()
	st, sec := openStores(t)
	for _, v := range []string{"not json", `["not hex"]`, `["` + strings.Repeat("ab", 65) + `"]`} {
		if err := st.SetSetting(ctx, SettingSealedKeys, v, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := SealedKeys(ctx, st, sec); err == nil || !strings.Contains(err.Error(), SettingSealedKeys) {
			t.Errorf("setting %q: %v", v, err)
		}
	}
}

// Two histories in two folders keep their keys apart.
func TestKeysBelongToTheirHistory(t *testing.T) {
	ctx := context.Background()
	st1, sec1 := openStores(t)
	st2, sec2 := openStores(t)
	pem, _ := vectorPublicPEM(t)
	if _, err := ImportSealedKey(ctx, st1, sec1, vectorSM4, pem, ""); err != nil {
		t.Fatal(err)
	}
	if kr, err := SealedKeys(ctx, st2, sec2); kr != nil || err != nil {
		t.Errorf("the second history has keys: %v, %v", kr, err)
	}
	// Its public key alone (a copied history) does not bring the SM4 key.
	v, _ := st1.Setting(ctx, SettingSealedKeys)
	st2.SetSetting(ctx, SettingSealedKeys, v, "")
	if _, err := SealedKeys(ctx, st2, sec2); !errors.Is(err, ErrKeyMissing) {
		t.Errorf("copied setting: %v", err)
	}
}
