package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"audit", "check or list the tamper-evident log of every change to the history",
		"verify | list [--json] [--after SEQ] [--limit N]   [--db PATH]", runAudit})
}

func runAudit(e *env, args []string) int {
	fs := e.flags("audit")
	asJSON := fs.Bool("json", false, "print one JSON object per entry, one per line (list)")
	after := fs.Int64("after", 0, "list entries after number `SEQ`")
	limit := fs.Int("limit", 100, "list at most `N` entries")
	db := e.dbFlag(fs, "history database file")
	e.langFlag(fs)
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) != 1 || (pos[0] != "verify" && pos[0] != "list") {
		return e.usageError("audit", "want verify or list")
	}
	if *limit <= 0 {
		return e.usageError("audit", "--limit must be 1 or more")
	}
	s, code := e.openHistory("audit", *db)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx, stop := interruptible()
	defer stop()
	if pos[0] == "list" {
		entries, err := s.Audit(ctx, *after, *limit)
		if err != nil {
			return e.historyError("audit", err)
		}
		for _, a := range entries {
			if *asJSON {
				j, err := json.Marshal(a)
				if err != nil {
					return e.historyError("audit", err)
				}
				fmt.Fprintf(e.stdout, "%s\n", j)
				continue
			}
			fmt.Fprintf(e.stdout, "%6d %s %-10s %-16s %-24s %s\n", a.Seq, a.At.Local().Format("2006-01-02 15:04:05"),
				clean(a.Actor), clean(a.Action), clean(a.Target), clean(string(a.Details)))
		}
		return exitOK
	}
	rep, err := s.VerifyAudit(ctx)
	var ae *store.AuditError
	var be *store.BindingError
	if errors.As(err, &be) {
		if e.lang == "en" {
			fmt.Fprintf(e.stdout, "the history was changed outside Fapiao (audit log entry %d): %s\n", be.Seq, clean(be.Reason))
		} else {
			fmt.Fprintf(e.stdout, "历史记录在 Fapiao 之外被改动，与审计日志（第 %d 条）不符：%s\n", be.Seq, clean(be.Reason))
		}
		return exitFail
	}
	if errors.As(err, &ae) {
		if e.lang == "en" {
			fmt.Fprintf(e.stdout, "audit log broken at entry %d: %s\n", ae.Seq, clean(ae.Reason))
		} else {
			fmt.Fprintf(e.stdout, "审计日志在第 %d 条处被改动或删除：%s\n", ae.Seq, clean(ae.Reason))
		}
		return exitFail
	}
	if err != nil {
		return e.historyError("audit", err)
	}
	if e.lang == "en" {
		fmt.Fprintf(e.stdout, "audit log intact: %d entries, newest hash %s\n", rep.Entries, headOrNone(rep.Head))
	} else {
		fmt.Fprintf(e.stdout, "审计日志完整：共 %d 条，最新哈希 %s\n", rep.Entries, headOrNone(rep.Head))
	}
	return exitOK
}

func headOrNone(h string) string {
	if h == "" {
		return "-"
	}
	return h
}
