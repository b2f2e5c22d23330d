package config

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/verify"
)

func clearVerifyEnv(t *testing.T) {
	for _, v := range []string{EnvTencentSecretID, EnvTencentSecretKey, EnvBaiduAPIKey, EnvBaiduSecretKey, EnvVerifyEndpoint} {
		t.Setenv(v, "")
	}
}

func TestVerifierRoundTrip(t *testing.T) {
	clearVerifyEnv(t)
	ctx := context.Background()
	st, sec := openStores(t)

	_, err := Verifier(ctx, st, sec, "")
	if !errors.Is(err, ErrNoVerifier) || !strings.Contains(err.Error(), "no provider chosen") ||
		!strings.Contains(err.Error(), "查验") || !strings.Contains(err.Error(), EnvBaiduSecretKey) {
		t.Errorf("nothing configured: %v", err)
	}
	if _, err := Verifier(ctx, st, sec, verify.Tencent); !errors.Is(err, ErrNoVerifier) ||
		!strings.Contains(err.Error(), "no SecretId and no SecretKey") || !strings.Contains(err.Error(), EnvTencentSecretKey) {
		t.Errorf("Tencent not configured: %v", err)
	}

	const tcSecret, bdSecret = "tc-秘密-0042", "bd-secret-0042"
	if err := SetVerifier(ctx, st, sec, verify.Tencent, " AKID0042 ", tcSecret, "", "王会计"); err != nil {
		t.Fatal(err)
	}
	// One provider has credentials and none is chosen: that one.
	c, err := Verifier(ctx, st, sec, "")
	if err != nil || c.Provider != verify.Tencent || c.ID != "AKID0042" || c.Secret != tcSecret || c.Endpoint != "" {
		t.Fatalf("Verifier = %v, %v", c, err)
	}
	if ok, err := VerifySecretStored(sec, verify.Tencent); !ok || err != nil {
		t.Errorf("Tencent secret stored = %v, %v", ok, err)
	}
	if ok, _ := VerifySecretStored(sec, verify.Baidu); ok {
		t.Error("Baidu secret stored")
	}

	const stand = "http://127.0.0.1:8088"
	if err := SetVerifier(ctx, st, sec, verify.Baidu, "bd-key", bdSecret, stand, ""); err != nil {
		t.Fatal(err)
	}
	// Both have credentials: the choice decides.
	if _, err := Verifier(ctx, st, sec, ""); !errors.Is(err, ErrNoVerifier) {
		t.Errorf("two configured, none chosen: %v", err)
	}
	if err := SetVerifyProvider(ctx, st, verify.Baidu, "王会计"); err != nil {
		t.Fatal(err)
	}
	c, err = Verifier(ctx, st, sec, "")
	if err != nil || c.Provider != verify.Baidu || c.ID != "bd-key" || c.Secret != bdSecret || c.Endpoint != stand {
		t.Fatalf("Baidu chosen: %v, %v", c, err)
	}
	if p, _ := VerifyProvider(ctx, st); p != verify.Baidu {
		t.Errorf("VerifyProvider = %q", p)
	}
	// An explicit provider wins over the choice.
	if c, err := Verifier(ctx, st, sec, verify.Tencent); err != nil || c.Provider != verify.Tencent {
		t.Errorf("explicit Tencent: %v, %v", c, err)
	}
	assertNotInHistory(t, st, tcSecret, bdSecret)

	// An empty secret keeps the stored one; the provider's own endpoint is
	// stored as none.
	if err := SetVerifier(ctx, st, sec, verify.Baidu, "bd-key-2", "", verify.BaiduEndpoint+"/", ""); err != nil {
		t.Fatal(err)
	}
	c, _ = Verifier(ctx, st, sec, "")
	if c.ID != "bd-key-2" || c.Secret != bdSecret || c.Endpoint != "" {
		t.Errorf("after changing the key: %v", c)
	}
	before, _ := st.Audit(ctx, 0, 10000)
	if err := SetVerifier(ctx, st, sec, verify.Baidu, "bd-key-2", bdSecret, "", ""); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Audit(ctx, 0, 10000); len(after) != len(before) {
		t.Errorf("saving unchanged settings added %d audit entries", len(after)-len(before))
	}

	if err := ForgetVerifier(ctx, st, sec, verify.Baidu, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Verifier(ctx, st, sec, ""); !errors.Is(err, ErrNoVerifier) || !strings.Contains(err.Error(), "no API Key and no Secret Key") {
		t.Errorf("after forgetting Baidu: %v", err)
	}
	if err := SetVerifyProvider(ctx, st, "", ""); err != nil {
		t.Fatal(err)
	}
	if c, err := Verifier(ctx, st, sec, ""); err != nil || c.Provider != verify.Tencent {
		t.Errorf("choice cleared, Tencent left: %v %v", c, err)
	}
}

func TestVerifierEnvironment(t *testing.T) {
	clearVerifyEnv(t)
	ctx := context.Background()
	st, sec := openStores(t)
	if err := SetVerifier(ctx, st, sec, verify.Tencent, "stored-id", "stored-key", "https://ocr.example.com", ""); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvTencentSecretKey, "env-key")
	t.Setenv(EnvVerifyEndpoint, "http://127.0.0.1:9")
	c, err := Verifier(ctx, st, sec, verify.Tencent)
	if err != nil || c.ID != "stored-id" || c.Secret != "env-key" || c.Endpoint != "http://127.0.0.1:9" {
		t.Errorf("with the environment: %v %v", c, err)
	}
	// Without a history, only the environment counts; the one provider
	// with an ID there is taken.
	clearVerifyEnv(t)
	t.Setenv(EnvBaiduAPIKey, "env-api")
	t.Setenv(EnvBaiduSecretKey, "env-secret")
	if c, err := Verifier(ctx, nil, nil, ""); err != nil || c.Provider != verify.Baidu || c.ID != "env-api" || c.Secret != "env-secret" {
		t.Errorf("environment only: %v %v", c, err)
	}
	t.Setenv(EnvBaiduSecretKey, "")
	if _, err := Verifier(ctx, nil, nil, verify.Baidu); !errors.Is(err, ErrNoVerifier) || !strings.Contains(err.Error(), "no Secret Key") {
		t.Errorf("no secret anywhere: %v", err)
	}
}

