package ui

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/compare"
	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// historyCodes are the findings the history adds; the rest are recomputed
// from the QR code and the printed values.
var historyCodes = map[string]bool{"duplicate": true, "already_locked": true, "already_reimbursed": true,
	"already_voided": true, "already_red_reversed": true, "blacklisted": true, "not_recorded": true}

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

// detailView shows one invoice: its picture, the QR code beside the printed
// values, what was found, and the buttons that move it through the workflow.
type detailView struct {
	e *env

	// What is shown.
	title     string
	invoiceID int64
	state     store.State
	verified  *store.Verification
	qr        *payload.Result
	printed   document.Printed
	base      []finding.Finding // the QR code's and the history's findings
	findings  []finding.Finding // base and the comparison's, as shown
	firstSeen *store.Sighting
	firstGone bool // the file it was first seen in is no longer there
	loading   bool
	// shown counts what was shown: a picture or a check that comes back for
	// an invoice no longer shown is dropped.
	shown    int
	pictures *pictureCache
	picNote  string // the picture's note, a translation key

	titleLabel, stateLabel, firstSeenLabel, emptyLabel *widget.Label
	headers                                            []*widget.Label
	rows                                               []*fieldRow
	findingsBox                                        *fyne.Container
	image                                              *qrImage
	verifyButton, lockButton, reimburseButton          *widget.Button
	voidButton, firstButton                            *widget.Button
	body                                               fyne.CanvasObject
	titleRow, firstRow                                 *fyne.Container
	empty                                              *fyne.Container
	root                                               *fyne.Container

	// confirm is the open confirmation, kept so that tests can answer it.
	confirm dialog.Dialog
	message dialog.Dialog
	work    sync.WaitGroup
	// onChange is called after the history changed (state, verification).
	onChange func()
	// onOpenFirst opens the history's record of an invoice shown as a
	// duplicate; nil where the record is what is shown.
	onOpenFirst func(invoiceID int64)
}

var detailFields = []struct{ key, label string }{
	{store.PrintedCode, "field.code"},
	{store.PrintedNumber, "field.number"},
	{store.PrintedDate, "field.date"},
	{store.PrintedAmount, "field.amount"},
	{store.PrintedTotal, "field.amount.incl_tax"},
	{store.PrintedCheckCode, "field.check_code"},
	{store.PrintedSellerTaxID, "field.seller_tax_id"},
	{store.PrintedSellerName, "field.seller_name"},
	{store.PrintedBuyerTaxID, "field.buyer_tax_id"},
}

func newDetailView(e *env) *detailView {
	d := &detailView{e: e, pictures: newPictureCache()}
	d.titleLabel = widget.NewLabel("")
	d.titleLabel.Truncation = fyne.TextTruncateEllipsis
	d.titleLabel.TextStyle.Bold = true
	d.stateLabel = widget.NewLabel("")
	d.firstSeenLabel = widget.NewLabel("")
	d.firstSeenLabel.Importance = widget.DangerImportance
	d.firstSeenLabel.Wrapping = fyne.TextWrapWord
	d.emptyLabel = widget.NewLabel("")
	d.emptyLabel.Alignment = fyne.TextAlignCenter
	d.image = newQRImage()
	d.findingsBox = container.NewVBox()
	d.verifyButton = widget.NewButtonWithIcon("", theme.ConfirmIcon(), d.onVerify)
	d.verifyButton.Importance = widget.HighImportance
	d.lockButton = widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), d.onLock)
	d.reimburseButton = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), d.onReimburse)
	d.voidButton = widget.NewButtonWithIcon("", theme.DeleteIcon(), d.onVoid)
	d.firstButton = widget.NewButtonWithIcon("", theme.HistoryIcon(), d.onFirst)
	d.firstButton.Hide()

	grid := container.NewVBox()
	headerRow := container.New(columns{})
	for i := 0; i < 4; i++ {
		h := widget.NewLabel("")
		h.TextStyle.Bold = true
		d.headers = append(d.headers, h)
		headerRow.Add(h)
	}
	grid.Add(headerRow)
	for _, f := range detailFields {
		r := &fieldRow{key: f.key, label: widget.NewLabel(""), qr: widget.NewLabel(""),
			printed: widget.NewEntry(), result: widget.NewLabel(""), bg: canvas.NewRectangle(nil)}
		r.qr.Selectable = true
		r.qr.Truncation = fyne.TextTruncateEllipsis
		r.label.Truncation = fyne.TextTruncateEllipsis
		r.printed.OnChanged = d.onPrintedChanged
		d.rows = append(d.rows, r)
		grid.Add(container.NewStack(r.bg, container.New(columns{}, r.label, r.qr, r.printed, r.result)))
	}

	buttons := container.NewHBox(d.verifyButton, d.lockButton, d.reimburseButton, d.voidButton)
	d.titleRow = container.NewBorder(nil, nil, nil, d.stateLabel, d.titleLabel)
	d.firstRow = container.NewBorder(nil, nil, nil, d.firstButton, d.firstSeenLabel)
	header := container.NewVBox(d.titleRow, buttons, d.firstRow)
	right := container.NewVScroll(container.NewVBox(grid, widget.NewSeparator(), d.findingsBox))
	split := container.NewHSplit(d.image, right)
	split.SetOffset(0.3)
	d.body = container.NewBorder(header, nil, nil, nil, split)
	d.empty = container.NewCenter(d.emptyLabel)
	d.root = container.NewStack(d.empty, d.body)
	d.body.Hide()
	d.relabel()
	return d
}

