package outbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// The outbox is tested against real PostgreSQL servers: one of its own for
// each test that stops or freezes it, the shared one reached through a
// loopback relay that can be cut for the tests of one clerk's outage.

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helper())
	}
	os.Exit(pgtest.Main(m))
}

// patience bounds every wait for something to happen: generous, since the
// tests pass on a loaded machine, and never an assertion by itself.
const patience = 2 * time.Minute

// waitFor polls cond until it holds, failing the test after patience.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %v for %s", patience, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// within runs fn and fails the test when it has not returned after
// patience: a call to a server that is away must come back.
func within[T any](t *testing.T, what string, fn func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(patience):
		t.Fatalf("%s hung for %v", what, patience)
		panic("unreachable")
	}
}

// scanOf is a scan of one invoice with number n, seen at.
func scanOf(n int, file string, at time.Time) store.ScanInput {
	number := fmt.Sprintf("2444%016d", n)
	raw := "01,32,," + number + ",100.00," + at.Format("20060102") + ",,"
	return store.ScanInput{File: file, Source: store.SourceFile, At: at, Clerk: "clerk",
		Invoices: []store.InvoiceInput{{QR: payload.Parse(raw), Page: 1, Printed: map[string]string{store.PrintedTotal: "113.00"}}}}
}

// openTeam opens the history at location as the window does (offline
// allowed), with a short call timeout, on machine host, with its outbox in
// a temporary folder.
func openTeam(t *testing.T, location, host string) *Team {
	t.Helper()
	st, err := store.Open(location, store.AllowOffline(), store.WithCallTimeout(5*time.Second), store.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tm, err := NewTeam(context.Background(), st, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.Close() })
	tm.MinWait, tm.MaxWait = 20*time.Millisecond, 200*time.Millisecond
	return tm
}

