package export_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/storetest"
)

// benchInvoices matches the store benchmarks, so both use one cached file.
const benchInvoices = 1_000_000

func benchExport(b *testing.B, f export.Format, limit int) {
	benchExportFrom(b, storetest.Path(b, benchInvoices), f, limit)
}

// BenchmarkServerExportCSVAll is BenchmarkExportCSVAll from the same
// history on a PostgreSQL server on this machine.
func BenchmarkServerExportCSVAll(b *testing.B) {
	benchExportFrom(b, storetest.Server(b, benchInvoices), export.CSV, 0)
}

func benchExportFrom(b *testing.B, path string, f export.Format, limit int) {
	s, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	out := filepath.Join(b.TempDir(), "export."+string(f))
	var sum export.Summary
	for b.Loop() {
		file, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		sum, err = export.Write(file, f, func(fn func(*store.Invoice) error) error {
			return s.Each(ctx, store.Filter{Limit: limit}, fn)
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := file.Close(); err != nil {
			b.Fatal(err)
		}
	}
	want := limit
	if want == 0 {
		want = benchInvoices
	}
	if sum.Rows != want {
		b.Fatalf("exported %d rows, want %d", sum.Rows, want)
	}
	fi, err := os.Stat(out)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/export")
	b.ReportMetric(float64(sum.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
}

// BenchmarkExportCSVAll exports every invoice of the million-invoice history.
func BenchmarkExportCSVAll(b *testing.B) { benchExport(b, export.CSV, 0) }

// BenchmarkExportXLSX100k exports the first 100,000 invoices as a workbook.
func BenchmarkExportXLSX100k(b *testing.B) { benchExport(b, export.XLSX, 100_000) }
