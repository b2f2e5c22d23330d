// Package pgtest starts a real PostgreSQL server for tests: Debian's
// postgresql package, initialised in a temporary folder and listening on a
// free port of the loopback interface, run as an unprivileged user when the
// tests run as root (PostgreSQL refuses to run as root). One server serves a
// test binary: the first test that asks starts it, every test gets a fresh
// database on it, and Main stops it when the tests are done. A watchdog
// stops it too when the test binary dies without stopping it.
//
// The server's programs are looked for in $FAPIAO_PG_BIN, then in
// /usr/lib/postgresql/<version>/bin (newest first), then on $PATH. When
// they are missing the tests fail, saying to install the postgresql package
// (make test-deps): a history test never passes by not running.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Superuser is the name of the server's superuser, who owns every database.
const Superuser = "fapiao"

// Server is a PostgreSQL server running in a folder of its own.
type Server struct {
	dir  string // holds data/, the socket and the log
	bin  string // the folder of initdb, pg_ctl and postgres
	port int
	as   *user.User // who the server runs as; nil: this process's user
	n    atomic.Int64
}

// FindBin returns the folder holding PostgreSQL's initdb and pg_ctl.
func FindBin() (string, error) {
	has := func(dir string) bool {
		for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("FAPIAO_PG_BIN"); d != "" {
		if has(d) {
			return d, nil
		}
		return "", fmt.Errorf("FAPIAO_PG_BIN=%s holds no initdb, pg_ctl and postgres", d)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
	}
	return "", errors.New("the PostgreSQL server's programs (initdb, pg_ctl, postgres) were not found " +
		"in /usr/lib/postgresql/*/bin or on PATH: install Debian's postgresql package " +
		"(make test-deps, or apt-get install postgresql), or set FAPIAO_PG_BIN to their folder")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start initialises a cluster in a new temporary folder and starts it.
func Start() (*Server, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fapiao-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if s.as, err = unprivileged(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		uid, _ := strconv.Atoi(s.as.Uid)
		gid, _ := strconv.Atoi(s.as.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if out, err := s.run("initdb", "-D", s.data(), "-U", Superuser, "--auth=trust", "--no-sync",
		"--encoding=UTF8", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if err := s.writeCerts(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Another test binary may take the free port first: try a few.
	for try := 0; ; try++ {
		if s.port, err = freePort(); err != nil {
			break
		}
		// -F: no fsync; a test server's data need not survive a power cut.
		opts := fmt.Sprintf("-F -p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c ssl=on", s.port, dir)
		var out []byte
		out, err = s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.data(), "-l", filepath.Join(dir, "log"), "-o", opts)
		if err == nil {
			break
		}
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		err = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		if try == 3 {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.watch()
	return s, nil
}

// unprivileged is the user a server started by root runs as: nobody.
func unprivileged() (*user.User, error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("the tests run as root and PostgreSQL refuses to: no user nobody to run it as: %w", err)
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		return nil, fmt.Errorf("the tests run as root and PostgreSQL refuses to: runuser, to run it as nobody, is missing: %w", err)
	}
	return u, nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// command runs one of the server's programs as the server's user.
func (s *Server) command(prog string, args ...string) *exec.Cmd {
	p := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.as != nil {
		cmd = exec.Command("runuser", append([]string{"-u", s.as.Username, "--", p}, args...)...)
	} else {
		cmd = exec.Command(p, args...)
	}
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd
}

func (s *Server) run(prog string, args ...string) ([]byte, error) {
	return s.command(prog, args...).CombinedOutput()
}

// watch starts a process that stops the server and removes its folder once
// this process is gone, however it ended.
func (s *Server) watch() {
	script := fmt.Sprintf(`while [ -d /proc/%d ]; do sleep 1; done; %q stop -D %q -m immediate >/dev/null 2>&1; rm -rf %q`,
		os.Getpid(), filepath.Join(s.bin, "pg_ctl"), s.data(), s.dir)
	var cmd *exec.Cmd
	if s.as != nil {
		cmd = exec.Command("runuser", "-u", s.as.Username, "--", "sh", "-c", script)
	} else {
		cmd = exec.Command("sh", "-c", script)
	}
	detach(cmd)
	if cmd.Start() == nil {
		go cmd.Wait()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the address of database name on the server.
func (s *Server) URL(name string) string {
	u := url.URL{Scheme: "postgres", User: url.User(Superuser), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path: "/" + name, RawQuery: "sslmode=disable"}
	return u.String()
}

// CreateDatabase makes a new empty database and returns its address.
func (s *Server) CreateDatabase(prefix string) (string, error) {
	name := fmt.Sprintf("%s_%d", sanitize(prefix), s.n.Add(1))
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+name+`" TEMPLATE template0`); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return s.URL(name), nil
}

// sanitize makes a test name a database name: lower-case letters, digits
// and underscores, at most 40 of them.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 || b.String()[0] >= '0' && b.String()[0] <= '9' {
		return "t" + b.String()
	}
	return b.String()
}

// Stop stops the server at once and removes its folder.
func (s *Server) Stop() error {
	out, err := s.run("pg_ctl", "stop", "-D", s.data(), "-m", "immediate", "-w")
	os.RemoveAll(s.dir)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// The server of this test binary.
var (
	mu     sync.Mutex
	shared *Server
	failed error
)

// Shared returns the test binary's server, starting it on first use.
func Shared() (*Server, error) {
	mu.Lock()
	defer mu.Unlock()
	if shared == nil && failed == nil {
		shared, failed = Start()
	}
	return shared, failed
}

// Database returns the address of a new empty database on the test
// binary's server; the test fails when there is no server.
func Database(t testing.TB) string {
	t.Helper()
	s, err := Shared()
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	u, err := s.CreateDatabase(t.Name())
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	return u
}

// StopShared stops the test binary's server if one was started; a package's
// TestMain calls it after its tests (Main does).
func StopShared() {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		shared = nil
	}
}

// Main runs the tests and then stops the server: a package's TestMain is
// os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	defer StopShared()
	return m.Run()
}
