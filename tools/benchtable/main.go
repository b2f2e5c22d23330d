// Command benchtable reads the output of go test -bench on standard input and
// prints the results as an aligned table, one row per benchmark:
//
//	go test -run '^$' -bench . -benchmem ./... | go run ./tools/benchtable
//
// Lines that report failures are passed through to standard error, and the
// command exits 1 if the input shows any.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Result is one benchmark line. Metrics maps a unit ("ns/op", "B/op",
// "allocs/op", or a custom one) to its value as printed.
type Result struct {
	Package, Name string
	Iterations    string
	Metrics       map[string]string
}

// columns are the standard metrics, in order; custom ones (p99-ms,
// files/s, …) follow in a last column.
var columns = []string{"ns/op", "B/op", "allocs/op"}

func main() {
	results, failed, err := parse(os.Stdin, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if err := write(os.Stdout, results); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

// parse collects the benchmark results from go test output. Failure lines go
// to failures; failed reports whether there were any.
func parse(r io.Reader, failures io.Writer) (results []Result, failed bool, err error) {
	pkg := ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "panic:"):
			failed = true
			fmt.Fprintln(failures, line)
		case strings.HasPrefix(line, "Benchmark"):
			if res, ok := parseLine(line); ok {
				res.Package = pkg
				results = append(results, res)
			}
		}
	}
	return results, failed, sc.Err()
}

// parseLine reads "BenchmarkX-2  1000  123 ns/op  45 B/op  6 allocs/op".
func parseLine(line string) (Result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return Result{}, false
	}
	res := Result{Name: f[0], Iterations: f[1], Metrics: map[string]string{}}
	for i := 2; i+1 < len(f); i += 2 {
		res.Metrics[f[i+1]] = f[i]
	}
	return res, true
}

// write prints the table: names left-aligned, numbers right-aligned.
func write(w io.Writer, results []Result) error {
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "no benchmarks ran")
		return err
	}
	rows := [][]string{append(append([]string{"package", "benchmark", "iterations"}, columns...), "other")}
	for _, r := range results {
		row := []string{shortPackage(r.Package), r.Name, r.Iterations}
		for _, c := range columns {
			v := r.Metrics[c]
			if v == "" {
				v = "-"
			}
			row = append(row, v)
		}
		row = append(row, custom(r.Metrics))
		rows = append(rows, row)
	}
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], len(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			if i < 2 || i == len(row)-1 {
				fmt.Fprintf(&b, "%-*s", width[i], cell)
			} else {
				fmt.Fprintf(&b, "%*s", width[i], cell)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// custom lists the metrics outside columns as "value unit", by unit.
func custom(m map[string]string) string {
	var units []string
	for u := range m {
		if !slices.Contains(columns, u) {
			units = append(units, u)
		}
	}
	slices.Sort(units)
	var parts []string
	for _, u := range units {
		parts = append(parts, m[u]+" "+u)
	}
	return strings.Join(parts, ", ")
}

// shortPackage drops the module path, which is the same on every row.
func shortPackage(p string) string {
	const module = "github.com/fapiaoscanner/fapiao/"
	return strings.TrimPrefix(p, module)
}
