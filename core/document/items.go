package document

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// column is one column of the goods table, found by its header caption.
type column struct {
	field  string
	x      float64 // caption centre
	lo, hi float64 // extent: halfway to the neighbouring captions
}

var columnCaptions = []struct {
	field string
	re    *regexp.Regexp
}{
	{"name", regexp.MustCompile(`项目名称|货物或应税劳务、?服务名称|货物或应税劳务名称|货物\(劳务\)名称|服务名称|商品名称`)},
	{"spec", regexp.MustCompile(`规格型号`)},
	{"unit", regexp.MustCompile(`单位`)},
	{"quantity", regexp.MustCompile(`数量`)},
	{"price", regexp.MustCompile(`单价`)},
	{"amount", regexp.MustCompile(`金额`)},
	{"rate", regexp.MustCompile(`税率(/征收率)?|征收率`)},
	{"tax", regexp.MustCompile(`税额`)},
	// Columns of toll and other special invoices: read so that their
	// values do not spill into the neighbouring columns.
	{"-", regexp.MustCompile(`车牌号|类型|通行日期起|通行日期止|序号`)},
}

var reMoneyCell = regexp.MustCompile(`^-?\d[\d,]*(\.\d+)?$`)

// readItems reads the goods table of a page: the lines between the caption
// row and the 合计 row. Amount, rate and tax close every item line, in that
// order from the right, so they are read from the line's end (numbers are
// right-aligned and may overhang their caption); the other cells go to the
// column whose caption they sit under. A line without them continues the
// name of the item above.
func readItems(lines []*line) []Item {
	hi := -1
	var cols []column
	for i, l := range lines {
		s := l.normText()
		if !reHeaderLabel.MatchString(s) || !strings.Contains(s, "金额") {
			continue
		}
		cols = headerColumns(l)
		hi = i
		break
	}
	if hi < 0 || len(cols) < 3 {
		return nil
	}
	var items []Item
	var pending []string
	for _, l := range lines[hi+1:] {
		s := l.normText()
		if strings.HasPrefix(s, "合计") || strings.Contains(s, "价税合计") || strings.HasPrefix(s, "小计") {
			break
		}
		toks := tokens(l)
		it, rest, ok := itemTail(toks, cols)
		cells := map[string][]string{}
		for _, t := range rest {
			c := columnAt(cols, t.x0, t.x1)
			cells[c] = append(cells[c], t.s)
		}
		name := strings.Join(cells["name"], " ")
		if !ok {
			if name != "" {
				if len(items) > 0 && len(pending) == 0 {
					items[len(items)-1].Name += name
				} else {
					pending = append(pending, name)
				}
			}
			continue
		}
		it.Name = strings.Join(append(pending, name), "")
		it.Spec = strings.Join(cells["spec"], " ")
		it.Unit = strings.Join(cells["unit"], " ")
		if it.Quantity == "" {
			it.Quantity = strings.Join(cells["quantity"], " ")
		}
		if it.Price == "" {
			it.Price = strings.Join(cells["price"], " ")
		}
		pending = nil
		items = append(items, it)
	}
	return items
}

var reRateCell = regexp.MustCompile(`^(-?\d+(\.\d+)?%|免税|不征税|\*{3}|出口零税率|零税率)$`)

