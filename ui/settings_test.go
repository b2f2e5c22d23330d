package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/tjfoc/gmsm/x509"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/secrets"
)

// The tests keep secrets in a file of each test's data folder, never in
// the keyring of the machine that runs them.
func TestMain(m *testing.M) {
	os.Setenv(secrets.EnvBackend, "file")
	os.Exit(m.Run())
}

// The published sealed QR test vector and its keys (docs/sealed-qr.md).
const (
	vectorSM4    = "0123456789abcdeffedcba9876543210"
	vectorPriv   = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
	vectorKeyID  = "e6a4f9765fca89e8"
	vectorText   = "FPSQ:Aeak+XZfyonofbTqo2d4Xt5grh23qBaW9gEwoa56g394PehyuzUChJStGGMj51GD8jLUbXhr8HYctNroMLOBae1aiKtqd+/Ins9dHZNlZhfMLfeC87GHiSlbmgTvldvTeBrnVIeck9qhIBj7a8ojlLj4okIgxkBdWy60v/BD3R0IBTQX2zejaUlnLDxFvyVw31ZSAf/pKsQWL3bvxwP4Dnc4MG9XALfY4Emv9+Cj0D97XcRpE3w1cAsw1Fm1GzoifyksygkSF16uA2dzP+RaJwbXEvReITqIta5qbjY7RGc39AaZteW8hLhwujmS0BVNrmUiMtxwPU3iTuU59aqqAha8QFQ8yMNtWZXI4qOoghCkMswUROqgVpZiNQq2YFUD9yR7Q0bOHOzecyd6KwohWBUuBE4AEr6zMJ60Qn1mqHIhtW0uUD3k5kd7XJLgRzK3chaipChmw5Ske1L/jd4i6qEoysB4XF2bd6FTG9FVYtcjznZnhWoKJYEuHR+iO7XlYQT5ENuPV5OzCDw="
	vectorNumber = "24312000000136634917"
)

func vectorPublic(t *testing.T) (hexKey, pem string) {
	t.Helper()
	priv, err := sealed.ParsePrivateKey(vectorPriv)
	if err != nil {
		t.Fatal(err)
	}
	b, err := x509.WritePublicKeyToPem(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return x509.WritePublicKeyToHex(&priv.PublicKey), string(b)
}

// shownMessage is the text of the dialog on top of the window.
func shownMessage(m *MainWindow) string {
	top := m.window.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(top)
	return b.String()
}

// keyRows are the texts of the key list.
func keyRows(k *keysSection) []string {
	var out []string
	for _, o := range k.rows.Objects {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				if l, ok := c.(*widget.Label); ok {
					out = append(out, l.Text)
				}
			}
		}
	}
	return out
}

// assertNotInHistory fails when secret is in any of the history's files.
func assertNotInHistory(t *testing.T, m *MainWindow, secret string) {
	t.Helper()
	files, _ := filepath.Glob(m.e.st.Path() + "*")
	if len(files) == 0 {
		t.Fatal("no history files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret", filepath.Base(f))
		}
	}
}

