package invoice

import (
	"context"
	"errors"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/verify"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// taxCheck is what a verification asked of the tax authority (查验), when
// checks are configured: its answer, or why none came.
type taxCheck struct {
	asked bool // a provider is configured
	ch    verify.Checked
	err   error
}

// check asks the tax authority about the invoice of a through the provider
// chosen in the settings, and records the answer whatever it is. With no
// provider configured nothing is asked: the verification is the clerk's
// sign-off alone. It runs off the UI goroutine.
func (a action) check(ctx context.Context, e *env.Env, clerk string) taxCheck {
	cfg, err := config.Verifier(ctx, e.St, e.Sec, "")
	if errors.Is(err, config.ErrNoVerifier) && cfg.Provider == "" {
		return taxCheck{}
	}
	if err != nil {
		return taxCheck{asked: true, err: err}
	}
	p, err := verify.New(cfg)
	if err != nil {
		return taxCheck{asked: true, err: err}
	}
	c := &verify.Checker{Store: e.St, Provider: p, Clerk: clerk, Now: e.Now}
	ch, err := c.Check(ctx, a.invoiceID)
	return taxCheck{asked: true, ch: ch, err: err}
}

// text says what the check found, in the clerk's language (when asked).
func (c taxCheck) text(tr *env.Translator) string {
	var missing *verify.MissingError
	switch {
	case errors.As(c.err, &missing):
		return tr.F("check.not_sent", missing.Text(tr.Lang()))
	case errors.Is(c.err, verify.ErrTooEarly):
		return tr.T("check.too_early")
	case c.err != nil:
		return tr.F("check.failed", env.ErrorText(tr, c.err))
	case c.ch.Outcome == verify.Error || c.ch.Outcome == verify.LimitReached:
		return tr.F("check.failed", tr.T("check.outcome."+string(c.ch.Outcome))+"："+c.ch.Reason)
	}
	return tr.F("check.answer", tr.T("check.outcome."+string(c.ch.Outcome)), tr.T("check.provider."+c.ch.Provider))
}
