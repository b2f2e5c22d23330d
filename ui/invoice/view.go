// Package invoice is the detail view of one invoice: its picture, the QR
// code's values beside the printed values (which the clerk may type or
// correct), what was found, and the actions that verify, lock, reimburse or
// void it. The scan screen and the history both show invoices with it.
package invoice

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// Scanned is what a scan found: one of a file's invoices (or a code's), or
// the file when it gave none.
type Scanned struct {
	Name   string // the file's name, or the code's text
	Source store.Source
	File   *scan.FileResult
	Index  int // into File.Invoices; -1 when the file gave no invoice
	// Reading: a camera's capture whose printed values are being read by
	// OCR; it is recorded once they are.
	Reading bool
}

// Invoice is the invoice scanned, nil for a file that gave none.
func (s *Scanned) Invoice() *scan.Invoice {
	if s.Index < 0 {
		return nil
	}
	return &s.File.Invoices[s.Index]
}

// View shows one invoice and moves it through the workflow. Its methods are
// called on the UI goroutine.
type View struct {
	e *env.Env
	f form

	title     string
	firstSeen *store.Sighting
	firstGone bool // the file it was first seen in is no longer there
	// record loads what the history says of the invoice shown; pictures
	// makes its picture. A newer invoice shown drops what an older one
	// asked for.
	record   *bridge.Latest[loaded]
	pictures *bridge.Latest[shownPicture]
	cache    *pictureCache
	picNote  string // the picture's note, a translation key
	// pageWindow is the window the picture was last enlarged into.
	pageWindow fyne.Window

	titleLabel, stateLabel, firstSeenLabel, emptyLabel *widget.Label
	// verifiedBadge shows, beside the buttons, that the invoice is signed
	// off; stepLabel says what comes next (why 报销 waits for 锁定).
	verifiedBadge                             *widget.Label
	stepLabel                                 *hintLabel
	table                                     *table
	image                                     *qrImage
	verifyButton, lockButton, reimburseButton *widget.Button
	voidButton, firstButton                   *widget.Button
	body                                      fyne.CanvasObject
	split                                     *container.Split
	detail                                    *fyne.Container // the picture and the values
	titleRow, firstRow                        *fyne.Container
	empty                                     *fyne.Container
	root                                      *fyne.Container

	// typeButton offers to type in the invoice of a file whose QR code
	// could not be read (noQRFile).
	typeButton *widget.Button
	noQRFile   string

	// confirm and message are the open dialogs, kept so that tests can
	// answer them.
	confirm dialog.Dialog
	message dialog.Dialog

	// OnChange is called after the history changed (state, verification,
	// printed values).
	OnChange func()
	// OnOpenFirst opens the history's record of an invoice shown as a
	// duplicate; nil where the record is what is shown.
	OnOpenFirst func(invoiceID int64)
	// OnTypeIn opens the form to type in the invoice of a file whose QR
	// code could not be read; nil where invoices are not taken in.
	OnTypeIn func(file string)
	// OnRecorded is called with the history's record of the invoice shown
	// each time it is read again (after a scan, a verification, a change):
	// its findings are those of the QR code, the values read and typed.
	OnRecorded func(inv *store.Invoice)

	// edited: the clerk has typed into the invoice shown since it was filled.
	edited bool
	// waiting are the values typed into invoices of scans kept in a team's
	// outbox and saved there with them, shown again when such an invoice
	// is: the history has no record of them yet to read them from.
	waiting map[waitingInvoice]map[string]string
}

// waitingInvoice is invoice Index of the scan kept in team's outbox as ID.
type waitingInvoice struct {
	team  *outbox.Team
	id    int64
	index int
}

