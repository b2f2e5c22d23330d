// Command heldout assembles the held-out generic QR corpora of `make bench`,
// from images that Go modules and Debian packages ship, with a truth.tsv of
// their texts. The QR engine was not tuned on them; nothing of them is kept
// in the repository.
//
//   - -set gozxing: the photos and scans of zxing's black-box and benchmark
//     sets that gozxing (the decoder, pinned in go.mod) ships as test data,
//     less those of the shared zxing-qr half.
//   - -set styled: clean and styled codes from other packages: go-qrcode's
//     examples (colours of equal brightness, dots for modules, gradients,
//     halftone, a logo, a transparent background), gocv's and pdfcpu's test
//     images, gozxing's multi-code tests, and QtQR's examples (Debian's qtqr,
//     fetched with apt-get download). Their texts come from the packages'
//     own sources (go-qrcode's README encodes its repository's address in
//     every example; the tests name theirs) and agree with what zxing-cpp
//     reads where it reads them.
//
// Usage: go run ./tools/qrbench/heldout [-go GO] [-set gozxing|styled] -out DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// source is one image: the module (path@version) or Debian package
// (name=version) that ships it, its path inside, and its texts.
type source struct {
	from, path string
	texts      []string
}

const (
	wikipedia = `MEBKM:URL:http\\://en.wikipedia.org/wiki/Main_Page;;`
	bluenile  = "http://google.com/gwt/n?u=bluenile.com"
	owen      = `Sean Owen\r\nsrowen@google.com\r\n917-364-2918\r\nhttp://awesome-thoughts.com`
	mecard    = "MECARD:N:Sean Owen;TEL:+12125658770;EMAIL:srowen@google.com;;"
	gozxing   = "github.com/makiuchi-d/gozxing" // the version go.mod pins
	yeqown    = "github.com/yeqown/go-qrcode/v2@v2.3.0"
	yeqownURL = "https://github.com/yeqown/go-qrcode"
	qtqr      = "qtqr=2.1~bzr46-4"
	qtqrDir   = "usr/share/doc/qtqr/examples/"
	bom       = "\ufeff" // QtQR writes a byte order mark before every text
)

// sets are the corpora by name; qrcode-1 and qrcode-6 of gozxing leave out
// the numbers the shared half holds.
var sets = map[string][]source{
	"gozxing": {
		{gozxing, "qrcode/testdata/qrcode-1.jpg", []string{"MECARD:N:Google 411,;TEL:18665881077;;"}},
		{gozxing, "qrcode/testdata/qrcode-2.jpg", []string{`UI office hours signup\r\nhttp://www.corp.google.com/sparrow/ui_office_hours/ \r\n`}},
		{gozxing, "qrcode/testdata/qrcode-3.jpg", []string{mecard}},
		{gozxing, "qrcode/testdata/qrcode-4.jpg", []string{mecard}},
		{gozxing, "qrcode/testdata/version1.png", []string{"QR Code Symbol"}},
		{gozxing, "qrcode/testdata/version1_mirrored.png", []string{"QR Code Symbol"}},
	},
	"styled": {
		{yeqown, "assets/repository_qrcode.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_bgfgcolor.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_bgtransparent.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_borderwidth.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_circleshape.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_composableshape.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_fggradient.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_halftone.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_logo.png", []string{yeqownURL}},
		{yeqown, "assets/example/qrcode_with_qrwidth.png", []string{yeqownURL}},
		{"gocv.io/x/gocv@v0.41.0", "images/qrcode.png", []string{"Hello World!"}},
		{"gocv.io/x/gocv@v0.41.0", "images/multi_qrcodes.png", []string{"foo", "bar"}},
		{"github.com/pdfcpu/pdfcpu", "pkg/testdata/resources/qr.png", []string{"https://pdfcpu.io"}},
		{gozxing, "multi/qrcode/testdata/1.png", []string{
			"You earned the class 5 EXTRA MINUTES OF RECESS!!  Fabulous!!  Way to go!!",
			"You earned the class a 5 MINUTE DANCE PARTY!!  Awesome!  Way to go!  Let's boogie!",
			"You get to CREATE OUR JOURNAL PROMPT FOR THE DAY!  Yay!  Way to go!  ",
			"You get to SIT AT MRS. SIGMON'S DESK FOR A DAY!!  Awesome!!  Way to go!! Guess I better clean up! :)",
		}},
		{gozxing, "multi/qrcode/testdata/sa.png", []string{"456789ABCDEFGHIJ", "ABCDEFGHIJKLMN", "KLMNOPQRSTUVWXYZ", "OPQRSTUVWXYZ0123"}},
		{qtqr, qtqrDir + "bookmark.png", []string{bom + "MEBKM:TITLE:QR Tools;URL:https://launchpad.net/qr-tools/;;"}},
		{qtqr, qtqrDir + "email-address.png", []string{bom + "mailto:algozino@gmail.com"}},
		{qtqr, qtqrDir + "email-message.png", []string{bom + "MATMSG:TO:algozino@gmail.com;SUB:Feedback on QtQR;BODY:I found your program to be very [insert your comments here];;"}},
		{qtqr, qtqrDir + "geo.png", []string{bom + "geo:-33.2995605,-66.3491821"}},
		{qtqr, qtqrDir + "mms.png", []string{bom + "MMSTO:+549265285524:MultimediaData"}},
		{qtqr, qtqrDir + "phonebook.png", []string{bom + "MECARD:N:ALGOZINO, Ramiro;TEL:+5492652855224;EMAIL:algozino@gmail.com;;"}},
		{qtqr, qtqrDir + "sms.png", []string{bom + "SMSTO:+5492652855224:Hello from [insert your name here]"}},
		{qtqr, qtqrDir + "telephone.png", []string{bom + "tel:+5492652855224"}},
		{qtqr, qtqrDir + "text-non-ascii.png", []string{bom + "This is non-ascii text:\\nUn ñandú suelto por las pampas con paragüas."}},
		{qtqr, qtqrDir + "text-plain.png", []string{bom + "This is a sample plain text"}},
		{qtqr, qtqrDir + "url.png", []string{bom + "http://launchpad.net/qr-tools"}},
	},
}

