package ui

import (
	"context"
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/gateway"
)

// The settings that hold secrets: the keys of sealed QR codes and the fw199
// gateway's credentials. Neither a key nor the gateway's secret is ever put
// back into a field: the screen shows fingerprints and "saved".

// maxKeyFile bounds what is read from a key file; a PEM public key is a
// few hundred bytes.
const maxKeyFile = 64 << 10

// loadKeys gives the scanner the sealed QR keys imported in the settings.
// Keys that cannot be read are left out; the settings screen says which.
func (e *env) loadKeys() {
	kr, _ := config.SealedKeys(context.Background(), e.st, e.sec)
	e.scanner.SetKeys(kr)
}

// keysSection imports, lists and removes the keys of sealed QR issuers.
type keysSection struct {
	s *settingsScreen

	title, sm4Label, pubLabel *widget.Label
	sm4, pub                  *widget.Entry
	sm4File, pubFile, add     *widget.Button
	rows                      *fyne.Container

	keys       []config.KeyInfo
	fileDialog *dialog.FileDialog
}

func newKeysSection(s *settingsScreen) *keysSection {
	k := &keysSection{s: s}
	k.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	k.sm4Label, k.pubLabel = widget.NewLabel(""), widget.NewLabel("")
	k.sm4 = widget.NewPasswordEntry()
	k.pub = widget.NewMultiLineEntry()
	k.pub.SetMinRowsVisible(3)
	k.pub.Wrapping = fyne.TextWrapBreak
	k.sm4File = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { k.openFile(k.sm4) })
	k.pubFile = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { k.openFile(k.pub) })
	k.add = widget.NewButtonWithIcon("", theme.ContentAddIcon(), k.onImport)
	k.rows = container.NewVBox()
	k.reload()
	return k
}

func (k *keysSection) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		k.sm4Label, container.NewBorder(nil, nil, nil, k.sm4File, k.sm4),
		k.pubLabel, container.NewBorder(nil, nil, nil, k.pubFile, k.pub),
	)
	return container.NewVBox(k.title, form, container.NewHBox(layout.NewSpacer(), k.add), k.rows)
}

func (k *keysSection) relabel(tr *Translator) {
	k.title.SetText(tr.T("settings.keys"))
	k.sm4Label.SetText(tr.T("settings.sm4"))
	k.sm4.SetPlaceHolder(tr.T("settings.sm4.placeholder"))
	k.pubLabel.SetText(tr.T("settings.sm2_pub"))
	k.pub.SetPlaceHolder(tr.T("settings.sm2_pub.placeholder"))
	k.sm4File.SetText(tr.T("settings.from_file"))
	k.pubFile.SetText(tr.T("settings.from_file"))
	k.add.SetText(tr.T("settings.import_key"))
	k.showRows()
}

// openFile lets the clerk pick a key file; its text goes into target, to
// be checked and imported like pasted text.
func (k *keysSection) openFile(target *widget.Entry) {
	k.fileDialog = dialog.NewFileOpen(k.fromFile(target), k.s.e.win)
	k.fileDialog.Show()
}

func (k *keysSection) fromFile(target *widget.Entry) func(fyne.URIReadCloser, error) {
	return func(r fyne.URIReadCloser, err error) {
		if err != nil {
			k.s.show(errorText(k.s.e.tr, err))
			return
		}
		if r == nil {
			return // cancelled
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, maxKeyFile))
		if err != nil {
			k.s.show(errorText(k.s.e.tr, err))
			return
		}
		target.SetText(strings.TrimSpace(string(b)))
	}
}

func (k *keysSection) onImport() {
	e := k.s.e
	ctx := context.Background()
	fp, err := config.ImportSealedKey(ctx, e.st, e.sec, k.sm4.Text, k.pub.Text, e.clerk(ctx))
	if err != nil {
		k.s.show(secretErrorText(e.tr, err))
		return
	}
	k.sm4.SetText("")
	k.pub.SetText("")
	e.loadKeys()
	k.reload()
	k.s.show(e.tr.F("settings.key_imported", fp))
}

func (k *keysSection) remove(fingerprint string) {
	e := k.s.e
	c := dialog.NewConfirm(e.tr.T("confirm.title"), e.tr.F("settings.key_remove_confirm", fingerprint), func(ok bool) {
		if !ok {
			return
		}
		ctx := context.Background()
		if err := config.RemoveSealedKey(ctx, e.st, e.sec, fingerprint, e.clerk(ctx)); err != nil {
			k.s.show(secretErrorText(e.tr, err))
		}
		e.loadKeys()
		k.reload()
	}, e.win)
	k.s.confirm = c
	c.Show()
}

