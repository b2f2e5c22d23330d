package env

import (
	"context"
	"fmt"
	"testing"
)

// A wait the window bounds itself says so in the clerk's words, not Go's.
func TestErrorTextOfADeadline(t *testing.T) {
	err := fmt.Errorf("record typed values of invoice 3: %w", context.DeadlineExceeded)
	for lang, want := range map[string]string{"zh": "历史记录没有及时回应。", "en": "The history did not answer in time."} {
		if got := ErrorText(NewTranslator(lang), err); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