// run runs tm's sender until the test ends, collecting what it sent.
func run(t *testing.T, tm *Team) func() []Sent {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var all []Sent
	done := make(chan struct{})
	tm.OnSent = func(s []Sent) { mu.Lock(); all = append(all, s...); mu.Unlock() }
	go func() {
		defer close(done)
		tm.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() []Sent { mu.Lock(); defer mu.Unlock(); return append([]Sent{}, all...) }
}

// save records in through tm, within patience; queued says whether it was
// kept in the outbox.
func save(t *testing.T, tm *Team, in store.ScanInput) (rec []store.Recorded, queued bool) {
	t.Helper()
	type res struct {
		r []store.Recorded
		e error
	}
	got := within(t, "saving "+in.File, func() res {
		r, e := tm.Record(context.Background(), in)
		return res{r, e}
	})
	if errors.Is(got.e, ErrQueued) {
		return nil, true
	}
	if got.e != nil {
		t.Fatalf("save %s: %v", in.File, got.e)
	}
	return got.r, false
}

// once checks that every invoice of numbers is recorded once, seen as
// many times as numbers says, on the history
// at location, and that the audit verifies.
func once(t *testing.T, location string, numbers map[int]int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(location)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for n, seen := range numbers {
		number := fmt.Sprintf("2444%016d", n)
		inv, err := st.GetByIdentity(ctx, number)
		if err != nil {
			t.Errorf("invoice %s: %v", number, err)
			continue
		}
		if inv.Seen != seen {
			t.Errorf("invoice %s seen %d times, want %d", number, inv.Seen, seen)
		}
	}
	total, err := st.Count(ctx, store.Filter{})
	if err != nil || total != len(numbers) {
		t.Errorf("%d invoices in the history (%v), want %d", total, err, len(numbers))
	}
	if rep, err := st.VerifyAudit(ctx); err != nil {
		t.Errorf("audit verify: %+v %v", rep, err)
	}
}

// TestServerStoppedMidScan: the server stops while a clerk scans; the scans
// taken meanwhile are kept, sent in order once it is back, each invoice
// recorded once, and the audit verifies.
func TestServerStoppedMidScan(t *testing.T) {
	srv, location := pgtest.Own(t)
	tm := openTeam(t, location, "pc1")
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, queued := save(t, tm, scanOf(1, "a.pdf", at)); queued {
		t.Fatal("kept in the outbox with the server up")
	}
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	const n = 6
	for i := 2; i <= n; i++ {
		if _, queued := save(t, tm, scanOf(i, fmt.Sprintf("%d.pdf", i), at.Add(time.Duration(i)*time.Minute))); !queued {
			t.Fatalf("scan %d: recorded with the server stopped", i)
		}
	}
	// Invoice 1 again, and invoice 2 twice: duplicates of what is kept.
	save(t, tm, scanOf(1, "a-again.pdf", at.Add(time.Hour)))
	save(t, tm, scanOf(2, "2-again.pdf", at.Add(time.Hour+time.Minute)))
	st := tm.Status()
	if !st.Offline || st.Queued != n+1 {
		t.Fatalf("status %+v, want offline with %d queued", st, n+1)
	}
	items, err := tm.Box.Items(context.Background(), tm.St.Path())
	if err != nil || len(items) != n+1 || items[0].Scan.File != "2.pdf" || items[0].Scan.Invoices[0].QR.Raw == "" {
		t.Fatalf("outbox holds %d items (%v), want %d, the first 2.pdf with its QR code", len(items), err, n+1)
	}
	sent := run(t, tm)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Run tells OnSent of a batch after the status shows it sent.
	waitFor(t, "the outbox to drain", func() bool {
		s := tm.Status()
		return !s.Offline && s.Queued == 0 && len(sent()) >= n+1
	})
	got := sent()
	if len(got) != n+1 {
		t.Fatalf("sent %d scans, want %d", len(got), n+1)
	}
	for i, s := range got {
		if i > 0 && s.ID < got[i-1].ID {
			t.Errorf("sent out of order: %d after %d", s.ID, got[i-1].ID)
		}
		dup := len(s.Duplicates()) > 0
		if want := strings.Contains(s.Scan.File, "again"); dup != want {
			t.Errorf("%s: duplicate %v, want %v", s.Scan.File, dup, want)
		}
	}
	if d := got[n].Duplicates(); len(d) == 1 && d[0].DuplicateOf.File != "2.pdf" {
		t.Errorf("2-again.pdf a duplicate of %s, want of 2.pdf", d[0].DuplicateOf.File)
	}
	want := map[int]int{1: 2, 2: 2}
	for i := 3; i <= n; i++ {
		want[i] = 1
	}
	once(t, location, want)
}

// TestServerFrozen: a server that takes connections but never answers
// (SIGSTOP) neither hangs a save nor loses it.
func TestServerFrozen(t *testing.T) {
	srv, location := pgtest.Own(t)
	tm := openTeam(t, location, "pc1")
	at := time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC)
	save(t, tm, scanOf(1, "1.pdf", at))
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	resumed := false
	defer func() {
		if !resumed {
			srv.Resume()
		}
	}()
	for i := 2; i <= 3; i++ {
		if _, queued := save(t, tm, scanOf(i, fmt.Sprintf("%d.pdf", i), at.Add(time.Duration(i)*time.Minute))); !queued {
			t.Fatalf("scan %d recorded on a frozen server", i)
		}
	}
	// What needs the server's view says it is away, and comes back.
	err := within(t, "a search of a frozen server", func() error {
		_, err := tm.St.Search(context.Background(), store.Filter{})
		return err
	})
	if !errors.Is(err, store.ErrUnreachable) {
		t.Errorf("search of a frozen server: %v, want ErrUnreachable", err)
	}
	run(t, tm)
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	resumed = true
	waitFor(t, "the outbox to drain", func() bool { s := tm.Status(); return !s.Offline && s.Queued == 0 })
	once(t, location, map[int]int{1: 1, 2: 1, 3: 1})
}

// TestStallingListener: an address that takes the connection and never
// answers a word: opening the history there comes back, offline, and a
// save is kept.
func TestStallingListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	})
	location := "postgres://fapiao@" + l.Addr().String() + "/team?sslmode=disable"
	tm := within(t, "opening a stalling server", func() *Team { return openTeam(t, location, "pc1") })
	if !tm.St.Offline() || !tm.Status().Offline {
		t.Errorf("opened a stalling server as online")
	}
	if _, queued := save(t, tm, scanOf(1, "1.pdf", time.Now())); !queued {
		t.Error("a save to a stalling server was not kept")
	}
	if n, err := tm.Box.Count(context.Background(), tm.St.Path()); n != 1 || err != nil {
		t.Errorf("outbox holds %d (%v), want 1", n, err)
	}
	// Without AllowOffline, Open fails, saying why.
	err = within(t, "opening a stalling server", func() error {
		_, err := store.Open(location, store.WithCallTimeout(time.Second))
		return err
	})
	if !store.IsUnreachable(err) {
		t.Errorf("open of a stalling server: %v, want unreachable", err)
	}
}

