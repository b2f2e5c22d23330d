package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSealRoundTrip(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "code.png")
	fields := `{"type":"10","code":"044031600111","number":"02407312","date":"20171104","amount":"582.52","check_code":"80883429292637169951"}`
	code, out, errs := run(t, "", "seal", "--sm4-key", "0123456789abcdeffedcba9876543210",
		"--sm2-key", "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8", "--fields", fields, "--out", png)
	if code != 0 {
		t.Fatalf("seal: exit %d: %s", code, errs)
	}
	if strings.Contains(errs, "3945208f") {
		t.Fatal("the private key was printed")
	}
	pub := regexp.MustCompile(`04[0-9a-f]{128}`).FindString(errs)
	text := strings.TrimSpace(out)
	if pub == "" || !strings.HasPrefix(text, "FPSQ:") {
		t.Fatalf("out %q, stderr %q", out, errs)
	}
	code, out, errs = run(t, "", "parse", "--json", "--sm4-key", "0123456789abcdeffedcba9876543210", "--sm2-pub", pub, text)
	if code != 0 || !strings.Contains(out, `"number":"02407312"`) || !strings.Contains(out, `"opened":true`) {
		t.Fatalf("parse: exit %d: %s %s", code, out, errs)
	}
	// The PNG holds the same code.
	code, out, errs = run(t, "", "scan", "--json", "--sm4-key", "0123456789abcdeffedcba9876543210", "--sm2-pub", pub, png)
	if code != 0 || !strings.Contains(out, `"number":"02407312"`) {
		t.Fatalf("scan: exit %d: %s %s", code, out, errs)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		t.Fatal("no PNG written")
	}
}

func TestSealUsage(t *testing.T) {
	for _, args := range [][]string{
		{"seal"},
		{"seal", "--sm4-key", "00", "--sm2-key", "11", "--fields", "{}"},
		{"seal", "--sm4-key", "0123456789abcdeffedcba9876543210", "--sm2-key", "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8", "--fields", `{"type":"32"}`},
		{"parse", "--sm4-key", "0123456789abcdeffedcba9876543210", "x"},
	} {
		if code, _, _ := run(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// A key mistyped by a digit, or with a stray character, is taken for a
// file name: it is never printed, whether it came as a flag, from the
// environment or as an argument without its flag.
func TestMistypedKeysAreNotEchoed(t *testing.T) {
	const priv = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
	const sm4 = "0123456789abcdeffedcba9876543210"
	fields := `{"type":"32","number":"24312000000136634917","date":"20240514","amount":"1.00"}`
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		secret string
	}{
		{"sm2 63 digits", nil, []string{"--sm4-key", sm4, "--sm2-key", priv[:63]}, priv[:63]},
		{"sm2 65 digits", nil, []string{"--sm4-key", sm4, "--sm2-key", priv + "0"}, priv + "0"},
		{"sm2 stray character", nil, []string{"--sm4-key", sm4, "--sm2-key", priv[:40] + "g" + priv[41:]}, priv[41:]},
		{"sm4 31 digits", nil, []string{"--sm4-key", sm4[:31], "--sm2-key", priv}, sm4[:31]},
		{"FAPIAO_SM2_KEY", map[string]string{"FAPIAO_SM2_KEY": priv[:63]}, []string{"--sm4-key", sm4}, priv[:63]},
		{"FAPIAO_SM4_KEY", map[string]string{"FAPIAO_SM4_KEY": sm4 + "0"}, []string{"--sm2-key", priv}, sm4 + "0"},
		{"key without its flag", nil, []string{"--sm4-key", sm4, "--sm2-key", priv, priv[:63]}, priv[:63]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("FAPIAO_SM2_KEY", "")
			t.Setenv("FAPIAO_SM4_KEY", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errs := run(t, "", append(append([]string{"seal"}, tc.args...), "--fields", fields)...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if strings.Contains(errs+out, tc.secret) || strings.Contains(errs+out, priv[10:30]) {
				t.Errorf("the key was printed: %q", errs)
			}
		})
	}
	// Nor by parse and scan, whose --sm4-key is a secret too.
	for _, cmd := range []string{"parse", "scan"} {
		_, _, errs := run(t, "", cmd, "--sm4-key", sm4[:31], "--sm2-pub", "04"+strings.Repeat("1", 128), "x")
		if strings.Contains(errs, sm4[:31]) || !strings.Contains(errs, "--sm4-key") {
			t.Errorf("%s: stderr %q", cmd, errs)
		}
	}
}
