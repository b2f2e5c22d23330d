package invoice

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// newView is a detail view in a test window over a fresh history. What
// the background hands to the window waits until settle runs it on the
// test goroutine, as a desktop driver's loop would.
func newView(t *testing.T) (v *View, e *env.Env, settle func()) {
	t.Helper()
	w := uitest.NewWindow(t)
	v = New(w.Env)
	w.Show(v.Content())
	return v, w.Env, w.Settle
}

// scanned is the first invoice (or the file) of r, as the queue hands it.
func scanned(r *scan.FileResult, name string, src store.Source) Scanned {
	i := 0
	if len(r.Invoices) == 0 {
		i = -1
	}
	return Scanned{Name: name, Source: src, File: r, Index: i}
}

// show scans text as a scanner gun does, and shows it once everything the
// view reads in the background has come.
func show(t *testing.T, v *View, e *env.Env, settle func(), text string) Scanned {
	t.Helper()
	s := scanned(uitest.Scan(t, e, text), text, store.SourceGun)
	v.ShowScanned(s)
	settle()
	return s
}

// inside reports whether every corner of every outline lies on the picture.
func inside(q *qrImage) bool {
	b := q.img.Bounds()
	for _, c := range q.codes {
		for _, p := range c {
			if p.X < 0 || p.Y < 0 || p.X > float32(b.Dx()) || p.Y > float32(b.Dy()) {
				return false
			}
		}
	}
	return true
}

func TestTypedPrintedValueShowsMismatch(t *testing.T) {
	v, e, settle := newView(t)
	show(t, v, e, settle, uitest.PaperPayload)

	test.Type(v.table.row(store.PrintedNumber).printed, "02407312")
	test.Type(v.table.row(store.PrintedAmount).printed, "¥682.52")

	// Each result says that it compares a value typed, not one read.
	if got := v.table.row(store.PrintedNumber).result.Text; got != "一致（录入）" {
		t.Errorf("number result = %q, want 一致（录入）", got)
	}
	if got := v.table.row(store.PrintedAmount).result.Text; got != "不符（录入）" {
		t.Errorf("amount result = %q, want 不符（录入）", got)
	}
	if !finding.Has(v.f.check().findings, "mismatch_amount") {
		t.Errorf("findings %v lack mismatch_amount", v.f.check().findings)
	}
	// Correcting it clears the mismatch.
	v.table.row(store.PrintedAmount).printed.SetText("582.52")
	if finding.Has(v.f.check().findings, "mismatch_amount") {
		t.Error("mismatch still shown after correcting the amount")
	}
}

func TestVerifyAndReimburseWithConfirmation(t *testing.T) {
	v, e, settle := newView(t)
	ctx := context.Background()
	if err := e.Store().SetSetting(ctx, store.SettingClerk, "王会计", "test"); err != nil {
		t.Fatal(err)
	}
	show(t, v, e, settle, uitest.PaperPayload)

	test.Tap(v.verifyButton)
	settle()
	inv, err := e.Store().Get(ctx, v.f.id)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Verified == nil || inv.Verified.Clerk != "王会计" {
		t.Fatalf("verification = %+v, want by 王会计", inv.Verified)
	}
	if !strings.Contains(v.stateLabel.Text, "已核验：王会计") {
		t.Errorf("state label = %q", v.stateLabel.Text)
	}

	test.Tap(v.lockButton)
	settle()
	if v.f.state != store.StateLocked || !strings.HasPrefix(v.stateLabel.Text, "已锁定") {
		t.Fatalf("after lock: state %s, label %q", v.f.state, v.stateLabel.Text)
	}

	test.Tap(v.reimburseButton)
	confirm, ok := v.confirm.(*dialog.ConfirmDialog)
	if !ok {
		t.Fatal("reimbursing asks no confirmation")
	}
	confirm.Confirm()
	settle()
	if v.f.state != store.StateReimbursed || !strings.HasPrefix(v.stateLabel.Text, "已报销") {
		t.Fatalf("after reimburse: state %s, label %q", v.f.state, v.stateLabel.Text)
	}
	if !v.voidButton.Disabled() || !v.verifyButton.Disabled() {
		t.Error("a reimbursed invoice can still be changed")
	}

	// Scanned again, it is a duplicate that is already paid.
	again := uitest.Scan(t, e, uitest.PaperPayload).Invoices[0]
	if !finding.Has(again.Findings, "duplicate") || !finding.Has(again.Findings, "already_reimbursed") {
		t.Errorf("second scan: findings %v", again.Findings)
	}
}

func TestVoidCanBeCancelled(t *testing.T) {
	v, e, settle := newView(t)
	show(t, v, e, settle, uitest.PaperPayload)

	test.Tap(v.voidButton)
	v.confirm.(*dialog.ConfirmDialog).Dismiss()
	settle()
	if v.f.state != store.StateNew {
		t.Errorf("state after cancelling = %s, want new", v.f.state)
	}
}

