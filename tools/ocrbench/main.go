// Command ocrbench measures how well printed values are read from invoice
// pictures: per field and condition the share read right, the forged fields
// flagged "different", the false alarms, and the time per image, beside
// full-page Tesseract on the same images.
//
// Usage:
//
//	go run ./tools/invoicegen -paper -out DIR -seed N
//	go run ./tools/ocrbench [-baseline=false] [-noqr] DIR
//
// DIR holds the images and printed.json that invoicegen -paper wrote. With
// -noqr every image is read as if its QR code could not be decoded: the
// code is neither looked for nor handed to the reader, and the figures are
// those of the values read alone (nothing to compare, nothing flagged).
// Without -noqr, an image whose code the scan did not decode is scored on
// the values the scan shows for it, an invoice without a code; those
// images are listed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/ocr"
	"github.com/fapiaoscanner/fapiao/core/scan"
)

type truth struct {
	File      string            `json:"file"`
	Condition string            `json:"condition"`
	Layout    string            `json:"layout"`
	QR        string            `json:"qr"`
	Printed   map[string]string `json:"printed"`
	Altered   []string          `json:"altered"`
}

// fields are those measured, in the order shown; the first three are those
// the targets name.
var fields = []string{"number", "date", "total", "amount", "code", "check_code", "tax", "buyer_tax_id", "seller_tax_id", "buyer_name", "seller_name"}

type tally struct{ right, missing, wrong, n int }

func (t tally) rate() string {
	if t.n == 0 {
		return "-"
	}
	return fmt.Sprintf("%5.1f%%", 100*float64(t.right)/float64(t.n))
}

