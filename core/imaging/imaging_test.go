package imaging

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

const invoiceText = "01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"

// looksLikeInvoice stands in for the payload model, which callers pass.
func looksLikeInvoice(t string) bool { return strings.HasPrefix(t, "01,") }

// qrImage renders text as a QR code with module px pixels and a quiet zone.
func qrImage(t testing.TB, text string, px int) *image.Gray {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		t.Fatal(err)
	}
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w*px, h*px))
	for y := 0; y < h*px; y++ {
		for x := 0; x < w*px; x++ {
			if m.Get(x/px, y/px) {
				img.SetGray(x, y, color.Gray{0})
			} else {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	return img
}

func texts(cs []Code) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Text)
	}
	slices.Sort(out)
	return out
}

func TestDecodeOneAndPoints(t *testing.T) {
	img := qrImage(t, invoiceText, 4)
	cs, err := DecodeImage(context.Background(), img, Options{})
	if err != nil || len(cs) != 1 || cs[0].Text != invoiceText {
		t.Fatalf("DecodeImage = %v, %v", texts(cs), err)
	}
	// The corners lie on the symbol's edges: 4 modules of quiet zone in.
	side := float64(img.Bounds().Dx())
	want := []Point{{16, 16}, {side - 16, 16}, {side - 16, side - 16}, {16, side - 16}}
	for i, p := range cs[0].Points {
		if abs(p.X-want[i].X) > 4 || abs(p.Y-want[i].Y) > 4 {
			t.Errorf("corner %d = %v, want about %v", i, p, want[i])
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Two invoices on one page give two results, each once.
func TestDecodeTwoOnAPage(t *testing.T) {
	other := "01,32,,24312000000136634917,0.01,20240514,,1DD6"
	a, b := qrImage(t, invoiceText, 3), qrImage(t, other, 3)
	page := image.NewGray(image.Rect(0, 0, 900, 1200))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(page, a.Bounds().Add(image.Pt(60, 80)), a, image.Point{}, draw.Src)
	draw.Draw(page, b.Bounds().Add(image.Pt(500, 700)), b, image.Point{}, draw.Src)
	cs, err := DecodeImage(context.Background(), page, Options{IsInvoice: looksLikeInvoice})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(cs); !slices.Equal(got, []string{invoiceText, other}) {
		t.Fatalf("got %q", got)
	}
}

// Noise and a blank page must give nothing, never an invented text.
func TestNoFalseResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	blocks := image.NewGray(image.Rect(0, 0, 400, 400))
	for y := 0; y < 400; y++ {
		for x := 0; x < 400; x++ {
			if (x/8*7+y/8*13)%5 < 2 {
				blocks.Pix[y*400+x] = 0
			} else {
				blocks.Pix[y*400+x] = 255
			}
		}
	}
	for name, img := range map[string]image.Image{"noise": noise, "blank": image.NewGray(image.Rect(0, 0, 100, 100)), "blocks": blocks} {
		if cs, err := DecodeImage(context.Background(), img, Options{}); !errors.Is(err, ErrNoCode) {
			t.Errorf("%s: %q, %v; want ErrNoCode", name, texts(cs), err)
		}
	}
}

func TestDecodeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DecodeImage(ctx, image.NewGray(image.Rect(0, 0, 50, 50)), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// A red seal over the code vanishes in the red channel.
func TestRedSeal(t *testing.T) {
	q := qrImage(t, invoiceText, 3)
	img := image.NewRGBA(q.Bounds())
	draw.Draw(img, img.Bounds(), q, image.Point{}, draw.Src)
	c := q.Bounds().Dx() / 2
	for y := 0; y < q.Bounds().Dy(); y++ {
		for x := 0; x < q.Bounds().Dx(); x++ {
			d := (x-c)*(x-c) + (y-c)*(y-c)
			if d < (c*3/4)*(c*3/4) && d > (c/3)*(c/3) {
				// Ink multiplies: black print stays black, paper turns red.
				o := img.PixOffset(x, y)
				for k, ink := range []int{235, 25, 35} {
					img.Pix[o+k] = byte(int(img.Pix[o+k]) * ink / 255)
				}
			}
		}
	}
	cs, err := DecodeImage(context.Background(), img, Options{IsInvoice: looksLikeInvoice})
	if err != nil || len(cs) != 1 || cs[0].Text != invoiceText {
		t.Fatalf("got %q, %v", texts(cs), err)
	}
	if !strings.HasPrefix(cs[0].Strategy, "red") {
		t.Errorf("read by %s; the seal should defeat luma and vanish in red", cs[0].Strategy)
	}
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeBadFiles(t *testing.T) {
	good := encodePNG(t, qrImage(t, invoiceText, 2))
	tests := map[string]struct {
		data []byte
		want error
	}{
		"text":      {[]byte("this is not an image"), ErrUnsupported},
		"empty":     {nil, ErrUnsupported},
		"truncated": {good[:len(good)/2], ErrCorrupt},
		"header":    {good[:40], ErrCorrupt},
		"bomb":      {pngHeader(100000, 100000), ErrTooLarge},
		"wide bomb": {pngHeader(1, 30000), ErrTooLarge},
		"zero":      {pngHeader(0, 10), ErrCorrupt},
	}
	for name, tt := range tests {
		if _, err := Decode(tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tt.want)
		}
	}
	if _, err := Decode(good); err != nil {
		t.Errorf("good PNG: %v", err)
	}
}

// pngHeader is a PNG signature and an IHDR chunk claiming w × h pixels.
func pngHeader(w, h uint32) []byte { return pngHeaderOf(w, h, 8, 0) }

// pngHeaderOf is pngHeader with a bit depth and a colour type (0 gray, 2
// RGB, 6 RGBA).
func pngHeaderOf(w, h uint32, depth, colour byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = depth, colour
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

// An image is budgeted by the bytes it decodes to, not its pixels: the
// 10000 × 19000 16-bit RGBA PNG (a 1.4 MB file that decoded to 1.5 GB) is
// refused from its header, while the same pixels in 8-bit gray, or a JPEG
// photo of more, are read.
func TestCostByDepth(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		cost int64
		ok   bool
	}{
		{"16-bit RGBA", pngHeaderOf(10000, 19000, 16, 6), 12 * 190_000_000, false},
		{"8-bit RGBA", pngHeaderOf(10000, 19000, 8, 6), 8 * 190_000_000, false},
		{"8-bit gray", pngHeaderOf(10000, 15000, 8, 0), 5 * 150_000_000, true},
		{"16-bit gray", pngHeaderOf(8000, 8000, 16, 0), 6 * 64_000_000, true},
	} {
		cost, err := Cost(tt.data)
		if err != nil || cost != tt.cost {
			t.Errorf("%s: cost %d, %v; want %d", tt.name, cost, err, tt.cost)
		}
		_, err = Decode(tt.data)
		if refused := errors.Is(err, ErrTooLarge); refused == tt.ok {
			t.Errorf("%s: err = %v, want refused %v", tt.name, err, !tt.ok)
		}
	}
	// A JPEG photo is 4:2:0: 1.5 bytes a pixel; progressive, five times that.
	var j bytes.Buffer
	jpeg.Encode(&j, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil)
	if cost, err := Cost(j.Bytes()); err != nil || cost != 64*48*3/2+workPerPixel*64*48 {
		t.Errorf("JPEG: cost %d, %v", cost, err)
	}
	if comps, prog, ok := jpegFrame(j.Bytes()); !ok || prog || len(comps) != 3 || comps[0] != [2]int{2, 2} {
		t.Errorf("JPEG frame: %v %v %v", comps, prog, ok)
	}
	if got := jpegBytes([]byte{0xFF, 0xD8, 0xFF, 0xC2, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0}, 64); got != 64*5 {
		t.Errorf("progressive gray: %d bytes, want %d", got, 64*5)
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.png")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

// A JPEG whose EXIF says "rotate 90° clockwise" comes out upright.
func TestEXIFOrientation(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 40, 20)) // landscape, dark left half
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			if x >= 20 {
				src.Pix[y*40+x] = 255
			}
		}
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	data := withOrientation(j.Bytes(), 6)
	if o := exifOrientation(data); o != 6 {
		t.Fatalf("orientation = %d", o)
	}
	img, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("size %v, want 20 × 40", b)
	}
	// The dark left half is now the top.
	if y, _, _, _ := img.At(10, 5).RGBA(); y > 0x4000 {
		t.Errorf("top is not dark")
	}
	if y, _, _, _ := img.At(10, 35).RGBA(); y < 0xC000 {
		t.Errorf("bottom is not light")
	}
}

// withOrientation inserts an APP1 EXIF segment with the Orientation tag.
func withOrientation(jpg []byte, o uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

func FuzzDecode(f *testing.F) {
	f.Add(encodePNG(f, qrImage(f, invoiceText, 1)))
	f.Add(pngHeader(10, 10))
	var j bytes.Buffer
	jpeg.Encode(&j, qrImage(f, "x", 1), nil)
	f.Add(withOrientation(j.Bytes(), 6))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data)
		if err != nil {
			return
		}
		if b := img.Bounds(); int64(b.Dx())*int64(b.Dy())*workPerPixel > MaxCost {
			t.Fatalf("decoded %v", b)
		}
		DecodeImage(context.Background(), img, Options{Budget: 50e6})
	})
}

