package imaging

import (
	"math"
	"testing"
)

func TestSolveHomography(t *testing.T) {
	from := [4]Point{{0, 0}, {100, 0}, {100, 50}, {0, 50}}
	to := [4]Point{{10, 20}, {300, 40}, {320, 220}, {-5, 190}}
	h, ok := SolveHomography(from, to)
	if !ok {
		t.Fatal("no homography for a quadrilateral")
	}
	for i := range from {
		x, y := h.Apply(from[i].X, from[i].Y)
		if math.Hypot(x-to[i].X, y-to[i].Y) > 1e-6 {
			t.Errorf("corner %d maps to (%v, %v), want %v", i, x, y, to[i])
		}
	}
	// Then and Scaled compose as they say.
	x, y := h.Then(7, 3).Apply(1, 2)
	wx, wy := h.Apply(8, 5)
	if math.Hypot(x-wx, y-wy) > 1e-9 {
		t.Errorf("Then: (%v, %v), want (%v, %v)", x, y, wx, wy)
	}
	x, y = h.Scaled(0.5).Apply(30, 40)
	wx, wy = h.Apply(30, 40)
	if math.Hypot(x-wx/2, y-wy/2) > 1e-9 {
		t.Errorf("Scaled: (%v, %v), want half of (%v, %v)", x, y, wx, wy)
	}
	// An affine mapping is a homography.
	a := Affine{2, 0.5, 3, -0.25, 1.5, 7}
	ax, ay := a.Apply(11, 13)
	hx, hy := HomographyOf(a).Apply(11, 13)
	if ax != hx || ay != hy {
		t.Errorf("HomographyOf: (%v, %v), want (%v, %v)", hx, hy, ax, ay)
	}
	if s := HomographyOf(a).Scale(0, 0); math.Abs(s-math.Sqrt(3+0.125)) > 1e-9 {
		t.Errorf("Scale = %v", s)
	}
	// Three corners on a line make no homography.
	if _, ok := SolveHomography(from, [4]Point{{0, 0}, {1, 1}, {2, 2}, {0, 5}}); ok {
		t.Error("a degenerate quadrilateral gave a homography")
	}
}
