package pick

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// The dialog lists a folder's subfolders and invoice files only, each by
// its whole name; walks into a folder; ticks many files, across folders;
// opens them all at once; and starts in that folder the next time.
func TestPickManyInvoiceFiles(t *testing.T) {
	w := uitest.NewWindow(t)
	dir := t.TempDir()
	long := "电子发票_深圳市某某科技有限公司_24312000000136634917_2024年05月14日.pdf"
	for _, name := range []string{long, "b.ofd", "c.XML", "d.jpg", "报销汇总.csv", "台账.xlsx", ".hidden.pdf", "sub/e.png"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w.App.Preferences().SetString(prefDir, dir)
	var got []string
	d := Files(w.Env, func(paths []string) { got = paths })
	w.Settle()
	names := func() []string {
		var out []string
		for _, e := range d.entries {
			out = append(out, e.name)
		}
		return out
	}
	if want := []string{"sub", "b.ofd", "c.XML", "d.jpg", long}; !slices.Equal(names(), want) {
		t.Fatalf("lists %q, want %q", names(), want)
	}
	// The row shows the whole name.
	row := d.list.CreateItem()
	d.updateRow(4, row)
	if text := strings.Join(uitest.Labels(row), " "); !strings.Contains(text, long) {
		t.Errorf("the row shows %q", text)
	}
	d.toggleAll()
	d.tap(1) // b.ofd again: unticked
	d.tap(0) // into sub
	w.Settle()
	if d.dir != filepath.Join(dir, "sub") || !slices.Equal(names(), []string{"e.png"}) {
		t.Fatalf("in %s: %q", d.dir, names())
	}
	d.tap(0)
	if !strings.Contains(d.count.Text, "4") {
		t.Errorf("count %q", d.count.Text)
	}
	test.Tap(d.up)
	w.Settle()
	if d.dir != dir {
		t.Errorf("up leads to %s", d.dir)
	}
	d.dlg.Confirm()
	want := []string{filepath.Join(dir, "c.XML"), filepath.Join(dir, "d.jpg"), filepath.Join(dir, long), filepath.Join(dir, "sub", "e.png")}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("opened %q, want %q", got, want)
	}
	if p := w.App.Preferences().String(prefDir); p != dir {
		t.Errorf("remembers %q", p)
	}

	// A folder that cannot be read is said; the one shown stays.
	d.show(filepath.Join(dir, "gone"))
	w.Settle()
	if !d.note.Visible() || !strings.Contains(d.note.Text, "gone") || d.dir != dir {
		t.Errorf("missing folder: note %q, in %s", d.note.Text, d.dir)
	}
}
