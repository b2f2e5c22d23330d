package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/store"
)

func init() {
	register(command{"state", "change an invoice's reimbursement state",
		"IDENTITY new|locked|reimbursed|voided|red_reversed [--note TEXT] [--clerk NAME] [--db PATH]", runState})
}

func runState(e *env, args []string) int {
	fs := e.flags("state")
	note := fs.String("note", "", "a note kept with the change, e.g. the claim number")
	clerk := fs.String("clerk", "", "who makes the change (default: the clerk set with 'fapiao clerk', else the login name)")
	db := e.dbFlag(fs, "history database file")
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) != 2 {
		return e.usageError("state", "want IDENTITY and STATE, got %d arguments", len(pos))
	}
	to, err := store.ParseState(pos[1])
	if err != nil {
		return e.usageError("state", "%v", err)
	}
	s, code := e.openHistory("state", *db)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx, stop := interruptible()
	defer stop()
	inv, err := findInvoice(ctx, s, pos[0])
	if err != nil {
		return e.historyError("state", err)
	}
	// From the state just read: a change another clerk makes in between
	// is refused, not skipped over.
	from := inv.State
	if err := s.ChangeState(ctx, store.Change{InvoiceID: inv.ID, From: from, To: to, Clerk: *clerk, Note: *note}); err != nil {
		return e.historyError("state", err)
	}
	fmt.Fprintf(e.stdout, "%s: %s %s → %s %s\n", clean(inv.Identity), from.Name(), from, to.Name(), to)
	return exitOK
}

// findInvoice finds an invoice by its identity, or by its number alone when
// only one invoice has it (clerks often type just the 8-digit number).
func findInvoice(ctx context.Context, s *store.Store, key string) (*store.Invoice, error) {
	key = strings.TrimSpace(key)
	inv, err := s.GetByIdentity(ctx, key)
	if !errors.Is(err, store.ErrNotFound) {
		return inv, err
	}
	p, err := s.Search(ctx, store.Filter{Query: key, Limit: 20})
	if err != nil {
		return nil, err
	}
	var hits []store.Invoice
	for _, c := range p.Invoices {
		if c.Number == key {
			hits = append(hits, c)
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("invoice %s is not in the history: %w", key, store.ErrNotFound)
	case 1:
		return &hits[0], nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Identity
	}
	return nil, fmt.Errorf("number %s names %d invoices (%s): give the code too, as CODE-NUMBER", key, len(hits), strings.Join(ids, ", "))
}