func TestSettingsImportSealedKey(t *testing.T) {
	m := newTestWindow(t, "")
	m.e.scanner.Now = fixedNow
	k := m.settings.keys
	if rows := keyRows(k); len(rows) != 1 || !strings.HasPrefix(rows[0], "尚未导入密钥") {
		t.Errorf("key list before importing: %q", rows)
	}

	// Without the keys the sealed code is reported, not read.
	scanText(m, vectorText)
	if f := m.scan.items[0].invoice().Findings; !finding.Has(f, "sealed_no_key") {
		t.Fatalf("before importing: findings %v, want sealed_no_key", f)
	}

	pubHex, _ := vectorPublic(t)
	test.Type(k.sm4, vectorSM4)
	test.Type(k.pub, pubHex)
	test.Tap(k.add)

	if len(k.keys) != 1 || k.keys[0].Fingerprint != vectorKeyID {
		t.Fatalf("keys after importing: %+v", k.keys)
	}
	rows := keyRows(k)
	if len(rows) != 1 || !strings.Contains(rows[0], vectorKeyID) || !strings.Contains(rows[0], k.keys[0].SM4) {
		t.Errorf("key list shows %q", rows)
	}
	if strings.Contains(strings.Join(rows, ""), vectorSM4) {
		t.Error("the key list shows the SM4 key")
	}
	if msg := shownMessage(m); !strings.Contains(msg, "密钥已导入") || !strings.Contains(msg, vectorKeyID) {
		t.Errorf("message after importing: %q", msg)
	}
	if k.sm4.Text != "" || k.pub.Text != "" {
		t.Error("the key fields were not emptied")
	}

	// Read at once: the same code now opens to an invoice.
	scanText(m, vectorText)
	inv := m.scan.items[1].invoice()
	if inv == nil || inv.QR.Number != vectorNumber {
		t.Fatalf("after importing: %+v", inv)
	}
	for _, f := range inv.Findings {
		if strings.HasPrefix(f.Code, "sealed_") {
			t.Errorf("after importing: finding %s", f.Code)
		}
	}
	if m.scan.detail.qr == nil || m.scan.detail.qr.Number != vectorNumber {
		t.Error("the opened invoice is not shown in the detail view")
	}

	assertNotInHistory(t, m, vectorSM4)
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(filepath.Dir(m.e.st.Path()), secrets.FileName))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("secrets file: %v, %v", fi, err)
		}
	}

	// Removing asks first, then the code cannot be read again.
	k.remove(vectorKeyID)
	m.settings.confirm.(*dialog.ConfirmDialog).Confirm()
	if len(k.keys) != 0 || m.e.scanner.Keyring() != nil {
		t.Fatalf("after removing: keys %+v, scanner keys %v", k.keys, m.e.scanner.Keyring())
	}
	scanText(m, vectorText)
	if f := m.scan.items[2].invoice().Findings; !finding.Has(f, "sealed_no_key") {
		t.Errorf("after removing: findings %v", f)
	}
}

// Keys imported earlier are used by a window opened later.
func TestSealedKeysLoadedAtStart(t *testing.T) {
	m := newTestWindow(t, "")
	pubHex, _ := vectorPublic(t)
	if _, err := config.ImportSealedKey(context.Background(), m.e.st, m.e.sec, vectorSM4, pubHex, ""); err != nil {
		t.Fatal(err)
	}
	m2 := NewMainWindow(test.NewTempApp(t), m.e.st)
	t.Cleanup(m2.window.Close)
	if m2.e.scanner.Keyring().Len() != 1 || len(m2.settings.keys.keys) != 1 {
		t.Errorf("a new window has %d keys, lists %d", m2.e.scanner.Keyring().Len(), len(m2.settings.keys.keys))
	}
}