func main() {
	baseline := flag.Bool("baseline", true, "also time and score full-page Tesseract on every image")
	verbose := flag.Bool("v", false, "print every value read wrong")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	dump := flag.String("dump", "", "write every region given to the engine, with what it read, as PNG files to this directory")
	values := flag.String("values", "", "write every value read, one image a line, to this file (to compare two versions of the reader)")
	noQR := flag.Bool("noqr", false, "read every image as if its QR code could not be decoded: the printed values only, nothing to compare")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: ocrbench [-baseline=false] [-v] [-noqr] [-cpuprofile FILE] [-dump DIR] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	b, err := os.ReadFile(filepath.Join(dir, "printed.json"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "ocrbench: %v (make the corpus with invoicegen -paper)\n", err)
		os.Exit(1)
	}
	var ts []truth
	if err := json.Unmarshal(b, &ts); err != nil {
		fmt.Fprintf(os.Stderr, "ocrbench: printed.json: %v\n", err)
		os.Exit(1)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ocrbench: %v\n", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(os.Stderr, "ocrbench: %v\n", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	eng, err := ocr.Default()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ocrbench: %v\n", err)
		os.Exit(1)
	}
	ctx := context.Background()
	var valuesOut *os.File
	if *values != "" {
		if valuesOut, err = os.Create(*values); err != nil {
			fmt.Fprintf(os.Stderr, "ocrbench: %v\n", err)
			os.Exit(1)
		}
		defer valuesOut.Close()
	}
	var dumper *dumping
	if *dump != "" {
		if err := os.MkdirAll(*dump, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "ocrbench: %v\n", err)
			os.Exit(1)
		}
		dumper = &dumping{Engine: eng, dir: *dump}
		eng = dumper
	}
	ourEng := &timed{Engine: eng}
	s := &scan.Scanner{OCR: ourEng}
	fullEng := &timed{Engine: ocrEngine(eng)}
	byCond := map[string]map[string]*tally{}
	base := map[string]map[string]*tally{}
	all := map[string]*tally{}
	// whole counts the images with number, date and total all read right.
	whole := map[string]*tally{}
	var alteredN, flagged, falseDiff, genuine, genuineFalse int
	// codeless are the images whose QR code was not decoded, read as an
	// invoice without one.
	var codeless []string
	var ours, full, oursCPU time.Duration
	var ourN, fullN int
	// condCPU is the engine's CPU time per condition, ours and the full
	// page's, and the images it was spent on.
	type cpuPair struct {
		ours, full time.Duration
		n, fullN   int
	}
	condCPU := map[string]*cpuPair{}
	conds := []string{}
	for _, t := range ts {
		if byCond[t.Condition] == nil {
			byCond[t.Condition] = map[string]*tally{}
			base[t.Condition] = map[string]*tally{}
			conds = append(conds, t.Condition)
		}
		path := filepath.Join(dir, t.File)
		if dumper != nil {
			dumper.start(strings.TrimSuffix(t.File, filepath.Ext(t.File)))
		}
		start := time.Now()
		reads0, bands0 := ourEng.counts()
		eng0 := ourEng.cpuSoFar()
		cpu0, _ := processCPU()
		var inv *scan.Invoice
		var printed *document.Printed
		if *noQR {
			printed = readNoQR(ctx, ourEng, path)
		} else {
			r := s.File(ctx, path)
			for i := range r.Invoices {
				if r.Invoices[i].QR != nil && r.Invoices[i].QR.Raw == t.QR {
					inv = &r.Invoices[i]
					printed = inv.Printed
				}
			}
			if inv == nil {
				// The code not decoded: the clerk is shown the
				// values read as an invoice without a code, with
				// nothing to compare them with.
				for i := range r.Invoices {
					if r.Invoices[i].QR == nil && r.Invoices[i].Printed != nil {
						printed = r.Invoices[i].Printed
						codeless = append(codeless, t.File)
					}
				}
			}
		}
		ours += time.Since(start)
		cpu1, _ := processCPU()
		oursCPU += cpu1 - cpu0
		ourN++
		cc := condCPU[t.Condition]
		if cc == nil {
			cc = &cpuPair{}
			condCPU[t.Condition] = cc
		}
		cc.ours += ourEng.cpuSoFar() - eng0
		cc.n++
		got := map[string]string{}
		if printed != nil {
			p := printed
			got = map[string]string{"code": p.Code, "number": p.Number, "date": p.Date, "check_code": p.CheckCode,
				"amount": p.Amount, "tax": p.Tax, "total": p.Total, "buyer_name": p.BuyerName, "buyer_tax_id": p.BuyerTaxID,
				"seller_name": p.SellerName, "seller_tax_id": p.SellerTaxID}
		}
		if valuesOut != nil {
			reads1, bands1 := ourEng.counts()
			writeValues(valuesOut, t.File, got, inv)
			fmt.Fprintf(valuesOut, "  reads %d, bands %d\n", reads1-reads0, bands1-bands0)
		}
		for _, f := range fields {
			want := t.Printed[f]
			if want == "" {
				continue
			}
			for _, m := range []map[string]*tally{byCond[t.Condition], all} {
				if m[f] == nil {
					m[f] = &tally{}
				}
				m[f].n++
				switch got[f] {
				case want:
					m[f].right++
				case "":
					m[f].missing++
				default:
					m[f].wrong++
				}
			}
			if *verbose && got[f] != want {
				fmt.Printf("  %s %s: read %q, printed %q\n", t.File, f, got[f], want)
			}
		}
		if whole[t.Condition] == nil {
			whole[t.Condition] = &tally{}
		}
		whole[t.Condition].n++
		if got["number"] == t.Printed["number"] && got["date"] == t.Printed["date"] && got["total"] == t.Printed["total"] {
			whole[t.Condition].right++
		}
		// Altered fields must come out "different"; no other may. With
		// no code read there is nothing to compare with: what is read
		// wrong is counted per field above.
		if !*noQR {
			verdicts := map[string]compare.Verdict{}
			if inv != nil {
				for _, row := range inv.Comparison {
					verdicts[row.Field] = row.Verdict
				}
			}
			altered := map[string]bool{}
			for _, a := range t.Altered {
				altered[a] = true
				alteredN++
				if verdicts[a] == compare.Different {
					flagged++
				} else if *verbose {
					fmt.Printf("  %s: altered %s not flagged (%s)\n", t.File, a, verdicts[a])
				}
			}
			anyFalse := false
			for f, v := range verdicts {
				if v == compare.Different && !altered[f] {
					falseDiff++
					anyFalse = true
					fmt.Printf("  FALSE DIFFERENT %s %s\n", t.File, f)
				}
			}
			if len(t.Altered) == 0 {
				genuine++
				if anyFalse {
					genuineFalse++
				}
			}
		}
		if *baseline {
			full0 := fullEng.cpuSoFar()
			d, text, err := fullPage(ctx, fullEng, path)
			if err != nil {
				fmt.Fprintf(os.Stderr, "ocrbench: baseline %s: %v\n", t.File, err)
				continue
			}
			full += d
			fullN++
			cc.full += fullEng.cpuSoFar() - full0
			cc.fullN++
			for _, f := range fields {
				want := t.Printed[f]
				if want == "" {
					continue
				}
				m := base[t.Condition]
				if m[f] == nil {
					m[f] = &tally{}
				}
				m[f].n++
				if strings.Contains(text, printedForm(f, want)) {
					m[f].right++
				}
			}
		}
	}
	sort.Strings(conds)
	fmt.Printf("OCR bench: %d images in %s (%s)\n\n", len(ts), dir, eng.Name())
	fmt.Printf("%-13s %-8s", "field", "all")
	for _, c := range conds {
		fmt.Printf(" %-8s", c)
	}
	if *baseline {
		for _, c := range conds {
			fmt.Printf(" %-13s", "full-page "+c)
		}
	}
	fmt.Println()
	for _, f := range fields {
		if all[f] == nil {
			continue
		}
		fmt.Printf("%-13s %-8s", f, all[f].rate())
		for _, c := range conds {
			t := tally{}
			if byCond[c][f] != nil {
				t = *byCond[c][f]
			}
			fmt.Printf(" %-8s", t.rate())
		}
		if *baseline {
			for _, c := range conds {
				t := tally{}
				if base[c][f] != nil {
					t = *base[c][f]
				}
				fmt.Printf(" %-13s", t.rate())
			}
		}
		fmt.Printf("  (wrong %d, missing %d of %d)\n", all[f].wrong, all[f].missing, all[f].n)
	}
	// The three the targets name, together.
	var key tally
	keyCond := map[string]*tally{}
	for _, f := range fields[:3] {
		if all[f] != nil {
			key.right += all[f].right
			key.n += all[f].n
		}
		for _, c := range conds {
			if keyCond[c] == nil {
				keyCond[c] = &tally{}
			}
			if t := byCond[c][f]; t != nil {
				keyCond[c].right += t.right
				keyCond[c].n += t.n
			}
		}
	}
	fmt.Printf("\nnumber+date+total read right: %s", key.rate())
	for _, c := range conds {
		fmt.Printf(", %s %s", c, keyCond[c].rate())
	}
	fmt.Println()
	fmt.Printf("images with all three right:")
	for i, c := range conds {
		if i > 0 {
			fmt.Print(",")
		}
		fmt.Printf(" %s %s (%d of %d)", c, whole[c].rate(), whole[c].right, whole[c].n)
	}
	fmt.Println()
	if len(codeless) > 0 {
		fmt.Printf("QR code not decoded: %d images, their values as read without one (nothing to compare): %s\n", len(codeless), strings.Join(codeless, " "))
	}
	if *noQR {
		wrong := 0
		for _, t := range all {
			wrong += t.wrong
		}
		fmt.Printf("read as if no QR code could be decoded: values read wrong %d (no comparison)\n", wrong)
	} else {
		fmt.Printf("altered fields flagged different: %d of %d\n", flagged, alteredN)
		fmt.Printf("false different: %d (genuine invoices with one: %d of %d)\n", falseDiff, genuineFalse, genuine)
	}
	fmt.Printf("time per image: %.2f s (QR decoding and OCR)", ours.Seconds()/float64(max(ourN, 1)))
	if fullN > 0 {
		fmt.Printf(", full-page Tesseract %.2f s", full.Seconds()/float64(fullN))
	}
	fmt.Println()
	// The machine may be busy with other work: CPU time is steadier than
	// wall time, and the engine's reads are what OCR costs.
	n := float64(max(ourN, 1))
	fmt.Printf("CPU per image: %.2f s (QR decoding and OCR, whole process)\n", oursCPU.Seconds()/n)
	fmt.Printf("engine reads per image: %.1f, pixels read per image %.2f M, wall %.2f s, CPU %.2f s", float64(ourEng.reads)/n, float64(ourEng.pixels)/n/1e6, ourEng.wall.Seconds()/n, ourEng.cpu.Seconds()/n)
	if fullN > 0 && fullEng.wall > 0 {
		fn := float64(fullN)
		fmt.Printf("; full page wall %.2f s, CPU %.2f s: %.2f× wall", fullEng.wall.Seconds()/fn, fullEng.cpu.Seconds()/fn,
			(ourEng.wall.Seconds()/n)/(fullEng.wall.Seconds()/fn))
		if fullEng.cpu > 0 {
			fmt.Printf(", %.2f× CPU", (ourEng.cpu.Seconds()/n)/(fullEng.cpu.Seconds()/fn))
		}
	}
	fmt.Println()
	if fullN > 0 {
		fmt.Print("engine CPU per image by condition, ours ÷ full page:")
		sep := " "
		for _, c := range conds {
			cc := condCPU[c]
			if cc == nil || cc.fullN == 0 || cc.full == 0 {
				continue
			}
			o, f := cc.ours.Seconds()/float64(cc.n), cc.full.Seconds()/float64(cc.fullN)
			fmt.Printf("%s%s %.2f s ÷ %.2f s = %.2f×", sep, c, o, f, o/f)
			sep = ", "
		}
		fmt.Println()
	}
	if *verbose {
		var ks []string
		for k := range ourEng.byKind {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			kt := ourEng.byKind[k]
			fmt.Printf("  %-14s reads per image %4.1f, pixels %.2f M, CPU %.2f s\n", k, float64(kt.reads)/n, float64(kt.pixels)/n/1e6, kt.cpu.Seconds()/n)
		}
	}
}

