package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/verify"
)

// Two invoices of `fapiao history --json`: one listed as voided, one valid;
// each provider's client gets the answer the command line asked for.
func TestServesTheHistory(t *testing.T) {
	history := `{"id":1,"type_code":"32","number":"24312000000136634917","date":"2024-05-14","amount":"0.01","tax":"0.00","total":"0.01"}
{"id":2,"type_code":"32","number":"24312000000136634918","date":"2024-05-14","amount":"0.01","tax":"0.00","total":"0.01"}
`
	for _, provider := range []string{verify.Tencent, verify.Baidu} {
		var stderr bytes.Buffer
		url, stop, err := serve([]string{"-provider", provider, "-id", "id", "-key", "key", "-voided", "24312000000136634917"},
			strings.NewReader(history), &stderr)
		if err != nil {
			t.Fatalf("%s: %v %s", provider, err, stderr.String())
		}
		p, err := verify.New(verify.Config{Provider: provider, ID: "id", Secret: "key", Endpoint: url})
		if err != nil {
			t.Fatal(err)
		}
		for number, want := range map[string]verify.Outcome{"24312000000136634917": verify.Voided, "24312000000136634918": verify.Authentic} {
			q := payload.Analyze("01,32,,"+number+",0.01,20240514,,1DD6", time.Now())
			res, err := verify.Check(context.Background(), p, verify.FromPayload(q), time.Now())
			if err != nil || res.Outcome != want {
				t.Errorf("%s %s: %s %v, want %s", provider, number, res.Outcome, err, want)
			}
		}
		stop()
	}
	if _, _, err := serve(nil, strings.NewReader(""), &bytes.Buffer{}); err == nil {
		t.Error("no credentials accepted")
	}
	var stderr bytes.Buffer
	if _, _, err := serve([]string{"-id", "a", "-key", "b"}, strings.NewReader("not json\n"), &stderr); err == nil ||
		!strings.Contains(stderr.String(), "line 1") {
		t.Errorf("bad input: %v %q", err, stderr.String())
	}
}
