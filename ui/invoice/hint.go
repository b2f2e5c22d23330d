package invoice

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// hintLabel is a label of a sentence or two, wrapped where it is narrow
// between its phrases. A wrapped label breaks text only at spaces, and
// Chinese has none: it broke a hint in the middle of a word (锁｜定). Here a
// line ends after a Chinese punctuation mark (：；，。、！？) where the text
// is too wide; a phrase wider than the label on its own, and English
// words, wrap as a wrapped label wraps them.
type hintLabel struct {
	widget.Label
	text string // as set, before the breaks
}

func newHintLabel() *hintLabel {
	l := &hintLabel{}
	l.Wrapping = fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return l
}

// SetText sets the hint, broken for the label's width.
func (l *hintLabel) SetText(text string) {
	l.text = text
	l.Label.Text = l.broken(l.Size().Width)
	l.Refresh()
}

// Resize breaks the hint anew for the width.
func (l *hintLabel) Resize(size fyne.Size) {
	if text := l.broken(size.Width); text != l.Label.Text {
		l.Label.Text = text
		l.Label.Resize(size)
		l.Refresh()
		return
	}
	l.Label.Resize(size)
}

// broken is the hint with its lines broken for a label width wide.
func (l *hintLabel) broken(width float32) string {
	th := l.Theme()
	size := th.Size(theme.SizeNameText)
	return breakPhrases(l.text, width-2*th.Size(theme.SizeNameInnerPadding), func(s string) float32 {
		return fyne.MeasureText(s, size, l.TextStyle).Width
	})
}

// phraseEnds are the marks a Chinese line may end after without cutting a
// word.
const phraseEnds = "：；，。、！？"

// breakPhrases breaks text into lines no wider than width (measured by
// measure) after phrase ends, as few lines as fit. A phrase wider than
// width on its own has a line of its own. Lines already broken stay so;
// width <= 0 (not laid out yet) leaves text as it is.
func breakPhrases(text string, width float32, measure func(string) float32) string {
	if width <= 0 || !strings.ContainsAny(text, phraseEnds) {
		return text
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		var phrases []string
		start := 0
		for i, r := range para {
			if strings.ContainsRune(phraseEnds, r) {
				end := i + len(string(r))
				phrases = append(phrases, para[start:end])
				start = end
			}
		}
		if start < len(para) {
			phrases = append(phrases, para[start:])
		}
		line := ""
		for _, p := range phrases {
			if line != "" && measure(line+p) > width {
				out = append(out, line)
				line = ""
			}
			line += p
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// hintRow lays out a row of buttons with a hint beside them, or under them
// where beside them it would take more than two lines: squeezed beside the
// buttons into a narrow column (English on a 1024-pixel screen), the hint
// made the buttons as tall as its lines and the window wider than the
// screen.
type hintRow struct {
	buttons fyne.CanvasObject
	hint    *hintLabel
	below   bool // where the last layout put the hint
}

// MinSize is the buttons' width, the hint going under them where there is
// no room beside them, and the height of the row as last laid out.
func (r *hintRow) MinSize([]fyne.CanvasObject) fyne.Size {
	b := r.buttons.MinSize()
	if !r.hint.Visible() {
		return b
	}
	h := r.hint.MinSize()
	if r.below {
		return fyne.NewSize(max(b.Width, h.Width), b.Height+theme.Padding()+h.Height)
	}
	return fyne.NewSize(b.Width, max(b.Height, h.Height))
}

func (r *hintRow) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	b := r.buttons.MinSize()
	pad := theme.Padding()
	r.buttons.Move(fyne.NewPos(0, 0))
	if !r.hint.Visible() {
		r.buttons.Resize(fyne.NewSize(b.Width, size.Height))
		return
	}
	beside := size.Width - b.Width - pad
	r.below = true
	if beside > 0 {
		r.hint.Resize(fyne.NewSize(beside, size.Height))
		r.below = r.hint.lines() > 2
	}
	if r.below {
		r.buttons.Resize(b)
		r.hint.Move(fyne.NewPos(0, b.Height+pad))
		r.hint.Resize(fyne.NewSize(size.Width, max(0, size.Height-b.Height-pad)))
		return
	}
	r.buttons.Resize(fyne.NewSize(b.Width, size.Height))
	r.hint.Move(fyne.NewPos(b.Width+pad, 0))
	r.hint.Resize(fyne.NewSize(beside, size.Height))
}

// lines is about how many lines the hint takes at its width.
func (l *hintLabel) lines() int {
	th := l.Theme()
	line := fyne.MeasureText("下", th.Size(theme.SizeNameText), l.TextStyle).Height
	if line <= 0 {
		return 1
	}
	text := l.MinSize().Height - 2*th.Size(theme.SizeNameInnerPadding)
	return max(1, int(text/line+0.3))
}
