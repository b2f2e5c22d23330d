package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fapiaoscanner/fapiao/core/ocr"
)

// dumping is an engine that writes every region it is given, named by the
// image it came from, the order it was read in, its character set and the
// text read, so that a value read wrong can be looked at as the engine saw
// it.
type dumping struct {
	ocr.Engine
	dir string

	mu   sync.Mutex
	file string
	n    int
}

// start names the regions that follow after the image file.
func (d *dumping) start(file string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.file, d.n = file, 0
}

func (d *dumping) Read(ctx context.Context, img *image.Gray, opt ocr.Options) ([]ocr.Glyph, error) {
	gs, err := d.Engine.Read(ctx, img, opt)
	var sb strings.Builder
	for _, g := range gs {
		sb.WriteString(g.Text)
	}
	txt := strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r < ' ' {
			return '_'
		}
		return r
	}, sb.String())
	if r := []rune(txt); len(r) > 40 {
		txt = string(r[:40])
	}
	d.mu.Lock()
	d.n++
	name := fmt.Sprintf("%s-%02d-%s-%s.png", d.file, d.n, opt.Charset, txt)
	d.mu.Unlock()
	if f, e := os.Create(filepath.Join(d.dir, name)); e == nil {
		png.Encode(f, img)
		f.Close()
	}
	// The whole reading, glyph by glyph with its line, box and confidence,
	// beside the picture: the name keeps only its start.
	var gl strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&gl, "%d %q %d,%d,%d,%d %.2f\n", g.Line, g.Text, g.Box.Min.X, g.Box.Min.Y, g.Box.Max.X, g.Box.Max.Y, g.Conf)
	}
	os.WriteFile(filepath.Join(d.dir, strings.TrimSuffix(name, ".png")+".txt"), []byte(gl.String()), 0o644)
	return gs, err
}

// ocrEngine is the engine under a dumping one: the full-page baseline is
// not dumped.
func ocrEngine(e ocr.Engine) ocr.Engine {
	if d, ok := e.(*dumping); ok {
		return d.Engine
	}
	return e
}
