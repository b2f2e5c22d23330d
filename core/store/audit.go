package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tjfoc/gmsm/sm3"
)

// The audit log is a hash chain. Entry i stores
//
//	hash_i = SM3(hash_{i-1} || canonical(entry i))
//
// with hash_0 = 32 zero bytes, and canonical(entry) the netstrings
// ("len:bytes,") of seq, at, actor, action, target and details, in that
// order, each as the exact text stored. Changing any stored field, or
// removing or inserting an entry in the middle, breaks the chain at that
// point. Removing the last entries leaves a shorter chain that is still
// valid, so the sequence number and hash of the newest entry are also kept
// in the settings table (audit.head), written in the same transaction as
// each entry.
//
// The limit: SM3 is unkeyed, so someone who can write the file can rebuild
// the whole chain and the head after editing it. The chain shows accidental
// damage and naive edits; against a deliberate forger, write the head hash
// shown by "fapiao audit verify" somewhere outside the file (a printed
// month-end report) and compare later.

// headKey is the settings row holding "seq:hash" of the newest entry.
const headKey = "audit.head"

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq     int64           `json:"seq"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Action  string          `json:"action"`
	Target  string          `json:"target"`
	Details json.RawMessage `json:"details"`
	Hash    string          `json:"hash"`
}

// AuditError says where the audit chain is broken.
type AuditError struct {
	Seq    int64  // the first entry altered or removed; for a cut tail, the first one missing
	Reason string // what was found, in English
}

func (e *AuditError) Error() string {
	return fmt.Sprintf("audit log entry %d: %s", e.Seq, e.Reason)
}

// Unwrap makes errors.Is(err, ErrAuditBroken) true.
func (e *AuditError) Unwrap() error { return ErrAuditBroken }

// AuditReport is the result of a successful VerifyAudit.
type AuditReport struct {
	Entries int64  // entries in the chain
	Head    string // hash of the newest entry, hex; "" when the log is empty
}

// canonical is the byte string hashed for one entry.
func canonical(seq int64, at, actor, action, target, details string) []byte {
	var b bytes.Buffer
	for _, f := range []string{strconv.FormatInt(seq, 10), at, actor, action, target, details} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(',')
	}
	return b.Bytes()
}

func chainHash(prev []byte, entry []byte) []byte {
	h := sm3.New()
	h.Write(prev)
	h.Write(entry)
	return h.Sum(nil)
}

// appendAudit adds one entry to the log inside tx. details is marshalled to
// JSON (maps have sorted keys, so the text is deterministic).
func (s *Store) appendAudit(ctx context.Context, tx *dbTx, actor, action, target string, details any) error {
	d, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	var (
		seq     int64
		prevHex string
	)
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &prevHex)
	prev := make([]byte, sm3.New().Size())
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("audit %s: %w", action, err)
	default:
		if prev, err = hex.DecodeString(prevHex); err != nil {
			return fmt.Errorf("audit %s: entry %d has a malformed hash: %w", action, seq, err)
		}
	}
	seq++
	at := s.now().UTC().Format(time.RFC3339Nano)
	h := hex.EncodeToString(chainHash(prev, canonical(seq, at, actor, action, target, string(d))))
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO audit_log (seq, at, actor, action, target, details, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
		seq, at, actor, action, target, string(d), h); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		headKey, fmt.Sprintf("%d:%s", seq, h)); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// VerifyAudit walks the audit chain from the first entry, then replays it
// and compares the history's rows with what it implies (bind.go). It
// returns an *AuditError (errors.Is ErrAuditBroken) naming the first entry
// altered or removed, or the first row changed, added or deleted outside
// Fapiao, or a report of the intact chain. It reads one snapshot of the
// file, so writers at the same time never make it fail.
func (s *Store) VerifyAudit(ctx context.Context) (AuditReport, error) {
	const op = "verify audit log"
	tx, err := s.db.BeginTx(ctx, s.d.snapshot())
	if err != nil {
		return AuditReport{}, s.fail(op, err)
	}
	defer tx.Rollback()
	var head string
	err = tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", headKey).Scan(&head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return AuditReport{}, s.fail(op, err)
	}
	r := newReplay()
	var replayErr error
	rows, err := tx.QueryContext(ctx, "SELECT seq, at, actor, action, target, details, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return AuditReport{}, s.fail(op, err)
	}
	defer rows.Close()
	prev := make([]byte, sm3.New().Size())
	var last int64
	lastHex := ""
	for rows.Next() {
		var (
			seq                                    int64
			at, actor, action, target, details, hh string
		)
		if err := rows.Scan(&seq, &at, &actor, &action, &target, &details, &hh); err != nil {
			return AuditReport{}, s.fail(op, err)
		}
		if seq != last+1 {
			return AuditReport{}, &AuditError{last + 1, fmt.Sprintf("removed (the log jumps from entry %d to %d)", last, seq)}
		}
		want := chainHash(prev, canonical(seq, at, actor, action, target, details))
		if hh != hex.EncodeToString(want) {
			reason := "altered: its hash does not match its content"
			if last > 0 {
				reason = fmt.Sprintf("altered: its hash does not match its content and the hash of entry %d "+
					"(this entry was changed, or entry %d was changed and its hash recomputed)", last, last)
			}
			return AuditReport{}, &AuditError{seq, reason}
		}
		prev, last, lastHex = want, seq, hh
		if replayErr == nil {
			replayErr = r.apply(seq, action, target, details)
		}
	}
	if err := rows.Err(); err != nil {
		return AuditReport{}, s.fail(op, err)
	}
	if head == "" {
		if last > 0 {
			return AuditReport{}, &AuditError{last, "the record of the newest entry (audit.head) was removed"}
		}
		return AuditReport{}, s.bound(ctx, tx, r, nil)
	}
	seqText, headHash, _ := strings.Cut(head, ":")
	headSeq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil {
		return AuditReport{}, &AuditError{last + 1, fmt.Sprintf("the record of the newest entry is malformed: %q", head)}
	}
	switch {
	case headSeq > last:
		return AuditReport{}, &AuditError{last + 1, fmt.Sprintf("removed: the log ends at entry %d but had %d entries", last, headSeq)}
	case headSeq < last:
		return AuditReport{}, &AuditError{headSeq + 1, fmt.Sprintf("entries %d to %d were added outside Fapiao", headSeq+1, last)}
	case headHash != lastHex:
		return AuditReport{}, &AuditError{last, "altered or replaced: it is not the newest entry Fapiao wrote"}
	}
	if err := s.bound(ctx, tx, r, replayErr); err != nil {
		return AuditReport{}, err
	}
	return AuditReport{Entries: last, Head: lastHex}, nil
}

// bound reports a replay error, else compares the rows with the replay.
func (s *Store) bound(ctx context.Context, tx *dbTx, r *replay, replayErr error) error {
	if replayErr != nil {
		return replayErr
	}
	if err := r.compare(ctx, tx); err != nil {
		if errors.Is(err, ErrAuditBroken) {
			return err
		}
		return s.fail("verify audit log", err)
	}
	return nil
}

// Audit returns up to limit entries after seq after (0: from the first).
func (s *Store) Audit(ctx context.Context, after int64, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx,
		"SELECT seq, at, actor, action, target, details, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
	if err != nil {
		return nil, s.fail("read audit log", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var (
			e       AuditEntry
			at, det string
		)
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &det, &e.Hash); err != nil {
			return nil, s.fail("read audit log", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		e.Details = json.RawMessage(det)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("read audit log", err)
	}
	return out, nil
}
