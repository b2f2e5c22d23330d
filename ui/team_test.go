package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// invoiceQR is the QR text of a 数电 invoice numbered n.
func invoiceQR(n int) (text, number string) {
	number = fmt.Sprintf("2444%016d", n)
	body := "01,32,," + number + ",100.00,20240601,"
	return body + "," + payload.ComputeCRC(body), number
}

// teamWindow is the window over the team's history at db, opened offline
// allowed with opts on machine pc-a, saving through this machine's outbox.
func teamWindow(t *testing.T, db string, opts ...store.Option) (*testWindow, *outbox.Team) {
	t.Helper()
	st, err := store.Open(db, append([]store.Option{store.AllowOffline(), store.WithHost("pc-a")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tm, err := outbox.NewTeam(context.Background(), st, filepath.Join(t.TempDir(), outbox.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.Close() })
	tm.MinWait, tm.MaxWait = 20*time.Millisecond, 200*time.Millisecond
	a, loop := uitest.NewApp(t)
	desktop := uitest.NewDesktop(a)
	m := &testWindow{MainWindow: NewMainWindow(desktop, st), loop: loop, desktop: desktop}
	m.e.Scanner.Now = uitest.FixedNow
	m.e.Scanner.NoOCR = true
	m.UseTeam(tm)
	t.Cleanup(m.settle)
	t.Cleanup(m.close)
	return m, tm
}

// The team's server stops while the clerk scans with the scanner gun: the
// window keeps the scans, says how many wait to be sent, and marks them in
// the queue; once the server is back the sender sends them, the line goes
// away, and an invoice another clerk recorded meanwhile is shown as a
// duplicate, the clerk told who recorded it.
func TestTeamServerAwayThenBack(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	srv, db := pgtest.Own(t)
	m, tm := teamWindow(t, db, store.WithCallTimeout(5*time.Second))
	loop, ctx := m.loop, context.Background()
	m.settle()
	if got := m.TeamText(); got != "" {
		t.Errorf("with the server up the window says %q", got)
	}

	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		text, _ := invoiceQR(i)
		m.gun(text)
		m.settle()
	}
	if got, want := m.TeamText(), "团队服务器无法连接：已保存在本机，共 2 份扫描待发送"; !strings.HasPrefix(got, want) {
		t.Errorf("the window says %q, want %q…", got, want)
	}
	if n := strings.Count(strings.Join(uitest.Labels(m.window.Content()), "\n"), "待发送"); n < 2 {
		t.Errorf("%d queue items say they wait to be sent, want 2: %q", n, uitest.Labels(m.window.Content()))
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Meanwhile clerk B, online, records invoice 2.
	other, err := store.Open(db, store.WithHost("pc-b"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	text2, number2 := invoiceQR(2)
	if _, err := other.Record(ctx, store.ScanInput{Source: store.SourceGun, Clerk: "clerk-b",
		Invoices: []store.InvoiceInput{{QR: payload.Parse(text2)}}}); err != nil {
		t.Fatal(err)
	}

	defer runSender(ctx, tm)()
	waiting := func() int { return strings.Count(strings.Join(uitest.Labels(m.window.Content()), "\n"), "待发送") }
	loop.RunUntil(t, 2*time.Minute, "the team line to clear and the queue to show the scans sent", func() bool {
		return m.TeamText() == "" && waiting() == 0 && m.sentDialog != nil
	})
	m.settle()
	over := uitest.OverlayText(m.window.Canvas())
	if !strings.Contains(over, number2) || !strings.Contains(over, "clerk-b") || !strings.Contains(over, "pc-b") {
		t.Errorf("the clerk is not told that %s was recorded by clerk-b on pc-b: %q", number2, over)
	}
	if n, err := other.Count(ctx, store.Filter{}); err != nil || n != 2 {
		t.Errorf("the history holds %d invoices (%v), want 2", n, err)
	}
}

// The window opens at once over a team's server that hangs (takes the
// connection and never answers), as it opens its history (store.ConnectLater):
// the line above the screens says the server is being connected to. Once
// the server answers the line goes. A call to the server here would wait
// an hour: the test would hang, not pass.
func TestWindowOpensOverAHungTeamServer(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	srv, db := pgtest.Own(t)
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Resume() }) // before the server is stopped
	m, tm := teamWindow(t, db, store.ConnectLater(), store.WithCallTimeout(time.Hour))
	loop, ctx := m.loop, context.Background()
	loop.RunPending()
	if got, want := m.TeamText(), "正在连接团队服务器…"; !strings.HasPrefix(got, want) {
		t.Errorf("over a hung server the window says %q, want %q…", got, want)
	}
	if m.window.Content() == nil || m.scan.Gun() == nil {
		t.Error("the window has no screens")
	}

	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	defer runSender(ctx, tm)()
	loop.RunUntil(t, 2*time.Minute, "the team line to clear once the server answers", func() bool { return m.TeamText() == "" })
	m.settle()
	if s := tm.Status(); s.Connecting || s.Offline {
		t.Errorf("with the server answering the status is %+v", s)
	}
}

// Closing the window waits for what was typed to be saved only so long: a
// team's server that hangs (takes the connection and never answers) does
// not hold it open. The clerk is told the value was not saved, and closes
// anyway. The call timeout is an hour: only the window's own bound can end
// the wait, which is shortened here; the server never answers, so the bound
// decides nothing but how long the test takes.
func TestCloseOverAHungTeamServer(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	srv, db := pgtest.Own(t)
	m, _ := teamWindow(t, db, store.WithCallTimeout(time.Hour))
	c := m.window.Canvas()
	text, number := invoiceQR(1)
	entries := m.scanEntries(t, text)
	test.Type(entries[len(entries)-2], "某某公司") // 销售方名称

	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Resume() }) // before the server is stopped
	m.closeWait = 100 * time.Millisecond
	uitest.PressClose(m.window)
	m.loop.RunUntil(t, 2*time.Minute, "the clerk to be asked", func() bool { return m.closeDialog != nil })
	if uitest.Closed(m.window) {
		t.Fatal("the window closed without a word")
	}
	if over := uitest.OverlayText(c); !strings.Contains(over, "未能保存") || !strings.Contains(over, number) {
		t.Errorf("the question %q does not say what was not saved, of which invoice", over)
	}
	test.Tap(uitest.Button(c.Overlays().Top(), "仍然关闭"))
	if !uitest.Closed(m.window) {
		t.Error("closing anyway left the window open")
	}
}

// Values typed into a scan kept on this machine while the team's server is
// away are kept with it, and recorded with it once it is sent: compared
// with its QR code as values typed online are.
func TestTypedIntoAScanWaitingToBeSent(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	srv, db := pgtest.Own(t)
	m, tm := teamWindow(t, db, store.WithCallTimeout(5*time.Second))
	ctx := context.Background()
	m.settle()
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	text1, number1 := invoiceQR(1)
	test.Type(m.scanEntry(t, text1, "价税合计"), "200.00") // the QR code says 100.00
	text2, _ := invoiceQR(2)
	m.gun(text2) // the clerk moves on
	m.settle()
	items, err := tm.Box.Items(ctx, tm.St.Path())
	if err != nil || len(items) != 2 {
		t.Fatalf("the outbox holds %d scans (%v), want 2", len(items), err)
	}
	if got := items[0].Scan.Invoices[0].Typed[store.PrintedTotal]; got != "200.00" {
		t.Errorf("the total typed into the scan waiting is %q in the outbox, want 200.00", got)
	}
	if over := uitest.OverlayText(m.window.Canvas()); over != "" {
		t.Errorf("the clerk is told %q", over)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	defer runSender(ctx, tm)()
	m.loop.RunUntil(t, 2*time.Minute, "the scans to be sent", func() bool { return m.TeamText() == "" && tm.Status().Queued == 0 })
	m.settle()
	inv, err := tm.St.GetByIdentity(ctx, number1)
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.Typed[store.PrintedTotal]; got != "200.00" {
		t.Errorf("the total typed while the scan waited is %q in the history, want 200.00", got)
	}
	if !strings.Contains(fmt.Sprint(inv.Findings), "mismatch_amount") {
		t.Errorf("a typed total that is not the QR code's: findings %+v, want mismatch_amount", inv.Findings)
	}
}

// runSender runs the team's sender (Team.Run) until the function it
// returns is called, which waits for it to end.
func runSender(ctx context.Context, tm *outbox.Team) (stop func()) {
	run, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); tm.Run(run) }()
	return func() { cancel(); <-done }
}