func (d *detailView) content() fyne.CanvasObject { return d.root }

func (d *detailView) relabel() {
	tr := d.e.tr
	d.emptyLabel.SetText(tr.T("detail.empty"))
	for i, k := range []string{"detail.field", "detail.qr", "detail.printed", "detail.result"} {
		d.headers[i].SetText(tr.T(k))
	}
	for i, f := range detailFields {
		d.rows[i].label.SetText(tr.T(f.label))
		d.rows[i].printed.SetPlaceHolder(tr.T("detail.printed.placeholder"))
	}
	d.verifyButton.SetText(tr.T("action.verify"))
	d.lockButton.SetText(tr.T("action.lock"))
	d.reimburseButton.SetText(tr.T("action.reimburse"))
	d.voidButton.SetText(tr.T("action.void"))
	d.firstButton.SetText(tr.T("action.open_first"))
	if !d.body.Visible() {
		return
	}
	if d.picNote != "" {
		d.image.setNote(tr.T(d.picNote))
	}
	d.showState()
	d.recompute()
}

// showItem shows a queue item: an invoice just scanned, or a file without one.
func (d *detailView) showItem(it *queueItem) {
	tr := d.e.tr
	d.title = it.name
	if it.source == store.SourceGun || it.source == store.SourcePaste {
		d.title = tr.T("source." + string(it.source))
	}
	inv := it.invoice()
	d.qr, d.printed, d.base, d.invoiceID, d.state, d.verified, d.firstSeen = nil, document.Printed{}, nil, 0, "", nil, nil
	d.shown++
	if inv != nil {
		d.qr = inv.QR
		if inv.Printed != nil {
			d.printed = *inv.Printed
		}
		if d.qr != nil {
			d.base = append(d.base, d.qr.Findings...)
		}
		for _, f := range inv.Findings {
			if historyCodes[f.Code] {
				d.base = append(d.base, f)
			}
		}
		if rec := inv.Recorded; rec != nil {
			d.invoiceID, d.state, d.firstSeen = rec.InvoiceID, rec.State, rec.DuplicateOf
		}
		if inv.Page > 0 {
			d.title += " · " + tr.F("detail.page", inv.Page)
		}
	}
	if it.file.Err != nil {
		d.base = append(d.base, finding.New("unreadable", finding.Error, "", "无法读取文件：%v",
			"the file could not be read: %v", it.file.Err))
	} else if inv == nil {
		d.base = append(d.base, finding.New("no_qr", finding.Warning, "", "文件中没有找到发票二维码",
			"no invoice QR code was found in the file"))
	}
	d.checkFirstSeen()
	d.fill()
	if d.invoiceID != 0 {
		d.reload()
	}
	d.showPicture(it, inv)
}

