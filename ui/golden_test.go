package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// The masters in testdata/ are the screens as a clerk sees them; a failed
// comparison writes the new rendering to testdata/failed/ for review.
func TestScreensRenderAsExpected(t *testing.T) {
	m := newTestWindow(t, "")
	m.e.scanner.Now = fixedNow
	c := m.window.Canvas()
	test.AssertRendersToMarkup(t, "scan_empty.xml", c)

	scanText(m, paperPayload)
	scanText(m, tamperedPayload)
	test.AssertRendersToMarkup(t, "scan_selected.xml", c)

	m.ShowScreen(ScreenHistory)
	m.history.wait()
	test.AssertRendersToMarkup(t, "history.xml", c)

	m.ShowScreen(ScreenSettings)
	m.settings.dataPath.SetText("/home/clerk/.local/share/fapiao")
	m.settings.gateway.where.SetText(m.e.tr.F("settings.secrets_where", "/home/clerk/.local/share/fapiao/secrets.json"))
	test.AssertRendersToMarkup(t, "settings.xml", c)
}
