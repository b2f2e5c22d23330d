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
