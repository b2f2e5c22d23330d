package document

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/fapiaoscanner/fapiao/core/infile"
)

// PDFium runs as WebAssembly inside the process (wazero), so the app needs no
// system library and a crash in it cannot take the process down. Compiling
// its 5 MB module takes seconds, so it is done once per process, on first use,
// and the compiled code is cached on disk for the next process.

// Workers bounds how many PDFium instances run at once; each holds its own
// WebAssembly memory. The default is the number of cores, at most 2.
var Workers = min(2, runtime.GOMAXPROCS(0))

// killGrace is how long work past its deadline may take to notice it.
const killGrace = 2 * time.Second

// pdfiumMemoryPages bounds one instance's memory (64 KiB pages): 256 MiB,
// room for a 64 MB file and a page scanned at 600 dpi. A file that needs
// more stops the instance (a WebAssembly trap) and is refused as too large.
const pdfiumMemoryPages = 4096

// pdfiumMemory is pdfiumMemoryPages in bytes.
const pdfiumMemory = pdfiumMemoryPages << 16

// keepMemory is the most an instance may hold to be kept for the next
// document: a WebAssembly memory never shrinks, so an instance that grew
// past it is closed and its memory given back.
const keepMemory = 64 << 20

var engine struct {
	once sync.Once
	pool pdfium.Pool
	err  error
	// inits counts engine starts, for tests that check it happens once.
	inits atomic.Int32
}

// cacheDir is where compiled WebAssembly is kept between runs:
// $FAPIAO_CACHE_DIR, else the user's cache folder; "" for none.
func cacheDir() string {
	if d := os.Getenv("FAPIAO_CACHE_DIR"); d != "" {
		return filepath.Join(d, "wazero")
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "fapiao", "wazero")
}

func startEngine() {
	engine.inits.Add(1)
	rc := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true). // a runaway page can be stopped
		WithMemoryLimitPages(pdfiumMemoryPages)
	if dir := cacheDir(); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err == nil {
			if cache, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
				rc = rc.WithCompilationCache(cache)
			}
		}
	}
	n := max(1, Workers)
	engine.pool, engine.err = webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       n,
		MaxTotal:      n,
		ReuseWorkers:  true,
		RuntimeConfig: rc,
		// Documents are handed over as bytes; the file system holds only
		// the fallback font.
		FSConfig: engineFS(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
	})
	if engine.err != nil {
		engine.err = fmt.Errorf("start PDF engine: %w", engine.err)
	}
}

// withPDFium runs fn on a PDFium instance, waiting for a free one. An
// instance whose work panics or outlives ctx is killed and replaced, so that
// a broken instance never serves the next document.
func withPDFium(ctx context.Context, fn func(p pdfium.Pdfium) error) error {
	engine.once.Do(startEngine)
	if engine.err != nil {
		return engine.err
	}
	inst, err := engine.pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: waiting for the PDF engine: %v", ErrTimeout, err)
		}
		return fmt.Errorf("PDF engine: %w", err)
	}
	done := make(chan error, 1)
	var panicked atomic.Bool
	go func() {
		defer func() {
			if r := recover(); r != nil {
				panicked.Store(true)
				done <- fmt.Errorf("%w: PDF engine failed: %v", ErrCorrupt, r)
			}
		}()
		done <- fn(inst)
	}()
	select {
	case err = <-done:
		mem := instanceMemory(inst)
		trapped := isTrap(err)
		if panicked.Load() || trapped || mem < 0 || mem > keepMemory {
			_ = inst.Kill()
		} else {
			_ = inst.Close()
		}
		if trapped {
			return engineFailure(err, mem)
		}
		return err
	case <-ctx.Done():
		// The work checks ctx between pages and images, so it usually ends
		// by itself within the grace period. Only a runaway call inside
		// PDFium is stopped by killing the instance: Kill cancels the
		// instance's context, which aborts the WebAssembly code.
		select {
		case <-done:
			if panicked.Load() {
				_ = inst.Kill()
			} else {
				_ = inst.Close()
			}
		case <-time.After(killGrace):
			_ = inst.Kill()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
			}
		}
		return fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
	}
}

// engineCodes are PDFium's error codes, in words: go-pdfium gives them as
// "3: incorrect format".
var engineCodes = []struct {
	err   error
	words string
}{
	{pdfiumerrors.ErrFormat, "not in PDF format, or damaged beyond reading"},
	{pdfiumerrors.ErrFile, "the PDF engine could not read the file"},
	{pdfiumerrors.ErrPassword, "password protected"},
	{pdfiumerrors.ErrSecurity, "encrypted in a way that is not supported"},
	{pdfiumerrors.ErrPage, "a page is missing or its content is damaged"},
	{pdfiumerrors.ErrUnknown, "the PDF engine failed without saying why"},
}

// engineWords is err in words when it is one of PDFium's codes, and err's
// own message otherwise.
func engineWords(err error) string {
	for _, c := range engineCodes {
		if errors.Is(err, c.err) || err.Error() == c.err.Error() {
			return c.words
		}
	}
	return err.Error()
}

// instanceMemory is the size of an instance's WebAssembly memory, or -1
// when it cannot be told. go-pdfium does not export its instance type; its
// module is reached through the exported field that holds it.
func instanceMemory(p pdfium.Pdfium) (size int64) {
	defer func() {
		if recover() != nil {
			size = -1
		}
	}()
	v := reflect.ValueOf(p.GetImplementation())
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return -1
	}
	f := v.FieldByName("Module")
	if !f.IsValid() || !f.CanInterface() {
		return -1
	}
	m, ok := f.Interface().(api.Module)
	if !ok || m == nil || m.Memory() == nil {
		return -1
	}
	return int64(m.Memory().Size())
}

// isTrap reports whether err is a WebAssembly trap: PDFium aborted (out of
// memory, or a fault in it), and its instance cannot be used again.
func isTrap(err error) bool {
	return err != nil && strings.Contains(err.Error(), "wasm error:")
}

// engineFailure words a trap for people: out of memory when the instance
// had used all it may, a failure of the engine on this file otherwise. The
// engine's stack trace is left out.
func engineFailure(err error, mem int64) error {
	if mem >= pdfiumMemory-keepMemory {
		return fmt.Errorf("%w: the PDF engine ran out of memory (it may use %s)", ErrTooLarge, infile.Size(pdfiumMemory))
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	msg = strings.TrimPrefix(msg, ErrCorrupt.Error()+": ")
	return fmt.Errorf("%w: the PDF engine failed on this file (%s)", ErrCorrupt, msg)
}
