package pgtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A server's outages, for the tests of a history that must live through
// them: Halt and Restart stop the server and start it again on the same
// port with its data; Pause and Resume (pause_unix.go) freeze it, so that it
// takes connections but never answers.

// Halt stops the server at once, keeping its folder: Restart starts it again.
func (s *Server) Halt() error {
	out, err := s.run("pg_ctl", "stop", "-D", s.data(), "-m", "immediate", "-w")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Restart starts a server stopped by Halt, on the same port.
func (s *Server) Restart() error {
	opts := fmt.Sprintf("-F -p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c ssl=on", s.port, s.dir)
	out, err := s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-o", opts)
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// pids are the server's processes: the postmaster and its children.
func (s *Server) pids() ([]int, error) {
	b, err := os.ReadFile(filepath.Join(s.data(), "postmaster.pid"))
	if err != nil {
		return nil, err
	}
	main, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return nil, fmt.Errorf("postmaster.pid: %w", err)
	}
	pids := []int{main}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		rest := string(b)[strings.LastIndexByte(string(b), ')')+1:]
		f := strings.Fields(rest)
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == main {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// Own starts a server for the test alone (one it may halt or pause, which
// the shared one must not be), stopped when the test ends, and returns it
// with the address of a new database on it.
func Own(t testing.TB) (*Server, string) {
	t.Helper()
	srv, err := Start()
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	u, err := srv.CreateDatabase(t.Name())
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	return srv, u
}
