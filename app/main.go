// Command fapiao is Fapiao Scanner. With no arguments it opens the window;
// with arguments it runs the command line (fapiao parse, fapiao version).
package main

import (
	"os"

	"fyne.io/fyne/v2/app"

	"github.com/fapiaoscanner/fapiao/assets"
	"github.com/fapiaoscanner/fapiao/core/cli"
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
	ui.NewMainWindow(a).ShowAndRun()
}
