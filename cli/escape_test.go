package cli

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"发票 ok":                       "发票 ok",
		"\x1b[2J\rFAKE OK":            `\x1b[2J\rFAKE OK`,
		"a\nb\tc\x7f":                 `a\nb\tc\x7f`,
		"\u009b2J":                    `\u009b2J`,
		"evil\u202egnp.exe":           `evil\u202egnp.exe`,
		"bad\xffutf8":                 `bad\xffutf8`,
		`C:\发票\a.pdf`:                 `C:\发票\a.pdf`,
		"01,10,044031600111,02407312": "01,10,044031600111,02407312",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// noControls fails when s holds a terminal control character: an escape
// sequence, a carriage return, a C1 control or a reordering mark. Line
// breaks are the output's own.
func noControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || unsafeRune(r)) {
			t.Errorf("%s: control character %U printed: %q", what, r, s)
			return
		}
	}
}

// What the gateway says, a QR code's text and a file's name reach the
// terminal escaped: "\e[2J…\r" cannot clear the screen and forge a line.
func TestHumanOutputEscaped(t *testing.T) {
	const forge = "\x1b[2J\x1b[H\rFAKE OK \u202e"
	// A gateway's message.
	srv := httptest.NewServer(&gatewaytest.Handler{Secret: "sec", AppID: "app",
		Answer: func(string) gatewaytest.Answer {
			return gatewaytest.Answer{Outcome: gatewaytest.Failed, Message: forge}
		}})
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "history.db")
	t.Setenv("FAPIAO_SECRETS", "file")
	t.Setenv("FAPIAO_FW199_APPID", "app")
	t.Setenv("FAPIAO_FW199_SECRET", "sec")
	_, out, errs := run(t, "", "rebill", "--orderno", "O1", "--tax-num", "T", "--endpoint", srv.URL+"/rebill", "--db", db)
	if !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("rebill: the message is not shown escaped: %q", out)
	}
	noControls(t, "rebill", out+errs)
	_, out, errs = run(t, "", "orders", "--db", db)
	noControls(t, "orders", out+errs)

	// A QR code's text, pasted or scanned.
	_, out, errs = run(t, "", "parse", "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA"+forge)
	noControls(t, "parse", out+errs)
	_, out, errs = run(t, "01,32,,24312000000136634917,0.01,20240514,,1DD6\n"+forge+"\n", "parse", "-")
	noControls(t, "parse -", out+errs)

	// A file's name.
	if runtime.GOOS != "windows" {
		dir := t.TempDir()
		name := filepath.Join(dir, "a"+forge+".png")
		os.WriteFile(name, []byte("not an image"), 0o644)
		_, out, errs = run(t, "", "scan", "--no-ocr", dir)
		if !strings.Contains(out, "FAKE OK") {
			t.Errorf("scan: %q", out)
		}
		noControls(t, "scan", out+errs)
	}
}
