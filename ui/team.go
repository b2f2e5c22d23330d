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
// to be sent, then that they are being sent, and nothing once all are. An
// invoice that another clerk recorded while this machine was away is a
// duplicate when it is sent, and the clerk is told so in a dialog.

// UseTeam makes the window save scans through tm, the team's server with
// this machine's outbox, and show its state. Call it on the UI goroutine,
// before the window is shown; the sender (tm.Run) is started by the caller.
func (m *MainWindow) UseTeam(tm *outbox.Team) {
	m.e.Team = tm
	m.teamLine = widget.NewLabel("")
	m.teamLine.Importance = widget.WarningImportance
	m.teamLine.Wrapping = fyne.TextWrapWord
	m.teamStatus = tm.Status()
	tm.OnStatus(func(s outbox.Status) { fyne.Do(func() { m.showTeam(s) }) })
	tm.OnSent = func(sent []outbox.Sent) { fyne.Do(func() { m.onSent(sent) }) }
	m.window.SetContent(container.NewBorder(m.teamLine, nil, nil, nil, m.tabs))
	m.window.Canvas().Focus(m.scan.Gun())
	m.showTeam(m.teamStatus)
}

// showTeam shows the team's server's state; back online, the history is
// read again.
func (m *MainWindow) showTeam(s outbox.Status) {
	back := m.teamStatus.Offline && !s.Offline
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
