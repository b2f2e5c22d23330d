package verify

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
)

func openHistory(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// record puts the invoices' QR codes in the history, as a paste.
func record(t *testing.T, st *store.Store, invs ...verifytest.Invoice) []int64 {
	t.Helper()
	in := store.ScanInput{Source: store.SourcePaste}
	for _, inv := range invs {
		q := payload.Analyze(qrText(inv), time.Now())
		in.Invoices = append(in.Invoices, store.InvoiceInput{QR: q, Findings: q.Findings})
	}
	rec, err := st.Record(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(rec))
	for i, r := range rec {
		ids[i] = r.InvoiceID
	}
	return ids
}

func TestCheckerRecords(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		ctx := context.Background()
		st := openHistory(t)
		voided := withNumber(taxControl, "12345600")
		voided.Status = verifytest.Voided
		s.Add(voided)
		ids := record(t, st, taxControl, digital, voided)
		c := &Checker{Store: st, Provider: s.provider, Clerk: "王会计"}

		ch, err := c.Check(ctx, ids[0])
		if err != nil || ch.Outcome != Authentic || ch.CheckID == 0 || ch.Identity != "044031900111-12345678" {
			t.Fatalf("got %+v %v", ch, err)
		}
		checks, err := st.Checks(ctx, ids[0])
		if err != nil || len(checks) != 1 || checks[0].RequestID != ch.RequestID || checks[0].Clerk != "王会计" ||
			checks[0].Provider != s.name || checks[0].Official[OfficialSellerTaxID] != taxControl.SellerTaxID {
			t.Errorf("recorded %+v %v", checks, err)
		}

		ch, err = c.Check(ctx, ids[2])
		if err != nil || ch.Outcome != Voided {
			t.Fatalf("voided: %+v %v", ch, err)
		}
		inv, err := st.Get(ctx, ids[2])
		if err != nil || !finding.Has(inv.Findings, "official_voided") {
			t.Errorf("the history did not mark the voided invoice: %+v %v", inv, err)
		}

		// Errors are recorded too, and do not count against the day.
		s.Fail(verifytest.TaxDown, 1)
		if ch, err := c.Check(ctx, ids[1]); err != nil || ch.Outcome != Error || ch.CheckID == 0 {
			t.Errorf("tax down: %+v %v", ch, err)
		}
		for i := 1; i <= DailyLimit; i++ {
			if ch, err := c.Check(ctx, ids[1]); err != nil || ch.Outcome != Authentic {
				t.Fatalf("check %d: %+v %v", i, ch, err)
			}
		}
		before := s.Requests()
		ch, err = c.Check(ctx, ids[1])
		if err != nil || ch.Outcome != LimitReached || ch.Kind != KindLocal || ch.CheckID != 0 || ch.Attempts != 0 ||
			!strings.Contains(ch.Reason, "tomorrow") {
			t.Errorf("6th: %+v %v", ch, err)
		}
		if s.Requests() != before {
			t.Errorf("the 6th check was sent")
		}
		if checks, _ := st.Checks(ctx, ids[1]); len(checks) != 1+DailyLimit {
			t.Errorf("%d checks recorded, want %d", len(checks), 1+DailyLimit)
		}
	})
}

func TestCheckerRefusesBeforeSending(t *testing.T) {
	s := startTencent(t)
	st := openHistory(t)
	today := taxControl
	today.Date = time.Now().In(beijing).Format("2006-01-02")
	noCheck := taxControl
	noCheck.Number, noCheck.CheckCode = "12345699", ""
	ids := record(t, st, today, noCheck)
	c := &Checker{Store: st, Provider: s.provider}
	if _, err := c.Check(context.Background(), ids[0]); !errors.Is(err, ErrTooEarly) {
		t.Errorf("today's: %v", err)
	}
	if _, err := c.Check(context.Background(), ids[1]); !errors.Is(err, ErrMissing) {
		t.Errorf("without check code: %v", err)
	}
	// The clerk types the check code: now it can be checked.
	if err := st.SetTyped(context.Background(), ids[1], map[string]string{store.PrintedCheckCode: "80883429292637169951"}, ""); err != nil {
		t.Fatal(err)
	}
	s.Add(withNumber(taxControl, "12345699"))
	if ch, err := c.Check(context.Background(), ids[1]); err != nil || ch.Outcome != Authentic {
		t.Errorf("with the typed check code: %+v %v", ch, err)
	}
	if _, err := c.Check(context.Background(), 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such invoice: %v", err)
	}
	if s.Requests() != 1 {
		t.Errorf("%d requests, want 1", s.Requests())
	}
}

