package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/money"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// placeholder stands in for a value that is absent.
const placeholder = "—"

// formatDate writes a date as clerks read it: 2024年05月14日 in Chinese, ISO
// in English. A date that did not parse is shown as written.
func formatDate(t *Translator, r *payload.Result) string {
	switch {
	case !r.Date.IsZero() && t.Lang() == "zh":
		return fmt.Sprintf("%04d年%02d月%02d日", r.Date.Year, int(r.Date.Month), r.Date.Day)
	case !r.Date.IsZero():
		return r.Date.String()
	}
	return orPlaceholder(r.DateText)
}

// formatAmount writes an amount as ¥1,705,400.00. An amount that did not
// parse is shown as written.
func formatAmount(r *payload.Result) string {
	if r.HasAmount {
		return "¥" + r.Amount.Grouped()
	}
	return orPlaceholder(r.AmountText)
}

func amountLabel(t *Translator, r *payload.Result) string {
	switch r.AmountMeaning {
	case payload.PreTax:
		return t.T("field.amount.pre_tax")
	case payload.InclTax:
		return t.T("field.amount.incl_tax")
	}
	return t.T("field.amount")
}

func formatKind(t *Translator, r *payload.Result) string {
	switch {
	case r.TypeName != "":
		return t.F("kind.type", r.TypeName, r.TypeCode)
	case r.TypeCode != "" && r.Kind == payload.KindInvoice:
		return t.F("kind.type_unknown", r.TypeCode)
	}
	return t.T("kind." + string(r.Kind))
}

// crcState is the text of the CRC row and whether it is good news.
func formatCRC(t *Translator, r *payload.Result) (text string, ok bool) {
	switch {
	case r.CRC.OK:
		detail := r.CRC.Value
		if r.CRC.Algorithm != "" {
			detail += ", " + r.CRC.Algorithm
		}
		return t.F("crc.ok", detail), true
	case r.CRC.Value != "":
		return t.F("crc.mismatch", r.CRC.Value), false
	case r.Kind == payload.KindInvoice:
		return t.T("crc.absent"), false
	}
	return placeholder, false
}

func formatVerification(t *Translator, v payload.Verification) string {
	switch {
	case len(v.Needs) == 0:
		return placeholder
	case v.Ready:
		return t.T("verify.ready")
	}
	names := make([]string, len(v.Missing))
	for i, m := range v.Missing {
		names[i] = t.T("need." + m)
	}
	return t.F("verify.missing", strings.Join(names, t.T("list.sep")))
}

func orPlaceholder(s string) string {
	if s == "" {
		return placeholder
	}
	return s
}

// formatTime writes a moment as clerks do: 2024年05月14日 09:30 in Chinese,
// 2024-05-14 09:30 in English, in local time.
func formatTime(t *Translator, at time.Time) string {
	at = at.Local()
	if t.Lang() == "zh" {
		return at.Format("2006年01月02日 15:04")
	}
	return at.Format("2006-01-02 15:04")
}

// formatISODate writes a YYYY-MM-DD date from the history as clerks read it.
func formatISODate(t *Translator, iso string) string {
	if len(iso) == 10 && t.Lang() == "zh" {
		return iso[:4] + "年" + iso[5:7] + "月" + iso[8:] + "日"
	}
	return orPlaceholder(iso)
}

// formatDecimal writes an amount from the history as ¥1,234.56.
func formatDecimal(d *money.Decimal) string {
	if d == nil {
		return placeholder
	}
	return "¥" + d.Grouped()
}
