package invoice

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// shownLines are the lines a label shows, as laid out.
func shownLines(o fyne.CanvasObject) []string {
	var lines []string
	for _, c := range test.LaidOutObjects(o) {
		if txt, ok := c.(*canvas.Text); ok && txt.Visible() && txt.Text != "" {
			lines = append(lines, txt.Text)
		}
	}
	return lines
}

// cutWord says where lines, shown for text, break inside a word: not after
// a space (English) nor after a Chinese punctuation mark. It returns the
// line that ends there, or "".
func cutWord(text string, lines []string) string {
	rest := strings.ReplaceAll(text, "\n", "")
	for i, l := range lines {
		if !strings.HasPrefix(rest, l) {
			return "(the lines do not make up the text) " + l
		}
		rest = rest[len(l):]
		if i == len(lines)-1 {
			break
		}
		last, _ := utf8.DecodeLastRuneInString(l)
		switch {
		case strings.HasPrefix(rest, " "):
			rest = rest[1:]
		case strings.ContainsRune(phraseEnds, last):
		default:
			return l
		}
	}
	return ""
}

// The hint beside the buttons (下一步…) breaks between phrases or words
// where the view is narrow, as the detail is on a 1024×768 screen, in
// Chinese and in English: never in the middle of a word (…；锁｜定后…).
// Where it would take more than two lines beside the buttons it goes under
// them, inside the view.
func TestStepHintWrapsBetweenPhrases(t *testing.T) {
	w := uitest.NewWindow(t)
	v := New(w.Env)
	w.Show(v.Content())
	e := w.Env
	r := uitest.Scan(t, e, uitest.PaperPayload)
	v.ShowScanned(scanned(r, "扫描件-2024-06-03.pdf", store.SourceFile))
	w.Settle()
	for _, lang := range []string{"zh", "en"} {
		e.Tr = env.NewTranslator(lang)
		v.Relabel()
		want := e.Tr.T("detail.step.new")
		for _, width := range []float32{1280, 720, 640, 600} {
			w.Win.Resize(fyne.NewSize(width, 800))
			lines := shownLines(v.stepLabel)
			if strings.Join(lines, "") == "" {
				t.Fatalf("%s, %v wide: no hint shown", lang, width)
			}
			if cut := cutWord(want, lines); cut != "" {
				t.Errorf("%s, %v wide: the hint %q breaks inside a word after %q", lang, width, lines, cut)
			}
			if len(lines) > 2 {
				t.Errorf("%s, %v wide: the hint takes %d lines beside the buttons, want it under them", lang, width, len(lines))
			}
			d := fyne.CurrentApp().Driver()
			right := d.AbsolutePositionForObject(v.stepLabel).X + v.stepLabel.Size().Width
			if edge := d.AbsolutePositionForObject(v.Content()).X + v.Content().Size().Width; right > edge+1 {
				t.Errorf("%s, %v wide: the hint reaches %v, past the view's edge at %v", lang, width, right, edge)
			}
			if width == 1280 && len(lines) != 1 {
				t.Errorf("%s, %v wide: the hint is broken where it fits: %q", lang, width, lines)
			}
			t.Logf("%s, %v wide: %q", lang, width, lines)
		}
	}
}

func TestBreakPhrases(t *testing.T) {
	// A character is 10 wide.
	measure := func(s string) float32 { return 10 * float32(utf8.RuneCountInString(s)) }
	cases := []struct {
		text  string
		width float32
		want  string
	}{
		{"下一步：核验后点“锁定”放入报销单；锁定后才能报销", 400, "下一步：核验后点“锁定”放入报销单；锁定后才能报销"},
		{"下一步：核验后点“锁定”放入报销单；锁定后才能报销", 200, "下一步：核验后点“锁定”放入报销单；\n锁定后才能报销"},
		{"下一步：核验后点“锁定”放入报销单；锁定后才能报销", 100, "下一步：\n核验后点“锁定”放入报销单；\n锁定后才能报销"},
		{"已报销：不能再次报销", 60, "已报销：\n不能再次报销"},
		{"Next: Lock it in a claim; only a locked invoice can be reimbursed", 100, "Next: Lock it in a claim; only a locked invoice can be reimbursed"},
		{"第一行：甲\n第二行：乙", 40, "第一行：\n甲\n第二行：\n乙"},
		{"下一步：核验", 0, "下一步：核验"},
	}
	for _, c := range cases {
		if got := breakPhrases(c.text, c.width, measure); got != c.want {
			t.Errorf("breakPhrases(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}
