package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// EnvDB is the environment variable naming the history file, for the window
// and the command line alike.
const EnvDB = "FAPIAO_DB"

// HistoryPath names the history the window opens and a command uses when
// given no --db: $FAPIAO_DB, else the team's server saved in the settings
// (SetHistoryLocation), with its password from the secret store, else the
// default location in the user's data folder (store.DefaultPath).
func HistoryPath() (string, error) {
	if p := os.Getenv(EnvDB); p != "" {
		return p, nil
	}
	def, err := store.DefaultPath()
	if err != nil {
		return "", err
	}
	loc, err := savedLocation(filepath.Dir(def))
	if err != nil || loc == "" {
		return def, err
	}
	return withPassword(loc, "", secrets.Open(filepath.Dir(def)))
}

// ServerAddress is location with password in it, or when password is
// empty the one stored (SetHistoryLocation); a file path is returned as is.
func ServerAddress(location, password string) (string, error) {
	if !store.IsServer(location) {
		return location, nil
	}
	def, err := store.DefaultPath()
	if err != nil {
		return "", err
	}
	return withPassword(location, password, secrets.Open(filepath.Dir(def)))
}

// locationFile, in the data folder, holds the address of the team's server
// the window and the command line use, without its password.
const locationFile = "history-location"

// SecretHistoryPassword names the password of the team's server in the
// secret store of the data folder.
const SecretHistoryPassword = "history.password"

func savedLocation(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, locationFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("history location: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// withPassword adds pw, else the stored password, to a server address that
// has none.
func withPassword(loc, pw string, sec secrets.Store) (string, error) {
	u, err := url.Parse(loc)
	if err != nil || u.User == nil {
		return loc, nil // pgx reports a malformed address; no user: PGUSER, ~/.pgpass
	}
	if _, has := u.User.Password(); has {
		return loc, nil
	}
	if pw == "" {
		pw, err = sec.Get(SecretHistoryPassword)
		if errors.Is(err, secrets.ErrNotFound) {
			return loc, nil
		}
		if err != nil {
			return "", fmt.Errorf("history location: the password: %w", err)
		}
	}
	u.User = url.UserPassword(u.User.Username(), pw)
	return u.String(), nil
}

// HistoryLocation is the team's server saved in the data folder, without
// its password, and whether a password is stored; "" when the history is
// the local file.
func HistoryLocation() (loc string, password bool, err error) {
	def, err := store.DefaultPath()
	if err != nil {
		return "", false, err
	}
	if loc, err = savedLocation(filepath.Dir(def)); err != nil || loc == "" {
		return loc, false, err
	}
	_, perr := secrets.Open(filepath.Dir(def)).Get(SecretHistoryPassword)
	return loc, perr == nil, nil
}

// SetHistoryLocation saves the team's server the window and the command
// line use from their next start: location is a postgres:// address ("" goes
// back to the local file); a password in it, or password when not empty,
// goes to the secret store, never to the file.
func SetHistoryLocation(location, password string) error {
	def, err := store.DefaultPath()
	if err != nil {
		return err
	}
	dir := filepath.Dir(def)
	sec := secrets.Open(dir)
	location = strings.TrimSpace(location)
	if location == "" {
		if err := os.Remove(filepath.Join(dir, locationFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("history location: %w", err)
		}
		return sec.Delete(SecretHistoryPassword)
	}
	if !store.IsServer(location) {
		return fmt.Errorf("history location %q: %w: want postgres://USER@HOST:PORT/DB", store.Redact(location), store.ErrInvalid)
	}
	u, err := url.Parse(location)
	if err != nil {
		return fmt.Errorf("history location %q: %w: %v", store.Redact(location), store.ErrInvalid, err)
	}
	if u.User != nil {
		if pw, has := u.User.Password(); has {
			if password == "" {
				password = pw
			}
			u.User = url.User(u.User.Username())
		}
	}
	if password != "" {
		if err := sec.Set(SecretHistoryPassword, password); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("history location: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, locationFile), []byte(u.String()+"\n"), 0o600); err != nil {
		return fmt.Errorf("history location: %w", err)
	}
	return nil
}
