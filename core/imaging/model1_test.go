package imaging

import (
	"context"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrencoder "github.com/makiuchi-d/gozxing/qrcode/encoder"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// model1Function marks the modules of an n×n Model 1 symbol that are not
// data: the finder patterns with their separators, both copies of the
// format information with the dark module, and the timing patterns.
func model1Function(n int) []bool {
	f := make([]bool, n*n)
	box := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				f[y*n+x] = true
			}
		}
	}
	box(0, 0, 9, 9)   // top-left finder, separator, format
	box(n-8, 0, 8, 9) // top-right
	box(0, n-8, 9, 8) // bottom-left
	box(6, 0, 1, n)   // timing column
	box(0, 6, n, 1)   // timing row
	return f
}

// model1Symbol encodes text in byte mode as a Model 1 symbol of version v
// at level (0–3: L, M, Q, H) with data mask mask, as the 1994 standard lays
// it out; the extension patterns are left dark.
func model1Symbol(t testing.TB, text string, v, level, mask int) *gozxing.BitMatrix {
	t.Helper()
	n := 17 + 4*v
	b := model1Blocks[v-1][level]
	// The bit stream: four zero bits, byte mode, the count, the bytes, a
	// terminator, then padding.
	var bs []bool
	put := func(val, width int) {
		for i := width - 1; i >= 0; i-- {
			bs = append(bs, val>>i&1 == 1)
		}
	}
	put(0, 4)
	put(4, 4)
	if v <= 9 {
		put(len(text), 8)
	} else {
		put(len(text), 16)
	}
	for i := 0; i < len(text); i++ {
		put(int(text[i]), 8)
	}
	capacity := b.count * b.data * 8
	if len(bs) > capacity {
		t.Fatalf("%q does not fit version %d level %d", text, v, level)
	}
	put(0, min(4, capacity-len(bs)))
	for len(bs)%8 != 0 {
		bs = append(bs, false)
	}
	data := make([]int, 0, b.count*b.data)
	for i := 0; i < len(bs); i += 8 {
		c := 0
		for _, bit := range bs[i : i+8] {
			c <<= 1
			if bit {
				c |= 1
			}
		}
		data = append(data, c)
	}
	for pad := 0; len(data) < cap(data); pad++ {
		data = append(data, []int{0xec, 0x11}[pad%2])
	}
	// Blocks, each with its error correction; all data, then all error
	// correction, block after block.
	enc := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)
	blocks := make([][]int, b.count)
	for j := range blocks {
		blk := make([]int, b.data+b.ec)
		copy(blk, data[j*b.data:(j+1)*b.data])
		if err := enc.Encode(blk, b.ec); err != nil {
			t.Fatal(err)
		}
		blocks[j] = blk
	}
	var cws []int
	for _, blk := range blocks {
		cws = append(cws, blk[:b.data]...)
	}
	for _, blk := range blocks {
		cws = append(cws, blk[b.data:]...)
	}
	m, err := gozxing.NewSquareBitMatrix(n)
	if err != nil {
		t.Fatal(err)
	}
	// Finder patterns and timing patterns.
	for _, o := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		for dy := 0; dy < 7; dy++ {
			for dx := 0; dx < 7; dx++ {
				if max(abs(float64(dx-3)), abs(float64(dy-3))) != 2 {
					m.Set(o[0]+dx, o[1]+dy)
				}
			}
		}
	}
	for i := 8; i < n-8; i += 2 {
		m.Set(i, 6)
		m.Set(6, i)
	}
	m.Set(8, n-8) // the dark module
	// Format information, Model 1's mask, most significant bit first.
	code := formatCode(int(model1LevelBits(level))<<3|mask) ^ model1FormatMask
	var copy1, copy2 [][2]int
	for x := 0; x < 6; x++ {
		copy1 = append(copy1, [2]int{x, 8})
	}
	copy1 = append(copy1, [2]int{7, 8}, [2]int{8, 8}, [2]int{8, 7})
	for y := 5; y >= 0; y-- {
		copy1 = append(copy1, [2]int{8, y})
	}
	for y := n - 1; y >= n-7; y-- {
		copy2 = append(copy2, [2]int{8, y})
	}
	for x := n - 8; x < n; x++ {
		copy2 = append(copy2, [2]int{x, 8})
	}
	for i := 0; i < 15; i++ {
		if code>>(14-i)&1 == 1 {
			m.Set(copy1[i][0], copy1[i][1])
			m.Set(copy2[i][0], copy2[i][1])
		}
	}
	// The codewords, masked; the remainder codewords are zero.
	fn := model1Function(n)
	used := make([]bool, n*n)
	for i, tile := range model1Layout(n) {
		c := 0
		if i < len(cws) {
			c = cws[i]
		}
		for k, at := range tile {
			used[at] = true
			x, y := at%n, at/n
			flip, err := qrencoder.MaskUtil_getDataMaskBit(mask, x, y)
			if err != nil {
				t.Fatal(err)
			}
			if (c>>(7-k)&1 == 1) != flip {
				m.Set(x, y)
			}
		}
	}
	for at := range used {
		if !used[at] && !fn[at] {
			m.Set(at%n, at/n) // extension pattern
		}
	}
	return m
}

