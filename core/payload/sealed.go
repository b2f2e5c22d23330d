package payload

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/sealed"
)

// SealedInfo is what a sealed code said beyond the common fields.
type SealedInfo struct {
	KeyID      string `json:"key_id"`
	Opened     bool   `json:"opened"`
	SellerName string `json:"seller_name,omitempty"`
	BuyerName  string `json:"buyer_name,omitempty"`
	BuyerTaxID string `json:"buyer_tax_id,omitempty"`
	Tax        string `json:"tax,omitempty"`
	Total      string `json:"total,omitempty"`
}

// openSealed verifies and decrypts r's envelope with keys and fills the
// result from its fields; what goes wrong becomes a finding.
func openSealed(r *Result, keys *sealed.Keyring) {
	r.Sealed = &SealedInfo{}
	e, err := sealed.Parse(r.Raw)
	if err != nil {
		r.add(sealedFinding(err, ""))
		return
	}
	r.Sealed.KeyID = hex.EncodeToString(e.KeyID[:])
	r.Version = fmt.Sprintf("sealed-%d", e.Version)
	f, err := e.Open(keys)
	switch {
	case err == nil, errors.Is(err, sealed.ErrChecksum):
		// A bad checksum under a good signature is the issuer's mistake, not
		// tampering; the fields are shown, with the error.
		r.Sealed.Opened = true
		fillSealed(r, f)
	}
	if err != nil {
		r.add(sealedFinding(err, r.Sealed.KeyID))
	}
}

func fillSealed(r *Result, f sealed.Fields) {
	r.TypeCode, r.Code, r.Number, r.CheckCode, r.SellerTaxID = f.Type, f.Code, f.Number, f.CheckCode, f.SellerTaxID
	r.setAmount(f.Amount)
	r.setDate(f.Date)
	s := r.Sealed
	s.SellerName, s.BuyerName, s.BuyerTaxID, s.Tax, s.Total = f.SellerName, f.BuyerName, f.BuyerTaxID, f.Tax, f.Total
}

func sealedFinding(err error, keyID string) finding.Finding {
	switch {
	case errors.Is(err, sealed.ErrNoKeys):
		return finding.New("sealed_no_key", finding.Warning, "",
			"这是企业加密二维码，但未配置解密密钥（设置中导入 SM2 公钥和 SM4 密钥）",
			"this is an enterprise sealed QR, but no keys are configured (import the SM2 public key and SM4 key in settings)")
	case errors.Is(err, sealed.ErrUnknownKey):
		return finding.New("sealed_unknown_key", finding.Error, "",
			"加密二维码的签名密钥 %s 未配置：无法确认来源", "the sealed QR was signed with key %s, which is not configured: its origin cannot be confirmed", keyID)
	case errors.Is(err, sealed.ErrSignature):
		return finding.New("sealed_bad_signature", finding.Error, "",
			"加密二维码签名验证失败：数据被改动或伪造", "the sealed QR signature does not verify: the data was altered or forged")
	case errors.Is(err, sealed.ErrWrongSM4Key):
		return finding.New("sealed_wrong_key", finding.Error, "",
			"加密二维码无法用已配置的 SM4 密钥解密：密钥不对", "the sealed QR cannot be decrypted with the configured SM4 key: wrong key")
	case errors.Is(err, sealed.ErrChecksum):
		return finding.New("sealed_bad_checksum", finding.Error, "",
			"加密二维码的校验和与内容不符", "the sealed QR checksum does not match its fields")
	case errors.Is(err, sealed.ErrVersion):
		return finding.New("sealed_version", finding.Error, "",
			"加密二维码的版本不受支持", "the sealed QR version is not supported")
	}
	return finding.New("sealed_malformed", finding.Error, "",
		"加密二维码数据损坏或不完整", "the sealed QR data is damaged or incomplete")
}
