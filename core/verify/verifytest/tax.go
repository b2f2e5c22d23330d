// Package verifytest runs, on loopback, stand-ins for the two providers of
// invoice checks (查验): Tencent Cloud OCR's VatInvoiceVerifyNew and Baidu
// AI Cloud's vat_invoice_verification. They are written from the
// providers' public documentation, not from the client: each checks every
// request as documented — TC3-HMAC-SHA256 signatures and timestamps, access
// tokens, the fields each invoice type needs — and answers from a small tax
// database of its own, which counts each invoice's checks a day as the tax
// side does. Faults (a slow answer, malformed JSON, quota and rate errors,
// a redirect) are set per test. Tests, the window's tests and demos use them.
package verifytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Status is an invoice's state in the tax database.
type Status string

const (
	Normal     Status = ""            // valid
	Voided     Status = "voided"      // 作废
	Red        Status = "red"         // 红冲 (Tencent H, Baidu H)
	RedFull    Status = "red_full"    // 全额红冲 (Tencent HF, Baidu QH)
	RedPartial Status = "red_partial" // 部分红冲 (Tencent HP, Baidu BH)
)

// Invoice is one invoice in the stand-in's tax database. Amounts are
// decimal text; the date is YYYY-MM-DD.
type Invoice struct {
	Type                    string // QR type code: 01, 04, 10, 11, 14, 20, 31, 32, 51, 61
	Code                    string // "" for 数电
	Number                  string
	Date                    string
	Amount                  string // before tax
	Tax                     string
	Total                   string // including tax
	CheckCode               string // the 20-digit 校验码; "" for 数电
	SellerName, SellerTaxID string
	BuyerName, BuyerTaxID   string
	Items                   []Item
	Status                  Status
	// RedLetter marks an invoice that is itself a red (negative) one.
	RedLetter bool
}

// Item is one goods line.
type Item struct {
	Name, Spec, Unit, Quantity, Price, Amount, TaxRate, Tax string
}

// Digital reports whether inv is a 数电 invoice (a 20-digit number).
func (inv Invoice) Digital() bool { return len(inv.Number) == 20 }

// Fault makes a stand-in fail one way instead of answering.
type Fault string

const (
	// Slow answers only after Delay, or not at all once the client has
	// given up. The check still counts against the invoice's day, as a
	// check the tax side received does.
	Slow Fault = "slow"
	// Malformed answers HTTP 200 with text that is not JSON.
	Malformed Fault = "malformed"
	// ServerError answers HTTP 502 with an HTML page.
	ServerError Fault = "server_error"
	// Quota says the account's quota is used up.
	Quota Fault = "quota"
	// Account says the account is in arrears (Tencent) or has no
	// permission for the API (Baidu).
	Account Fault = "account"
	// RateLimit refuses the request for its rate.
	RateLimit Fault = "rate_limit"
	// TaxDown says the tax network failed.
	TaxDown Fault = "tax_down"
	// Internal says the provider failed.
	Internal Fault = "internal"
	// Redirect answers 307 to another path of the stand-in, which counts
	// every request that follows it (Followed).
	Redirect Fault = "redirect"
)

// DefaultDelay is how long a Slow answer waits.
const DefaultDelay = time.Minute

// Seen is one check as a stand-in understood it.
type Seen struct {
	// Params are the request's parameters: Tencent's JSON body or
	// Baidu's form, values as text.
	Params map[string]string
	// Answer is what the stand-in answered: Tencent's error code or
	// IsAbandoned, Baidu's VerifyResult, InvalidSign or error_code,
	// or the fault.
	Answer string
}

// verdict is what the tax database says of a query.
type verdict int

const (
	found verdict = iota
	notFound
	mismatch
	limit
	sameDay
	tooOld
)

// query is a check as the tax side sees it, whatever the provider.
type query struct {
	code, number, date string // date YYYY-MM-DD
	amount             string // the amount sent, "" when none
	check6             string // "" when none was sent
}

// tax is the database and the behaviour both stand-ins share.
type tax struct {
	mu       sync.Mutex
	invoices map[string]Invoice // by number
	counts   map[string]int     // by number and Beijing day
	now      func() time.Time
	faults   []Fault
	always   Fault // after the queued faults, when set
	delay    time.Duration
	seen     []Seen
	requests int
	followed int
}

