package cli

import (
	"fmt"
	"runtime"

	"github.com/fapiaoscanner/fapiao/core/version"
)

func init() {
	register(command{"version", "print the version", "", runVersion})
}

func runVersion(e *env, args []string) int {
	fs := e.flags("version")
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return e.usageError("version", "takes no arguments")
	}
	fmt.Fprintf(e.stdout, "fapiao %s (%s, %s/%s)\n", version.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
