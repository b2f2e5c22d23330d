package store

import (
	"context"
	"errors"
	"fmt"
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

// TestHelperWriter is run as a child process by TestTwoProcessesWrite.
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
	if err := writeLoad(context.Background(), s, w, n); err != nil {
		t.Fatal(err)
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
