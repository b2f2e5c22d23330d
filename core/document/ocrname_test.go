package document

import (
	"testing"
)

// A name read surely by the band is read again on its own line, and once
// more half as large again: a reading that changes with the size is a
// misreading, one that stays the same is not, however unsure the engine
// is of it at one size. The crop is a scan's buyer's name as the bands'
// reading frame holds it: read at the bands' size the engine is sure of
// every character (0.97), half as large again unsure of one (0.92); both
// readings agree, and the name is kept.
func TestNameKeptWhenBothSizesAgree(t *testing.T) {
	var buyer ocrField
	for _, f := range ocrFields {
		if f.key == keyBuyerName {
			buyer = f
		}
	}
	for _, c := range []struct {
		crop, name string
		box        [4]float64
	}{
		{"name-unsure-larger.png", "深圳市嘉禾信息技术有限责任公司", [4]float64{60, 30, 389, 50}},
	} {
		r := cropReader(t, c.crop)
		got, _ := r.settleName(buyer, val{s: c.name, box: c.box, conf: 0.97}, []reading{{c.name, 0.97}})
		if got != c.name {
			t.Errorf("%s: name read %q, printed %q", c.crop, got, c.name)
		}
	}
}

// A name read with a character of its company form other than the law
// spells it is a misreading, however sure, and is not taken; a name's own
// words before its form stay.
func TestFormMisread(t *testing.T) {
	for name, want := range map[string]bool{
		"江苏盛世机械设备有限贵任公司":  true,
		"江苏盛世机械设备有限责任公司":  false,
		"上海鼎盛贸易股份有限公司":    false,
		"上海鼎盛贸易有限公可":      true,
		"上海鼎盛贸易有限公司":      false,
		"中国有色公司":          false,
		"中国铁路南昌局集团有限公司":   false,
		"北京华信和贸易有限公司":     false,
		"有限公司":            false,
		"深圳市创达信息技术股份有限公司": false,
	} {
		if got := formMisread(name); got != want {
			t.Errorf("formMisread(%s) = %v, want %v", name, got, want)
		}
	}
}