// itemTail reads amount, rate and tax from the end of an item line, and the
// quantity and unit price that precede them; rest is what is left.
func itemTail(toks []token, cols []column) (it Item, rest []token, ok bool) {
	n := len(toks)
	if n < 3 {
		return it, toks, false
	}
	tax, rate, amount := nfkc(toks[n-1].s), nfkc(toks[n-2].s), nfkc(toks[n-3].s)
	tax = strings.TrimPrefix(tax, "¥")
	amount = strings.ReplaceAll(strings.TrimPrefix(amount, "¥"), ",", "")
	if !reRateCell.MatchString(rate) || !reMoneyCell.MatchString(amount) ||
		!(reMoneyCell.MatchString(strings.ReplaceAll(tax, ",", "")) || tax == "***") {
		return it, toks, false
	}
	it.Amount, it.TaxRate, it.Tax = amount, rate, strings.ReplaceAll(tax, ",", "")
	rest = toks[:n-3]
	// Up to two numbers before the amount, under the 数量 and 单价 captions
	// (or overhanging the 金额 one): quantity and unit price. Numbers under
	// other captions — the dates and plate numbers of a toll invoice,
	// whose table has no 数量 or 单价 — are not.
	var nums []token
	for len(rest) > 0 && len(nums) < 2 && reMoneyCell.MatchString(rest[len(rest)-1].s) && quantityOrPrice(cols, rest[len(rest)-1]) {
		nums = append([]token{rest[len(rest)-1]}, nums...)
		rest = rest[:len(rest)-1]
	}
	switch len(nums) {
	case 2:
		it.Quantity, it.Price = nums[0].s, nums[1].s
	case 1:
		if nearer(cols, nums[0], "quantity", "price") {
			it.Quantity = nums[0].s
		} else {
			it.Price = nums[0].s
		}
	}
	return it, rest, true
}

// quantityOrPrice reports whether t sits where a quantity or unit price
// is printed.
func quantityOrPrice(cols []column, t token) bool {
	switch columnAt(cols, t.x0, t.x1) {
	case "quantity", "price", "amount":
		return true
	}
	return false
}

// nearer reports whether t's centre is nearer caption a than caption b.
func nearer(cols []column, t token, a, b string) bool {
	xa, xb := -1e9, 1e9
	for _, c := range cols {
		switch c.field {
		case a:
			xa = c.x
		case b:
			xb = c.x
		}
	}
	m := (t.x0 + t.x1) / 2
	d := func(x float64) float64 {
		if x > m {
			return x - m
		}
		return m - x
	}
	return d(xa) <= d(xb)
}

func headerColumns(l *line) []column {
	s := l.normText()
	var cols []column
	taken := make([]bool, len(l.norm))
	for _, cc := range columnCaptions {
		for _, m := range cc.re.FindAllStringIndex(s, -1) {
			from, to := len([]rune(s[:m[0]])), len([]rune(s[:m[1]]))
			busy := false
			for k := from; k < to; k++ {
				busy = busy || taken[k]
			}
			if busy {
				continue
			}
			for k := from; k < to; k++ {
				taken[k] = true
			}
			x0, x1 := l.g[l.at[from]].x0, l.g[l.at[to-1]].x1
			cols = append(cols, column{field: cc.field, x: (x0 + x1) / 2})
			if cc.field != "-" {
				break
			}
		}
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].x < cols[j].x })
	for i := range cols {
		cols[i].lo, cols[i].hi = -1e9, 1e9
		if i > 0 {
			cols[i].lo = (cols[i-1].x + cols[i].x) / 2
		}
		if i+1 < len(cols) {
			cols[i].hi = (cols[i].x + cols[i+1].x) / 2
		}
	}
	return cols
}

// columnAt gives the column a cell spanning [x0, x1] belongs to: the one it
// overlaps most.
func columnAt(cols []column, x0, x1 float64) string {
	best, bestO := "-", -1e18
	for _, c := range cols {
		o := min(x1, c.hi) - max(x0, c.lo)
		if o > bestO {
			best, bestO = c.field, o
		}
	}
	return best
}

type token struct {
	s      string
	x0, x1 float64
}

// tokens splits a line at white space and at gaps wider than a third of a
// character.
func tokens(l *line) []token {
	var out []token
	var cur []rune
	var x0, x1 float64
	flush := func() {
		if len(cur) > 0 {
			out = append(out, token{string(cur), x0, x1})
			cur = nil
		}
	}
	for i, g := range l.g {
		if unicode.IsSpace(g.r) {
			flush()
			continue
		}
		if len(cur) > 0 && g.x0-l.g[i-1].x1 > 0.3*l.em {
			flush()
		}
		if len(cur) == 0 {
			x0 = g.x0
		}
		cur = append(cur, g.r)
		x1 = g.x1
	}
	flush()
	return out
}
