package ui

// openRecord shows the history with invoice invoiceID's record open over it:
// where a duplicate leads the clerk, to the invoice as first recorded.
func (m *MainWindow) openRecord(invoiceID int64) {
	m.tabs.Select(m.historyItem)
	m.history.open(invoiceID)
}
