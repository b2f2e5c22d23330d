package settings

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
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

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

// newScreen is the settings screen over a fresh history. What the
// background hands to the window waits until settle runs it on the test
// goroutine; languages collects the languages the clerk picks.
func newScreen(t *testing.T) (s *Screen, e *env.Env, settle func(), languages *[]string) {
	t.Helper()
	w := uitest.NewWindow(t)
	languages = new([]string)
	s = New(w.Env, func(code string) { *languages = append(*languages, code) })
	w.Show(s.Content())
	s.Relabel()
	w.Settle()
	return s, w.Env, w.Settle, languages
}

// shownMessage is the text of the dialog on top of the window.
func shownMessage(e *env.Env) string { return uitest.OverlayText(e.Win.Canvas()) }

// assertNotInHistory fails when secret is in any of the history's files.
func assertNotInHistory(t *testing.T, e *env.Env, secret string) {
	t.Helper()
	files, _ := filepath.Glob(e.Store().Path() + "*")
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
	s, e, settle, _ := newScreen(t)
	k := s.keys
	if rows := keyRows(k); len(rows) != 1 || !strings.HasPrefix(rows[0], "尚未导入密钥") {
		t.Errorf("key list before importing: %q", rows)
	}

	// Without the keys the sealed code is reported, not read.
	if f := uitest.Scan(t, e, vectorText).Invoices[0].Findings; !finding.Has(f, "sealed_no_key") {
		t.Fatalf("before importing: findings %v, want sealed_no_key", f)
	}

	pubHex, _ := vectorPublic(t)
	test.Type(k.sm4, vectorSM4)
	test.Type(k.pub, pubHex)
	test.Tap(k.add)
	settle()

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
	if msg := shownMessage(e); !strings.Contains(msg, "密钥已导入") || !strings.Contains(msg, vectorKeyID) {
		t.Errorf("message after importing: %q", msg)
	}
	if k.sm4.Text != "" || k.pub.Text != "" {
		t.Error("the key fields were not emptied")
	}

	// Read at once: the same code now opens to an invoice.
	r := uitest.Scan(t, e, vectorText)
	if len(r.Invoices) != 1 || r.Invoices[0].QR.Number != vectorNumber {
		t.Fatalf("after importing: %+v", r.Invoices)
	}
	for _, f := range r.Invoices[0].Findings {
		if strings.HasPrefix(f.Code, "sealed_") {
			t.Errorf("after importing: finding %s", f.Code)
		}
	}

	assertNotInHistory(t, e, vectorSM4)
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(filepath.Dir(e.Store().Path()), secrets.FileName))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("secrets file: %v, %v", fi, err)
		}
	}

	// Removing asks first, then the code cannot be read again.
	k.remove(vectorKeyID)
	s.confirm.(*dialog.ConfirmDialog).Confirm()
	settle()
	if len(k.keys) != 0 || e.Scanner.Keyring() != nil {
		t.Fatalf("after removing: keys %+v, scanner keys %v", k.keys, e.Scanner.Keyring())
	}
	if f := uitest.Scan(t, e, vectorText).Invoices[0].Findings; !finding.Has(f, "sealed_no_key") {
		t.Errorf("after removing: findings %v", f)
	}
}

func TestSettingsKeyFromFile(t *testing.T) {
	s, _, settle, _ := newScreen(t)
	k := s.keys
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
	settle()
	if !strings.HasPrefix(k.pub.Text, "-----BEGIN") || k.sm4.Text != vectorSM4 {
		t.Fatalf("fields after reading the files: %.20q, %d characters", k.pub.Text, len(k.sm4.Text))
	}
	test.Tap(k.add)
	settle()
	if len(k.keys) != 1 || k.keys[0].Fingerprint != vectorKeyID {
		t.Errorf("keys: %+v", k.keys)
	}
}

func TestSettingsKeyRefused(t *testing.T) {
	s, e, settle, _ := newScreen(t)
	k := s.keys
	pubHex, _ := vectorPublic(t)
	const typo = "0123456789abcdeffedcba98765432g0"
	test.Type(k.sm4, typo)
	test.Type(k.pub, pubHex)
	test.Tap(k.add)
	settle()
	msg := shownMessage(e)
	if !strings.Contains(msg, "SM4 密钥格式不对") || strings.Contains(msg, typo) {
		t.Errorf("message: %q", msg)
	}
	if len(k.keys) != 0 || k.sm4.Text != typo {
		t.Errorf("a refused key was imported, or the field emptied: %+v", k.keys)
	}

	k.sm4.SetText(vectorSM4)
	k.pub.SetText("04" + strings.Repeat("11", 64))
	test.Tap(k.add)
	settle()
	if msg := shownMessage(e); !strings.Contains(msg, "无法识别 SM2 公钥") {
		t.Errorf("message: %q", msg)
	}
}

