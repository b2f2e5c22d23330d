// Command qrbench measures fapiao's QR decoding against Debian's zxing-cpp
// and zbar over corpora with a truth.tsv, all in one run, and prints a table:
// files fully right, codes right, wrong results, false results, wall and CPU
// time, the ratio of each decoder's wall time to zxing-cpp's and of its CPU
// time to the floor: the time reading and decoding the image files alone
// takes, on one core.
//
// Usage: go run ./tools/qrbench -fapiao bin/fapiao [-workers 2] NAME=DIR...
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
)

type fileOut struct {
	File  string
	Texts []string
	Err   string
}

type score struct {
	decoder             string
	files, filesRight   int
	codes, codesRight   int
	wrong, falseResults int
	unreadable          int
	wall, cpu           time.Duration
	missed              []string
}

func main() {
	bin := flag.String("fapiao", "bin/fapiao", "the fapiao binary to measure")
	workers := flag.Int("workers", 2, "workers for every decoder")
	peers := flag.String("peers", "zxingcpp,zbar", "peer decoders to run (zxingcpp, zbar), comma separated; empty for none")
	verbose := flag.Bool("v", false, "list the files each decoder got wrong")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: qrbench [-fapiao BIN] [-workers N] NAME=DIR...")
		os.Exit(2)
	}
	peerScript := filepath.Join(filepath.Dir(os.Args[0]), "peers.py")
	if _, err := os.Stat(peerScript); err != nil {
		peerScript = "tools/qrbench/peers.py"
	}
	for _, arg := range flag.Args() {
		name, dir, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "qrbench: %q is not NAME=DIR\n", arg)
			os.Exit(2)
		}
		truth, files, err := readTruth(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "qrbench: %v\n", err)
			os.Exit(1)
		}
		var row []score
		run := func(decoder string, cmd *exec.Cmd, parse func([]byte) ([]fileOut, error)) {
			start := time.Now()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			wall := time.Since(start)
			var cpu time.Duration
			if ps := cmd.ProcessState; ps != nil {
				cpu = ps.UserTime() + ps.SystemTime()
			}
			if err != nil && len(out) == 0 {
				fmt.Fprintf(os.Stderr, "qrbench: %s on %s: %v\n%s", decoder, name, err, stderr.String())
				os.Exit(1)
			}
			res, err := parse(out)
			if err != nil {
				fmt.Fprintf(os.Stderr, "qrbench: %s output: %v\n", decoder, err)
				os.Exit(1)
			}
			s := grade(decoder, truth, files, res)
			s.wall, s.cpu = wall, cpu
			row = append(row, s)
		}
		// QR codes only: the printed values are not read (no OCR), as
		// the peers read none.
		run("fapiao", exec.Command(*bin, append([]string{"scan", "--json", "--no-ocr", "--workers", fmt.Sprint(*workers)}, files...)...), parseFapiao)
		for _, p := range strings.Split(*peers, ",") {
			if p == "" {
				continue
			}
			run(p, exec.Command("/usr/bin/python3", append([]string{peerScript, p, fmt.Sprint(*workers)}, files...)...), parsePeer)
		}
		fl := floor(files)
		fmt.Printf("\n%s (%s): %d files, %d codes; floor (reading and decoding the image files alone, one core): %.2f s\n\n",
			name, dir, len(files), countCodes(truth), fl.Seconds())
		printTable(row, fl)
		if *verbose {
			for _, s := range row {
				fmt.Printf("  %s missed or wrong: %s\n", s.decoder, strings.Join(s.missed, " "))
			}
		}
	}
}

// readTruth reads DIR/truth.tsv and lists the image files of DIR.
func readTruth(dir string) (map[string][]string, []string, error) {
	f, err := os.Open(filepath.Join(dir, "truth.tsv"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	truth := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		name, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		truth[name] = append(truth[name], unescape(text))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == "truth.tsv" || strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		files = append(files, filepath.Join(dir, e.Name()))
	}
	return truth, files, sc.Err()
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func parseFapiao(out []byte) ([]fileOut, error) {
	var res []fileOut
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var r struct {
			File  string `json:"file"`
			Codes []struct {
				Text string `json:"text"`
			} `json:"codes"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, err
		}
		fo := fileOut{File: r.File, Err: r.Error}
		for _, c := range r.Codes {
			fo.Texts = append(fo.Texts, c.Text)
		}
		res = append(res, fo)
	}
	return res, nil
}

func parsePeer(out []byte) ([]fileOut, error) {
	var res []fileOut
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var r struct {
			File  string   `json:"file"`
			Texts []string `json:"texts"`
			Error string   `json:"error"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, err
		}
		res = append(res, fileOut{File: r.File, Texts: r.Texts, Err: r.Error})
	}
	return res, nil
}

func grade(decoder string, truth map[string][]string, files []string, res []fileOut) score {
	s := score{decoder: decoder, files: len(files), codes: countCodes(truth)}
	got := map[string]fileOut{}
	for _, r := range res {
		got[filepath.Base(r.File)] = r
	}
	for _, f := range files {
		name := filepath.Base(f)
		want := truth[name]
		r := got[name]
		if r.Err != "" {
			s.unreadable++
		}
		texts := dedupe(r.Texts)
		right := 0
		for _, t := range texts {
			switch {
			case slices.Contains(want, t):
				right++
			case len(want) == 0:
				s.falseResults++
			default:
				s.wrong++
			}
		}
		s.codesRight += right
		if right == len(dedupe(want)) && len(texts) == right {
			s.filesRight++
		} else {
			s.missed = append(s.missed, name)
		}
	}
	return s
}

// floor is the time reading and decoding the image files takes, one after
// the other on one core: what no decoder can go below.
func floor(files []string) time.Duration {
	start := time.Now()
	for _, f := range files {
		if data, err := imaging.ReadFile(f); err == nil {
			imaging.Decode(data)
		}
	}
	return time.Since(start)
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func countCodes(truth map[string][]string) int {
	n := 0
	for _, t := range truth {
		n += len(dedupe(t))
	}
	return n
}

func printTable(row []score, floor time.Duration) {
	var ref time.Duration
	for _, s := range row {
		if s.decoder == "zxingcpp" {
			ref = s.wall
		}
	}
	fmt.Printf("| decoder | files fully right | codes right | wrong results | false results | unreadable | wall time | CPU time | time / zxing-cpp | CPU / floor |\n")
	fmt.Printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range row {
		ratio := "–"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2f", s.wall.Seconds()/ref.Seconds())
		}
		perFloor := "–"
		if floor > 0 {
			perFloor = fmt.Sprintf("%.1f", s.cpu.Seconds()/floor.Seconds())
		}
		fmt.Printf("| %s | %d / %d | %d / %d | %d | %d | %d | %.2f s | %.2f s | %s | %s |\n",
			s.decoder, s.filesRight, s.files, s.codesRight, s.codes, s.wrong, s.falseResults, s.unreadable, s.wall.Seconds(), s.cpu.Seconds(), ratio, perFloor)
	}
}
