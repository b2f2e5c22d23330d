package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/sealed"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify"
)

func init() {
	register(command{"verify", "check invoices with the tax authority (查验) through Tencent Cloud or Baidu AI Cloud; with --save, record every answer in the history",
		"[--provider tencent|baidu] [--endpoint URL] [--json] [--save] [--db PATH] [--clerk NAME] PAYLOAD|IDENTITY|FILE... (- reads payloads from stdin)", runVerify})
}

// verifyJSON is one line of `verify --json` (docs/cli-json.md).
type verifyJSON struct {
	Input     string            `json:"input"`
	Identity  string            `json:"identity"`
	InvoiceID int64             `json:"invoice_id,omitempty"`
	Status    string            `json:"status"`
	Kind      string            `json:"kind,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	Missing   []string          `json:"missing,omitempty"`
	Provider  string            `json:"provider"`
	RequestID string            `json:"request_id"`
	At        *time.Time        `json:"at"`
	Code      string            `json:"code,omitempty"`
	Partial   bool              `json:"partial,omitempty"`
	Official  map[string]string `json:"official"`
	Findings  []finding.Finding `json:"findings"`
	Attempts  int               `json:"attempts"`
	CheckID   int64             `json:"check_id,omitempty"`
}

// Kinds of verifyJSON.Kind beside verify.Kind*: why nothing was sent.
const (
	kindInput       = "input"       // not an invoice, a file that cannot be read, an identity not in the history
	kindMissing     = "missing"     // a value the provider needs: see missing
	kindUnsupported = "unsupported" // a type the provider does not check
	kindHistory     = "history"     // the history failed
)

// verifyItem is one invoice to check, as the arguments gave it.
type verifyItem struct {
	input string
	inv   verify.Invoice
	id    int64 // in the history; 0 when not recorded there
	err   error // why it cannot be checked
}

type verifyRun struct {
	e        *env
	provider verify.Provider
	keys     *sealed.Keyring
	save     bool
	dbPath   string
	st       *store.Store // open when needed
	checker  *verify.Checker
}

func runVerify(e *env, args []string) int {
	fs := e.flags("verify")
	providerName := fs.String("provider", "", "tencent or baidu (default: the one chosen in the settings, else the one configured)")
	endpoint := fs.String("endpoint", "", "the provider's base URL (default $FAPIAO_VERIFY_ENDPOINT, else the settings, else the provider's own)")
	asJSON := fs.Bool("json", false, "print one JSON object per invoice, one per line (docs/cli-json.md)")
	save := fs.Bool("save", false, "record the invoices and every answer in the history; at most 5 answers an invoice a day")
	clerk := fs.String("clerk", "", "who checks (default: the clerk set with 'fapiao clerk', else the login name)")
	db := e.dbFlag(fs, "history to record in (implies --save), and to read identities and settings from")
	e.langFlag(fs)
	keys := e.keyFlags(fs)
	pos, code, done := e.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(pos) == 0 {
		return e.usageError("verify", "no invoice given (pass a QR payload, an identity from the history or a file; - reads payloads from stdin)")
	}
	switch *providerName {
	case "", verify.Tencent, verify.Baidu:
	default:
		return e.usageError("verify", "--provider %q: want tencent or baidu", *providerName)
	}
	kr, err := keys()
	if err != nil {
		return e.usageError("verify", "%v", err)
	}
	ctx, stop := interruptible()
	defer stop()
	v := &verifyRun{e: e, keys: kr, save: *save || *db != "", dbPath: *db}
	defer v.close()
	if code := v.setup(ctx, *providerName, *endpoint, *clerk); code != exitOK {
		return code
	}
	items, code := v.collect(ctx, pos)
	if code != exitOK {
		return code
	}
	return v.checkAll(ctx, items, *asJSON)
}

func (v *verifyRun) close() {
	if v.st != nil {
		v.st.Close()
	}
}

// history opens the history once: --db, else the default one.
func (v *verifyRun) history() (*store.Store, error) {
	if v.st != nil {
		return v.st, nil
	}
	path, err := v.e.historyPath(v.dbPath)
	if err != nil {
		return nil, fmt.Errorf("%w (use --db PATH)", err)
	}
	if v.st, err = store.Open(path); err != nil {
		return nil, err
	}
	return v.st, nil
}

// existingHistory is the history when it is open, or exists and opens;
// nil (and no file made) when there is none.
func (v *verifyRun) existingHistory() (*store.Store, error) {
	if v.st == nil && !v.save {
		path, err := v.e.historyPath(v.dbPath)
		if err != nil {
			return nil, nil
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	return v.history()
}

// setup finds the provider's credentials (the environment, else the
// settings of the history) and makes the provider.
func (v *verifyRun) setup(ctx context.Context, name, endpoint, clerk string) int {
	if v.save {
		if _, err := v.history(); err != nil {
			fmt.Fprintf(v.e.stderr, "fapiao verify: %s\n", errText(err))
			return exitUsage
		}
	}
	cfg, err := config.Verifier(ctx, nil, nil, name)
	if err != nil && !errors.Is(err, config.ErrUnknownProvider) {
		st, herr := v.existingHistory()
		if herr != nil {
			fmt.Fprintf(v.e.stderr, "fapiao verify: %s\n", errText(herr))
			return exitUsage
		}
		if st != nil {
			cfg, err = config.Verifier(ctx, st, v.e.secrets(st), name)
		}
	}
	if err != nil {
		fmt.Fprintf(v.e.stderr, "fapiao verify: %s\n", errText(err))
		return exitUsage
	}
	if endpoint != "" {
		cfg.Endpoint = endpoint
	}
	cfg.Now = v.e.now
	if v.provider, err = verify.New(cfg); err != nil {
		fmt.Fprintf(v.e.stderr, "fapiao verify: %s\n", errText(err))
		return exitUsage
	}
	if v.save {
		v.checker = &verify.Checker{Store: v.st, Provider: v.provider, Clerk: clerk, Now: v.e.now}
	}
	return exitOK
}

// collect reads every argument into the invoices to check, in order.
func (v *verifyRun) collect(ctx context.Context, args []string) ([]verifyItem, int) {
	var items []verifyItem
	scanner := &scan.Scanner{Now: v.e.now, Keys: v.keys, NoOCR: true}
	for _, a := range args {
		if ctx.Err() != nil {
			return nil, v.interrupted()
		}
		switch {
		case a == "-":
			err := eachLine(v.e.stdin, func(line string) error {
				items = append(items, v.fromPayload(ctx, strings.TrimSpace(line)))
				return nil
			}, func(n int, head string, size int64) error {
				items = append(items, verifyItem{input: head,
					err: fmt.Errorf("line %d is %d bytes long, more than 1 MiB: not a QR payload", n, size)})
				return nil
			})
			if err != nil {
				fmt.Fprintf(v.e.stderr, "fapiao verify: %s\n", errText(err))
				return nil, exitUsage
			}
		case payload.Parse(a).Kind != payload.KindOther:
			items = append(items, v.fromPayload(ctx, a))
		case exists(a):
			files, err := scan.Expand([]string{a})
			if err != nil {
				items = append(items, verifyItem{input: a, err: err})
				continue
			}
			for _, f := range files {
				items = append(items, v.fromFile(ctx, scanner, f, f == a)...)
			}
		default:
			items = append(items, v.fromHistory(ctx, a))
		}
	}
	return items, exitOK
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (v *verifyRun) fromPayload(ctx context.Context, text string) verifyItem {
	it := verifyItem{input: text}
	q := payload.AnalyzeWith(text, v.e.now(), v.keys)
	if !q.IsInvoice() {
		it.err = fmt.Errorf("%w: the text is not an invoice's QR code (%s)", verify.ErrNotInvoice, q.Kind)
		return it
	}
	it.inv = verify.FromPayload(q)
	if v.save {
		rec, err := v.st.Record(ctx, store.ScanInput{Source: store.SourcePaste,
			Invoices: []store.InvoiceInput{{QR: q, Findings: q.Findings}}})
		if err != nil {
			it.err = fmt.Errorf("record in the history: %w", err)
			return it
		}
		it.id = rec[0].InvoiceID
	}
	return it
}

func (v *verifyRun) fromFile(ctx context.Context, scanner *scan.Scanner, path string, given bool) []verifyItem {
	r := scanner.File(ctx, path)
	if r.Err != nil {
		return []verifyItem{{input: path, err: r.Err}}
	}
	if v.save {
		src := store.SourceFolder
		if given {
			src = store.SourceFile
		}
		if err := scan.Save(ctx, v.st, src, &r); err != nil {
			return []verifyItem{{input: path, err: fmt.Errorf("record in the history: %w", err)}}
		}
	}
	var items []verifyItem
	for _, fi := range r.Invoices {
		inv := verify.FromPayload(fi.QR)
		if fi.Printed != nil && !fi.Printed.NeedsTyping {
			inv = inv.WithPrinted(fi.Printed.Values(), fi.Printed.Items)
		}
		it := verifyItem{input: path, inv: inv}
		if fi.Recorded != nil {
			it.id = fi.Recorded.InvoiceID
		}
		if inv.Identity == "" {
			it.err = fmt.Errorf("%w: no invoice number read", verify.ErrNotInvoice)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		items = append(items, verifyItem{input: path, err: fmt.Errorf("%w: no invoice found in the file", verify.ErrNotInvoice)})
	}
	return items
}

func (v *verifyRun) fromHistory(ctx context.Context, key string) verifyItem {
	it := verifyItem{input: key}
	st, err := v.existingHistory()
	if err != nil {
		it.err = err
		return it
	}
	if st == nil {
		path, _ := v.e.historyPath(v.dbPath)
		it.err = fmt.Errorf("%w: %q is not a QR payload nor a file, and there is no history at %s to look it up in",
			store.ErrNotFound, key, path)
		return it
	}
	found, err := findInvoice(ctx, st, key)
	if err != nil {
		it.err = fmt.Errorf("not a QR payload nor a file, and: %w", err)
		return it
	}
	inv, err := st.Get(ctx, found.ID)
	if err != nil {
		it.err = err
		return it
	}
	it.inv, it.id = verify.FromStored(inv, v.e.now()), inv.ID
	return it
}

// checkAll checks each invoice once and prints its outcome.
func (v *verifyRun) checkAll(ctx context.Context, items []verifyItem, asJSON bool) int {
	enc := json.NewEncoder(v.e.stdout)
	enc.SetEscapeHTML(false)
	seen := map[string]string{}
	failed, unchecked := false, false
	progress := v.e.progress(len(items))
	for i, it := range items {
		if ctx.Err() != nil {
			progress(-1)
			return v.interrupted()
		}
		progress(i)
		key := it.inv.Identity
		if it.id != 0 {
			key = fmt.Sprint("#", it.id)
		}
		if it.err == nil && key != "" {
			if first, ok := seen[key]; ok {
				fmt.Fprintf(v.e.stderr, "fapiao verify: %s: %s\n", clean(it.input), fmt.Sprintf(
					v.e.pick("与 %s 是同一张发票，本批次不再查验", "the same invoice as %s: not checked twice in one batch"), clean(first)))
				continue
			}
			seen[key] = it.input
		}
		j := v.checkOne(ctx, it)
		failed = failed || verify.Failed(j.Status)
		unchecked = unchecked || j.Status != verify.Authentic && !verify.Failed(j.Status)
		if asJSON {
			if err := enc.Encode(j); err != nil {
				fmt.Fprintf(v.e.stderr, "fapiao verify: %s\n", errText(err))
			}
		} else {
			v.writeHuman(j)
		}
	}
	progress(-1)
	switch {
	case failed:
		return exitFail
	case unchecked:
		return exitUsage
	}
	return exitOK
}

func (v *verifyRun) interrupted() int {
	fmt.Fprintln(v.e.stderr, "fapiao verify: interrupted")
	return exitUsage
}

func (v *verifyRun) checkOne(ctx context.Context, it verifyItem) verifyJSON {
	j := verifyJSON{Input: it.input, Identity: it.inv.Identity, InvoiceID: it.id, Provider: v.provider.Name(),
		Findings: []finding.Finding{}}
	if it.err != nil {
		return withError(j, it.err)
	}
	var (
		res verify.Result
		err error
	)
	if v.checker != nil && it.id != 0 {
		var ch verify.Checked
		ch, err = v.checker.Check(ctx, it.id)
		res, j.CheckID = ch.Result, ch.CheckID
		if ch.Identity != "" {
			j.Identity = ch.Identity
		}
	} else {
		res, err = verify.Check(ctx, v.provider, it.inv, v.e.now())
	}
	if err != nil && res.Outcome == "" {
		return withError(j, err)
	}
	j.Status, j.Kind, j.Reason, j.Code, j.Partial = res.Outcome, res.Kind, res.Reason, res.Code, res.Partial
	j.RequestID, j.Official, j.Attempts = res.RequestID, res.Official, res.Attempts
	if !res.At.IsZero() {
		at := res.At
		j.At = &at
	}
	if res.Findings != nil {
		j.Findings = res.Findings
	}
	if err != nil {
		// Answered, but the history did not take the answer.
		j.Reason = strings.TrimPrefix(j.Reason+"; ", "; ") + "not recorded: " + err.Error()
	}
	return j
}

// withError is j for an invoice that was not sent, and why.
func withError(j verifyJSON, err error) verifyJSON {
	j.Status, j.Reason = verify.Error, err.Error()
	var me *verify.MissingError
	switch {
	case errors.As(err, &me):
		j.Kind, j.Missing = kindMissing, me.Fields
	case errors.Is(err, verify.ErrTooEarly):
		j.Kind = verify.KindTooEarly
	case errors.Is(err, verify.ErrTooOld):
		j.Kind = verify.KindTooOld
	case errors.Is(err, verify.ErrUnsupported):
		j.Kind = kindUnsupported
	case errors.Is(err, store.ErrBusy) || errors.Is(err, store.ErrSchemaTooNew) || errors.Is(err, store.ErrNotHistory):
		j.Kind = kindHistory
	default:
		j.Kind = kindInput
	}
	return j
}

// verifyLabels name the outcomes and kinds for people.
var verifyLabels = map[string][2]string{
	verify.Authentic:    {"查验一致，发票有效", "authentic"},
	verify.Voided:       {"已作废", "voided"},
	verify.RedReversed:  {"已红冲", "reversed by a red-letter invoice"},
	verify.NotFound:     {"查无此票", "not found"},
	verify.Mismatch:     {"信息不一致", "values do not match"},
	verify.LimitReached: {"今日查验次数已用完", "today's checks are used up"},
	verify.Error:        {"未能查验", "not checked"},

	verify.KindNetwork:   {"网络不通", "network"},
	verify.KindTimeout:   {"超时无应答", "timeout"},
	verify.KindCancelled: {"已取消", "cancelled"},
	verify.KindRedirect:  {"服务方要求跳转，已拒绝", "redirect refused"},
	verify.KindAuth:      {"凭据错误", "credentials"},
	verify.KindAccount:   {"账号异常（未开通、欠费或无权限）", "account"},
	verify.KindQuota:     {"额度已用完", "quota used up"},
	verify.KindRateLimit: {"请求过于频繁", "rate limit"},
	verify.KindDown:      {"服务方或税务网络故障", "provider down"},
	verify.KindRejected:  {"服务方拒收所填的值", "a value was refused"},
	verify.KindTooEarly:  {"暂不查验", "waiting"},
	verify.KindTooOld:    {"超过5年，不能查验", "too old"},
	verify.KindBadAnswer: {"应答无法读取", "unreadable answer"},
	verify.KindLocal:     {"本地计数", "counted in the history"},
	kindInput:            {"无法读取", "input"},
	kindMissing:          {"未发送，缺少查验所需的值", "not sent: a value is missing"},
	kindUnsupported:      {"不支持此类发票", "type not supported"},
	kindHistory:          {"历史记录出错", "history"},
}

func (v *verifyRun) label(key string) string {
	l, ok := verifyLabels[key]
	if !ok {
		return key
	}
	return v.e.pick(l[0], l[1])
}

func (v *verifyRun) writeHuman(j verifyJSON) {
	w := v.e.stdout
	name := j.Identity
	if name == "" {
		name = j.Input
	}
	line := name + "  " + v.label(j.Status)
	if j.Partial {
		line += v.e.pick("（部分红冲）", " (in part)")
	}
	if j.Kind != "" && j.Kind != verify.KindLocal {
		line += v.e.pick("：", ": ") + v.label(j.Kind)
	}
	if j.RequestID != "" {
		line += "  " + verify.ProviderName(j.Provider, v.e.lang) + " RequestId " + j.RequestID
	}
	fmt.Fprintln(w, clean(line))
	switch {
	case j.Kind == kindMissing || j.Kind == verify.KindTooEarly:
		fmt.Fprintf(w, "  %s\n", clean(v.reasonText(j)))
	case j.Reason != "":
		fmt.Fprintf(w, "  %s\n", clean(j.Reason))
	}
	for _, f := range j.Findings {
		writeFinding(w, f, v.e.lang)
	}
	if j.CheckID != 0 {
		fmt.Fprintf(w, "  %s\n", fmt.Sprintf(v.e.pick("已记入历史（查验记录 %d）", "recorded in the history (check %d)"), j.CheckID))
	}
}

// reasonText is the reason in the clerk's language, for what was not sent.
func (v *verifyRun) reasonText(j verifyJSON) string {
	if j.Kind == kindMissing {
		me := &verify.MissingError{Provider: j.Provider, Fields: j.Missing}
		return me.Text(v.e.lang)
	}
	zh, en, ok := strings.Cut(j.Reason, " (")
	if !ok {
		return j.Reason
	}
	return v.e.pick(zh, strings.TrimSuffix(en, ")"))
}
