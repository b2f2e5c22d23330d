package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Real payloads (see core/payload fixtures): a 12-digit code with a leading
// zero, a 数电 invoice, a railway ticket.
const (
	qrOrdinary = "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"
	qrDigital  = "01,32,,24312000000136634917,0.01,20240514,,1DD6"
	qrRailway  = "01,51,,25379266878000000370,6.50,20250616,,7b25"
	idOrdinary = "044031600111-02407312"
	idDigital  = "24312000000136634917"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// clock is a fake clock that moves one second per reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openTest(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "history.db")
	c := &clock{t: t0}
	s, err := Open(path, append([]Option{WithClock(c.now)}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Check(context.Background()); err != nil {
			t.Errorf("integrity: %v", err)
		}
		s.Close()
	})
	return s, path
}

func qr(text string) *payload.Result { return payload.Analyze(text, t0) }

func scanOf(file string, src Source, invs ...InvoiceInput) ScanInput {
	return ScanInput{File: file, Source: src, Invoices: invs}
}

func inv(text string, page int) InvoiceInput { return InvoiceInput{QR: qr(text), Page: page} }

func record(t *testing.T, s *Store, in ScanInput) []Recorded {
	t.Helper()
	r, err := s.Record(context.Background(), in)
	if err != nil {
		t.Fatalf("Record %s: %v", in.File, err)
	}
	if len(r) != len(in.Invoices) {
		t.Fatalf("Record %s: %d results for %d invoices", in.File, len(r), len(in.Invoices))
	}
	return r
}

