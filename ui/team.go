package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/outbox"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// A team's history lives on a server that can be away. The window then goes
// on scanning into this machine's outbox (core/outbox), and a line above the
// screens says so: that the server cannot be reached and how many scans wait
// to be sent, then that they are being sent, and nothing once all are. At
// start the window does not wait for the server: the line says it is being
// connected to until the server answers or is found away. An
// invoice that another clerk recorded while this machine was away is a
// duplicate when it is sent, and the clerk is told so in a dialog.

// UseTeam makes the window save scans through tm, the team's server with
// this machine's outbox over the history in use, and show its state. Call
// it on the UI goroutine, before the window is shown; the sender (tm.Run)
// is started by the runner given to SetTeamRunner, else by the caller.
func (m *MainWindow) UseTeam(tm *outbox.Team) {
	m.e.SetHistory(env.History{St: m.e.Store(), Team: tm})
	m.showTeamOf(tm)
}

// SetTeamRunner gives the window what starts a team's sender (tm.Run) and
// returns how to stop it, waiting for it to end: the window starts one for
// every team's server it is pointed at and stops it when it leaves it.
func (m *MainWindow) SetTeamRunner(run func(tm *outbox.Team) (stop func())) { m.runTeam = run }

// StopTeam stops the sender of the team in use, if any; once the window
// is closed, before its history is.
func (m *MainWindow) StopTeam() {
	if m.stopTeam != nil {
		m.stopTeam()
		m.stopTeam = nil
	}
}

// showTeamOf shows the state of tm (nil: a file, nothing to show) on the
// line above the screens and starts its sender.
func (m *MainWindow) showTeamOf(tm *outbox.Team) {
	if tm == nil {
		m.teamStatus = outbox.Status{}
		m.relabelTeam()
		return
	}
	if m.teamLine == nil {
		m.teamLine = widget.NewLabel("")
		m.teamLine.Importance = widget.WarningImportance
		m.teamLine.Wrapping = fyne.TextWrapWord
		m.window.SetContent(container.NewBorder(m.teamLine, nil, nil, nil, m.tabs))
		m.window.Canvas().Focus(m.scan.Gun())
	}
	m.teamStatus = tm.Status()
	// A team the window has left may still report: only the one in use
	// is shown.
	tm.OnStatus(func(s outbox.Status) {
		fyne.Do(func() {
			if m.e.Team() == tm {
				m.showTeam(s)
			}
		})
	})
	tm.OnSent = func(sent []outbox.Sent) {
		fyne.Do(func() {
			if m.e.Team() == tm {
				m.onSent(sent)
			}
		})
	}
	m.showTeam(m.teamStatus)
	if m.runTeam != nil {
		m.stopTeam = m.runTeam(tm)
	}
}

// showTeam shows the team's server's state; back online, the history is
// read again.
func (m *MainWindow) showTeam(s outbox.Status) {
	away := func(s outbox.Status) bool { return s.Offline || s.Connecting }
	back := away(m.teamStatus) && !away(s)
	m.teamStatus = s
	m.relabelTeam()
	if back {
		m.history.Reload()
	}
}

// TeamText is the line shown about the team's server ("" when there is
// nothing to say).
func (m *MainWindow) TeamText() string {
	if m.teamLine == nil || !m.teamLine.Visible() {
		return ""
	}
	return m.teamLine.Text
}

func (m *MainWindow) relabelTeam() {
	if m.teamLine == nil {
		return
	}
	tr, s := m.e.Tr, m.teamStatus
	var text string
	switch {
	case s.Connecting:
		text = tr.T("team.connecting")
	case s.Offline && s.Queued > 0:
		text = tr.F("team.offline_queued", s.Queued)
	case s.Offline:
		text = tr.T("team.offline")
	case s.Queued > 0:
		text = tr.F("team.sending", s.Queued)
	}
	m.teamLine.SetText(text)
	if text == "" {
		m.teamLine.Hide()
	} else {
		m.teamLine.Show()
	}
}

// onSent shows on the scan queue what the server said of the scans sent,
// and tells the clerk of each invoice that was recorded meanwhile by
// another clerk (or earlier) and is now a duplicate.
func (m *MainWindow) onSent(sent []outbox.Sent) {
	m.scan.Sent(sent)
	m.history.Reload()
	tr := m.e.Tr
	var lines []string
	for _, s := range sent {
		for _, r := range s.Duplicates() {
			f := r.DuplicateOf
			lines = append(lines, "• "+tr.F("team.sent_duplicate", r.Identity, f.Clerk, f.Host,
				f.At.Local().Format("2006-01-02 15:04:05")))
		}
	}
	if len(lines) == 0 {
		return
	}
	d := dialog.NewInformation(tr.T("team.sent_duplicates"), env.Sentence(strings.Join(lines, "\n")), m.window)
	d.Show()
	m.sentDialog = d
}
