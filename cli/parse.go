package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// maxLine bounds one stdin line; a QR code holds at most about 7,000 characters.
const maxLine = 1 << 20

func init() {
	register(command{"parse", "parse invoice QR payloads and check them offline",
		"[--json] [--strict] [--lang zh|en] [--sm4-key K --sm2-pub P] TEXT... (- reads one per line from stdin)", runParse})
}

func runParse(e *env, args []string) int {
	fs := e.flags("parse")
	asJSON := fs.Bool("json", false, "print one JSON object per payload, one per line (docs/cli-json.md)")
	strict := fs.Bool("strict", false, "exit 1 when any payload has an error finding")
	e.langFlag(fs)
	keys := e.keyFlags(fs)
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		return e.usageError("parse", "no payload given (pass TEXT, or - to read lines from stdin)")
	}
	kr, err := keys()
	if err != nil {
		return e.usageError("parse", "%v", err)
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	failed := false
	show := func(r *payload.Result) error {
		failed = failed || finding.Worst(r.Findings) == finding.Error
		if *asJSON {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(out, "%s\n", b)
			return err
		}
		writeHuman(out, r, e.lang)
		return nil
	}
	emit := func(text string) error { return show(payload.AnalyzeWith(text, e.now(), kr)) }
	long := func(n int, head string, size int64) error {
		fmt.Fprintf(e.stderr, "fapiao parse: line %d: %d bytes, more than 1 MiB: not parsed\n", n, size)
		return show(tooLong(n, head, size))
	}
	for _, a := range fs.Args() {
		var err error
		if a == "-" {
			err = eachLine(e.stdin, emit, long)
		} else {
			err = emit(a)
		}
		if err != nil {
			out.Flush()
			fmt.Fprintf(e.stderr, "fapiao parse: %s\n", errText(err))
			return exitUsage
		}
	}
	if *strict && failed {
		return exitFail
	}
	return exitOK
}

// eachLine calls fn for every non-blank line of r, without its line ending.
// A line longer than maxLine is not kept: long is called with its number, its
// first characters and its length, and the lines after it are read on.
func eachLine(r io.Reader, fn func(string) error, long func(n int, head string, size int64) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, size, err := readLine(br, maxLine)
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading stdin: %w", err)
		}
		if err == io.EOF && size == 0 {
			return nil
		}
		var ferr error
		switch {
		case size > maxLine:
			ferr = long(n, headOf(line, 100), size)
		case strings.TrimSpace(line) != "":
			ferr = fn(line)
		}
		if ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine reads one line of br without its line ending (LF or CRLF),
// keeping at most limit+1 bytes of it; size is its whole length.
func readLine(br *bufio.Reader, limit int) (line string, size int64, err error) {
	var b []byte
	var last byte // the byte before the chunk being read
	for {
		chunk, err := br.ReadSlice('\n')
		size += int64(len(chunk))
		if room := limit + 1 - len(b); room > 0 {
			b = append(b, chunk[:min(room, len(chunk))]...)
		}
		if err == bufio.ErrBufferFull {
			last = chunk[len(chunk)-1]
			continue
		}
		if bytes.HasSuffix(chunk, []byte("\n")) {
			cr := len(chunk) >= 2 && chunk[len(chunk)-2] == '\r' || len(chunk) == 1 && last == '\r'
			size--
			if cr {
				size--
			}
			b = b[:min(len(b), int(size))]
		}
		return string(b), size, err
	}
}