// showRecord shows an invoice from the history.
func (d *detailView) showRecord(inv *store.Invoice) {
	d.title = inv.Identity
	d.invoiceID, d.state, d.verified = inv.ID, inv.State, inv.Verified
	d.qr, d.base, d.firstSeen = nil, nil, nil
	d.shown++
	for _, s := range inv.Sightings {
		if s.Raw != "" {
			d.qr = payload.AnalyzeWith(s.Raw, d.e.now(), d.e.scanner.Keyring())
			d.base = append(d.base, d.qr.Findings...)
			break
		}
	}
	for _, f := range inv.Findings {
		if historyCodes[f.Code] && f.Code != "duplicate" {
			d.base = append(d.base, f)
		}
	}
	if inv.Seen > 1 {
		first := inv.FirstSeen
		d.firstSeen = &first
	}
	p := inv.Printed
	d.printed = document.Printed{TypeCode: p[store.PrintedKind], Code: p[store.PrintedCode],
		Number: p[store.PrintedNumber], Date: p[store.PrintedDate], CheckCode: p[store.PrintedCheckCode],
		BuyerName: p[store.PrintedBuyerName], BuyerTaxID: p[store.PrintedBuyerTaxID],
		SellerName: p[store.PrintedSellerName], SellerTaxID: p[store.PrintedSellerTaxID],
		Amount: p[store.PrintedAmount], Tax: p[store.PrintedTax], Total: p[store.PrintedTotal]}
	d.checkFirstSeen()
	d.fill()
	d.showRecordPicture(inv.Sightings)
}

// fill puts the invoice's values in the table.
func (d *detailView) fill() {
	d.loading = true
	for _, r := range d.rows {
		r.qr.SetText(orPlaceholder(d.qrValue(r.key)))
		r.printed.SetText(printedValue(&d.printed, r.key))
	}
	d.loading = false
	d.empty.Hide()
	d.body.Show()
	d.showState()
	d.recompute()
}

// showPicture shows the item's picture: its file's, or the webcam frame's
// when there is no file.
func (d *detailView) showPicture(it *queueItem, inv *scan.Invoice) {
	f := it.file
	page, raw := 0, ""
	if inv != nil {
		page = inv.Page
		if inv.QR != nil {
			raw = inv.QR.Raw
		}
	}
	switch {
	case f.Err != nil:
		d.setPicture(picture{note: "detail.no_picture"}, nil)
	case f.File != "":
		path, codes := f.File, f.Codes
		if p, ok := d.cachedPicture(path, page, raw); ok {
			d.setPicture(p, p.outlines(codes, raw))
			return
		}
		d.loadPicture(func() (picture, [][]fyne.Position) {
			p := d.filePicture(path, page, raw)
			return p, p.outlines(codes, raw)
		})
	case len(f.Frame) > 0:
		frame, codes := f.Frame, f.Codes
		d.loadPicture(func() (picture, [][]fyne.Position) {
			p := loadFrame(frame)
			return p, p.outlines(codes, raw)
		})
	default:
		d.setPicture(picture{note: "detail.no_picture"}, nil)
	}
}

// showRecordPicture shows the picture of the first sighting that still has
// one: a file that is still there, or a kept webcam frame.
func (d *detailView) showRecordPicture(sightings []store.SightingDetail) {
	some := false
	for _, s := range sightings {
		some = some || s.File != "" || s.Source == store.SourceCamera
	}
	if !some { // typed, pasted or read by a scanner gun
		d.setPicture(picture{note: "detail.no_picture"}, nil)
		return
	}
	d.loadPicture(func() (picture, [][]fyne.Position) {
		for _, s := range sightings {
			var p picture
			switch {
			case s.File != "":
				if _, err := os.Stat(s.File); err != nil {
					continue
				}
				p = d.filePicture(s.File, s.Page, s.Raw)
			case s.Source == store.SourceCamera:
				frame, _, err := d.e.st.Frame(context.Background(), s.ScanID)
				if err != nil {
					continue
				}
				p = loadFrame(frame)
			default:
				continue
			}
			if p.img != nil && p.codes == nil {
				// A photo's codes were located when it was scanned; that
				// is not kept.
				p.codes = locate(context.Background(), p.img)
			}
			return p, p.outlines(nil, s.Raw)
		}
		return picture{note: "detail.no_picture"}, nil
	})
}

