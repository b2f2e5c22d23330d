package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

func init() {
	register(command{"blacklist", "keep the list of tax IDs whose invoices are refused",
		"add TAXID [--reason TEXT] | remove TAXID | list [--json]   [--clerk NAME] [--db PATH]", runBlacklist})
}

func runBlacklist(e *env, args []string) int {
	fs := e.flags("blacklist")
	reason := fs.String("reason", "", "why the tax ID is blacklisted (add)")
	asJSON := fs.Bool("json", false, "print one JSON object per entry, one per line (list)")
	clerk := fs.String("clerk", "", "who makes the change (default: the clerk set with 'fapiao clerk', else the login name)")
	db := e.dbFlag(fs, "history database file")
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) == 0 {
		return e.usageError("blacklist", "want add, remove or list")
	}
	verb, rest := pos[0], pos[1:]
	switch verb {
	case "add", "remove":
		if len(rest) != 1 {
			return e.usageError("blacklist", "%s wants one TAXID", verb)
		}
	case "list":
		if len(rest) != 0 {
			return e.usageError("blacklist", "list takes no arguments")
		}
	default:
		return e.usageError("blacklist", "unknown action %q: want add, remove or list", verb)
	}
	var id string
	if verb != "list" {
		id = store.NormalizeTaxID(rest[0])
		_, err := taxid.Validate(id)
		switch {
		case errors.Is(err, taxid.ErrFormat) && verb == "add":
			return e.usageError("blacklist", "%v", err)
		case err != nil && verb == "add":
			// A forged invoice may carry an ID that fails its check: list it anyway.
			fmt.Fprintf(e.stderr, "fapiao blacklist: warning: %s\n", errText(err))
		}
	}
	s, code := e.openHistory("blacklist", *db)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx, stop := interruptible()
	defer stop()
	switch verb {
	case "add":
		if err := s.AddBlacklist(ctx, id, *reason, *clerk); err != nil {
			return e.historyError("blacklist", err)
		}
		fmt.Fprintf(e.stderr, "fapiao blacklist: %s added\n", clean(id))
	case "remove":
		if err := s.RemoveBlacklist(ctx, id, *clerk); err != nil {
			return e.historyError("blacklist", err)
		}
		fmt.Fprintf(e.stderr, "fapiao blacklist: %s removed\n", clean(id))
	case "list":
		list, err := s.Blacklist(ctx)
		if err != nil {
			return e.historyError("blacklist", err)
		}
		for _, b := range list {
			if *asJSON {
				j, err := json.Marshal(b)
				if err != nil {
					return e.historyError("blacklist", err)
				}
				fmt.Fprintf(e.stdout, "%s\n", j)
				continue
			}
			fmt.Fprintf(e.stdout, "%-20s %s  %s  %s\n", clean(b.TaxID), b.AddedAt.Local().Format("2006-01-02"), clean(b.AddedBy), clean(b.Reason))
		}
	}
	return exitOK
}