// headOf is the first n characters of s, with "…" when there were more.
func headOf(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// tooLong is the result given for a line too long to be a QR payload.
func tooLong(n int, head string, size int64) *payload.Result {
	return &payload.Result{Raw: head, Kind: payload.KindOther, Findings: []finding.Finding{
		finding.New("line_too_long", finding.Error, "", "第 %d 行长达 %d 字节，超过 1 MiB，不是二维码内容，未解析",
			"line %d is %d bytes long, more than 1 MiB: not a QR payload, not parsed", n, size),
	}}
}

// labels of the human-readable output, by language.
var labels = map[string]map[string]string{
	"zh": {
		"kind": "类型", "type": "发票种类", "code": "发票代码", "number": "发票号码", "amount": "金额",
		"date": "开票日期", "check": "校验码", "seller": "销售方税号", "crc": "校验值", "verify": "查验所需",
		"pre_tax": "不含税", "incl_tax": "含税", "ok": "正确", "bad": "不符", "none": "无",
		"with": "含字段7后的逗号", "without": "不含字段7后的逗号", "ready": "齐全", "missing": "缺少",
		"invoice": "发票", "url": "发票网址", "sealed": "加密二维码", "receipt": "财政电子票据", "other": "非发票",
		"unknown": "未知", "total": "价税合计",
		"error": "错误", "warning": "警告", "info": "提示",
	},
	"en": {
		"kind": "kind", "type": "type", "code": "code", "number": "number", "amount": "amount",
		"date": "date", "check": "check code", "seller": "seller tax ID", "crc": "CRC", "verify": "verification needs",
		"pre_tax": "before tax", "incl_tax": "incl. tax", "ok": "ok", "bad": "mismatch", "none": "none",
		"with": "with the comma after field 7", "without": "without the comma after field 7", "ready": "complete", "missing": "missing",
		"invoice": "invoice", "url": "invoice URL", "sealed": "sealed QR", "receipt": "fiscal e-receipt", "other": "not an invoice",
		"unknown": "unknown", "total": "total incl. tax",
		"error": "error", "warning": "warning", "info": "info",
	},
}

func writeHuman(w io.Writer, r *payload.Result, lang string) {
	l := labels[lang]
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %-*s %s\n", labelWidth(lang, l[k]), l[k], clean(v))
		}
	}
	fmt.Fprintf(w, "%s\n", clean(r.Raw))
	row("kind", l[string(r.Kind)])
	if r.TypeCode != "" {
		name := r.TypeName
		if lang == "en" {
			name = r.TypeNameEn
		}
		if name == "" {
			name = l["unknown"]
		}
		row("type", fmt.Sprintf("%s (%s)", r.TypeCode, name))
	}
	row("code", r.Code)
	row("number", r.Number)
	if r.HasAmount {
		a := "¥" + r.Amount.Grouped()
		if r.AmountMeaning != "" {
			a += " (" + l[string(r.AmountMeaning)] + ")"
		}
		row("amount", a)
	}
	row("date", r.Date.String())
	row("check", r.CheckCode)
	row("seller", r.SellerTaxID)
	if r.Layout == payload.LayoutStandard {
		switch {
		case r.CRC.Value == "":
			row("crc", l["none"])
		case r.CRC.OK:
			comma := l["without"]
			if r.CRC.WithComma {
				comma = l["with"]
			}
			row("crc", fmt.Sprintf("%s %s (%s, %s)", r.CRC.Value, l["ok"], r.CRC.Algorithm, comma))
		default:
			row("crc", r.CRC.Value+" "+l["bad"])
		}
	}
	if v := r.Verification; len(v.Needs) > 0 {
		s := strings.Join(v.Needs, ", ") + " — " + l["ready"]
		if !v.Ready {
			s = strings.Join(v.Needs, ", ") + " — " + l["missing"] + " " + strings.Join(v.Missing, ", ")
		}
		row("verify", s)
	}
	for _, f := range r.Findings {
		writeFinding(w, f, lang)
	}
	fmt.Fprintln(w)
}

// writeFinding prints one finding: its message may quote what was read.
func writeFinding(w io.Writer, f finding.Finding, lang string) {
	fmt.Fprintf(w, "  [%s] %s: %s\n", labels[lang][string(f.Severity)], clean(f.Code), clean(f.Text(lang)))
}

// labelWidth pads labels to one column; a Chinese character takes two cells.
func labelWidth(lang, label string) int {
	if lang == "en" {
		return 20
	}
	cells := 0
	for _, r := range label {
		if r > 0x2E80 {
			cells += 2
		} else {
			cells++
		}
	}
	return 10 - (cells - len([]rune(label)))
}
