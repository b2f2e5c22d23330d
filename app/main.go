// Command fapiao is Fapiao Scanner. With no arguments it opens the window;
// with arguments it runs the command line (fapiao parse, fapiao version).
//
// The window reads these environment variables: FAPIAO_DB names the history
// file or team server (as for the command line), FAPIAO_DB_TIMEOUT how long
// a call waits for that server, FAPIAO_SCREEN the screen it opens on
// (scan, camera, history, orders or settings), FAPIAO_CAMERA a video
// file or folder of frames to play as the camera (where there is none),
// and FAPIAO_OPEN files or folders to scan as the window opens, as if
// dropped on it (a list, as PATH is).
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2/app"

	"github.com/fapiaoscanner/fapiao/assets"
	"github.com/fapiaoscanner/fapiao/cli"
	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/membudget"
	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/sound"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui"
)

// appID matches the ID in FyneApp.toml; it names the preferences store.
const appID = "cn.fapiaoscanner.app"

func main() {
	membudget.LimitGC()
	// The window and the command line use the same history and secret store.
	if len(os.Args) > 1 {
		svc := cli.Services{HistoryPath: config.HistoryPath, Secrets: secrets.Open}
		os.Exit(cli.Run(svc, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.NewTheme())

	path, err := config.HistoryPath()
	var st *store.Store
	if err == nil {
		// A team's server that does not answer, or hangs, does not keep
		// the window from opening: it is not called until the window is
		// up (the team line says it is being connected to), and scans
		// are kept in the outbox while it is away.
		st, err = store.Open(path, store.AllowOffline(), store.ConnectLater())
	}
	var team *outbox.Team
	if err == nil && st.Shared() {
		if team, err = outbox.NewTeam(context.Background(), st, outbox.Path(st)); err != nil {
			st.Close()
		}
	}
	if err != nil {
		ui.NewErrorWindow(a, path, err).ShowAndRun()
		os.Exit(1)
	}
	w := ui.NewMainWindow(a, st)
	// The sender of a team's server runs while the window uses it; the
	// settings may switch to another history, whose own sender then runs.
	w.SetTeamRunner(func(tm *outbox.Team) func() {
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); tm.Run(ctx) }() // sends what the outbox holds whenever the server answers
		return func() { stop(); <-done }
	})
	if team != nil {
		w.UseTeam(team)
	}
	// The history in use when the window closes: the settings may have
	// switched to another. The window closes, and the app quits, only once
	// what the clerk typed and did not save is saved (or the clerk chose
	// to close without it), so this close never meets that save.
	defer func() {
		if notKept := w.Finish(); notKept != "" {
			log.Print(notKept)
		}
		w.StopTeam()
		w.History().Close()
	}()
	w.FitScreen(workArea())
	w.SetBeeper(sound.NewPlayer())
	w.ShowScreen(os.Getenv("FAPIAO_SCREEN"))
	if paths := os.Getenv("FAPIAO_OPEN"); paths != "" {
		w.Open(filepath.SplitList(paths))
	}
	if path := os.Getenv("FAPIAO_CAMERA"); path != "" {
		if err := w.PlayCamera(path); err != nil {
			log.Printf("FAPIAO_CAMERA: %v", err)
		}
	}
	w.ShowAndRun()
}
