package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// The paper corpus: invoices of both layouts (税控 and 数电) printed and
// then scanned or photographed, with the values printed on them known, so
// that reading the paper (OCR) can be measured. Some are forged: their
// printed total, number or date is not what their QR code carries.

// paperScenarios are the conditions of the paper corpus, in turn.
var paperScenarios = []struct {
	cond string // clean, scan or photo: what the figures are grouped by
	make func(j *job) (*result, error)
}{
	{"clean", func(j *job) (*result, error) { return j.clean(150 + 50*float64(j.r.IntN(2))) }},
	{"scan", func(j *job) (*result, error) { return j.lowDPI(100+20*float64(j.r.IntN(2)), false) }},
	{"photo", func(j *job) (*result, error) { return j.photo(2200+j.r.IntN(1400), false, false) }},
	{"scan", (*job).rotateSmall},
	{"clean", func(j *job) (*result, error) { return j.clean(300) }},
	{"photo", func(j *job) (*result, error) { return j.photo(2600+j.r.IntN(1200), false, false) }},
}

// PaperTruth is one image of the paper corpus, as written to printed.json.
type PaperTruth struct {
	File      string            `json:"file"`
	Condition string            `json:"condition"`
	Layout    string            `json:"layout"` // "税控" or "数电"
	QR        string            `json:"qr"`
	Printed   map[string]string `json:"printed"`
	// Altered lists the printed fields that differ from the QR code:
	// "number", "date", "amount" (the printed totals).
	Altered []string `json:"altered"`
	// DotMatrix is true when the values were printed by a dot-matrix
	// printer a few millimetres off their boxes (税控 paper invoices).
	DotMatrix bool `json:"dot_matrix,omitempty"`
}

var paperGenerated = regexp.MustCompile(`^p[0-9]{3,}-[a-z]+\.(png|jpg)$`)

// paperCondition reports whether cond is one of the paper corpus's.
func paperCondition(cond string) bool {
	for _, sc := range paperScenarios {
		if sc.cond == cond {
			return true
		}
	}
	return false
}

// generatePaper writes n paper invoice images and printed.json into dir;
// with only set, just those of n whose condition it names, each the same
// image (and file name) as in the whole corpus.
func generatePaper(dir string, seed uint64, n, workers int, only string) error {
	fs, err := loadFonts()
	if err != nil {
		return fmt.Errorf("load fonts: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range old {
		if paperGenerated.MatchString(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	var idx []int
	for i := range n {
		if only == "" || paperScenarios[i%len(paperScenarios)].cond == only {
			idx = append(idx, i)
		}
	}
	truth := make([]PaperTruth, len(idx))
	errs := make([]error, len(idx))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(idx))) {
		wg.Go(func() {
			for k := range next {
				truth[k], errs[k] = makePaper(dir, seed, idx[k], fs)
			}
		})
	}
	for k := range idx {
		next <- k
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	b, err := json.MarshalIndent(truth, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "printed.json"), append(b, '\n'), 0o644)
}

func makePaper(dir string, seed uint64, i int, fs *fontSet) (PaperTruth, error) {
	sc := paperScenarios[i%len(paperScenarios)]
	// The forgery is drawn from its own generator, so that the images
	// themselves do not depend on whether one is forged.
	fr := rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(i)))
	var altered []string
	j := &job{r: rand.New(rand.NewPCG(seed, uint64(i)|1<<40)), fs: fs, occ: i / len(paperScenarios)}
	if fr.IntN(5) < 2 {
		j.alter = func(inv *invoice) { altered = append(altered, forge(inv, fr)) }
	}
	// So is the printer: with or without it, the rest of the image is the
	// same as it would be.
	dr := rand.New(rand.NewPCG(seed^0x5851f42d4c957f2d, uint64(i)))
	dotted := false
	j.press = func(inv *invoice) {
		if !inv.digital && dr.IntN(2) == 0 {
			inv.dot, dotted = newDotPrint(dr), true
		}
	}
	res, err := sc.make(j)
	if err != nil {
		return PaperTruth{}, fmt.Errorf("paper image %d (%s): %w", i+1, sc.cond, err)
	}
	ext := "png"
	if res.jpegQ > 0 {
		ext = "jpg"
	}
	name := fmt.Sprintf("p%03d-%s.%s", i+1, sc.cond, ext)
	if err := save(filepath.Join(dir, name), res.img, res.jpegQ); err != nil {
		return PaperTruth{}, fmt.Errorf("paper image %d: %w", i+1, err)
	}
	inv := j.invs[0]
	layout := "税控"
	if inv.digital {
		layout = "数电"
	}
	return PaperTruth{File: name, Condition: sc.cond, Layout: layout, QR: inv.payload,
		Printed: printedOf(inv), Altered: nonNilStrings(altered), DotMatrix: dotted}, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// printedOf is what the form prints, by the keys of the printed values.
func printedOf(inv *invoice) map[string]string {
	return map[string]string{
		"code": inv.code, "number": inv.number,
		"date":       fmt.Sprintf("%04d-%02d-%02d", inv.year, inv.month, inv.day),
		"check_code": inv.check,
		"amount":     fen(inv.net), "tax": fen(inv.tax), "total": fen(inv.net + inv.tax),
		"buyer_name": inv.buyer.name, "buyer_tax_id": inv.buyer.taxID,
		"seller_name": inv.seller.name, "seller_tax_id": inv.seller.taxID,
	}
}

// forge changes one printed value after the QR code was made, as a forger
// would on paper: the totals (the first line's amount, so that the form
// still adds up), one digit of the number, or the day of the date.
func forge(inv *invoice, r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		d := int64(100 * (1 + r.IntN(900)))
		if r.IntN(2) == 0 && inv.items[0].amount > 2*d {
			d = -d
		}
		inv.items[0].amount += d
		inv.net += d
		return "amount"
	case 1:
		b := []byte(inv.number)
		k := len(b) - 1 - r.IntN(min(6, len(b)))
		b[k] = byte('0' + (int(b[k]-'0')+1+r.IntN(9))%10)
		inv.number = string(b)
		return "number"
	}
	inv.day = 1 + (inv.day-1+1+r.IntN(27))%28
	return "date"
}
