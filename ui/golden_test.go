package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// The masters in testdata/ are the screens as a clerk sees them; a failed
// comparison writes the new rendering to testdata/failed/ for review (copy
// it over the master once it is right). The test app uses the app's own
// theme and bundled font, so the masters do not depend on the fonts the
// machine has: run it also with `-tags ci`, with which Fyne looks for no
// system font at all, to see that both ways render alike.
func TestScreensRenderAsExpected(t *testing.T) {
	m := newTestWindow(t, "")
	c := m.window.Canvas()
	test.AssertRendersToMarkup(t, "scan_empty.xml", c)

	m.gun(uitest.PaperPayload)
	m.settle()
	m.gun(uitest.TamperedPayload)
	m.settle()
	test.AssertRendersToMarkup(t, "scan_selected.xml", c)

	m.ShowScreen(ScreenHistory)
	m.settle()
	test.AssertRendersToMarkup(t, "history.xml", c)

	m.ShowScreen(ScreenSettings)
	m.settle()
	// The data folder is the test's own: show the one a clerk would see.
	uitest.ReplaceText(c, filepath.Dir(m.e.St.Path()), "/home/clerk/.local/share/fapiao")
	test.AssertRendersToMarkup(t, "settings.xml", c)
}
