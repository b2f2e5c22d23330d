package env

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/assets"
)

func TestTranslationsHaveTheSameKeys(t *testing.T) {
	keys := map[string][]string{}
	for _, l := range Languages {
		data, err := assets.Translations.ReadFile("translations/" + l.Code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("%s.json: %v", l.Code, err)
		}
		for k, v := range msgs {
			keys[l.Code] = append(keys[l.Code], k)
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s.json: %q is empty", l.Code, k)
			}
		}
		slices.Sort(keys[l.Code])
	}
	for _, l := range Languages[1:] {
		if !slices.Equal(keys[l.Code], keys[DefaultLanguage]) {
			t.Errorf("%s.json keys differ from %s.json:\n%v\n%v", l.Code, DefaultLanguage, keys[l.Code], keys[DefaultLanguage])
		}
	}
}

func TestTranslatorFallsBack(t *testing.T) {
	for _, lang := range []string{"", "fr", "../zh", "zh_CN"} {
		if got := NewTranslator(lang).Lang(); got != DefaultLanguage {
			t.Errorf("NewTranslator(%q).Lang() = %q, want %q", lang, got, DefaultLanguage)
		}
	}
	if got := NewTranslator("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key itself", got)
	}
}

func TestThemeUsesBundledFont(t *testing.T) {
	th := NewTheme()
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}} {
		if got := th.Font(style); got != assets.Font {
			t.Errorf("Font(%+v) = %s, want the bundled font", style, got.Name())
		}
	}
	if got := th.Font(fyne.TextStyle{Monospace: true}); got == assets.Font {
		t.Error("monospace text uses the bundled font, want Fyne's monospace")
	}
	// The theme must be usable by a running app.
	test.NewTempApp(t).Settings().SetTheme(th)
}

// Fyne's own strings follow the language chosen, not the system's: a
// dialog's buttons, and the file dialogs' Open, Save and Cancel.
func TestFyneStringsFollowTheLanguage(t *testing.T) {
	t.Cleanup(func() { UseFyneLanguage(DefaultLanguage) })
	for _, c := range []struct{ code, ok, cancel, open string }{
		{"zh", "确定", "取消", "打开"},
		{"en", "OK", "Cancel", "Open"},
		{"zh", "确定", "取消", "打开"},
	} {
		if err := UseFyneLanguage(c.code); err != nil {
			t.Fatal(err)
		}
		if got := []string{lang.L("OK"), lang.L("Cancel"), lang.L("Open")}; got[0] != c.ok || got[1] != c.cancel || got[2] != c.open {
			t.Errorf("%s: Fyne says %q", c.code, got)
		}
	}
	if err := UseFyneLanguage("xx"); err == nil {
		t.Error("no error for a language there is none of")
	}
}
