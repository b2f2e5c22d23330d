package shared

import (
	"fmt"
	"strings"
	"testing"
)

// stopTB records how Path stopped a test instead of stopping this one.
type stopTB struct {
	testing.TB
	how, msg string
}

type stopped struct{}

func (s *stopTB) Helper() {}
func (s *stopTB) Skip(args ...any) {
	s.how, s.msg = "skip", fmt.Sprint(args...)
	panic(stopped{})
}
func (s *stopTB) Fatalf(format string, args ...any) {
	s.how, s.msg = "fatal", fmt.Sprintf(format, args...)
	panic(stopped{})
}

// pathIn calls Path where there is no corpus, with $CI set to ci.
func pathIn(t *testing.T, ci string) (s *stopTB) {
	t.Setenv("FAPIAO_SHARED", "")
	t.Setenv("CI", ci)
	t.Chdir(t.TempDir()) // no go.mod above, so no ../shared
	s = &stopTB{TB: t}
	defer func() {
		if r := recover(); r != nil && r != (stopped{}) {
			panic(r)
		}
	}()
	Path(s, "fixtures")
	return s
}

func TestMissingCorpus(t *testing.T) {
	if s := pathIn(t, ""); s.how != "skip" || !strings.Contains(s.msg, "FAPIAO_SHARED") {
		t.Errorf("outside CI: %s %q, want a skip saying where to look", s.how, s.msg)
	}
	if s := pathIn(t, "true"); s.how != "fatal" || !strings.Contains(s.msg, "CI") {
		t.Errorf("in CI: %s %q, want a failure", s.how, s.msg)
	}
}