// model1LevelBits are the two format bits of a level index (L, M, Q, H).
func model1LevelBits(level int) qrdecoder.ErrorCorrectionLevel {
	return []qrdecoder.ErrorCorrectionLevel{
		qrdecoder.ErrorCorrectionLevel_L, qrdecoder.ErrorCorrectionLevel_M,
		qrdecoder.ErrorCorrectionLevel_Q, qrdecoder.ErrorCorrectionLevel_H,
	}[level]
}

// model1Render draws m with px pixels a module and a four-module quiet zone.
func model1Render(m *gozxing.BitMatrix, px int) *image.Gray {
	n := m.GetWidth()
	side := (n + 8) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			mx, my := x/px-4, y/px-4
			dark := mx >= 0 && my >= 0 && mx < n && my < n && m.Get(mx, my)
			img.SetGray(x, y, color.Gray{Y: map[bool]uint8{true: 0, false: 255}[dark]})
		}
	}
	return img
}

// model1Mirrored is m with its rows and columns swapped.
func model1Mirrored(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	n := m.GetWidth()
	t, _ := gozxing.NewSquareBitMatrix(n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if m.Get(x, y) {
				t.Set(y, x)
			}
		}
	}
	return t
}

// The layout's tiles are disjoint, keep off the function patterns, leave
// out only modules of the right and bottom edges (the extension
// patterns), and hold every level's blocks with at most four remainder
// codewords.
func TestModel1Layout(t *testing.T) {
	for v := 1; v <= 14; v++ {
		n := 17 + 4*v
		fn := model1Function(n)
		used := make([]bool, n*n)
		layout := model1Layout(n)
		for _, tile := range layout {
			for _, at := range tile {
				if used[at] || fn[at] {
					t.Fatalf("version %d: module (%d,%d) used twice or a function module", v, at%n, at/n)
				}
				used[at] = true
			}
		}
		left := 0
		for at := range used {
			if !used[at] && !fn[at] {
				left++
				if x, y := at%n, at/n; x < n-2 && y < n-2 {
					t.Errorf("version %d: module (%d,%d) neither data nor an edge extension pattern", v, x, y)
				}
			}
		}
		// The extension patterns: every other tile of the outer right
		// column between its ends, every other tile of the bottom rows.
		if want := 8 * 2 * (v / 2); left != want {
			t.Errorf("version %d: %d modules left out, want %d", v, left, want)
		}
		for l, b := range model1Blocks[v-1] {
			if total := b.count * (b.data + b.ec); total > len(layout) || len(layout)-total > 4 {
				t.Errorf("version %d level %d: %d codewords in blocks, %d laid out", v, l, total, len(layout))
			}
		}
	}
}