// filePicture is the picture of a file's page, from the cache when it was
// made before. It runs off the UI goroutine.
func (d *detailView) filePicture(path string, page int, raw string) picture {
	text := pictureText(path, raw)
	key, err := fileKey(path, page, text)
	if err != nil {
		return picture{note: "detail.no_picture"}
	}
	return d.pictures.get(key, func() picture { return loadFile(path, page, text) })
}

// cachedPicture is the picture of a file's page when it is made already:
// shown at once, going back to an invoice flickers no "loading".
func (d *detailView) cachedPicture(path string, page int, raw string) (picture, bool) {
	key, err := fileKey(path, page, pictureText(path, raw))
	if err != nil {
		return picture{}, false
	}
	return d.pictures.done(key)
}

// pictureText is the code an OFD's picture is of; "" for other files, whose
// picture is the same whichever code is shown.
func pictureText(path, raw string) string {
	if strings.EqualFold(filepath.Ext(path), ".ofd") {
		return raw
	}
	return ""
}

// loadPicture makes a picture on a goroutine and shows it, unless another
// invoice is shown by then.
func (d *detailView) loadPicture(load func() (picture, [][]fyne.Position)) {
	d.setPicture(picture{note: "detail.loading"}, nil)
	shown := d.shown
	d.work.Add(1)
	go func() {
		defer d.work.Done()
		p, lines := load()
		fyne.Do(func() {
			if d.shown == shown {
				d.setPicture(p, lines)
			}
		})
	}()
}

func (d *detailView) setPicture(p picture, lines [][]fyne.Position) {
	d.picNote = p.note
	note := ""
	if p.note != "" {
		note = d.e.tr.T(p.note)
	}
	d.image.set(p.img, lines, note)
}

// checkFirstSeen looks whether the file a duplicate was first seen in is
// still there: one stat, like the history's own lookups.
func (d *detailView) checkFirstSeen() {
	d.firstGone = false
	if d.firstSeen != nil && d.firstSeen.File != "" {
		_, err := os.Stat(d.firstSeen.File)
		d.firstGone = errors.Is(err, fs.ErrNotExist)
	}
}

func (d *detailView) qrValue(key string) string {
	q := d.qr
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
			return formatDate(d.e.tr, q)
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
		return formatAmount(q)
	}
	return ""
}

func printedValue(p *document.Printed, key string) string {
	return scan.PrintedValues(p)[key]
}

// edited is the printed values as the table holds them now, in the forms
// the comparison reads (dates as ISO, amounts without ¥ and commas).
func (d *detailView) edited() (document.Printed, bool) {
	p := d.printed
	any := false
	for _, r := range d.rows {
		v := normalizeTyped(r.key, r.printed.Text)
		any = any || v != ""
		switch r.key {
		case store.PrintedCode:
			p.Code = v
		case store.PrintedNumber:
			p.Number = v
		case store.PrintedDate:
			p.Date = v
		case store.PrintedAmount:
			p.Amount = v
		case store.PrintedTotal:
			p.Total = v
		case store.PrintedCheckCode:
			p.CheckCode = v
		case store.PrintedSellerTaxID:
			p.SellerTaxID = v
		case store.PrintedSellerName:
			p.SellerName = v
		case store.PrintedBuyerTaxID:
			p.BuyerTaxID = v
		}
	}
	if any {
		p.NeedsTyping = false
	}
	return p, any
}

// normalizeTyped reads a value as a clerk types it: full-width characters
// from an input method, 2024年5月14日, ¥1,234.56.
func normalizeTyped(key, s string) string {
	if key != store.PrintedSellerName {
		s = normalizeGun(s)
	}
	s = strings.TrimSpace(s)
	switch key {
	case store.PrintedDate:
		if dt, err := store.ParseDate(s); err == nil && s != "" {
			return dt.String()
		}
	case store.PrintedAmount, store.PrintedTotal:
		s = strings.NewReplacer("¥", "", "￥", "", ",", "").Replace(s)
	}
	return s
}

func (d *detailView) onPrintedChanged(string) {
	if !d.loading {
		d.recompute()
	}
}