// New builds an empty detail view.
func New(e *env.Env) *View {
	v := &View{e: e, cache: newPictureCache()}
	v.record = bridge.NewLatest[loaded](e.Bridge)
	v.pictures = bridge.NewLatest[shownPicture](e.Bridge)
	// The title is a file's name or a code's whole text (a QR payload of
	// 70 characters): wrapped where the view is narrow, never cut, and
	// selectable, to be copied.
	v.titleLabel = widget.NewLabel("")
	v.titleLabel.Wrapping = fyne.TextWrapBreak
	v.titleLabel.Selectable = true
	v.titleLabel.TextStyle.Bold = true
	v.stateLabel = widget.NewLabel("")
	v.firstSeenLabel = widget.NewLabel("")
	v.firstSeenLabel.Importance = widget.DangerImportance
	v.firstSeenLabel.Wrapping = fyne.TextWrapWord
	v.emptyLabel = widget.NewLabel("")
	v.emptyLabel.Alignment = fyne.TextAlignCenter
	v.image = newQRImage()
	v.image.onEnlarge = v.enlarge
	v.table = newTable(v.onTyped)
	v.table.onShowRead = v.showRead
	v.verifyButton = widget.NewButtonWithIcon("", theme.ConfirmIcon(), v.Verify)
	v.verifyButton.Importance = widget.HighImportance
	v.lockButton = widget.NewButtonWithIcon("", lockIcon, v.onLock)
	v.reimburseButton = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), v.onReimburse)
	v.voidButton = widget.NewButtonWithIcon("", theme.DeleteIcon(), v.onVoid)
	v.firstButton = widget.NewButtonWithIcon("", theme.HistoryIcon(), v.onFirst)
	v.firstButton.Hide()
	v.typeButton = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		if v.noQRFile != "" && v.OnTypeIn != nil {
			v.OnTypeIn(v.noQRFile)
		}
	})
	v.typeButton.Importance = widget.HighImportance
	v.typeButton.Hide()

	v.verifiedBadge = widget.NewLabel("")
	v.verifiedBadge.Importance = widget.SuccessImportance
	v.verifiedBadge.TextStyle.Bold = true
	v.verifiedBadge.Hide()
	v.stepLabel = newHintLabel()
	v.stepLabel.Importance = widget.LowImportance
	// The hint beside the buttons, wrapped between its phrases where the
	// view is narrow: the page preview keeps its height. Where it would
	// take more than two lines there, it goes under them.
	actions := container.NewHBox(v.typeButton, v.verifyButton, v.lockButton, v.reimburseButton, v.voidButton, v.verifiedBadge)
	buttons := container.New(&hintRow{buttons: actions, hint: v.stepLabel}, actions, v.stepLabel)
	v.titleRow = container.NewBorder(nil, nil, nil, v.stateLabel, v.titleLabel)
	v.firstRow = container.NewBorder(nil, nil, nil, v.firstButton, v.firstSeenLabel)
	header := container.NewVBox(v.titleRow, buttons, v.firstRow)
	right := container.NewVScroll(v.table.content())
	v.split = container.NewHSplit(v.image, right)
	v.detail = container.New(&detailLayout{v: v}, v.split)
	v.body = container.NewBorder(header, nil, nil, nil, v.detail)
	v.empty = container.NewCenter(v.emptyLabel)
	v.root = container.NewStack(v.empty, v.body)
	v.body.Hide()
	v.Relabel()
	return v
}

// Content is the view's widget tree.
func (v *View) Content() fyne.CanvasObject { return v.root }

// Relabel puts the view in the language chosen.
func (v *View) Relabel() {
	tr := v.e.Tr
	v.emptyLabel.SetText(tr.T("detail.empty"))
	v.table.relabel(tr)
	v.image.relabel(tr)
	v.verifyButton.SetText(tr.T("action.verify"))
	v.lockButton.SetText(tr.T("action.lock"))
	v.reimburseButton.SetText(tr.T("action.reimburse"))
	v.voidButton.SetText(tr.T("action.void"))
	v.firstButton.SetText(tr.T("action.open_first"))
	v.typeButton.SetText(tr.T("action.type_in"))
	if !v.body.Visible() {
		return
	}
	if v.picNote != "" {
		v.image.setNote(tr.T(v.picNote))
	}
	v.table.showQR(tr, &v.f)
	v.showState()
	v.recompute()
}

