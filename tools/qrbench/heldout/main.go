// Command heldout assembles the held-out generic QR corpus of `make bench`:
// the photos and scans of zxing's black-box and benchmark sets that gozxing
// (the decoder, pinned in go.mod) ships as test data, less those of the
// shared zxing-qr half, with a truth.tsv of their texts. The QR engine was
// not tuned on them.
//
// Usage: go run ./tools/qrbench/heldout [-go GO] -out build/bench/heldout
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	wikipedia = `MEBKM:URL:http\\://en.wikipedia.org/wiki/Main_Page;;`
	bluenile  = "http://google.com/gwt/n?u=bluenile.com"
	owen      = `Sean Owen\r\nsrowen@google.com\r\n917-364-2918\r\nhttp://awesome-thoughts.com`
	mecard    = "MECARD:N:Sean Owen;TEL:+12125658770;EMAIL:srowen@google.com;;"
)

// files are the test data paths under gozxing's qrcode/testdata and their
// texts, escaped as truth.tsv escapes them. qrcode-1 and qrcode-6 leave out
// the numbers the shared half holds.
var files = map[string]string{
	"qrcode-1.jpg":          "MECARD:N:Google 411,;TEL:18665881077;;",
	"qrcode-2.jpg":          `UI office hours signup\r\nhttp://www.corp.google.com/sparrow/ui_office_hours/ \r\n`,
	"qrcode-3.jpg":          mecard,
	"qrcode-4.jpg":          mecard,
	"version1.png":          "QR Code Symbol",
	"version1_mirrored.png": "QR Code Symbol",
}

func init() {
	for _, n := range []int{2, 3, 4, 5, 6, 8, 9, 10, 11, 12} {
		files[fmt.Sprintf("qrcode-1/%d.png", n)] = wikipedia
	}
	for _, n := range []int{14, 15} {
		files[fmt.Sprintf("qrcode-1/%d.png", n)] = bluenile
	}
	for _, n := range []int{16, 17, 19, 20} {
		files[fmt.Sprintf("qrcode-1/%d.png", n)] = owen
	}
	for _, n := range []int{2, 4, 6, 8, 10, 12, 14} {
		files[fmt.Sprintf("qrcode-6/%d.png", n)] = "1234567890"
	}
}

func main() {
	out := flag.String("out", "build/bench/heldout", "the folder to write")
	goCmd := flag.String("go", "go", "the go command, to find gozxing's module")
	flag.Parse()
	dir, err := exec.Command(*goCmd, "list", "-m", "-f", "{{.Dir}}", "github.com/makiuchi-d/gozxing").Output()
	if err != nil {
		fail(fmt.Errorf("finding gozxing's module: %w", err))
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "qrcode", "testdata")
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	var truth strings.Builder
	for f, text := range files {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			fail(err)
		}
		name := strings.ReplaceAll(f, "/", "_")
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fail(err)
		}
		fmt.Fprintf(&truth, "%s\t%s\n", name, text)
	}
	if err := os.WriteFile(filepath.Join(*out, "truth.tsv"), []byte(truth.String()), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "heldout:", err)
	os.Exit(1)
}
