package camera

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"sync"
)

// yuyvToYCbCr copies a YUYV (YUY2) picture, two pixels in four bytes
// Y0 Cb Y1 Cr, into a new 4:2:2 image, plane by plane. stride is the bytes
// per row (at least 2w). Webcams send studio-range values (16–235), which
// are kept: the decoder binarises locally and does not care.
func yuyvToYCbCr(p []byte, w, h, stride int) (*image.YCbCr, error) {
	if w <= 0 || h <= 0 || w%2 != 0 || stride < 2*w || len(p) < stride*(h-1)+2*w {
		return nil, fmt.Errorf("YUYV frame of %d bytes does not hold %d × %d (stride %d)", len(p), w, h, stride)
	}
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio422)
	cw := w / 2
	for y := range h {
		row := p[y*stride : y*stride+2*w]
		ys := img.Y[y*img.YStride : y*img.YStride+w]
		cbs := img.Cb[y*img.CStride : y*img.CStride+cw]
		crs := img.Cr[y*img.CStride : y*img.CStride+cw]
		for i := range cw {
			q := row[4*i : 4*i+4 : 4*i+4]
			ys[2*i], cbs[i], ys[2*i+1], crs[i] = q[0], q[1], q[2], q[3]
		}
	}
	return img, nil
}

// decodeMJPEG decodes one MJPEG frame. Many webcams leave out the Huffman
// tables and rely on the standard ones (JPEG Annex K.3); they are put back
// before decoding.
func decodeMJPEG(data []byte) (image.Image, error) {
	return jpeg.Decode(bytes.NewReader(withHuffmanTables(data)))
}

// standardDHT is a DHT segment with the four Annex K.3 tables, taken from
// what image/jpeg writes (it always uses those tables).
var standardDHT = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	img := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
	if err := jpeg.Encode(&b, img, nil); err != nil {
		panic(err)
	}
	seg, _ := findSegment(b.Bytes(), 0xC4)
	return seg
})

// withHuffmanTables returns data with a DHT segment inserted before the
// start of scan when it has none; data itself otherwise (also when it is
// not a JPEG the way we expect: the decoder will say what is wrong).
func withHuffmanTables(data []byte) []byte {
	if _, sos := findSegment(data, 0xC4); sos > 0 {
		dht := standardDHT()
		out := make([]byte, 0, len(data)+len(dht))
		out = append(out, data[:sos]...)
		out = append(out, dht...)
		return append(out, data[sos:]...)
	}
	return data
}

// findSegment walks the header segments of a JPEG. It returns the segment
// with marker m (from its 0xFF) if one comes before the start of scan;
// otherwise nil and the offset of the start of scan (0 when not found).
func findSegment(data []byte, m byte) ([]byte, int) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, 0
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return nil, 0
		}
		mk := data[i+1]
		switch {
		case mk == 0xFF: // fill byte
			i++
			continue
		case mk == 0xDA:
			return nil, i
		case mk == 0x01 || (mk >= 0xD0 && mk <= 0xD7):
			i += 2
			continue
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return nil, 0
		}
		if mk == m {
			return data[i : i+2+n], 0
		}
		i += 2 + n
	}
	return nil, 0
}
