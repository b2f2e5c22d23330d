package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// A 数电 XML cut short, overwritten with zeros or with random bytes is a
// file that could not be read — corrupt or truncated, said in Chinese and
// in English — never an invoice saved without values; the whole file is
// an invoice entry with every documented key.
func TestScanTruncatedXML(t *testing.T) {
	whole, err := os.ReadFile(shared.Path(t, "corpus", "real", "xml", "gy3117577403-ai__fapiao__invoice_ea3b59de56de439995bffae77e1f6677.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zeros := append([]byte{}, whole...)
	copy(zeros[400:], make([]byte, 200))
	random := append([]byte{}, whole...)
	for i := 400; i < 600; i++ {
		random[i] = byte(i * 131)
	}
	files := map[string][]byte{"whole.xml": whole, "cut575.xml": whole[:575], "half.xml": whole[:len(whole)/2],
		"zeros.xml": zeros, "random.xml": random}
	var paths []string
	for n, b := range files {
		p := filepath.Join(dir, n)
		os.WriteFile(p, b, 0o644)
		paths = append(paths, p)
	}
	code, out, _ := run(t, "", append([]string{"scan", "--json", "--no-ocr"}, paths...)...)
	if code != exitFail {
		t.Errorf("exit %d, want 1", code)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			File     string                       `json:"file"`
			Error    string                       `json:"error"`
			Invoices []map[string]json.RawMessage `json:"invoices"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(r.File)
		if name == "whole.xml" {
			if r.Error != "" || len(r.Invoices) != 1 {
				t.Fatalf("whole.xml: %s", line)
			}
			for _, k := range []string{"qr", "printed", "comparison", "findings"} {
				if _, ok := r.Invoices[0][k]; !ok {
					t.Errorf("whole.xml: entry lacks %q: %s", k, line)
				}
			}
			continue
		}
		if !strings.Contains(r.Error, "corrupt or truncated") || len(r.Invoices) != 0 {
			t.Errorf("%s: %s", name, line)
		}
	}
	_, out, _ = run(t, "", "scan", "--no-ocr", filepath.Join(dir, "cut575.xml"))
	if !strings.Contains(out, "文件已损坏或不完整") || !strings.Contains(out, "corrupt or truncated") {
		t.Errorf("human output: %q", out)
	}
}
