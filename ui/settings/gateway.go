package settings

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// gatewaySection holds the fw199 credentials the re-billing screen uses.
type gatewaySection struct {
	s *Screen

	title, appIDLabel, secretLabel, endpointLabel *widget.Label
	appID, endpoint                               *widget.Entry
	secret                                        *secretField
	save                                          *widget.Button
	where                                         *widget.Label

	secretsAt string // where the secrets are kept, once known
}

// stored is the gateway's settings as the history and the keyring hold them.
type stored struct {
	appID, endpoint string
	secretSaved     bool
	where           string
}

func newGatewaySection(s *Screen) *gatewaySection {
	g := &gatewaySection{s: s}
	g.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	g.appIDLabel, g.secretLabel, g.endpointLabel = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	g.appID, g.secret, g.endpoint = widget.NewEntry(), newSecretField(), widget.NewEntry()
	g.endpoint.SetPlaceHolder(gateway.DefaultEndpoint)
	g.secret.entry.OnSubmitted = func(string) { g.onSave() }
	g.save = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), g.onSave)
	g.where = widget.NewLabel("")
	g.where.Wrapping = fyne.TextWrapWord
	g.load()
	return g
}

func (g *gatewaySection) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		g.appIDLabel, g.appID,
		g.secretLabel, g.secret.entry,
		g.endpointLabel, g.endpoint,
	)
	return container.NewVBox(g.title, form, container.NewHBox(layout.NewSpacer(), g.save), g.where)
}

func (g *gatewaySection) relabel(tr *env.Translator) {
	g.title.SetText(tr.T("settings.gateway"))
	g.appIDLabel.SetText(tr.T("settings.appid"))
	g.secretLabel.SetText(tr.T("settings.secret"))
	g.endpointLabel.SetText(tr.T("settings.endpoint"))
	g.save.SetText(tr.T("settings.save"))
	g.showWhere()
	g.secret.showState(g.s.e.Tr)
}

// load reads the settings in the background: whether a secret is stored,
// and where, is a question to the keyring, which can take seconds.
func (g *gatewaySection) load() {
	st, sec := g.s.e.Store(), g.s.e.Sec
	bridge.Run(g.s.e.Bridge, context.Background(), func(ctx context.Context) (stored, error) {
		var v stored
		var err error
		if v.appID, err = st.Setting(ctx, config.SettingAppID); err != nil {
			v.appID = ""
		}
		if v.endpoint, err = st.Setting(ctx, config.SettingEndpoint); err != nil {
			v.endpoint = ""
		}
		v.secretSaved, _ = config.GatewaySecretStored(sec)
		v.where = sec.Where()
		return v, nil
	}, func(v stored, _ error) {
		// What the clerk has typed meanwhile stays.
		if g.appID.Text == "" {
			g.appID.SetText(v.appID)
		}
		if g.endpoint.Text == "" {
			g.endpoint.SetText(v.endpoint)
		}
		g.secretsAt = v.where
		g.showWhere()
		g.secret.loaded(g.s.e.Tr, v.secretSaved)
	})
}

func (g *gatewaySection) showWhere() {
	if g.secretsAt != "" {
		g.where.SetText(g.s.e.Tr.F("settings.secrets_where", g.secretsAt))
	}
}

func (g *gatewaySection) onSave() {
	e := g.s.e
	appID, secret, endpoint := g.appID.Text, g.secret.entry.Text, g.endpoint.Text
	g.secret.save(g.s, "settings.gateway_saved", func(ctx context.Context) error {
		return config.SetGateway(ctx, e.Store(), e.Sec, appID, secret, endpoint, e.Clerk(ctx))
	})
}
