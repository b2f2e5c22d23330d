package invoice

import (
	"slices"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// These tests need no window: the form is plain values.

func paperForm() *form {
	q := payload.Analyze("01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,",
		time.Date(2024, time.June, 3, 10, 0, 0, 0, time.Local))
	return &form{id: 7, state: store.StateNew, qr: q, entries: map[string]string{}}
}

func TestNormalizeTyped(t *testing.T) {
	for _, c := range []struct{ key, in, want string }{
		{store.PrintedDate, "2024年5月14日", "2024-05-14"},
		{store.PrintedDate, " ２０２４-０５-１４ ", "2024-05-14"},
		{store.PrintedDate, "soon", "soon"},
		{store.PrintedAmount, "¥1,234.56", "1234.56"},
		{store.PrintedTotal, "￥１，２３４．５６", "1234.56"},
		{store.PrintedNumber, "０２４０７３１２", "02407312"},
		{store.PrintedSellerName, "上海　某某 公司", "上海　某某 公司"},
		{store.PrintedTax, "¥98.98", "98.98"},
		{store.PrintedBuyerName, "北京　某某 公司", "北京　某某 公司"},
	} {
		if got := normalizeTyped(c.key, c.in); got != c.want {
			t.Errorf("normalizeTyped(%s, %q) = %q, want %q", c.key, c.in, got, c.want)
		}
	}
}

func TestFormChecksWhatIsTyped(t *testing.T) {
	f := paperForm()
	if c := f.check(); len(c.results) != 0 {
		t.Errorf("nothing typed, nothing printed: results %v", c.results)
	}
	f.entries[store.PrintedNumber] = "02407312"
	f.entries[store.PrintedAmount] = "¥682.52"
	c := f.check()
	if c.results[store.PrintedNumber] != resultSame || c.results[store.PrintedAmount] != resultDifferent {
		t.Errorf("results %v, want the number same and the amount different", c.results)
	}
	if !finding.Has(c.findings, "mismatch_amount") {
		t.Errorf("findings %v lack mismatch_amount", c.findings)
	}
	f.entries[store.PrintedAmount] = "582.52"
	if c := f.check(); finding.Has(c.findings, "mismatch_amount") || c.results[store.PrintedAmount] != resultSame {
		t.Errorf("corrected: results %v, findings %v", c.results, c.findings)
	}
}

func TestFormEditsAreWhatChanged(t *testing.T) {
	f := paperForm()
	f.printed = document.Printed{Number: "02407312", SellerName: "甲公司"}
	f.stored = map[string]string{store.PrintedBuyerTaxID: "91440300MA5DCYGP2L"}
	f.entries[store.PrintedNumber] = "02407312" // as read: not typed
	f.entries[store.PrintedSellerName] = "乙公司"  // typed over what was read
	f.entries[store.PrintedDate] = "2017年11月4日" // typed where nothing was read
	f.entries[store.PrintedBuyerTaxID] = ""     // a value typed before, cleared
	edits := f.edits()
	want := map[string]string{store.PrintedSellerName: "乙公司", store.PrintedDate: "2017-11-04", store.PrintedBuyerTaxID: ""}
	if len(edits) != len(want) {
		t.Fatalf("edits %v, want %v", edits, want)
	}
	for k, v := range want {
		if got, ok := edits[k]; !ok || got != v {
			t.Errorf("edit %s = %q, want %q", k, got, v)
		}
	}
	if f.printed.SellerName != "甲公司" {
		t.Errorf("what was read changed: %+v", f.printed)
	}
}

// The tax has a row: a tax read wrong makes the printed sums disagree, and
// the clerk who types it from the paper sees the typed sums add up; a tax
// typed wrong is flagged as typed.
func TestFormTaxIsTyped(t *testing.T) {
	if !Shown(store.PrintedTax) || !Shown(store.PrintedBuyerName) {
		t.Fatal("the tax or the buyer's name has no row")
	}
	sum := func(c checked, source string) bool {
		return slices.ContainsFunc(c.findings, func(f finding.Finding) bool {
			return f.Code == "printed_sum_mismatch" && f.Source == source
		})
	}
	f := paperForm()
	f.printed = document.Printed{Number: "02407312", Amount: "582.52", Tax: "99.98", Total: "681.50"}
	if c := f.check(); !sum(c, "") {
		t.Fatalf("the sums read do not add up, findings %v", c.findings)
	}
	f.entries[store.PrintedTax] = "¥98.98"
	c := f.check()
	if sum(c, compare.SourceTyped) || !finding.Has(c.findings, "typed_differs_read") {
		t.Errorf("the tax typed right: findings %v, want the typed sums to add up", c.findings)
	}
	if got := f.typedValues()[store.PrintedTax]; got != "98.98" {
		t.Errorf("the tax typed is %q", got)
	}
	f.entries[store.PrintedTax] = "99.00"
	if c := f.check(); !sum(c, compare.SourceTyped) {
		t.Errorf("the tax typed wrong: findings %v, want the typed sums flagged", c.findings)
	}
	if f.printed.Tax != "99.98" {
		t.Errorf("the tax read became %q", f.printed.Tax)
	}
}

// A value typed over one read keeps the read one's mismatch with the QR
// code, and a typed value that disagrees with the QR code is a mismatch.
func TestFormKeepsWhatWasRead(t *testing.T) {
	f := paperForm()
	f.printed = document.Printed{Code: "044031600111", Number: "02407312", Amount: "682.52", Date: "2017-11-04"}
	f.entries[store.PrintedAmount] = "582.52"
	c := f.check()
	if !finding.Has(c.findings, "mismatch_amount") || !finding.Has(c.findings, "typed_differs_read") {
		t.Errorf("findings %v: want the read mismatch and the typed difference", c.findings)
	}
	if c.results[store.PrintedAmount] != resultSame || !c.typed[store.PrintedAmount] {
		t.Errorf("amount row %v typed %v: want the typed value compared, same", c.results[store.PrintedAmount], c.typed)
	}
	a, ok := f.verifyAction()
	if !ok || len(a.confirmed) != 1 || a.confirmed[0] != "mismatch_amount" {
		t.Errorf("verify action %+v: want the mismatch to confirm", a)
	}
}

// An action is a value: what the form shows after the click does not
// change it.
func TestActionIsTakenWhenClicked(t *testing.T) {
	f := paperForm()
	f.entries[store.PrintedSellerName] = "乙公司"
	a, ok := f.verifyAction()
	if !ok || a.invoiceID != 7 || a.from != store.StateNew || !a.verify || len(a.edits) != 1 {
		t.Fatalf("verify action %+v, %v", a, ok)
	}
	lock, ok := f.stateAction(store.StateLocked)
	if !ok || lock.invoiceID != 7 || lock.from != store.StateNew || lock.to != store.StateLocked || lock.verify {
		t.Fatalf("lock action %+v, %v", lock, ok)
	}

	// The selection moves on to another invoice.
	*f = form{id: 8, state: store.StateLocked, entries: map[string]string{store.PrintedSellerName: "丙公司"}}
	if a.invoiceID != 7 || a.from != store.StateNew || a.edits[store.PrintedSellerName] != "乙公司" || lock.invoiceID != 7 {
		t.Errorf("the actions changed with the form: %+v, %+v", a, lock)
	}

	if _, ok := f.stateAction(store.StateLocked); ok {
		t.Error("a locked invoice can be locked again")
	}
	f.id = 0
	if _, ok := f.verifyAction(); ok {
		t.Error("an invoice not in the history can be verified")
	}
}

// A question names the invoice as the clerk finds it on the paper: number
// and amount, grouped as printed.
func TestFormDescribesTheInvoice(t *testing.T) {
	tr := env.NewTranslator("zh")
	f := form{entries: map[string]string{store.PrintedNumber: "24312000000136634917", store.PrintedTotal: " 8819.6 "}}
	if got := f.describe(tr); got != "发票号码 24312000000136634917（价税合计 ¥8,819.60）" {
		t.Errorf("describe = %q", got)
	}
	if got := (&form{}).describe(tr); got != "金额未知" {
		t.Errorf("describe of nothing = %q", got)
	}
}
