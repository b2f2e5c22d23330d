// Package assets embeds the files the app ships inside its binary: the CJK
// font, the icon and the interface translations.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/assets/fonts"
)

//go:embed icon.png
var iconData []byte

// Translations holds translations/LANG.json, one flat key → string object per language.
//
//go:embed translations/*.json
var Translations embed.FS

// FyneTranslations holds translations/fyne/LANG.json: the strings of
// Fyne's own widgets and dialogs (OK, Cancel, Open, Save …) in each
// interface language, in Fyne's translation format (env.UseFyneLanguage).
//
//go:embed translations/fyne/*.json
var FyneTranslations embed.FS

// Font is Droid Sans Fallback, which covers Chinese; see fonts/README.md.
var Font fyne.Resource = fyne.NewStaticResource(fonts.CJKName, fonts.CJK)

// Icon is the application icon, drawn by tools/genicon.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconData)