func codes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestDuplicates(t *testing.T) {
	xmlDigital := InvoiceInput{Printed: map[string]string{
		PrintedNumber: idDigital, PrintedSellerName: "上海某某科技有限公司", PrintedSellerTaxID: "91320621ma1mrhg205",
		PrintedAmount: "0.01", PrintedTax: "0.00", PrintedDate: "2024年05月14日",
	}}
	printedOrdinary := InvoiceInput{Printed: map[string]string{PrintedCode: "044031600111", PrintedNumber: "02407312"}}
	type step struct {
		in       ScanInput
		dupOf    []int // per invoice: index of the step where it was first seen, -1 when new
		dupPage  []int
		identity []string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"same file again", []step{
			{in: scanOf("a.png", SourceFile, inv(qrOrdinary, 0)), dupOf: []int{-1}, identity: []string{idOrdinary}},
			{in: scanOf("a.png", SourceFile, inv(qrOrdinary, 0)), dupOf: []int{0}, identity: []string{idOrdinary}},
		}},
		{"another copy under another name", []step{
			{in: scanOf("scan/photo.jpg", SourceCamera, inv(qrDigital, 0)), dupOf: []int{-1}},
			{in: scanOf("mail/发票.pdf", SourceFolder, inv(qrDigital, 1)), dupOf: []int{0}},
			{in: scanOf("", SourceGun, inv(qrDigital, 0)), dupOf: []int{0}},
		}},
		{"the XML after the OFD: printed values only", []step{
			{in: scanOf("x.ofd", SourceFile, inv(qrDigital, 1)), dupOf: []int{-1}},
			{in: scanOf("x.xml", SourceFile, xmlDigital), dupOf: []int{0}, identity: []string{idDigital}},
		}},
		{"printed code and number give the QR's identity", []step{
			{in: scanOf("p.pdf", SourceFile, printedOrdinary), dupOf: []int{-1}, identity: []string{idOrdinary}},
			{in: scanOf("q.jpg", SourceFile, inv(qrOrdinary, 0)), dupOf: []int{0}},
		}},
		{"same name, different invoices: never by file name", []step{
			{in: scanOf("invoice.pdf", SourceFile, inv(qrOrdinary, 1)), dupOf: []int{-1}},
			{in: scanOf("invoice.pdf", SourceFile, inv(qrDigital, 1)), dupOf: []int{-1}},
		}},
		{"twice in one file: the second names page 1", []step{
			{in: scanOf("two.pdf", SourceFile, inv(qrRailway, 1), inv(qrRailway, 2)), dupOf: []int{-1, 0}, dupPage: []int{0, 1}},
		}},
		{"non-invoice codes are never duplicates", []step{
			{in: scanOf("pay.png", SourceFile, inv("https://example.com/pay?x=1", 0)), dupOf: []int{-1}, identity: []string{""}},
			{in: scanOf("pay.png", SourceFile, inv("https://example.com/pay?x=1", 0)), dupOf: []int{-1}, identity: []string{""}},
		}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			var got [][]Recorded
			for i, st := range tt.steps {
				rs := record(t, s, st.in)
				got = append(got, rs)
				for j, r := range rs {
					if st.identity != nil && r.Identity != st.identity[j] {
						t.Errorf("step %d invoice %d: identity %q, want %q", i, j, r.Identity, st.identity[j])
					}
					want := st.dupOf[j]
					if want < 0 {
						if r.DuplicateOf != nil || finding.Has(r.Findings, "duplicate") {
							t.Errorf("step %d invoice %d: flagged duplicate of %+v, want new", i, j, r.DuplicateOf)
						}
						continue
					}
					if r.DuplicateOf == nil {
						t.Fatalf("step %d invoice %d: not flagged as duplicate", i, j)
					}
					firstScan := got[want][0].ScanID
					if r.DuplicateOf.ScanID != firstScan {
						t.Errorf("step %d invoice %d: duplicate of scan %d, want %d (the first)", i, j, r.DuplicateOf.ScanID, firstScan)
					}
					if st.dupPage != nil && r.DuplicateOf.Page != st.dupPage[j] {
						t.Errorf("step %d invoice %d: duplicate of page %d, want %d", i, j, r.DuplicateOf.Page, st.dupPage[j])
					}
					if r.DuplicateOf.File != tt.steps[want].in.File || r.DuplicateOf.Source != tt.steps[want].in.Source {
						t.Errorf("step %d: duplicate of %+v, want file %q", i, r.DuplicateOf, tt.steps[want].in.File)
					}
					if r.InvoiceID != got[want][0].InvoiceID && want != i {
						t.Errorf("step %d: invoice id %d, want %d", i, r.InvoiceID, got[want][0].InvoiceID)
					}
					var dup *finding.Finding
					for k := range r.Findings {
						if r.Findings[k].Code == "duplicate" {
							dup = &r.Findings[k]
						}
					}
					if dup == nil || dup.Severity != finding.Warning {
						t.Fatalf("step %d: findings %v, want a duplicate warning", i, codes(r.Findings))
					}
					at := r.DuplicateOf.At.Local().Format("2006-01-02 15:04:05")
					if !strings.Contains(dup.Message, at) || !strings.Contains(dup.English, at) {
						t.Errorf("duplicate message lacks the time %s: %q / %q", at, dup.Message, dup.English)
					}
					if f := tt.steps[want].in.File; f != "" && (!strings.Contains(dup.Message, filepath.Base(f)) || !strings.Contains(dup.English, filepath.Base(f))) {
						t.Errorf("duplicate message lacks the file %s: %q / %q", f, dup.Message, dup.English)
					}
					if strings.Contains(dup.Message, "%!") || strings.Contains(dup.English, "%!") {
						t.Errorf("bad format: %q / %q", dup.Message, dup.English)
					}
				}
			}
			// Scans are recorded even when nothing in them is an invoice.
			var scans int
			if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM scans").Scan(&scans); err != nil {
				t.Fatal(err)
			}
			if scans != len(tt.steps) {
				t.Errorf("%d scans stored, want %d", scans, len(tt.steps))
			}
		})
	}
}

