package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds one attempt: a request without an answer in
	// this time ends as an Error of KindTimeout.
	DefaultTimeout = 10 * time.Second
	// DefaultRetries is how many times a request that is safe to repeat
	// is sent again.
	DefaultRetries = 2
	// DefaultBackoff is the wait before the first repeat, doubled for each
	// further one.
	DefaultBackoff = 500 * time.Millisecond
)

// Config is what a provider is made from. Its String method leaves the
// secret out, so that it can be printed.
type Config struct {
	Provider string // Tencent or Baidu
	// ID and Secret are Tencent's SecretId and SecretKey, or Baidu's API
	// Key and Secret Key.
	ID, Secret string
	// Endpoint is the base URL, e.g. "https://ocr.tencentcloudapi.com" or
	// "https://aip.baidubce.com"; "" for the provider's own.
	Endpoint string
	// Timeout bounds one attempt (DefaultTimeout when 0).
	Timeout time.Duration
	// Retries is how many times a request that is safe to repeat is sent
	// again (DefaultRetries when 0, none when negative): one refused
	// before it reached the provider, or refused for its rate.
	Retries int
	// Backoff is the first wait between attempts (DefaultBackoff when 0).
	Backoff time.Duration
	// Now is the clock of Result.At and of the token's expiry
	// (time.Now when nil).
	Now func() time.Time
}

// String shows the config without its secret.
func (c Config) String() string {
	return fmt.Sprintf("%s id=%q secret=%s endpoint=%q", c.Provider, c.ID, redacted(c.Secret), c.Endpoint)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return "verify.Config{" + c.String() + "}" }

func redacted(s string) string {
	if s == "" {
		return "(none)"
	}
	return "(set)"
}

// New makes the provider c names.
func New(c Config) (Provider, error) {
	switch c.Provider {
	case Tencent:
		return NewTencent(c)
	case Baidu:
		return NewBaidu(c)
	}
	return nil, fmt.Errorf("%w: unknown provider %q (want %s or %s)", ErrBadConfig, c.Provider, Tencent, Baidu)
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c Config) retries() int {
	switch {
	case c.Retries < 0:
		return 0
	case c.Retries == 0:
		return DefaultRetries
	}
	return c.Retries
}

func (c Config) backoff(attempt int) time.Duration {
	b := c.Backoff
	if b <= 0 {
		b = DefaultBackoff
	}
	return b << (attempt - 1)
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// baseURL checks an endpoint and returns it parsed, or def when it is "".
func baseURL(provider, endpoint, def string) (*url.URL, error) {
	if strings.TrimSpace(endpoint) == "" {
		endpoint = def
	}
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: %s endpoint %q: want an http:// or https:// base URL without user, query or fragment",
			ErrBadConfig, provider, endpoint)
	}
	return u, nil
}

// errRedirect is returned for a redirect: a signed call is never sent on
// to another address, where its credentials or signature could be read.
var errRedirect = errors.New("redirect refused")

// statusError is an answer with an HTTP status other than 200, where the
// provider documents that its answers, errors included, come with 200.
type statusError struct{ status string }

func (e *statusError) Error() string { return "HTTP " + e.status }

// guard refuses any redirect answer before the HTTP client can follow it,
// and, when only200 is set, any answer whose status is not 200.
type guard struct {
	next    http.RoundTripper
	only200 bool
}

func (t guard) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 && resp.StatusCode != http.StatusNotModified {
		resp.Body.Close()
		to := "elsewhere"
		if loc, err := resp.Location(); err == nil {
			to = loc.Scheme + "://" + loc.Host // never the query: it may hold a token
		}
		return nil, fmt.Errorf("%w: HTTP %d to %s", errRedirect, resp.StatusCode, to)
	}
	if t.only200 && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &statusError{resp.Status}
	}
	return resp, nil
}

// newTransport is a transport of its own for each provider, so that no
// setting of http.DefaultTransport (or of another client) changes it.
func newTransport(only200 bool) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.IdleConnTimeout = 30 * time.Second
	return guard{next: t, only200: only200}
}

// failure is a classified failure of one attempt.
type failure struct {
	kind   string
	reason string
	// retry is set when the request is safe to send again: it never
	// reached the provider, or the provider refused it unprocessed.
	retry bool
}

// transportFailure classifies an error of sending a request. attempt is
// the context of the attempt, parent that of the whole check. The reason
// never holds the URL (a Baidu URL carries a token or a secret).
func transportFailure(err error, parent, attempt context.Context, timeout time.Duration) failure {
	var op *net.OpError
	var se *statusError
	switch {
	case parent.Err() != nil:
		return failure{kind: KindCancelled, reason: "cancelled: " + parent.Err().Error()}
	case attempt.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return failure{kind: KindTimeout, reason: fmt.Sprintf("timeout: no answer within %s", timeout)}
	case errors.Is(err, errRedirect):
		return failure{kind: KindRedirect, reason: innermost(err)}
	case errors.As(err, &se):
		return failure{kind: KindDown, reason: "provider down: " + se.Error()}
	case errors.As(err, &op) && op.Op == "dial":
		// Refused or unreachable: nothing was sent.
		return failure{kind: KindNetwork, reason: "network: " + op.Err.Error(), retry: true}
	}
	return failure{kind: KindNetwork, reason: "network: " + innermost(err)}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// innermost is the message of err without the wrappers that name the URL.
func innermost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// sleep waits d, or less when ctx is done; it reports whether the wait
// ran its course.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// shorten keeps a provider's message readable in a reason.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 200
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
