package config

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/secrets"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// Where the gateway's settings live.
const (
	// SettingAppID is the history setting holding the partner's AppID.
	SettingAppID = "fw199.appid"
	// SettingEndpoint is the history setting holding the re-billing URL;
	// unset or empty means gateway.DefaultEndpoint.
	SettingEndpoint = "fw199.endpoint"
	// SecretGateway is the secret store's name for the partner's secret.
	SecretGateway = "fw199.secret"

	// The environment variables that override the stored values.
	EnvAppID    = "FAPIAO_FW199_APPID"
	EnvSecret   = "FAPIAO_FW199_SECRET"
	EnvEndpoint = "FAPIAO_FW199_ENDPOINT"
)

// Gateway returns the fw199 credentials and the re-billing URL: the AppID
// and URL from the history's settings, the secret from sec, each replaced
// by its environment variable when that is set. The URL defaults to
// gateway.DefaultEndpoint. When the AppID or the secret is missing, the
// error wraps ErrNoGateway and says which and where to set it; what was
// found is returned with it. st or sec may be nil: then only the
// environment counts for what they would hold.
func Gateway(ctx context.Context, st *store.Store, sec secrets.Store) (gateway.Credentials, string, error) {
	const op = "fw199 gateway"
	c := gateway.Credentials{AppID: os.Getenv(EnvAppID), Secret: os.Getenv(EnvSecret)}
	endpoint := os.Getenv(EnvEndpoint)
	var err error
	if st != nil {
		if c.AppID == "" {
			if c.AppID, err = setting(ctx, st, SettingAppID); err != nil {
				return c, gateway.DefaultEndpoint, fmtErr(op, err)
			}
		}
		if endpoint == "" {
			if endpoint, err = setting(ctx, st, SettingEndpoint); err != nil {
				return c, gateway.DefaultEndpoint, fmtErr(op, err)
			}
		}
	}
	if endpoint == "" {
		endpoint = gateway.DefaultEndpoint
	}
	if gateway.CheckEndpoint(endpoint) != nil {
		where := "$" + EnvEndpoint
		if os.Getenv(EnvEndpoint) == "" {
			where = "setting " + SettingEndpoint
		}
		return c, gateway.DefaultEndpoint, fmt.Errorf("%s: %s: %w", op, where, gateway.CheckEndpoint(endpoint))
	}
	// The secret store is asked only when needed: opening a keyring may
	// ask the user to unlock it.
	if c.Secret == "" && sec != nil {
		if c.Secret, err = secret(sec, SecretGateway); err != nil {
			return c, endpoint, fmtErr(op+": read the secret", err)
		}
	}
	var missing string
	switch {
	case c.AppID == "" && c.Secret == "":
		missing = "no AppID and no secret"
	case c.AppID == "":
		missing = "no AppID"
	case c.Secret == "":
		missing = "no secret"
	default:
		return c, endpoint, nil
	}
	return c, endpoint, fmt.Errorf("%w: %s; set them in %s, or in $%s and $%s",
		ErrNoGateway, missing, whereGateway, EnvAppID, EnvSecret)
}

// SetGateway stores the fw199 credentials: the AppID and the URL in the
// history's settings (audited), the secret in sec. An empty secret keeps
// the one stored; an empty URL, or the default one, means
// gateway.DefaultEndpoint. The environment variables are not consulted.
func SetGateway(ctx context.Context, st *store.Store, sec secrets.Store, appID, secret, endpoint, clerk string) error {
	const op = "save fw199 gateway settings"
	if err := needStores(op, st, sec); err != nil {
		return err
	}
	appID, secret, endpoint = strings.TrimSpace(appID), strings.TrimSpace(secret), strings.TrimSpace(endpoint)
	if appID == "" {
		return fmt.Errorf("%s: %w", op, ErrNoAppID)
	}
	if endpoint == gateway.DefaultEndpoint {
		endpoint = ""
	}
	if endpoint != "" && gateway.CheckEndpoint(endpoint) != nil {
		return fmt.Errorf("%s: %q: %w", op, endpoint, ErrBadEndpoint)
	}
	// The secret first: if it cannot be stored, nothing has changed.
	if secret != "" {
		if err := sec.Set(SecretGateway, secret); err != nil {
			return fmtErr(op, err)
		}
	}
	if err := setSetting(ctx, st, SettingAppID, appID, clerk); err != nil {
		return fmtErr(op, err)
	}
	return fmtErr(op, setSetting(ctx, st, SettingEndpoint, endpoint, clerk))
}

// GatewaySecretStored reports whether sec holds a gateway secret, for a
// form that shows "saved" instead of the secret itself.
func GatewaySecretStored(sec secrets.Store) (bool, error) {
	if sec == nil {
		return false, nil
	}
	v, err := secret(sec, SecretGateway)
	return v != "", err
}