func TestRecordMergesValues(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	record(t, s, scanOf("photo.jpg", SourceCamera, inv(qrDigital, 0)))
	record(t, s, ScanInput{File: "x.pdf", Source: SourceFile, SHA256: strings.Repeat("AB", 32), Invoices: []InvoiceInput{{
		QR: qr(qrDigital), Page: 1,
		Printed: map[string]string{
			PrintedSellerName: " 上海某某科技有限公司 ", PrintedSellerTaxID: "91320621ma1mrhg205",
			PrintedBuyerName: "某某集团", PrintedBuyerTaxID: "91110000600007336E",
			PrintedAmount: "¥0.01", PrintedTax: "0.00", PrintedTotal: "999", // the QR's total wins
			PrintedDate: "2024年05月14日",
		},
		Findings: []finding.Finding{finding.New("amount_mismatch", finding.Warning, "total", "不符", "mismatch")},
	}}})
	got, err := s.GetByIdentity(ctx, idDigital)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total == nil || got.Total.String() != "0.01" || got.Amount == nil || got.Amount.String() != "0.01" ||
		got.Tax == nil || got.Tax.String() != "0.00" {
		t.Errorf("amounts %v %v %v, want 0.01 0.00 0.01", got.Amount, got.Tax, got.Total)
	}
	if got.SellerName != "上海某某科技有限公司" || got.SellerTaxID != "91320621MA1MRHG205" || got.BuyerTaxID != "91110000600007336E" {
		t.Errorf("parties %q %q %q", got.SellerName, got.SellerTaxID, got.BuyerTaxID)
	}
	if got.Date != "2024-05-14" || got.TypeCode != "32" || got.Code != "" || got.Number != idDigital {
		t.Errorf("fields %q %q %q %q", got.Date, got.TypeCode, got.Code, got.Number)
	}
	if got.Seen != 2 || len(got.Sightings) != 2 || !got.Sightings[1].Duplicate || got.Sightings[0].Duplicate {
		t.Errorf("seen %d, sightings %+v", got.Seen, got.Sightings)
	}
	if got.Sightings[0].Raw != qrDigital || got.Sightings[0].Kind != "invoice" {
		t.Errorf("first sighting %+v", got.Sightings[0])
	}
	// The invoice's findings are its own; that it was seen again is the
	// second sighting's.
	if !finding.Has(got.Findings, "amount_mismatch") || finding.Has(got.Findings, "duplicate") || got.Severity != finding.Warning ||
		!finding.Has(got.Sightings[1].Findings, "duplicate") {
		t.Errorf("findings %v severity %q, second sighting's %v", codes(got.Findings), got.Severity, codes(got.Sightings[1].Findings))
	}
	if got.Printed[PrintedTotal] != "999" {
		t.Errorf("printed values not kept as read: %v", got.Printed)
	}
	var sum string
	if err := s.db.QueryRowContext(ctx, "SELECT sha256 FROM scans WHERE file = 'x.pdf'").Scan(&sum); err != nil || sum != strings.Repeat("ab", 32) {
		t.Errorf("sha256 %q (%v)", sum, err)
	}
}

func TestRecordRejects(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	tests := []struct {
		name string
		in   ScanInput
	}{
		{"unknown source", ScanInput{File: "a", Source: "fax"}},
		{"bad sha", ScanInput{File: "a", Source: SourceFile, SHA256: "xyz"}},
	}
	for _, tt := range tests {
		_, err := s.Record(ctx, tt.in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", tt.name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "record scan") {
			t.Errorf("%s: error %q does not name the operation", tt.name, err)
		}
	}
}

func TestRecordIsAllOrNothing(t *testing.T) {
	s, _ := openTest(t)
	// The second invoice of the scan fails half-way through the transaction.
	if _, err := s.db.Exec(`CREATE TRIGGER boom BEFORE INSERT ON sightings WHEN NEW.page = 99
		BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`); err != nil {
		t.Fatal(err)
	}
	in := scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1), inv(qrDigital, 99))
	_, err := s.Record(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), "record scan a.pdf: invoice 2") || !strings.Contains(err.Error(), "disk trouble") {
		t.Fatalf("Record = %v, want the failure of invoice 2", err)
	}
	var n int
	if err := s.db.QueryRow("SELECT (SELECT count(*) FROM scans) + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM sightings)").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows left by a failed Record (%v)", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Record(ctx, in); !errors.Is(err, context.Canceled) {
		t.Errorf("Record with a cancelled context: %v", err)
	}
	in.Invoices[1].Page = 2
	if r := record(t, s, in); r[0].DuplicateOf != nil || r[1].DuplicateOf != nil {
		t.Errorf("after the failed attempts the invoices are new: %+v", r)
	}
}

