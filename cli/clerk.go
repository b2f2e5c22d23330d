package cli

import (
	"fmt"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"clerk", "show or set the clerk's name recorded with every change",
		"[NAME] [--db PATH]", runClerk})
}

func runClerk(e *env, args []string) int {
	fs := e.flags("clerk")
	db := e.dbFlag(fs, "history database file")
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) > 1 {
		return e.usageError("clerk", "give one NAME (quote it if it has spaces)")
	}
	s, code := e.openHistory("clerk", *db)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx, stop := interruptible()
	defer stop()
	if len(pos) == 1 {
		name := strings.TrimSpace(pos[0])
		if name == "" {
			return e.usageError("clerk", "the name is empty")
		}
		if err := s.SetSetting(ctx, store.SettingClerk, name, name); err != nil {
			return e.historyError("clerk", err)
		}
	}
	name, err := s.Clerk(ctx)
	if err != nil {
		return e.historyError("clerk", err)
	}
	fmt.Fprintln(e.stdout, clean(name))
	return exitOK
}
