package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/storetest"
)

// benchInvoices is the size of the benchmark history: a large office's
// several years of invoices.
const benchInvoices = 1_000_000

func openBench(b *testing.B) (*store.Store, string) {
	b.Helper()
	path := storetest.Path(b, benchInvoices)
	s, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}

// BenchmarkDuplicateLookup is the check every scanned invoice goes through:
// half of them seen before, half new. It reports the 99th percentile.
func BenchmarkDuplicateLookup(b *testing.B) {
	s, _ := openBench(b)
	benchLookup(b, s)
}

// BenchmarkServerDuplicateLookup is BenchmarkDuplicateLookup on a
// PostgreSQL server on this machine, over the same million invoices.
func BenchmarkServerDuplicateLookup(b *testing.B) { benchLookup(b, openServerBench(b)) }

// openServerBench opens the benchmark history copied to the test server.
func openServerBench(b *testing.B) *store.Store {
	b.Helper()
	s, err := store.Open(storetest.Server(b, benchInvoices))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchLookup(b *testing.B, s *store.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	var times []time.Duration
	for b.Loop() {
		i := rng.IntN(2 * benchInvoices)
		start := time.Now()
		_, err := s.Lookup(ctx, storetest.Identity(i))
		times = append(times, time.Since(start))
		if (i < benchInvoices) != (err == nil) || (err != nil && !errors.Is(err, store.ErrNotFound)) {
			b.Fatalf("Lookup(%s): %v", storetest.Identity(i), err)
		}
	}
	slices.Sort(times)
	p := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))]) / 1e6 }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

// BenchmarkSearchPage is the history screen: one page of 50 rows, newest
// first, for the filters clerks use.
func BenchmarkSearchPage(b *testing.B) {
	s, _ := openBench(b)
	benchSearchPage(b, s)
}

// BenchmarkServerSearchPage is BenchmarkSearchPage on the server.
func BenchmarkServerSearchPage(b *testing.B) { benchSearchPage(b, openServerBench(b)) }

func benchSearchPage(b *testing.B, s *store.Store) {
	ctx := context.Background()
	day := func(t string) payload.Date { d, _ := store.ParseDate(t); return d }
	filters := []struct {
		name string
		f    store.Filter
	}{
		{"newest", store.Filter{}},
		{"month+reimbursed", store.Filter{From: day("2024-03-01"), To: day("2024-03-31"), States: []store.State{store.StateReimbursed}}},
		{"one-seller", store.Filter{Seller: storetest.SellerName(4242)}},
		{"seller-tax-id-part", store.Filter{Seller: storetest.SellerTaxID(4242)[8:16]}},
		{"city+locked", store.Filter{Seller: "杭州", States: []store.State{store.StateLocked}}},
		{"number-last-digits", store.Filter{Query: storetest.Identity(777_775)[14:]}},
		{"number-prefix", store.Filter{Query: storetest.Identity(777_775)[:12]}},
		{"errors+type31", store.Filter{Findings: store.FindingsError, TypeCode: "31"}},
		{"page-deep", store.Filter{Before: benchInvoices / 2, States: []store.State{store.StateNew}}},
	}
	for _, tt := range filters {
		b.Run(tt.name, func(b *testing.B) {
			tt.f.Limit = 50
			p, err := s.Search(ctx, tt.f)
			if err != nil || len(p.Invoices) == 0 {
				b.Fatalf("Search(%+v): %d rows, %v", tt.f, len(p.Invoices), err)
			}
			for b.Loop() {
				if _, err := s.Search(ctx, tt.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}

// BenchmarkHistorySize reports the disk space one invoice takes, its scan
// and sighting, indexes and the audit log included.
func BenchmarkHistorySize(b *testing.B) {
	_, path := openBench(b)
	var size int64
	for b.Loop() {
		var err error
		if size, err = storetest.Size(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/benchInvoices, "B/invoice")
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}

func ExampleStore_Record() {
	// A file from "fapiao scan --save": record it, then show what the
	// history found beside the file's own findings.
	s, _ := store.Open("/tmp/fapiao-example/history.db")
	defer s.Close()
	qr := payload.Analyze("01,32,,24312000000136634917,0.01,20240514,,1DD6", time.Now())
	res, err := s.Record(context.Background(), store.ScanInput{
		File: "invoice.pdf", Source: store.SourceFile,
		Invoices: []store.InvoiceInput{{QR: qr, Page: 1, Findings: qr.Findings}},
	})
	if err != nil {
		fmt.Println(err) // errors.Is(err, store.ErrBusy): ask the clerk to retry
		return
	}
	for _, r := range res {
		if r.DuplicateOf != nil {
			fmt.Println("first seen in", r.DuplicateOf.File, "at", r.DuplicateOf.At)
		}
	}
}