// relay passes connections on to a server, until it is cut: one clerk's
// network going away while the server stays up for the others.
type relay struct {
	target, addr string
	mu           sync.Mutex
	l            net.Listener
	conns        []net.Conn
}

func newRelay(t *testing.T, target string) *relay {
	r := &relay{target: target, addr: "127.0.0.1:0"}
	if err := r.restore(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.cut)
	return r
}

// restore listens again, on the same port.
func (r *relay) restore() error {
	var l net.Listener
	var err error
	for try := 0; try < 50; try++ {
		if l, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond) // the port is still closing
	}
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.l, r.addr = l, l.Addr().String()
	r.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			r.mu.Lock()
			target := r.target
			r.mu.Unlock()
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			r.mu.Lock()
			r.conns = append(r.conns, c, s)
			r.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return nil
}

// cut refuses new connections and drops those made.
func (r *relay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.l != nil {
		r.l.Close()
		r.l = nil
	}
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}

// through is location with its host and port replaced by the relay's.
func (r *relay) through(location string) string {
	u := strings.SplitN(location, "@", 2)
	host, rest, _ := strings.Cut(u[1], "/")
	r.mu.Lock()
	defer r.mu.Unlock()
	r.target = host
	return u[0] + "@" + r.addr + "/" + rest
}

// TestTwoClerksOneAway: clerk A's network goes away and A keeps invoice X
// in the outbox; clerk B records X meanwhile. When A's scan is sent, X is
// a duplicate of B's record, and A is told who saw it first.
func TestTwoClerksOneAway(t *testing.T) {
	location := pgtest.Database(t)
	r := newRelay(t, "")
	viaRelay := r.through(location)
	a := openTeam(t, viaRelay, "pc-a")
	b := openTeam(t, location, "pc-b")
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	save(t, a, scanOf(1, "a1.pdf", at))
	r.cut()
	if _, queued := save(t, a, scanOf(7, "a-x.pdf", at.Add(time.Minute))); !queued {
		t.Fatal("A recorded X with its network cut")
	}
	bx := scanOf(7, "b-x.pdf", at.Add(2*time.Minute))
	bx.Clerk = "clerk-b"
	if rec, queued := save(t, b, bx); queued || rec[0].DuplicateOf != nil {
		t.Fatalf("B's X: queued %v, %+v; want first seen", queued, rec)
	}
	sent := run(t, a)
	if err := r.restore(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "A's outbox to drain", func() bool { s := a.Status(); return !s.Offline && s.Queued == 0 && len(sent()) > 0 })
	got := sent()
	if len(got) != 1 || len(got[0].Duplicates()) != 1 {
		t.Fatalf("A sent %+v, want X as a duplicate", got)
	}
	first := got[0].Duplicates()[0].DuplicateOf
	if first.File != "b-x.pdf" || first.Clerk != "clerk-b" || first.Host != "pc-b" {
		t.Errorf("A's X a duplicate of %+v, want B's b-x.pdf on pc-b", first)
	}
	once(t, location, map[int]int{1: 1, 7: 2})
}

const (
	helperEnv = "FAPIAO_OUTBOX_HELPER"
	boxEnv    = "FAPIAO_OUTBOX_FILE"
)

// helper is a sender process that stops for good right after the server
// committed a scan, before the scan leaves the outbox, until it is killed.
func helper() int {
	st, err := store.Open(os.Getenv(helperEnv), store.WithHost("pc1"))
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	tm, err := NewTeam(context.Background(), st, os.Getenv(boxEnv))
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	tm.afterCommit = func(id int64) {
		fmt.Println("committed", id)
		select {}
	}
	_, err = tm.Send(context.Background())
	fmt.Println("error: sent without stopping:", err)
	return 1
}

