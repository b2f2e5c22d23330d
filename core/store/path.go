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

// LocalDir is the folder of this machine that goes with the history: the
// file's folder, or for a history on a server the folder the default
// history would be in (the secret store lives there). Without a home folder
// it is a folder "fapiao" in the temporary folder.
func (s *Store) LocalDir() string {
	if !s.d.postgres {
		return filepath.Dir(s.path)
	}
	if p, err := DefaultPath(); err == nil {
		return filepath.Dir(p)
	}
	return filepath.Join(os.TempDir(), "fapiao")
}

// Exists reports whether there is a history at location: a file that
// exists, or any server address (a server history is made on first use,
// and whether the server answers is for Open to say).
func Exists(location string) bool {
	if IsServer(location) {
		return true
	}
	_, err := os.Stat(location)
	return err == nil
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
