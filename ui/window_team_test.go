package ui

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// useTeam has the settings switch the window to the team's server at addr
// (the file, with ""), and returns what the window said of it.
func (m *testWindow) useTeam(t *testing.T, addr string) string {
	t.Helper()
	c := m.window.Canvas()
	m.ShowScreen(ScreenSettings)
	addrEntry := uitest.Entries(c.Content(), m.e.Tr.T("settings.team_placeholder"))
	if len(addrEntry) != 1 {
		t.Fatalf("%d team address entries", len(addrEntry))
	}
	addrEntry[0].SetText("")
	test.Type(addrEntry[0], addr)
	test.Tap(uitest.Button(c.Content(), "保存并使用"))
	m.settle()
	msg := uitest.OverlayText(c)
	c.Overlays().Top().Hide()
	c.Overlays().Remove(c.Overlays().Top())
	return msg
}

// The team's server set in 设置 is used at once, by every screen: the
// history lists the team's invoices, a code scanned next is found a
// duplicate of another clerk's, the blacklist is the team's. A server that
// cannot be reached is said so, and the window keeps the history it has.
// Another server, then the local file, are switched to the same way, and
// the history left is closed.
func TestSettingsSwitchHistoryAtOnce(t *testing.T) {
	uitest.PrivateDataFolder(t)
	ctx := context.Background()
	const (
		team     = "01,32,,24312000000136634917,0.01,20240514,,1DD6"
		identity = "24312000000136634917"
	)
	teamA, teamB := pgtest.Database(t), pgtest.Database(t)
	a, err := store.Open(teamA, store.WithHost("desk-9"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Record(ctx, store.ScanInput{File: "mail.pdf", Source: store.SourceFile, Clerk: "王五",
		Invoices: []store.InvoiceInput{{QR: payload.Analyze(team, uitest.FixedNow())}}}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddBlacklist(ctx, "91320621MA1MRHG205", "团队黑名单", "王五"); err != nil {
		t.Fatal(err)
	}
	a.Close()

	m := newTestWindow(t, "")
	c := m.window.Canvas()
	file := m.Store()
	// Each team's server gets its own sender while the window uses it.
	var started, stopped atomic.Int32
	m.SetTeamRunner(func(tm *outbox.Team) func() {
		started.Add(1)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); tm.Run(ctx) }()
		return func() { stop(); <-done; stopped.Add(1) }
	})
	senders := func(wantStarted, wantStopped int32) {
		t.Helper()
		if s, p := started.Load(), stopped.Load(); s != wantStarted || p != wantStopped {
			t.Errorf("%d senders started, %d stopped; want %d, %d", s, p, wantStarted, wantStopped)
		}
	}
	m.gun(uitest.PaperPayload) // into the file: the queue holds it
	m.settle()
	if uitest.ShownLabel(c.Content(), m.e.Tr.T("scan.empty")) {
		t.Fatal("the queue is empty after a scan")
	}

	use := func(addr string) string { t.Helper(); return m.useTeam(t, addr) }

	if msg := use(teamA); !strings.Contains(msg, "窗口现在使用") || m.Store().Path() != teamA {
		t.Fatalf("switching to %s: %q; in use %s", teamA, msg, m.Store().Path())
	}
	if _, err := file.Count(ctx, store.Filter{}); err == nil {
		t.Error("the file left is still open")
	}
	if m.History().Team == nil {
		t.Error("the team's server is used without an outbox: scans would be lost while it is away")
	}
	senders(1, 0)
	m.ShowScreen(ScreenScan)
	if !uitest.ShownLabel(c.Content(), m.e.Tr.T("scan.empty")) {
		t.Error("the queue still lists what was recorded in the file")
	}
	m.ShowScreen(ScreenSettings)
	if !slices.ContainsFunc(uitest.Labels(c.Content()), func(l string) bool { return strings.Contains(l, "91320621MA1MRHG205  团队黑名单") }) {
		t.Error("the settings do not list the team's blacklist")
	}
	m.ShowScreen(ScreenHistory)
	m.settle()
	if rows := tableRows(c.Content()); len(rows) != 1 || !strings.Contains(rows[0], "36634917") {
		t.Errorf("the history lists %q, want the team's invoice", rows)
	}
	m.ShowScreen(ScreenScan)
	m.gun(team)
	m.settle()
	a, err = store.Open(teamA)
	if err != nil {
		t.Fatal(err)
	}
	seen, err := a.Lookup(ctx, identity)
	a.Close()
	if err != nil || seen.Count != 2 || seen.First.Clerk != "王五" {
		t.Errorf("the code scanned after the switch: %+v, %v; want a second sighting of 王五's", seen, err)
	}

	// A server that does not answer: not used, not saved.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "postgres://fapiao@" + l.Addr().String() + "/x?connect_timeout=2"
	l.Close()
	inUse := m.Store()
	if msg := use(closed); !strings.Contains(msg, "无法打开新的历史") || !strings.Contains(msg, teamA) {
		t.Errorf("switching to a server that does not answer: %q", msg)
	}
	if m.Store() != inUse {
		t.Errorf("the window left %s for a server that does not answer", teamA)
	}
	if loc, _, err := config.HistoryLocation(); err != nil || loc != teamA {
		t.Errorf("saved: %q, %v; want %s kept", loc, err, teamA)
	}

	if msg := use(teamB); !strings.Contains(msg, teamB) || m.Store().Path() != teamB {
		t.Errorf("switching to %s: %q; in use %s", teamB, msg, m.Store().Path())
	}
	m.ShowScreen(ScreenHistory)
	m.settle()
	if rows := tableRows(c.Content()); len(rows) != 0 {
		t.Errorf("the new team's empty history lists %q", rows)
	}
	if _, err := inUse.Count(ctx, store.Filter{}); err == nil {
		t.Error("the server left is still open")
	}
	senders(2, 1)

	def, err := store.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if msg := use(""); !strings.Contains(msg, def) || m.Store().Path() != def {
		t.Errorf("back to the local file: %q; in use %s", msg, m.Store().Path())
	}
	if loc, _, err := config.HistoryLocation(); err != nil || loc != "" {
		t.Errorf("saved: %q, %v; want the local file", loc, err)
	}
	if m.History().Team != nil || m.TeamText() != "" {
		t.Errorf("the local file has a team (%v) and says %q", m.History().Team != nil, m.TeamText())
	}
	senders(2, 2)
}

// tableRows are the rows of the table shown under root, each its cells'
// texts joined.
func tableRows(root fyne.CanvasObject) []string {
	tb := uitest.ShownTable(root)
	if tb == nil {
		return nil
	}
	rows, cols := tb.Length()
	out := make([]string, rows)
	for r := range rows {
		for col := range cols {
			out[r] += uitest.CellText(tb, r, col) + " "
		}
	}
	return out
}
