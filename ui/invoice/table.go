package invoice

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/document"
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
	printed *fieldEntry
	// ocr marks a value read by OCR, with the engine's confidence (or
	// that it was not read surely); tapped, it shows where on the page
	// the value was read. Hidden for values not read by OCR.
	ocr    *widget.Button
	mark   *fyne.Container     // ocr, as wide as the widest mark
	read   *document.FieldRead // how the value was read by OCR; nil when not
	result *widget.Label
	bg     *canvas.Rectangle
}

// fieldEntry is a printed value's entry, which says when the clerk goes
// to it: the picture then shows where the value was read.
type fieldEntry struct {
	widget.Entry
	onFocus func()
}

func newFieldEntry() *fieldEntry {
	e := &fieldEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// Base is the entry itself, as widget.Entry.
func (e *fieldEntry) Base() *widget.Entry { return &e.Entry }

func (e *fieldEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

// table is the comparison and, under it, the findings.
type table struct {
	cols        *columns
	headers     []*widget.Label
	rows        []*fieldRow
	findingsBox *fyne.Container
	root        *fyne.Container
	filling     bool // the entries are being filled, not typed into
	onTyped     func(key, text string)
	// onShowRead shows on the picture where the value of key was read by
	// OCR; ocr: some value shown was, and the printed column makes room
	// for the marks.
	onShowRead func(key string)
	ocr        bool
	// markCell gives every row's mark the width of the widest, so that
	// the entries line up.
	markCell                       markCell
	placeholder, unsurePlaceholder string
}

func newTable(onTyped func(key, text string)) *table {
	t := &table{onTyped: onTyped, findingsBox: container.NewVBox(), cols: &columns{}}
	grid := container.NewVBox()
	headerRow := container.New(t.cols)
	for range 4 {
		h := widget.NewLabel("")
		h.TextStyle.Bold = true
		t.headers = append(t.headers, h)
		headerRow.Add(h)
	}
	grid.Add(headerRow)
	for _, f := range fields {
		r := &fieldRow{key: f.key, label: widget.NewLabel(""), qr: widget.NewLabel(""),
			printed: newFieldEntry(), result: widget.NewLabel(""), bg: canvas.NewRectangle(nil)}
		r.qr.Selectable = true
		r.qr.Truncation = fyne.TextTruncateEllipsis
		r.label.Truncation = fyne.TextTruncateEllipsis
		key := f.key
		r.printed.OnChanged = func(text string) {
			if !t.filling {
				t.onTyped(key, text)
			}
		}
		show := func() {
			if r.read != nil && t.onShowRead != nil {
				t.onShowRead(key)
			}
		}
		r.printed.onFocus = show
		r.ocr = widget.NewButton("", show)
		r.ocr.Importance = widget.LowImportance
		r.mark = container.New(&t.markCell, r.ocr)
		r.mark.Hide()
		t.rows = append(t.rows, r)
		var lay fyne.Layout = t.cols
		if !qrCarries(f.key) {
			// A company's name, which no QR code carries: its entry takes the
			// QR value's place too, so that the name shows whole.
			lay = spanned{t.cols}
			r.qr.Hide()
		}
		printed := container.NewBorder(nil, nil, nil, r.mark, r.printed)
		grid.Add(container.NewStack(r.bg, container.New(lay, r.label, r.qr, printed, r.result)))
	}
	t.root = container.NewVBox(grid, widget.NewSeparator(), t.findingsBox)
	return t
}

func (t *table) content() fyne.CanvasObject { return t.root }

func (t *table) relabel(tr *env.Translator) {
	for i, k := range []string{"detail.field", "detail.qr", "detail.printed", "detail.result"} {
		t.headers[i].SetText(tr.T(k))
	}
	t.placeholder, t.unsurePlaceholder = tr.T("detail.printed.placeholder"), tr.T("detail.printed.unsure")
	for i, f := range fields {
		t.rows[i].label.SetText(tr.T(f.label))
		t.rows[i].printed.SetPlaceHolder(t.placeholder)
		t.showRead(tr, t.rows[i])
	}
	t.measure(tr)
}

// widest20 is the widest value a column shows whole: a 20-digit number
// (an invoice number, a check code).
const widest20 = "00000000000000000000"

// measure sets the columns' widths to what their texts need in the
// language chosen: every field name, a 20-digit value in the QR and
// printed columns, every result and the headers.
func (t *table) measure(tr *env.Translator) {
	var need [4]float32
	for i, h := range t.headers {
		need[i] = env.TextWidth(h.Text, fyne.TextStyle{Bold: true})
	}
	for _, r := range t.rows {
		need[0] = env.Widest(need[0], r.label.Text)
	}
	need[1] = env.Widest(need[1], widest20)
	need[2] = max(need[2], env.Widest(0, widest20)+2*theme.InputBorderSize())
	if t.ocr {
		// Room for the widest mark of a value read by OCR beside it.
		t.markCell.width = 0
		for _, text := range []string{tr.F("detail.ocr", 100), tr.T("detail.ocr.unsure")} {
			t.markCell.width = max(t.markCell.width, widget.NewButton(text, nil).MinSize().Width)
		}
		need[2] += t.markCell.width + theme.Padding()
	}
	for _, k := range []string{"verdict.same", "verdict.different", "verdict.missing", "verdict.error"} {
		need[3] = env.Widest(need[3], tr.T(k)+tr.T("verdict.typed"))
	}
	t.cols.need = need
	t.root.Refresh()
}

// setNarrow lays each row out on two lines (name and result above, the
// QR and printed values under them) or on one; it says whether that
// changed.
func (t *table) setNarrow(narrow bool) bool {
	if t.cols.narrow == narrow {
		return false
	}
	t.cols.narrow = narrow
	t.root.Refresh()
	return true
}

// minWidth is the width the table needs laid out on one line a row
// (narrow false) or on two.
func (t *table) minWidth(narrow bool) float32 {
	c := columns{need: t.cols.need, narrow: narrow}
	return c.width()
}

// fill shows f's QR values and printed values, and returns the entries'
// text by key.
func (t *table) fill(tr *env.Translator, f *form) map[string]string {
	typed := map[string]string{}
	t.filling = true
	t.showQR(tr, f)
	ocr := false
	for _, r := range t.rows {
		r.read = nil
		if rd, ok := f.printed.Reads[r.key]; ok {
			r.read, ocr = &rd, true
		}
		t.showRead(tr, r)
		r.printed.SetText(f.entryText(r.key))
		typed[r.key] = r.printed.Text
		// While a capture's values are being read, what would be typed
		// would be lost when they come: the entries wait for them.
		if f.reading {
			r.printed.Disable()
		} else {
			r.printed.Enable()
		}
	}
	t.filling = false
	if ocr != t.ocr {
		t.ocr = ocr
		t.measure(tr)
	}
	return typed
}

// showRead marks a value read by OCR with the engine's confidence, or
// as not read surely: its entry is then empty and says to look at the
// picture, where its place is outlined.
func (t *table) showRead(tr *env.Translator, r *fieldRow) {
	if r.read == nil {
		r.mark.Hide()
		r.printed.SetPlaceHolder(t.placeholder)
		return
	}
	if r.read.Unsure {
		r.ocr.SetText(tr.T("detail.ocr.unsure"))
		r.ocr.Importance = widget.WarningImportance
		r.printed.SetPlaceHolder(t.unsurePlaceholder)
	} else {
		r.ocr.SetText(tr.F("detail.ocr", int(r.read.Confidence*100+0.5)))
		r.ocr.Importance = widget.LowImportance
		r.printed.SetPlaceHolder(t.placeholder)
	}
	r.mark.Show()
	r.ocr.Refresh()
}

// markCell lays out a value's OCR mark at a width of its own.
type markCell struct{ width float32 }

func (c *markCell) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (c *markCell) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(c.width, h)
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

// qrCarries says whether the comparison shows a QR value for key: not for
// a party's name, which only a sealed code carries (and compare checks).
func qrCarries(key string) bool { return !isName(key) }

// spanned lays out a row as columns does, its printed value taking the QR
// value's place as well.
type spanned struct{ c *columns }

func (s spanned) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	s.c.Layout(objs, size)
	if len(objs) != 4 {
		return
	}
	qr, printed := objs[1], objs[2]
	right := printed.Position().X + printed.Size().Width
	printed.Move(qr.Position())
	printed.Resize(fyne.NewSize(right-qr.Position().X, printed.Size().Height))
}

func (s spanned) MinSize(objs []fyne.CanvasObject) fyne.Size { return s.c.MinSize(objs) }

// columns lays out a comparison row: the field name, the QR value, the
// printed value and the result, each at least as wide as its texts need
// (need), so that every row lines up and a 20-digit number shows whole;
// space beyond that is shared in fixed proportions. Narrow, a row takes
// two lines: the name and the result, then the QR and printed values.
type columns struct {
	need   [4]float32
	narrow bool
}

var columnWeights = [4]float32{0.2, 0.38, 0.3, 0.12}

// width is the least width a row needs.
func (c *columns) width() float32 {
	pad := theme.Padding()
	if c.narrow {
		return max(c.need[0]+c.need[3], c.need[1]+c.need[2]) + pad
	}
	return c.need[0] + c.need[1] + c.need[2] + c.need[3] + 3*pad
}

func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 4 {
		return
	}
	pad := theme.Padding()
	if c.narrow {
		h1 := max(objs[0].MinSize().Height, objs[3].MinSize().Height)
		h2 := max(objs[1].MinSize().Height, objs[2].MinSize().Height)
		rw := c.need[3]
		objs[0].Move(fyne.NewPos(0, 0))
		objs[0].Resize(fyne.NewSize(size.Width-rw-pad, h1))
		objs[3].Move(fyne.NewPos(size.Width-rw, 0))
		objs[3].Resize(fyne.NewSize(rw, h1))
		half := (size.Width - pad) / 2
		qw := max(c.need[1], min(half, size.Width-pad-c.need[2]))
		objs[1].Move(fyne.NewPos(0, h1))
		objs[1].Resize(fyne.NewSize(qw, h2))
		objs[2].Move(fyne.NewPos(qw+pad, h1))
		objs[2].Resize(fyne.NewSize(size.Width-qw-pad, h2))
		return
	}
	extra := max(0, size.Width-c.width())
	x := float32(0)
	for i, o := range objs {
		w := c.need[i] + extra*columnWeights[i]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 4 {
		return fyne.Size{}
	}
	line := func(a, b fyne.CanvasObject) float32 { return max(a.MinSize().Height, b.MinSize().Height) }
	if c.narrow {
		return fyne.NewSize(c.width(), line(objs[0], objs[3])+line(objs[1], objs[2]))
	}
	return fyne.NewSize(c.width(), max(line(objs[0], objs[3]), line(objs[1], objs[2])))
}
