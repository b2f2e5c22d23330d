package document

import (
	"testing/fstest"

	"github.com/tetratelabs/wazero"

	"github.com/fapiaoscanner/fapiao/assets/fonts"
)

// engineFS is the only file system PDFium sees: the bundled CJK font in
// /usr/share/fonts, where its WebAssembly build (built as for Linux) looks
// for system fonts. Many e-invoices name SimSun, STSong or KaiTi without
// embedding them; with no CJK font to stand in, PDFium draws none of their
// Chinese text. Only the bundled font is offered, so that a page renders
// the same on every machine. The font is mounted at the root, whole paths
// and all: PDFium finds no files in a mount at /usr/share/fonts itself.
func engineFS() wazero.FSConfig {
	root := fstest.MapFS{
		"usr/share/fonts/" + fonts.CJKName: &fstest.MapFile{Data: fonts.CJK, Mode: 0o444},
	}
	return wazero.NewFSConfig().WithFSMount(root, "/")
}
