// Command fapiao is Fapiao Scanner. With no arguments it opens the window;
// with arguments it runs the command line (fapiao parse, fapiao version).
//
// The window reads two environment variables: FAPIAO_DB names the history
// file (as for the command line), FAPIAO_SCREEN the screen it opens on
// (scan, history or settings).
package main

import (
	"os"

	"fyne.io/fyne/v2/app"

	"github.com/fapiaoscanner/fapiao/assets"
	"github.com/fapiaoscanner/fapiao/core/cli"
	"github.com/fapiaoscanner/fapiao/core/sound"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui"
)

// appID matches the ID in FyneApp.toml; it names the preferences store.
const appID = "cn.fapiaoscanner.app"

func main() {
	if len(os.Args) > 1 {
		os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.NewTheme())

	path := os.Getenv("FAPIAO_DB")
	var err error
	if path == "" {
		path, err = store.DefaultPath()
	}
	var st *store.Store
	if err == nil {
		st, err = store.Open(path)
	}
	if err != nil {
		ui.NewErrorWindow(a, path, err).ShowAndRun()
		os.Exit(1)
	}
	defer st.Close()

	w := ui.NewMainWindow(a, st)
	w.SetBeeper(sound.NewPlayer())
	w.ShowScreen(os.Getenv("FAPIAO_SCREEN"))
	w.ShowAndRun()
}
