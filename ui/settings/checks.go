package settings

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/verify"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// checkSection chooses the provider through which 核验 checks invoices with
// the tax authority (查验), and holds its credentials: the ID in the
// history's settings, the secret in the keyring.
type checkSection struct {
	s *Screen

	title, providerLabel, idLabel, secretLabel, endpointLabel *widget.Label
	provider                                                  *widget.Select
	id, endpoint                                              *widget.Entry
	secret                                                    *secretField
	save                                                      *widget.Button
}

// checkStored is the provider's settings as the history and keyring hold them.
type checkStored struct {
	provider, id, endpoint string
	secretSaved            bool
}

// providers are the choices, in the order shown: none, then each provider.
var providers = []string{"", verify.Tencent, verify.Baidu}

func newCheckSection(s *Screen) *checkSection {
	c := &checkSection{s: s}
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.providerLabel, c.idLabel = widget.NewLabel(""), widget.NewLabel("")
	c.secretLabel, c.endpointLabel = widget.NewLabel(""), widget.NewLabel("")
	c.provider = widget.NewSelect(nil, nil)
	c.id, c.secret, c.endpoint = widget.NewEntry(), newSecretField(), widget.NewEntry()
	c.secret.entry.OnSubmitted = func(string) { c.onSave() }
	c.save = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), c.onSave)
	c.load()
	return c
}

func (c *checkSection) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		c.providerLabel, c.provider,
		c.idLabel, c.id,
		c.secretLabel, c.secret.entry,
		c.endpointLabel, c.endpoint,
	)
	return container.NewVBox(c.title, form, container.NewHBox(layout.NewSpacer(), c.save))
}

func (c *checkSection) relabel(tr *env.Translator) {
	c.title.SetText(tr.T("settings.check"))
	c.providerLabel.SetText(tr.T("settings.check.provider"))
	c.idLabel.SetText(tr.T("settings.check.id"))
	c.secretLabel.SetText(tr.T("settings.check.secret"))
	c.endpointLabel.SetText(tr.T("settings.check.endpoint"))
	c.endpoint.SetPlaceHolder(tr.T("settings.check.endpoint_default"))
	c.save.SetText(tr.T("settings.save"))
	chosen := c.chosen()
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = providerName(tr, p)
	}
	c.provider.Options = names
	c.provider.SetSelected(providerName(tr, chosen))
	c.secret.showState(c.s.e.Tr)
}

func providerName(tr *env.Translator, p string) string {
	if p == "" {
		return tr.T("settings.check.none")
	}
	return tr.T("check.provider." + p)
}

// chosen is the provider selected, "" for none.
func (c *checkSection) chosen() string {
	for _, p := range providers {
		if providerName(c.s.e.Tr, p) == c.provider.Selected {
			return p
		}
	}
	return ""
}

// load reads the settings in the background (the keyring can take seconds).
func (c *checkSection) load() {
	st, sec := c.s.e.Store(), c.s.e.Sec
	bridge.Run(c.s.e.Bridge, context.Background(), func(ctx context.Context) (checkStored, error) {
		var v checkStored
		v.provider, _ = config.VerifyProvider(ctx, st)
		if v.provider != "" {
			cfg, _ := config.Verifier(ctx, st, sec, v.provider)
			v.id, v.endpoint = cfg.ID, cfg.Endpoint
			v.secretSaved, _ = config.VerifySecretStored(sec, v.provider)
		}
		return v, nil
	}, func(v checkStored, _ error) {
		if c.provider.Selected == "" || c.chosen() == "" {
			c.provider.SetSelected(providerName(c.s.e.Tr, v.provider))
		}
		if c.id.Text == "" {
			c.id.SetText(v.id)
		}
		if c.endpoint.Text == "" {
			c.endpoint.SetText(v.endpoint)
		}
		c.secret.loaded(c.s.e.Tr, v.secretSaved)
	})
}

func (c *checkSection) onSave() {
	e := c.s.e
	provider, id, secret, endpoint := c.chosen(), c.id.Text, c.secret.entry.Text, c.endpoint.Text
	c.secret.save(c.s, "settings.check_saved", func(ctx context.Context) error {
		clerk := e.Clerk(ctx)
		if provider != "" {
			if err := config.SetVerifier(ctx, e.Store(), e.Sec, provider, id, secret, endpoint, clerk); err != nil {
				return err
			}
		}
		return config.SetVerifyProvider(ctx, e.Store(), provider, clerk)
	})
}