// paperPDF writes a one-page PDF of the paper invoice's QR code into dir.
func paperPDF(t *testing.T, dir, name string) string {
	t.Helper()
	png := uitest.WriteQR(t, dir, "qr.png", uitest.PaperPayload)
	pdf := filepath.Join(dir, name)
	if err := api.ImportImagesFile([]string{png}, pdf, nil, nil); err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestDetailShowsThePDFPage(t *testing.T) {
	v, e, settle := newView(t)
	pdf := paperPDF(t, t.TempDir(), "invoice.pdf")

	r := uitest.ScanFile(t, e, pdf)
	if len(r.Invoices) != 1 {
		t.Fatalf("the PDF gave %d invoices, want 1", len(r.Invoices))
	}
	v.ShowScanned(scanned(r, "invoice.pdf", store.SourceFile))
	if v.image.text != "正在加载图片…" || v.image.img != nil {
		t.Errorf("while the page renders the picture says %q", v.image.text)
	}
	settle()
	q := v.image
	if q.img == nil {
		t.Fatalf("no page shown; the picture says %q", q.text)
	}
	b := q.img.Bounds()
	if n := b.Dx() * b.Dy(); n > previewPixels || n < previewPixels/2 || b.Dy() < b.Dx() {
		t.Errorf("page rendered at %d×%d, want an A4 page of about %d pixels", b.Dx(), b.Dy(), previewPixels)
	}
	if len(q.codes) != 1 || len(q.codes[0]) != 4 || !inside(q) {
		t.Errorf("outlines %v, want the QR code's four corners on the page", q.codes)
	}
	if q.text != "" || !strings.Contains(v.titleLabel.Text, "第1页") {
		t.Errorf("note %q, title %q", q.text, v.titleLabel.Text)
	}

	// The same file again: the page comes from the cache, at once.
	first := q.img
	v.ShowScanned(scanned(uitest.ScanFile(t, e, pdf), "invoice.pdf", store.SourceFile))
	if q.img != first || q.text != "" {
		t.Error("the page made before is not shown at once")
	}
	settle()
	if q.img != first {
		t.Error("the page was rendered again for the same file and page")
	}
}

func TestDetailShowsTheWebcamFrame(t *testing.T) {
	v, e, settle := newView(t)
	img, err := imaging.Load(uitest.WriteQR(t, t.TempDir(), "qr.png", uitest.PaperPayload))
	if err != nil {
		t.Fatal(err)
	}
	var frame bytes.Buffer
	if err := jpeg.Encode(&frame, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	r := e.Scanner.Text(uitest.PaperPayload)
	r.Frame = frame.Bytes()
	v.ShowScanned(scanned(uitest.Save(t, e, &r, store.SourceCamera), uitest.PaperPayload, store.SourceCamera))
	settle()
	q := v.image
	if q.img == nil || q.img.Bounds() != img.Bounds() {
		t.Fatalf("picture %v, want the frame (%v); note %q", q.img, img.Bounds(), q.text)
	}
	if len(q.codes) != 1 || !inside(q) {
		t.Errorf("outlines %v, want the QR code's", q.codes)
	}
}

func TestDetailNotesWhatCannotBeShown(t *testing.T) {
	for path, want := range map[string]string{
		"/nowhere/invoice.xml": "detail.xml",
		"/nowhere/invoice.pdf": "detail.no_preview",
		"/nowhere/invoice.ofd": "detail.no_preview",
		"/nowhere/photo.jpg":   "detail.no_picture",
	} {
		if p := loadFile(path, 1, ""); p.img != nil || p.note != want {
			t.Errorf("%s: picture %v, note %q; want %q", path, p.img != nil, p.note, want)
		}
	}
}

// A record opened from the history shows its state, its verification and
// the picture of a sighting whose file is still there.
func TestRecordFromTheHistory(t *testing.T) {
	v, e, settle := newView(t)
	path := uitest.WriteQR(t, t.TempDir(), "first.png", uitest.PaperPayload)
	r := uitest.ScanFile(t, e, path)
	id := r.Invoices[0].Recorded.InvoiceID
	if _, err := e.Store().Verify(context.Background(), store.VerifyRequest{InvoiceID: id, Clerk: "李出纳"}); err != nil {
		t.Fatal(err)
	}

	var title string
	v.LoadRecord(id, func(got string, err error) {
		if err != nil {
			t.Errorf("LoadRecord: %v", err)
		}
		title = got
	})
	settle()
	if title == "" || v.titleLabel.Text != title || v.f.qr == nil || v.f.qr.Number != "02407312" {
		t.Fatalf("record %q shown as %q, QR %v", title, v.titleLabel.Text, v.f.qr)
	}
	if !strings.Contains(v.stateLabel.Text, "已核验：李出纳") {
		t.Errorf("state label %q", v.stateLabel.Text)
	}
	if v.image.img == nil || len(v.image.codes) != 1 {
		t.Errorf("the record shows no picture (%q)", v.image.text)
	}

	v.LoadRecord(id+100, func(_ string, err error) {
		if err == nil {
			t.Error("an invoice that is not in the history was shown")
		}
	})
	settle()
}

// A broken file is said in the clerk's words, in each language, not with
// the reader's English error.
func TestBrokenFileIsToldPlainly(t *testing.T) {
	v, e, settle := newView(t)
	dir := t.TempDir()
	data, err := os.ReadFile(paperPDF(t, dir, "whole.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.pdf")
	if err := os.WriteFile(cut, data[:len(data)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	r := uitest.ScanFile(t, e, cut)
	if r.Err == nil {
		t.Fatal("the cut PDF was read")
	}
	v.ShowScanned(scanned(r, "cut.pdf", store.SourceFile))
	settle()
	var zh, en []string
	for _, f := range v.f.check().findings {
		zh, en = append(zh, f.Text("zh")), append(en, f.Text("en"))
	}
	if !slices.ContainsFunc(zh, func(s string) bool { return strings.Contains(s, "文件已损坏或不完整") }) ||
		!slices.ContainsFunc(en, func(s string) bool { return strings.Contains(s, "damaged or incomplete") }) {
		t.Errorf("the broken file is told as %q / %q", zh, en)
	}
	for _, s := range append(zh, en...) {
		if strings.Contains(s, "corrupt or truncated") || strings.Contains(s, "incorrect format") {
			t.Errorf("the reader's own error is shown: %q", s)
		}
	}
}

// Switching to English writes the QR code's date as English does, in the
// invoice already shown too.
func TestQRDateFollowsTheLanguage(t *testing.T) {
	v, e, settle := newView(t)
	show(t, v, e, settle, uitest.PaperPayload)
	if got := v.table.row(store.PrintedDate).qr.Text; got != "2017年11月04日" {
		t.Errorf("in Chinese the QR date reads %q", got)
	}
	e.Tr = env.NewTranslator("en")
	v.Relabel()
	if got := v.table.row(store.PrintedDate).qr.Text; got != "2017-11-04" {
		t.Errorf("in English the QR date reads %q", got)
	}
}

// An invoice typed from the paper, opened from the history: its values in
// the printed column, no QR column, and that it has no QR code. Verified,
// locked and reimbursed as any other; correcting its number is refused with
// the reason, in the clerk's words.
func TestTypedInvoiceFromTheHistory(t *testing.T) {
	v, e, settle := newView(t)
	ctx := context.Background()
	rec, err := e.Store().RecordTyped(ctx, store.Entry{Values: map[string]string{store.PrintedKind: "10",
		store.PrintedCode: "044031600111", store.PrintedNumber: "02407312", store.PrintedDate: "2017-11-04",
		store.PrintedAmount: "582.52", store.PrintedCheckCode: "169951"}})
	if err != nil {
		t.Fatal(err)
	}
	v.LoadRecord(rec.InvoiceID, func(string, error) {})
	settle()
	if v.f.qr != nil || v.table.row(store.PrintedNumber).printed.Text != "02407312" || v.table.row(store.PrintedNumber).qr.Text != "—" {
		t.Fatalf("shown: QR %v, number %q / %q", v.f.qr, v.table.row(store.PrintedNumber).printed.Text, v.table.row(store.PrintedNumber).qr.Text)
	}
	if !uitest.HasLabel(v.Content(), "无二维码，按录入值记录：请与纸质发票核对，并查验") {
		t.Errorf("findings shown:\n%s", strings.Join(uitest.Labels(v.Content()), "\n"))
	}
	// The check code cleared shows at once what 查验 then lacks.
	v.table.row(store.PrintedCheckCode).printed.SetText("")
	if !uitest.HasLabel(v.Content(), "查验还需要：校验码后6位") {
		t.Errorf("with the check code cleared:\n%s", strings.Join(uitest.Labels(v.Content()), "\n"))
	}
	v.table.row(store.PrintedCheckCode).printed.SetText("169951")

	v.table.row(store.PrintedNumber).printed.SetText("02407313")
	test.Tap(v.verifyButton)
	settle()
	if v.message == nil || !strings.Contains(uitest.OverlayText(e.Win.Canvas()), "发票代码和号码是这张录入发票的标识") {
		t.Errorf("changing the typed number says:\n%s", uitest.OverlayText(e.Win.Canvas()))
	}
	if inv, _ := e.Store().Get(ctx, rec.InvoiceID); inv.Verified != nil || inv.Typed[store.PrintedNumber] != "02407312" {
		t.Errorf("after the refusal: %+v", inv)
	}
}
