package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeLoad records n scans as writer w: n/2 invoices of its own and n/2
// that every writer records too (numbers 1..n/2), so that writers race to
// create the same invoice.
func writeLoad(ctx context.Context, s *Store, w, n int) error {
	for i := 0; i < n; i++ {
		number := fmt.Sprintf("%02d%018d", w+10, i) // own
		if i%2 == 1 {
			number = fmt.Sprintf("99%018d", i/2) // shared
		}
		_, err := s.Record(ctx, ScanInput{
			File: fmt.Sprintf("writer%d/%d.pdf", w, i), Source: SourceFolder,
			Invoices: []InvoiceInput{{Printed: map[string]string{PrintedNumber: number, PrintedTotal: "1.00"}, Page: 1}},
		})
		if err != nil {
			return fmt.Errorf("writer %d scan %d: %w", w, i, err)
		}
	}
	return nil
}

// checkLoad verifies the history after writers each ran writeLoad(n).
func checkLoad(t *testing.T, s *Store, writers, n int) {
	t.Helper()
	ctx := context.Background()
	if err := s.Check(ctx); err != nil {
		t.Fatalf("integrity: %v", err)
	}
	count := func(q string) int {
		var c int
		if err := s.db.QueryRow(q).Scan(&c); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return c
	}
	if got, want := count("SELECT count(*) FROM scans"), writers*n; got != want {
		t.Errorf("%d scans, want %d: records lost", got, want)
	}
	if got, want := count("SELECT count(*) FROM invoices"), writers*(n/2)+n/2; got != want {
		t.Errorf("%d invoices, want %d", got, want)
	}
	if got, want := count("SELECT count(*) FROM sightings WHERE duplicate = 0"), writers*(n/2)+n/2; got != want {
		t.Errorf("%d first sightings, want one per invoice (%d)", got, want)
	}
	if got, want := count("SELECT count(*) FROM invoices WHERE number LIKE '99%' AND seen = "+strconv.Itoa(writers)), n/2; got != want {
		t.Errorf("%d shared invoices seen by every writer, want %d", got, want)
	}
	// One chain, one entry per invoice recorded, whatever the interleaving.
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("audit chain after concurrent writers: %v", err)
	}
	if want := int64(writers * n); rep.Entries != int64(want) {
		t.Errorf("%d audit entries, want %d", rep.Entries, want)
	}
}

func TestTwoHandlesWriteConcurrently(t *testing.T) {
	path := newLocation(t)
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const writers, n = 4, 60
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- writeLoad(context.Background(), s, w, n)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	checkLoad(t, a, writers, n)
}

// TestHelperWriter is run as a child process by TestTwoProcessesWrite,
// TestTwoProcessesChangeState and TestKilledWriterLosesNothingCommitted.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv("FAPIAO_STORE_HELPER_DB")
	if path == "" {
		t.Skip("only run as a child of TestTwoProcessesWrite")
	}
	w, _ := strconv.Atoi(os.Getenv("FAPIAO_STORE_HELPER_WRITER"))
	n, _ := strconv.Atoi(os.Getenv("FAPIAO_STORE_HELPER_N"))
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	switch os.Getenv("FAPIAO_STORE_HELPER_MODE") {
	case "state":
		// Lock invoices 1..n as clerk w, saying on stdout what came of each.
		clerk := fmt.Sprintf("clerk%d", w)
		for id := 1; id <= n; id++ {
			err := s.ChangeState(ctx, Change{InvoiceID: int64(id), From: StateNew, To: StateLocked, Clerk: clerk})
			var se *StaleError
			switch {
			case err == nil:
				fmt.Printf("won %d\n", id)
			case errors.As(err, &se):
				fmt.Printf("stale %d %s %d\n", id, se.By, se.At.UnixNano())
			default:
				t.Fatal(err)
			}
		}
	case "endless":
		// Record scans until killed, saying on stdout which are committed.
		for i := 0; ; i++ {
			_, err := s.Record(ctx, ScanInput{File: fmt.Sprintf("batch/%d.pdf", i), Source: SourceFolder,
				Invoices: []InvoiceInput{{Printed: map[string]string{PrintedNumber: fmt.Sprintf("77%018d", i)}}}})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("committed %d\n", i)
		}
	default:
		if err := writeLoad(ctx, s, w, n); err != nil {
			t.Fatal(err)
		}
	}
}

// helper starts TestHelperWriter in a child process on the history at
// path, in mode, as writer w.
func helper(t *testing.T, path, mode string, w, n int) (*exec.Cmd, io.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(), "FAPIAO_STORE_HELPER_DB="+path, "FAPIAO_STORE_HELPER_MODE="+mode,
		"FAPIAO_STORE_HELPER_WRITER="+strconv.Itoa(w), "FAPIAO_STORE_HELPER_N="+strconv.Itoa(n))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, out
}