// TestSenderKilledAfterCommit: the sender is killed (kill -9) after the
// server committed a scan and before the scan left the outbox. The scan is
// sent again, and recorded once.
func TestSenderKilledAfterCommit(t *testing.T) {
	location := pgtest.Database(t)
	tm := openTeam(t, location, "pc1")
	at := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	in := scanOf(3, "3.pdf", at)
	in.Resend = true
	if _, err := tm.Box.Put(context.Background(), tm.St.Path(), in); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+location, boxEnv+"="+tm.Box.File())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := within(t, "the sender to commit", func() string {
		l, _ := bufio.NewReader(out).ReadString('\n')
		return l
	})
	if !strings.HasPrefix(line, "committed ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("sender said %q", line)
	}
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if n, err := tm.Box.Count(context.Background(), tm.St.Path()); n != 1 || err != nil {
		t.Fatalf("outbox holds %d (%v) after the kill, want the scan still there", n, err)
	}
	sent, err := tm.Send(context.Background())
	if err != nil || len(sent) != 1 {
		t.Fatalf("sent %d (%v), want 1", len(sent), err)
	}
	if id, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64); sent[0].ID != id {
		t.Errorf("sent outbox scan %d, the killed sender committed %d", sent[0].ID, id)
	}
	if d := sent[0].Duplicates(); len(d) != 0 {
		t.Errorf("the scan sent again is a duplicate of %+v, want the record the killed sender made", d[0].DuplicateOf)
	}
	once(t, location, map[int]int{3: 1})
	if n, _ := tm.Box.Count(context.Background(), tm.St.Path()); n != 0 {
		t.Errorf("outbox holds %d, want 0", n)
	}
}

