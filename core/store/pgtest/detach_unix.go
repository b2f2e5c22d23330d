//go:build unix

package pgtest

import (
	"os/exec"
	"syscall"
)

// detach puts cmd in a session of its own, so that a signal to the test
// binary's process group (Ctrl-C) does not end the watchdog first.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
