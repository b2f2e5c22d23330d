package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	_ "github.com/mattn/go-sqlite3"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// childEnv makes the test binary run the command line instead of the tests,
// so that a real process can be killed.
const childEnv = "FAPIAO_CLI_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Exit(Run(Services{}, strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(pgtest.Main(m)) // stops the PostgreSQL server team tests start
}

// child starts the command line in a process of its own, its standard
// output read line by line.
func child(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(args, "\x1f"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	return cmd, sc, &stderr
}

// writeInvoiceImages writes n small PNG images, each holding a distinct
// invoice QR code, and returns their identities by file name.
func writeInvoiceImages(t *testing.T, dir string, n int) map[string]string {
	t.Helper()
	ids := map[string]string{}
	w := qrcode.NewQRCodeWriter()
	for i := range n {
		body := fmt.Sprintf("01,32,,2531200000%010d,%d.00,20250101,", i, 100+i)
		text := body + "," + payload.ComputeCRC(body)
		m, err := w.Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
			map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 4})
		if err != nil {
			t.Fatal(err)
		}
		img := image.NewGray(image.Rect(0, 0, m.GetWidth()*2, m.GetHeight()*2))
		for y := range img.Rect.Dy() {
			for x := range img.Rect.Dx() {
				if !m.Get(x/2, y/2) {
					img.SetGray(x, y, color.Gray{255})
				}
			}
		}
		name := filepath.Join(dir, fmt.Sprintf("%04d.png", i))
		var b bytes.Buffer
		png.Encode(&b, img)
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		ids[name] = fmt.Sprintf("2531200000%010d", i)
	}
	return ids
}

// kill -9 during an import of 1,000 files loses nothing committed, leaves a
// database that passes the integrity check, and the next run carries on.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: the crash test imports 1,000 files")
	}
	dir := t.TempDir()
	imgs := filepath.Join(dir, "invoices")
	os.Mkdir(imgs, 0o755)
	ids := writeInvoiceImages(t, imgs, 1000)
	db := filepath.Join(dir, "history.db")

	cmd, sc, stderr := child(t, "scan", "--json", "--no-ocr", "--save", "--db", db, "--workers", "2", imgs)
	// A line is printed only after its file was committed. Kill the child
	// in the middle of the batch, at a moment it chose by itself.
	printed := map[string]bool{}
	for sc.Scan() {
		var r struct {
			File     string `json:"file"`
			Invoices []struct {
				DuplicateOf *store.Sighting `json:"duplicate_of"`
			} `json:"invoices"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("child printed %q: %v", sc.Text(), err)
		}
		printed[r.File] = true
		if len(printed) == 300 {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	cmd.Wait()
	if len(printed) < 300 {
		t.Fatalf("child ended after %d files: %s", len(printed), stderr.String())
	}

	sqldb, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := sqldb.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var n int
	sqldb.QueryRow("SELECT COUNT(*) FROM scans").Scan(&n)
	sqldb.Close()
	if n < len(printed) {
		t.Fatalf("%d files reported recorded, %d scans in the history", len(printed), n)
	}

	// The next run carries on: every invoice ends up recorded, those of the
	// first run flagged as seen before.
	code, stdout, errs := run(t, "", "scan", "--json", "--no-ocr", "--save", "--db", db, "--workers", "2", imgs)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errs)
	}
	dups := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r struct {
			File     string `json:"file"`
			Invoices []struct {
				QR          struct{ Number string } `json:"qr"`
				DuplicateOf *store.Sighting         `json:"duplicate_of"`
			} `json:"invoices"`
		}
		json.Unmarshal([]byte(line), &r)
		if len(r.Invoices) != 1 || r.Invoices[0].QR.Number != ids[r.File] {
			t.Fatalf("second run read %s as %+v", r.File, r.Invoices)
		}
		if r.Invoices[0].DuplicateOf != nil {
			dups++
		} else if printed[r.File] {
			t.Errorf("%s was recorded by the first run but is not flagged as a duplicate", r.File)
		}
	}
	if dups < len(printed) {
		t.Errorf("%d duplicates, want at least %d", dups, len(printed))
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}
