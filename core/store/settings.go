package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/user"
	"strings"
)

// Setting keys the window and the command line share.
const (
	// SettingClerk is the name of the clerk at this desk, recorded with
	// every verification and change when no other name is given.
	SettingClerk = "clerk"
)

// Setting returns the value of key, or "" and ErrNotFound when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read setting %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", s.fail(fmt.Sprintf("read setting %q", key), err)
	}
	return v, nil
}

// SetSetting stores value under key and records the change in the audit log.
// Keys starting with "audit." belong to the audit log and are refused.
func (s *Store) SetSetting(ctx context.Context, key, value, clerk string) error {
	op := fmt.Sprintf("set setting %q", key)
	if key == "" || strings.HasPrefix(key, "audit.") {
		return fmt.Errorf("%s: %w: reserved or empty key", op, ErrInvalid)
	}
	return s.write(ctx, op, func(tx *dbTx) error {
		var old string
		err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			key, value); err != nil {
			return err
		}
		actor, err := s.clerk(ctx, tx, clerk)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "setting", key, map[string]string{"old": old, "new": value})
	})
}

// Clerk is the name recorded for a change when none is given: the clerk
// setting, else the operating-system login name, else "unknown".
func (s *Store) Clerk(ctx context.Context) (string, error) {
	c, err := s.clerk(ctx, s.db, "")
	if err != nil {
		return "", s.fail("read clerk", err)
	}
	return c, nil
}

func (s *Store) clerk(ctx context.Context, q querier, given string) (string, error) {
	if c := strings.TrimSpace(given); c != "" {
		return c, nil
	}
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", SettingClerk).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if v = strings.TrimSpace(v); v != "" {
		return v, nil
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return accountName(u.Username), nil
	}
	return "unknown", nil
}

// accountName is the user's name without the domain or machine Windows
// puts before it (DOMAIN\user): the same clerk on Linux and Windows.
func accountName(username string) string {
	if i := strings.LastIndex(username, `\`); i >= 0 && i < len(username)-1 {
		return username[i+1:]
	}
	return username
}
