package verifytest

import (
	"strings"
	"testing"
)

// The worked example of the verification notes (§3.6), value for value.
func TestTC3WorkedExample(t *testing.T) {
	body := []byte(`{"CheckCode":"123456","InvoiceCode":"044031900111","InvoiceDate":"2024-12-30","InvoiceKind":"10","InvoiceNo":"12345678"}`)
	s := TC3("AKIDEXAMPLEFAPIAO0000000000000000000", "ExampleSecretKeyFapiao0000000000", "ocr",
		"ocr.tencentcloudapi.com", "application/json", 1735660800, body)
	want := map[string][2]string{
		"hashed payload":        {s.HashedPayload, "4b51c56fd46fe87f61535a8d3f40c90e1a09994c9849b170265e1f590545843f"},
		"hashed canonical req.": {s.HashedCanonicalRequest, "51453df072212bc55211df61f46c626e7736e7733fd8b289dff9208bce8616d8"},
		"date":                  {s.Date, "2024-12-31"},
		"signature":             {s.Signature, "352a368b6e20bbd7f4aa943ae682cd9c5f6158e2b13cfb851f5daf45fdc41df5"},
		"authorization": {s.Authorization, "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEFAPIAO0000000000000000000/2024-12-31/ocr/tc3_request, " +
			"SignedHeaders=content-type;host, Signature=352a368b6e20bbd7f4aa943ae682cd9c5f6158e2b13cfb851f5daf45fdc41df5"},
		"canonical request": {s.CanonicalRequest, "POST\n/\n\ncontent-type:application/json\nhost:ocr.tencentcloudapi.com\n\ncontent-type;host\n" +
			"4b51c56fd46fe87f61535a8d3f40c90e1a09994c9849b170265e1f590545843f"},
		"string to sign": {s.StringToSign, "TC3-HMAC-SHA256\n1735660800\n2024-12-31/ocr/tc3_request\n" +
			"51453df072212bc55211df61f46c626e7736e7733fd8b289dff9208bce8616d8"},
	}
	for name, w := range want {
		if w[0] != w[1] {
			t.Errorf("%s:\n got %q\nwant %q", name, w[0], w[1])
		}
	}
}

// The notes check their procedure against the official signing page's
// example, of which they quote the ends of two hashes. That example signs
// a third header, x-tc-action, its value lower-cased: the general form the
// stand-in verifies.
func TestTC3OfficialPageExample(t *testing.T) {
	body := []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`)
	s := tc3("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "Gu5t9xGARNpq86cd98joQYCN3*******", "cvm", 1551113065, body,
		[]string{"x-tc-action", "host", "content-type"}, map[string]string{"content-type": "application/json; charset=utf-8",
			"host": "cvm.tencentcloudapi.com", "x-tc-action": "DescribeInstances"})
	if !strings.HasPrefix(s.HashedPayload, "35e9c5b0") || !strings.HasSuffix(s.HashedPayload, "f064") {
		t.Errorf("hashed payload %s, want 35e9c5b0…f064", s.HashedPayload)
	}
	if !strings.HasPrefix(s.HashedCanonicalRequest, "7019a55b") || !strings.HasSuffix(s.HashedCanonicalRequest, "1e84") {
		t.Errorf("hashed canonical request %s, want 7019a55b…1e84", s.HashedCanonicalRequest)
	}
}

func TestCents(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{{"88.88", 8888, true}, {"88", 8800, true}, {"0.5", 50, true}, {"-1.20", -120, true},
		{"1.234", 0, false}, {"", 0, false}, {"a.00", 0, false}, {"1.-1", 0, false}} {
		got, ok := cents(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("cents(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for s, want := range map[string]bool{"88.88": true, "88.8": false, "88": false, "-0.50": true, ".50": false, "1.5a": false} {
		if twoDecimals(s) != want {
			t.Errorf("twoDecimals(%q) = %v", s, !want)
		}
	}
}
