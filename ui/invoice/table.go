package invoice

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// fieldRow is one line of the comparison: the QR value beside the printed
// value, which the clerk may type or correct.
type fieldRow struct {
	key     string // store.Printed… key
	label   *widget.Label
	qr      *widget.Label
	printed *widget.Entry
	result  *widget.Label
	bg      *canvas.Rectangle
}

// table is the comparison and, under it, the findings.
type table struct {
	headers     []*widget.Label
	rows        []*fieldRow
	findingsBox *fyne.Container
	root        *fyne.Container
	filling     bool // the entries are being filled, not typed into
	onTyped     func(key, text string)
}

func newTable(onTyped func(key, text string)) *table {
	t := &table{onTyped: onTyped, findingsBox: container.NewVBox()}
	grid := container.NewVBox()
	headerRow := container.New(columns{})
	for range 4 {
		h := widget.NewLabel("")
		h.TextStyle.Bold = true
		t.headers = append(t.headers, h)
		headerRow.Add(h)
	}
	grid.Add(headerRow)
	for _, f := range fields {
		r := &fieldRow{key: f.key, label: widget.NewLabel(""), qr: widget.NewLabel(""),
			printed: widget.NewEntry(), result: widget.NewLabel(""), bg: canvas.NewRectangle(nil)}
		r.qr.Selectable = true
		r.qr.Truncation = fyne.TextTruncateEllipsis
		r.label.Truncation = fyne.TextTruncateEllipsis
		key := f.key
		r.printed.OnChanged = func(text string) {
			if !t.filling {
				t.onTyped(key, text)
			}
		}
		t.rows = append(t.rows, r)
		grid.Add(container.NewStack(r.bg, container.New(columns{}, r.label, r.qr, r.printed, r.result)))
	}
	t.root = container.NewVBox(grid, widget.NewSeparator(), t.findingsBox)
	return t
}

func (t *table) content() fyne.CanvasObject { return t.root }

func (t *table) relabel(tr *env.Translator) {
	for i, k := range []string{"detail.field", "detail.qr", "detail.printed", "detail.result"} {
		t.headers[i].SetText(tr.T(k))
	}
	for i, f := range fields {
		t.rows[i].label.SetText(tr.T(f.label))
		t.rows[i].printed.SetPlaceHolder(tr.T("detail.printed.placeholder"))
	}
}

// fill shows f's QR values and printed values, and returns the entries'
// text by key.
func (t *table) fill(tr *env.Translator, f *form) map[string]string {
	typed := map[string]string{}
	t.filling = true
	t.showQR(tr, f)
	for _, r := range t.rows {
		r.printed.SetText(f.entryText(r.key))
		typed[r.key] = r.printed.Text
	}
	t.filling = false
	return typed
}

// showQR shows f's QR values in the language chosen (a date is written
// 2024年05月14日 in Chinese, 2024-05-14 in English).
func (t *table) showQR(tr *env.Translator, f *form) {
	for _, r := range t.rows {
		r.qr.SetText(env.OrPlaceholder(qrText(tr, f.qr, r.key)))
	}
}

// show marks each row with its result, and lists the findings.
func (t *table) show(tr *env.Translator, c checked) {
	for _, r := range t.rows {
		text, imp, bad := "", widget.MediumImportance, false
		switch c.results[r.key] {
		case resultSame:
			text, imp = tr.T("verdict.same"), widget.SuccessImportance
		case resultDifferent:
			text, imp, bad = tr.T("verdict.different"), widget.DangerImportance, true
		case resultMissing:
			text, imp = tr.T("verdict.missing"), widget.WarningImportance
		case resultError:
			text, imp, bad = tr.T("verdict.error"), widget.DangerImportance, true
		}
		if text != "" && c.typed[r.key] {
			text += tr.T("verdict.typed")
		}
		r.result.Importance = imp
		r.result.SetText(text)
		if bad {
			r0, g0, b0, _ := theme.Color(theme.ColorNameError).RGBA()
			r.bg.FillColor = color.NRGBA{R: uint8(r0 >> 8), G: uint8(g0 >> 8), B: uint8(b0 >> 8), A: 0x40}
			r.qr.Importance = widget.DangerImportance
		} else {
			r.bg.FillColor = nil
			r.qr.Importance = widget.MediumImportance
		}
		r.bg.Refresh()
		r.qr.Refresh()
	}
	t.showFindings(tr, c.findings)
}

func (t *table) showFindings(tr *env.Translator, fs []finding.Finding) {
	var objs []fyne.CanvasObject
	if len(fs) == 0 {
		objs = append(objs, env.FindingRow(theme.NewSuccessThemedResource(theme.ConfirmIcon()), tr.T("findings.none")))
	}
	sorted := append([]finding.Finding(nil), fs...)
	env.SortFindings(sorted)
	for _, f := range sorted {
		objs = append(objs, env.FindingRow(env.SeverityIcon(f.Severity), env.Sentence(f.Text(tr.Lang()))))
	}
	t.findingsBox.Objects = objs
	t.findingsBox.Refresh()
}

// row is the row of key.
func (t *table) row(key string) *fieldRow {
	for _, r := range t.rows {
		if r.key == key {
			return r
		}
	}
	return nil
}

// qrText is the QR code's value of key as the clerk reads it.
func qrText(tr *env.Translator, q *payload.Result, key string) string {
	if q == nil {
		return ""
	}
	switch key {
	case store.PrintedCode:
		return q.Code
	case store.PrintedNumber:
		return q.Number
	case store.PrintedDate:
		if !q.Date.IsZero() {
			return env.FormatDate(tr, q)
		}
		return q.DateText
	case store.PrintedAmount:
		if q.AmountMeaning != payload.InclTax {
			return amountText(q)
		}
	case store.PrintedTotal:
		if q.AmountMeaning == payload.InclTax {
			return amountText(q)
		}
	case store.PrintedCheckCode:
		return q.CheckCode
	case store.PrintedSellerTaxID:
		return q.SellerTaxID
	}
	return ""
}

func amountText(q *payload.Result) string {
	if q.HasAmount || q.AmountText != "" {
		return env.FormatAmount(q)
	}
	return ""
}

// columns lays out a comparison row: the field name, the QR value, the
// printed value and the result, in fixed proportions so that every row lines
// up and a 20-digit number fits.
type columns struct{}

var columnWeights = [4]float32{0.2, 0.38, 0.3, 0.12}

func (columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	x := float32(0)
	avail := size.Width - pad*float32(len(objs)-1)
	for i, o := range objs {
		w := avail * columnWeights[i%4]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(400, h)
}
