//go:build windows

package camera

import (
	"os/exec"
	"syscall"
)

// createNoWindow is CREATE_NO_WINDOW from the Windows API.
const createNoWindow = 0x08000000

// hideConsole keeps ffmpeg, a console program, from opening a console
// window of its own when the app (a GUI program, with none) starts it.
func hideConsole(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}
