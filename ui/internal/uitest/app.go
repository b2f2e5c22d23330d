// Package uitest is the test window every screen's tests use: a Fyne test
// app with the app's own theme and bundled font, whose fyne.Do queues for
// the test goroutine to run as a desktop driver's loop would, a fresh
// history, and the invoices, pictures and lookups the tests share.
package uitest

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// NewApp is a test app whose fyne.Do goes through the returned loop: the
// test goroutine is the UI goroutine, and what the background hands to the
// window is shown when the test runs the loop. The app has the app's own
// theme, so that text is measured with the bundled font whatever fonts the
// machine has, and keeps secrets in a file of each test's data folder,
// never in the keyring of the machine that runs the tests.
func NewApp(t testing.TB) (fyne.App, *Loop) {
	t.Setenv(secrets.EnvBackend, "file")
	a := test.NewTempApp(t)
	a.Settings().SetTheme(env.NewTheme())
	loop := &Loop{Driver: a.Driver(), wake: make(chan struct{}, 1)}
	app := loopApp{App: a, loop: loop}
	fyne.SetCurrentApp(app)
	return app, loop
}

type loopApp struct {
	fyne.App
	loop *Loop
}

func (a loopApp) Driver() fyne.Driver { return a.loop }
