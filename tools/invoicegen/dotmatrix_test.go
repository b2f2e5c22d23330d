package main

import (
	"image/color"
	"math"
	"testing"
)

// inked is the box of the pixels of c darker than mid-grey, in millimetres.
func inked(c *canvas) (x0, y0, x1, y1 float64, n int) {
	b := c.img.Bounds()
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c.img.RGBAAt(x, y).R < 128 {
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
				n++
			}
		}
	}
	return float64(minX) / c.scale, float64(minY) / c.scale, float64(maxX+1) / c.scale, float64(maxY+1) / c.scale, n
}

// TestDotPrint prints a value as the form does and as a dot-matrix printer
// does: the printer's lands off its box by the offset drawn, as heavy as
// the plain print or heavier, with its dots' beading on the strokes.
func TestDotPrint(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	white := color.RGBA{255, 255, 255, 255}
	d := &dotPrint{dx: -3.2, dy: 2.1, ink: color.RGBA{50, 50, 60, 255}, pitch: 0.16}
	plain, dotted := newCanvas(80, 20, 300, white, fs), newCanvas(80, 20, 300, white, fs)
	printer{plain, nil, color.RGBA{0, 0, 0, 255}}.text(20, 10, "2018年03月20日", 9.5, left, true)
	printer{dotted, d, color.RGBA{0, 0, 0, 255}}.text(20, 10, "2018年03月20日", 9.5, left, true)
	px0, py0, px1, py1, pn := inked(plain)
	dx0, dy0, dx1, dy1, dn := inked(dotted)
	for _, e := range []float64{dx0 - px0 - d.dx, dy0 - py0 - d.dy, dx1 - px1 - d.dx, dy1 - py1 - d.dy} {
		if math.Abs(e) > 0.3 {
			t.Fatalf("plain at %.1f,%.1f–%.1f,%.1f; dotted at %.1f,%.1f–%.1f,%.1f: not off by %.1f,%.1f mm",
				px0, py0, px1, py1, dx0, dy0, dx1, dy1, d.dx, d.dy)
		}
	}
	if dn < pn {
		t.Errorf("dot print lighter than the plain print: %d inked pixels against %d", dn, pn)
	}
	// Beading: along the strokes' edges, lighter pixels between the dots.
	light := 0
	b := dotted.img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if v := dotted.img.RGBAAt(x, y).R; v > 60 && v < 200 {
				light++
			}
		}
	}
	// Plain print has about a third as many as inked (its edges' shading).
	if light*5 < dn*2 {
		t.Errorf("%d half-inked pixels for %d inked: no dots to see", light, dn)
	}
}
