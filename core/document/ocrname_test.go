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
