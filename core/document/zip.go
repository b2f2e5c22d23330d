package document

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits on an OFD package. A real invoice OFD is under 1 MB with a few
// dozen entries; these leave a wide margin and still stop a zip bomb before
// it fills memory. Sizes in the zip headers can lie, so the bytes actually
// inflated are counted too.
const (
	maxZipEntries    = 10_000
	maxEntryBytes    = 32 << 20
	maxPackageBytes  = 128 << 20
	maxRatio         = 200     // inflated ÷ compressed, for entries above ratioFloor
	ratioFloor       = 1 << 20 // small entries may compress well (XML full of spaces)
	maxNameBytesZip  = 1024
	maxPathSegments  = 64
	entryReadPadding = 1
)

// pkg is an OFD package: a zip read under limits.
type pkg struct {
	files map[string]*zip.File // by cleaned name
	lower map[string]string    // lower-case name → name, for case-insensitive look-ups
	names []string             // in archive order
	read  int64                // bytes inflated so far
	cache map[string][]byte
	// fatal is the first limit an entry broke: the whole package is then
	// refused, whichever reader asked for the entry.
	fatal error
}

// openPkg checks a zip's directory: entry count, declared sizes and
// ratios, and names that would escape the package (../, absolute paths).
func openPkg(data []byte) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: OFD is not a readable zip: %v", ErrCorrupt, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("OFD has %d entries, more than %d: %w", len(zr.File), maxZipEntries, ErrTooLarge)
	}
	p := &pkg{files: map[string]*zip.File{}, lower: map[string]string{}, cache: map[string][]byte{}}
	var total uint64
	for _, f := range zr.File {
		name, err := safeName(f.Name)
		if err != nil {
			return nil, err
		}
		if f.FileInfo().IsDir() || strings.HasSuffix(f.Name, "/") {
			continue
		}
		if f.UncompressedSize64 > maxEntryBytes {
			return nil, fmt.Errorf("OFD entry %q inflates to %d MB, more than %d MB: %w", name, f.UncompressedSize64>>20, maxEntryBytes>>20, ErrTooLarge)
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > maxRatio*max(f.CompressedSize64, 1) {
			return nil, fmt.Errorf("OFD entry %q compressed %d:1, a zip bomb: %w", name, f.UncompressedSize64/max(f.CompressedSize64, 1), ErrTooLarge)
		}
		total += f.UncompressedSize64
		if total > maxPackageBytes {
			return nil, fmt.Errorf("OFD inflates to more than %d MB: %w", maxPackageBytes>>20, ErrTooLarge)
		}
		if _, dup := p.files[name]; !dup {
			p.names = append(p.names, name)
		}
		p.files[name] = f
		p.lower[strings.ToLower(name)] = name
	}
	return p, nil
}

// safeName cleans an entry name and refuses names that point outside the
// package: nothing is ever written to disk, but such a name is never
// produced by an honest OFD writer.
func safeName(n string) (string, error) {
	if len(n) > maxNameBytesZip || strings.ContainsRune(n, 0) {
		return "", fmt.Errorf("OFD entry name %.40q is malformed: %w", n, ErrUnsafe)
	}
	s := strings.ReplaceAll(n, "\\", "/")
	if strings.HasPrefix(s, "/") || (len(s) > 1 && s[1] == ':') {
		return "", fmt.Errorf("OFD entry %q has an absolute path: %w", n, ErrUnsafe)
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == ".." {
			return "", fmt.Errorf("OFD entry %q climbs out of the package: %w", n, ErrUnsafe)
		}
	}
	if strings.Count(s, "/") > maxPathSegments {
		return "", fmt.Errorf("OFD entry %.40q nests too deep: %w", n, ErrUnsafe)
	}
	return path.Clean(s), nil
}

// has reports whether the package holds name.
func (p *pkg) lookup(name string) (*zip.File, string) {
	name = path.Clean(strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/"))
	if f, ok := p.files[name]; ok {
		return f, name
	}
	if n, ok := p.lower[strings.ToLower(name)]; ok {
		return p.files[n], n
	}
	return nil, ""
}

// get inflates one entry, counting what is inflated against the package's
// limit whatever the header claimed.
func (p *pkg) get(name string) ([]byte, error) {
	f, n := p.lookup(name)
	if f == nil {
		return nil, fmt.Errorf("OFD has no %s", name)
	}
	if b, ok := p.cache[n]; ok {
		return b, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: OFD entry %s: %v", ErrCorrupt, n, err)
	}
	defer rc.Close()
	limit := min(int64(maxEntryBytes), maxPackageBytes-p.read)
	b, err := io.ReadAll(io.LimitReader(rc, limit+entryReadPadding))
	p.read += int64(len(b))
	if int64(len(b)) > limit {
		err := fmt.Errorf("OFD entry %s inflates past its limit (a zip bomb): %w", n, ErrTooLarge)
		if p.fatal == nil {
			p.fatal = err
		}
		return nil, err
	}
	if err != nil {
		// Go's zip reader stops an entry that inflates past its declared
		// size, or fails its checksum: the package is damaged or crafted.
		err = fmt.Errorf("%w: OFD entry %s: %v", ErrCorrupt, n, err)
		if p.fatal == nil {
			p.fatal = err
		}
		return nil, err
	}
	if len(b) < 1<<20 {
		p.cache[n] = b
	}
	return b, nil
}

// xml reads and parses one entry.
func (p *pkg) xml(name string) (*node, error) {
	b, err := p.get(name)
	if err != nil {
		return nil, err
	}
	return parseXML(b)
}

// resolve turns a location written in a file at base into a package path:
// OFD locations are absolute from the package root ("/Doc_0/Res") or
// relative to the folder of the file that names them.
func resolve(baseDir, loc string) string {
	loc = strings.TrimSpace(strings.ReplaceAll(loc, "\\", "/"))
	if strings.HasPrefix(loc, "/") {
		return path.Clean(strings.TrimPrefix(loc, "/"))
	}
	return path.Clean(path.Join(baseDir, loc))
}