// recompute compares the QR code with the printed values as they stand and
// shows every difference at once.
func (d *detailView) recompute() {
	p, typed := d.edited()
	var rows []compare.Row
	d.findings = append([]finding.Finding(nil), d.base...)
	if typed || d.printed.NeedsTyping || (d.qr == nil && !p.Empty()) {
		var fs []finding.Finding
		rows, fs = compare.Compare(d.qr, p)
		d.findings = append(d.findings, fs...)
	}
	verdict := map[string]compare.Verdict{}
	for _, r := range rows {
		key := r.Field
		if r.Field == compare.FieldAmount && r.Basis == compare.BasisTotal {
			key = store.PrintedTotal
		}
		verdict[key] = r.Verdict
	}
	worst := map[string]finding.Severity{}
	for _, f := range d.findings {
		if cur, ok := worst[f.Field]; f.Field != "" && (!ok || f.Severity.Rank() < cur.Rank()) {
			worst[f.Field] = f.Severity
		}
	}
	tr := d.e.tr
	for _, r := range d.rows {
		text, imp, bad := "", widget.MediumImportance, false
		switch verdict[r.key] {
		case compare.Same:
			text, imp = tr.T("verdict.same"), widget.SuccessImportance
		case compare.Different:
			text, imp, bad = tr.T("verdict.different"), widget.DangerImportance, true
		case compare.Missing:
			text, imp = tr.T("verdict.missing"), widget.WarningImportance
		}
		if worst[r.key] == finding.Error && !bad {
			text, imp, bad = tr.T("verdict.error"), widget.DangerImportance, true
		}
		r.result.Importance = imp
		r.result.SetText(text)
		if bad {
			c := theme.Color(theme.ColorNameError)
			r0, g0, b0, _ := c.RGBA()
			r.bg.FillColor = colorNRGBA(r0, g0, b0, 0x40)
			r.qr.Importance = widget.DangerImportance
		} else {
			r.bg.FillColor = nil
			r.qr.Importance = widget.MediumImportance
		}
		r.bg.Refresh()
		r.qr.Refresh()
	}
	d.showFindings()
}

func (d *detailView) showFindings() {
	tr := d.e.tr
	var objs []fyne.CanvasObject
	if len(d.findings) == 0 {
		objs = append(objs, findingRow(theme.NewSuccessThemedResource(theme.ConfirmIcon()), tr.T("findings.none")))
	}
	sorted := append([]finding.Finding(nil), d.findings...)
	sortFindings(sorted)
	for _, f := range sorted {
		objs = append(objs, findingRow(severityIcon(f.Severity), sentence(f.Text(tr.Lang()))))
	}
	d.findingsBox.Objects = objs
	d.findingsBox.Refresh()
}

