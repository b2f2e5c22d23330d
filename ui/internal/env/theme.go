package env

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/fapiaoscanner/fapiao/assets"
)

// appTheme is Fyne's default theme with the bundled CJK font for proportional
// text, so that Chinese renders on machines that have no Chinese font
// installed. The font has no Latin glyphs; Fyne takes those from its own
// default font, rune by rune. Monospace and symbols keep Fyne's fonts.
type appTheme struct {
	fyne.Theme
}

var _ fyne.Theme = (*appTheme)(nil)

// NewTheme returns the application theme.
func NewTheme() fyne.Theme {
	return &appTheme{Theme: theme.DefaultTheme()}
}

func (t *appTheme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Monospace || style.Symbol {
		return t.Theme.Font(style)
	}
	return assets.Font
}
