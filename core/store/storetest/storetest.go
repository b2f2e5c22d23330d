// Package storetest generates large invoice histories for benchmarks: a
// million invoices in the proportions an accounting office sees (数电 and
// older invoices, a few thousand sellers, most invoices reimbursed, some
// seen twice), built once and cached under build/bench/ in the repository.
package storetest

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/taxid"
)

// generatorVersion changes whenever Generate writes different data, so that
// a cached file from an older generator is rebuilt.
const generatorVersion = 1

// Sizes of the generated population.
const (
	Sellers = 5000
	Buyers  = 20
	codes   = 2000 // invoice codes of the older invoices
)

// Identity is the identity of generated invoice i (0 <= i < n): the same i
// always gives the same identity, whatever n.
func Identity(i int) string {
	if i%5 < 3 { // three in five are 数电
		return digitalNumber(i)
	}
	c, n := ordinary(i)
	return c + "-" + n
}

func digitalNumber(i int) string {
	return fmt.Sprintf("%02d%s1%015d", 23+i%4, []string{"31", "44", "11", "32"}[i%4], i)
}

func ordinary(i int) (code, number string) {
	k := i % codes
	code = fmt.Sprintf("0%02d%02d%05d11", 31+k%20, 23+k%4, k)
	return code, fmt.Sprintf("%08d", i/codes)
}

// SellerName is the name of generated seller k.
func SellerName(k int) string {
	cities := []string{"上海", "北京", "深圳", "广州", "杭州", "南京", "成都", "武汉"}
	trades := []string{"科技", "商贸", "餐饮管理", "物流", "咨询", "酒店管理", "建筑工程", "信息技术"}
	return fmt.Sprintf("%s%s%04d%s有限公司", cities[k%len(cities)], "市某某", k, trades[(k/8)%len(trades)])
}

// SellerTaxID is the valid unified social credit code of generated seller k.
func SellerTaxID(k int) string { return uscc(91_000000, k) }

func uscc(base, k int) string {
	first := fmt.Sprintf("%08d%09d", base, k*7+100000000)
	c, ok := taxid.CheckChar(first)
	if !ok {
		panic("storetest: bad tax ID body " + first)
	}
	return first + string(c)
}

// Path returns the cached history of n invoices, generating it the first
// time (one to two minutes for a million) and whenever the schema or the
// generator changes. Several test binaries may ask at once: one generates,
// the others wait for it.
func Path(tb testing.TB, n int) string {
	tb.Helper()
	dir, err := cacheDir()
	if err != nil {
		tb.Fatalf("benchmark history: %v", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("history-s%d-g%d-%d.db", store.SchemaVersion, generatorVersion, n))
	unlock, err := lock(filepath.Join(dir, ".lock"))
	if err != nil {
		tb.Fatalf("benchmark history: %v", err)
	}
	defer unlock()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tb.Logf("generating %d invoices into %s (once; cached for later runs)", n, path)
	start := time.Now()
	if err := Generate(path, n); err != nil {
		tb.Fatalf("benchmark history: %v", err)
	}
	tb.Logf("generated in %v", time.Since(start).Round(time.Millisecond))
	return path
}

// cacheDir is build/bench/ at the root of the repository.
func cacheDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "build", "bench")
			return dir, os.MkdirAll(dir, 0o755)
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod above the working directory")
		}
	}
}

