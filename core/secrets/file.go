package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// FileName is the file a FileStore keeps its secrets in, in the data folder.
const FileName = "secrets.json"

// FileStore keeps secrets in a JSON object in one file, readable and
// writable by its owner only (mode 0600). Every change writes a new file
// and renames it over the old one, so a crash leaves the old or the new
// file, never half of one. The file is read on every Get, so that the
// window sees what the command line stored. Writers in one process take
// turns; two processes that write at the same instant may lose one of the
// two changes, never the file.
type FileStore struct {
	path string
	mu   *sync.Mutex
}

// fileLocks holds one mutex per file, shared by every FileStore of it.
var fileLocks sync.Map

var _ Store = (*FileStore)(nil)

// NewFile returns the file store of the data folder dataDir. Nothing is
// created until a secret is set.
func NewFile(dataDir string) *FileStore {
	path := filepath.Join(dataDir, FileName)
	key := path
	if abs, err := filepath.Abs(path); err == nil {
		key = abs
	}
	mu, _ := fileLocks.LoadOrStore(key, new(sync.Mutex))
	return &FileStore{path: path, mu: mu.(*sync.Mutex)}
}

// Where is the file's path.
func (f *FileStore) Where() string { return f.path }

// Get returns the secret called name.
func (f *FileStore) Get(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := m[name]
	if !ok {
		return "", fmt.Errorf("secret %q in %s: %w", name, f.path, ErrNotFound)
	}
	return v, nil
}

// Set stores value under name.
func (f *FileStore) Set(name, value string) error {
	if err := checkName(name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	if v, ok := m[name]; ok && v == value {
		return nil
	}
	m[name] = value
	return f.save(m)
}

// Delete removes name. The file is left alone when it does not hold name.
func (f *FileStore) Delete(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	if _, ok := m[name]; !ok {
		return nil
	}
	delete(m, name)
	return f.save(m)
}

// load reads the file; a file that is not there holds no secrets. A file
// that someone made readable by others is made private again.
func (f *FileStore) load() (map[string]string, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secrets: %w", err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(f.path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(f.path, 0o600); err != nil {
				return nil, fmt.Errorf("secrets file %s is readable by others and cannot be made private: %w", f.path, err)
			}
		}
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		// The JSON error would quote the file's bytes: say where, not what.
		where := ""
		var se *json.SyntaxError
		if errors.As(err, &se) {
			where = fmt.Sprintf(" at byte %d", se.Offset)
		}
		return nil, fmt.Errorf("%w: %s is not a JSON object of names and secrets%s; "+
			"move it away and enter the keys and the gateway secret again", ErrCorrupt, f.path, where)
	}
	return m, nil
}

// save writes m to a private temporary file beside the old one and renames
// it into place.
func (f *FileStore) save(m map[string]string) (err error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".secrets-*.tmp")
	if err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already makes it 0600; set it anyway so that the promise
	// does not rest on that.
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("write secrets: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	return nil
}
