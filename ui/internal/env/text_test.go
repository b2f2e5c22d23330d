package env

import "testing"

func TestNormalizeGun(t *testing.T) {
	tests := map[string]string{
		"01，10，０４４":    "01,10,044",
		"01、10。5 \r\n": "01,10.5",
		"ＡＢｃ":          "ABc",
	}
	for in, want := range tests {
		if got := NormalizeGun(in); got != want {
			t.Errorf("NormalizeGun(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NormalizeKeepSpace("上海 某某公司 ０２４"); got != "上海 某某公司 024" {
		t.Errorf("NormalizeKeepSpace = %q", got)
	}
}