// Clear shows nothing, as when the view is new, and forgets the invoice it
// showed: the window now uses another history, whose invoices have other
// IDs.
func (v *View) Clear() {
	v.record.Cancel()
	v.pictures.Cancel()
	v.f, v.firstSeen, v.firstGone, v.title = form{}, nil, false, ""
	v.body.Hide()
	v.empty.Show()
}

// ShowScanned shows an invoice just scanned, or a file without one, and
// reads what the history says of it now in the background.
func (v *View) ShowScanned(s Scanned) {
	v.keepTyped()
	tr := v.e.Tr
	v.title = s.Name
	if s.Source == store.SourceGun || s.Source == store.SourcePaste || s.Source == store.SourceCamera || s.Source == store.SourceTyped {
		v.title = tr.T("source." + string(s.Source))
	}
	if s.Source == store.SourceTyped && s.File.File != "" {
		v.title += " · " + filepath.Base(s.File.File)
	}
	inv := s.Invoice()
	v.f = form{now: v.e.Now}
	v.firstSeen, v.firstGone, v.noQRFile = nil, false, ""
	if inv != nil {
		v.f.qr = inv.QR
		if inv.Printed != nil {
			v.f.printed = *inv.Printed
		}
		if v.f.qr != nil {
			v.f.base = append(v.f.base, v.f.qr.Findings...)
		}
		for _, fd := range inv.Findings {
			if historyCodes[fd.Code] {
				v.f.base = append(v.f.base, fd)
			}
		}
		if rec := inv.Recorded; rec != nil {
			v.f.id, v.f.st, v.f.state, v.firstSeen = rec.InvoiceID, v.e.Store(), rec.State, rec.DuplicateOf
		} else if tm := v.e.Team(); s.File.Queued && s.File.OutboxID != 0 && inv.QR != nil && tm != nil {
			v.f.waiting = &waitingInvoice{team: tm, id: s.File.OutboxID, index: s.Index}
			v.f.stored = maps.Clone(v.waiting[*v.f.waiting])
		}
		if inv.Page > 0 {
			v.title += " · " + tr.F("detail.page", inv.Page)
		}
	}
	v.f.queued, v.f.reading = s.File.Queued, s.Reading
	if s.File.Err != nil {
		// Said in both languages, as the clerk's words for its kind: the
		// reader's own error text is English and technical.
		v.f.base = append(v.f.base, finding.New("unreadable", finding.Error, "", "%[1]s", "%[2]s",
			env.FileErrorText(env.NewTranslator("zh"), s.File.Err), env.FileErrorText(env.NewTranslator("en"), s.File.Err)))
	} else if inv == nil {
		v.f.base = append(v.f.base, finding.New("no_qr", finding.Warning, "", "文件中没有找到发票二维码",
			"no invoice QR code was found in the file"))
		v.noQRFile = s.File.File
	}
	v.fill()
	v.reload()
	v.showPicture(s, inv)
}

// record is an invoice of the history as the detail view shows it.
type record struct {
	inv       *store.Invoice
	st        *store.Store // the history inv was read from
	qr        *payload.Result
	firstGone bool
}

// loaded is what the history says of the invoice shown: its record when it
// is opened from the history, its state when it was scanned or changed.
type loaded struct {
	record
	state    store.State
	verified *store.Verification
}

// LoadRecord reads invoice invoiceID from the history in the background,
// shows it, then calls shown (on the UI goroutine) with its title, or with
// why it could not be read.
func (v *View) LoadRecord(invoiceID int64, shown func(title string, err error)) {
	v.keepTyped()
	st, now, keys := v.e.Store(), v.e.Now(), v.e.Scanner.Keyring()
	v.pictures.Cancel()
	v.record.Run(func(ctx context.Context) (loaded, error) {
		inv, err := st.Get(ctx, invoiceID)
		if err != nil {
			return loaded{}, err
		}
		r := record{inv: inv, st: st}
		for _, s := range inv.Sightings {
			if s.Raw != "" {
				r.qr = payload.AnalyzeWith(s.Raw, now, keys)
				break
			}
		}
		if inv.Seen > 1 {
			r.firstGone = fileGone(inv.FirstSeen.File)
		}
		return loaded{record: r, state: inv.State, verified: inv.Verified}, nil
	}, func(l loaded, err error) {
		if err != nil {
			shown("", err)
			return
		}
		v.showRecord(l.record)
		shown(l.inv.Identity, nil)
	})
}

