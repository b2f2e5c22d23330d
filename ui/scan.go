package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// scanScreen is where a clerk pastes or types the text of one QR code, or
// scans it with a scanner gun that types into the focused entry, and sees
// what it says as they go.
type scanScreen struct {
	tr  *Translator
	now func() time.Time

	input *widget.Entry

	inputCard, resultCard, findingsCard *widget.Card

	kind, code, number, amount, date, checkCode, sellerTaxID, crc, verification *resultRow

	findings *fyne.Container
	// shown is what the findings list currently displays.
	shown []finding.Finding
	// result is the analysis of the current text, nil while it is empty.
	result *payload.Result
}

// resultRow is one line of the parsed result: a field label and its value.
type resultRow struct {
	label, value *widget.Label
}

func newResultRow() *resultRow {
	// Not bold: the Chinese font has no bold face, and half-bold labels look odd.
	label := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	value := widget.NewLabel(placeholder)
	value.Selectable = true
	value.Wrapping = fyne.TextWrapWord
	return &resultRow{label: label, value: value}
}

func newScanScreen(tr *Translator, now func() time.Time) *scanScreen {
	s := &scanScreen{tr: tr, now: now}

	s.input = widget.NewMultiLineEntry()
	s.input.Wrapping = fyne.TextWrapBreak
	s.input.OnChanged = s.onChanged

	s.kind, s.code, s.number = newResultRow(), newResultRow(), newResultRow()
	s.amount, s.date, s.checkCode = newResultRow(), newResultRow(), newResultRow()
	s.sellerTaxID, s.crc, s.verification = newResultRow(), newResultRow(), newResultRow()

	form := container.New(layout.NewFormLayout())
	for _, r := range s.rows() {
		form.Add(r.label)
		form.Add(r.value)
	}
	s.findings = container.NewVBox()

	s.inputCard = widget.NewCard("", "", s.input)
	s.resultCard = widget.NewCard("", "", container.NewVScroll(form))
	s.findingsCard = widget.NewCard("", "", container.NewVScroll(s.findings))

	s.relabel(tr)
	return s
}

func (s *scanScreen) rows() []*resultRow {
	return []*resultRow{s.kind, s.code, s.number, s.amount, s.date, s.checkCode, s.sellerTaxID, s.crc, s.verification}
}

// content lays the screen out: the text on top, the result and the findings
// side by side below it.
func (s *scanScreen) content() fyne.CanvasObject {
	below := container.NewHSplit(s.resultCard, s.findingsCard)
	below.SetOffset(0.5)
	split := container.NewVSplit(s.inputCard, below)
	split.SetOffset(0.28)
	return split
}

// relabel switches the screen to tr's language and redraws what it shows.
func (s *scanScreen) relabel(tr *Translator) {
	s.tr = tr
	s.input.SetPlaceHolder(tr.T("input.placeholder"))
	s.inputCard.SetTitle(tr.T("section.input"))
	s.resultCard.SetTitle(tr.T("section.result"))
	s.findingsCard.SetTitle(tr.T("section.findings"))

	labels := map[*resultRow]string{
		s.kind: "field.kind", s.code: "field.code", s.number: "field.number",
		s.amount: "field.amount", s.date: "field.date", s.checkCode: "field.check_code",
		s.sellerTaxID: "field.seller_tax_id", s.crc: "field.crc", s.verification: "field.verification",
	}
	for row, key := range labels {
		row.label.SetText(tr.T(key))
	}
	s.show(s.result)
}

func (s *scanScreen) onChanged(text string) {
	if text == "" {
		s.result = nil
	} else {
		s.result = payload.Analyze(text, s.now())
	}
	s.show(s.result)
}

// show fills the rows and the findings from r; nil clears them.
func (s *scanScreen) show(r *payload.Result) {
	if r == nil {
		for _, row := range s.rows() {
			row.set(placeholder, widget.MediumImportance)
		}
		s.amount.label.SetText(s.tr.T("field.amount"))
		s.showFindings(nil)
		return
	}
	tr := s.tr
	s.kind.set(formatKind(tr, r), widget.MediumImportance)
	s.code.set(orPlaceholder(r.Code), widget.MediumImportance)
	s.number.set(orPlaceholder(r.Number), widget.MediumImportance)
	s.amount.label.SetText(amountLabel(tr, r))
	s.amount.set(formatAmount(r), widget.MediumImportance)
	s.date.set(formatDate(tr, r), widget.MediumImportance)
	s.checkCode.set(orPlaceholder(r.CheckCode), widget.MediumImportance)
	s.sellerTaxID.set(orPlaceholder(r.SellerTaxID), widget.MediumImportance)

	crc, ok := formatCRC(tr, r)
	switch {
	case ok:
		s.crc.set(crc, widget.SuccessImportance)
	case r.CRC.Value != "":
		s.crc.set(crc, widget.WarningImportance)
	default:
		s.crc.set(crc, widget.MediumImportance)
	}

	// Ready only says the QR holds what 查验 asks for; whether the platform
	// still accepts the invoice (age, same day) is for the findings to say.
	s.verification.set(formatVerification(tr, r.Verification), widget.MediumImportance)
	s.showFindings(r.Findings)
}

func (row *resultRow) set(text string, imp widget.Importance) {
	if row.value.Text == text && row.value.Importance == imp {
		return
	}
	row.value.Importance = imp
	row.value.SetText(text)
}

// showFindings rebuilds the findings list: one row per finding with its
// severity icon, or one line saying there is nothing to report.
func (s *scanScreen) showFindings(fs []finding.Finding) {
	// Worst first, otherwise in the order the checks reported them.
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
	s.shown = fs
	var rows []fyne.CanvasObject
	switch {
	case s.result == nil:
		rows = append(rows, findingRow(nil, s.tr.T("findings.waiting")))
	case len(fs) == 0:
		rows = append(rows, findingRow(theme.NewSuccessThemedResource(theme.ConfirmIcon()), s.tr.T("findings.none")))
	}
	for _, f := range fs {
		rows = append(rows, findingRow(severityIcon(f.Severity), sentence(f.Text(s.tr.Lang()))))
	}
	s.findings.Objects = rows
	s.findings.Refresh()
}

func findingRow(icon fyne.Resource, text string) fyne.CanvasObject {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	if icon == nil {
		return label
	}
	return container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, label)
}

func severityIcon(sev finding.Severity) fyne.Resource {
	switch sev {
	case finding.Error:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case finding.Warning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.NewPrimaryThemedResource(theme.InfoIcon())
}

// sentence capitalises the first letter: the core's English messages are
// written to be embedded in other text, the list shows them on their own.
func sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
