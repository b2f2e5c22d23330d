package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/fapiaoscanner/fapiao/ui
cpu: AMD EPYC
BenchmarkScanUpdate-2   	    2049	    583461 ns/op	  204512 B/op	    3120 allocs/op
PASS
ok  	github.com/fapiaoscanner/fapiao/ui	1.9s
pkg: github.com/fapiaoscanner/fapiao/core/payload
BenchmarkAnalyze/paper-2   	  500000	      2210 ns/op
BenchmarkBroken
PASS
`

func TestParse(t *testing.T) {
	var failures strings.Builder
	got, failed, err := parse(strings.NewReader(sample), &failures)
	if err != nil || failed || failures.Len() > 0 {
		t.Fatalf("parse: err %v, failed %v, failures %q", err, failed, failures.String())
	}
	want := []Result{
		{Package: "github.com/fapiaoscanner/fapiao/ui", Name: "BenchmarkScanUpdate-2", Iterations: "2049",
			Metrics: map[string]string{"ns/op": "583461", "B/op": "204512", "allocs/op": "3120"}},
		{Package: "github.com/fapiaoscanner/fapiao/core/payload", Name: "BenchmarkAnalyze/paper-2", Iterations: "500000",
			Metrics: map[string]string{"ns/op": "2210"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Package != w.Package || g.Name != w.Name || g.Iterations != w.Iterations || len(g.Metrics) != len(w.Metrics) {
			t.Errorf("result %d = %+v, want %+v", i, g, w)
		}
		for k, v := range w.Metrics {
			if g.Metrics[k] != v {
				t.Errorf("result %d %s = %q, want %q", i, k, g.Metrics[k], v)
			}
		}
	}

	var out strings.Builder
	if err := write(&out, got); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "ui") || !strings.HasSuffix(strings.TrimSpace(lines[2]), "-") {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestParseReportsFailures(t *testing.T) {
	in := "--- FAIL: BenchmarkX\nFAIL\tgithub.com/fapiaoscanner/fapiao/ui\t0.1s\n"
	var failures strings.Builder
	_, failed, err := parse(strings.NewReader(in), &failures)
	if err != nil || !failed {
		t.Fatalf("failed = %v, err = %v; want a failure", failed, err)
	}
	if !strings.Contains(failures.String(), "BenchmarkX") {
		t.Errorf("failures = %q, want the failing line", failures.String())
	}
}
