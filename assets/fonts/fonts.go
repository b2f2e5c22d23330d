// Package fonts embeds the bundled CJK font without Fyne, so that core/
// (the PDF renderer) can use it as well as the window's theme.
package fonts

import (
	"embed"
	"io/fs"
)

//go:embed DroidSansFallbackFull.ttf
var files embed.FS

// CJKName is the file name of the bundled CJK font in FS.
const CJKName = "DroidSansFallbackFull.ttf"

// CJK is Droid Sans Fallback, which covers Chinese; see README.md.
var CJK = mustRead(CJKName)

// FS holds the bundled font files, at its root.
var FS fs.FS = files

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err) // embedded above: cannot happen
	}
	return b
}