func layoutName(l ocr.Layout) string {
	switch l {
	case ocr.Sparse:
		return "sparse"
	case ocr.Block:
		return "block"
	case ocr.Line:
		return "line"
	}
	return "page"
}

// timed is an engine whose reads are timed: wall time and the CPU time of
// the thread that reads (Tesseract reads on the caller's thread).
type timed struct {
	ocr.Engine
	mu        sync.Mutex
	wall, cpu time.Duration
	reads     int
	pixels    int
	// byKind is the CPU time and count of the reads of each charset and
	// layout, to see where the time goes.
	byKind map[string]*kindTime
}

type kindTime struct {
	cpu    time.Duration
	reads  int
	pixels int
}

func (t *timed) Read(ctx context.Context, img *image.Gray, opt ocr.Options) ([]ocr.Glyph, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0, ok0 := threadCPU()
	start := time.Now()
	gs, err := t.Engine.Read(ctx, img, opt)
	wall := time.Since(start)
	c1, ok1 := threadCPU()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.wall += wall
	if ok0 && ok1 {
		t.cpu += c1 - c0
	}
	t.reads++
	px := img.Bounds().Dx() * img.Bounds().Dy()
	t.pixels += px
	if t.byKind == nil {
		t.byKind = map[string]*kindTime{}
	}
	k := fmt.Sprintf("%s/%s", opt.Charset, layoutName(opt.Layout))
	if t.byKind[k] == nil {
		t.byKind[k] = &kindTime{}
	}
	t.byKind[k].cpu += c1 - c0
	t.byKind[k].reads++
	t.byKind[k].pixels += px
	return gs, err
}

