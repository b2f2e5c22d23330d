package document

import "testing"

// The check code is known by its four groups of five digits and the date
// by its 年 and 月, on lines whose captions the engine garbled; one walk of
// the lines' digit runs finds both.
func TestShapedValues(t *testing.T) {
	for _, c := range []struct {
		name, line  string
		check, date string
	}{
		{"check code", "TS 49666 18700 18274 24493", "49666187001827424493", ""},
		{"a stray digit before it", "校 7 49666 18700 18274 24493", "49666187001827424493", ""},
		{"five groups are not a check code", "49666 18700 18274 24493 11111", "", ""},
		{"a group of four is not", "4966 18700 18274 24493", "", ""},
		{"date", "开票 2023年11月24日", "", "2023-11-24"},
		{"date with its 日 blurred", "开票 2023年11月24目", "", "2023-11-24"},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines := buildLines(pageText{glyphs: glyphsAt(8, 0.5, c.line), ocr: true})
			var p Printed
			vs := map[string]val{}
			shapedValues(lines, &p, vs)
			if p.CheckCode != c.check || vs[keyCheck].s != c.check {
				t.Errorf("check code %q (%q), want %q", p.CheckCode, vs[keyCheck].s, c.check)
			}
			if p.Date != c.date {
				t.Errorf("date %q, want %q", p.Date, c.date)
			}
			if v, ok := vs[keyCheck]; ok && (v.box[0] < 8*qrSide || v.box[2] <= v.box[0]) {
				t.Errorf("check code box %v is not the value's", v.box)
			}
		})
	}
	// A date that does not read as one (a 0 of the year read as a 6) is
	// still where the date is: read again there, with nothing taken from
	// this reading.
	lines := buildLines(pageText{glyphs: glyphsAt(8, 0.5, "开票 2623年11月24日"), ocr: true})
	var p Printed
	vs := map[string]val{}
	shapedValues(lines, &p, vs)
	if v, ok := vs[keyDate]; !ok || v.s != "" || p.Date != "" || v.box[0] < 8*qrSide {
		t.Errorf("a date misread: %q %+v, want its place and no value", p.Date, v)
	}
}