// Two clerks, in two processes, lock the same invoices at the same time:
// for each, one wins and the other is told who locked it and when.
func TestTwoProcessesChangeState(t *testing.T) {
	path := newLocation(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const n = 40
	for i := 0; i < n; i++ {
		if _, err := s.Record(ctx, ScanInput{File: fmt.Sprintf("%d.pdf", i), Source: SourceFolder,
			Invoices: []InvoiceInput{{Printed: map[string]string{PrintedNumber: fmt.Sprintf("55%018d", i)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	type outcome struct {
		won   bool
		by    string
		at    int64
		clerk string
	}
	results := map[int][]outcome{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		cmd, out := helper(t, path, "state", w, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				var id int
				var o outcome
				o.clerk = fmt.Sprintf("clerk%d", w)
				if _, err := fmt.Sscanf(sc.Text(), "won %d", &id); err == nil {
					o.won = true
				} else if _, err := fmt.Sscanf(sc.Text(), "stale %d %s %d", &id, &o.by, &o.at); err != nil {
					continue // the test framework's own lines
				}
				mu.Lock()
				results[id] = append(results[id], o)
				mu.Unlock()
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("child %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	for id := 1; id <= n; id++ {
		rs := results[id]
		if len(rs) != 2 {
			t.Fatalf("invoice %d: %d outcomes, want one from each clerk", id, len(rs))
		}
		if rs[0].won == rs[1].won {
			t.Fatalf("invoice %d: both won or both lost: %+v", id, rs)
		}
		winner, loser := rs[0], rs[1]
		if loser.won {
			winner, loser = loser, winner
		}
		inv, err := s.Get(ctx, int64(id))
		if err != nil {
			t.Fatal(err)
		}
		if inv.State != StateLocked || inv.StateBy != winner.clerk || loser.by != winner.clerk ||
			inv.StateAt == nil || loser.at != inv.StateAt.UnixNano() {
			t.Errorf("invoice %d: %s %s at %v; the loser was told %s at %d", id, inv.State, inv.StateBy, inv.StateAt, loser.by, loser.at)
		}
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain: %v", err)
	}
}

// A writer killed (SIGKILL) in the middle of a batch loses nothing it
// committed, and leaves the history and its audit chain sound.
func TestKilledWriterLosesNothingCommitted(t *testing.T) {
	path := newLocation(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd, out := helper(t, path, "endless", 0, 0)
	sc := bufio.NewScanner(out)
	last := -1
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "committed %d", &last); err == nil && last >= 40 {
			break
		}
	}
	if last < 40 {
		t.Fatalf("the writer stopped after %d scans", last+1)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	ctx := context.Background()
	for i := 0; i <= last; i++ {
		if _, err := s.Lookup(ctx, fmt.Sprintf("77%018d", i)); err != nil {
			t.Fatalf("scan %d was committed before the kill: %v", i, err)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
	rep, err := s.VerifyAudit(ctx)
	if err != nil || rep.Entries < int64(last+1) {
		t.Errorf("audit chain after the kill: %+v, %v", rep, err)
	}
	// The history takes writes at once: the killed writer held no lock.
	if _, err := s.Record(ctx, scanOf("after.pdf", SourceFile, inv(qrDigital, 1))); err != nil {
		t.Errorf("write after the kill: %v", err)
	}
}

func TestTwoProcessesWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := newLocation(t)
	s, err := Open(path) // create the schema before the children race to
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const children, n = 2, 60
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for w := 0; w < children; w++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), "FAPIAO_STORE_HELPER_DB="+path,
			"FAPIAO_STORE_HELPER_WRITER="+strconv.Itoa(w), "FAPIAO_STORE_HELPER_N="+strconv.Itoa(n))
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	// This process writes too, as a third writer, while the children run.
	ownErr := writeLoad(context.Background(), s, children, n)
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	if ownErr != nil {
		t.Fatal(ownErr)
	}
	checkLoad(t, s, children+1, n)
}

func TestBusyIsAClearError(t *testing.T) {
	s, path := openTest(t, WithBusyTimeout(50*time.Millisecond))
	ctx := context.Background()
	record(t, s, scanOf("before.pdf", SourceFile, inv(qrOrdinary, 1)))

	// Another process holds the write lock.
	other := rawDB(t, path)
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := holdWriteLock(ctx, conn); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name string
		fn   func() error
	}{
		{"record", func() error {
			_, err := s.Record(ctx, scanOf("blocked.pdf", SourceFile, inv(qrDigital, 1)))
			return err
		}},
		{"state", func() error { return s.SetState(ctx, 1, StateLocked, "", "") }},
		{"blacklist", func() error { return s.AddBlacklist(ctx, "91320621MA1MRHG205", "", "") }},
	}
	for _, w := range writes {
		err := w.fn()
		if !errors.Is(err, ErrBusy) {
			t.Errorf("%s while locked: %v, want ErrBusy", w.name, err)
			continue
		}
		if !strings.Contains(err.Error(), "in use by another Fapiao window or process") {
			t.Errorf("%s: message %q", w.name, err)
		}
	}
	if !strings.Contains(writes[0].fn().Error(), "record scan blocked.pdf") {
		t.Error("busy error does not name the operation")
	}
	// Readers are not blocked by a writer (WAL).
	if _, err := s.Lookup(ctx, idOrdinary); err != nil {
		t.Errorf("read while another process writes: %v", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	// Nothing was half-written, and the write now goes through.
	if _, err := s.Lookup(ctx, idDigital); !errors.Is(err, ErrNotFound) {
		t.Errorf("refused write left a trace: %v", err)
	}
	record(t, s, scanOf("after.pdf", SourceFile, inv(qrDigital, 1)))
}

func TestCommittedScansSurviveAbandonedHandle(t *testing.T) {
	// A process killed mid-import leaves its handle open; every Record that
	// returned is in the file for the next process.
	path := newLocation(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		in := InvoiceInput{Printed: map[string]string{PrintedNumber: fmt.Sprintf("%020d", i)}}
		if _, err := s.Record(context.Background(), scanOf(fmt.Sprintf("%d.pdf", i), SourceFolder, in)); err != nil {
			t.Fatal(err)
		}
	}
	// No Close: read the file as another process would.
	db := rawDB(t, path)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM invoices").Scan(&n); err != nil || n != 20 {
		t.Errorf("%d invoices visible to another process (%v), want 20", n, err)
	}
	s.Close()
}
