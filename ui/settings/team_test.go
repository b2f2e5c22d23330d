package settings

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The team's server is saved with its password in the secret store, never
// in the file, and the connection is tested against a real server.
func TestSettingsTeamHistory(t *testing.T) {
	uitest.PrivateDataFolder(t)
	s, e, settle, _ := newScreen(t)
	tm := s.team
	if tm.pw.entry.PlaceHolder != "未设置" || tm.addr.Text != "" {
		t.Errorf("before saving: address %q, password placeholder %q", tm.addr.Text, tm.pw.entry.PlaceHolder)
	}
	if !strings.Contains(tm.now.Text, e.Store().Path()) {
		t.Errorf("in use: %q", tm.now.Text)
	}

	// A server that answers: tested with the password typed (it trusts
	// the loopback, so any password is accepted).
	srv := pgtest.Database(t)
	test.Type(tm.addr, srv)
	test.Type(tm.pw.entry, "pa55-团队")
	test.Tap(tm.test)
	settle()
	if msg := shownMessage(e); !strings.Contains(msg, "连接成功") || strings.Contains(msg, "pa55") {
		t.Errorf("test of a server that answers: %q", msg)
	}
	file := e.Store()
	test.Tap(tm.save)
	settle()
	want := strings.Replace(srv, "postgres://fapiao@", "postgres://fapiao:xxxxx@", 1) // with the password, hidden
	if msg := shownMessage(e); !strings.Contains(msg, "窗口现在使用") || !strings.Contains(msg, want) || strings.Contains(msg, "pa55") {
		t.Errorf("message after saving: %q", msg)
	}
	if e.Store() == file || e.Store().Path() != want || !strings.Contains(tm.now.Text, want) {
		t.Errorf("in use after saving: %q, shown %q", e.Store().Path(), tm.now.Text)
	}
	loc, pw, err := config.HistoryLocation()
	if err != nil || loc != srv || !pw {
		t.Errorf("saved: %q, password %v, %v", loc, pw, err)
	}
	if tm.pw.entry.Text != "" || tm.pw.entry.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("password field after saving: %q, %q", tm.pw.entry.Text, tm.pw.entry.PlaceHolder)
	}
	def, _ := store.DefaultPath()
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(def), "history-location")); err != nil || strings.Contains(string(b), "pa55") {
		t.Errorf("location file %q (%v)", b, err)
	}
	if p, _ := config.HistoryPath(); !strings.Contains(p, "pa55") {
		t.Errorf("the next start opens %q, without the password", store.Redact(p))
	}

	// A server that does not answer is a clear message.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "postgres://fapiao@" + l.Addr().String() + "/x?connect_timeout=2"
	l.Close()
	tm.addr.SetText(closed)
	test.Tap(tm.test)
	settle()
	if msg := shownMessage(e); !strings.Contains(msg, "无法连接") {
		t.Errorf("test of a server that does not answer: %q", msg)
	}
	// Saved, it is not used, nor saved: the window keeps the server.
	inUse := e.Store()
	test.Tap(tm.save)
	settle()
	if msg := shownMessage(e); !strings.Contains(msg, "无法打开新的历史") || !strings.Contains(msg, inUse.Path()) {
		t.Errorf("saving a server that does not answer: %q", msg)
	}
	if e.Store() != inUse {
		t.Errorf("the window left %s for a server that does not answer: %s", inUse.Path(), e.Store().Path())
	}
	if loc, _, err := config.HistoryLocation(); err != nil || loc != srv {
		t.Errorf("saved after a failure: %q, %v", loc, err)
	}
	tm.addr.SetText(srv)

	// Reopened, the screen shows the address saved and "saved".
	s2 := New(e, func(string) {})
	s2.Relabel()
	settle()
	if s2.team.addr.Text != srv || s2.team.pw.entry.PlaceHolder != "已保存（不修改请留空）" {
		t.Errorf("reopened: %q, %q", s2.team.addr.Text, s2.team.pw.entry.PlaceHolder)
	}
}