// A batch checks each invoice once, however often it is listed.
func TestBatch(t *testing.T) {
	s := startBaidu(t, taxControl, digital)
	st := openHistory(t)
	ids := record(t, st, taxControl, digital)
	c := &Checker{Store: st, Provider: s.provider}
	var got []string
	c.Batch(context.Background(), []int64{ids[0], ids[1], ids[0], ids[1], ids[0]}, func(done, total int, ch Checked, err error) {
		if err != nil || total != 2 {
			t.Errorf("%d/%d: %v", done, total, err)
		}
		got = append(got, ch.Identity+" "+ch.Outcome)
	})
	if strings.Join(got, ", ") != "044031900111-12345678 authentic, 24442000000012345678 authentic" || s.Requests() != 2 {
		t.Errorf("got %v after %d requests", got, s.Requests())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.Batch(ctx, ids, func(int, int, Checked, error) { t.Error("checked after cancel") })
}

// A second batch on the same Beijing day does not ask again about what the
// tax authority already judged; the next day, or with Again, it does.
func TestBatchAsksOncePerDay(t *testing.T) {
	s := startBaidu(t, taxControl, digital)
	st := openHistory(t)
	ids := record(t, st, taxControl, digital)
	// 23:30 in Beijing is 15:30 UTC: the machine's day and the tax
	// authority's differ until 16:00 UTC.
	now := time.Now().UTC().Truncate(24 * time.Hour).Add(15*time.Hour + 30*time.Minute)
	c := &Checker{Store: st, Provider: s.provider, Now: func() time.Time { return now }}
	if _, err := c.Check(context.Background(), ids[0]); err != nil {
		t.Fatal(err)
	}
	batch := func() (asked, skipped int) {
		c.Batch(context.Background(), ids, func(_, _ int, ch Checked, err error) {
			switch {
			case errors.Is(err, ErrAnsweredToday) && ch.Outcome == Authentic && ch.InvoiceID == ids[0]:
				skipped++
			case err == nil && ch.CheckID != 0:
				asked++
			default:
				t.Errorf("%+v: %v", ch, err)
			}
		})
		return
	}
	if a, k := batch(); a != 1 || k != 1 {
		t.Errorf("same day: %d asked, %d skipped; want 1, 1", a, k)
	}
	now = now.Add(40 * time.Minute) // 00:10 the next day in Beijing
	if a, k := batch(); a != 2 || k != 0 {
		t.Errorf("next day: %d asked, %d skipped; want 2, 0", a, k)
	}
	c.Again = true
	if a, k := batch(); a != 2 || k != 0 {
		t.Errorf("again: %d asked, %d skipped; want 2, 0", a, k)
	}
	if n, err := st.ChecksOn(context.Background(), ids[0], now.In(beijing)); err != nil || n != 2 {
		t.Errorf("checks counted on the Beijing day: %d %v, want 2", n, err)
	}
}

func TestCompare(t *testing.T) {
	official := map[string]string{
		OfficialCode: "044031900111", OfficialNumber: "12345678", OfficialDate: "2024-12-30",
		OfficialCheckCode: "80883429292637169951", OfficialSellerName: "深圳市示例（南山）科技有限公司",
		OfficialSellerTaxID: "91440300MA5EXAMPLE", OfficialBuyerTaxID: "91310000MA1EXAMPLE",
		OfficialAmount: "100.00", OfficialTax: "6.00", OfficialTotal: "106.00",
		"item.1.amount": "60.00", "item.1.tax": "3.60", "item.2.amount": "40.00", "item.2.tax": "2.40",
	}
	same := Invoice{
		QR: map[string]string{document.KeyCode: "044031900111", document.KeyNumber: "12345678", document.KeyDate: "2024-12-30",
			document.KeyCheckCode: "80883429292637169951", document.KeyAmount: "100"},
		Printed: map[string]string{document.KeyDate: "2024年12月30日", document.KeySellerName: "深圳市示例(南山)科技有限公司",
			document.KeySellerTaxID: "91440300ma5example", document.KeyTax: "***", document.KeyCheckCode: "169951"},
		Items: []document.Item{{Amount: "60.00", Tax: "3.60"}, {Amount: "40", Tax: "2.4"}},
	}
	if fs := Compare(same, official); len(fs) != 0 {
		t.Errorf("the same invoice written differently: %+v", fs)
	}

	diff := Invoice{
		QR: map[string]string{document.KeyAmount: "100.01", document.KeyDate: "2024-12-31"},
		Printed: map[string]string{document.KeyAmount: "100.02", document.KeyBuyerTaxID: "91310000MA1OTHER0",
			document.KeySellerName: "另一家公司"},
		Typed: map[string]bool{document.KeyAmount: true},
		Items: []document.Item{{Amount: "60.00", Tax: "3.60"}, {Amount: "41.00", Tax: "2.40"}},
	}
	fs := Compare(diff, official)
	var codes []string
	for _, f := range fs {
		codes = append(codes, f.Code+":"+string(f.Severity))
	}
	want := "official_differs_date:error official_differs_buyer_tax_id:error official_differs_amount:error " +
		"official_differs_seller_name:warning official_differs_items:warning"
	if strings.Join(codes, " ") != want {
		t.Fatalf("codes %v\nwant %s", codes, want)
	}
	amount := fs[2]
	if amount.Message != "合计金额（不含税）与税务机关记录不一致：税务机关为 100.00，二维码为 100.01，录入为 100.02" ||
		amount.English != "total before tax differs from the tax authority's record: the authority has 100.00, the QR code says 100.01, typed as 100.02" {
		t.Errorf("amount: %q / %q", amount.Message, amount.English)
	}
	if !strings.Contains(fs[4].Message, "第 2 行") {
		t.Errorf("items: %s", fs[4].Message)
	}
	// Baidu gives a 数电 invoice's number as its check code: not a difference.
	dig := map[string]string{OfficialNumber: "24442000000012345678", OfficialCheckCode: "24442000000012345678"}
	if fs := Compare(Invoice{QR: map[string]string{document.KeyCheckCode: "12345678901234567890"}}, dig); len(fs) != 0 {
		t.Errorf("数电 check code: %+v", fs)
	}
}

// An invoice typed from the paper (no QR code) is checked with the values
// typed: the 税控 invoice by the last 6 digits of its check code, the 数电
// one by its total; a typed number the tax authority does not know is not
// authentic.
func TestTypedInvoicesAreChecked(t *testing.T) {
	bothProviders(t, func(t *testing.T, s *standIn) {
		ctx := context.Background()
		st := openHistory(t)
		typed := func(v map[string]string) int64 {
			t.Helper()
			r, err := st.RecordTyped(ctx, store.Entry{Values: v})
			if err != nil {
				t.Fatal(err)
			}
			return r.InvoiceID
		}
		tc := map[string]string{store.PrintedKind: taxControl.Type, store.PrintedCode: taxControl.Code,
			store.PrintedNumber: taxControl.Number, store.PrintedDate: taxControl.Date, store.PrintedAmount: taxControl.Amount,
			store.PrintedCheckCode: taxControl.CheckCode[14:]}
		dg := map[string]string{store.PrintedKind: digital.Type, store.PrintedNumber: digital.Number,
			store.PrintedDate: digital.Date, store.PrintedTotal: digital.Total}
		wrong := map[string]string{}
		for k, v := range tc {
			wrong[k] = v
		}
		wrong[store.PrintedNumber] = "12345679"
		c := &Checker{Store: st, Provider: s.provider, Clerk: "王会计"}
		for name, id := range map[string]int64{"tax control": typed(tc), "digital": typed(dg)} {
			if ch, err := c.Check(ctx, id); err != nil || ch.Outcome != Authentic {
				t.Errorf("%s: %+v %v", name, ch, err)
			}
		}
		if ch, err := c.Check(ctx, typed(wrong)); err != nil || ch.Outcome == Authentic {
			t.Errorf("a mistyped number: %+v %v", ch, err)
		}
	})
}