// showRecord shows an invoice from the history.
func (v *View) showRecord(r record) {
	inv := r.inv
	v.title = inv.Identity
	v.f = form{id: inv.ID, st: r.st, state: inv.State, verified: inv.Verified, checked: inv.Checked, qr: r.qr, stored: inv.Typed, now: v.e.Now}
	v.firstSeen, v.firstGone, v.noQRFile = nil, r.firstGone, ""
	if r.qr != nil {
		v.f.base = append(v.f.base, r.qr.Findings...)
	}
	for _, fd := range inv.Findings {
		if historyCodes[fd.Code] && fd.Code != "duplicate" {
			v.f.base = append(v.f.base, fd)
		}
	}
	if inv.Seen > 1 {
		first := inv.FirstSeen
		v.firstSeen = &first
	}
	v.f.printed = document.PrintedOf(inv.Printed)
	v.f.printed.Reads = inv.Reads // marked as read by OCR, as after the scan
	v.fill()
	v.showRecordPicture(inv.Sightings)
}

// fileGone says whether the file at path, where an invoice was first seen,
// is no longer there. It runs off the UI goroutine.
func fileGone(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// fill puts the form's values in the table.
func (v *View) fill() {
	v.edited = false
	v.f.entries = v.table.fill(v.e.Tr, &v.f)
	v.empty.Hide()
	v.body.Show()
	v.showState()
	v.recompute()
}

// onTyped takes what the clerk typed into a printed value's entry.
func (v *View) onTyped(key, text string) {
	v.edited = true
	v.f.entries[key] = text
	v.recompute()
}

// recompute compares the QR code with the printed values as they stand and
// shows every difference at once.
func (v *View) recompute() {
	v.table.show(v.e.Tr, v.f.check())
}

// Changed reads the history's record again if the invoice shown is the one
// with ID invoiceID: something else (a batch check, another screen)
// changed it.
func (v *View) Changed(invoiceID int64) {
	if invoiceID != 0 && v.f.id == invoiceID {
		v.reload()
	}
}

// reload reads the state of the invoice shown, and whether the file it was
// first seen in is still there, in the background.
func (v *View) reload() {
	st, id, first := v.e.Store(), v.f.id, v.firstSeen
	if id == 0 && first == nil {
		v.record.Cancel() // nothing to read; what was asked for another invoice is dropped
		return
	}
	v.record.Run(func(ctx context.Context) (loaded, error) { return readLoaded(ctx, st, id, first) }, v.showLoaded)
}

// readLoaded reads what the history says of invoice id now (nothing when
// it is 0), and whether the file it was first seen in is still there. It
// runs off the UI goroutine.
func readLoaded(ctx context.Context, st *store.Store, id int64, first *store.Sighting) (loaded, error) {
	var l loaded
	if first != nil {
		l.firstGone = fileGone(first.File)
	}
	if id == 0 {
		return l, nil
	}
	inv, err := st.Get(ctx, id)
	if err != nil {
		return l, err
	}
	l.state, l.verified, l.inv = inv.State, inv.Verified, inv
	return l, nil
}

// showLoaded shows what readLoaded read of the invoice shown.
func (v *View) showLoaded(l loaded, err error) {
	v.firstGone = l.firstGone
	if err == nil && v.f.id != 0 && l.inv != nil {
		v.f.state, v.f.verified, v.f.stored, v.f.checked = l.state, l.verified, l.inv.Typed, l.inv.Checked
		v.f.recorded = recordedFindings(l.inv.Findings)
		v.recompute()
	}
	v.showState()
	if err == nil && l.inv != nil && v.OnRecorded != nil {
		v.OnRecorded(l.inv)
	}
	if err == nil && l.inv != nil && l.inv.Typed != nil && !v.edited {
		v.fill() // typed before, in another window or an earlier session
	}
}