func TestStateTransitions(t *testing.T) {
	allowed := map[[2]State]bool{
		{StateNew, StateLocked}: true, {StateNew, StateVoided}: true, {StateNew, StateRedReversed}: true,
		{StateLocked, StateNew}: true, {StateLocked, StateReimbursed}: true,
		{StateLocked, StateVoided}: true, {StateLocked, StateRedReversed}: true,
	}
	// path reaches each state from new.
	path := map[State][]State{
		StateNew: nil, StateLocked: {StateLocked}, StateReimbursed: {StateLocked, StateReimbursed},
		StateVoided: {StateVoided}, StateRedReversed: {StateRedReversed},
	}
	ctx := context.Background()
	s, _ := openTest(t)
	n := 0
	for _, from := range States {
		for _, to := range States {
			n++
			number := fmt.Sprintf("%020d", n)
			rs := record(t, s, scanOf("", SourcePaste, InvoiceInput{Printed: map[string]string{PrintedNumber: number}}))
			id := rs[0].InvoiceID
			for _, st := range path[from] {
				if err := s.SetState(ctx, id, st, "张三", ""); err != nil {
					t.Fatalf("reach %s: %v", from, err)
				}
			}
			err := s.SetState(ctx, id, to, "张三", "")
			if allowed[[2]State{from, to}] {
				if err != nil {
					t.Errorf("%s → %s: %v, want allowed", from, to, err)
				}
				continue
			}
			if !errors.Is(err, ErrTransition) {
				t.Errorf("%s → %s: err %v, want ErrTransition", from, to, err)
				continue
			}
			if !strings.Contains(err.Error(), number) || !strings.Contains(err.Error(), string(from)) {
				t.Errorf("%s → %s: error %q does not name the invoice and state", from, to, err)
			}
			got, err := s.Get(ctx, id)
			if err != nil || got.State != from {
				t.Errorf("%s → %s refused but state is %s (%v)", from, to, got.State, err)
			}
		}
	}
	if err := s.SetState(ctx, 999999, StateLocked, "", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing invoice: %v, want ErrNotFound", err)
	}
	if err := s.SetState(ctx, 1, "paid", "", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown state: %v, want ErrInvalid", err)
	}
}

