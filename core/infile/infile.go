// Package infile opens the files a clerk hands over — given, dropped or
// found in a folder — so that none can hang or exhaust the program: only
// regular files are read, opening never waits for a writer (a named pipe),
// and no read goes past a size limit (a link to /dev/zero).
package infile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Error kinds, for errors.Is.
var (
	// ErrNotRegular is a named pipe, a device, a socket or a folder where a
	// file was expected: it is never read.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is a file larger than the limit its reader sets.
	ErrTooLarge = errors.New("file too large")
)

// Open opens path for reading when it is a regular file, following links.
// A named pipe is opened without waiting for a writer, then refused like
// any other special file.
func Open(path string) (*os.File, error) {
	// Stat first, so that a device or pipe is refused without being opened
	// at all (opening a tape drive or a terminal has effects of its own).
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	// The path may have been swapped for another file since the Stat.
	if fi, err = f.Stat(); err == nil {
		err = regular(path, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Read reads a regular file of at most limit bytes.
func Read(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > limit {
		return nil, tooLarge(path, fi.Size(), limit)
	}
	// The size may grow while the file is read: the limit holds anyway.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path, int64(len(data)), limit)
	}
	return data, nil
}

// SHA256 is the hex SHA-256 of a regular file's bytes.
func SHA256(path string) (string, error) {
	f, err := Open(path)
	if err != nil {
		return "", fmt.Errorf("hash file: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash file %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func tooLarge(path string, size, limit int64) error {
	return &SizeError{Path: path, Size: size, Limit: limit}
}

// SizeError is a file over its reader's limit; it is ErrTooLarge, and says
// so in the words of the reader that wraps it.
type SizeError struct {
	Path        string
	Size, Limit int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s: %s, more than %s", e.Path, Size(e.Size), Size(e.Limit))
}

// Is makes a SizeError match ErrTooLarge.
func (e *SizeError) Is(target error) bool { return target == ErrTooLarge }

// Size writes a byte count for people: "64 MB", "718 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// regular says what path is when it is not a regular file.
func regular(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	var what string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	default:
		what = "a special file"
	}
	return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: %s", ErrNotRegular, what)}
}