func (k *keysSection) reload() {
	keys, err := config.SealedKeyInfo(context.Background(), k.s.e.st, k.s.e.sec)
	if err != nil {
		keys = nil
	}
	k.keys = keys
	k.showRows()
}

// showRows lists the issuers, one row each with its remove button. A row
// holds fingerprints only.
func (k *keysSection) showRows() {
	tr := k.s.e.tr
	objs := make([]fyne.CanvasObject, 0, len(k.keys)+1)
	if len(k.keys) == 0 {
		none := widget.NewLabel(tr.T("settings.no_keys"))
		none.Wrapping = fyne.TextWrapWord
		objs = append(objs, none)
	}
	for _, info := range k.keys {
		text := tr.F("settings.key_row", info.Fingerprint, info.SM4)
		if info.SM4 == "" {
			text = tr.F("settings.key_row_missing", info.Fingerprint)
		}
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		fp := info.Fingerprint
		b := widget.NewButtonWithIcon(tr.T("settings.remove"), theme.DeleteIcon(), func() { k.remove(fp) })
		objs = append(objs, container.NewBorder(nil, nil, nil, b, l))
	}
	k.rows.Objects = objs
	k.rows.Refresh()
}

// gatewaySection holds the fw199 credentials the re-billing screen uses.
type gatewaySection struct {
	s *settingsScreen

	title, appIDLabel, secretLabel, endpointLabel *widget.Label
	appID, secret, endpoint                       *widget.Entry
	save                                          *widget.Button
	where                                         *widget.Label

	secretSaved bool
}

func newGatewaySection(s *settingsScreen) *gatewaySection {
	g := &gatewaySection{s: s}
	g.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	g.appIDLabel, g.secretLabel, g.endpointLabel = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	g.appID, g.secret, g.endpoint = widget.NewEntry(), widget.NewPasswordEntry(), widget.NewEntry()
	g.endpoint.SetPlaceHolder(gateway.DefaultEndpoint)
	ctx := context.Background()
	if v, err := s.e.st.Setting(ctx, config.SettingAppID); err == nil {
		g.appID.SetText(v)
	}
	if v, err := s.e.st.Setting(ctx, config.SettingEndpoint); err == nil {
		g.endpoint.SetText(v)
	}
	g.secretSaved, _ = config.GatewaySecretStored(s.e.sec)
	g.secret.OnSubmitted = func(string) { g.onSave() }
	g.save = widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), g.onSave)
	g.where = widget.NewLabel("")
	g.where.Wrapping = fyne.TextWrapWord
	return g
}

func (g *gatewaySection) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		g.appIDLabel, g.appID,
		g.secretLabel, g.secret,
		g.endpointLabel, g.endpoint,
	)
	return container.NewVBox(g.title, form, container.NewHBox(layout.NewSpacer(), g.save), g.where)
}

func (g *gatewaySection) relabel(tr *Translator) {
	g.title.SetText(tr.T("settings.gateway"))
	g.appIDLabel.SetText(tr.T("settings.appid"))
	g.secretLabel.SetText(tr.T("settings.secret"))
	g.endpointLabel.SetText(tr.T("settings.endpoint"))
	g.save.SetText(tr.T("settings.save"))
	g.where.SetText(tr.F("settings.secrets_where", g.s.e.sec.Where()))
	g.showSecretState()
}

// showSecretState says in the empty secret field whether one is stored.
func (g *gatewaySection) showSecretState() {
	key := "settings.secret.unset"
	if g.secretSaved {
		key = "settings.secret.saved"
	}
	g.secret.SetPlaceHolder(g.s.e.tr.T(key))
}

func (g *gatewaySection) onSave() {
	e := g.s.e
	ctx := context.Background()
	if err := config.SetGateway(ctx, e.st, e.sec, g.appID.Text, g.secret.Text, g.endpoint.Text, e.clerk(ctx)); err != nil {
		g.s.show(secretErrorText(e.tr, err))
		return
	}
	g.secretSaved = g.secretSaved || strings.TrimSpace(g.secret.Text) != ""
	g.secret.SetText("")
	g.showSecretState()
	g.s.show(e.tr.T("settings.gateway_saved"))
}

// secretErrorText words the refusals of the key and gateway settings.
func secretErrorText(tr *Translator, err error) string {
	for kind, key := range map[error]string{
		config.ErrBadSM4Key:    "settings.error.sm4",
		config.ErrBadPublicKey: "settings.error.sm2_pub",
		config.ErrNoAppID:      "settings.error.appid",
		config.ErrBadEndpoint:  "settings.error.endpoint",
	} {
		if errors.Is(err, kind) {
			return tr.T(key)
		}
	}
	return errorText(tr, err)
}
