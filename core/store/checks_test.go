package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
)

func TestRecordCheck(t *testing.T) {
	clock := time.Date(2024, 6, 3, 10, 0, 0, 0, time.Local)
	s, _ := openTest(t, WithClock(func() time.Time { return clock }))
	ctx := context.Background()
	id := record(t, s, scanOf("a.pdf", SourceFile, inv(qrDigital, 1)))[0].InvoiceID

	// No answer: recorded and audited, but the invoice is not marked.
	if _, err := s.RecordCheck(ctx, Check{InvoiceID: id, Provider: "tencent", Outcome: CheckError, Reason: "timeout"}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, id)
	if got.Checked != nil || len(got.Checks) != 1 || got.Checks[0].Reason != "timeout" {
		t.Fatalf("after an error: checked %+v checks %+v", got.Checked, got.Checks)
	}

	// Voided: an error finding that blocks the invoice.
	c, err := s.RecordCheck(ctx, Check{InvoiceID: id, Provider: "baidu", RequestID: "r-1", Outcome: CheckVoided,
		Official: map[string]string{"seller_name": "上海某某科技有限公司"}})
	if err != nil || c.ID == 0 || c.Clerk == "" {
		t.Fatalf("record voided: %+v %v", c, err)
	}
	got, _ = s.Get(ctx, id)
	if got.Checked == nil || got.Checked.Outcome != CheckVoided || got.Severity != finding.Error ||
		findingOf(got.Findings, "official_voided", SourceOfficial) == nil {
		t.Fatalf("after voided: %+v %+v", got.Checked, got.Findings)
	}
	if _, err := s.Verify(ctx, VerifyRequest{InvoiceID: id}); !errors.Is(err, ErrUnconfirmed) {
		t.Errorf("verify a voided invoice unconfirmed: %v", err)
	}
	p, err := s.Search(ctx, Filter{Checked: CheckVoided})
	if err != nil || len(p.Invoices) != 1 {
		t.Errorf("filter voided: %d, %v", len(p.Invoices), err)
	}
	if p, err := s.Search(ctx, Filter{Checked: CheckedNever}); err != nil || len(p.Invoices) != 0 {
		t.Errorf("filter never checked: %d, %v", len(p.Invoices), err)
	}
	if _, err := s.Search(ctx, Filter{Checked: "maybe"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown outcome filter: %v", err)
	}

	// A later authentic answer replaces the earlier answer's findings.
	diff := finding.New("official_differs_seller_name", finding.Warning, "seller_name", "销售方名称与查验结果不同", "seller differs")
	if _, err := s.RecordCheck(ctx, Check{InvoiceID: id, Provider: "baidu", Outcome: CheckAuthentic, Findings: []finding.Finding{diff}}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, id)
	if findingOf(got.Findings, "official_voided", SourceOfficial) != nil || findingOf(got.Findings, "official_differs_seller_name", SourceOfficial) == nil {
		t.Errorf("after authentic: %+v", got.Findings)
	}
	n, err := s.ChecksOn(ctx, id, clock)
	if err != nil || n != 2 {
		t.Errorf("checks today = %d, %v; want 2 answers (the error does not count)", n, err)
	}
	if n, _ := s.ChecksOn(ctx, id, clock.AddDate(0, 0, 1)); n != 0 {
		t.Errorf("checks tomorrow = %d", n)
	}
	if _, err := s.RecordCheck(ctx, Check{InvoiceID: id, Provider: "baidu", Outcome: "fine"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown outcome: %v", err)
	}
	if _, err := s.RecordCheck(ctx, Check{InvoiceID: 9999, Provider: "baidu", Outcome: CheckAuthentic}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown invoice: %v", err)
	}
	entries, _ := s.Audit(ctx, 0, 100)
	checks := 0
	for _, e := range entries {
		if e.Action == "check" {
			checks++
		}
	}
	if checks != 3 {
		t.Errorf("%d check audit entries, want 3", checks)
	}
}
