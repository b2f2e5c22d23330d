package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// Every fixture row through `fapiao parse --json -` gives its columns and CRC variant.
func TestParseFixturesJSON(t *testing.T) {
	b, err := os.ReadFile(shared.Path(t, "fixtures", "qr-payloads.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")[1:]
	var payloads []string
	for _, r := range rows {
		payloads = append(payloads, strings.Split(r, "\t")[0])
	}
	code, out, errs := run(t, strings.Join(payloads, "\n"), "parse", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(rows) {
		t.Fatalf("%d results for %d fixtures", len(lines), len(rows))
	}
	for i, r := range rows {
		c := strings.Split(r, "\t")
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
			t.Fatal(err)
		}
		crc := m["crc"].(map[string]any)
		got := []any{m["raw"], m["type_code"], m["code"], m["number"], m["amount"], strings.ReplaceAll(m["date"].(string), "-", ""),
			m["check_code"], crc["value"], crc["variant"], m["amount_meaning"], crc["ok"]}
		want := []any{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], "umts-" + c[8], strings.ReplaceAll(c[9], "-", "_"), true}
		for j := range want {
			if got[j] != want[j] {
				t.Errorf("fixture %d column %d: %v, want %v", i, j, got[j], want[j])
			}
		}
	}
}
