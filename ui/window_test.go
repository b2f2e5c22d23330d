package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func newTestWindow(t *testing.T) *MainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	m := NewMainWindow(a)
	t.Cleanup(m.window.Close)
	return m
}

func TestMainWindowOpensInChinese(t *testing.T) {
	m := newTestWindow(t)

	if got := m.window.Title(); got != Title {
		t.Errorf("title = %q, want %q", got, Title)
	}
	if got := m.language.Selected; got != "中文" {
		t.Errorf("language selector shows %q, want 中文", got)
	}
	if got := m.scan.number.label.Text; got != "发票号码" {
		t.Errorf("number label = %q, want 发票号码", got)
	}
	if m.window.Canvas().Focused() != m.scan.input {
		t.Error("the QR text entry does not have the focus")
	}
}

func TestMainWindowSwitchesLanguage(t *testing.T) {
	m := newTestWindow(t)
	test.Type(m.scan.input, paperPayload)

	m.language.SetSelected("English")

	if got := m.app.Preferences().String(PrefLanguage); got != "en" {
		t.Errorf("language preference = %q, want en", got)
	}
	checks := map[string]string{
		"language label": m.languageLabel.Text,
		"number label":   m.scan.number.label.Text,
		"result title":   m.scan.resultCard.Title,
		"date":           m.scan.date.value.Text,
		"placeholder":    m.scan.input.PlaceHolder[:5],
	}
	want := map[string]string{
		"language label": "Language",
		"number label":   "Invoice number",
		"result title":   "Parsed fields",
		"date":           "2017-11-04",
		"placeholder":    "Paste",
	}
	for k, got := range checks {
		if got != want[k] {
			t.Errorf("%s = %q, want %q", k, got, want[k])
		}
	}

	m.language.SetSelected("中文")
	if got := m.scan.date.value.Text; got != "2017年11月04日" {
		t.Errorf("date after switching back = %q, want 2017年11月04日", got)
	}
}

func TestMainWindowReadsLanguagePreference(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefLanguage, "en")
	m := NewMainWindow(a)
	t.Cleanup(m.window.Close)

	if got := m.scan.number.label.Text; got != "Invoice number" {
		t.Errorf("number label = %q, want Invoice number", got)
	}
	if got := m.language.Selected; got != "English" {
		t.Errorf("language selector shows %q, want English", got)
	}
}