// formatCode agrees with gozxing's Model 2 format table, and Model 1's
// codes, a few bits off, are told from Model 2's.
func TestModel1Format(t *testing.T) {
	for d := 0; d < 32; d++ {
		c := formatCode(d)
		f := qrdecoder.FormatInformation_DecodeFormatInformation(uint(c^model2FormatMask), uint(c^model2FormatMask))
		if f == nil || int(f.GetErrorCorrectionLevel()) != d>>3 || int(f.GetDataMask()) != d&7 {
			t.Fatalf("formatCode(%d) = %#x is not gozxing's", d, c)
		}
		if _, ok := model1Format(c^model2FormatMask, c^model2FormatMask); ok {
			t.Errorf("Model 2 format %d taken for Model 1", d)
		}
		for _, flips := range []int{0, 0b1, 0b100000001, 0b1000100000001} {
			got, ok := model1Format(c^model1FormatMask^flips, c^model1FormatMask)
			if !ok || got != d {
				t.Errorf("Model 1 format %d with bits %b flipped read as %d, %v", d, flips, got, ok)
			}
		}
	}
}

// Every version and level round-trips through the decoder, as printed
// and mirrored, with errors corrected.
func TestModel1RoundTrip(t *testing.T) {
	const text = "QR Code Model 1, 1994: the original symbol. "
	for v := 1; v <= 14; v++ {
		for level := 0; level < 4; level++ {
			b := model1Blocks[v-1][level]
			room := b.count*b.data - 3 // bytes after the header
			msg := strings.Repeat(text, room/len(text)+1)[:room-v%3]
			mask := (v + level) % 8
			// decodeBits unmasks and mirrors what it is given in place:
			// each reading gets a symbol of its own.
			m := model1Symbol(t, msg, v, level, mask)
			d, err := decodeBits(model1Symbol(t, msg, v, level, mask))
			if err != nil || d.result.GetText() != msg || d.mirrored {
				t.Fatalf("version %d level %d mask %d: %v, mirrored %v", v, level, mask, err, d.mirrored)
			}
			d, err = decodeBits(model1Mirrored(m))
			if err != nil || d.result.GetText() != msg || !d.mirrored {
				t.Fatalf("version %d level %d mirrored: %v", v, level, err)
			}
			// Damage a third of each block's capacity: a bit of some of
			// its data codewords.
			n := 17 + 4*v
			layout := model1Layout(n)
			damaged, _ := gozxing.NewSquareBitMatrix(n)
			if err := damaged.Xor(m); err != nil {
				t.Fatal(err)
			}
			for j := 0; j < b.count; j++ {
				for k := 1; k <= b.ec/2/3; k++ {
					at := layout[j*b.data+k][3]
					damaged.Flip(at%n, at/n)
				}
			}
			d, err = decodeBits(damaged)
			if err != nil || d.result.GetText() != msg {
				t.Fatalf("version %d level %d damaged: %v", v, level, err)
			}
			if d.load == 0 && b.ec >= 6 {
				t.Errorf("version %d level %d: corrections not counted", v, level)
			}
		}
	}
}

// Model 1 symbols of every size the standard has, at a slant: where a
// Model 2 symbol has alignment patterns a Model 1 symbol has data, which
// the detectors must not take for one.
func TestModel1Versions(t *testing.T) {
	for _, v := range []int{2, 7, 10, 14} {
		text := strings.Repeat("LABEL 1994 ", v)
		img := model1Render(model1Symbol(t, text, v, 1, v%8), 5)
		s := float64(img.Bounds().Dx())
		to := [4]Point{{30, 20}, {30 + s, 40}, {20 + s, 50 + s}, {10, 30 + s}}
		cs, err := DecodeImage(context.Background(), warped(img, to, int(s)+60, int(s)+90), Options{})
		if err != nil || len(cs) != 1 || cs[0].Text != text {
			t.Errorf("version %d: got %q, %v", v, texts(cs), err)
		}
	}
}

