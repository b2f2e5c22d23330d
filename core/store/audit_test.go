package store

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/tjfoc/gmsm/sm3"
)

func TestSM3KnownAnswer(t *testing.T) {
	// GB/T 32905-2016, example 1.
	got := hex.EncodeToString(sm3.Sm3Sum([]byte("abc")))
	if want := "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"; got != want {
		t.Fatalf("SM3(abc) = %s, want %s", got, want)
	}
}

func TestCanonicalIsUnambiguous(t *testing.T) {
	a := canonical(1, "t", "ab", "c", "d", "{}")
	b := canonical(1, "t", "a", "bc", "d", "{}")
	if string(a) == string(b) {
		t.Fatal("shifting a character between fields gives the same bytes")
	}
	if got := string(canonical(12, "2026", "张三", "state", "x", `{"a":1}`)); got != `2:12,4:2026,6:张三,5:state,1:x,7:{"a":1},` {
		t.Errorf("canonical = %q", got)
	}
}

// auditFixture makes a history with n audit entries: an invoice recorded,
// then n-1 notes on it.
func auditFixture(t *testing.T, n int) *Store {
	t.Helper()
	s, _ := openTest(t)
	ctx := context.Background()
	id := record(t, s, scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1)))[0].InvoiceID
	for i := 0; i < n-1; i++ {
		if err := s.AddNote(ctx, id, "张三", strings.Repeat("备注", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("fresh chain: %v", err)
	}
	return s
}

func TestVerifyAuditCatchesTampering(t *testing.T) {
	// The fixture has 5 entries.
	tests := []struct {
		name   string
		sql    []string
		seq    int64
		reason string
	}{
		{name: "intact"},
		{name: "field altered", sql: []string{"UPDATE audit_log SET actor = '李四' WHERE seq = 3"}, seq: 3, reason: "altered"},
		{name: "details altered", sql: []string{`UPDATE audit_log SET details = '{"text":"改过"}' WHERE seq = 5`}, seq: 5, reason: "altered"},
		{name: "time altered", sql: []string{"UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 1"}, seq: 1, reason: "altered"},
		{name: "hash text altered", sql: []string{"UPDATE audit_log SET hash = upper(hash) WHERE seq = 2"}, seq: 2, reason: "altered"},
		{name: "middle row deleted", sql: []string{"DELETE FROM audit_log WHERE seq = 4"}, seq: 4, reason: "removed"},
		{name: "first row deleted", sql: []string{"DELETE FROM audit_log WHERE seq = 1"}, seq: 1, reason: "removed"},
		{name: "row deleted and the rest renumbered", sql: []string{
			"DELETE FROM audit_log WHERE seq = 2", "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2"}, seq: 2, reason: "altered"},
		{name: "tail truncated", sql: []string{"DELETE FROM audit_log WHERE seq > 3"}, seq: 4, reason: "removed"},
		{name: "last row deleted", sql: []string{"DELETE FROM audit_log WHERE seq = 5"}, seq: 5, reason: "removed"},
		{name: "everything deleted", sql: []string{"DELETE FROM audit_log"}, seq: 1, reason: "removed"},
		{name: "head record deleted", sql: []string{"DELETE FROM settings WHERE key = 'audit.head'"}, seq: 5, reason: "removed"},
		{name: "row copied to the end", sql: []string{
			"INSERT INTO audit_log SELECT 6, at, actor, action, target, details, hash FROM audit_log WHERE seq = 5"}, seq: 6, reason: "altered"},
		{name: "valid row appended outside Fapiao", sql: []string{"UPDATE settings SET value = '4:' || (SELECT hash FROM audit_log WHERE seq = 4) WHERE key = 'audit.head'"}, seq: 5, reason: "added outside"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := auditFixture(t, 5)
			for _, q := range tt.sql {
				if _, err := s.db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			rep, err := s.VerifyAudit(ctx)
			if tt.sql == nil {
				if err != nil || rep.Entries != 5 || len(rep.Head) != 64 {
					t.Errorf("intact chain: %+v, %v", rep, err)
				}
				return
			}
			var ae *AuditError
			if !errors.As(err, &ae) || !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("VerifyAudit = %+v, %v; want an AuditError", rep, err)
			}
			if want := tt.seq; ae.Seq != want || !strings.Contains(ae.Reason, tt.reason) {
				t.Errorf("AuditError{%d, %q}, want entry %d %s", ae.Seq, ae.Reason, want, tt.reason)
			}
		})
	}
}

func TestAuditRecomputedEntryIsCaughtAtTheNext(t *testing.T) {
	// A forger who edits entry 2 and recomputes its hash (but not the
	// chain after it) is caught at entry 3, whose link no longer holds.
	s := auditFixture(t, 4)
	ctx := context.Background()
	es, err := s.Audit(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	prev, _ := hex.DecodeString(es[0].Hash)
	e := es[1]
	h := hex.EncodeToString(chainHash(prev, canonical(e.Seq, e.At.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"), "伪造者", e.Action, e.Target, string(e.Details))))
	if _, err := s.db.Exec("UPDATE audit_log SET actor = '伪造者', hash = ? WHERE seq = 2", h); err != nil {
		t.Fatal(err)
	}
	_, err = s.VerifyAudit(ctx)
	var ae *AuditError
	if !errors.As(err, &ae) || ae.Seq != 3 || !strings.Contains(ae.Reason, "entry 2") {
		t.Errorf("VerifyAudit = %v, want entry 3 naming entry 2", err)
	}
}
