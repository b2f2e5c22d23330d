package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
)

// Every verdict, for a 税控 invoice (check code) and a 数电 invoice
// (total), through both providers.
func TestOutcomes(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		for _, base := range []verifytest.Invoice{taxControl, digital} {
			kind := map[bool]string{true: "数电", false: "税控"}[base.Digital()]
			cases := []struct {
				name    string
				status  verifytest.Status
				outcome Outcome
				partial bool
			}{
				{"normal", verifytest.Normal, Authentic, false},
				{"voided", verifytest.Voided, Voided, false},
				{"red", verifytest.Red, RedReversed, false},
				{"red in full", verifytest.RedFull, RedReversed, false},
				{"red in part", verifytest.RedPartial, RedReversed, true},
			}
			for i, c := range cases {
				t.Run(kind+" "+c.name, func(t *testing.T) {
					inv := base
					inv.Status = c.status
					inv.Number = inv.Number[:len(inv.Number)-1] + fmt.Sprint(i)
					s.Add(inv)
					res := check(t, s, qrOf(t, inv))
					if res.Outcome != c.outcome || res.Partial != c.partial || res.RequestID == "" || res.Attempts != 1 {
						t.Fatalf("got %+v, want %s (partial %v)", res, c.outcome, c.partial)
					}
					if res.Official[OfficialSellerTaxID] != inv.SellerTaxID || res.Official[OfficialTotal] != inv.Total ||
						res.Official[OfficialDate] != inv.Date || res.Official[OfficialNumber] != inv.Number {
						t.Errorf("official: %v", res.Official)
					}
					if len(res.Findings) != 0 {
						t.Errorf("findings on an invoice that matches: %v", res.Findings)
					}
				})
			}
			t.Run(kind+" not found", func(t *testing.T) {
				res := check(t, s, qrOf(t, withNumber(base, base.Number[:len(base.Number)-1]+"9")))
				if res.Outcome != NotFound || res.RequestID == "" || res.Official != nil {
					t.Errorf("got %+v", res)
				}
			})
			t.Run(kind+" mismatch", func(t *testing.T) {
				inv := base
				if inv.Digital() {
					inv.Total = "107.00" // the QR code's total
				} else {
					inv.CheckCode = "80883429292637000000"
				}
				res := check(t, s, qrOf(t, inv))
				if res.Outcome != Mismatch || res.RequestID == "" {
					t.Errorf("got %+v", res)
				}
			})
			t.Run(kind+" limit reached on the 6th", func(t *testing.T) {
				inv := withNumber(base, base.Number[:len(base.Number)-2]+"77")
				s.Add(inv)
				for i := 1; i <= 5; i++ {
					if res := check(t, s, qrOf(t, inv)); res.Outcome != Authentic {
						t.Fatalf("check %d: %+v", i, res)
					}
				}
				res := check(t, s, qrOf(t, inv))
				if res.Outcome != LimitReached || !strings.Contains(res.Reason, "used up") {
					t.Errorf("6th: %+v", res)
				}
			})
		}
	})
}

// The sent values are exactly those the provider needs, checked by the
// stand-in against the documentation.
func TestSentValues(t *testing.T) {
	s := startTencent(t, taxControl)
	check(t, s, qrOf(t, taxControl))
	seen := s.Seen()
	want := fmt.Sprintf("map[CheckCode:169951 InvoiceCode:044031900111 InvoiceDate:%s InvoiceKind:10 InvoiceNo:12345678]", taxControl.Date)
	if len(seen) != 1 || fmt.Sprint(seen[0].Params) != want || seen[0].Answer != "N" {
		t.Errorf("Tencent saw %v, want %s", seen, want)
	}
	b := startBaidu(t, digital)
	check(t, b, qrOf(t, digital))
	seen = b.Seen()
	want = fmt.Sprintf("map[invoice_code: invoice_date:%s invoice_num:24442000000012345678 invoice_type:elec_invoice_normal total_amount:106.00]",
		strings.ReplaceAll(digital.Date, "-", ""))
	if len(seen) != 1 || fmt.Sprint(seen[0].Params) != want || seen[0].Answer != "N" {
		t.Errorf("Baidu saw %v, want %s", seen, want)
	}
}

