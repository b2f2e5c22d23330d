package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestOrdersAndAttempts(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()

	if list, err := s.Orders(ctx); err != nil || len(list) != 0 {
		t.Fatalf("empty history: %v, %v", list, err)
	}
	o, a1, err := s.RecordAttempt(ctx, " 2024001 ", "91110000ma01234567", Attempt{
		Clerk: "王会计", Status: "error", Requests: 4, Error: "connection refused"})
	if err != nil {
		t.Fatal(err)
	}
	if o.OrderNo != "2024001" || o.TaxNum != "91110000MA01234567" || o.Status != "error" || o.Attempts != 1 ||
		o.Message != "connection refused" || o.CreatedBy != "王会计" || a1.ID == 0 {
		t.Fatalf("first attempt: order %+v attempt %+v", o, a1)
	}
	_, _, err = s.RecordAttempt(ctx, "2024001", "91110000MA01234567", Attempt{
		Clerk: "王会计", Status: "issued", Code: 100, Message: "开票成功", InvoiceNo: "24312000000136634917",
		PDFURL: "http://127.0.0.1/x.pdf", Requests: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A later "in progress" keeps the invoice the order was issued as.
	o, a3, err := s.RecordAttempt(ctx, "2024001", "91110000MA01234567", Attempt{
		Status: "in_progress", Code: 9999, Message: "开票中", Requests: 1})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != "in_progress" || o.InvoiceNo != "24312000000136634917" || o.PDFURL == "" || o.Attempts != 3 {
		t.Fatalf("after three attempts: %+v", o)
	}

	// The re-issued invoice, read from its PDF, is linked to the attempt and the order.
	rec := record(t, s, scanOf("x.pdf", SourceGateway, inv(qrDigital, 1)))
	if err := s.SetAttemptPDF(ctx, a3.ID, "scanned", rec[0].InvoiceID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttemptPDF(ctx, 99999, "scanned", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown attempt: %v, want ErrNotFound", err)
	}
	o, err = s.Order(ctx, "2024001", "91110000MA01234567")
	if err != nil || o.InvoiceID != rec[0].InvoiceID {
		t.Fatalf("order after PDF: %+v, %v", o, err)
	}
	atts, err := s.Attempts(ctx, o.ID)
	if err != nil || len(atts) != 3 {
		t.Fatalf("attempts: %v, %v", atts, err)
	}
	if atts[0].Status != "error" || atts[0].Requests != 4 || atts[1].Code != 100 || atts[2].PDF != "scanned" ||
		atts[2].InvoiceID != rec[0].InvoiceID || !atts[0].At.Before(atts[2].At) {
		t.Errorf("attempts as stored: %+v", atts)
	}

	// A second order, tried later, lists first.
	if _, _, err := s.RecordAttempt(ctx, "2024002", "91110000MA01234567", Attempt{Status: "failed", Code: 1,
		Message: "订单不存在"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Orders(ctx)
	if err != nil || len(list) != 2 || list[0].OrderNo != "2024002" {
		t.Fatalf("orders: %+v, %v", list, err)
	}
	if _, err := s.Order(ctx, "nope", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown order: %v", err)
	}

	// Every attempt is in the audit log, and the chain verifies.
	entries, err := s.Audit(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == "rebill" && e.Target == "order:2024001" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d audit entries for the order, want 3", n)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}

func TestRecordAttemptRejects(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for _, c := range []struct {
		order, tax, status string
	}{{"", "X", "failed"}, {"1", "", "failed"}, {"1", "X", "done"}, {"1", "X", ""}} {
		if _, _, err := s.RecordAttempt(ctx, c.order, c.tax, Attempt{Status: c.status}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", c, err)
		}
	}
	if list, _ := s.Orders(ctx); len(list) != 0 {
		t.Errorf("a refused attempt left an order: %+v", list)
	}
}

func TestFrameKeptWithScan(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	jpeg := append([]byte{0xff, 0xd8, 0xff}, bytes.Repeat([]byte{7}, 5000)...)
	in := scanOf("", SourceCamera, inv(qrOrdinary, 0))
	in.Frame = jpeg
	rec := record(t, s, in)
	data, typ, err := s.Frame(ctx, rec[0].ScanID)
	if err != nil || typ != "image/jpeg" || !bytes.Equal(data, jpeg) {
		t.Fatalf("frame: %d bytes, %q, %v", len(data), typ, err)
	}
	other := record(t, s, scanOf("a.png", SourceFile, inv(qrDigital, 0)))
	if _, _, err := s.Frame(ctx, other[0].ScanID); !errors.Is(err, ErrNotFound) {
		t.Errorf("scan without a frame: %v, want ErrNotFound", err)
	}
	big := scanOf("", SourceCamera, inv(qrRailway, 0))
	big.Frame = make([]byte, MaxFrameBytes+1)
	if _, err := s.Record(ctx, big); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "frame") {
		t.Errorf("oversized frame: %v", err)
	}
}
