package history

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/export"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// progressEvery is how many invoices an export writes between two moves
// of its progress bar.
const progressEvery = 50

// onExportCSV offers the two CSVs: the one for spreadsheets (first, the
// default) and plain data for imports.
func (h *Screen) onExportCSV() {
	tr := h.e.Tr
	m := fyne.NewMenu("",
		fyne.NewMenuItem(tr.T("history.export_csv_excel"), func() { h.onExport(export.CSV) }),
		fyne.NewMenuItem(tr.T("history.export_csv_plain"), func() { h.onExport(export.PlainCSV) }))
	c := h.e.Win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.exportCSV)
	h.csvChoices = m
	h.csvMenu = widget.NewPopUpMenu(m, c)
	h.csvMenu.ShowAtPosition(pos.AddXY(0, h.exportCSV.Size().Height))
}

func (h *Screen) onExport(f export.Format) {
	h.saving = f
	name := "fapiao." + f.Ext()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		h.exportTo(path, f)
	}, h.e.Win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + f.Ext()}))
	h.saveDialog = d
	d.Show()
	d.Resize(fyne.NewSize(900, 600))
}

// exportTo writes the invoices the filters select to path, in the
// background, with a progress bar and a cancel button. The file appears
// whole or not at all.
func (h *Screen) exportTo(path string, format export.Format) {
	f := h.filter()
	f.Limit = 0
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.progress.Max = 1
	h.progress.SetValue(0)
	h.progress.Show()
	h.cancelExport.Show()
	h.exportCSV.Disable()
	h.exportXLSX.Disable()
	st := h.e.Store()
	bridge.Run(h.e.Bridge, ctx, func(ctx context.Context) (export.Summary, error) {
		if total, err := st.Count(ctx, f); err == nil {
			fyne.Do(func() {
				h.progress.Max = float64(max(total, 1))
				h.progress.Refresh()
			})
		}
		return export.WriteFile(path, format, h.source(ctx, st, f))
	}, func(sum export.Summary, err error) {
		cancel()
		h.progress.Hide()
		h.cancelExport.Hide()
		h.exportCSV.Enable()
		h.exportXLSX.Enable()
		h.lastExportError = err
		if err != nil {
			h.showMessage(env.ErrorText(h.e.Tr, err))
			return
		}
		h.showMessage(h.e.Tr.F("history.exported", sum.Rows, path))
	})
}

// source yields the invoices f selects, moving the progress bar as it goes
// and stopping when ctx is cancelled. It runs off the UI goroutine.
func (h *Screen) source(ctx context.Context, st *store.Store, f store.Filter) export.Source {
	n := 0
	return func(fn func(*store.Invoice) error) error {
		return st.Each(ctx, f, func(inv *store.Invoice) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			n++
			if n%progressEvery == 0 {
				done := n
				fyne.Do(func() { h.progress.SetValue(float64(done)) })
			}
			return fn(inv)
		})
	}
}

func (h *Screen) onCancelExport() {
	if h.cancel != nil {
		h.cancel()
	}
}