func TestSettingsKeyFromFile(t *testing.T) {
	m := newTestWindow(t, "")
	k := m.settings.keys
	_, pem := vectorPublic(t)
	dir := t.TempDir()
	pubFile := filepath.Join(dir, "issuer.pem")
	sm4File := filepath.Join(dir, "issuer.key")
	os.WriteFile(pubFile, []byte(pem), 0o600)
	os.WriteFile(sm4File, []byte(vectorSM4+"\r\n"), 0o600)

	test.Tap(k.pubFile)
	if k.fileDialog == nil {
		t.Fatal("no file dialog")
	}
	k.fileDialog.Dismiss()
	// What the dialog hands over when a file is chosen.
	for target, path := range map[*widget.Entry]string{k.pub: pubFile, k.sm4: sm4File} {
		r, err := storage.Reader(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		k.fromFile(target)(r, nil)
	}
	k.fromFile(k.pub)(nil, nil) // cancelled: nothing changes
	if !strings.HasPrefix(k.pub.Text, "-----BEGIN") || k.sm4.Text != vectorSM4 {
		t.Fatalf("fields after reading the files: %.20q, %d characters", k.pub.Text, len(k.sm4.Text))
	}
	test.Tap(k.add)
	if len(k.keys) != 1 || k.keys[0].Fingerprint != vectorKeyID {
		t.Errorf("keys: %+v", k.keys)
	}
}

func TestSettingsKeyRefused(t *testing.T) {
	m := newTestWindow(t, "")
	k := m.settings.keys
	pubHex, _ := vectorPublic(t)
	const typo = "0123456789abcdeffedcba98765432g0"
	test.Type(k.sm4, typo)
	test.Type(k.pub, pubHex)
	test.Tap(k.add)
	msg := shownMessage(m)
	if !strings.Contains(msg, "SM4 密钥格式不对") || strings.Contains(msg, typo) {
		t.Errorf("message: %q", msg)
	}
	if len(k.keys) != 0 || k.sm4.Text != typo {
		t.Errorf("a refused key was imported, or the field emptied: %+v", k.keys)
	}

	k.sm4.SetText(vectorSM4)
	k.pub.SetText("04" + strings.Repeat("11", 64))
	test.Tap(k.add)
	if msg := shownMessage(m); !strings.Contains(msg, "无法识别 SM2 公钥") {
		t.Errorf("message: %q", msg)
	}
}

func TestSettingsGateway(t *testing.T) {
	for _, v := range []string{config.EnvAppID, config.EnvSecret, config.EnvEndpoint} {
		t.Setenv(v, "")
	}
	m := newTestWindow(t, "")
	g := m.settings.gateway
	ctx := context.Background()
	if g.secret.PlaceHolder != "未设置" {
		t.Errorf("secret placeholder before saving: %q", g.secret.PlaceHolder)
	}
	where := filepath.Join(filepath.Dir(m.e.st.Path()), secrets.FileName)
	if !strings.Contains(g.where.Text, where) {
		t.Errorf("where label: %q, want %s", g.where.Text, where)
	}

	const secret = "s3cr3t-网关-8d2f"
	test.Type(g.appID, "app-7")
	test.Type(g.secret, secret)
	test.Tap(g.save)

	creds, url, err := config.Gateway(ctx, m.e.st, m.e.sec)
	if err != nil || creds.AppID != "app-7" || creds.Secret != secret || url != gateway.DefaultEndpoint {
		t.Fatalf("Gateway = %v %q %v", creds, url, err)
	}
	if g.secret.Text != "" || g.secret.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("secret field after saving: %q, placeholder %q", g.secret.Text, g.secret.PlaceHolder)
	}
	if msg := shownMessage(m); !strings.Contains(msg, "网关设置已保存") {
		t.Errorf("message: %q", msg)
	}
	assertNotInHistory(t, m, secret)

	// Opened again, the form shows the AppID and "saved", never the secret.
	s2 := newSettingsScreen(m.e, func(string) {})
	s2.relabel()
	if s2.gateway.appID.Text != "app-7" || s2.gateway.secret.Text != "" ||
		s2.gateway.secret.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("reopened: AppID %q, secret %q, placeholder %q", s2.gateway.appID.Text, s2.gateway.secret.Text,
			s2.gateway.secret.PlaceHolder)
	}

	// A new URL with the secret left empty keeps the secret.
	g.endpoint.SetText("ftp://kf.fw199.com")
	test.Tap(g.save)
	if msg := shownMessage(m); !strings.Contains(msg, "http://") {
		t.Errorf("bad URL message: %q", msg)
	}
	g.endpoint.SetText("https://test.fw199.example/rebill")
	test.Tap(g.save)
	creds, url, err = config.Gateway(ctx, m.e.st, m.e.sec)
	if err != nil || creds.Secret != secret || url != "https://test.fw199.example/rebill" {
		t.Errorf("after changing the URL: %v %q %v", creds, url, err)
	}

	m.settings.language.SetSelected("English")
	if g.title.Text != "fw199 gateway: re-billing" || g.secret.PlaceHolder != "saved (leave empty to keep it)" ||
		m.settings.keys.title.Text != "Sealed QR keys" {
		t.Errorf("in English: %q, %q, %q", g.title.Text, g.secret.PlaceHolder, m.settings.keys.title.Text)
	}
}
