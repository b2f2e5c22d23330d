package document

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// benchCorpus reads every real file of one format per iteration and reports
// files per second and the pages that had to be rendered (0 on the fast
// path: every QR code read from its embedded image or data).
func benchCorpus(b *testing.B, dir, pattern string) {
	files, _ := filepath.Glob(filepath.Join(shared.Path(b, "corpus", "real", dir), pattern))
	if len(files) == 0 {
		b.Skip("no files")
	}
	var data [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
	}
	// Start the PDF engine outside the timed loop: it is started once per
	// process.
	if _, err := ReadBytes(context.Background(), files[0], data[0], Options{}); err != nil {
		b.Fatal(err)
	}
	rendered, n := 0, 0
	start := time.Now()
	for b.Loop() {
		for i, d := range data {
			doc, err := ReadBytes(context.Background(), files[i], d, Options{})
			if err != nil {
				b.Fatalf("%s: %v", files[i], err)
			}
			rendered += doc.Rendered
			n++
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "files/s")
	b.ReportMetric(float64(rendered)/float64(b.N), "rendered/op")
	b.ReportMetric(float64(len(files)), "files/op")
}

func BenchmarkCorpusPDF(b *testing.B) { benchCorpus(b, "pdf", "*.pdf") }
func BenchmarkCorpusOFD(b *testing.B) { benchCorpus(b, "ofd", "*.ofd") }