func init() {
	add := func(path, text string) {
		sets["gozxing"] = append(sets["gozxing"], source{gozxing, path, []string{text}})
	}
	for _, n := range []int{2, 3, 4, 5, 6, 8, 9, 10, 11, 12} {
		add(fmt.Sprintf("qrcode/testdata/qrcode-1/%d.png", n), wikipedia)
	}
	for _, n := range []int{14, 15} {
		add(fmt.Sprintf("qrcode/testdata/qrcode-1/%d.png", n), bluenile)
	}
	for _, n := range []int{16, 17, 19, 20} {
		add(fmt.Sprintf("qrcode/testdata/qrcode-1/%d.png", n), owen)
	}
	for _, n := range []int{2, 4, 6, 8, 10, 12, 14} {
		add(fmt.Sprintf("qrcode/testdata/qrcode-6/%d.png", n), "1234567890")
	}
}

func main() {
	out := flag.String("out", "build/bench/heldout", "the folder to write")
	goCmd := flag.String("go", "go", "the go command, to find and fetch the modules")
	set := flag.String("set", "gozxing", "which corpus: gozxing or styled")
	flag.Parse()
	files, ok := sets[*set]
	if !ok {
		fail(fmt.Errorf("no set %q", *set))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	roots := map[string]string{}
	var truth []string
	for _, f := range files {
		root, ok := roots[f.from]
		if !ok {
			var err error
			if root, err = fetch(*goCmd, f.from); err != nil {
				fail(err)
			}
			roots[f.from] = root
		}
		data, err := os.ReadFile(filepath.Join(root, f.path))
		if err != nil {
			fail(err)
		}
		name := strings.ReplaceAll(strings.TrimPrefix(f.path, "qrcode/testdata/"), "/", "_")
		if *set == "styled" {
			name = shortName(f.from) + "_" + filepath.Base(f.path)
		}
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fail(err)
		}
		for _, t := range f.texts {
			truth = append(truth, name+"\t"+t+"\n")
		}
	}
	sort.Strings(truth)
	if err := os.WriteFile(filepath.Join(*out, "truth.tsv"), []byte(strings.Join(truth, "")), 0o644); err != nil {
		fail(err)
	}
	cleanUp()
}

// fetch returns the folder holding a module's or a Debian package's files:
// a module of go.mod (no version) from the module cache, another module
// through `go mod download`, a package unpacked by dpkg-deb from what
// `apt-get download` fetched.
func fetch(goCmd, from string) (string, error) {
	if pkg, version, ok := strings.Cut(from, "="); ok {
		tmp, err := os.MkdirTemp("", "heldout-deb-")
		if err != nil {
			return "", err
		}
		temps = append(temps, tmp)
		// apt-get downloads as its own user, who must be able to write here.
		if err := os.Chmod(tmp, 0o777); err != nil {
			return "", err
		}
		get := exec.Command("apt-get", "download", pkg+"="+version)
		get.Dir, get.Stderr = tmp, os.Stderr
		if err := get.Run(); err != nil {
			return "", fmt.Errorf("apt-get download %s: %w", from, err)
		}
		debs, _ := filepath.Glob(filepath.Join(tmp, pkg+"_*.deb"))
		if len(debs) != 1 {
			return "", fmt.Errorf("apt-get download %s: no package file", from)
		}
		root := filepath.Join(tmp, "root")
		if out, err := exec.Command("dpkg-deb", "-x", debs[0], root).CombinedOutput(); err != nil {
			return "", fmt.Errorf("dpkg-deb -x %s: %v: %s", debs[0], err, out)
		}
		return root, nil
	}
	var cmd *exec.Cmd
	if strings.Contains(from, "@") {
		cmd = exec.Command(goCmd, "mod", "download", "-json", from)
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("go mod download %s: %w", from, err)
		}
		return jsonDir(out)
	}
	out, err := exec.Command(goCmd, "list", "-m", "-f", "{{.Dir}}", from).Output()
	if err != nil {
		return "", fmt.Errorf("finding %s's module: %w", from, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// jsonDir takes the Dir field out of `go mod download -json`.
func jsonDir(out []byte) (string, error) {
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", err
	}
	if m.Dir == "" {
		return "", fmt.Errorf("go mod download: %s", m.Error)
	}
	return m.Dir, nil
}

// shortName names a file's source in its corpus name: "gocv", "qtqr".
func shortName(from string) string {
	from, _, _ = strings.Cut(from, "@")
	from, _, _ = strings.Cut(from, "=")
	from = strings.TrimSuffix(from, "/v2")
	return filepath.Base(strings.TrimPrefix(from, "gocv.io/x/"))
}

// temps are the folders the Debian packages were unpacked in, removed
// before the command ends.
var temps []string

func cleanUp() {
	for _, t := range temps {
		os.RemoveAll(t)
	}
}

func fail(err error) {
	cleanUp()
	fmt.Fprintln(os.Stderr, "heldout:", err)
	os.Exit(1)
}
