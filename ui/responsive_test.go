package ui

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	_ "github.com/mattn/go-sqlite3" // the history's driver, for a second connection

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// saveInvoices records n invoices in the window's history, as a batch
// saved by another process would, without the window being told.
func saveInvoices(t testing.TB, m *testWindow, n int) {
	t.Helper()
	var batch scan.FileResult
	for i := range n {
		body := fmt.Sprintf("01,32,,243120000002%08d,%d.00,20240514,", i, 100+i)
		r := m.e.Scanner.Text(body + "," + payload.ComputeCRC(body))
		batch.Invoices = append(batch.Invoices, r.Invoices...)
	}
	if err := scan.Save(context.Background(), m.e.Store(), store.SourcePaste, &batch); err != nil {
		t.Fatal(err)
	}
}

// The slowest things a clerk does keep the UI goroutine free: a page of
// 2,000 invoices in the history, and saving a setting while another
// process (a `fapiao scan --save` writing a batch) holds the history's
// write lock. What runs on the UI goroutine is seen by what the window
// shows: the test's loop runs what the background hands to the window
// only when the test says, so right after the clerk's action the window
// shows what the UI goroutine did by itself. How long these take is
// BenchmarkHistoryPage's (make bench).
func TestSlowActionsKeepTheWindowResponsive(t *testing.T) {
	m := newTestWindow(t, "")
	ctx := context.Background()
	saveInvoices(t, m, 2000)

	// The page is asked for in the background: right after the tab is
	// chosen the history says it is searching and lists nothing yet. A
	// search run on the UI goroutine would have listed the page already.
	m.ShowScreen(ScreenHistory)
	content := m.window.Canvas().Content()
	count := m.e.Tr.F("history.count", 2000)
	table := uitest.ShownTable(content)
	if table == nil {
		t.Fatal("the history shows no table")
	}
	if rows, _ := table.Length(); !uitest.ShownActivity(content) || rows != 0 || uitest.HasLabel(content, count) {
		t.Errorf("right after the history was chosen: searching shown %v, %d rows listed, counted %v; "+
			"want the search in the background", uitest.ShownActivity(content), rows, uitest.HasLabel(content, count))
	}
	m.settle()
	if rows, _ := table.Length(); uitest.ShownActivity(content) || rows != 2000 || !uitest.ShownLabel(content, count) {
		t.Errorf("once the search ended: searching shown %v, %d rows listed, counted %v; want 2000 rows and %q",
			uitest.ShownActivity(content), rows, uitest.ShownLabel(content, count), count)
	}

	// Another process holds the write lock, as a batch being recorded does.
	other, err := sql.Open("sqlite3", m.e.Store().Path()+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(ctx, "UPDATE settings SET value = value WHERE key = 'none'"); err != nil {
		t.Fatal(err)
	}
	m.ShowScreen(ScreenSettings)
	m.settle()
	m.settings.Relabel()
	content = m.window.Canvas().Content()
	clerk := uitest.Entries(content, m.e.Tr.T("settings.clerk.placeholder"))
	save := uitest.Button(content, m.e.Tr.T("settings.save"))
	if len(clerk) != 1 || save == nil {
		t.Fatalf("%d clerk entries, save button %v", len(clerk), save)
	}
	clerk[0].SetText("王核验")
	test.Tap(save)
	// The tap has returned with the write waiting for the lock in the
	// background: nothing says it was saved, nor that it failed. A write
	// on the UI goroutine would have waited out the history's busy
	// timeout inside the tap, then said the history is busy.
	if msg := uitest.OverlayText(m.window.Canvas()); msg != "" {
		t.Errorf("while another process holds the write lock, the tap left %q", msg)
	}
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	m.settle()
	if msg := uitest.OverlayText(m.window.Canvas()); !strings.Contains(msg, m.e.Tr.F("settings.clerk_saved", "王核验")) {
		t.Errorf("after the lock was released the settings say %q", msg)
	}
	if got, err := m.e.Store().Setting(ctx, store.SettingClerk); err != nil || got != "王核验" {
		t.Errorf("the history's clerk is %q (%v)", got, err)
	}
}

// BenchmarkHistoryPage shows the history page of 2,000 invoices and
// reports how long the UI goroutine was held to ask for it (ask-ms) and
// to list what came back (show-ms); both should stay well under 500.
// make bench runs it.
func BenchmarkHistoryPage(b *testing.B) {
	m := newTestWindow(b, "")
	saveInvoices(b, m, 2000)
	var ask, show time.Duration
	for range b.N {
		m.ShowScreen(ScreenScan)
		m.settle()
		m.loop.Longest()
		start := time.Now()
		m.ShowScreen(ScreenHistory)
		ask = max(ask, time.Since(start))
		m.settle()
		show = max(show, m.loop.Longest())
	}
	b.ReportMetric(float64(ask)/float64(time.Millisecond), "ask-ms")
	b.ReportMetric(float64(show)/float64(time.Millisecond), "show-ms")
}