// TestKeptWhole: a scan comes out of the outbox as it went in: every field
// of its QR codes, the values read (and how OCR read them) and typed, the
// findings, the frame and its time.
func TestKeptWhole(t *testing.T) {
	in := scanOf(5, "5.pdf", time.Date(2025, 3, 5, 9, 0, 0, 123456789, time.UTC))
	in.SHA256 = strings.Repeat("ab", 32)
	in.Frame, in.FrameType = []byte{0xff, 0xd8, 1, 2}, "image/jpeg"
	in.Invoices = append(in.Invoices, store.InvoiceInput{Printed: map[string]string{store.PrintedNumber: "123"}, Page: 2,
		Reads: map[string]document.FieldRead{ // read by OCR
			store.PrintedNumber: {Confidence: 0.93, Region: document.Region{X0: 0.1, Y0: 0.2, X1: 0.3, Y1: 0.25}},
			store.PrintedTotal:  {Confidence: 0.4, Region: document.Region{X0: 0.6, Y0: 0.7, X1: 0.8, Y1: 0.75}, Unsure: true}}},
		store.InvoiceInput{Typed: map[string]string{store.PrintedNumber: "02407312", store.PrintedKind: "10"}}) // typed from the paper
	in.Invoices[0].Findings = in.Invoices[0].QR.Findings
	b, err := Open(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if _, err := b.Put(ctx, "srv", in); err != nil {
		t.Fatal(err)
	}
	items, err := b.Items(ctx, "srv")
	if err != nil || len(items) != 1 {
		t.Fatalf("%d items (%v)", len(items), err)
	}
	got := items[0].Scan
	if !reflect.DeepEqual(got, in) {
		t.Errorf("kept\n%+v\ngot back\n%+v", in, got)
	}
	if !got.Invoices[0].QR.HasAmount || got.Invoices[0].QR.Amount.String() != "100.00" {
		t.Errorf("QR amount %v", got.Invoices[0].QR.Amount)
	}
	if n, _ := b.Count(ctx, "other"); n != 0 {
		t.Errorf("%d kept for another server", n)
	}
}

// TestOpenedOffline: the window opens on a new team database whose server
// is stopped; the scans are kept, and once the server is up the history's
// tables are made and the scans recorded.
func TestOpenedOffline(t *testing.T) {
	srv, location := pgtest.Own(t)
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	tm := openTeam(t, location, "pc1")
	if !tm.St.Offline() || !tm.Status().Offline {
		t.Fatal("opened a stopped server as online")
	}
	at := time.Date(2025, 3, 7, 9, 0, 0, 0, time.UTC)
	if _, queued := save(t, tm, scanOf(1, "1.pdf", at)); !queued {
		t.Fatal("recorded on a stopped server")
	}
	run(t, tm)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the outbox to drain", func() bool { s := tm.Status(); return !s.Offline && s.Queued == 0 })
	if tm.St.Offline() {
		t.Error("the history still says it was opened offline")
	}
	once(t, location, map[int]int{1: 1})
}

// A history opened without calling its server, as the window opens it
// (store.ConnectLater), is connecting until the sender's first call settles
// it: away while the server is down, online once it answers, its schema
// made then on a new database.
func TestTeamConnectsLater(t *testing.T) {
	srv, db := pgtest.Own(t)
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(db, store.ConnectLater(), store.WithCallTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("open without calling the server: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	tm, err := NewTeam(ctx, st, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.Close() })
	if s := tm.Status(); !s.Connecting || s.Offline || !st.Connecting() || st.Offline() {
		t.Errorf("opened: status %+v, history connecting %v offline %v; want connecting, not offline", s, st.Connecting(), st.Offline())
	}
	if _, err := tm.Send(ctx); !store.IsUnreachable(err) {
		t.Errorf("send with the server down: %v, want unreachable", err)
	}
	if s := tm.Status(); s.Connecting || !s.Offline || st.Connecting() || !st.Offline() {
		t.Errorf("server down: status %+v, history connecting %v offline %v; want offline", s, st.Connecting(), st.Offline())
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.Send(ctx); err != nil {
		t.Fatalf("send with the server back: %v", err)
	}
	if s := tm.Status(); s.Connecting || s.Offline || st.Connecting() || st.Offline() {
		t.Errorf("server back: status %+v, history connecting %v offline %v; want online", s, st.Connecting(), st.Offline())
	}
	if _, err := tm.Record(ctx, scanOf(1, "1.pdf", time.Now())); err != nil {
		t.Errorf("record on the server: %v", err)
	}
	if n, err := st.Count(ctx, store.Filter{}); n != 1 || err != nil {
		t.Errorf("the server holds %d invoices (%v), want 1", n, err)
	}
}

// TestTypedWhileKept: values a clerk types into a scan kept in the outbox
// wait with it and are recorded with it, a value disagreeing with the QR
// code then a mismatch as if typed online; once it is sent, what is typed
// goes to the server.
func TestTypedWhileKept(t *testing.T) {
	srv, location := pgtest.Own(t)
	tm := openTeam(t, location, "pc1")
	ctx := context.Background()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	in := scanOf(1, "1.pdf", at)
	if _, queued := save(t, tm, in); !queued {
		t.Fatal("recorded with the server stopped")
	}
	items, err := tm.Box.Items(ctx, tm.St.Path())
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox: %d items, %v", len(items), err)
	}
	id, identity := items[0].ID, in.Invoices[0].QR.Identity()
	const seller = "深圳市某某科技有限公司"
	for _, typed := range []map[string]string{
		{store.PrintedTotal: "200.00", store.PrintedSellerName: "某某公司"},
		{store.PrintedSellerName: seller},
	} {
		if err := within(t, "typing", func() error { return tm.Type(ctx, id, 0, identity, typed, "clerk") }); err != nil {
			t.Fatalf("typing into a kept scan with the server stopped: %v", err)
		}
	}
	if err := tm.Type(ctx, id, 1, identity, map[string]string{store.PrintedTotal: "1.00"}, "clerk"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("typing into an invoice the scan does not have: %v, want ErrInvalid", err)
	}
	if err := tm.Type(ctx, id, 0, identity, map[string]string{store.PrintedDate: "2025年13月45日"}, "clerk"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("typing a date that is no date: %v, want ErrInvalid", err)
	}

	sent := run(t, tm)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the outbox to drain", func() bool {
		s := tm.Status()
		return !s.Offline && s.Queued == 0 && len(sent()) == 1
	})
	inv, err := tm.St.GetByIdentity(ctx, identity)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Typed[store.PrintedTotal] != "200.00" || inv.Typed[store.PrintedSellerName] != seller || len(inv.Typed) != 2 {
		t.Errorf("typed values recorded %v, want the total 200.00 and the seller %s", inv.Typed, seller)
	}
	if inv, err = tm.St.Get(ctx, inv.ID); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(inv.Findings, func(f finding.Finding) bool { return f.Code == "mismatch_amount" && f.Source == "typed" }) {
		t.Errorf("a typed total that is not the QR code's: findings %+v, want mismatch_amount", inv.Findings)
	}

	// Sent: typed now, it is recorded on the server.
	if err := tm.Type(ctx, id, 0, identity, map[string]string{store.PrintedTotal: "100.00"}, "clerk"); err != nil {
		t.Fatalf("typing into a scan sent: %v", err)
	}
	if inv, err = tm.St.Get(ctx, inv.ID); err != nil || inv.Typed[store.PrintedTotal] != "100.00" {
		t.Errorf("the total typed after the scan was sent: %v (%v), want 100.00", inv.Typed, err)
	} else if slices.ContainsFunc(inv.Findings, func(f finding.Finding) bool { return f.Code == "mismatch_amount" }) {
		t.Errorf("the total typed again as the QR code's: findings %+v, want no mismatch_amount", inv.Findings)
	}
}