// Symbols with Model 1's format information but random data are not
// read, and Model 2 symbols are not taken for Model 1 ones.
func TestModel1NoFalseReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 14))
	for i := 0; i < 224; i++ {
		v := 1 + i%14
		n := 17 + 4*v
		m := model1Symbol(t, "X", v, i/14%4, i%8)
		for _, tile := range model1Layout(n) {
			for _, at := range tile {
				if rng.IntN(2) == 0 {
					m.Flip(at%n, at/n)
				}
			}
		}
		if d, err := decodeBits(m); err == nil {
			t.Fatalf("random version %d symbol read as %q", v, d.result.GetText())
		}
	}
	for _, text := range []string{"A", "MODEL 2", strings.Repeat("model 2 symbol ", 12)} {
		m, err := qrencoder.Encoder_encodeWithoutHint(text, qrdecoder.ErrorCorrectionLevel_M)
		if err != nil {
			t.Fatal(err)
		}
		bm := m.GetMatrix()
		n := bm.GetWidth()
		bits, _ := gozxing.NewSquareBitMatrix(n)
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if bm.Get(x, y) == 1 {
					bits.Set(x, y)
				}
			}
		}
		if d, err := decodeModel1(bits); err == nil {
			t.Errorf("Model 2 symbol %q read as Model 1 %q", text, d.result.GetText())
		}
	}
}

// A Model 1 symbol photographed at an angle is found and read, with its
// corners, by the whole engine.
func TestModel1Image(t *testing.T) {
	const text = "MODEL 1 LABEL 0042"
	img := model1Render(model1Symbol(t, text, 4, 1, 5), 6)
	s := float64(img.Bounds().Dx())
	to := [4]Point{{40, 30}, {40 + s*0.95, 55}, {30 + s*1.05, 30 + s}, {25, 20 + s*0.9}}
	cs, err := DecodeImage(context.Background(), warped(img, to, int(s)+80, int(s)+80), Options{})
	if err != nil || len(cs) != 1 || cs[0].Text != text {
		t.Fatalf("got %q, %v", texts(cs), err)
	}
	// The symbol's corners sit four modules in from the picture's.
	var ms []match
	for i, f := range [4]Point{{0, 0}, {s, 0}, {s, s}, {0, s}} {
		ms = append(ms, match{f.X, f.Y, to[i].X, to[i].Y})
	}
	h, ok := fitHomography(ms)
	if !ok {
		t.Fatal("degenerate warp")
	}
	q := 4 * 6.0
	for i, c := range [4]Point{{q, q}, {s - q, q}, {s - q, s - q}, {q, s - q}} {
		p := cs[0].Points[i]
		x, y := h.Apply(c.X, c.Y)
		if want := (Point{x, y}); math.Hypot(p.X-want.X, p.Y-want.Y) > 4 {
			t.Errorf("corner %d at %v, want near %v", i, p, want)
		}
	}
}

// A Model 1 symbol from a peer decoder's test images (version 5, level H:
// two blocks; alphanumeric) reads as its truth says, as printed and
// mirrored.
func TestModel1CorpusSymbol(t *testing.T) {
	path := shared.Path(t, "corpus", "zxing-qr", "qrcode-2_n940.png")
	img, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p := PlaneOf(img, Luma)
	mirrored := image.NewGray(image.Rect(0, 0, p.H, p.W))
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			mirrored.Pix[x*p.H+y] = p.Pix[y*p.W+x]
		}
	}
	const want = "N023X-3431800-V034PG03X-3436010-A1125032918310706"
	for name, img := range map[string]image.Image{"printed": img, "mirrored": mirrored} {
		cs, err := DecodeImage(context.Background(), img, Options{})
		if err != nil || len(cs) != 1 || cs[0].Text != want {
			t.Errorf("%s, %s: got %q, %v", filepath.Base(path), name, texts(cs), err)
		}
	}
}
