package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// The masters in testdata/ are the screens as a clerk sees them; a failed
// comparison writes the new rendering to testdata/failed/ for review (copy
// it over the master once it is right).
//
// The test app uses the app's theme with the bundled font (uitest.NewApp),
// so the masters do not depend on the fonts of the machine: Fyne measures
// text with the theme's font and its own, and asks the system's fonts only
// for a character neither has. No environment variable hides the system's
// fonts (go-text's fontscan always reads /usr/share/fonts and the like), but
// Fyne's `ci` build tag does; the test passes both ways, with a CJK font
// installed and with none:
//
//	go test -tags migrated_fynedo -run TestScreensRenderAsExpected ./ui
//	go test -tags 'migrated_fynedo ci' -run TestScreensRenderAsExpected ./ui
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
	uitest.ReplaceText(c, filepath.Dir(m.e.Store().Path()), "/home/clerk/.local/share/fapiao")
	test.AssertRendersToMarkup(t, "settings.xml", c)
}
