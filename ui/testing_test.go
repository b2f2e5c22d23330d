package ui

import "time"

const (
	paperPayload   = "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"
	digitalPayload = "01,32,,24312000000136634917,0.01,20240514,,1DD6"
	// tamperedPayload is paperPayload with the amount raised by 100 yuan and
	// the CRC left as it was.
	tamperedPayload = "01,10,044031600111,02407312,682.52,20171104,80883429292637169951,D8EA,"
)

// fixedNow keeps the date checks of the tests independent of the day they run.
func fixedNow() time.Time { return time.Date(2024, time.June, 3, 10, 0, 0, 0, time.Local) }
