package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// Two clerks save the same 44 real invoice PDFs into one team history on a
// PostgreSQL server, in two processes started at once: every invoice is
// first seen exactly once across both, the other clerk's sighting is a
// duplicate of it, the audit chain verifies, and the export lists each
// invoice once.
func TestTwoClerksSaveTheSamePDFsToOneServer(t *testing.T) {
	pdfs, err := filepath.Glob(filepath.Join(shared.Path(t, "corpus", "real", "pdf"), "*.pdf"))
	if err != nil || len(pdfs) != 44 {
		t.Fatalf("%d real PDFs (%v), want 44", len(pdfs), err)
	}
	db := pgtest.Database(t)
	// The schema exists before the clerks start, as on a team's server.
	if code, _, stderr := run(t, "", "audit", "verify", "--db", db); code != exitOK {
		t.Fatalf("audit verify on a new history: %d %s", code, stderr)
	}
	type sighting struct {
		clerk int
		file  string
		first bool
	}
	seen := map[int64][]sighting{} // by history ID
	var mu sync.Mutex
	var wg sync.WaitGroup
	for c := 0; c < 2; c++ {
		args := append([]string{"scan", "--json", "--save", "--db", db, "--workers", "1"}, pdfs...)
		cmd, sc, stderr := child(t, args...)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sc.Scan() {
				var r struct {
					File     string `json:"file"`
					Invoices []struct {
						InvoiceID   int64           `json:"invoice_id"`
						DuplicateOf *store.Sighting `json:"duplicate_of"`
					} `json:"invoices"`
				}
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					t.Errorf("clerk %d printed %q: %v", c, sc.Text(), err)
					continue
				}
				mu.Lock()
				for _, inv := range r.Invoices {
					if inv.InvoiceID != 0 {
						seen[inv.InvoiceID] = append(seen[inv.InvoiceID], sighting{c, r.File, inv.DuplicateOf == nil})
					}
				}
				mu.Unlock()
			}
			if err := cmd.Wait(); err != nil && cmd.ProcessState.ExitCode() != exitFail {
				t.Errorf("clerk %d: %v\n%s", c, err, stderr)
			}
		}()
	}
	wg.Wait()
	if len(seen) < 30 {
		t.Fatalf("only %d invoices read from 44 PDFs", len(seen))
	}
	for id, ss := range seen {
		first, byClerk := 0, map[int]int{}
		for _, s := range ss {
			byClerk[s.clerk]++
			if s.first {
				first++
			}
		}
		if first != 1 {
			t.Errorf("invoice %d first seen %d times: %+v", id, first, ss)
		}
		if byClerk[0] != byClerk[1] || byClerk[0] == 0 {
			t.Errorf("invoice %d: seen %d times by one clerk and %d by the other", id, byClerk[0], byClerk[1])
		}
	}

	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if n, err := st.Count(ctx, store.Filter{}); err != nil || n != len(seen) {
		t.Errorf("%d invoices in the history (%v), want %d", n, err, len(seen))
	}
	identities := map[string]bool{}
	for id, ss := range seen {
		inv, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		firsts := 0
		for _, s := range inv.Sightings {
			if !s.Duplicate {
				firsts++
			}
		}
		identities[inv.Identity] = true
		if inv.Seen != len(ss) || firsts != 1 {
			t.Errorf("invoice %d (%s): seen %d, %d first sightings; the clerks printed %d sightings", id, inv.Identity, inv.Seen, firsts, len(ss))
		}
	}

	if code, stdout, stderr := run(t, "", "audit", "verify", "--db", db); code != exitOK {
		t.Errorf("audit verify: %d\n%s%s", code, stdout, stderr)
	}
	// FAPIAO_DB names the server as --db does.
	t.Setenv(config.EnvDB, db)
	if code, stdout, stderr := run(t, "", "history", "--json", "--limit", "0"); code != exitOK ||
		strings.Count(stdout, "\n") != len(seen) {
		t.Errorf("history with FAPIAO_DB: %d, %d lines, want %d\n%s", code, strings.Count(stdout, "\n"), len(seen), stderr)
	}
	out := filepath.Join(t.TempDir(), "team.csv")
	if code, _, stderr := run(t, "", "export", "--db", db, "--out", out); code != exitOK {
		t.Fatalf("export: %d %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]int{}
	for _, r := range rows[1:] {
		if len(r) < 2 || r[0] == "合计" || strings.TrimSpace(r[0]+r[1]) == "" {
			continue // the empty row and the totals
		}
		code, number := strings.TrimSpace(r[0]), strings.TrimSpace(r[1])
		id := number
		if code != "" {
			id = code + "-" + number
		}
		listed[id]++
	}
	for id := range identities {
		if listed[id] != 1 {
			t.Errorf("invoice %s listed %d times in the export", id, listed[id])
		}
	}
	for id := range listed {
		if !identities[id] {
			t.Errorf("the export lists %s, which the clerks never saved", id)
		}
	}
}

// A clerk's history moves into the team's: once, with the invoice another
// clerk saved first reported; run again, it copies nothing.
func TestHistoryMigrateIntoServer(t *testing.T) {
	own := historyDB(t)
	team := pgtest.Database(t)
	st, err := store.Open(team, store.WithHost("desk-9"))
	if err != nil {
		t.Fatal(err)
	}
	in := store.ScanInput{File: "mail.pdf", Source: store.SourceFile, Clerk: "王五", Invoices: []store.InvoiceInput{{
		Printed: map[string]string{store.PrintedNumber: "24312000000136634917"}}}}
	if _, err := st.Record(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	st.Close()
	runCases(t, []cmdCase{
		{[]string{"history", "migrate", "--from", own, "--to", team, "--lang", "en"}, 0, "copied 3 scans (0 already there, skipped), 1 new invoices"},
		{[]string{"history", "migrate", "--from", own, "--to", team, "--lang", "en"}, 0, "24312000000136634917  there: first saved by 王五 (desk-9)"},
		{[]string{"history", "migrate", "--from", own, "--to", team}, 0, "已复制 0 次扫描（3 次已在目标中，跳过）"},
		{[]string{"history", "migrate", "--from", own, "--to", team, "--json"}, 0, `"scans":0,"skipped":3,"invoices":0`},
		{[]string{"history", "migrate", "--from", own, "--to", team, "--json"}, 0, `"typed":0,"verifications":0,"checks":0,"rebill_attempts":0,"blacklist":0`},
		{[]string{"history", "migrate", "--to", team}, 2, "--from FILE"},
		{[]string{"history", "migrate", "--from", filepath.Join(t.TempDir(), "none.db"), "--to", team}, 2, "no such history file"},
		{[]string{"audit", "verify", "--db", team}, 0, ""},
		{[]string{"history", "--db", team, "--json"}, 0, `"seen":3`},
	})
}