// cpuSoFar is the CPU time of all reads so far.
func (t *timed) cpuSoFar() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cpu
}

// counts are the reads so far, and those of them in free text (bands).
func (t *timed) counts() (reads, bands int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k := t.byKind["text/sparse"]; k != nil {
		bands = k.reads
	}
	return t.reads, bands
}

// fullPage reads the whole image with Tesseract's automatic page layout, as
// the tesseract command does, and returns the time and the text without
// white space.
func fullPage(ctx context.Context, eng ocr.Engine, path string) (time.Duration, string, error) {
	img, err := imaging.Load(path)
	if err != nil {
		return 0, "", err
	}
	g := imaging.PlaneOf(img, imaging.Luma).Image()
	start := time.Now()
	gs, err := eng.Read(ctx, g, ocr.Options{Layout: ocr.Page})
	d := time.Since(start)
	var sb strings.Builder
	for _, x := range gs {
		sb.WriteString(x.Text)
	}
	return d, strings.Join(strings.Fields(sb.String()), ""), err
}

// printedForm is how a value appears in the printed text.
func printedForm(f, v string) string {
	if f == "date" && len(v) == 10 {
		return v[:4] + "年" + v[5:7] + "月" + v[8:] + "日"
	}
	return v
}

// readNoQR reads the printed values of the image at path as a page whose
// QR code cannot be decoded: the code is not looked for nor handed to the
// reader. nil when the image cannot be loaded or read.
func readNoQR(ctx context.Context, eng ocr.Engine, path string) *document.Printed {
	img, err := imaging.Load(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ocrbench: %s: %v\n", path, err)
		return nil
	}
	p, err := document.ReadImage(ctx, eng, img, document.ImageOptions{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ocrbench: %s: %v\n", path, err)
		return nil
	}
	return &p
}

// writeValues writes the values read from one image, with the verdict of
// each compared field, as one line: two versions of the reader are told
// apart by a diff of these files.
func writeValues(w *os.File, file string, got map[string]string, inv *scan.Invoice) {
	var sb strings.Builder
	sb.WriteString(file)
	for _, f := range fields {
		fmt.Fprintf(&sb, " %s=%q", f, got[f])
	}
	if inv != nil {
		var vs []string
		for _, row := range inv.Comparison {
			vs = append(vs, fmt.Sprintf("%s:%s", row.Field, row.Verdict))
		}
		sort.Strings(vs)
		sb.WriteString(" verdicts=" + strings.Join(vs, ","))
	}
	fmt.Fprintln(w, sb.String())
}
