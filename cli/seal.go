package cli

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/tjfoc/gmsm/x509"

	"github.com/fapiaoscanner/fapiao/core/infile"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

func init() {
	register(command{"seal", "make an enterprise sealed QR code (SM4-encrypted, SM2-signed) from invoice fields",
		"--sm4-key K --sm2-key PRIV --fields JSON|@FILE|- [--out FILE.png] [--module PX]", runSeal})
}

func runSeal(e *env, args []string) int {
	fs := e.flags("seal")
	sm4 := fs.String("sm4-key", "", "SM4 key: 32 hex digits or a file (default $FAPIAO_SM4_KEY)")
	priv := fs.String("sm2-key", "", "SM2 private key of the issuer: PKCS#8 PEM or 64 hex digits, or a file (default $FAPIAO_SM2_KEY)")
	fields := fs.String("fields", "", `invoice fields as JSON, @FILE, or - for stdin (docs/sealed-qr.md), e.g. {"type":"32","number":"…","date":"20240514","amount":"113.00"}`)
	out := fs.String("out", "", "write the QR code as a PNG here (the text is always printed)")
	module := fs.Int("module", 6, "pixels per module in the PNG")
	if code, done := e.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		// Not repeated: a key given without its flag name would be printed.
		return e.usageError("seal", "%d unexpected arguments: seal takes only flags", fs.NArg())
	}
	if *sm4 == "" {
		*sm4 = os.Getenv("FAPIAO_SM4_KEY")
	}
	if *priv == "" {
		*priv = os.Getenv("FAPIAO_SM2_KEY")
	}
	if *sm4 == "" || *priv == "" || *fields == "" {
		return e.usageError("seal", "--sm4-key, --sm2-key and --fields are required")
	}
	if *module < 1 || *module > 50 {
		return e.usageError("seal", "--module must be 1 to 50")
	}
	key, err := sealed.ParseSM4Key(*sm4)
	if err != nil {
		return e.usageError("seal", "--sm4-key: %v", err)
	}
	pk, err := sealed.ParsePrivateKey(*priv)
	if err != nil {
		return e.usageError("seal", "--sm2-key: %v", err)
	}
	raw, err := e.readArg(*fields)
	if err != nil {
		return e.usageError("seal", "--fields: %v", err)
	}
	var f sealed.Fields
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return e.usageError("seal", "--fields: %v", err)
	}
	if f.Type == "" || f.Number == "" || f.Date == "" || f.Amount == "" {
		return e.usageError("seal", "--fields: type, number, date and amount are required")
	}
	text, err := sealed.Seal(f, key, pk, rand.Reader)
	if err != nil {
		fmt.Fprintf(e.stderr, "fapiao seal: %s\n", errText(err))
		return exitFail
	}
	if *out != "" {
		if err := writeQRPNG(*out, text, *module); err != nil {
			fmt.Fprintf(e.stderr, "fapiao seal: %s\n", errText(err))
			return exitFail
		}
	}
	fmt.Fprintln(e.stdout, text)
	fmt.Fprintf(e.stderr, "signed with key %s; its public key (for --sm2-pub): %s\n",
		sealed.Fingerprint(&pk.PublicKey), x509.WritePublicKeyToHex(&pk.PublicKey))
	return exitOK
}

// readArg reads a flag value that may be literal, @FILE or - (stdin).
func (e *env) readArg(v string) (string, error) {
	switch {
	case v == "-":
		b, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20))
		return string(b), err
	case strings.HasPrefix(v, "@"):
		b, err := infile.Read(v[1:], 1<<20)
		return string(b), err
	}
	return v, nil
}

// writeQRPNG draws text as a QR code at error-correction level H.
func writeQRPNG(path, text string, module int) error {
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]interface{}{
			gozxing.EncodeHintType_ERROR_CORRECTION: "H",
			gozxing.EncodeHintType_MARGIN:           4,
		})
	if err != nil {
		return fmt.Errorf("encode QR: %w", err)
	}
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w*module, h*module))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := color.Gray{255}
			if m.Get(x/module, y/module) {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
