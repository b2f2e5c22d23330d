// Package gateway is the client of the fw199 gateway's Nuonuo re-billing
// call (开票重试): it asks the gateway to push a failed invoice issue again
// and says what came of it. See ../shared docs fw199-rebilling.md.
package gateway

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is the production URL of the re-billing call.
const DefaultEndpoint = "https://kf.fw199.com/gateway/nuonuo/invoice/rebillingnew"

// Status is what a re-billing attempt came to.
type Status string

const (
	Accepted   Status = "accepted"    // code 0: the gateway will push the result later
	Issued     Status = "issued"      // code 100: the invoice exists; number and PDF link given
	InProgress Status = "in_progress" // the order is still being issued
	Failed     Status = "failed"      // any other code, with the gateway's message
)

// Credentials identify the partner. Secret is never logged or printed.
type Credentials struct {
	AppID  string
	Secret string
}

// String hides the secret.
func (c Credentials) String() string { return "appid=" + c.AppID + " secret=***" }

// Result is the gateway's answer to one attempt.
type Result struct {
	Status         Status `json:"status"`
	Code           int    `json:"code"`
	Message        string `json:"message"`
	InvoiceNo      string `json:"invoice_no"`
	InvoiceDownURL string `json:"invoice_down_url"`
	// Attempts is how many HTTP requests were made (retries included).
	Attempts int `json:"attempts"`
}

// ErrTransport is wrapped by errors from which no answer came: the network
// failed, the gateway kept answering 5xx, or its answer was not JSON.
var ErrTransport = errors.New("the gateway could not be reached or gave no usable answer")

// ErrRedirect is wrapped when the gateway answered with a redirect: a
// signed call is never sent on to another address, where the signed form
// would be read and its answer taken for the gateway's; nor is it retried.
var ErrRedirect = errors.New("redirect refused")

// ErrBadEndpoint is wrapped when the URL to call is not an http:// or
// https:// URL with a host: nothing is sent, and nothing retried.
var ErrBadEndpoint = errors.New("the gateway URL must be an http:// or https:// URL with a host")

// CheckEndpoint refuses a URL the call cannot go to: the check the
// settings make of the URL a clerk types, and the command line of
// --endpoint and $FAPIAO_FW199_ENDPOINT. A password in the URL is not
// repeated.
func CheckEndpoint(endpoint string) error {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return fmt.Errorf("%q: %w", endpoint, ErrBadEndpoint)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q: %w", u.Redacted(), ErrBadEndpoint)
	}
	return nil
}

// Client calls the gateway.
type Client struct {
	Endpoint string // DefaultEndpoint when empty
	Creds    Credentials
	HTTP     *http.Client // default: 10 s total timeout, 5 s to connect
	// Retries is how many times a transport failure or 5xx is retried (default 3);
	// Backoff the first wait, doubled each time (default 500 ms).
	Retries int
	Backoff time.Duration
	// Now gives the timestamp; time.Now when nil.
	Now func() time.Time
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
		},
	}
}

