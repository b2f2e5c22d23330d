package scanq

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/invoice"
)

// entryFields are the values the form asks for, in the order they are
// printed on the invoice, with their labels and hints (translation keys).
var entryFields = []struct{ key, label, hint string }{
	{store.PrintedCode, "field.code", "entry.hint.code"},
	{store.PrintedNumber, "field.number", "entry.hint.number"},
	{store.PrintedDate, "field.date", "entry.hint.date"},
	{store.PrintedAmount, "field.amount.pre_tax", ""},
	{store.PrintedTotal, "field.amount.incl_tax", ""},
	{store.PrintedCheckCode, "field.check_code", "entry.hint.check_code"},
	{store.PrintedSellerTaxID, "field.seller_tax_id", ""},
	{store.PrintedSellerName, "field.seller_name", ""},
	{store.PrintedBuyerTaxID, "field.buyer_tax_id", ""},
	{store.PrintedBuyerName, "field.buyer_name", ""},
}

// entryForm is the form an invoice is typed into from the paper, when its
// QR code cannot be read or it has no file. It checks as the clerk types
// (store.CheckEntry) and records through the CLI's pipeline (scan.Typed).
type entryForm struct {
	s    *Screen
	file string // the file whose code could not be read; "" for paper
	// kind takes the type: its code typed, or picked from the list its
	// arrow opens.
	kind     *formEntry
	entries  map[string]*formEntry
	problems *fyne.Container
	save     *widget.Button
	dlg      dialog.Dialog
	// kindMenu is the list of types last opened, kindItems its items.
	kindMenu  *widget.PopUpMenu
	kindItems []*fyne.MenuItem
	// tried: the clerk has asked to save once, so every problem shows, not
	// only those of the fields typed into.
	tried  bool
	saving bool
}

// TypeIn opens the form for an invoice with no file (Ctrl+T).
func (s *Screen) TypeIn() { s.typeIn("") }

