package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath is where the history lives unless the user says otherwise:
// $XDG_DATA_HOME/fapiao/history.db (else ~/.local/share/fapiao/history.db) on
// Linux and other Unix systems, %AppData%\fapiao\history.db on Windows and
// ~/Library/Application Support/fapiao/history.db on macOS.
func DefaultPath() (string, error) {
	home, _ := os.UserHomeDir()
	return defaultPath(runtime.GOOS, os.Getenv, home)
}

func defaultPath(goos string, getenv func(string) string, home string) (string, error) {
	var dir string
	switch goos {
	case "windows":
		dir = getenv("AppData")
		if dir == "" && home != "" {
			dir = filepath.Join(home, "AppData", "Roaming")
		}
	case "darwin", "ios":
		if home != "" {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	default:
		// The XDG specification says relative values are to be ignored.
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			dir = d
		} else if home != "" {
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "", errors.New("history location: no home folder or data folder is set")
	}
	return filepath.Join(dir, "fapiao", "history.db"), nil
}
