package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// What the history commands share: the --db flag, the filter flags of
// history and export, and flags given after the arguments.

// dbFlag adds --db to fs; what says what the history is used for.
func (e *env) dbFlag(fs *flag.FlagSet, what string) *string {
	def, err := e.svc.HistoryPath()
	if err != nil {
		def = "none: " + err.Error()
	}
	return fs.String("db", "", what+": a file, or a team's server postgres://USER@HOST:PORT/DB?sslmode=verify-full (default "+store.Redact(def)+", from $FAPIAO_DB or the data folder)")
}

// historyPath is path, or the history used without --db when it is empty.
func (e *env) historyPath(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	return e.svc.HistoryPath()
}

// openHistory opens the history named by --db (path), else the one the
// services name. On failure it prints why and returns the exit code.
func (e *env) openHistory(name, path string, opts ...store.Option) (*store.Store, int) {
	path, err := e.historyPath(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao %s: %s (use --db PATH)\n", name, errText(err))
		return nil, exitUsage
	}
	s, err := store.Open(path, opts...)
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao %s: %s\n", name, errText(err))
		return nil, exitUsage
	}
	return s, exitOK
}

// secrets opens the secret store kept for the history st.
func (e *env) secrets(st *store.Store) secrets.Store {
	return e.svc.Secrets(st.LocalDir())
}

// historyError prints err and gives its exit code: 1 when the history
// refused or could not do the work (busy, not found, not allowed), 2 when
// an argument was wrong.
func (e *env) historyError(name string, err error) int {
	fmt.Fprintf(e.stderr, "fapiao %s: %s\n", name, errText(err))
	if errors.Is(err, store.ErrInvalid) {
		return exitUsage
	}
	return exitFail
}

// parseInterspersed parses flags wherever they stand among the arguments
// ("fapiao state X locked --note Y"), as the standard flag package does not.
// "--" ends the flags.
func (e *env) parseInterspersed(fs *flag.FlagSet, args []string) (pos []string, code int, done bool) {
	for {
		if code, done := e.parseFlags(fs, args); done {
			return nil, code, true
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, exitOK, false
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), exitOK, false
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// filterFlags adds the invoice filter flags shared by history and export.
type filterFlags struct {
	from, to, state, seller, typeCode, findings, query, checked, clerk *string
}

func addFilterFlags(fs *flag.FlagSet) *filterFlags {
	return &filterFlags{
		from:     fs.String("from", "", "issued on or after `DATE` (2024-05-14, 20240514 or 2024年05月14日)"),
		to:       fs.String("to", "", "issued on or before `DATE`"),
		state:    fs.String("state", "", "reimbursement `STATE`s, comma separated: new, locked, reimbursed, voided, red_reversed (or 未报销, 已锁定, ...)"),
		seller:   fs.String("seller", "", "part of the seller's name or tax ID"),
		typeCode: fs.String("type", "", "invoice type `CODE`, e.g. 32"),
		findings: fs.String("findings", "", "only invoices with findings: error, warning (or worse), any"),
		query:    fs.String("query", "", "invoice number or code: its start or its last digits; other text matches the seller"),
		checked:  fs.String("checked", "", "the tax authority's latest answer: authentic, voided, red_reversed, not_found, mismatch, or never"),
		clerk:    fs.String("clerk", "", "only invoices this `CLERK` saved first (the name exactly, as in the clerk setting)"),
	}
}

func (f *filterFlags) filter() (store.Filter, error) {
	var out store.Filter
	var err error
	if *f.from != "" {
		if out.From, err = store.ParseDate(*f.from); err != nil {
			return out, fmt.Errorf("--from: %w", err)
		}
	}
	if *f.to != "" {
		if out.To, err = store.ParseDate(*f.to); err != nil {
			return out, fmt.Errorf("--to: %w", err)
		}
	}
	if !out.From.IsZero() && !out.To.IsZero() && out.To.Time().Before(out.From.Time()) {
		return out, fmt.Errorf("--to %s is before --from %s", out.To, out.From)
	}
	if *f.state != "" {
		for _, s := range strings.Split(*f.state, ",") {
			st, err := store.ParseState(s)
			if err != nil {
				return out, fmt.Errorf("--state: %w", err)
			}
			out.States = append(out.States, st)
		}
	}
	switch *f.findings {
	case "", store.FindingsAny, store.FindingsWarning, store.FindingsError:
		out.Findings = *f.findings
	default:
		return out, fmt.Errorf("--findings %q: want error, warning or any", *f.findings)
	}
	out.Seller, out.TypeCode, out.Query, out.Checked, out.Clerk = *f.seller, *f.typeCode, *f.query, *f.checked, *f.clerk
	return out, nil
}

// interruptible is a context cancelled by Ctrl-C, for long reads and exports.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}
