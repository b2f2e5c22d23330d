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

// uiBound is the most a clerk's action may hold up the UI goroutine here:
// far above what starting background work takes, far below the history's
// five-second busy timeout the window used to wait out.
const uiBound = 500 * time.Millisecond * uitest.RaceSlowdown

// The slowest things a clerk does keep the UI goroutine free: a page of
// 2,000 invoices in the history, and saving a setting while another
// process (a `fapiao scan --save` writing a batch) holds the history's
// write lock. The times measured are logged.
func TestSlowActionsKeepTheWindowResponsive(t *testing.T) {
	m := newTestWindow(t, "")
	ctx := context.Background()
	var batch scan.FileResult
	for i := range 2000 {
		body := fmt.Sprintf("01,32,,243120000002%08d,%d.00,20240514,", i, 100+i)
		r := m.e.Scanner.Text(body + "," + payload.ComputeCRC(body))
		batch.Invoices = append(batch.Invoices, r.Invoices...)
	}
	if err := scan.Save(ctx, m.e.Store(), store.SourcePaste, &batch); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	m.ShowScreen(ScreenHistory)
	asked := time.Since(start)
	m.loop.Longest()
	m.settle()
	shown := m.loop.Longest()
	t.Logf("history page of 2,000 invoices: %v on the UI goroutine to ask, %v to show", asked, shown)
	if !strings.Contains(strings.Join(uitest.Labels(m.window.Canvas().Content()), "\n"), "2000") {
		t.Error("the history does not count the 2,000 invoices")
	}
	if asked > uiBound || shown > uiBound {
		t.Errorf("the history page held the UI goroutine for %v and %v", asked, shown)
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
	if _, err := lock.ExecContext(ctx, "UPDATE settings SET value = value WHERE key = 'none'"); err != nil {
		t.Fatal(err)
	}
	m.ShowScreen(ScreenSettings)
	m.settle()
	m.settings.Relabel()
	save := uitest.Button(m.window.Canvas().Content(), "保存")
	if save == nil {
		t.Fatal("no save button")
	}
	start = time.Now()
	test.Tap(save) // the clerk's name, as it stands
	tapped := time.Since(start)
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	m.settle()
	t.Logf("saving a setting while another process writes: %v on the UI goroutine", tapped)
	if tapped > uiBound {
		t.Errorf("saving held the UI goroutine for %v", tapped)
	}
	if msg := uitest.OverlayText(m.window.Canvas()); !strings.Contains(msg, "核验人已设为") {
		t.Errorf("after the lock was released the settings say %q", msg)
	}
}
