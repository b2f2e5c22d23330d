package uitest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/scan"
)

// Paper is a paper invoice's picture made by tools/invoicegen -paper: a
// clean print, an office scan or a phone photo, with what is printed on it.
type Paper struct {
	Path      string            // the picture
	Condition string            // clean, scan or photo
	QR        string            // the QR code's text
	Printed   map[string]string // the values printed, by the history's keys
	Altered   []string          // the keys whose printed value is not the QR code's
}

var (
	paperOnce sync.Once
	paperDir  string
	paperList []Paper
	paperErr  error
)

// PaperSeed and PaperCount are the paper invoices PaperInvoices makes: the
// generator's seed 4242, whose third picture is a phone photo and fourth an
// office scan.
const (
	PaperSeed  = 4242
	PaperCount = 4
)

// PaperInvoices renders paper invoices with tools/invoicegen -paper (built
// once per test binary, with the go command), for reading their printed
// values by OCR as a clerk's photos and scans are.
func PaperInvoices(t testing.TB) []Paper {
	t.Helper()
	paperOnce.Do(func() { paperDir, paperList, paperErr = makePaper() })
	if paperErr != nil {
		t.Fatal(paperErr)
	}
	return paperList
}

func makePaper() (string, []Paper, error) {
	dir, err := os.MkdirTemp("", "uitest-paper-")
	if err != nil {
		return "", nil, err
	}
	gen := filepath.Join(dir, "invoicegen")
	if b, err := exec.Command("go", "build", "-o", gen, "github.com/fapiaoscanner/fapiao/tools/invoicegen").CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("go build invoicegen: %v\n%s", err, b)
	}
	out := filepath.Join(dir, "paper")
	if b, err := exec.Command(gen, "-paper", "-out", out, "-seed", fmt.Sprint(PaperSeed), "-n", fmt.Sprint(PaperCount)).CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("invoicegen -paper: %v\n%s", err, b)
	}
	data, err := os.ReadFile(filepath.Join(out, "printed.json"))
	if err != nil {
		return "", nil, err
	}
	var rows []struct {
		File      string            `json:"file"`
		Condition string            `json:"condition"`
		QR        string            `json:"qr"`
		Printed   map[string]string `json:"printed"`
		Altered   []string          `json:"altered"`
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		return "", nil, fmt.Errorf("printed.json: %w", err)
	}
	var list []Paper
	for _, r := range rows {
		list = append(list, Paper{Path: filepath.Join(out, r.File), Condition: r.Condition, QR: r.QR, Printed: r.Printed, Altered: r.Altered})
	}
	return dir, list, nil
}

// Main runs a package's tests, then removes the paper invoices they made
// (PaperInvoices): func TestMain(m *testing.M) { os.Exit(uitest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if paperDir != "" {
		os.RemoveAll(paperDir)
	}
	return code
}

// PaperPicture is the first genuine paper invoice (its printed values
// those of its QR code) of condition: clean, scan or photo.
func PaperPicture(t testing.TB, condition string) Paper {
	t.Helper()
	for _, p := range PaperInvoices(t) {
		if p.Condition == condition && len(p.Altered) == 0 {
			return p
		}
	}
	t.Fatalf("the generator made no genuine %s", condition)
	return Paper{}
}

// OCRScanner is NewScanner with the printed values of pictures read by the
// real OCR engine, for the tests of how the window shows them; the engine
// missing fails the test (make test-deps installs it).
func OCRScanner(t testing.TB) *scan.Scanner {
	t.Helper()
	s := &scan.Scanner{Now: FixedNow}
	if err := s.OCRStatus(); err != nil {
		t.Fatalf("the tests need the OCR engine (make test-deps installs it): %v", err)
	}
	return s
}
