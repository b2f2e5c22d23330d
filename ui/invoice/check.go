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
	c, err := newChecker(ctx, e, clerk)
	if errors.Is(err, errNoProvider) {
		return taxCheck{}
	}
	if err != nil {
		return taxCheck{asked: true, err: err}
	}
	ch, err := c.Check(ctx, a.invoiceID)
	return taxCheck{asked: true, ch: ch, err: err}
}

// errNoProvider: no provider is chosen in the settings; 核验 is then the
// clerk's sign-off alone.
var errNoProvider = errors.New("no provider chosen for checks")

// newChecker is the checker of the provider chosen in the settings, asking
// as clerk; errNoProvider when none is chosen. It reads the settings and the
// keyring: never on the UI goroutine.
func newChecker(ctx context.Context, e *env.Env, clerk string) (*verify.Checker, error) {
	cfg, err := config.Verifier(ctx, e.Store(), e.Sec, "")
	if errors.Is(err, config.ErrNoVerifier) && cfg.Provider == "" {
		return nil, errNoProvider
	}
	if err != nil {
		return nil, err
	}
	p, err := verify.New(cfg)
	if err != nil {
		return nil, err
	}
	return &verify.Checker{Store: e.Store(), Provider: p, Clerk: clerk, Now: e.Now}, nil
}

// text says what the check found, in the clerk's language (when asked),
// beside the clerk's sign-off that 核验 records whatever the answer.
func (c taxCheck) text(tr *env.Translator) string { return answerText(tr, c.ch, c.err, true) }

// answerText says what a check found, in the clerk's language. signedOff
// says that the clerk's own sign-off was recorded beside it (核验), which a
// batch check does not do.
func answerText(tr *env.Translator, ch verify.Checked, err error, signedOff bool) string {
	tooEarly, failed := "batch.too_early", "batch.failed"
	if signedOff {
		tooEarly, failed = "check.too_early", "check.failed"
	}
	var missing *verify.MissingError
	switch {
	case errors.As(err, &missing):
		return tr.F("check.not_sent", missing.Text(tr.Lang()))
	case errors.Is(err, verify.ErrTooEarly):
		return tr.T(tooEarly)
	case errors.Is(err, verify.ErrTooOld):
		return tr.F("check.not_sent", tr.T("check.kind.too_old"))
	case err != nil:
		return tr.F(failed, env.ErrorText(tr, err))
	case ch.Outcome == verify.Error || ch.Outcome == verify.LimitReached:
		return tr.F(failed, failure(tr, ch))
	}
	return tr.F("check.answer", tr.T("check.outcome."+ch.Outcome), tr.T("check.provider."+ch.Provider))
}

// failure says why a check got no verdict: what kind of failure, and the
// provider's own words.
func failure(tr *env.Translator, ch verify.Checked) string {
	why := tr.T("check.outcome." + ch.Outcome)
	if ch.Kind != "" && ch.Outcome == verify.Error {
		why = tr.T("check.kind." + ch.Kind)
	}
	if ch.Reason != "" {
		why += tr.F("check.detail", ch.Reason)
	}
	return why
}
