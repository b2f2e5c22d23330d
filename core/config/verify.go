package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/core/verify"
)

// Where the settings of invoice checks (查验) live: which provider, and
// each provider's credentials and endpoint. The SecretId and the API Key
// name an account, as the gateway's AppID does, and are kept in the
// history's settings; the SecretKey and the Secret Key go to the secret
// store.
const (
	// SettingVerifyProvider is the provider chosen: verify.Tencent,
	// verify.Baidu, or unset for none (the clerk's own sign-off).
	SettingVerifyProvider = "verify.provider"

	SettingTencentSecretID = "verify.tencent.secret_id"
	SettingTencentEndpoint = "verify.tencent.endpoint" // unset: verify.TencentEndpoint
	SecretTencentKey       = "verify.tencent.secret_key"

	SettingBaiduAPIKey   = "verify.baidu.api_key"
	SettingBaiduEndpoint = "verify.baidu.endpoint" // unset: verify.BaiduEndpoint
	SecretBaiduKey       = "verify.baidu.secret_key"

	// The environment variables that override the stored values.
	EnvTencentSecretID  = "FAPIAO_TENCENT_SECRET_ID"
	EnvTencentSecretKey = "FAPIAO_TENCENT_SECRET_KEY"
	EnvBaiduAPIKey      = "FAPIAO_BAIDU_API_KEY"
	EnvBaiduSecretKey   = "FAPIAO_BAIDU_SECRET_KEY"
	// EnvVerifyEndpoint overrides the endpoint of whichever provider is
	// used (a stand-in, a proxy).
	EnvVerifyEndpoint = "FAPIAO_VERIFY_ENDPOINT"
)

var (
	// ErrNoVerifier: no provider is chosen, or the one chosen lacks its
	// credentials.
	ErrNoVerifier = errors.New("invoice checks with the tax authority are not configured")
	// ErrUnknownProvider: a provider name that is neither verify.Tencent
	// nor verify.Baidu.
	ErrUnknownProvider = errors.New("unknown provider (want tencent or baidu)")
)

const whereVerify = "设置 → 查验 (Settings → Verification)"

// verifyKeys are the names of one provider's values.
type verifyKeys struct {
	idSetting, endpointSetting, secret, envID, envSecret string
	defaultEndpoint                                      string
	idName, secretName                                   string
}

func keysOf(provider string) (verifyKeys, error) {
	switch provider {
	case verify.Tencent:
		return verifyKeys{SettingTencentSecretID, SettingTencentEndpoint, SecretTencentKey,
			EnvTencentSecretID, EnvTencentSecretKey, verify.TencentEndpoint, "SecretId", "SecretKey"}, nil
	case verify.Baidu:
		return verifyKeys{SettingBaiduAPIKey, SettingBaiduEndpoint, SecretBaiduKey,
			EnvBaiduAPIKey, EnvBaiduSecretKey, verify.BaiduEndpoint, "API Key", "Secret Key"}, nil
	}
	return verifyKeys{}, fmt.Errorf("%w: %q", ErrUnknownProvider, provider)
}

// VerifyProvider returns the provider chosen in the history's settings,
// "" when none is.
func VerifyProvider(ctx context.Context, st *store.Store) (string, error) {
	if st == nil {
		return "", nil
	}
	p, err := setting(ctx, st, SettingVerifyProvider)
	return p, fmtErr("verification provider", err)
}