func TestSetVerifierRefuses(t *testing.T) {
	clearVerifyEnv(t)
	ctx := context.Background()
	st, sec := openStores(t)
	for _, c := range []struct {
		provider, id, endpoint string
		want                   error
	}{
		{"aliyun", "id", "", ErrUnknownProvider},
		{verify.Tencent, " ", "", ErrNoVerifier},
		{verify.Baidu, "id", "ftp://aip.example.com", ErrBadEndpoint},
		{verify.Baidu, "id", "aip.example.com", ErrBadEndpoint},
	} {
		if err := SetVerifier(ctx, st, sec, c.provider, c.id, "secret", c.endpoint, ""); !errors.Is(err, c.want) {
			t.Errorf("SetVerifier(%q, %q, %q) = %v, want %v", c.provider, c.id, c.endpoint, err, c.want)
		}
	}
	if err := SetVerifier(ctx, st, nil, verify.Tencent, "id", "s", "", ""); !errors.Is(err, ErrNoStore) {
		t.Errorf("no secret store: %v", err)
	}
	if err := SetVerifyProvider(ctx, st, "aliyun", ""); !errors.Is(err, ErrUnknownProvider) {
		t.Errorf("unknown provider chosen: %v", err)
	}
	if _, err := Verifier(ctx, st, sec, "aliyun"); !errors.Is(err, ErrUnknownProvider) {
		t.Errorf("unknown provider asked: %v", err)
	}
	for _, p := range verify.Providers {
		if ok, _ := VerifySecretStored(sec, p); ok {
			t.Errorf("a refused save stored the %s secret", p)
		}
	}
}
