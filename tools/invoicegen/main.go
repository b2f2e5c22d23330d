// Command invoicegen renders a synthetic corpus of Chinese VAT invoice
// images for measuring QR decoders: clean renders, scans, phone photos and
// screenshots, with faint or blue print, seals, folds, rotations and heavy
// JPEG, and writes truth.tsv with the text of every code in them.
//
// Usage:
//
//	go run ./tools/invoicegen -out DIR -seed N [-n COUNT]
//	go run ./tools/invoicegen -paper -out DIR -seed N [-n COUNT]
//
// With -paper it writes the paper corpus instead: invoices of both layouts
// scanned or photographed, with the values printed on them in printed.json,
// some forged (printed total, number or date not what the QR code says), for
// measuring how printed values are read from pictures.
//
// The same seed and count give byte-identical files on the same platform.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
)

func main() {
	out := flag.String("out", "", "directory to write the images and truth.tsv into (required)")
	seed := flag.Uint64("seed", 1, "seed; the same seed gives the same corpus")
	n := flag.Int("n", 60, "number of images")
	paper := flag.Bool("paper", false, "write the paper corpus for OCR (printed.json) instead of the QR corpus")
	only := flag.String("only", "", "with -paper: write only the images of this condition (clean, scan or photo), each as the whole corpus has it")
	flag.Parse()
	if *out == "" || *n < 1 || flag.NArg() > 0 || (*only != "" && (!*paper || !paperCondition(*only))) {
		fmt.Fprintln(os.Stderr, "usage: invoicegen [-paper [-only clean|scan|photo]] -out DIR -seed N [-n COUNT]")
		os.Exit(2)
	}
	gen := generate
	if *paper {
		gen = func(dir string, seed uint64, n, workers int) error {
			return generatePaper(dir, seed, n, workers, *only)
		}
	}
	if err := gen(*out, *seed, *n, runtime.GOMAXPROCS(0)); err != nil {
		fmt.Fprintf(os.Stderr, "invoicegen: %v\n", err)
		os.Exit(1)
	}
}

// generated matches the files an earlier run wrote, which are removed so
// that a smaller corpus leaves no stale image without a truth line.
var generated = regexp.MustCompile(`^[0-9]{3,}-[a-z0-9-]+\.(png|jpg)$`)

// generate writes n images and truth.tsv into dir, using up to workers
// goroutines. Each image draws from its own generator seeded by (seed,
// index), so the output does not depend on scheduling.
func generate(dir string, seed uint64, n, workers int) error {
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
		if generated.MatchString(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}

	names := make([]string, n)
	texts := make([][]string, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, n)) {
		wg.Go(func() {
			for i := range next {
				names[i], texts[i], errs[i] = makeImage(dir, seed, i, fs)
			}
		})
	}
	// The slow images (photos) go first so that no worker is left with one
	// at the end; the order of work does not change any output.
	order := make([]int, 0, n)
	for _, slow := range []bool{true, false} {
		for i := range n {
			if scenarios[i%len(scenarios)].slow == slow {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	f, err := os.Create(filepath.Join(dir, "truth.tsv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range n {
		for _, t := range texts[i] {
			fmt.Fprintf(w, "%s\t%s\n", names[i], escape(t))
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func makeImage(dir string, seed uint64, i int, fs *fontSet) (string, []string, error) {
	sc := scenarios[i%len(scenarios)]
	j := &job{r: rand.New(rand.NewPCG(seed, uint64(i))), fs: fs, occ: i / len(scenarios)}
	res, err := sc.make(j)
	if err != nil {
		return "", nil, fmt.Errorf("image %d (%s): %w", i+1, sc.name, err)
	}
	ext := "png"
	if res.jpegQ > 0 {
		ext = "jpg"
	}
	name := fmt.Sprintf("%03d-%s.%s", i+1, res.name, ext)
	if err := save(filepath.Join(dir, name), res.img, res.jpegQ); err != nil {
		return "", nil, fmt.Errorf("image %d: %w", i+1, err)
	}
	return name, res.texts, nil
}

func save(path string, img image.Image, jpegQ int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if jpegQ > 0 {
		err = jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQ})
	} else {
		err = png.Encode(w, img)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// escape writes backslash, newline, tab and CR as \\, \n, \t, \r, as
// truth.tsv files do.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
}