// What the provider returns is compared with the QR code and the face:
// the seller's tax ID printed differs, and so does the goods line.
func TestOfficialDiffers(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		inv := qrOf(t, taxControl)
		inv = inv.WithPrinted(map[string]string{document.KeySellerTaxID: "91440300MA5FORGED0", document.KeySellerName: "深圳市示例科技有限公司",
			document.KeyTotal: "106.00", document.KeyAmount: "100"}, []document.Item{{Name: "软件", Amount: "90.00", Tax: "6.00"}})
		res := check(t, s, inv)
		if res.Outcome != Authentic || len(res.Findings) != 2 ||
			res.Findings[0].Code != "official_differs_seller_tax_id" || res.Findings[1].Code != "official_differs_items" {
			t.Fatalf("got %+v", res)
		}
		f := res.Findings[0]
		if f.Severity != finding.Error || !strings.Contains(f.Message, "票面为 91440300MA5FORGED0") ||
			!strings.Contains(f.Message, "税务机关为 91440300MA5EXAMPLE") || !strings.Contains(f.English, "the invoice prints") ||
			strings.Contains(f.Message, "二维码") {
			t.Errorf("finding: %+v", f)
		}
	})
}

// Every way a check can fail without a verdict.
func TestFailures(t *testing.T) {
	cases := []struct {
		fault   verifytest.Fault
		kind    string
		attempt int
	}{
		{verifytest.Malformed, KindBadAnswer, 1},
		{verifytest.ServerError, KindDown, 1},
		{verifytest.Quota, KindQuota, 1},
		{verifytest.Account, KindAccount, 1},
		{verifytest.TaxDown, KindDown, 1},
		{verifytest.Internal, KindDown, 1},
		{verifytest.RateLimit, KindRateLimit, 1 + DefaultRetries},
		{verifytest.Redirect, KindRedirect, 1},
	}
	bothProviders(t, func(t *testing.T, s *standIn) {
		for _, c := range cases {
			t.Run(string(c.fault), func(t *testing.T) {
				s.Fail(c.fault, -1)
				defer func() {
					if s.tencent != nil {
						s.tencent.ClearFaults()
					} else {
						s.baidu.ClearFaults()
					}
				}()
				res := check(t, s, qrOf(t, taxControl))
				if res.Outcome != Error || res.Kind != c.kind || res.Attempts != c.attempt || res.Reason == "" {
					t.Errorf("got %+v, want error %s after %d attempts", res, c.kind, c.attempt)
				}
				if s.Followed() != 0 {
					t.Errorf("a redirect was followed")
				}
			})
		}
	})
}

// A provider refusing for its rate once is asked again, and answers.
func TestRateLimitRetried(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		s.Fail(verifytest.RateLimit, 1)
		res := check(t, s, qrOf(t, taxControl))
		if res.Outcome != Authentic || res.Attempts != 2 {
			t.Errorf("got %+v", res)
		}
	})
}

// A slow provider ends as a timeout at the attempt's time, and is not
// asked again: the tax side may have counted the check. (The stand-in
// would answer after a minute: a client that waited it out would have the
// verdict, not a timeout.)
func TestSlow(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		s.Fail(verifytest.Slow, 1)
		before := s.Requests()
		res := check(t, s, qrOf(t, digital))
		if res.Outcome != Error || res.Kind != KindTimeout || res.Attempts != 1 {
			t.Errorf("got %+v", res)
		}
		if n := s.Requests() - before; n != 1 {
			t.Errorf("%d requests", n)
		}
	})
}

// The default time of an attempt ends a slow answer, the stand-in asked
// once: not sooner than that time, and before the stand-in's minute (it
// would then answer) or the check's own deadline (a hang guard: the check
// would end as cancelled, not as a timeout).
func TestSlowDefaultTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 10 s")
	}
	bothProviders(t, func(t *testing.T, s *standIn) {
		t.Parallel()
		s.Fail(verifytest.Slow, 1)
		p := s.remake(t, Config{ID: s.cfg.ID, Secret: s.cfg.Secret, Timeout: DefaultTimeout})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		before := s.Requests()
		start := time.Now()
		res, err := Check(ctx, p, qrOf(t, taxControl), time.Now())
		took := time.Since(start)
		if err != nil || res.Outcome != Error || res.Kind != KindTimeout || res.Attempts != 1 || took < DefaultTimeout {
			t.Errorf("got %+v %v after %s", res, err, took)
		}
		if n := s.Requests() - before; n != 1 {
			t.Errorf("%d requests", n)
		}
	})
}

func TestCancelled(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		s.Fail(verifytest.Slow, 1)
		p := s.remake(t, Config{ID: s.cfg.ID, Secret: s.cfg.Secret, Timeout: time.Minute})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		res, err := Check(ctx, p, qrOf(t, taxControl), time.Now())
		if err != nil || res.Outcome != Error || res.Kind != KindCancelled {
			t.Errorf("got %+v %v", res, err)
		}
		if _, err := Check(ctx, p, qrOf(t, taxControl), time.Now()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a done context sends nothing: %v", err)
		}
	})
}

