package cli

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tjfoc/gmsm/x509"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

const (
	testSM4  = "0123456789abcdeffedcba9876543210"
	testPriv = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
)

// keysEnv keeps the machine's own keys and history out of a test, and the
// secrets in a file of the test's folder.
func keysEnv(t *testing.T) {
	t.Setenv(secrets.EnvBackend, "file")
	for _, v := range []string{"FAPIAO_SM4_KEY", "FAPIAO_SM2_PUB", "FAPIAO_DB"} {
		t.Setenv(v, "")
	}
}

// historyWithKey makes a history in a fresh folder with the test vector's
// keys imported in its settings, as the window does, and returns its path.
func historyWithKey(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	priv, err := sealed.ParsePrivateKey(testPriv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := config.ImportSealedKey(context.Background(), st, secrets.Open(filepath.Dir(path)),
		testSM4, x509.WritePublicKeyToHex(&priv.PublicKey), "test"); err != nil {
		t.Fatal(err)
	}
	return path
}

func sealedText(t *testing.T) string {
	t.Helper()
	priv, err := sealed.ParsePrivateKey(testPriv)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := sealed.ParseSM4Key(testSM4)
	text, err := sealed.Seal(sealed.Fields{Type: "10", Code: "044031600111", Number: "02407312", Date: "20171104",
		Amount: "582.52", CheckCode: "80883429292637169951"}, key, priv, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestParseUsesKeysFromSettings(t *testing.T) {
	keysEnv(t)
	db := historyWithKey(t)
	text := sealedText(t)

	code, out, errs := run(t, "", "parse", "--json", "--db", db, text)
	if code != 0 || !strings.Contains(out, `"opened":true`) || !strings.Contains(out, `"number":"02407312"`) {
		t.Fatalf("parse --db: exit %d: %s %s", code, out, errs)
	}
	// $FAPIAO_DB names the history as well.
	t.Setenv("FAPIAO_DB", db)
	code, out, errs = run(t, "", "parse", "--json", text)
	if code != 0 || !strings.Contains(out, `"opened":true`) {
		t.Fatalf("parse with $FAPIAO_DB: exit %d: %s %s", code, out, errs)
	}
	// Keys given on the command line come first.
	other := "00112233445566778899aabbccddeeff"
	_, out, _ = run(t, "", "parse", "--json", "--sm4-key", other, "--sm2-pub", mustPubHex(t), text)
	if strings.Contains(out, `"opened":true`) || !strings.Contains(out, "sealed_wrong_key") {
		t.Errorf("--sm4-key did not replace the configured key: %s", out)
	}
}

func TestScanUsesKeysFromSettings(t *testing.T) {
	keysEnv(t)
	db := historyWithKey(t)
	png := filepath.Join(t.TempDir(), "code.png")
	code, _, errs := run(t, "", "seal", "--sm4-key", testSM4, "--sm2-key", testPriv, "--out", png,
		"--fields", `{"type":"10","code":"044031600111","number":"02407312","date":"20171104","amount":"582.52"}`)
	if code != 0 {
		t.Fatalf("seal: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "", "scan", "--json", "--db", db, png)
	if code != 0 || !strings.Contains(out, `"opened":true`) || !strings.Contains(out, `"number":"02407312"`) {
		t.Fatalf("scan --db: exit %d: %s %s", code, out, errs)
	}
}

func TestConfiguredKeysMissing(t *testing.T) {
	keysEnv(t)
	text := sealedText(t)

	// No history there: no keys, and no history made.
	db := filepath.Join(t.TempDir(), "none", "history.db")
	code, out, errs := run(t, "", "parse", "--json", "--db", db, text)
	if code != 0 || !strings.Contains(out, "sealed_no_key") || errs != "" {
		t.Errorf("no history: exit %d: %s %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
		t.Errorf("parse made the history's folder: %v", err)
	}

	// The public key in the history, but its SM4 key gone: said on stderr,
	// without the key, and the code is read as far as it can be.
	db = historyWithKey(t)
	if err := os.Remove(filepath.Join(filepath.Dir(db), secrets.FileName)); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "", "parse", "--json", "--db", db, text)
	if code != 0 || !strings.Contains(out, "sealed_no_key") {
		t.Errorf("SM4 key missing: exit %d: %s", code, out)
	}
	if !strings.Contains(errs, "e6a4f9765fca89e8") || !strings.Contains(errs, "fapiao parse") || strings.Contains(errs, testSM4) {
		t.Errorf("stderr = %q, want the issuer's fingerprint and no key", errs)
	}
}

// A mistyped key is taken for a file name; it must not be printed as one.
func TestMistypedKeyIsNotPrinted(t *testing.T) {
	keysEnv(t)
	const typo = "0123456789abcdeffedcba98765432g0"
	code, _, errs := run(t, "", "parse", "--sm4-key", typo, "--sm2-pub", mustPubHex(t), "x")
	if code != 2 || strings.Contains(errs, typo) || !strings.Contains(errs, "--sm4-key") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func mustPubHex(t *testing.T) string {
	t.Helper()
	priv, err := sealed.ParsePrivateKey(testPriv)
	if err != nil {
		t.Fatal(err)
	}
	return x509.WritePublicKeyToHex(&priv.PublicKey)
}
