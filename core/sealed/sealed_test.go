package sealed

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm3"
)

// The published test vector (docs/sealed-qr.md).
const (
	vectorSM4  = "0123456789abcdeffedcba9876543210"
	vectorPriv = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
	vectorSeed = "fapiao sealed QR test vector"
)

var vectorFields = Fields{
	Type: "32", Number: "24312000000136634917", Date: "20240514", Amount: "113.00",
	SellerTaxID: "91320621MA1MRHG205", SellerName: "示例科技有限公司",
	BuyerTaxID: "91110000700221058P", BuyerName: "示例贸易有限公司", Tax: "13.00", Total: "113.00",
}

// detRand is a deterministic byte stream: SM3(seed ‖ counter) blocks.
type detRand struct {
	seed string
	n    uint32
	buf  []byte
}

func (d *detRand) Read(p []byte) (int, error) {
	for len(d.buf) < len(p) {
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], d.n)
		d.n++
		d.buf = append(d.buf, sm3.Sm3Sum(append([]byte(d.seed), c[:]...))...)
	}
	n := copy(p, d.buf)
	d.buf = d.buf[n:]
	return n, nil
}

func testKeys(t testing.TB) (*sm2.PrivateKey, []byte, *Keyring) {
	t.Helper()
	priv, err := ParsePrivateKey(vectorPriv)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseSM4Key(vectorSM4)
	if err != nil {
		t.Fatal(err)
	}
	var kr Keyring
	if err := kr.Add(Key{Public: &priv.PublicKey, SM4: k}); err != nil {
		t.Fatal(err)
	}
	return priv, k, &kr
}

func vectorText(t testing.TB) string {
	priv, k, _ := testKeys(t)
	text, err := Seal(vectorFields, k, priv, &detRand{seed: vectorSeed})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestVector(t *testing.T) {
	text := vectorText(t)
	_, _, kr := testKeys(t)
	f, err := Open(text, kr)
	if err != nil {
		t.Fatal(err)
	}
	want := vectorFields
	want.Checksum = "c2f0b115" // SHA-256 of the key fields, computed independently
	if f != want {
		t.Errorf("opened %+v, want %+v", f, want)
	}
	if got := want.ComputeChecksum(); got != want.Checksum {
		t.Errorf("checksum = %s", got)
	}
	// The text in docs/sealed-qr.md: a change to the format breaks this.
	if text != publishedVector {
		t.Errorf("vector changed:\n%s", text)
	}
	if fp := Fingerprint(&mustPriv(t).PublicKey); fp != publishedKeyID {
		t.Errorf("key ID = %s", fp)
	}
}

func mustPriv(t testing.TB) *sm2.PrivateKey {
	p, _, _ := testKeys(t)
	return p
}

func TestRoundTripRandom(t *testing.T) {
	priv, err := sm2.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	k := []byte("0123456789abcdef")
	var kr Keyring
	kr.Add(Key{Public: &priv.PublicKey, SM4: k})
	for _, f := range []Fields{vectorFields, {Type: "10", Code: "044031600111", Number: "02407312", Date: "20171104", Amount: "582.52", CheckCode: "80883429292637169951"}, {}} {
		text, err := Seal(f, k, priv, &detRand{seed: "x"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(text, &kr)
		f.Checksum = f.ComputeChecksum()
		if err != nil || got != f {
			t.Errorf("round trip: %+v, %v", got, err)
		}
	}
}

// Changing any byte of the envelope is caught: by the signature, or as
// malformed when the structure itself breaks.
func TestTamperEveryByte(t *testing.T) {
	text := vectorText(t)
	_, _, kr := testKeys(t)
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, Prefix))
	for i := range raw {
		for _, x := range []byte{0x01, 0x80, 0xFF} {
			b := append([]byte(nil), raw...)
			b[i] ^= x
			_, err := Open(Prefix+base64.StdEncoding.EncodeToString(b), kr)
			var want error
			switch {
			case i == 0:
				want = ErrVersion
			case i < 1+keyIDLen:
				want = ErrUnknownKey
			case i == headerLen-2 || i == headerLen-1:
				want = ErrMalformed
			default:
				want = ErrSignature
			}
			if !errors.Is(err, want) {
				t.Fatalf("byte %d ^ %#x: err = %v, want %v", i, x, err, want)
			}
		}
	}
}

func TestTruncatedAndMalformed(t *testing.T) {
	text := vectorText(t)
	_, _, kr := testKeys(t)
	for n := len(Prefix); n < len(text); n += 7 {
		if _, err := Open(text[:n], kr); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrVersion) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	for _, s := range []string{"FPSQ:", "FPSQ:!!!", "FPSQ:" + strings.Repeat("A", MaxText), "nope"} {
		if _, err := Open(s, kr); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrVersion) {
			t.Errorf("%.20q: %v", s, err)
		}
	}
}

