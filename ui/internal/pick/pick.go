// Package pick is the dialog that opens invoice files: many at once, only
// the kinds the scanner reads, each name whole.
//
// Fyne's own file dialog (v2.8) picks one file at a time, lists every file
// (spreadsheets too) and cuts names to about ten characters in its grid, so
// a clerk with a folder of 40 e-invoices opened them one by one. This one
// is built from Fyne's widgets, so it looks and behaves the same on Linux,
// Windows and macOS and speaks the language chosen: folders to walk into,
// the invoice files of the folder shown with a box to tick, 全选, and 打开
// for every file ticked. The folder last opened is where it starts.
package pick

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// prefDir is the preferences key of the folder files were last opened from.
const prefDir = "open.dir"

// entry is one row of the list: a folder, or an invoice file.
type entry struct {
	name string
	dir  bool
}

// listing is what a folder holds, as the dialog shows it.
type listing struct {
	dir     string
	entries []entry
}

// Dialog is the open dialog. Its methods are called on the UI goroutine.
type Dialog struct {
	e    *env.Env
	done func(paths []string)

	dir     string
	entries []entry
	chosen  map[string]bool // by path

	path, count, note *widget.Label
	up, home, all     *widget.Button
	list              *widget.List
	dlg               *dialog.ConfirmDialog
	folders           *bridge.Latest[listing]
}

// Files shows the dialog; done gets the files ticked when the clerk clicks
// 打开 (never called on 取消, nor with none).
func Files(e *env.Env, done func(paths []string)) *Dialog {
	d := &Dialog{e: e, done: done, chosen: map[string]bool{}, folders: bridge.NewLatest[listing](e.Bridge)}
	tr := e.Tr
	d.path = widget.NewLabel("")
	d.path.Truncation = fyne.TextTruncateEllipsis
	d.count = widget.NewLabel("")
	d.note = widget.NewLabel("")
	d.note.Wrapping = fyne.TextWrapWord
	d.note.Hide()
	d.up = widget.NewButtonWithIcon(tr.T("pick.up"), theme.MoveUpIcon(), func() { d.show(filepath.Dir(d.dir)) })
	d.home = widget.NewButtonWithIcon(tr.T("pick.home"), theme.HomeIcon(), func() { d.show(homeDir()) })
	d.all = widget.NewButtonWithIcon(tr.T("pick.all"), theme.CheckButtonCheckedIcon(), d.toggleAll)
	d.list = widget.NewList(func() int { return len(d.entries) }, func() fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, widget.NewLabel(""))
	}, d.updateRow)
	d.list.OnSelected = func(id widget.ListItemID) {
		d.list.UnselectAll()
		d.tap(id)
	}
	top := container.NewBorder(nil, nil, container.NewHBox(d.up, d.home), d.all, d.path)
	bottom := container.NewVBox(d.note, d.count)
	content := container.NewBorder(top, bottom, nil, nil, d.list)
	d.dlg = dialog.NewCustomConfirm(tr.T("pick.title"), tr.T("pick.open"), tr.T("confirm.cancel"), content,
		func(ok bool) {
			if ok {
				d.open()
			}
		}, e.Win)
	start := e.App.Preferences().String(prefDir)
	if start == "" {
		start = homeDir()
	}
	d.showCount()
	d.dlg.Show()
	d.dlg.Resize(dialogSize(e.Win))
	d.show(start)
	return d
}

// dialogSize fits the dialog in the window: 900×600, less on a small
// screen.
func dialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(min(900, s.Width*0.92), min(600, s.Height*0.9))
}

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return string(filepath.Separator)
}

// show lists folder dir in the background; a folder that cannot be read
// is said, and the one shown before stays.
func (d *Dialog) show(dir string) {
	d.folders.Run(func(context.Context) (listing, error) { return list(dir) }, func(l listing, err error) {
		if err != nil {
			d.note.SetText(d.e.Tr.F("pick.cannot", dir, env.FileErrorText(d.e.Tr, err)))
			d.note.Show()
			return
		}
		d.dir, d.entries = l.dir, l.entries
		d.path.SetText(l.dir)
		d.note.Hide()
		if !slices.ContainsFunc(d.entries, func(e entry) bool { return !e.dir }) {
			d.note.SetText(d.e.Tr.T("pick.no_invoices"))
			d.note.Show()
		}
		if filepath.Dir(d.dir) == d.dir {
			d.up.Disable()
		} else {
			d.up.Enable()
		}
		d.list.ScrollToTop()
		d.list.Refresh()
		d.showCount()
	})
}

// list reads folder dir: its folders (not hidden ones), then the files the
// scanner reads (scan.Supported), each by name. It runs off the UI
// goroutine.
func list(dir string) (listing, error) {
	dir = filepath.Clean(dir)
	des, err := os.ReadDir(dir)
	if err != nil {
		return listing{}, err
	}
	var out []entry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		isDir := de.IsDir()
		if de.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
				isDir = fi.IsDir()
			}
		}
		if isDir || scan.Supported(name) {
			out = append(out, entry{name: name, dir: isDir})
		}
	}
	slices.SortFunc(out, func(a, b entry) int {
		if a.dir != b.dir {
			if a.dir {
				return -1
			}
			return 1
		}
		return cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
	})
	return listing{dir: dir, entries: out}, nil
}

func (d *Dialog) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(d.entries) {
		return
	}
	en := d.entries[id]
	row := o.(*fyne.Container)
	label := row.Objects[0].(*widget.Label)
	icon := row.Objects[1].(*widget.Icon)
	label.SetText(en.name)
	switch {
	case en.dir:
		icon.SetResource(theme.FolderIcon())
	case d.chosen[filepath.Join(d.dir, en.name)]:
		icon.SetResource(theme.CheckButtonCheckedIcon())
	default:
		icon.SetResource(theme.CheckButtonIcon())
	}
}

// tap walks into a folder, or ticks a file (or unticks it).
func (d *Dialog) tap(id widget.ListItemID) {
	if id < 0 || id >= len(d.entries) {
		return
	}
	en := d.entries[id]
	p := filepath.Join(d.dir, en.name)
	if en.dir {
		d.show(p)
		return
	}
	if d.chosen[p] {
		delete(d.chosen, p)
	} else {
		d.chosen[p] = true
	}
	d.list.RefreshItem(id)
	d.showCount()
}

// toggleAll ticks every file of the folder shown, or, when all are, none.
func (d *Dialog) toggleAll() {
	var files []string
	all := true
	for _, en := range d.entries {
		if !en.dir {
			p := filepath.Join(d.dir, en.name)
			files = append(files, p)
			all = all && d.chosen[p]
		}
	}
	for _, p := range files {
		if all {
			delete(d.chosen, p)
		} else {
			d.chosen[p] = true
		}
	}
	d.list.Refresh()
	d.showCount()
}

func (d *Dialog) showCount() {
	d.count.SetText(d.e.Tr.F("pick.count", len(d.chosen)))
}

// open hands over the files ticked, in the order of their paths, and
// remembers the folder shown for next time.
func (d *Dialog) open() {
	if d.dir != "" {
		d.e.App.Preferences().SetString(prefDir, d.dir)
	}
	if len(d.chosen) == 0 {
		return
	}
	paths := make([]string, 0, len(d.chosen))
	for p := range d.chosen {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	d.done(paths)
}

// Hide closes the dialog without opening anything.
func (d *Dialog) Hide() { d.dlg.Hide() }

// MinSize is the dialog's smallest size.
func (d *Dialog) MinSize() fyne.Size { return d.dlg.MinSize() }
