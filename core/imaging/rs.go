package imaging

import (
	"errors"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// decoded is a symbol's content and how much Reed–Solomon had to repair.
type decoded struct {
	result   *common.DecoderResult
	mirrored bool
	// load is the largest share of a block's correction capacity used, 0–1.
	// A read near capacity may be a mis-correction: a valid-looking text
	// that is not the one printed.
	load float64
}

var rsDecoder = reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)

// decodeBits decodes a sampled symbol: as Model 2, and failing that as
// Model 1 (model1.go), from the bits as they were (gozxing's parser
// unmasks and mirrors them in place).
func decodeBits(bits *gozxing.BitMatrix) (decoded, error) {
	asSampled := model1Candidate(bits)
	d, err := decodeModel2(bits)
	if err == nil || asSampled == nil {
		return d, err
	}
	if d, e := decodeModel1(asSampled); e == nil {
		return d, nil
	}
	return decoded{}, err
}

// decodeModel2 is gozxing's QR decoder with the corrections counted: the
// plain reading first, then the mirrored one.
func decodeModel2(bits *gozxing.BitMatrix) (decoded, error) {
	parser, err := qrdecoder.NewBitMatrixParser(bits)
	if err != nil {
		return decoded{}, err
	}
	d, err := decodeParsed(parser)
	if err == nil {
		return d, nil
	}
	parser.Remask()
	parser.SetMirror(true)
	if _, e := parser.ReadVersion(); e != nil {
		return decoded{}, err
	}
	if _, e := parser.ReadFormatInformation(); e != nil {
		return decoded{}, err
	}
	parser.Mirror()
	d, e := decodeParsed(parser)
	if e != nil {
		return decoded{}, err
	}
	d.mirrored = true
	return d, nil
}

func decodeParsed(parser *qrdecoder.BitMatrixParser) (decoded, error) {
	version, err := parser.ReadVersion()
	if err != nil {
		return decoded{}, err
	}
	format, err := parser.ReadFormatInformation()
	if err != nil {
		return decoded{}, err
	}
	ecLevel := format.GetErrorCorrectionLevel()
	codewords, err := parser.ReadCodewords()
	if err != nil {
		return decoded{}, err
	}
	blocks, err := qrdecoder.DataBlock_GetDataBlocks(codewords, version, ecLevel)
	if err != nil {
		return decoded{}, err
	}
	return decodeBlocks(blocks, version, ecLevel, false)
}

// decodeBlocks corrects each block with Reed–Solomon, joins their data
// codewords and parses the bit stream they hold, after its first four
// bits when model1 is set (Model 1's stream starts with four zero bits).
func decodeBlocks(blocks []*qrdecoder.DataBlock, version *qrdecoder.Version, ecLevel qrdecoder.ErrorCorrectionLevel, model1 bool) (decoded, error) {
	var data []byte
	load := 0.0
	for _, b := range blocks {
		cw := b.GetCodewords()
		nData := b.GetNumDataCodewords()
		ints := make([]int, len(cw))
		for i, c := range cw {
			ints[i] = int(c)
		}
		ec := len(cw) - nData
		if rerr := rsDecoder.Decode(ints, ec); rerr != nil {
			return decoded{}, errors.New("reed-solomon: too many errors")
		}
		fixed := 0
		for i, c := range cw {
			if ints[i] != int(c) {
				fixed++
			}
		}
		if capacity := ec / 2; capacity > 0 {
			load = max(load, float64(fixed)/float64(capacity))
		}
		for i := 0; i < nData; i++ {
			data = append(data, byte(ints[i]))
		}
	}
	if model1 {
		for i := range data {
			data[i] <<= 4
			if i+1 < len(data) {
				data[i] |= data[i+1] >> 4
			}
		}
	}
	r, err := qrdecoder.DecodedBitStreamParser_Decode(data, version, ecLevel, nil)
	if err != nil {
		return decoded{}, err
	}
	return decoded{result: r, load: load}, nil
}
