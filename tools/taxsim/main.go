// Command taxsim serves, on loopback, a stand-in for a provider of invoice
// checks (查验) as its documentation describes it (core/verify/verifytest),
// so that the window's checks can be shown and tried without a cloud
// account. Its tax database holds the invoices of a history: those printed
// by `fapiao history --json`, read from standard input, each valid unless
// listed with -voided or -red.
//
// Usage:
//
//	fapiao history --json | go run ./tools/taxsim -provider tencent -id ID -key KEY [-voided N,N] [-red N,N]
//
// The endpoint is printed on the first line of standard output; point the
// app at it with FAPIAO_VERIFY_ENDPOINT, and give it the same credentials
// (FAPIAO_TENCENT_SECRET_ID/_KEY or FAPIAO_BAIDU_API_KEY/_SECRET_KEY).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify/verifytest"
)

func main() {
	url, stop, err := serve(os.Args[1:], os.Stdin, os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	defer stop()
	fmt.Println(url)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	<-ch
}

// serve starts the stand-in the command line asks for, over the history read
// from in; it returns its endpoint. Usage errors are written to stderr.
func serve(args []string, in io.Reader, stderr io.Writer) (string, func(), error) {
	fs := flag.NewFlagSet("taxsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	provider := fs.String("provider", "tencent", "tencent or baidu")
	id := fs.String("id", "", "the SecretId (Tencent) or API Key (Baidu) requests must carry")
	key := fs.String("key", "", "the SecretKey (Tencent) or Secret Key (Baidu) requests must be signed with")
	voided := fs.String("voided", "", "invoice numbers the tax database says are voided (作废), comma-separated")
	red := fs.String("red", "", "invoice numbers the tax database says are red-reversed (红冲), comma-separated")
	if err := fs.Parse(args); err != nil {
		return "", nil, err
	}
	if *id == "" || *key == "" || fs.NArg() > 0 || (*provider != "tencent" && *provider != "baidu") {
		fmt.Fprintln(stderr, "usage: fapiao history --json | taxsim -provider tencent|baidu -id ID -key KEY [-voided N,N] [-red N,N]")
		return "", nil, errors.New("usage")
	}
	invs, err := readHistory(in, statuses(*voided, verifytest.Voided, statuses(*red, verifytest.Red, nil)))
	if err != nil {
		fmt.Fprintln(stderr, "taxsim:", err)
		return "", nil, err
	}
	if *provider == "baidu" {
		b := verifytest.NewBaidu(*id, *key, invs...)
		return b.URL, b.Close, nil
	}
	t := verifytest.NewTencent(*id, *key, invs...)
	return t.URL, t.Close, nil
}

func statuses(list string, st verifytest.Status, into map[string]verifytest.Status) map[string]verifytest.Status {
	if into == nil {
		into = map[string]verifytest.Status{}
	}
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			into[n] = st
		}
	}
	return into
}

// readHistory reads the invoices of `fapiao history --json`, one a line.
func readHistory(in io.Reader, status map[string]verifytest.Status) ([]verifytest.Invoice, error) {
	var out []verifytest.Invoice
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var inv store.Invoice
		if err := json.Unmarshal(sc.Bytes(), &inv); err != nil {
			return nil, fmt.Errorf("line %d: not an invoice of fapiao history --json: %w", n, err)
		}
		if inv.Number == "" {
			continue
		}
		out = append(out, verifytest.Invoice{Type: inv.TypeCode, Code: inv.Code, Number: inv.Number, Date: inv.Date,
			Amount: text(inv.Amount), Tax: text(inv.Tax), Total: text(inv.Total), CheckCode: inv.CheckCode,
			SellerName: inv.SellerName, SellerTaxID: inv.SellerTaxID, BuyerName: inv.BuyerName, BuyerTaxID: inv.BuyerTaxID,
			Status: status[inv.Number]})
	}
	return out, sc.Err()
}

func text(d *money.Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}