// Generate writes a history of n invoices to path (replacing it) in one
// transaction with prepared statements. The indexes are dropped for the
// load and built afterwards, which is several times faster than keeping
// them up to date row by row.
func Generate(path string, n int) error {
	tmp := path + ".tmp"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		os.Remove(p)
	}
	s, err := store.Open(tmp)
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", tmp+"?_journal_mode=WAL&_synchronous=OFF&_foreign_keys=off&_cache_size=-262144")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	if err := load(db, n); err != nil {
		db.Close()
		return fmt.Errorf("generate %s: %w", path, err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func load(db *sql.DB, n int) error {
	ctx := context.Background()
	var indexes []string
	rows, err := db.QueryContext(ctx, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return err
		}
		names, indexes = append(names, name), append(indexes, ddl)
	}
	rows.Close()
	for _, name := range names {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return err
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	insParty := prep("INSERT INTO parties (id, tax_id, name) VALUES (?, ?, ?)")
	insScan := prep("INSERT INTO scans (id, file, sha256, source, at) VALUES (?, ?, ?, ?, ?)")
	insInvoice := prep(`INSERT INTO invoices (id, identity, type_code, code, number, number_rev, date, amount, tax, total,
		check_code, seller_id, buyer_id, printed, base_findings, findings, worst, state, state_at, state_by, first_scan_id, first_page,
		seen, verified_at, verified_by, verified_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insSighting := prep(`INSERT INTO sightings (scan_id, invoice_id, page, raw, kind, type_code, code, number, amount,
		date, check_code, seller_tax_id, printed, findings, duplicate) VALUES (?, ?, ?, ?, 'invoice', ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`)
	if err != nil {
		return err
	}
	for k := 0; k < Sellers; k++ {
		if _, err := insParty.ExecContext(ctx, k+1, SellerTaxID(k), SellerName(k)); err != nil {
			return err
		}
	}
	for k := 0; k < Buyers; k++ {
		name := fmt.Sprintf("某某集团第%d分公司", k+1)
		if _, err := insParty.ExecContext(ctx, Sellers+k+1, uscc(91_110000, k), name); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.Local)
	sum := make([]byte, 32)
	findings := []string{
		`[]`,
		`[{"code":"crc_missing","severity":"warning","message":"二维码没有校验值，无法离线核对","message_en":"no CRC: the text cannot be checked offline","field":"crc"}]`,
		`[{"code":"verify_too_old","severity":"info","message":"开票日期早于5年前，官方查验平台已不能查验","message_en":"issued more than 5 years ago: the official service no longer verifies it","field":"date"}]`,
		`[{"code":"tax_id_check","severity":"error","message":"纳税人识别号校验位不正确，可能抄错或伪造","message_en":"tax ID fails its check character: mistyped or forged","field":"seller_tax_id"}]`,
	}
	scanID := 0
	for i := 0; i < n; i++ {
		seller, buyer := rng.IntN(Sellers), rng.IntN(Buyers)
		issued := base.AddDate(0, 0, i*1280/max(n, 1)).Add(time.Duration(rng.IntN(86400)) * time.Second)
		seenAt := issued.Add(time.Duration(1+rng.IntN(30*24)) * time.Hour)
		date := issued.Format("2006-01-02")
		fen := int64(1000 + rng.IntN(5_000_000))
		rate := []int64{6, 13, 3, 9}[rng.IntN(4)]
		taxFen := fen * rate / 100
		amount, tax, total := fenText(fen), fenText(taxFen), fenText(fen+taxFen)
		identity := Identity(i)
		var typ, code, number, check, raw, qrAmount string
		if i%5 < 3 {
			typ, number = []string{"32", "32", "31"}[i%3], digitalNumber(i)
			qrAmount = total
			raw = payload.ComputeCRC(fmt.Sprintf("01,%s,,%s,%s,%s,", typ, number, total, issued.Format("20060102")))
			raw = fmt.Sprintf("01,%s,,%s,%s,%s,,%s", typ, number, total, issued.Format("20060102"), raw)
		} else {
			typ = []string{"10", "04", "01"}[i%3]
			code, number = ordinary(i)
			qrAmount = amount
			if typ != "01" {
				check = fmt.Sprintf("%020d", rng.Uint64()%100000000000000000)
			}
			body := fmt.Sprintf("01,%s,%s,%s,%s,%s,%s", typ, code, number, amount, issued.Format("20060102"), check)
			raw = body + "," + payload.ComputeCRC(body) + ","
		}
		printed, _ := json.Marshal(map[string]string{
			"seller_name": SellerName(seller), "seller_tax_id": SellerTaxID(seller),
			"buyer_name": fmt.Sprintf("某某集团第%d分公司", buyer+1), "buyer_tax_id": uscc(91_110000, buyer),
			"amount": amount, "tax": tax, "total": total, "date": issued.Format("2006年01月02日"),
		})
		f := 0
		switch r := rng.IntN(100); {
		case r < 2:
			f = 3
		case r < 12:
			f = 1
		case r < 15:
			f = 2
		}
		worst := []int{0, 2, 1, 3}[f]
		state, stateAt, stateBy := "new", int64(0), ""
		switch r := rng.IntN(100); {
		case r < 70:
			state = "reimbursed"
		case r < 75:
			state = "locked"
		case r < 77:
			state = "voided"
		case r < 78:
			state = "red_reversed"
		}
		if state != "new" {
			stateAt, stateBy = seenAt.Add(72*time.Hour).UnixNano(), "会计小陈"
		}
		verAt, verBy, verResult := int64(0), "", ""
		if rng.IntN(2) == 0 {
			verAt, verBy, verResult = seenAt.Add(time.Hour).UnixNano(), "会计小陈", []string{"ok", "warning", "info", "error"}[f]
		}
		seen := 1
		if rng.IntN(20) == 0 {
			seen = 2 // the PDF after the photo
		}
		for k := 0; k < seen; k++ {
			scanID++
			for j := 0; j < len(sum); j += 8 {
				binary.LittleEndian.PutUint64(sum[j:], rng.Uint64())
			}
			file := fmt.Sprintf("/home/clerk/发票/%s/%s.pdf", issued.Format("2006/01"), number)
			if k == 1 {
				file = fmt.Sprintf("/home/clerk/照片/IMG_%06d.jpg", i)
			}
			if _, err := insScan.ExecContext(ctx, scanID, file, hex.EncodeToString(sum), "folder",
				seenAt.Add(time.Duration(k)*240*time.Hour).UnixNano()); err != nil {
				return err
			}
			if k == 0 {
				fj := findings[f]
				if _, err := insInvoice.ExecContext(ctx, i+1, identity, typ, code, number, reverse(number), date,
					amount, tax, total, check, seller+1, Sellers+buyer+1, string(printed), fj, fj, worst,
					state, stateAt, stateBy, scanID, 1, seen, verAt, verBy, verResult); err != nil {
					return err
				}
			}
			sp := string(printed)
			if k == 1 {
				sp = "{}"
			}
			if _, err := insSighting.ExecContext(ctx, scanID, i+1, 1, raw, typ, code, number, qrAmount, date, check,
				sp, findings[f], k == 1); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, ddl := range indexes {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	for _, q := range []string{"ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func fenText(f int64) string { return fmt.Sprintf("%d.%02d", f/100, f%100) }

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// Size is the size on disk of the history at path, in bytes: the database
// file and any write-ahead log beside it.
func Size(path string) (int64, error) {
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, err
		}
		total += fi.Size()
	}
	return total, nil
}
