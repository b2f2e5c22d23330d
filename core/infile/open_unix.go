//go:build unix

package infile

import "syscall"

// openFlags keep open(2) from waiting for a writer when the path turns
// into a named pipe between the Stat and the open.
const openFlags = syscall.O_NONBLOCK
