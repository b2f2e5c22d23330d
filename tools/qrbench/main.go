// Command qrbench measures fapiao's QR decoding against Debian's zxing-cpp
// and zbar over corpora with a truth.tsv, all in one run, and prints a table:
// files fully right, codes right, wrong results, false results, wall and CPU
// time, the ratio of each decoder's wall time to zxing-cpp's and of its CPU
// time to the floor: the time reading and decoding the image files alone
// takes, on one core.
//
// With -runs N every decoder runs N times, taking turns: the times are the
// medians, and a file read otherwise in a later run is counted unstable
// (fapiao's budget is work, not seconds, so a loaded machine must not
// change what it reads).
//
// Usage: go run ./tools/qrbench -fapiao bin/fapiao [-workers 2] [-runs N] NAME=DIR...
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
	unstable            int
	wall, cpu           time.Duration
	missed              []string
}

func main() {
	bin := flag.String("fapiao", "bin/fapiao", "the fapiao binary to measure")
	workers := flag.Int("workers", 2, "workers for every decoder")
	peers := flag.String("peers", "zxingcpp,zbar", "peer decoders to run (zxingcpp, zbar), comma separated; empty for none")
	verbose := flag.Bool("v", false, "list the files each decoder got wrong")
	runs := flag.Int("runs", 1, "runs of every decoder: the times given are their medians, the results the first run's, and files read otherwise in a later run are counted unstable")
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
		type decoder struct {
			name  string
			cmd   func() *exec.Cmd
			parse func([]byte) ([]fileOut, error)
			walls []time.Duration
			cpus  []time.Duration
			first []fileOut
			// unstable are the files some later run read otherwise than
			// the first: a budget of work, not of seconds, keeps none.
			unstable map[string]bool
		}
		// QR codes only: the printed values are not read (no OCR), as
		// the peers read none.
		decs := []*decoder{{name: "fapiao", parse: parseFapiao, cmd: func() *exec.Cmd {
			return exec.Command(*bin, append([]string{"scan", "--json", "--no-ocr", "--workers", fmt.Sprint(*workers)}, files...)...)
		}}}
		for _, p := range strings.Split(*peers, ",") {
			if p != "" {
				decs = append(decs, &decoder{name: p, parse: parsePeer, cmd: func() *exec.Cmd {
					return exec.Command("/usr/bin/python3", append([]string{peerScript, p, fmt.Sprint(*workers)}, files...)...)
				}})
			}
		}
		load := loadAverage()
		// The decoders take turns, run after run, so that the load other
		// programs put on the machine weighs on all of them alike.
		for range max(*runs, 1) {
			for _, d := range decs {
				cmd := d.cmd()
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
					fmt.Fprintf(os.Stderr, "qrbench: %s on %s: %v\n%s", d.name, name, err, stderr.String())
					os.Exit(1)
				}
				res, err := d.parse(out)
				if err != nil {
					fmt.Fprintf(os.Stderr, "qrbench: %s output: %v\n", d.name, err)
					os.Exit(1)
				}
				d.walls, d.cpus = append(d.walls, wall), append(d.cpus, cpu)
				if d.first == nil {
					d.first, d.unstable = res, map[string]bool{}
				} else {
					for _, f := range differing(d.first, res) {
						d.unstable[f] = true
					}
				}
			}
		}
		var row []score
		for _, d := range decs {
			s := grade(d.name, truth, files, d.first)
			s.wall, s.cpu, s.unstable = median(d.walls), median(d.cpus), len(d.unstable)
			row = append(row, s)
		}
		fl := floor(files)
		fmt.Printf("\n%s (%s): %d files, %d codes; floor (reading and decoding the image files alone, one core): %.2f s; load average %s",
			name, dir, len(files), countCodes(truth), fl.Seconds(), load)
		if *runs > 1 {
			fmt.Printf("; times are the median of %d runs", *runs)
		}
		fmt.Printf("\n\n")
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
	fmt.Printf("| decoder | files fully right | codes right | wrong results | false results | unreadable | unstable | wall time | CPU time | time / zxing-cpp | CPU / floor |\n")
	fmt.Printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range row {
		ratio := "–"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2f", s.wall.Seconds()/ref.Seconds())
		}
		perFloor := "–"
		if floor > 0 {
			perFloor = fmt.Sprintf("%.1f", s.cpu.Seconds()/floor.Seconds())
		}
		fmt.Printf("| %s | %d / %d | %d / %d | %d | %d | %d | %d | %.2f s | %.2f s | %s | %s |\n",
			s.decoder, s.filesRight, s.files, s.codesRight, s.codes, s.wrong, s.falseResults, s.unreadable, s.unstable, s.wall.Seconds(), s.cpu.Seconds(), ratio, perFloor)
	}
}

// differing lists the files whose texts (in any order, once each) b gives
// otherwise than a.
func differing(a, b []fileOut) []string {
	key := func(r fileOut) string {
		t := dedupe(r.Texts)
		slices.Sort(t)
		return strings.Join(t, "\x00")
	}
	was := map[string]string{}
	for _, r := range a {
		was[filepath.Base(r.File)] = key(r)
	}
	var out []string
	for _, r := range b {
		if was[filepath.Base(r.File)] != key(r) {
			out = append(out, filepath.Base(r.File))
		}
	}
	return out
}

// median is the middle of ds (the mean of the two middle ones).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// loadAverage is the machine's load over the last minute, as /proc tells
// it, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}
