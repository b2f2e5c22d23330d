package settings

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
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// The settings that hold secrets: the keys of sealed QR codes and the fw199
// gateway's credentials. Neither a key nor the gateway's secret is ever put
// back into a field: the screen shows fingerprints and "saved".

// maxKeyFile bounds what is read from a key file; a PEM public key is a
// few hundred bytes.
const maxKeyFile = 64 << 10

// keysSection imports, lists and removes the keys of sealed QR issuers.
type keysSection struct {
	s *Screen

	title, sm4Label, pubLabel *widget.Label
	sm4, pub                  *widget.Entry
	sm4File, pubFile, add     *widget.Button
	rows                      *fyne.Container

	keys       []config.KeyInfo
	list       *bridge.Latest[[]config.KeyInfo]
	fileDialog *dialog.FileDialog
}

func newKeysSection(s *Screen) *keysSection {
	k := &keysSection{s: s, list: bridge.NewLatest[[]config.KeyInfo](s.e.Bridge)}
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

func (k *keysSection) relabel(tr *env.Translator) {
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
	k.fileDialog = dialog.NewFileOpen(k.fromFile(target), k.s.e.Win)
	k.fileDialog.Show()
}

// fromFile reads the file the dialog hands over in the background, and puts
// its text into target.
func (k *keysSection) fromFile(target *widget.Entry) func(fyne.URIReadCloser, error) {
	e := k.s.e
	return func(r fyne.URIReadCloser, err error) {
		if err != nil {
			k.s.show(env.ErrorText(e.Tr, err))
			return
		}
		if r == nil {
			return // cancelled
		}
		bridge.Run(e.Bridge, context.Background(), func(context.Context) (string, error) {
			defer r.Close()
			b, err := io.ReadAll(io.LimitReader(r, maxKeyFile))
			return strings.TrimSpace(string(b)), err
		}, func(text string, err error) {
			if err != nil {
				k.s.show(env.ErrorText(e.Tr, err))
				return
			}
			target.SetText(text)
		})
	}
}

func (k *keysSection) onImport() {
	e := k.s.e
	sm4, pub := k.sm4.Text, k.pub.Text
	bridge.Run(e.Bridge, context.Background(), func(ctx context.Context) (string, error) {
		fp, err := config.ImportSealedKey(ctx, e.Store(), e.Sec, sm4, pub, e.Clerk(ctx))
		if err == nil {
			e.LoadKeys(ctx)
		}
		return fp, err
	}, func(fp string, err error) {
		if err != nil {
			k.s.show(secretErrorText(e.Tr, err))
			return
		}
		if k.sm4.Text == sm4 && k.pub.Text == pub {
			k.sm4.SetText("")
			k.pub.SetText("")
		}
		k.reload()
		k.s.show(e.Tr.F("settings.key_imported", fp))
	})
}

func (k *keysSection) remove(fingerprint string) {
	e := k.s.e
	c := dialog.NewConfirm(e.Tr.T("confirm.title"), e.Tr.F("settings.key_remove_confirm", fingerprint), func(ok bool) {
		if !ok {
			return
		}
		e.Bridge.Exec(context.Background(), func(ctx context.Context) error {
			err := config.RemoveSealedKey(ctx, e.Store(), e.Sec, fingerprint, e.Clerk(ctx))
			e.LoadKeys(ctx)
			return err
		}, func(err error) {
			if err != nil {
				k.s.show(secretErrorText(e.Tr, err))
			}
			k.reload()
		})
	}, e.Win)
	k.s.confirm = c
	c.Show()
}

// reload lists the keys again, in the background: the SM4 keys are in the
// keyring.
func (k *keysSection) reload() {
	st, sec := k.s.e.Store(), k.s.e.Sec
	k.list.Run(func(ctx context.Context) ([]config.KeyInfo, error) { return config.SealedKeyInfo(ctx, st, sec) },
		func(keys []config.KeyInfo, err error) {
			if err != nil {
				keys = nil
			}
			k.keys = keys
			k.showRows()
		})
}

// showRows lists the issuers, one row each with its remove button. A row
// holds fingerprints only.
func (k *keysSection) showRows() {
	tr := k.s.e.Tr
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

// secretErrorText words the refusals of the key and gateway settings.
func secretErrorText(tr *env.Translator, err error) string {
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
	return env.ErrorText(tr, err)
}
