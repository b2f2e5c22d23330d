package scanq

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// newScreen is the scan screen in a test window over a fresh history, with
// fyne.Do run by the returned loop.
func newScreen(t testing.TB) (*Screen, *env.Env, *uitest.Loop) {
	t.Helper()
	w := uitest.NewWindow(t)
	s := New(w.Env)
	w.Show(s.Content())
	t.Cleanup(func() { s.onCancel() })
	return s, w.Env, w.Loop
}

// drop drops paths on the screen as the desktop does, and waits for the scan.
func drop(s *Screen, loop *uitest.Loop, paths ...string) {
	uris := make([]fyne.URI, len(paths))
	for i, p := range paths {
		uris[i] = storage.NewFileURI(p)
	}
	s.Drop(uris)
	loop.Settle(s.e.Bridge)
}

func statuses(s *Screen) map[string]status {
	out := map[string]status{}
	for _, it := range s.items {
		out[it.Name] = it.status
	}
	return out
}

func TestDropShowsEachFileWithItsStatus(t *testing.T) {
	s, e, loop := newScreen(t)
	dir := t.TempDir()
	good := uitest.WriteQR(t, dir, "good.png", uitest.PaperPayload)
	blank := uitest.WritePNG(t, dir, "blank.png", image.NewGray(image.Rect(0, 0, 200, 200)))
	broken := filepath.Join(dir, "broken.png")
	if err := os.WriteFile(broken, []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.empty.Text, "拖入发票文件或文件夹") || !s.empty.Visible() {
		t.Errorf("empty queue says %q (visible %v)", s.empty.Text, s.empty.Visible())
	}

	drop(s, loop, good, blank, broken)

	want := map[string]status{"good.png": statusOK, "blank.png": statusNoQR, "broken.png": statusUnreadable}
	got := statuses(s)
	if got["good.png"] == statusWarning { // a photo's printed values are left to be typed
		got["good.png"] = statusOK
	}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s: status %s, want %s", name, e.Tr.T(got[name].key()), e.Tr.T(st.key()))
		}
	}
	if s.empty.Visible() {
		t.Error("the empty-queue text is still shown")
	}
	if s.selected != 0 || s.items[0].Invoice() == nil || s.items[0].Invoice().QR.Number != "02407312" {
		t.Errorf("the first invoice is not selected (selected %d)", s.selected)
	}

	// The same file again, as a folder this time: the history knows it.
	drop(s, loop, dir)
	// A folder is read in name order: blank, broken, good.
	n := len(s.items) - 1
	if again := s.items[n]; again.Name != "good.png" || again.status != statusDuplicate || again.Source != store.SourceFolder {
		t.Errorf("second sighting: %q %s from %s, want good.png duplicate from folder", again.Name,
			e.Tr.T(again.status.key()), again.Source)
	}
	if s.items[0].Source != store.SourceFile {
		t.Errorf("a dropped file comes from %s, want file", s.items[0].Source)
	}
}

func TestScannerGunWithInputMethod(t *testing.T) {
	s, e, loop := newScreen(t)
	var scanned []string
	next := s.gun.onScan
	s.gun.onScan = func(text string) { next(text); scanned = append(scanned, text) }

	// A Chinese input method turns the commas and digits full-width and
	// commits the text to the entry in one go; there is no Enter: the pause
	// ends the code.
	typed := strings.NewReplacer(",", "，", "0", "０", "1", "１").Replace(uitest.PaperPayload)
	s.gun.SetText(typed)
	loop.RunUntil(t, 10*time.Second, "the pause after the gun's keystrokes", func() bool { return len(scanned) > 0 })
	if scanned[0] != uitest.PaperPayload {
		t.Errorf("gun payload = %q, want %q", scanned[0], uitest.PaperPayload)
	}
	loop.Settle(e.Bridge)

	if len(s.items) != 1 || s.items[0].Source != store.SourceGun || s.items[0].status != statusOK {
		t.Fatalf("queue = %+v, want one gun item, ok", s.items)
	}
	if s.gun.Text != "" {
		t.Errorf("gun entry not emptied: %q", s.gun.Text)
	}
	if s.items[0].Invoice().Recorded == nil {
		t.Error("the gun's invoice was not recorded in the history")
	}
}

// The newest code from the gun is selected at once, whatever was selected.
func TestGunSelectsTheNewest(t *testing.T) {
	s, e, loop := newScreen(t)
	for _, p := range []string{uitest.PaperPayload, uitest.DigitalPayload} {
		test.Type(s.gun, p)
		s.gun.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		loop.Settle(e.Bridge)
	}
	if len(s.items) != 2 || s.selected != 1 {
		t.Errorf("%d items, item %d selected; want the second of two", len(s.items), s.selected)
	}
}

// The file dialogs open without taking the window down, at the size they
// are given.
func TestFileDialogsOpen(t *testing.T) {
	s, _, _ := newScreen(t)
	s.Open()
	if s.picker == nil || s.picker.MinSize().Width <= 0 {
		t.Fatal("open file: no dialog")
	}
	s.picker.Hide()
	s.openFolder()
	if s.openDialog == nil || s.openDialog.MinSize().Width <= 0 {
		t.Fatal("open folder: no dialog")
	}
	s.openDialog.Hide()
}

// A code the camera read goes into the queue with its frame.
func TestTakeFromTheCamera(t *testing.T) {
	s, e, loop := newScreen(t)
	s.Take(uitest.PaperPayload, []byte("jpeg"))
	loop.Settle(e.Bridge)
	if len(s.items) != 1 || s.items[0].Source != store.SourceCamera || string(s.items[0].File.Frame) != "jpeg" {
		t.Fatalf("queue after the camera: %+v", s.items)
	}
	if !strings.Contains(s.summary.Text, "1") {
		t.Errorf("summary %q", s.summary.Text)
	}
}

// A file opened into a long queue is selected and shown, as a code from the
// gun is: the clerk does not have to look for it.
func TestOpenedFileIsSelected(t *testing.T) {
	s, _, loop := newScreen(t)
	dir := t.TempDir()
	var first []string
	for i := range 3 {
		first = append(first, uitest.WriteQR(t, dir, fmt.Sprintf("old%d.png", i), uitest.PaperPayload))
	}
	drop(s, loop, first...)
	s.list.Select(1)
	added := uitest.WriteQR(t, dir, "added.png", uitest.DigitalPayload)

	s.addPaths([]string{added}) // as the open dialog does
	loop.Settle(s.e.Bridge)

	if s.selected != 3 || s.items[s.selected].Name != "added.png" {
		t.Errorf("selected item %d, want the file just opened (3)", s.selected)
	}
	if !uitest.HasLabel(s.detail.Content(), "24312000000136634917") {
		t.Error("the detail view does not show the invoice just opened")
	}
}
