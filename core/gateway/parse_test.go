package gateway

import "testing"

func FuzzParseAnswer(f *testing.F) {
	f.Add([]byte(`{"code":100,"message":"x","data":{"invoice_no":"1"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseAnswer(b)
		if err == nil && r.Status == "" {
			t.Fatal("no status")
		}
	})
}
