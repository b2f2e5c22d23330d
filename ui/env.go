package ui

import (
	"context"
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// env is what every screen shares: the app and its window, the language,
// the history, the secret store beside it and the one scanner every way in
// goes through.
type env struct {
	app     fyne.App
	win     fyne.Window
	tr      *Translator
	st      *store.Store
	sec     secrets.Store
	scanner *scan.Scanner
	now     func() time.Time
}

// clerk is the name recorded with the clerk's checks and changes: the one
// set in the settings (shared with the command line), else the login name.
func (e *env) clerk(ctx context.Context) string {
	name, err := e.st.Clerk(ctx)
	if err != nil || name == "" {
		return "unknown"
	}
	return name
}

// sortFindings puts errors first, then warnings, then notes, keeping the
// order of equals.
func sortFindings(fs []finding.Finding) {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return a.Severity.Rank() - b.Severity.Rank() })
}

func colorNRGBA(r, g, b uint32, a uint8) color.Color {
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
