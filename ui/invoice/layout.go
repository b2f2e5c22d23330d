package invoice

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// noteHeight is the height the picture's place keeps, above the values,
// when there is no picture but a note.
const noteHeight = 64

// pictureWidth is the least width the picture is given beside the values;
// narrower, it goes above them, where an invoice (wider than high) shows
// larger.
const pictureWidth = 420

// detailLayout places the picture beside the values when the view is wide
// enough for both, else above them, the values' rows on one line each when
// there is room, on two when not (a 1024×768 screen): no value is cut
// short at any width the window can take.
type detailLayout struct {
	v          *View
	horizontal bool
	picture    bool // a picture is shown, not just a note
	height     float32
	set        bool
}

func (l *detailLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	t, split := l.v.table, l.v.split
	wide := t.minWidth(false) + theme.Padding()
	horizontal := size.Width >= pictureWidth+wide
	t.setNarrow(size.Width < wide)
	// A picture being made keeps its room: the values do not jump.
	picture := l.v.image.img != nil || l.v.picNote == "detail.loading"
	// The clerk's own split is kept until the arrangement changes; a
	// note's room follows the height.
	if !l.set || horizontal != l.horizontal || picture != l.picture || (!picture && size.Height != l.height) {
		l.set, l.horizontal, l.picture, l.height = true, horizontal, picture, size.Height
		split.Horizontal = horizontal
		// Beside the values the picture takes what they leave; above them,
		// two fifths of the height. Without a picture, its note takes
		// little room.
		switch {
		case horizontal && picture:
			split.Offset = 0.45
		case horizontal:
			split.Offset = 0.2
		case picture:
			split.Offset = 0.4
		default:
			split.Offset = float64(min(0.4, noteHeight/max(size.Height, 1)))
		}
	}
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
	split.Refresh()
}

// MinSize is that of the picture above the values, each row on two lines.
func (l *detailLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	pic := l.v.image.MinSize()
	return fyne.NewSize(max(pic.Width, l.v.table.minWidth(true)+theme.Padding()), pic.Height+160)
}