func TestWrongCredentials(t *testing.T) {
	t.Run("tencent", func(t *testing.T) {
		srv := verifytest.NewTencent(tcID, tcKey, taxControl)
		defer srv.Close()
		for _, c := range []struct {
			id, key, code string
		}{
			{tcID, "WrongSecretKey-0000000000000000", "AuthFailure.SignatureFailure"},
			{"AKIDUNKNOWN000000000000000000000000", tcKey, "AuthFailure.SecretIdNotFound"},
		} {
			p, err := NewTencent(Config{ID: c.id, Secret: c.key, Endpoint: srv.URL, Timeout: testDelay})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(context.Background(), p, qrOf(t, taxControl), time.Now())
			if err != nil || res.Outcome != Error || res.Kind != KindAuth || res.Code != c.code || res.Attempts != 1 {
				t.Errorf("%s: %+v %v", c.code, res, err)
			}
			noSecret(t, "the reason", res.Reason)
			if strings.Contains(res.Reason, c.key) {
				t.Errorf("the reason holds the key: %s", res.Reason)
			}
		}
		if n := srv.BadlySigned(); n != 1 {
			t.Errorf("badly signed: %d, want only the wrong key's", n)
		}
	})
	t.Run("baidu", func(t *testing.T) {
		srv := verifytest.NewBaidu(bdKey, bdSecret, taxControl)
		defer srv.Close()
		for _, c := range []struct {
			id, key, text string
		}{
			{bdKey, "WrongSecret-0000", "Client authentication failed"},
			{"UnknownKey", bdSecret, "unknown client id"},
		} {
			p, err := NewBaidu(Config{ID: c.id, Secret: c.key, Endpoint: srv.URL, Timeout: testDelay})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(context.Background(), p, qrOf(t, taxControl), time.Now())
			if err != nil || res.Outcome != Error || res.Kind != KindAuth || !strings.Contains(res.Reason, c.text) || res.Attempts != 0 {
				t.Errorf("%s: %+v %v", c.text, res, err)
			}
			if strings.Contains(res.Reason, c.key) {
				t.Errorf("the reason holds the key: %s", res.Reason)
			}
		}
		if srv.Requests() != 0 {
			t.Errorf("a check was sent without a token")
		}
	})
}

// A timestamp more than 5 minutes off the provider's clock is refused as
// documented (Tencent's machine clock is the SDK's).
func TestExpiredTimestamp(t *testing.T) {
	s := startTencent(t, taxControl)
	s.tencent.SetNow(func() time.Time { return time.Now().Add(6 * time.Minute) })
	res := check(t, s, qrOf(t, taxControl))
	if res.Outcome != Error || res.Kind != KindAuth || res.Code != "AuthFailure.SignatureExpire" {
		t.Errorf("got %+v", res)
	}
	s.tencent.SetNow(func() time.Time { return time.Now().Add(4 * time.Minute) })
	if res := check(t, s, qrOf(t, taxControl)); res.Outcome != Authentic {
		t.Errorf("within 5 minutes: %+v", res)
	}
}

// The provider's own same-day refusal, for a check sent without Prepare.
func TestProviderSaysTooEarly(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		r := NewRequest(qrOf(t, taxControl)) // issued ten days ago
		if s.baidu != nil {
			s.baidu.SetNow(func() time.Time { return issued }) // today for the provider
		} else {
			// Tencent's stand-in keeps the machine's clock, which the SDK
			// signs with: send today's date instead.
			d := time.Now().In(beijing)
			r.Date.Year, r.Date.Month, r.Date.Day = d.Year(), d.Month(), d.Day()
		}
		res, err := s.provider.Check(context.Background(), r)
		if err != nil || res.Outcome != Error || res.Kind != KindTooEarly {
			t.Errorf("got %+v %v", res, err)
		}
	})
}

// A provider that cannot be reached: the request never left, so it is
// asked again, then reported.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	for _, name := range Providers {
		p, err := New(Config{Provider: name, ID: "id", Secret: "secret-x", Endpoint: addr, Timeout: testDelay, Backoff: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(context.Background(), p, qrOf(t, taxControl), time.Now())
		if err != nil || res.Outcome != Error || res.Kind != KindNetwork {
			t.Errorf("%s: %+v %v", name, res, err)
		}
		if name == Tencent && res.Attempts != 1+DefaultRetries {
			t.Errorf("%s: %d attempts", name, res.Attempts)
		}
	}
}