func TestSettingsGateway(t *testing.T) {
	for _, v := range []string{config.EnvAppID, config.EnvSecret, config.EnvEndpoint} {
		t.Setenv(v, "")
	}
	s, e, settle, languages := newScreen(t)
	g := s.gateway
	ctx := context.Background()
	if g.secret.entry.PlaceHolder != "未设置" {
		t.Errorf("secret placeholder before saving: %q", g.secret.entry.PlaceHolder)
	}
	where := filepath.Join(filepath.Dir(e.Store().Path()), secrets.FileName)
	if !strings.Contains(g.where.Text, where) {
		t.Errorf("where label: %q, want %s", g.where.Text, where)
	}

	const secret = "s3cr3t-网关-8d2f"
	test.Type(g.appID, "app-7")
	test.Type(g.secret.entry, secret)
	test.Tap(g.save)
	settle()

	creds, url, err := config.Gateway(ctx, e.Store(), e.Sec)
	if err != nil || creds.AppID != "app-7" || creds.Secret != secret || url != gateway.DefaultEndpoint {
		t.Fatalf("Gateway = %v %q %v", creds, url, err)
	}
	if g.secret.entry.Text != "" || g.secret.entry.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("secret field after saving: %q, placeholder %q", g.secret.entry.Text, g.secret.entry.PlaceHolder)
	}
	if msg := shownMessage(e); !strings.Contains(msg, "网关设置已保存") {
		t.Errorf("message: %q", msg)
	}
	assertNotInHistory(t, e, secret)

	// Opened again, the form shows the AppID and "saved", never the secret.
	s2 := New(e, func(string) {})
	s2.Relabel()
	settle()
	if s2.gateway.appID.Text != "app-7" || s2.gateway.secret.entry.Text != "" ||
		s2.gateway.secret.entry.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("reopened: AppID %q, secret %q, placeholder %q", s2.gateway.appID.Text, s2.gateway.secret.entry.Text,
			s2.gateway.secret.entry.PlaceHolder)
	}

	// A new URL with the secret left empty keeps the secret.
	g.endpoint.SetText("ftp://kf.fw199.com")
	test.Tap(g.save)
	settle()
	if msg := shownMessage(e); !strings.Contains(msg, "http://") {
		t.Errorf("bad URL message: %q", msg)
	}
	g.endpoint.SetText("https://test.fw199.example/rebill")
	test.Tap(g.save)
	settle()
	creds, url, err = config.Gateway(ctx, e.Store(), e.Sec)
	if err != nil || creds.Secret != secret || url != "https://test.fw199.example/rebill" {
		t.Errorf("after changing the URL: %v %q %v", creds, url, err)
	}

	s.language.SetSelected("English")
	if len(*languages) != 1 || (*languages)[0] != "en" {
		t.Errorf("picking English asked for %q", *languages)
	}
	e.Tr = env.NewTranslator("en") // as the window does
	s.Relabel()
	if g.title.Text != "fw199 gateway: re-billing" || g.secret.entry.PlaceHolder != "saved (leave empty to keep it)" ||
		s.keys.title.Text != "Sealed QR keys" {
		t.Errorf("in English: %q, %q, %q", g.title.Text, g.secret.entry.PlaceHolder, s.keys.title.Text)
	}
}

func TestSettingsClerkAndBlacklist(t *testing.T) {
	s, e, settle, _ := newScreen(t)
	ctx := context.Background()

	s.clerk.SetText("李出纳")
	test.Tap(s.saveClerk)
	settle()
	if got, _ := e.Store().Setting(ctx, store.SettingClerk); got != "李出纳" {
		t.Errorf("clerk setting = %q", got)
	}
	reopened := New(e, nil)
	settle()
	if reopened.clerk.Text != "李出纳" {
		t.Errorf("reopened, the clerk is %q", reopened.clerk.Text)
	}

	test.Type(s.taxID, "９１１１００００６００００７３３ｅ１")
	s.reason.SetText("虚开")
	test.Tap(s.add)
	settle()
	if len(s.entries) != 1 || s.entries[0].TaxID != "9111000060000733E1" || s.entries[0].AddedBy != "李出纳" {
		t.Fatalf("blacklist = %+v", s.entries)
	}
	if s.taxID.Text != "" || s.reason.Text != "" {
		t.Error("the fields were not emptied for the next one")
	}
	s.remove("9111000060000733E1")
	s.confirm.(*dialog.ConfirmDialog).Confirm()
	settle()
	if len(s.entries) != 0 {
		t.Errorf("blacklist after removing = %+v", s.entries)
	}
}

// The provider of invoice checks is chosen here, its secret kept in the
// keyring, never in the history; opened again, the form shows the choice
// and "saved", never the secret.
func TestSettingsChecks(t *testing.T) {
	for _, v := range []string{"FAPIAO_TENCENT_SECRET_ID", "FAPIAO_TENCENT_SECRET_KEY", "FAPIAO_VERIFY_ENDPOINT"} {
		t.Setenv(v, "")
	}
	s, e, settle, _ := newScreen(t)
	c := s.checks
	ctx := context.Background()
	if c.provider.Selected != "不查验（仅人工核验）" {
		t.Errorf("provider before choosing: %q", c.provider.Selected)
	}
	const secret = "tc-密钥-91f0"
	c.provider.SetSelected("腾讯云")
	test.Type(c.id, "AKIDclerk")
	test.Type(c.secret.entry, secret)
	test.Tap(c.save)
	settle()
	cfg, err := config.Verifier(ctx, e.Store(), e.Sec, "")
	if err != nil || cfg.Provider != "tencent" || cfg.ID != "AKIDclerk" || cfg.Secret != secret {
		t.Fatalf("Verifier = %+v, %v", cfg.Provider, err)
	}
	if msg := shownMessage(e); !strings.Contains(msg, "查验设置已保存") {
		t.Errorf("message: %q", msg)
	}
	assertNotInHistory(t, e, secret)
	s2 := New(e, func(string) {})
	s2.Relabel()
	settle()
	if s2.checks.provider.Selected != "腾讯云" || s2.checks.id.Text != "AKIDclerk" || s2.checks.secret.entry.Text != "" ||
		s2.checks.secret.entry.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("reopened: %q %q %q %q", s2.checks.provider.Selected, s2.checks.id.Text, s2.checks.secret.entry.Text,
			s2.checks.secret.entry.PlaceHolder)
	}
}
