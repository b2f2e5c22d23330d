package store

import (
	"context"
	"errors"
	"testing"
)

// bindFixture: a reimbursed invoice with a note, a voided one, a typed
// value, a blacklist entry and a setting, every change made through Fapiao.
func bindFixture(t *testing.T) *Store {
	t.Helper()
	s, _ := openTest(t)
	ctx := context.Background()
	in := inv(qrOrdinary, 1)
	in.Printed = map[string]string{PrintedSellerName: "深圳某某有限公司", PrintedSellerTaxID: "91440300MA5DCYGP2L"}
	paid := record(t, s, scanOf("a.pdf", SourceFile, in))[0].InvoiceID
	void := record(t, s, scanOf("b.pdf", SourceFile, inv(qrDigital, 1)))[0].InvoiceID
	steps := []func() error{
		func() error { return s.SetSetting(ctx, SettingClerk, "会计小陈", "") },
		func() error {
			return s.ChangeState(ctx, Change{InvoiceID: paid, From: StateNew, To: StateLocked, Note: "BX-1"})
		},
		func() error {
			return s.ChangeState(ctx, Change{InvoiceID: paid, From: StateLocked, To: StateReimbursed})
		},
		func() error { return s.AddNote(ctx, paid, "", "已付款") },
		func() error { return s.SetState(ctx, void, StateVoided, "", "") },
		func() error { return s.SetTyped(ctx, void, map[string]string{PrintedSellerName: "某公司"}, "") },
		func() error { return s.AddBlacklist(ctx, "91110000600007336E", "虚开", "") },
	}
	for _, f := range steps {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("untouched history: %v", err)
	}
	return s
}

func TestVerifyAuditCatchesEditsToTheHistory(t *testing.T) {
	const paid, void = "044031600111-02407312", "24312000000136634917"
	tests := []struct{ name, sql string }{
		{"reimbursed made payable", "UPDATE invoices SET state = 'new' WHERE identity = '" + paid + "'"},
		{"reimbursed invoice deleted", "DELETE FROM invoices WHERE identity = '" + paid + "'"},
		{"amount changed", "UPDATE invoices SET amount = '1.00' WHERE identity = '" + paid + "'"},
		{"date changed", "UPDATE invoices SET date = '2017-11-05' WHERE identity = '" + paid + "'"},
		{"printed values changed", `UPDATE invoices SET printed = '{"total":"9.99"}' WHERE identity = '` + paid + "'"},
		{"seller changed", "UPDATE parties SET name = '别家' WHERE id = (SELECT seller_id FROM invoices WHERE identity = '" + paid + "')"},
		{"voided invoice deleted", "DELETE FROM invoices WHERE identity = '" + void + "'"},
		{"typed value changed", `UPDATE invoices SET typed = '{}' WHERE identity = '` + void + "'"},
		{"blacklist row deleted", "DELETE FROM blacklist"},
		{"blacklist row added", "INSERT INTO blacklist VALUES ('91310000MA1FL8XK3Q', 'x', 0, 'x')"},
		{"note edited", "UPDATE notes SET text = '未付款' WHERE text = '已付款'"},
		{"note deleted", "DELETE FROM notes WHERE text = 'BX-1'"},
		{"verification forged", "UPDATE invoices SET verified_result = 'ok' WHERE identity = '" + paid + "'"},
		{"setting changed", "UPDATE settings SET value = '别人' WHERE key = 'clerk'"},
		{"log and head wiped", "DELETE FROM audit_log; DELETE FROM settings WHERE key = 'audit.head'"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bindFixture(t)
			tamper(t, s, tt.sql)
			rep, err := s.VerifyAudit(ctx)
			var be *BindingError
			if !errors.As(err, &be) || !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("VerifyAudit = %+v, %v; want a BindingError", rep, err)
			}
			t.Log(be.Error())
		})
	}
}

// Writers at work while the log is verified never make it fail: it reads
// one snapshot.
func TestVerifyAuditWhileWriting(t *testing.T) {
	s := bindFixture(t)
	ctx := context.Background()
	done := make(chan error)
	go func() {
		for i := 0; i < 30; i++ {
			if _, err := s.Record(ctx, scanOf("c.pdf", SourceFile, inv(qrOrdinary, 1))); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 10; i++ {
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Fatalf("verify %d while recording: %v", i, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
