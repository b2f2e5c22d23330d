package document

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/image/tiff/lzw"

	"github.com/fapiaoscanner/fapiao/core/infile"
)

// Bounds on what one stream of a PDF may decode to. A 1 MB file can hold a
// content stream of 1 GB, and both PDF readers decode a stream whole.
const (
	// maxImageStream is half the PDF engine's memory: room for a page
	// scanned at 600 dpi in colour.
	maxImageStream = pdfiumMemory / 2
	// maxOtherStream bounds the rest: page contents, forms, fonts (a whole
	// CJK font is about 20 MB), object streams.
	maxOtherStream = 48 << 20
)

var (
	streamFilter = regexp.MustCompile(`/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)`)
	filterName   = regexp.MustCompile(`/[A-Za-z0-9]+`)
)

// checkStreams refuses a PDF one of whose streams decodes past its bound.
// Each stream is decoded once through the filters named in its dictionary
// that compress (Flate, LZW, run length, and the ASCII encodings before
// them), counted and thrown away: nothing is kept. A filter that decodes
// pixels (DCT, JBIG2, JPX, CCITT) ends the count, and is left to the
// readers' own limits; so is a stream in an encrypted file.
func checkStreams(data []byte) error {
	for i := 0; ; {
		k := bytes.Index(data[i:], []byte("stream"))
		if k < 0 {
			return nil
		}
		start := i + k
		i = start + len("stream")
		if start >= 3 && string(data[start-3:start]) == "end" {
			continue
		}
		body := data[i:]
		switch {
		case bytes.HasPrefix(body, []byte("\r\n")):
			body = body[2:]
		case bytes.HasPrefix(body, []byte("\n")), bytes.HasPrefix(body, []byte("\r")):
			body = body[1:]
		default:
			continue
		}
		dict := streamDict(data[:start])
		limit := int64(maxOtherStream)
		if strings.Contains(dict, "/Image") {
			limit = maxImageStream
		}
		if n := decodedSize(body, filters(dict), limit); n > limit {
			return fmt.Errorf("a stream decodes to more than %s (a decompression bomb): %w", infile.Size(limit), ErrTooLarge)
		}
	}
}

// streamDict is the dictionary before a stream keyword: the text since the
// object began, at most 4 KB of it.
func streamDict(before []byte) string {
	before = before[max(0, len(before)-4096):]
	if k := bytes.LastIndex(before, []byte(" obj")); k >= 0 {
		before = before[k:]
	}
	return string(before)
}

// filters lists the filters a stream dictionary names, in order.
func filters(dict string) []string {
	m := streamFilter.FindStringSubmatch(dict)
	if m == nil {
		return nil
	}
	return filterName.FindAllString(m[1], -1)
}

// decodedSize is what body decodes to through filters, counted up to
// limit+1; 0 when no filter that compresses applies.
func decodedSize(body []byte, filters []string, limit int64) int64 {
	var r io.Reader = bytes.NewReader(body)
	applied := 0
	for _, f := range filters {
		switch f {
		case "/FlateDecode", "/Fl":
			z, err := zlib.NewReader(bufio.NewReader(r))
			if err != nil {
				return 0
			}
			defer z.Close()
			r = z
		case "/LZWDecode", "/LZW":
			l := lzw.NewReader(r, lzw.MSB, 8) // PDF's default EarlyChange 1
			defer l.Close()
			r = l
		case "/RunLengthDecode", "/RL":
			r = &runLength{r: bufio.NewReader(r)}
		case "/ASCIIHexDecode", "/AHx":
			r = &asciiHex{r: bufio.NewReader(r)}
		case "/ASCII85Decode", "/A85":
			r = ascii85.NewDecoder(&until{r: bufio.NewReader(r), end: '~'})
		default:
			if applied == 0 {
				return 0
			}
			n, _ := io.Copy(io.Discard, io.LimitReader(r, limit+1))
			return n
		}
		applied++
	}
	if applied == 0 {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, limit+1))
	return n
}

// runLength decodes PDF's RunLengthDecode.
type runLength struct {
	r    *bufio.Reader
	copy int  // literal bytes still to copy
	rep  int  // times b is still to be repeated
	b    byte // the repeated byte
	done bool
}

func (d *runLength) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !d.done {
		switch {
		case d.copy > 0:
			c, err := d.r.ReadByte()
			if err != nil {
				d.done = true
				break
			}
			p[n], d.copy, n = c, d.copy-1, n+1
		case d.rep > 0:
			p[n], d.rep, n = d.b, d.rep-1, n+1
		default:
			l, err := d.r.ReadByte()
			switch {
			case err != nil || l == 128:
				d.done = true
			case l < 128:
				d.copy = int(l) + 1
			default:
				if d.b, err = d.r.ReadByte(); err != nil {
					d.done = true
				}
				d.rep = 257 - int(l)
			}
		}
	}
	if n == 0 && d.done {
		return 0, io.EOF
	}
	return n, nil
}

// asciiHex decodes PDF's ASCIIHexDecode: pairs of hex digits, white space
// ignored, '>' the end.
type asciiHex struct {
	r    *bufio.Reader
	done bool
}

func (d *asciiHex) Read(p []byte) (int, error) {
	n := 0
	var hi, have = byte(0), false
	for n < len(p) && !d.done {
		c, err := d.r.ReadByte()
		if err != nil || c == '>' {
			d.done = true
			break
		}
		v, ok := hexValue(c)
		if !ok {
			continue
		}
		if !have {
			hi, have = v, true
			continue
		}
		p[n], have, n = hi<<4|v, false, n+1
	}
	if have {
		p[n], n = hi<<4, n+1
	}
	if n == 0 && d.done {
		return 0, io.EOF
	}
	return n, nil
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// until reads r up to the byte end.
type until struct {
	r    *bufio.Reader
	end  byte
	done bool
}

func (u *until) Read(p []byte) (int, error) {
	if u.done {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		c, err := u.r.ReadByte()
		if err != nil || c == u.end {
			u.done = true
			break
		}
		p[n], n = c, n+1
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}
