package ui

import (
	"testing"

	"github.com/fapiaoscanner/fapiao/core/export"
)

// The file dialogs open (Ctrl+O, the folder button, export) without
// taking the window down, at the size they are given.
func TestFileDialogsOpen(t *testing.T) {
	m := newTestWindow(t, "")
	for name, open := range map[string]func(){
		"open file":   m.scan.onOpen,
		"open folder": m.scan.onOpenFolder,
	} {
		open()
		if m.scan.openDialog == nil || m.scan.openDialog.MinSize().Width <= 0 {
			t.Fatalf("%s: no dialog", name)
		}
		m.scan.openDialog.Hide()
	}
	m.history.onExport(export.CSV)
	if m.history.saveDialog == nil {
		t.Fatal("export: no save dialog")
	}
	m.history.saveDialog.Hide()
}
