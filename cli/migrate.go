package cli

import (
	"encoding/json"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/store"
)

// runHistoryMigrate is "fapiao history migrate": a clerk's own history
// copied into a team's (store.CopyInto), idempotently, with the invoices
// another clerk saved first listed.
func runHistoryMigrate(e *env, args []string) int {
	const name = "history migrate"
	fs := e.flags(name)
	from := fs.String("from", "", "the history `FILE` to copy (a clerk's own history)")
	to := fs.String("to", "", "the team's history to copy into: postgres://USER@HOST:PORT/DB?sslmode=verify-full, or a file")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	e.langFlag(fs)
	if _, code, done := e.parseInterspersed(fs, args); done {
		return code
	}
	if *from == "" || *to == "" {
		return e.usageError(name, "give the history to copy (--from FILE) and the one to copy into (--to postgres://…)")
	}
	if !store.Exists(*from) {
		return e.usageError(name, "--from %s: no such history file", *from)
	}
	src, code := e.openHistory(name, *from)
	if src == nil {
		return code
	}
	defer src.Close()
	dst, code := e.openHistory(name, *to)
	if dst == nil {
		return code
	}
	defer dst.Close()
	ctx, stop := interruptible()
	defer stop()
	rep, err := src.CopyInto(ctx, dst, "migrated from "+src.Path())
	if err != nil {
		return e.historyError(name, err)
	}
	if *asJSON {
		b, err := json.Marshal(migrateJSON{rep.Scans, rep.Skipped, rep.Invoices, rep.States, rep.Notes, rep.Typed,
			rep.Verifications, rep.Checks, rep.Attempts, rep.Blacklist, nonNilDups(rep.Duplicates), nonNilStrings(rep.Conflicts)})
		if err != nil {
			return e.historyError(name, err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		l := migrateLabels[e.lang]
		fmt.Fprintf(e.stdout, l["done"], rep.Scans, rep.Skipped, rep.Invoices, rep.States, rep.Notes, rep.Typed,
			rep.Verifications, rep.Checks, rep.Attempts, rep.Blacklist)
		if len(rep.Duplicates) > 0 {
			fmt.Fprintf(e.stdout, l["dups"], len(rep.Duplicates))
			for _, d := range rep.Duplicates {
				fmt.Fprintf(e.stdout, l["dup"], d.Identity, d.Team.Clerk, d.Team.Host, d.Team.At.Local().Format("2006-01-02 15:04"),
					d.Source.Clerk, d.Source.At.Local().Format("2006-01-02 15:04"))
			}
		}
		for _, c := range rep.Conflicts {
			fmt.Fprintf(e.stdout, l["conflict"], c)
		}
	}
	if len(rep.Conflicts) > 0 {
		return exitFail
	}
	return exitOK
}

// migrateJSON is the report --json prints.
type migrateJSON struct {
	Scans      int                   `json:"scans"`
	Skipped    int                   `json:"skipped"`
	Invoices   int                   `json:"invoices"`
	States     int                   `json:"states"`
	Notes      int                   `json:"notes"`
	Typed      int                   `json:"typed"`
	Verified   int                   `json:"verifications"`
	Checks     int                   `json:"checks"`
	Attempts   int                   `json:"rebill_attempts"`
	Blacklist  int                   `json:"blacklist"`
	Duplicates []store.CopyDuplicate `json:"duplicates"`
	Conflicts  []string              `json:"conflicts"`
}

func nonNilDups(d []store.CopyDuplicate) []store.CopyDuplicate {
	if d == nil {
		return []store.CopyDuplicate{}
	}
	return d
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var migrateLabels = map[string]map[string]string{
	"zh": {
		"done": "已复制 %d 次扫描（%d 次已在目标中，跳过），新发票 %d 张；带过报销状态 %d 个、备注 %d 条、" +
			"手填值 %d 个、核验 %d 次、查验 %d 次、重开发票尝试 %d 次、黑名单 %d 条\n",
		"dups":     "其中 %d 张发票目标历史中已有（其他经办人先录入，请核对是否重复报销）：\n",
		"dup":      "  %s  目标：%s（%s）%s 首次录入；本历史：%s %s\n",
		"conflict": "状态冲突，未改动：%s\n",
	},
	"en": {
		"done": "copied %d scans (%d already there, skipped), %d new invoices; carried over %d states, %d notes, %d typed values, " +
			"%d verifications, %d checks with the tax authority, %d re-billing attempts, %d blacklist entries\n",
		"dups":     "%d invoices were in the destination already (saved first by another clerk: check they are not claimed twice):\n",
		"dup":      "  %s  there: first saved by %s (%s) at %s; here: by %s at %s\n",
		"conflict": "state conflict, left as it is: %s\n",
	},
}
