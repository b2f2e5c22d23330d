package store

import "testing"

// The clerk by default is the account's name, without the domain Windows
// puts before it, so that one clerk is the same on Linux and Windows.
func TestAccountName(t *testing.T) {
	for in, want := range map[string]string{`VM\root`: "root", `CORP\王会计`: "王会计", "root": "root", `odd\`: `odd\`} {
		if got := accountName(in); got != want {
			t.Errorf("accountName(%q) = %q, want %q", in, got, want)
		}
	}
}
