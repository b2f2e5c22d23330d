package main

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

// TestGenerate makes a small corpus twice, with different numbers of
// workers, and checks that the files and truth lines are there and that
// both runs wrote the same bytes.
func TestGenerate(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := generate(a, 42, 6, 2); err != nil {
		t.Fatal(err)
	}
	if err := generate(b, 42, 6, 1); err != nil {
		t.Fatal(err)
	}

	truth, err := os.ReadFile(filepath.Join(a, "truth.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(string(truth), "\n"), "\n") {
		name, text, ok := strings.Cut(l, "\t")
		if !ok || text == "" {
			t.Fatalf("truth line %q is not NAME<TAB>TEXT", l)
		}
		if _, err := os.Stat(filepath.Join(a, name)); err != nil {
			t.Errorf("truth names %s: %v", name, err)
		}
		lines[name]++
	}

	entries, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	var images []string
	for _, e := range entries {
		if e.Name() != "truth.tsv" {
			images = append(images, e.Name())
		}
	}
	if len(images) != 6 {
		t.Fatalf("got %d images, want 6: %v", len(images), images)
	}
	for i, name := range images {
		f, err := os.Open(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width < 300 || cfg.Height < 300 {
			t.Errorf("%s: %dx%d, %v", name, cfg.Width, cfg.Height, err)
		}
		want := 1
		switch sc := scenarios[i].name; {
		case sc == "two-invoices-a4":
			want = 2
		case strings.HasPrefix(sc, "no-qr"):
			want = 0
		}
		if !strings.HasPrefix(name, "00") || lines[name] != want {
			t.Errorf("%s: %d truth lines, want %d", name, lines[name], want)
		}

		other, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		mine, _ := os.ReadFile(filepath.Join(a, name))
		if !bytes.Equal(mine, other) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	other, _ := os.ReadFile(filepath.Join(b, "truth.tsv"))
	if !bytes.Equal(truth, other) {
		t.Error("truth.tsv differs between two runs with the same seed")
	}
}

// TestInvoices checks that generated payloads are what real invoices
// carry: they parse, their CRC matches, and the offline checks find no
// error; and that the tax IDs printed are valid.
func TestInvoices(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	types := map[string]int{}
	for i := range 400 {
		inv := newInvoice(rand.New(rand.NewPCG(7, uint64(i))))
		types[inv.typ]++
		r := payload.Analyze(inv.payload, now)
		if !r.IsInvoice() || !r.CRC.OK {
			t.Fatalf("%q: invoice %v, CRC %+v", inv.payload, r.IsInvoice(), r.CRC)
		}
		for _, f := range r.Findings {
			if f.Severity == finding.Error {
				t.Errorf("%q: %s: %s", inv.payload, f.Code, f.English)
			}
		}
		for _, id := range []string{inv.buyer.taxID, inv.seller.taxID} {
			if form, err := taxid.Validate(id); form != taxid.USCC || err != nil {
				t.Errorf("tax ID %s: %s, %v", id, form, err)
			}
		}
	}
	for _, typ := range []string{"01", "04", "10", "14", "20", "31", "32", "51"} {
		if types[typ] == 0 {
			t.Errorf("no invoice of type %s in 400", typ)
		}
	}
}

func TestCapitalAmount(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{63000, "陆佰叁拾圆整"},
		{100520, "壹仟零伍圆贰角"},
		{2640516, "贰万陆仟肆佰零伍圆壹角陆分"},
		{100000000, "壹佰万圆整"},
		{1000500, "壹万零伍圆整"},
		{7, "柒分"},
		{1203, "壹拾贰圆零叁分"},
	} {
		if got := capitalAmount(c.fen); got != c.want {
			t.Errorf("capitalAmount(%d) = %s, want %s", c.fen, got, c.want)
		}
	}
}

func TestEscape(t *testing.T) {
	if got, want := escape("a\\b\nc\td\re"), `a\\b\nc\td\re`; got != want {
		t.Errorf("escape = %q, want %q", got, want)
	}
}

// TestPaperOnly makes the paper corpus's first three images whole and
// with only its photos: the photo is the same file, and printed.json
// lists it alone.
func TestPaperOnly(t *testing.T) {
	all, photos := t.TempDir(), t.TempDir()
	if err := generatePaper(all, 42, 3, 2, ""); err != nil {
		t.Fatal(err)
	}
	if err := generatePaper(photos, 42, 3, 2, "photo"); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(photos)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "p003-photo.jpg printed.json" {
		t.Fatalf("files %v, want the third image and printed.json", names)
	}
	a, err := os.ReadFile(filepath.Join(all, "p003-photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(photos, "p003-photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the photo differs from the whole corpus's")
	}
	var truth []PaperTruth
	raw, err := os.ReadFile(filepath.Join(photos, "printed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	if len(truth) != 1 || truth[0].File != "p003-photo.jpg" || truth[0].Condition != "photo" {
		t.Errorf("printed.json %+v, want the photo alone", truth)
	}
	if paperCondition("fax") || !paperCondition("scan") {
		t.Error("paperCondition knows the wrong conditions")
	}
}
