package env

import (
	"fmt"
	"time"

	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Placeholder stands in for a value that is absent.
const Placeholder = "—"

// FormatDate writes a date as clerks read it: 2024年05月14日 in Chinese, ISO
// in English. A date that did not parse is shown as written.
func FormatDate(t *Translator, r *payload.Result) string {
	switch {
	case !r.Date.IsZero() && t.Lang() == "zh":
		return fmt.Sprintf("%04d年%02d月%02d日", r.Date.Year, int(r.Date.Month), r.Date.Day)
	case !r.Date.IsZero():
		return r.Date.String()
	}
	return OrPlaceholder(r.DateText)
}

// FormatAmount writes an amount as ¥1,705,400.00. An amount that did not
// parse is shown as written.
func FormatAmount(r *payload.Result) string {
	if r.HasAmount {
		return "¥" + r.Amount.Grouped()
	}
	return OrPlaceholder(r.AmountText)
}

// OrPlaceholder is s, or Placeholder when s is empty.
func OrPlaceholder(s string) string {
	if s == "" {
		return Placeholder
	}
	return s
}

// FormatTime writes a moment as clerks do: 2024年05月14日 09:30 in Chinese,
// 2024-05-14 09:30 in English, in local time.
func FormatTime(t *Translator, at time.Time) string {
	at = at.Local()
	if t.Lang() == "zh" {
		return at.Format("2006年01月02日 15:04")
	}
	return at.Format("2006-01-02 15:04")
}

// FormatISODate writes a YYYY-MM-DD date from the history as clerks read it.
func FormatISODate(t *Translator, iso string) string {
	if len(iso) == 10 && t.Lang() == "zh" {
		return iso[:4] + "年" + iso[5:7] + "月" + iso[8:] + "日"
	}
	return OrPlaceholder(iso)
}

// FormatDecimal writes an amount from the history as ¥1,234.56.
func FormatDecimal(d *money.Decimal) string {
	if d == nil {
		return Placeholder
	}
	return "¥" + d.Grouped()
}
