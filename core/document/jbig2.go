package document

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
)

// No maintained pure-Go JBIG2 decoder exists (pdfcpu passes JBIG2 streams
// through undecoded), but PDFium has a complete one. A standalone JBIG2 file
// (an OFD's QR image) is therefore rewrapped as the one image of a minimal
// PDF, which PDFium then decodes like any embedded image.

var jbig2Magic = []byte{0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A}

var errJBIG2 = errors.New("malformed JBIG2 file")

// jbig2Segment is one segment: its header and data bytes as in the file.
type jbig2Segment struct {
	typ    byte
	page   uint32
	header []byte
	data   []byte
}

// parseJBIG2 reads a standalone JBIG2 file (T.88 Annex D) in either
// organisation into its segments, and the page size.
func parseJBIG2(b []byte) (segs []jbig2Segment, w, h uint32, err error) {
	if !bytes.HasPrefix(b, jbig2Magic) || len(b) < 9 {
		return nil, 0, 0, errJBIG2
	}
	flags := b[8]
	pos := 9
	if flags&2 == 0 { // page count present
		pos += 4
	}
	sequential := flags&1 == 1
	type hdr struct {
		s      jbig2Segment
		length uint32
	}
	var hs []hdr
	for pos < len(b) && len(hs) < 10000 {
		start := pos
		if pos+6 > len(b) {
			break
		}
		num := binary.BigEndian.Uint32(b[pos:])
		sf := b[pos+4]
		pos += 5
		typ := sf & 0x3f
		rts := b[pos] >> 5
		var nref int
		if rts == 7 {
			if pos+4 > len(b) {
				return nil, 0, 0, errJBIG2
			}
			nref = int(binary.BigEndian.Uint32(b[pos:]) & 0x1fffffff)
			if nref > 1<<16 {
				return nil, 0, 0, errJBIG2
			}
			pos += 4 + (nref+8)/8
		} else {
			nref = int(rts)
			pos++
		}
		refSize := 1
		switch {
		case num > 65536:
			refSize = 4
		case num > 256:
			refSize = 2
		}
		pos += nref * refSize
		var page uint32
		if sf&0x40 != 0 {
			if pos+4 > len(b) {
				return nil, 0, 0, errJBIG2
			}
			page = binary.BigEndian.Uint32(b[pos:])
			pos += 4
		} else {
			if pos+1 > len(b) {
				return nil, 0, 0, errJBIG2
			}
			page = uint32(b[pos])
			pos++
		}
		if pos+4 > len(b) {
			return nil, 0, 0, errJBIG2
		}
		length := binary.BigEndian.Uint32(b[pos:])
		pos += 4
		if length == 0xffffffff {
			return nil, 0, 0, fmt.Errorf("%w: segment of unknown length", errJBIG2)
		}
		s := jbig2Segment{typ: typ, page: page, header: b[start:pos]}
		if sequential {
			if uint64(pos)+uint64(length) > uint64(len(b)) {
				return nil, 0, 0, errJBIG2
			}
			s.data = b[pos : pos+int(length)]
			pos += int(length)
		}
		hs = append(hs, hdr{s, length})
		if typ == 51 { // end of file
			break
		}
	}
	if !sequential { // random access: the data follow all the headers
		for i := range hs {
			if uint64(pos)+uint64(hs[i].length) > uint64(len(b)) {
				return nil, 0, 0, errJBIG2
			}
			hs[i].s.data = b[pos : pos+int(hs[i].length)]
			pos += int(hs[i].length)
		}
	}
	for _, h0 := range hs {
		s := h0.s
		if s.typ == 48 && len(s.data) >= 8 && w == 0 {
			w, h = binary.BigEndian.Uint32(s.data), binary.BigEndian.Uint32(s.data[4:])
		}
		segs = append(segs, s)
	}
	if w == 0 || h == 0 || h == 0xffffffff || w > 10000 || h > 10000 {
		return nil, 0, 0, fmt.Errorf("%w: no usable page size", errJBIG2)
	}
	return segs, w, h, nil
}

// jbig2PDF wraps JBIG2 segments as the image of a one-page PDF whose page
// is the image's size in points. Segments of page 0 are global (shared
// dictionaries) and go to the JBIG2Globals stream, as PDF requires.
func jbig2PDF(segs []jbig2Segment, w, h uint32) []byte {
	var page, globals bytes.Buffer
	for _, s := range segs {
		if s.typ == 51 {
			continue
		}
		dst := &page
		if s.page == 0 {
			dst = &globals
		}
		dst.Write(s.header)
		dst.Write(s.data)
	}
	var out bytes.Buffer
	var offs []int
	obj := func(body string, stream []byte) {
		offs = append(offs, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s", len(offs), body)
		if stream != nil {
			out.WriteString("\nstream\n")
			out.Write(stream)
			out.WriteString("\nendstream")
		}
		out.WriteString("\nendobj\n")
	}
	out.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	content := fmt.Sprintf("q %d 0 0 %d 0 0 cm /Im0 Do Q", w, h)
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", w, h), nil)
	parms := ""
	if globals.Len() > 0 {
		parms = " /DecodeParms << /JBIG2Globals 6 0 R >>"
	}
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode%s /Length %d >>", w, h, parms, page.Len()), page.Bytes())
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	if globals.Len() > 0 {
		obj(fmt.Sprintf("<< /Length %d >>", globals.Len()), globals.Bytes())
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return out.Bytes()
}

// decodeJBIG2 reads the QR codes of a standalone JBIG2 image.
func decodeJBIG2(ctx context.Context, data []byte, opt Options) ([]string, error) {
	segs, w, h, err := parseJBIG2(data)
	if err != nil {
		return nil, err
	}
	if !squareish(int(w), int(h)) {
		return nil, nil
	}
	doc := jbig2PDF(segs, w, h)
	var out []string
	err = withPDFium(ctx, func(p pdfium.Pdfium) error {
		d, err := p.OpenDocument(&requests.OpenDocument{File: &doc})
		if err != nil {
			return err
		}
		defer p.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: d.Document})
		page := requests.Page{ByIndex: &requests.PageByIndex{Document: d.Document, Index: 0}}
		out = nativeImages(ctx, p, page, opt)
		return nil
	})
	return out, err
}