// typeIn opens the form for the invoice of file ("" for paper).
func (s *Screen) typeIn(file string) {
	tr := s.e.Tr
	f := &entryForm{s: s, file: file, entries: map[string]*formEntry{}, problems: container.NewVBox()}
	var options []string
	for _, c := range payload.TypeCodes() {
		zh, en, _ := payload.TypeName(c)
		name := zh
		if tr.Lang() == "en" {
			name = en
		}
		options = append(options, c+"  "+name)
	}
	f.kind = newFormEntry(func() { f.dlg.Hide() })
	f.kind.OnChanged = func(string) { f.check() }
	f.kind.SetPlaceHolder(tr.T("entry.kind.placeholder"))
	f.kind.ActionItem = newDropArrow(func() { f.pickKind(options) })
	// The invoice's own values on the left, as they stand on the paper;
	// the parties, which neither 查验 nor the duplicate check needs, on the
	// right. What is wrong shows under both, always in view.
	invoiceItems := []*widget.FormItem{{Text: tr.T("field.kind"), Widget: f.kind, HintText: tr.T("entry.hint.kind")}}
	var partyItems []*widget.FormItem
	for _, fl := range entryFields {
		e := newFormEntry(func() { f.dlg.Hide() })
		e.OnChanged = func(string) { f.check() }
		f.entries[fl.key] = e
		it := &widget.FormItem{Text: tr.T(fl.label), Widget: e}
		if fl.hint != "" {
			it.HintText = tr.T(fl.hint)
		}
		if party(fl.key) {
			partyItems = append(partyItems, it)
		} else {
			invoiceItems = append(invoiceItems, it)
		}
	}
	note := widget.NewLabel(tr.T("entry.note"))
	note.Wrapping = fyne.TextWrapWord
	if file != "" {
		note.SetText(tr.F("entry.note.file", filepath.Base(file)))
	}
	f.save = widget.NewButtonWithIcon(tr.T("entry.save"), theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(tr.T("entry.cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), cancel, f.save)
	forms := container.NewGridWithColumns(2, widget.NewForm(invoiceItems...), widget.NewForm(partyItems...))
	content := container.NewBorder(note, container.NewVBox(widget.NewSeparator(), f.problems, buttons), nil, nil,
		container.NewVScroll(forms))
	f.dlg = dialog.NewCustomWithoutButtons(tr.T("entry.title"), content, s.e.Win)
	f.dlg.Resize(entrySize(s.e.Win.Canvas().Size()))
	s.entry = f
	f.check()
	f.dlg.Show()
	s.e.Win.Canvas().Focus(f.kind)
}

// formEntry is an entry of the form: Escape cancels the form.
type formEntry struct {
	widget.Entry
	onEscape func()
}

func newFormEntry(onEscape func()) *formEntry {
	e := &formEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey cancels the form on Escape; every other key is the entry's.
func (e *formEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// pickKind shows the list of types under the type's field; the one picked
// is put in it.
func (f *entryForm) pickKind(options []string) {
	c := f.s.e.Win.Canvas()
	items := make([]*fyne.MenuItem, len(options))
	for i, o := range options {
		items[i] = fyne.NewMenuItem(o, func() { f.kind.SetText(o); c.Focus(f.kind) })
	}
	pop := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.kind)
	pop.ShowAtPosition(pos.Add(fyne.NewPos(0, f.kind.Size().Height)))
	pop.Resize(fyne.NewSize(f.kind.Size().Width, pop.MinSize().Height))
	f.kindMenu, f.kindItems = pop, items
}

// dropArrow opens a list beside an entry. It takes no focus, so that Tab
// goes from the entry straight on to the next field.
type dropArrow struct {
	widget.Icon
	tapped func()
}

func newDropArrow(tapped func()) *dropArrow {
	a := &dropArrow{tapped: tapped}
	a.Resource = theme.MenuDropDownIcon()
	a.ExtendBaseWidget(a)
	return a
}

// Tapped opens the list.
func (a *dropArrow) Tapped(*fyne.PointEvent) { a.tapped() }

// entrySize is the form's size in a window of size win: room for every
// field and a few messages, never larger than the window.
func entrySize(win fyne.Size) fyne.Size {
	return fyne.NewSize(min(960, win.Width-40), min(640, win.Height-40))
}

// party says whether key is a value of the seller or the buyer.
func party(key string) bool {
	switch key {
	case store.PrintedSellerTaxID, store.PrintedSellerName, store.PrintedBuyerTaxID, store.PrintedBuyerName:
		return true
	}
	return false
}

// kindOf is the type code in what the type field holds: an option picked
// ("32  电子发票(普通发票)"), or a code typed ("32", "３２").
func kindOf(text string) string {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return ""
	}
	return env.NormalizeGun(fields[0])
}

// values are what the form holds, by the history's keys.
func (f *entryForm) values() map[string]string {
	v := map[string]string{}
	v[store.PrintedKind] = kindOf(f.kind.Text)
	for k, e := range f.entries {
		text := e.Text
		if k != store.PrintedSellerName && k != store.PrintedBuyerName {
			text = env.NormalizeGun(text) // full-width digits from an input method
		}
		v[k] = text
	}
	return v
}

// check shows what is wrong with the values as they stand: of the fields
// typed into, or of all once the clerk has tried to save.
func (f *entryForm) check() {
	_, fs := store.CheckEntry(f.values(), f.s.e.Now())
	var shown []finding.Finding
	for _, fd := range fs {
		if f.tried || f.touched(fd.Field) {
			shown = append(shown, fd)
		}
	}
	f.show(shown)
}

// touched says whether the clerk has typed into the field of a finding.
func (f *entryForm) touched(field string) bool {
	if field == payload.FieldType || field == store.PrintedKind {
		return strings.TrimSpace(f.kind.Text) != ""
	}
	if e := f.entries[field]; e != nil {
		return strings.TrimSpace(e.Text) != ""
	}
	return false
}

// show lists fs under the form, errors first, in the clerk's language.
func (f *entryForm) show(fs []finding.Finding) {
	sorted := append([]finding.Finding(nil), fs...)
	env.SortFindings(sorted)
	var objs []fyne.CanvasObject
	for _, fd := range sorted {
		objs = append(objs, env.FindingRow(env.SeverityIcon(fd.Severity), env.Sentence(fd.Text(f.s.e.Tr.Lang()))))
	}
	f.problems.Objects = objs
	f.problems.Refresh()
}

// onSave records the invoice in the background; an entry the history
// refuses keeps the form open with every reason.
func (f *entryForm) onSave() {
	if f.saving {
		return
	}
	f.tried = true
	values := f.values()
	if _, fs := store.CheckEntry(values, f.s.e.Now()); len(store.OpenErrors(fs)) > 0 {
		f.check()
		return
	}
	f.saving = true
	f.save.Disable()
	// Recorded as a scan is: into the history in use now, through the
	// team's outbox when there is one; it joins the queue only while the
	// window stays with that history.
	h, gen, file, now := f.s.e.History(), f.s.gen, f.file, f.s.e.Now()
	bridge.Run(f.s.e.Bridge, context.Background(), func(ctx context.Context) (scan.FileResult, error) {
		return scan.Typed(ctx, h.Recorder(), h.St, now, file, values, "")
	}, func(r scan.FileResult, err error) {
		f.saving = false
		f.save.Enable()
		var ee *store.EntryError
		switch {
		case errors.As(err, &ee):
			f.show(ee.Findings)
		case err != nil:
			dialog.ShowError(errors.New(env.ErrorText(f.s.e.Tr, err)), f.s.e.Win)
		default:
			f.dlg.Hide()
			if f.s.gen == gen {
				f.s.addTyped(&r)
			}
		}
	})
}

// addTyped puts the invoice just typed in the queue, and shows it: in the
// place of the line of its file that gave no QR code, else last.
func (s *Screen) addTyped(r *scan.FileResult) {
	name := s.e.Tr.T("source.typed")
	if r.File != "" {
		name = filepath.Base(r.File)
	}
	it := &queueItem{Scanned: invoice.Scanned{Name: name, Source: store.SourceTyped, File: r, Index: 0},
		status: statusOf(&r.Invoices[0])}
	if rec := r.Invoices[0].Recorded; rec != nil { // nil while kept in the outbox
		it.state = rec.State
	}
	at := slices.IndexFunc(s.items, func(q *queueItem) bool {
		return r.File != "" && q.Index < 0 && q.File.Err == nil && q.File.File == r.File
	})
	if at < 0 {
		at = len(s.items)
		s.items = append(s.items, it)
	} else {
		s.items[at] = it
	}
	s.refreshQueue()
	if at == s.selected {
		// Its line is selected already: the list would not show it again.
		s.detail.ShowScanned(it.Scanned)
		return
	}
	s.show(at)
}