func TestParseState(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want State
		ok   bool
	}{
		{"locked", StateLocked, true}, {"已报销", StateReimbursed, true}, {" red_reversed ", StateRedReversed, true},
		{"已红冲", StateRedReversed, true}, {"作废", "", false}, {"LOCKED", "", false}, {"", "", false},
	} {
		got, err := ParseState(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseState(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestReappearingByState(t *testing.T) {
	tests := []struct {
		path []State
		want string // error finding code, "" for none
	}{
		{nil, ""},
		{[]State{StateLocked}, "already_locked"},
		{[]State{StateLocked, StateReimbursed}, "already_reimbursed"},
		{[]State{StateLocked, StateNew}, ""},
		{[]State{StateVoided}, "already_voided"},
		{[]State{StateRedReversed}, "already_red_reversed"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		s, _ := openTest(t)
		id := record(t, s, scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1)))[0].InvoiceID
		for _, st := range tt.path {
			if err := s.SetState(ctx, id, st, "李四", "报销单 BX-001"); err != nil {
				t.Fatal(err)
			}
		}
		before, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		r := record(t, s, scanOf("b.jpg", SourceFile, inv(qrOrdinary, 0)))[0]
		if !finding.Has(r.Findings, "duplicate") {
			t.Errorf("%v: no duplicate finding: %v", tt.path, codes(r.Findings))
		}
		// The sighting says it; the invoice's own findings stay as they
		// were: a paid invoice shown again is not an invoice in error.
		if after, err := s.Get(ctx, id); err != nil || after.Severity != before.Severity ||
			fmt.Sprint(codes(after.Findings)) != fmt.Sprint(codes(before.Findings)) {
			t.Errorf("%v: rescanning changed the invoice's findings from %v (%s) to %v (%s)", tt.path,
				codes(before.Findings), before.Severity, codes(after.Findings), after.Severity)
		}
		if tt.want == "" {
			if finding.Worst(r.Findings) == finding.Error {
				t.Errorf("%v: unexpected error findings %v", tt.path, codes(r.Findings))
			}
			continue
		}
		if !finding.Has(r.Findings, tt.want) || finding.Worst(r.Findings) != finding.Error {
			t.Errorf("%v: findings %v, want error %s", tt.path, codes(r.Findings), tt.want)
		}
		if len(tt.path) > 0 && r.State != tt.path[len(tt.path)-1] {
			t.Errorf("%v: Recorded.State %s", tt.path, r.State)
		}
	}
}

func TestBlacklist(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	const bad = "91320621MA1MRHG205"
	if err := s.AddBlacklist(ctx, strings.ToLower(bad), "虚开发票", "王五"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddBlacklist(ctx, bad, "虚开发票，税务局通报", "王五"); err != nil {
		t.Fatal(err)
	}
	list, err := s.Blacklist(ctx)
	if err != nil || len(list) != 1 || list[0].TaxID != bad || list[0].Reason != "虚开发票，税务局通报" || list[0].AddedBy != "王五" {
		t.Fatalf("Blacklist() = %+v, %v", list, err)
	}
	tests := []struct {
		name  string
		in    InvoiceInput
		field string
	}{
		{"printed seller", InvoiceInput{QR: qr(qrDigital), Printed: map[string]string{PrintedSellerTaxID: bad}}, "seller_tax_id"},
		{"printed buyer", InvoiceInput{QR: qr(qrRailway), Printed: map[string]string{PrintedBuyerTaxID: " " + bad}}, "buyer_tax_id"},
		{"QR seller tax ID layout", InvoiceInput{QR: qr("01,10,044031900111,12345678," + bad + ",100.00,20240102,12345678901234567890")}, "seller_tax_id"},
	}
	for _, tt := range tests {
		r := record(t, s, scanOf(tt.name, SourceFile, tt.in))[0]
		var f *finding.Finding
		for i := range r.Findings {
			if r.Findings[i].Code == "blacklisted" {
				f = &r.Findings[i]
			}
		}
		if f == nil || f.Severity != finding.Error || f.Field != tt.field || !strings.Contains(f.Message, "税务局通报") ||
			!strings.Contains(f.English, bad) {
			t.Errorf("%s: findings %+v, want blacklisted on %s", tt.name, r.Findings, tt.field)
		}
	}
	if err := s.RemoveBlacklist(ctx, bad, "王五"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveBlacklist(ctx, bad, "王五"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v, want ErrNotFound", err)
	}
	r := record(t, s, scanOf("after", SourceFile, InvoiceInput{QR: qr(qrOrdinary), Printed: map[string]string{PrintedSellerTaxID: bad}}))[0]
	if finding.Has(r.Findings, "blacklisted") {
		t.Errorf("removed tax ID still flagged")
	}
	if k, err := s.Lookup(ctx, idOrdinary); err != nil || k.Blacklisted {
		t.Errorf("Lookup before blacklisting = %+v, %v", k, err)
	}
	// Blacklisted after it came in: a lookup says so at once (the camera
	// warns), and the next verification catches it.
	if err := s.AddBlacklist(ctx, bad, "复查", ""); err != nil {
		t.Fatal(err)
	}
	if k, err := s.Lookup(ctx, idOrdinary); err != nil || !k.Blacklisted {
		t.Errorf("Lookup after blacklisting = %+v, %v", k, err)
	}
	if on, err := s.Blacklisted(ctx, " "+strings.ToLower(bad)); err != nil || !on {
		t.Errorf("Blacklisted(%s) = %v, %v", bad, on, err)
	}
	if on, err := s.Blacklisted(ctx, ""); err != nil || on {
		t.Errorf("Blacklisted(\"\") = %v, %v", on, err)
	}
	var ue *UnconfirmedError
	if _, err := s.Verify(ctx, VerifyRequest{InvoiceID: r.InvoiceID, Clerk: "赵六"}); !errors.As(err, &ue) ||
		!errors.Is(err, ErrUnconfirmed) || len(ue.Findings) != 1 || ue.Findings[0].Code != "blacklisted" {
		t.Fatalf("Verify without confirming = %v; want the blacklisted error to confirm", err)
	}
	v, err := s.Verify(ctx, VerifyRequest{InvoiceID: r.InvoiceID, Clerk: "赵六", Confirmed: []string{"blacklisted"}})
	if err != nil || v.Result != "error" || v.Clerk != "赵六" || len(v.Confirmed) != 1 {
		t.Errorf("Verify = %+v, %v; want result error by 赵六, confirmed", v, err)
	}
}

func TestVerifyNotesEditsDelete(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.SetSetting(ctx, SettingClerk, "会计小陈", ""); err != nil {
		t.Fatal(err)
	}
	id := record(t, s, scanOf("a.pdf", SourceFile, inv(qrOrdinary, 1)))[0].InvoiceID
	v, err := s.Verify(ctx, VerifyRequest{InvoiceID: id})
	if err != nil {
		t.Fatal(err)
	}
	if v.Clerk != "会计小陈" || v.Result != string(finding.Worst(qr(qrOrdinary).Findings)) && v.Result != "ok" {
		t.Errorf("Verify = %+v", v)
	}
	if err := s.AddNote(ctx, id, "", "已电话核实"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddNote(ctx, id, "", "  "); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty note: %v", err)
	}
	edits := []struct {
		key, value string
		ok         bool
	}{
		{PrintedSellerName, "深圳某某有限公司", true},
		{PrintedTax, "¥17.48", true},
		{PrintedTax, "abc", false},
		{PrintedDate, "2017年11月04日", true},
		{PrintedDate, "yesterday", false},
		{"colour", "red", false},
	}
	for _, e := range edits {
		err := s.SetTyped(ctx, id, map[string]string{e.key: e.value}, "")
		if (err == nil) != e.ok {
			t.Errorf("SetTyped(%s, %q) = %v, want ok %v", e.key, e.value, err, e.ok)
		}
	}
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// Typed values are kept as typed, beside what was read, never over it.
	if got.SellerName == "深圳某某有限公司" || got.Printed[PrintedTax] != "" ||
		got.Typed[PrintedTax] != "17.48" || got.Typed[PrintedSellerName] != "深圳某某有限公司" || got.Typed[PrintedDate] != "2017-11-04" ||
		len(got.TypedValues) != 3 || got.TypedValues[0].Clerk != "会计小陈" {
		t.Errorf("after edits: seller %q printed %v typed %v (%+v)", got.SellerName, got.Printed, got.Typed, got.TypedValues)
	}
	if len(got.Notes) != 1 || got.Notes[0].Clerk != "会计小陈" || got.NoteText != "已电话核实" {
		t.Errorf("notes %+v / %q", got.Notes, got.NoteText)
	}
	if len(got.Verifications) != 1 || got.Verified == nil || got.Verified.Clerk != "会计小陈" {
		t.Errorf("verifications %+v / %+v", got.Verifications, got.Verified)
	}
	if err := s.SetState(ctx, id, StateLocked, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInvoice(ctx, id, "", "scanned by mistake"); !errors.Is(err, ErrTransition) {
		t.Errorf("delete locked: %v, want ErrTransition", err)
	}
	if err := s.SetState(ctx, id, StateNew, "", "claim released"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInvoice(ctx, id, "", "scanned by mistake"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after delete: %v", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sightings WHERE invoice_id IS NOT NULL").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d sightings left (%v)", n, err)
	}
	entries, err := s.Audit(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	want := "setting record verify note type type type state state delete"
	if strings.Join(actions, " ") != want {
		t.Errorf("audit actions %q, want %q", strings.Join(actions, " "), want)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
}

func TestSearch(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	mk := func(number, date, seller, sellerID, typ string) InvoiceInput {
		return InvoiceInput{Printed: map[string]string{PrintedNumber: number, PrintedDate: date,
			PrintedSellerName: seller, PrintedSellerTaxID: sellerID, PrintedKind: typ, PrintedTotal: "100.00"}}
	}
	ids := map[string]int64{}
	for _, in := range []InvoiceInput{
		mk("24312000000000000001", "2024-01-05", "北京甲公司", "91110000000000001A", "32"),
		mk("24312000000000000002", "2024-02-05", "上海乙公司", "91310000000000002B", "31"),
		mk("24312000000000000003", "2024-03-05", "北京丙公司", "91110000000000003C", "32"),
		mk("24312000000000000004", "2024-04-05", "广州丁公司", "91440000000000004D", "32"),
		{QR: qr(qrOrdinary)},
		mk("24312000000000000009", "", "", "", ""), // no date: never in a date range
	} {
		r := record(t, s, scanOf("", SourcePaste, in))[0]
		ids[r.Identity] = r.InvoiceID
	}
	if err := s.SetState(ctx, ids["24312000000000000003"], StateLocked, "", ""); err != nil {
		t.Fatal(err)
	}
	record(t, s, scanOf("", SourcePaste, mk("24312000000000000004", "", "", "", ""))) // a duplicate: no finding of the invoice's
	record(t, s, scanOf("", SourcePaste, InvoiceInput{Printed: map[string]string{PrintedNumber: "24312000000000000002"},
		Findings: []finding.Finding{finding.New("amount_mismatch", finding.Warning, "total", "不符", "mismatch")}}))
	d := func(s string) payload.Date { v, _ := ParseDate(s); return v }
	tests := []struct {
		name string
		f    Filter
		want []string // identities, newest first
	}{
		{"all", Filter{}, []string{"24312000000000000009", idOrdinary, "24312000000000000004", "24312000000000000003", "24312000000000000002", "24312000000000000001"}},
		{"date range", Filter{From: d("2024-02-01"), To: d("2024-03-31")}, []string{"24312000000000000003", "24312000000000000002"}},
		{"to", Filter{To: d("2024-01-31")}, []string{idOrdinary, "24312000000000000001"}},
		{"state", Filter{States: []State{StateLocked}}, []string{"24312000000000000003"}},
		{"seller name part", Filter{Seller: "北京"}, []string{"24312000000000000003", "24312000000000000001"}},
		{"seller tax ID part, any case", Filter{Seller: "0002b"}, []string{"24312000000000000002"}},
		{"type", Filter{TypeCode: "31"}, []string{"24312000000000000002"}},
		{"findings warning", Filter{Findings: FindingsWarning}, []string{"24312000000000000002"}},
		{"number suffix", Filter{Query: "0003"}, []string{"24312000000000000003"}},
		{"number prefix", Filter{Query: "2431200000000000000"}, []string{"24312000000000000009", "24312000000000000004", "24312000000000000003", "24312000000000000002", "24312000000000000001"}},
		{"code prefix", Filter{Query: "0440316"}, []string{idOrdinary}},
		{"code-number", Filter{Query: "044031600111-024"}, []string{idOrdinary}},
		{"a whole QR code, as a scanner gun types it", Filter{Query: qrOrdinary}, []string{idOrdinary}},
		{"a 数电 QR code", Filter{Query: "01,32,,24312000000000000002,100.00,20240205,,ABCD"}, []string{"24312000000000000002"}},
		{"text goes to the seller", Filter{Query: "广州"}, []string{"24312000000000000004"}},
		{"combined", Filter{Seller: "北京", States: []State{StateNew}, TypeCode: "32"}, []string{"24312000000000000001"}},
	}
	for _, tt := range tests {
		p, err := s.Search(ctx, tt.f)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		for _, inv := range p.Invoices {
			got = append(got, inv.Identity)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
		n, err := s.Count(ctx, tt.f)
		if err != nil || n != len(tt.want) {
			t.Errorf("%s: Count = %d, %v; want %d", tt.name, n, err, len(tt.want))
		}
	}
	// Paging: two at a time, then the rest.
	var all []string
	f := Filter{Limit: 2}
	for pages := 0; ; pages++ {
		p, err := s.Search(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range p.Invoices {
			all = append(all, inv.Identity)
		}
		if p.Next == 0 {
			if pages != 2 {
				t.Errorf("%d pages, want 3", pages+1)
			}
			break
		}
		f.Before = p.Next
	}
	if len(all) != 6 {
		t.Errorf("paging gave %v", all)
	}
	for _, bad := range []Filter{{Findings: "some"}, {States: []State{"paid"}}} {
		if _, err := s.Search(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("Search(%+v): %v, want ErrInvalid", bad, err)
		}
	}
	k, err := s.Lookup(ctx, "24312000000000000004")
	if err != nil || k.Count != 2 || k.State != StateNew || k.First.Source != SourcePaste {
		t.Errorf("Lookup = %+v, %v", k, err)
	}
	if _, err := s.Lookup(ctx, "99"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Lookup(unknown) = %v", err)
	}
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"2024-05-14", "2024-05-14"}, {"20240514", "2024-05-14"}, {"2024年05月14日", "2024-05-14"},
		{"2024年5月4日", "2024-05-04"}, {" 2024/05/14 ", "2024-05-14"}, {"2024-02-30", ""}, {"14/05/2024", ""}, {"", ""},
	} {
		d, err := ParseDate(tt.in)
		if got := d.String(); got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		goos string
		env  map[string]string
		home string
		want string
	}{
		{"linux", map[string]string{"XDG_DATA_HOME": "/data"}, "/home/a", filepath.Join("/data", "fapiao", "history.db")},
		{"linux", nil, "/home/a", filepath.Join("/home/a", ".local", "share", "fapiao", "history.db")},
		{"linux", map[string]string{"XDG_DATA_HOME": "relative"}, "/home/a", filepath.Join("/home/a", ".local", "share", "fapiao", "history.db")},
		{"freebsd", nil, "/home/a", filepath.Join("/home/a", ".local", "share", "fapiao", "history.db")},
		{"windows", map[string]string{"AppData": `C:\Users\a\AppData\Roaming`}, `C:\Users\a`, filepath.Join(`C:\Users\a\AppData\Roaming`, "fapiao", "history.db")},
		{"darwin", nil, "/Users/a", filepath.Join("/Users/a", "Library", "Application Support", "fapiao", "history.db")},
		{"linux", nil, "", ""},
	}
	for _, tt := range tests {
		got, err := defaultPath(tt.goos, env(tt.env), tt.home)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("defaultPath(%s, %v, %q) = %q, %v; want %q", tt.goos, tt.env, tt.home, got, err, tt.want)
		}
	}
}

func FuzzPrintedValues(f *testing.F) {
	for _, s := range []string{"¥1,705,400.00", "2024年05月14日", "-12.3", "91320621ma1mrhg205", "", "１２", "1e5"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, amount, date string) {
		c := columnsOf(InvoiceInput{Printed: map[string]string{PrintedAmount: amount, PrintedDate: date, PrintedTax: amount}})
		if c.amount != "" {
			if cleanAmount(c.amount) != c.amount {
				t.Errorf("amount %q read as %q, which does not read back", amount, c.amount)
			}
		}
		if c.date != "" {
			if d, err := ParseDate(c.date); err != nil || d.String() != c.date {
				t.Errorf("date %q read as %q, which does not read back", date, c.date)
			}
		}
		c.completeAmounts()
	})
}