// Sign computes the vendor SDK's signature: every parameter but sign,
// sorted by key, key+value concatenated, the secret at both ends, MD5 in
// lowercase hex.
func Sign(params map[string]string, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(secret)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	b.WriteString(secret)
	sum := md5.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Rebill asks the gateway to issue order orderNo of seller taxNum again.
// Transport failures and 5xx answers are retried with backoff (the call is
// idempotent per order number); a repeat is counted in Result.Attempts so
// that it stays visible. The error wraps ErrTransport when no answer came.
func (c *Client) Rebill(ctx context.Context, orderNo, taxNum string) (Result, error) {
	if c.Creds.AppID == "" || c.Creds.Secret == "" {
		return Result{}, errors.New("rebill: gateway credentials are not configured")
	}
	if orderNo == "" || taxNum == "" {
		return Result{}, errors.New("rebill: order number and tax number are required")
	}
	data, err := json.Marshal(map[string]string{"orderno": orderNo})
	if err != nil {
		return Result{}, err
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	params := map[string]string{
		"appid":        c.Creds.AppID,
		"timestamp":    strconv.FormatInt(now().Unix(), 10),
		"tax_num":      taxNum,
		"request_data": string(data),
	}
	params["sign"] = Sign(params, c.Creds.Secret)
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	body := form.Encode()

	retries, backoff := c.Retries, c.Backoff
	if retries == 0 {
		retries = 3
	}
	if backoff == 0 {
		backoff = 500 * time.Millisecond
	}
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if err := CheckEndpoint(endpoint); err != nil {
		return Result{}, fmt.Errorf("rebill %s: %w", orderNo, err)
	}
	var last error
	attempt := 1
	for ; ; attempt++ {
		res, retry, err := c.post(ctx, endpoint, body)
		res.Attempts = attempt
		if err == nil {
			return res, nil
		}
		last = err
		if !retry || attempt > retries {
			break
		}
		select {
		case <-ctx.Done():
			return Result{Attempts: attempt}, fmt.Errorf("rebill %s: %w: %v", orderNo, ErrTransport, ctx.Err())
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	return Result{Attempts: attempt}, fmt.Errorf("rebill %s: %w: %w", orderNo, ErrTransport, last)
}

// post makes one request; retry says whether a failure may be retried.
func (c *Client) post(ctx context.Context, endpoint, body string) (Result, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return Result{}, false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	hc := *c.httpClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return Result{}, ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		to := "elsewhere"
		if loc, err := resp.Location(); err == nil {
			to = loc.Scheme + "://" + loc.Host // never the path or query: they may carry the form
		}
		return Result{}, false, fmt.Errorf("%w: HTTP %d to %s", ErrRedirect, resp.StatusCode, to)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Result{}, true, err
	}
	if resp.StatusCode >= 500 {
		return Result{}, true, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return Result{}, false, fmt.Errorf("HTTP %d: %s", resp.StatusCode, snippet(raw))
	}
	res, err := parseAnswer(raw)
	return res, false, err
}

// parseAnswer reads {code, message, invoice_no, invoice_down_url}, also
// when wrapped as {code, message, data: {...}, trace_id}.
func parseAnswer(raw []byte) (Result, error) {
	var a struct {
		Code           json.RawMessage `json:"code"`
		Message        string          `json:"message"`
		Msg            string          `json:"msg"`
		InvoiceNo      string          `json:"invoice_no"`
		InvoiceDownURL string          `json:"invoice_down_url"`
		Data           json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil || a.Code == nil {
		return Result{}, fmt.Errorf("answer is not the gateway's JSON: %s", snippet(raw))
	}
	code, err := strconv.Atoi(strings.Trim(string(a.Code), `"`))
	if err != nil {
		return Result{}, fmt.Errorf("answer has no numeric code: %s", snippet(raw))
	}
	r := Result{Code: code, Message: a.Message, InvoiceNo: a.InvoiceNo, InvoiceDownURL: a.InvoiceDownURL}
	if r.Message == "" {
		r.Message = a.Msg
	}
	if len(a.Data) > 0 && a.Data[0] == '{' {
		var d struct {
			InvoiceNo      string `json:"invoice_no"`
			InvoiceDownURL string `json:"invoice_down_url"`
		}
		if json.Unmarshal(a.Data, &d) == nil {
			r.InvoiceNo = firstNonEmpty(r.InvoiceNo, d.InvoiceNo)
			r.InvoiceDownURL = firstNonEmpty(r.InvoiceDownURL, d.InvoiceDownURL)
		}
	}
	switch {
	case code == 0:
		r.Status = Accepted
	case code == 100:
		r.Status = Issued
	case strings.Contains(r.Message, "开票中"):
		r.Status = InProgress
	default:
		r.Status = Failed
	}
	return r, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}