func TestBaiduToken(t *testing.T) {
	s := startBaidu(t, taxControl, digital)
	for i := 0; i < 3; i++ {
		if res := check(t, s, qrOf(t, digital)); res.Outcome != Authentic {
			t.Fatalf("check %d: %+v", i, res)
		}
	}
	if n := s.baidu.TokensIssued(); n != 1 {
		t.Errorf("%d tokens for 3 checks, want the cached one", n)
	}

	// Baidu says the token expired: a new one, and the check once more.
	s.baidu.ExpireTokens()
	res := check(t, s, qrOf(t, taxControl))
	if res.Outcome != Authentic || s.baidu.TokensIssued() != 2 || s.baidu.BadTokens() != 1 || res.Attempts != 2 {
		t.Errorf("after expiry: %+v, %d tokens, %d refused", res, s.baidu.TokensIssued(), s.baidu.BadTokens())
	}

	// The client's own clock says it is near expiry: renewed before use.
	s.baidu.SetTokenLife(time.Hour)
	s.baidu.ExpireTokens()
	check(t, s, qrOf(t, taxControl)) // refused once, renewed with an hour's life
	issuedBefore, refused := s.baidu.TokensIssued(), s.baidu.BadTokens()
	later := time.Now().Add(55 * time.Minute)
	p := s.remake(t, Config{ID: bdKey, Secret: bdSecret, Now: func() time.Time { return later }})
	bp := p.(*BaiduProvider)
	bp.token, bp.expires = s.provider.(*BaiduProvider).token, s.provider.(*BaiduProvider).expires
	if res, _ := Check(context.Background(), p, qrOf(t, taxControl), time.Now()); res.Outcome != Authentic {
		t.Errorf("renewed: %+v", res)
	}
	if s.baidu.TokensIssued() != issuedBefore+1 || s.baidu.BadTokens() != refused {
		t.Errorf("near expiry: %d tokens (was %d), %d refused (was %d)", s.baidu.TokensIssued(), issuedBefore, s.baidu.BadTokens(), refused)
	}

	// Token requests failing: repeated when that is safe.
	s.baidu.ExpireTokens()
	s.baidu.FailToken(verifytest.ServerError, 1)
	if res := check(t, s, qrOf(t, taxControl)); res.Outcome != Authentic {
		t.Errorf("token after a 502: %+v", res)
	}
	s.baidu.ExpireTokens()
	s.baidu.FailToken(verifytest.Malformed, 1)
	if res := check(t, s, qrOf(t, taxControl)); res.Kind != KindBadAnswer || !strings.HasPrefix(res.Reason, "access token") {
		t.Errorf("malformed token answer: %+v", res)
	}
	s.baidu.FailToken(verifytest.Redirect, 1)
	if res := check(t, s, qrOf(t, taxControl)); res.Kind != KindRedirect || s.baidu.Followed() != 0 {
		t.Errorf("redirected token request: %+v", res)
	}
}

// One client reads the verdict fields inside words_result.
func TestBaiduNested(t *testing.T) {
	s := startBaidu(t, taxControl)
	s.baidu.Nest(true)
	res := check(t, s, qrOf(t, taxControl))
	if res.Outcome != Authentic || res.Official[OfficialSellerTaxID] != taxControl.SellerTaxID || res.Official[OfficialCheckCount] != "1" {
		t.Errorf("got %+v", res)
	}
	s.baidu.Add(withNumber(taxControl, "12345670"))
	inv := qrOf(t, withNumber(taxControl, "12345670"))
	inv.QR[document.KeyCheckCode] = "000000"
	if res := check(t, s, inv); res.Outcome != Mismatch {
		t.Errorf("mismatch nested: %+v", res)
	}
}

// Nothing is sent for an invoice that lacks a value.
func TestMissingNotSent(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		inv := qrOf(t, taxControl)
		delete(inv.QR, document.KeyCheckCode)
		_, err := Check(context.Background(), s.provider, inv, time.Now())
		if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "校验码后6位") {
			t.Errorf("got %v", err)
		}
		if n := s.Requests(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
}

func TestNoSecretPrinted(t *testing.T) {
	for _, c := range []Config{{Provider: Tencent, ID: tcID, Secret: tcKey}, {Provider: Baidu, ID: bdKey, Secret: bdSecret}} {
		p, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			noSecret(t, "config "+format, fmt.Sprintf(format, c))
			noSecret(t, "provider "+format, fmt.Sprintf(format, p))
		}
	}
	if _, err := New(Config{Provider: Tencent, ID: tcID, Secret: tcKey, Endpoint: "ftp://x"}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("bad endpoint: %v", err)
	}
	if _, err := New(Config{Provider: Baidu, ID: bdKey}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("no secret: %v", err)
	}
	if _, err := New(Config{Provider: "aliyun"}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("unknown provider: %v", err)
	}
}
