package imaging

import (
	"errors"
	"math/bits"
	"sync"

	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// QR Code Model 1 is the original QR Code (1994), versions 1 to 14, still
// printed by old label software and some point-of-sale printers. Its
// finder patterns, timing patterns, sizes and format information sit where
// Model 2 has them, so a symbol is detected and sampled as any other; what
// differs is inside:
//   - the format information is masked with 0x2825 instead of 0x5412;
//   - there are no alignment patterns and no version information: small
//     "extension patterns" along the right and bottom edges instead;
//   - the codewords are not laid in Model 2's two-column zigzag but as
//     fixed tiles: 2×4 modules upright in the columns beside the right and
//     left edges, 4×2 lying in the wide middle, each read bottom-up;
//   - the error-correction blocks are its own, all blocks of a symbol the
//     same size, and not interleaved: the data codewords block after
//     block, then the error correction codewords block after block;
//   - the data bit stream starts with four zero bits (the corner modules),
//     then has Model 2's modes and character counts, without ECI.
//
// gozxing reads Model 2 only. decodeModel1 reads a sampled symbol's
// codewords with Model 1's layout and blocks and hands them to gozxing's
// Reed–Solomon decoder and bit stream parser (decodeBlocks).

// model1FormatMask is the XOR mask of Model 1's format information.
const model1FormatMask = 0x2825

// model2FormatMask is Model 2's.
const model2FormatMask = 0x5412

// model1Block is one error correction level of a Model 1 version: count
// blocks, each of data data codewords and ec error correction codewords.
type model1Block struct{ count, data, ec int }

// model1Blocks are the blocks of Model 1 versions 1–14 (ISO/IEC 18004:2000
// Annex M), for levels L, M, Q, H. A version's codewords beyond its blocks'
// (a few, for some levels) are remainder codewords and are not read.
var model1Blocks = [14][4]model1Block{
	{{1, 19, 7}, {1, 16, 10}, {1, 13, 13}, {1, 9, 17}},
	{{1, 36, 10}, {1, 30, 16}, {1, 24, 22}, {1, 16, 30}},
	{{1, 57, 15}, {1, 44, 28}, {1, 36, 36}, {1, 24, 48}},
	{{1, 80, 20}, {1, 60, 40}, {1, 50, 50}, {1, 34, 66}},
	{{1, 108, 26}, {1, 82, 52}, {1, 68, 66}, {2, 23, 44}},
	{{1, 136, 34}, {2, 53, 32}, {2, 43, 42}, {2, 29, 56}},
	{{1, 170, 42}, {2, 66, 40}, {2, 54, 52}, {3, 24, 46}},
	{{2, 104, 24}, {2, 80, 48}, {2, 64, 64}, {3, 29, 56}},
	{{2, 123, 30}, {2, 93, 60}, {3, 52, 50}, {3, 34, 68}},
	{{2, 145, 34}, {2, 111, 68}, {3, 61, 58}, {4, 31, 58}},
	{{2, 168, 40}, {4, 64, 40}, {4, 52, 52}, {5, 29, 54}},
	{{2, 192, 46}, {4, 73, 46}, {4, 61, 58}, {5, 33, 62}},
	{{3, 144, 36}, {4, 83, 52}, {4, 69, 66}, {6, 32, 58}},
	{{3, 163, 40}, {4, 92, 60}, {5, 62, 60}, {6, 35, 66}},
}

// model1Level is the index into model1Blocks of a format's level.
func model1Level(l qrdecoder.ErrorCorrectionLevel) int {
	switch l {
	case qrdecoder.ErrorCorrectionLevel_L:
		return 0
	case qrdecoder.ErrorCorrectionLevel_M:
		return 1
	case qrdecoder.ErrorCorrectionLevel_Q:
		return 2
	}
	return 3
}

// formatCode is the 15-bit BCH(15,5) code of five bits of format
// information (two of level, three of mask), before its XOR mask.
func formatCode(data int) int {
	v := data << 10
	for i := 14; i >= 10; i-- {
		if v&(1<<i) != 0 {
			v ^= 0x537 << (i - 10)
		}
	}
	return data<<10 | v
}

// model1Format decodes the two copies of a symbol's format information as
// Model 1's: the five data bits, and whether they are nearer (at most three
// bits off) to a Model 1 code than to any Model 2 code.
func model1Format(copy1, copy2 int) (int, bool) {
	best1, best2, data := 16, 16, 0
	for d := 0; d < 32; d++ {
		c := formatCode(d)
		for _, got := range [2]int{copy1, copy2} {
			if n := bits.OnesCount(uint(got ^ c ^ model1FormatMask)); n < best1 {
				best1, data = n, d
			}
			best2 = min(best2, bits.OnesCount(uint(got^c^model2FormatMask)))
		}
	}
	return data, best1 <= 3 && best1 < best2
}

// readFormatCopies reads the two copies of the format information of the
// n×n symbol whose modules get gives, in the order gozxing's
// BitMatrixParser reads them: around the top-left finder pattern, then up
// the bottom-left one and along the top-right one (the dark module beside
// the bottom-left one skipped).
func readFormatCopies(get func(x, y int) bool, n int) (int, int) {
	bit := func(v, x, y int) int {
		v <<= 1
		if get(x, y) {
			v |= 1
		}
		return v
	}
	a := 0
	for x := 0; x < 6; x++ {
		a = bit(a, x, 8)
	}
	a = bit(a, 7, 8)
	a = bit(a, 8, 8)
	a = bit(a, 8, 7)
	for y := 5; y >= 0; y-- {
		a = bit(a, 8, y)
	}
	b := 0
	for y := n - 1; y >= n-7; y-- {
		b = bit(b, 8, y)
	}
	for x := n - 8; x < n; x++ {
		b = bit(b, x, 8)
	}
	return a, b
}

// model1Layouts are the codeword layouts of versions 1–14, made once.
var model1Layouts = sync.OnceValue(func() [14][][8]int {
	var ls [14][][8]int
	for v := 1; v <= 14; v++ {
		ls[v-1] = model1Layout(17 + 4*v)
	}
	return ls
})

// model1Layout is where the codewords of an n×n Model 1 symbol lie, in the
// order they are read: for each codeword, its eight modules as y*n+x, most
// significant bit first.
//
// A tile is read from its bottom-right module, right to left along its
// rows, bottom row first. The tiles are read region by region, each
// bottom-up:
//  1. the upright (2×4) tiles of the two columns at the right edge, from
//     the bottom to row 9, below the top-right finder pattern and format
//     information; in the outer column every other tile between the ends
//     is an extension pattern;
//  2. the upright tiles of the two columns left of those;
//  3. the lying (4×2) tiles of each four columns from there leftwards to
//     column 9, each from the bottom to the top row, skipping the timing
//     row; the first stops below the top-right finder pattern, and every
//     other one but the last starts above the extension pattern at the
//     bottom edge;
//  4. the upright tiles of columns 7–8, 4–5, 2–3 and 0–1 (column 6 is the
//     timing pattern), between the top-left and bottom-left finder
//     patterns' format information rows.
func model1Layout(n int) [][8]int {
	var out [][8]int
	tile := func(x, y, w int) { // bottom-right module (x, y), w wide
		var t [8]int
		for b := range t {
			t[b] = (y-b/w)*n + x - b%w
		}
		out = append(out, t)
	}
	// 1 and 2: rows 9 to n-1 hold (n-9)/4 upright tiles.
	tall := (n - 9) / 4
	for col := 0; col < 2; col++ {
		for i := 0; i < tall; i++ {
			if col == 0 && i > 0 && i < tall-1 && i%2 == 0 {
				continue // extension pattern
			}
			tile(n-1-2*col, n-1-4*i, 2)
		}
	}
	// 3: the lying tiles; rows bottom-up in pairs, row 6 left out.
	var pairs []int // the lower row of each pair
	for y := n - 1; y > 0; y -= 2 {
		if y == 6 {
			y--
		}
		pairs = append(pairs, y)
	}
	groups := (n - 13) / 4 // columns 9 to n-5
	for g := 0; g < groups; g++ {
		x := n - 5 - 4*g
		for i, y := range pairs {
			if g == 0 && y < 9 {
				continue // the top-right finder pattern and format information
			}
			if i == 0 && g%2 == 1 && g != groups-1 {
				continue // extension pattern
			}
			tile(x, y, 4)
		}
	}
	// 4: rows 9 to n-9 hold (n-17)/4 upright tiles.
	short := (n - 17) / 4
	for _, x := range [4]int{8, 5, 3, 1} {
		for i := 0; i < short; i++ {
			tile(x, n-9-4*i, 2)
		}
	}
	return out
}

// errNotModel1 is returned for a symbol whose format information is not
// Model 1's.
var errNotModel1 = errors.New("not a QR Code Model 1 symbol")

// model1Candidate is a copy of bits when they have the size of a Model 1
// symbol (versions 1–14), else nil.
func model1Candidate(bits *gozxing.BitMatrix) *gozxing.BitMatrix {
	n := bits.GetHeight()
	if bits.GetWidth() != n || n < 21 || n > 73 || n%4 != 1 {
		return nil
	}
	c, err := gozxing.NewSquareBitMatrix(n)
	if err != nil || c.Xor(bits) != nil {
		return nil
	}
	return c
}

// decodeModel1 reads bits, of a Model 1 symbol's size, as a QR Code Model
// 1 symbol, as printed and, as gozxing does for Model 2, mirrored (its
// rows and columns swapped).
func decodeModel1(bits *gozxing.BitMatrix) (decoded, error) {
	n := bits.GetHeight()
	err := errNotModel1
	for i, get := range [2]func(x, y int) bool{
		bits.Get,
		func(x, y int) bool { return bits.Get(y, x) },
	} {
		format, ok := model1Format(readFormatCopies(get, n))
		if !ok {
			continue
		}
		var d decoded
		if d, err = readModel1(get, n, format); err == nil {
			d.mirrored = i == 1
			return d, nil
		}
	}
	return decoded{}, err
}

// readModel1 reads the n×n Model 1 symbol whose modules get gives, with
// the format information format.
func readModel1(get func(x, y int) bool, n, format int) (decoded, error) {
	version := (n - 17) / 4
	level, _ := qrdecoder.ErrorCorrectionLevel_ForBits(uint(format>>3) & 3)
	// The data mask is Model 2's: gozxing's, drawn on a blank matrix.
	mask, err := gozxing.NewSquareBitMatrix(n)
	if err != nil {
		return decoded{}, err
	}
	qrdecoder.DataMaskValues[format&7].UnmaskBitMatrix(mask, n)
	layout := model1Layouts()[version-1]
	raw := make([]byte, len(layout))
	for i, t := range layout {
		var c byte
		for _, at := range t {
			c <<= 1
			if x, y := at%n, at/n; get(x, y) != mask.Get(x, y) {
				c |= 1
			}
		}
		raw[i] = c
	}
	raw[0] &= 0x0f // the corner's four modules: the stream's leading zeros
	b := model1Blocks[version-1][model1Level(level)]
	if b.count*(b.data+b.ec) > len(raw) {
		return decoded{}, errNotModel1
	}
	// Not interleaved as Model 2's: the blocks' data codewords one block
	// after the other, then their error correction codewords likewise.
	blocks := make([]*qrdecoder.DataBlock, b.count)
	for j := range blocks {
		cw := make([]byte, 0, b.data+b.ec)
		cw = append(cw, raw[j*b.data:(j+1)*b.data]...)
		ec := b.count*b.data + j*b.ec
		cw = append(cw, raw[ec:ec+b.ec]...)
		blocks[j] = qrdecoder.NewDataBlock(b.data, cw)
	}
	// The rest of the stream is Model 2's, with its character counts for
	// the same version number.
	v2, err := qrdecoder.Version_GetVersionForNumber(version)
	if err != nil {
		return decoded{}, err
	}
	return decodeBlocks(blocks, v2, level, true)
}