func FuzzEXIF(f *testing.F) {
	var j bytes.Buffer
	jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 4, 4)), nil)
	f.Add(withOrientation(j.Bytes(), 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// The real QR photos of a peer decoder's test suite: more read fully right
// than zxing-cpp 2.x (61 of 69; Debian's zxing-cpp 1.4 reads 54).
func TestZXingCorpus(t *testing.T) {
	dir := shared.Path(t, "corpus", "zxing-qr")
	f, err := os.Open(filepath.Join(dir, "truth.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, text, _ := strings.Cut(sc.Text(), "\t")
		r := strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t", `\r`, "\r")
		truth[name] = r.Replace(text)
	}
	right := 0
	for name, want := range truth {
		img, err := Load(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		cs, _ := DecodeImage(context.Background(), img, Options{})
		if len(cs) == 1 && cs[0].Text == want {
			right++
		}
	}
	t.Logf("%d of %d fully right", right, len(truth))
	if right < 65 {
		t.Errorf("%d of %d fully right, want at least 65", right, len(truth))
	}
}

// The photos among the real invoices give their expected QR texts.
func TestRealInvoiceImages(t *testing.T) {
	b, err := os.ReadFile(shared.Path(t, "corpus", "real", "EXPECTED.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []struct {
		File    string   `json:"file"`
		QRTexts []string `json:"qr_texts"`
	}
	if err := json.Unmarshal(b, &files); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if !strings.HasPrefix(f.File, "image/") {
			continue
		}
		n++
		img, err := Load(shared.Path(t, "corpus", "real", f.File))
		if err != nil {
			t.Errorf("%s: %v", f.File, err)
			continue
		}
		cs, _ := DecodeImage(context.Background(), img, Options{IsInvoice: looksLikeInvoice})
		got := texts(cs)
		want := slices.Clone(f.QRTexts)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", f.File, got, want)
		}
	}
	if n == 0 {
		t.Fatal("no images in the real corpus")
	}
}

// A phone photo of a whole page holds the QR small: at the working size its
// modules are under two pixels, and a seal across its data defeats luma at
// full size. The red channel at full size, where the seal vanishes, reads
// it.
func TestRedSealOnPagePhoto(t *testing.T) {
	q := qrImage(t, invoiceText, 3)
	// A form: the paper, a red-brown title and frame, the QR at its top
	// left with a seal across its data (clear of the finder patterns).
	const fw, fh = 2400, 1600
	scene := image.NewRGBA(image.Rect(0, 0, fw, fh))
	draw.Draw(scene, scene.Bounds(), image.NewUniform(color.RGBA{232, 228, 218, 255}), image.Point{}, draw.Src)
	brown := image.NewUniform(color.RGBA{176, 82, 60, 255})
	for _, r := range []image.Rectangle{
		image.Rect(900, 110, 1500, 170),
		image.Rect(100, 300, 2300, 306), image.Rect(100, 1500, 2300, 1506),
		image.Rect(100, 300, 106, 1506), image.Rect(2294, 300, 2300, 1506),
	} {
		draw.Draw(scene, r, brown, image.Point{}, draw.Src)
	}
	at := image.Pt(120, 100)
	draw.Draw(scene, q.Bounds().Add(at), q, image.Point{}, draw.Src)
	c := at.Add(image.Pt(q.Bounds().Dx()/2, q.Bounds().Dy()/2))
	r := q.Bounds().Dx() / 3
	for y := c.Y - r; y < c.Y+r; y++ {
		for x := c.X - r; x < c.X+r; x++ {
			d := (x-c.X)*(x-c.X) + (y-c.Y)*(y-c.Y)
			if d < r*r && d > (r*2/3)*(r*2/3) {
				// Ink multiplies: black print stays black, paper turns red.
				o := scene.PixOffset(x, y)
				for k, ink := range []int{235, 25, 35} {
					scene.Pix[o+k] = byte(int(scene.Pix[o+k]) * ink / 255)
				}
			}
		}
	}
	// Photographed from above, a little in front: 3000 × 2250 pixels,
	// slightly blurred, saved as a JPEG.
	h, ok := SolveHomography([4]Point{{400, 350}, {2600, 350}, {2700, 1900}, {300, 1900}}, [4]Point{{0, 0}, {fw, 0}, {fw, fh}, {0, fh}})
	if !ok {
		t.Fatal("no perspective")
	}
	img := photograph(t, scene, h, 3000, 2250)
	cs, err := DecodeImage(context.Background(), img, Options{IsInvoice: looksLikeInvoice})
	if err != nil || len(cs) != 1 || cs[0].Text != invoiceText {
		t.Fatalf("got %q, %v", texts(cs), err)
	}
	if cs[0].Strategy != "red/hybrid" {
		t.Errorf("read by %s, want the red channel at full size", cs[0].Strategy)
	}
}

// photograph takes a flat RGB scene through the perspective h (from the
// photo's pixels to the scene's) into a w × ht frame, blurred by a pixel
// and saved as a JPEG of quality 70.
func photograph(t *testing.T, scene *image.RGBA, h Homography, w, ht int) image.Image {
	var planes [3]*Plane
	for k := range planes {
		p := &Plane{W: scene.Rect.Dx(), H: scene.Rect.Dy(), Pix: make([]byte, scene.Rect.Dx()*scene.Rect.Dy())}
		for i := range p.Pix {
			p.Pix[i] = scene.Pix[i*4+k]
		}
		planes[k] = p.WarpHomography(h, w, ht).BoxBlur(1)
	}
	out := image.NewRGBA(image.Rect(0, 0, w, ht))
	for i := range w * ht {
		out.Pix[i*4], out.Pix[i*4+1], out.Pix[i*4+2], out.Pix[i*4+3] = planes[0].Pix[i], planes[1].Pix[i], planes[2].Pix[i], 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, out, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// The rescue searches the red channel only where red ink lies: a photo
// with a warm cast has colour, but its red channel shows what luma shows.
func TestRedInk(t *testing.T) {
	q := qrImage(t, invoiceText, 3)
	img := image.NewRGBA(q.Bounds())
	for i, v := range q.Pix {
		img.Pix[i*4], img.Pix[i*4+1], img.Pix[i*4+2], img.Pix[i*4+3] = v, byte(int(v)*92/100), byte(int(v)*80/100), 255
	}
	l := &ladder{img: img, planes: map[Channel]*Plane{}}
	if !l.colour() {
		t.Fatal("a warm cast should count as colour")
	}
	if l.redInk(img.Bounds()) {
		t.Error("red ink found in a photo with a warm cast")
	}
	c := q.Bounds().Dx() / 2
	for y := c - c/2; y < c+c/2; y++ {
		for x := c - c/2; x < c+c/2; x++ {
			if d := (x-c)*(x-c) + (y-c)*(y-c); d < (c/2)*(c/2) && d > (c/3)*(c/3) {
				o := img.PixOffset(x, y)
				for k, ink := range []int{235, 25, 35} {
					img.Pix[o+k] = byte(int(img.Pix[o+k]) * ink / 255)
				}
			}
		}
	}
	l = &ladder{img: img, planes: map[Channel]*Plane{}}
	if !l.redInk(img.Bounds()) {
		t.Error("no red ink found under a seal")
	}
}