func (d *detailView) showState() {
	tr := d.e.tr
	d.titleLabel.SetText(d.title)
	if d.invoiceID == 0 {
		d.stateLabel.SetText(tr.T("state.unrecorded"))
	} else {
		text := tr.T("state." + string(d.state))
		if d.verified != nil {
			text += "  " + tr.F("detail.verified_by", d.verified.Clerk, formatTime(tr, d.verified.At))
		}
		d.stateLabel.SetText(text)
	}
	d.stateLabel.Importance = widget.MediumImportance
	if d.state.Final() {
		d.stateLabel.Importance = widget.WarningImportance
	}
	d.stateLabel.Refresh()
	d.titleRow.Refresh()
	if d.firstSeen != nil {
		text := tr.F("detail.first_seen", formatTime(tr, d.firstSeen.At), sightingPlace(tr, d.firstSeen))
		if d.firstGone {
			text += tr.T("detail.first_gone")
		}
		d.firstSeenLabel.SetText(text)
		d.firstSeenLabel.Show()
	} else {
		d.firstSeenLabel.Hide()
	}
	if d.firstSeen != nil && d.invoiceID != 0 && d.onOpenFirst != nil {
		d.firstButton.Show()
	} else {
		d.firstButton.Hide()
	}
	d.firstRow.Refresh()
	enable := func(b *widget.Button, ok bool) {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	has := d.invoiceID != 0
	enable(d.verifyButton, has && !d.state.Final())
	enable(d.lockButton, has && d.state.CanBecome(store.StateLocked))
	enable(d.reimburseButton, has && d.state.CanBecome(store.StateReimbursed))
	enable(d.voidButton, has && d.state.CanBecome(store.StateVoided))
}

// sightingPlace says where an invoice was seen: the file and page, and the
// way it came in.
func sightingPlace(tr *Translator, s *store.Sighting) string {
	source := tr.T("source." + string(s.Source))
	if s.File == "" {
		return source
	}
	place := filepath.Base(s.File)
	if s.Page > 0 {
		place += " · " + tr.F("detail.page", s.Page)
	}
	return tr.F("detail.place", place, source)
}

// onFirst opens the history's record of the invoice shown.
func (d *detailView) onFirst() {
	if d.invoiceID != 0 && d.onOpenFirst != nil {
		d.onOpenFirst(d.invoiceID)
	}
}

// --- actions ---

func (d *detailView) onVerify() {
	if d.invoiceID == 0 || d.state.Final() {
		return
	}
	d.act(func(ctx context.Context, st *store.Store, clerk string) error {
		if err := d.saveEdits(ctx, st, clerk); err != nil {
			return err
		}
		_, err := st.VerifyAll(ctx, d.invoiceID, clerk)
		return err
	})
}

func (d *detailView) onLock() { d.setState(store.StateLocked) }

func (d *detailView) onReimburse() { d.confirmState(store.StateReimbursed, "confirm.reimburse") }

func (d *detailView) onVoid() { d.confirmState(store.StateVoided, "confirm.void") }

// confirmState asks before a change that can never be undone.
func (d *detailView) confirmState(to store.State, key string) {
	if d.invoiceID == 0 || !d.state.CanBecome(to) {
		return
	}
	tr := d.e.tr
	c := dialog.NewConfirm(tr.T("confirm.title"), tr.F(key, d.title), func(ok bool) {
		if ok {
			d.setState(to)
		}
	}, d.e.win)
	c.SetConfirmText(tr.T("action." + string(to)))
	c.SetDismissText(tr.T("confirm.cancel"))
	d.confirm = c
	c.Show()
}

func (d *detailView) setState(to store.State) {
	if d.invoiceID == 0 {
		return
	}
	d.act(func(ctx context.Context, st *store.Store, clerk string) error {
		return st.SetState(ctx, d.invoiceID, to, clerk, "")
	})
}

// saveEdits writes the printed values the clerk corrected, each audited.
func (d *detailView) saveEdits(ctx context.Context, st *store.Store, clerk string) error {
	p, typed := d.edited()
	if !typed {
		return nil
	}
	for _, r := range d.rows {
		now, was := printedValue(&p, r.key), printedValue(&d.printed, r.key)
		if now != was && now != "" {
			if err := st.SetPrinted(ctx, d.invoiceID, r.key, now, clerk); err != nil {
				return err
			}
		}
	}
	d.printed = p
	return nil
}

// act runs a change to the history off the UI goroutine, then shows the
// invoice as the history now has it.
func (d *detailView) act(fn func(ctx context.Context, st *store.Store, clerk string) error) {
	id := d.invoiceID
	d.work.Add(1)
	go func() {
		defer d.work.Done()
		ctx := context.Background()
		err := fn(ctx, d.e.st, d.e.clerk(ctx))
		fyne.Do(func() {
			if err != nil {
				d.showError(err)
			}
			if d.invoiceID == id {
				d.reload()
			}
			if d.onChange != nil {
				d.onChange()
			}
		})
	}()
}

// reload reads the invoice's state and last verification from the history.
func (d *detailView) reload() {
	inv, err := d.e.st.Get(context.Background(), d.invoiceID)
	if err != nil {
		return
	}
	d.state, d.verified = inv.State, inv.Verified
	d.showState()
}

func (d *detailView) showError(err error) {
	d.message = dialog.NewInformation(d.e.tr.T("error.title"), errorText(d.e.tr, err), d.e.win)
	d.message.Show()
}

// errorText says what went wrong in the clerk's language, by the error's kind.
func errorText(tr *Translator, err error) string {
	switch {
	case errors.Is(err, store.ErrBusy):
		return tr.T("error.busy")
	case errors.Is(err, store.ErrTransition):
		return tr.T("error.transition")
	case errors.Is(err, store.ErrNotFound):
		return tr.T("error.not_found")
	}
	return tr.F("error.other", err)
}

func (d *detailView) wait() { d.work.Wait() }

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
