package export

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile writes the invoices src yields to path in format f. It writes
// beside the target and renames, so an interrupted or failed export never
// leaves a half-written file under the name asked for, and an existing file
// of that name is replaced only by a complete one.
func WriteFile(path string, f Format, src Source) (Summary, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return Summary{}, fmt.Errorf("export to %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	sum, err := Write(tmp, f, src)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("export to %s: %w", path, err)
	}
	return sum, nil
}
