package document

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/klippa-app/go-pdfium"
)

// Files that cost a few kilobytes on disk and gigabytes once decoded are
// refused before either PDF reader decodes them, at a bounded cost in
// memory: a Flate content stream of 64 MB in a 64 KB file (Flate within
// Flate, run length too: the 1 GB of the same kind that exhausted both
// readers goes the same way), and a 60000 × 60000 JBIG2 image in an 8 KB
// one.
func TestHostilePDFs(t *testing.T) {
	bomb := deflated(t, 64<<20)
	double := deflatedBytes(t, bomb)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"content-bomb.pdf", pdfWithContent(bomb, "/Filter /FlateDecode")},
		{"double-bomb.pdf", pdfWithContent(double, "/Filter [/FlateDecode /FlateDecode]")},
		{"run-length-bomb.pdf", pdfWithContent(bytes.Repeat([]byte{0x81, ' '}, 1<<20), "/Filter /RunLengthDecode")},
		{"jbig2-bomb.pdf", onePage(200, 200, "q 200 0 0 200 0 0 cm /Im0 Do Q",
			"<< /Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode >>",
			jbig2White(60000, 60000))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			readGen(t, "warm.pdf", onePage(100, 100, "", "", nil)) // the engine's start is not this file's cost
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := readGen(t, tc.name, tc.data)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("err = %v, want ErrTooLarge", err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 128<<20 {
				t.Errorf("%d MB allocated to refuse it", n>>20)
			}
		})
	}
}

// A stream of ordinary size passes the check, as does one in a filter
// that decodes pixels; the compressing filters are decoded in the order
// named, ASCII encodings included.
func TestCheckStreams(t *testing.T) {
	small := deflated(t, 1<<20)
	if err := checkStreams(pdfWithContent(small, "/Filter /FlateDecode")); err != nil {
		t.Error(err)
	}
	if err := checkStreams(onePage(100, 100, "BT ET", "", nil)); err != nil {
		t.Error(err)
	}
	for _, tc := range []struct {
		name    string
		body    []byte
		filters string
		want    int64
	}{
		{"flate", small, "/Filter /FlateDecode", 1 << 20},
		{"hex then flate", []byte(hex.EncodeToString(small) + ">"), "/Filter [/AHx /Fl]", 1 << 20},
		{"ascii85 then flate", ascii85Of(small), "/Filter [/ASCII85Decode /FlateDecode]", 1 << 20},
		{"run length", bytes.Repeat([]byte{0x81, ' '}, 1024), "/Filter /RunLengthDecode", 128 * 1024},
		{"flate then DCT", deflatedBytes(t, make([]byte, 5000)), "/Filter [/FlateDecode /DCTDecode]", 5000},
		{"DCT", []byte{0xff, 0xd8, 0xff}, "/Filter /DCTDecode", 0},
		{"none", []byte("BT ET"), "", 0},
		{"garbage", []byte("x\x9c garbage"), "/Filter /FlateDecode", 0},
	} {
		if n := decodedSize(tc.body, filters("<< "+tc.filters+" /Length 9 >>"), 64<<20); n != tc.want {
			t.Errorf("%s: %d bytes, want %d", tc.name, n, tc.want)
		}
	}
}

func ascii85Of(b []byte) []byte {
	out := make([]byte, ascii85.MaxEncodedLen(len(b)))
	return append(out[:ascii85.Encode(out, b)], "~>"...)
}

// An instance's memory can be told, so that one that grew is not kept.
func TestInstanceMemory(t *testing.T) {
	err := withPDFium(context.Background(), func(p pdfium.Pdfium) error {
		if m := instanceMemory(p); m <= 0 || m > pdfiumMemory {
			t.Errorf("instance memory %d", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A trap is worded without the engine's stack trace.
	trap := fmt.Errorf("%w: page 1: wasm error: unreachable\nwasm stack trace:\n\t.$87()", ErrCorrupt)
	if e := engineFailure(trap, 20<<20); !errors.Is(e, ErrCorrupt) || e.Error() != "document is corrupt or truncated: the PDF engine failed on this file (page 1: wasm error: unreachable)" {
		t.Errorf("trap: %v", e)
	}
	if e := engineFailure(trap, pdfiumMemory); !errors.Is(e, ErrTooLarge) {
		t.Errorf("trap at the memory limit: %v", e)
	}
}

// deflated is n spaces, zlib-compressed.
func deflated(t *testing.T, n int) []byte {
	t.Helper()
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range n >> 20 {
		w.Write(chunk)
	}
	w.Close()
	return z.Bytes()
}

func deflatedBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// pdfWithContent is a one-page PDF whose content stream is stream.
func pdfWithContent(stream []byte, filter string) []byte {
	b := newPDF()
	b.obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	b.obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	b.obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>", nil)
	b.obj(fmt.Sprintf("<< /Length %d %s >>", len(stream), filter), stream)
	return b.finish()
}

// jbig2White is an embedded JBIG2 stream of a white w × h page: a page
// information segment and a generic region coded in MMR, where each
// all-white row takes one bit.
func jbig2White(w, h uint32) []byte {
	seg := func(num uint32, typ byte, data []byte) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, num)
		b.Write([]byte{typ, 0, 1})
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.Write(data)
		return b.Bytes()
	}
	var page, region bytes.Buffer
	binary.Write(&page, binary.BigEndian, []uint32{w, h, 0, 0})
	page.Write([]byte{0, 0, 0})
	binary.Write(&region, binary.BigEndian, []uint32{w, h, 0, 0})
	region.Write([]byte{0, 1}) // region flags; generic region flags: MMR
	region.Write(bytes.Repeat([]byte{0xff}, int(h+7)/8))
	return append(seg(0, 48, page.Bytes()), seg(1, 38, region.Bytes())...)
}
