// Package ui is the Fyne interface of Fapiao Scanner: the main window with
// its navigation, shortcuts, drop target and language, and the window shown
// when the history cannot be opened. Each screen lives in a package of its
// own (scanq, capture, history, orders, settings, with invoice for the
// detail view they share); ui/internal holds what they share. It never
// imports fyne.io/fyne/v2/app, so its tests run on Fyne's headless driver.
package ui

import (
	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// NewTheme returns the application theme: Fyne's default with the bundled
// Chinese font, so that Chinese renders on machines without a Chinese font.
func NewTheme() fyne.Theme { return env.NewTheme() }