func TestWrongKeys(t *testing.T) {
	text := vectorText(t)
	priv, _, _ := testKeys(t)
	other, _ := sm2.GenerateKey(nil)

	var wrongSM4 Keyring
	wrongSM4.Add(Key{Public: &priv.PublicKey, SM4: []byte("fedcba9876543210")})
	if _, err := Open(text, &wrongSM4); !errors.Is(err, ErrWrongSM4Key) {
		t.Errorf("wrong SM4 key: %v", err)
	}
	var unknown Keyring
	unknown.Add(Key{Public: &other.PublicKey, SM4: []byte("0123456789abcdef")})
	if _, err := Open(text, &unknown); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown signer: %v", err)
	}
	if _, err := Open(text, nil); !errors.Is(err, ErrNoKeys) {
		t.Errorf("no keys: %v", err)
	}
	// A forger who knows the SM4 key but not the private key: re-sign with
	// another key but keep the real key ID.
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, Prefix))
	forged, _ := Seal(vectorFields, []byte("0123456789abcdef"), other, &detRand{seed: "f"})
	fraw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(forged, Prefix))
	copy(fraw[1:1+keyIDLen], raw[1:1+keyIDLen])
	_, _, kr := testKeys(t)
	if _, err := Open(Prefix+base64.StdEncoding.EncodeToString(fraw), kr); !errors.Is(err, ErrSignature) {
		t.Errorf("forged signature: %v", err)
	}
}

// A correctly signed code whose checksum was computed wrongly by its issuer.
func TestBadChecksum(t *testing.T) {
	priv, k, kr := testKeys(t)
	// Seal computes the checksum; sign a hand-made body instead.
	text := sealRaw(t, `{"type":"32","number":"1","date":"20240101","amount":"1.00","chk":"00000000"}`, k, priv)
	if _, err := Open(text, kr); !errors.Is(err, ErrChecksum) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Open(sealRaw(t, `not json`, k, priv), kr); !errors.Is(err, ErrWrongSM4Key) {
		t.Fatalf("non-JSON plaintext: %v", err)
	}
}

func TestKeyParsing(t *testing.T) {
	priv := mustPriv(t)
	pubHex := "04" + strings.Repeat("0", 0) + hexPoint(priv)
	if _, err := ParsePublicKey(pubHex); err != nil {
		t.Errorf("hex public key: %v", err)
	}
	for _, bad := range []string{"", "zz", "0123", "04" + strings.Repeat("11", 64)} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) accepted", bad)
		}
	}
	if _, err := ParseSM4Key("0123"); err == nil || strings.Contains(err.Error(), "0123") {
		t.Errorf("short SM4 key: %v (must not echo the key)", err)
	}
	if _, err := ParsePrivateKey("00"); err == nil {
		t.Error("short private key accepted")
	}
}

func hexPoint(p *sm2.PrivateKey) string {
	b := marshalPublic(&p.PublicKey)
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 128)
	for _, c := range b[1:] {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func FuzzOpen(f *testing.F) {
	f.Add(vectorText(f))
	f.Add("FPSQ:AQ==")
	_, _, kr := testKeys(f)
	f.Fuzz(func(t *testing.T, s string) {
		fields, err := Open(s, kr)
		if err == nil && fields.Checksum != fields.ComputeChecksum() {
			t.Fatal("opened with a bad checksum")
		}
	})
}

var _ io.Reader = (*detRand)(nil)
