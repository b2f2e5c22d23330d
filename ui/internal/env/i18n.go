package env

import (
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2/lang"

	"github.com/fapiaoscanner/fapiao/assets"
)

// PrefLanguage is the preferences key holding the interface language. The
// language is the clerk's choice, never the system locale: the invoices are
// Chinese whatever the machine is set to.
const PrefLanguage = "language"

// DefaultLanguage is used when no language was chosen yet.
const DefaultLanguage = "zh"

// Language is one interface language: its code and its name in itself.
type Language struct {
	Code, Name string
}

// Languages lists the interface languages, in the order the selector shows them.
var Languages = []Language{
	{Code: "zh", Name: "中文"},
	{Code: "en", Name: "English"},
}

// Translator looks up interface strings in one language.
type Translator struct {
	lang string
	msgs map[string]string
}

// NewTranslator loads the strings for lang, or for DefaultLanguage when lang
// is not one of Languages.
func NewTranslator(lang string) *Translator {
	msgs, err := loadMessages(lang)
	if err != nil {
		lang = DefaultLanguage
		msgs, err = loadMessages(lang)
	}
	if err != nil {
		// The default translation is embedded; a test makes sure it parses.
		panic(err)
	}
	return &Translator{lang: lang, msgs: msgs}
}

func loadMessages(lang string) (map[string]string, error) {
	known := false
	for _, l := range Languages {
		known = known || l.Code == lang
	}
	if !known {
		return nil, fmt.Errorf("language %q: not available", lang)
	}
	name := "translations/" + lang + ".json"
	data, err := assets.Translations.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("language %q: %w", lang, err)
	}
	var msgs map[string]string
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, fmt.Errorf("language %q: parse %s: %w", lang, name, err)
	}
	return msgs, nil
}

// Lang is the language code, "zh" or "en".
func (t *Translator) Lang() string { return t.lang }

// T returns the string for key. A missing key comes back as itself, which
// shows up on screen rather than as an empty label.
func (t *Translator) T(key string) string {
	if s, ok := t.msgs[key]; ok {
		return s
	}
	return key
}

// F formats the string for key with args.
func (t *Translator) F(key string, args ...any) string {
	return fmt.Sprintf(t.T(key), args...)
}

// LanguageName is the name of the language code in itself, "" when it is
// not one of Languages.
func LanguageName(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return ""
}

// UseFyneLanguage puts Fyne's own strings — the buttons of its dialogs (OK,
// Cancel, Yes, No), its file dialogs (Open, Save, New Folder …), the
// entries' menus — in the interface language lang, whatever the system's
// language is. Fyne picks its translation from the system locale alone and
// cannot be told otherwise; so the strings of lang are loaded as the
// translation for the system's locale, which Fyne then uses (go-i18n keeps
// the last messages loaded for a locale). It affects dialogs made after it.
func UseFyneLanguage(code string) error {
	data, err := assets.FyneTranslations.ReadFile("translations/fyne/" + code + ".json")
	if err != nil {
		return fmt.Errorf("fyne strings for %q: %w", code, err)
	}
	return lang.AddTranslationsForLocale(data, lang.SystemLocale())
}
