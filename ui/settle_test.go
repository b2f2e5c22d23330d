package ui

// settle waits for everything the window runs in the background: scans,
// pictures, history changes and searches.
func (m *MainWindow) settle() {
	m.scan.wait()
	m.history.wait()
	m.history.detail.wait()
}

// settleLoop is settle for a window whose fyne.Do goes through loop: it
// also runs what the goroutines hand to the window, and what that starts,
// until nothing is left.
func settleLoop(m *MainWindow, loop *uiLoop) {
	for {
		m.settle()
		if !loop.runPending() {
			return
		}
	}
}
