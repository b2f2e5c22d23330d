package document

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
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

// pdfiumMemoryPages bounds one instance's memory (64 KiB pages): 512 MiB.
const pdfiumMemoryPages = 8192

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
		if panicked.Load() {
			_ = inst.Kill()
			return err
		}
		_ = inst.Close()
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