// SetVerifyProvider chooses the provider of invoice checks ("" for none).
func SetVerifyProvider(ctx context.Context, st *store.Store, provider, clerk string) error {
	const op = "save the verification provider"
	if st == nil {
		return fmt.Errorf("%s: %w", op, ErrNoStore)
	}
	provider = strings.TrimSpace(provider)
	if provider != "" {
		if _, err := keysOf(provider); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	return fmtErr(op, setSetting(ctx, st, SettingVerifyProvider, provider, clerk))
}

// Verifier returns what verify.New needs to check invoices with provider,
// or with the provider chosen in the settings when provider is "". When
// none is chosen, the one provider whose SecretId or API Key is known (in
// the environment or the settings) is taken. Each value comes from its
// environment variable when that is set, else from the history's settings
// (the ID, the endpoint) or from sec (the secret); $FAPIAO_VERIFY_ENDPOINT
// overrides the endpoint, and "" means the provider's own. When a value is
// missing the error wraps ErrNoVerifier and says which and where to set
// it; what was found is returned with it. st or sec may be nil: then only
// the environment counts for what they would hold.
func Verifier(ctx context.Context, st *store.Store, sec secrets.Store, provider string) (verify.Config, error) {
	const op = "verification settings"
	c := verify.Config{Provider: strings.TrimSpace(provider)}
	var err error
	if c.Provider == "" {
		if c.Provider, err = VerifyProvider(ctx, st); err != nil {
			return c, err
		}
	}
	if c.Provider == "" {
		if c.Provider, err = onlyConfigured(ctx, st); err != nil {
			return c, fmtErr(op, err)
		}
	}
	if c.Provider == "" {
		return c, fmt.Errorf("%w: no provider chosen; choose one in %s, or give --provider with $%s and $%s, or $%s and $%s",
			ErrNoVerifier, whereVerify, EnvTencentSecretID, EnvTencentSecretKey, EnvBaiduAPIKey, EnvBaiduSecretKey)
	}
	k, err := keysOf(c.Provider)
	if err != nil {
		return c, fmtErr(op, err)
	}
	c.ID, c.Secret, c.Endpoint = os.Getenv(k.envID), os.Getenv(k.envSecret), os.Getenv(EnvVerifyEndpoint)
	if st != nil {
		if c.ID == "" {
			if c.ID, err = setting(ctx, st, k.idSetting); err != nil {
				return c, fmtErr(op, err)
			}
		}
		if c.Endpoint == "" {
			if c.Endpoint, err = setting(ctx, st, k.endpointSetting); err != nil {
				return c, fmtErr(op, err)
			}
		}
	}
	// The secret store is asked only when needed: opening a keyring may
	// ask the user to unlock it.
	if c.Secret == "" && sec != nil {
		if c.Secret, err = secret(sec, k.secret); err != nil {
			return c, fmtErr(op+": read the secret", err)
		}
	}
	var missing []string
	if c.ID == "" {
		missing = append(missing, "no "+k.idName)
	}
	if c.Secret == "" {
		missing = append(missing, "no "+k.secretName)
	}
	if len(missing) == 0 {
		return c, nil
	}
	return c, fmt.Errorf("%w: %s: %s; set them in %s, or in $%s and $%s",
		ErrNoVerifier, verify.ProviderName(c.Provider, "en"), strings.Join(missing, " and "), whereVerify, k.envID, k.envSecret)
}

// onlyConfigured is the one provider whose ID is known, "" when none or
// both are.
func onlyConfigured(ctx context.Context, st *store.Store) (string, error) {
	var found []string
	for _, p := range verify.Providers {
		k, _ := keysOf(p)
		id := os.Getenv(k.envID)
		if id == "" && st != nil {
			var err error
			if id, err = setting(ctx, st, k.idSetting); err != nil {
				return "", err
			}
		}
		if id != "" {
			found = append(found, p)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", nil
}

// SetVerifier stores one provider's credentials: the ID and the endpoint
// in the history's settings (audited), the secret in sec. An empty secret
// keeps the one stored; an empty endpoint, or the provider's own, means
// the provider's own. The environment variables are not consulted. It
// does not choose the provider: see SetVerifyProvider.
func SetVerifier(ctx context.Context, st *store.Store, sec secrets.Store, provider, id, secretValue, endpoint, clerk string) error {
	const op = "save verification settings"
	if err := needStores(op, st, sec); err != nil {
		return err
	}
	k, err := keysOf(strings.TrimSpace(provider))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	id, secretValue, endpoint = strings.TrimSpace(id), strings.TrimSpace(secretValue), strings.TrimSpace(endpoint)
	if id == "" {
		return fmt.Errorf("%s: %w: the %s is empty", op, ErrNoVerifier, k.idName)
	}
	if strings.TrimSuffix(endpoint, "/") == k.defaultEndpoint {
		endpoint = ""
	}
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%s: %q: %w", op, endpoint, ErrBadEndpoint)
		}
	}
	// The secret first: if it cannot be stored, nothing has changed.
	if secretValue != "" {
		if err := sec.Set(k.secret, secretValue); err != nil {
			return fmtErr(op, err)
		}
	}
	if err := setSetting(ctx, st, k.idSetting, id, clerk); err != nil {
		return fmtErr(op, err)
	}
	return fmtErr(op, setSetting(ctx, st, k.endpointSetting, endpoint, clerk))
}

// VerifySecretStored reports whether sec holds the provider's secret, for
// a form that shows "saved" instead of the secret itself.
func VerifySecretStored(sec secrets.Store, provider string) (bool, error) {
	k, err := keysOf(provider)
	if err != nil || sec == nil {
		return false, err
	}
	v, err := secret(sec, k.secret)
	return v != "", err
}

// ForgetVerifier removes one provider's secret from sec and its ID and
// endpoint from the settings.
func ForgetVerifier(ctx context.Context, st *store.Store, sec secrets.Store, provider, clerk string) error {
	const op = "remove verification settings"
	if err := needStores(op, st, sec); err != nil {
		return err
	}
	k, err := keysOf(provider)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := sec.Delete(k.secret); err != nil {
		return fmtErr(op, err)
	}
	if err := setSetting(ctx, st, k.idSetting, "", clerk); err != nil {
		return fmtErr(op, err)
	}
	return fmtErr(op, setSetting(ctx, st, k.endpointSetting, "", clerk))
}
