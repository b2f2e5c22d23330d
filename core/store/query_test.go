package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A number query that matches many invoices walks the newest first; it must
// find exactly what the indexes find, when the matches are recent, when
// they are all old, and page after page.
func TestSearchManyMatches(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	var in []InvoiceInput
	for i := range 120 {
		// The first 40 are of 2023, the rest of 2024; every third is a
		// special invoice.
		number := fmt.Sprintf("2431200000%010d", i)
		if i < 40 {
			number = fmt.Sprintf("2331200000%010d", i)
		}
		typ := []string{"32", "32", "31"}[i%3]
		in = append(in, InvoiceInput{Printed: map[string]string{PrintedNumber: number, PrintedKind: typ,
			PrintedDate: "2024-01-05", PrintedTotal: "100.00"}})
	}
	record(t, s, scanOf("", SourcePaste, in...))

	saved := [2]any{manyMatches, recentWindow}
	t.Cleanup(func() { manyMatches, recentWindow = saved[0].(int), saved[1].(int64) })
	search := func(f Filter, walk bool) []string {
		t.Helper()
		manyMatches, recentWindow = 1<<30, 30
		if walk {
			manyMatches = 10
		}
		var ids []string
		for {
			p, err := s.Search(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, inv := range p.Invoices {
				ids = append(ids, inv.Identity)
			}
			if p.Next == 0 {
				return ids
			}
			f.Before = p.Next
		}
	}
	tests := []struct {
		name string
		f    Filter
		want int
	}{
		{"recent matches", Filter{Query: "2431200000"}, 80},
		{"old matches only", Filter{Query: "2331200000"}, 40},
		{"with a type", Filter{Query: "24312", TypeCode: "31"}, 27},
		{"a number's end too", Filter{Query: "243120000000000001"}, 20},
		{"none", Filter{Query: "9999"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Limit = 7
			byIndex, walked := search(tt.f, false), search(tt.f, true)
			if len(byIndex) != tt.want || !slices.Equal(byIndex, walked) {
				t.Errorf("by the indexes %d: %v\nwalking the newest %d: %v", len(byIndex), byIndex, len(walked), walked)
			}
			if !slices.IsSortedFunc(walked, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Errorf("not newest first: %v", walked)
			}
		})
	}
}

func TestSearchTypeCodes(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	var in []InvoiceInput
	for i, typ := range []string{"01", "04", "10", "31", "32", ""} {
		in = append(in, InvoiceInput{Printed: map[string]string{PrintedNumber: fmt.Sprintf("2431200000000000000%d", i),
			PrintedKind: typ, PrintedTotal: "1.00"}})
	}
	record(t, s, scanOf("", SourcePaste, in...))
	tests := []struct {
		f    Filter
		want []string // type codes, newest first
	}{
		{Filter{TypeCodes: []string{"31", "32"}}, []string{"32", "31"}},
		{Filter{TypeCodes: []string{"01"}}, []string{"01"}},
		{Filter{TypeCode: "04", TypeCodes: []string{"10"}}, []string{"10", "04"}},
		{Filter{TypeCodes: []string{"99"}}, nil},
		{Filter{}, []string{"", "32", "31", "10", "04", "01"}},
	}
	for _, tt := range tests {
		p, err := s.Search(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, inv := range p.Invoices {
			got = append(got, inv.TypeCode)
		}
		n, err := s.Count(ctx, tt.f)
		if !slices.Equal(got, tt.want) || err != nil || n != len(tt.want) {
			t.Errorf("Search(%+v) = %q (count %d, %v), want %q", tt.f, got, n, err, tt.want)
		}
	}
}

// A seller text finds the same invoices whether its parties are listed by
// ID (the few a text names) or looked up within the query (too many to
// list), in a page, a count and an export; a text no party holds finds
// none.
func TestSellerFilterParties(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	var in []InvoiceInput
	for i := range 30 {
		in = append(in, InvoiceInput{Printed: map[string]string{PrintedNumber: fmt.Sprintf("24312000%012d", i),
			PrintedSellerName:  []string{"上海甲科技有限公司", "杭州乙商贸有限公司", "上海丙物流有限公司"}[i%3],
			PrintedSellerTaxID: []string{"91310000MA1FL8XQ30", "91330100MA2B0XYZ1K", "91310000MA1K4AB12C"}[i%3],
			PrintedTotal:       "10.00"}})
	}
	record(t, s, scanOf("", SourcePaste, in...))
	saved := maxParties
	t.Cleanup(func() { maxParties = saved })
	for _, tt := range []struct {
		f    Filter
		want int
	}{
		{Filter{Seller: "上海"}, 20},
		{Filter{Seller: "ma1k4ab"}, 10},
		{Filter{Query: "杭州乙"}, 10},
		{Filter{Seller: "上海", Query: "丙"}, 10},
		{Filter{Seller: "广州"}, 0},
	} {
		for _, listed := range []int{1000, 0} {
			maxParties = listed
			p, err := s.Search(ctx, Filter{Seller: tt.f.Seller, Query: tt.f.Query, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.Count(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			each := 0
			if err := s.Each(ctx, tt.f, func(*Invoice) error { each++; return nil }); err != nil {
				t.Fatal(err)
			}
			if len(p.Invoices) != tt.want || n != tt.want || each != tt.want {
				t.Errorf("%+v (parties listed up to %d): page %d, count %d, export %d; want %d",
					tt.f, listed, len(p.Invoices), n, each, tt.want)
			}
		}
	}
}