func newTax(invoices []Invoice) *tax {
	t := &tax{invoices: map[string]Invoice{}, counts: map[string]int{}, now: time.Now, delay: DefaultDelay}
	t.add(invoices...)
	return t
}

func (t *tax) add(invs ...Invoice) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, inv := range invs {
		t.invoices[inv.Number] = inv
	}
}

// Add puts invoices in the tax database, replacing those with the same
// number.
func (t *tax) Add(invs ...Invoice) { t.add(invs...) }

// SetNow sets the stand-in's clock (time.Now by default): the day of the
// daily count, "today" for same-day invoices, timestamps and token expiry.
func (t *tax) SetNow(now func() time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.now = now
}

// SetDelay sets how long a Slow answer waits (DefaultDelay by default).
func (t *tax) SetDelay(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.delay = d
}

// Fail makes the next times checks fail with f (every one from then on
// when times < 0), after their credentials are checked. Faults queue.
func (t *tax) Fail(f Fault, times int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if times < 0 {
		t.always = f
		return
	}
	for range times {
		t.faults = append(t.faults, f)
	}
}

// ClearFaults drops the faults not yet used.
func (t *tax) ClearFaults() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults, t.always = nil, ""
}

func (t *tax) nextFault() Fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.faults) == 0 {
		return t.always
	}
	f := t.faults[0]
	t.faults = t.faults[1:]
	return f
}

func (t *tax) clock() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.now()
}

// Seen lists every check request that passed the credential checks, in
// order, with its answer.
func (t *tax) Seen() []Seen {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Seen(nil), t.seen...)
}

func (t *tax) saw(params map[string]string, answer string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seen = append(t.seen, Seen{Params: params, Answer: answer})
}

// Requests counts every request to the check's address, good or bad.
func (t *tax) Requests() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.requests
}

func (t *tax) request() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests++
}

// Followed counts the requests that followed a Redirect.
func (t *tax) Followed() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.followed
}

// Count is how many answers the invoice numbered number had today.
func (t *tax) Count(number string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[number+"|"+beijingDay(t.now())]
}

var beijing = time.FixedZone("CST", 8*3600)

func beijingDay(t time.Time) string { return t.In(beijing).Format("2006-01-02") }

// decide answers a query as the tax side does: no same-day or too old
// invoice, at most 5 answers a day for an invoice, and every value sent
// must match.
func (t *tax) decide(q query) (verdict, Invoice) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	today := beijingDay(now)
	if q.date >= today {
		return sameDay, Invoice{}
	}
	if q.date < now.In(beijing).AddDate(-5, 0, 0).Format("2006-01-02") {
		return tooOld, Invoice{}
	}
	inv, ok := t.invoices[q.number]
	if !ok || inv.Code != q.code {
		return notFound, Invoice{}
	}
	key := inv.Number + "|" + today
	if t.counts[key] >= 5 {
		return limit, inv
	}
	t.counts[key]++
	// 数电 invoices, on paper too, are checked by the total including tax.
	want := inv.Amount
	switch inv.Type {
	case "31", "32", "51", "61":
		want = inv.Total
	}
	switch {
	case inv.Date != q.date,
		q.amount != "" && !sameCents(q.amount, want),
		q.check6 != "" && !strings.HasSuffix(inv.CheckCode, q.check6):
		return mismatch, inv
	}
	return found, inv
}

// slow waits for the delay or for the client to give up, and reports
// whether the client is still there.
func (t *tax) slow(ctx context.Context) bool {
	t.mu.Lock()
	d := t.delay
	t.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// cents reads a decimal amount with at most two decimals.
func cents(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	neg := strings.HasPrefix(whole, "-")
	w, err1 := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || strings.HasPrefix(frac, "-") {
		return 0, false
	}
	c := w*100 + f
	if neg {
		c = -c
	}
	return c, true
}

func sameCents(a, b string) bool {
	x, ok1 := cents(a)
	y, ok2 := cents(b)
	return ok1 && ok2 && x == y
}

// twoDecimals reports whether s is an amount written with exactly two
// decimals, as the providers' examples write them.
func twoDecimals(s string) bool {
	whole, frac, ok := strings.Cut(s, ".")
	return ok && len(frac) == 2 && allDigits(frac) && allDigits(strings.TrimPrefix(whole, "-")) && whole != "" && whole != "-"
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
