package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// exitQueued: the team's server could not be reached; what was read is kept
// in this machine's outbox, to be sent by `fapiao history send` or the next
// `fapiao scan --save`.
const exitQueued = 3

// openTeam opens a team's server history with this machine's outbox, for
// the commands that save scans: the server may be away (the scans are then
// kept). The scans sent from the outbox are told on stderr.
func (e *env) openTeam(ctx context.Context, name string, st *store.Store) (*outbox.Team, int) {
	tm, err := outbox.NewTeam(ctx, st, outbox.Path(st))
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao %s: %s\n", name, errText(err))
		return nil, exitFail
	}
	tm.OnSent = func(sent []outbox.Sent) {
		for _, s := range sent {
			e.writeSent(e.stderr, s)
		}
	}
	return tm, exitOK
}

// writeSent tells of one scan sent from the outbox, and of each of its
// invoices the server already held.
func (e *env) writeSent(w interface{ Write([]byte) (int, error) }, s outbox.Sent) {
	name := s.Scan.File
	if name == "" {
		name = "(" + string(s.Scan.Source) + ")"
	}
	fmt.Fprintf(w, e.pick("已发送：%s（%s 扫描，%d 张发票）\n", "sent: %s (scanned %s, %d invoices)\n"),
		clean(name), s.Scan.At.Local().Format("2006-01-02 15:04:05"), len(s.Recorded))
	for _, r := range s.Duplicates() {
		f := r.DuplicateOf
		fmt.Fprintf(w, e.pick("  重复：发票 %s 已由 %s 于 %s 在 %s 记录（%s）\n", "  duplicate: invoice %s was recorded by %s at %s on %s (%s)\n"),
			clean(r.Identity), clean(f.Clerk), f.At.Local().Format("2006-01-02 15:04:05"), clean(f.Host), clean(filepath.Base(f.File)))
	}
}

// runHistorySend sends the scans kept in this machine's outbox to the team's
// server.
func runHistorySend(e *env, args []string) int {
	fs := e.flags("history send")
	asJSON := fs.Bool("json", false, "print one JSON object per scan sent (docs/cli-json.md)")
	db := e.dbFlag(fs, "the team's history server")
	e.langFlag(fs)
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return e.usageError("history send", "no arguments expected")
	}
	path, err := e.historyPath(*db)
	if err != nil {
		return e.usageError("history send", "%v (use --db postgres://…)", err)
	}
	if !store.IsServer(path) {
		return e.usageError("history send", "the history %s is a file of this machine: only a team's server (--db postgres://…) has an outbox", path)
	}
	ctx, stop := interruptible()
	defer stop()
	st, err := store.Open(path, store.AllowOffline())
	if err != nil {
		return e.historyError("history send", err)
	}
	defer st.Close()
	tm, code := e.openTeam(ctx, "history send", st)
	if tm == nil {
		return code
	}
	defer tm.Close()
	tm.OnSent = nil
	sent, err := tm.Send(ctx)
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, s := range sent {
		if *asJSON {
			enc.Encode(sentJSON(s))
		} else {
			e.writeSent(e.stdout, s)
		}
	}
	items, ierr := tm.Box.Items(context.WithoutCancel(ctx), st.Path())
	if ierr != nil {
		return e.historyError("history send", ierr)
	}
	waiting, refused := 0, 0
	for _, it := range items {
		if it.Refused {
			refused++
			fmt.Fprintf(e.stderr, e.pick("fapiao history send: 服务器拒收 %s（%s 扫描），保留在本机：%s\n",
				"fapiao history send: the server refused %s (scanned %s), kept on this machine: %s\n"),
				clean(it.Scan.File), it.Scan.At.Local().Format("2006-01-02 15:04:05"), clean(it.LastErr))
		} else {
			waiting++
		}
	}
	switch {
	case err != nil && store.IsUnreachable(err):
		fmt.Fprintf(e.stderr, e.pick("fapiao history send: 团队服务器仍无法连接：%d 份扫描保存在本机待发送（%s）\n",
			"fapiao history send: the team server still cannot be reached: %d scans kept on this machine to be sent (%s)\n"),
			waiting, errText(err))
		return exitQueued
	case err != nil:
		return e.historyError("history send", err)
	case refused > 0:
		return exitFail
	}
	if !*asJSON {
		fmt.Fprintf(e.stdout, e.pick("已全部发送：共 %d 份扫描\n", "all sent: %d scans\n"), len(sent))
	}
	return exitOK
}

// sentJSON is a scan sent, as `history send --json` prints it.
func sentJSON(s outbox.Sent) any {
	type inv struct {
		Identity    string          `json:"identity"`
		InvoiceID   int64           `json:"invoice_id"`
		DuplicateOf *store.Sighting `json:"duplicate_of"`
		State       store.State     `json:"state"`
	}
	out := struct {
		File     string       `json:"file"`
		Source   store.Source `json:"source"`
		At       string       `json:"at"`
		Invoices []inv        `json:"invoices"`
	}{File: s.Scan.File, Source: s.Scan.Source, At: s.Scan.At.Format("2006-01-02T15:04:05.999999999Z07:00"), Invoices: []inv{}}
	for _, r := range s.Recorded {
		out.Invoices = append(out.Invoices, inv{r.Identity, r.InvoiceID, r.DuplicateOf, r.State})
	}
	return out
}

// queuedNote tells that what was read (zh, en: "3 个文件", "3 files") was
// kept in the outbox, and how it is sent.
func (e *env) queuedNote(name, zh, en string, tm *outbox.Team) {
	fmt.Fprintf(e.stderr, e.pick("fapiao %s: 团队服务器无法连接：%s已保存在本机（%s），待发送；服务器恢复后运行 fapiao history send，或下次 fapiao scan --save 时自动发送\n",
		"fapiao %s: the team server cannot be reached: %s kept on this machine (%s) to be sent; once it is back, run fapiao history send, or the next fapiao scan --save sends what waits first\n"),
		name, e.pick(zh, en), tm.Box.File())
}
