// Package orders is the re-billing screen: the orders whose invoice issue
// was sent to the fw199 gateway again, each with every attempt, and the
// retries, of a new order or of the one selected.
package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// gatewayInfo is what the screen says of the gateway's credentials.
type gatewayInfo struct {
	appID, url string
}

// Screen is the re-billing screen. Its methods are called on the UI
// goroutine.
type Screen struct {
	e *env.Env
	// OnOpenInvoice opens a recorded invoice (the history's detail).
	OnOpenInvoice func(invoiceID int64)
	// OnSettings shows the settings, where the credentials are entered.
	OnSettings func()
	// OnChange tells the history that an invoice was recorded.
	OnChange func()

	orderLabel, taxLabel     *widget.Label
	orderNo, taxNum          *widget.Entry
	retryNew                 *widget.Button
	credentials              *widget.Label
	toSettings               *widget.Button
	busy                     *widget.ProgressBarInfinite
	busyLabel                *widget.Label
	cancel                   *widget.Button
	list                     *widget.List
	empty                    *widget.Label
	title, summary, attLabel *widget.Label
	attempts                 *widget.Table
	retrySel, openInvoice    *widget.Button

	orders     []store.Order
	selected   int
	history    []store.Attempt
	historyOf  int64 // the order history lists the attempts of
	loadOrders *bridge.Latest[[]store.Order]
	loadAtts   *bridge.Latest[[]store.Attempt]
	loadCreds  *bridge.Latest[gatewayInfo]

	stop    context.CancelFunc // the retry in flight
	message dialog.Dialog
}

var attemptColumns = []string{"orders.col.at", "orders.col.clerk", "orders.col.status", "orders.col.code",
	"orders.col.message", "orders.col.pdf"}

// New builds the re-billing screen; it reads the orders in the background.
func New(e *env.Env) *Screen {
	o := &Screen{e: e, selected: -1}
	o.loadOrders = bridge.NewLatest[[]store.Order](e.Bridge)
	o.loadAtts = bridge.NewLatest[[]store.Attempt](e.Bridge)
	o.loadCreds = bridge.NewLatest[gatewayInfo](e.Bridge)
	o.orderLabel, o.taxLabel = widget.NewLabel(""), widget.NewLabel("")
	o.orderNo, o.taxNum = widget.NewEntry(), widget.NewEntry()
	o.taxNum.OnSubmitted = func(string) { o.onRetryNew() }
	o.retryNew = widget.NewButtonWithIcon("", theme.MediaReplayIcon(), o.onRetryNew)
	o.retryNew.Importance = widget.HighImportance
	o.credentials = widget.NewLabel("")
	o.credentials.Wrapping = fyne.TextWrapWord
	o.toSettings = widget.NewButtonWithIcon("", theme.SettingsIcon(), func() {
		if o.OnSettings != nil {
			o.OnSettings()
		}
	})
	o.busy = widget.NewProgressBarInfinite()
	o.busy.Stop()
	o.busy.Hide()
	o.busyLabel = widget.NewLabel("")
	o.busyLabel.Hide()
	o.cancel = widget.NewButtonWithIcon("", theme.CancelIcon(), o.onCancel)
	o.cancel.Hide()
	o.list = widget.NewList(func() int { return len(o.orders) }, o.createOrder, o.updateOrder)
	o.list.OnSelected = o.onSelected
	o.empty = widget.NewLabel("")
	o.empty.Wrapping = fyne.TextWrapWord
	o.empty.Alignment = fyne.TextAlignCenter
	o.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	o.summary = widget.NewLabel("")
	o.summary.Wrapping = fyne.TextWrapWord
	o.attLabel = widget.NewLabel("")
	o.attempts = widget.NewTableWithHeaders(o.attemptSize, env.CellLabel, o.updateAttempt)
	o.attempts.ShowHeaderColumn = false
	o.attempts.UpdateHeader = o.updateAttemptHeader
	// Column widths follow the table's width (attemptNeeds).
	o.retrySel = widget.NewButtonWithIcon("", theme.MediaReplayIcon(), o.onRetrySelected)
	o.openInvoice = widget.NewButtonWithIcon("", theme.DocumentIcon(), o.onOpenInvoiceTapped)
	o.Reload()
	o.showSelected()
	return o
}

// Content is the screen's widget tree.
func (o *Screen) Content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		o.orderLabel, o.orderNo,
		o.taxLabel, container.NewBorder(nil, nil, nil, o.retryNew, o.taxNum))
	creds := container.NewBorder(nil, nil, nil, o.toSettings, o.credentials)
	busy := container.NewBorder(nil, nil, o.busyLabel, o.cancel, o.busy)
	top := container.NewVBox(form, creds, busy, widget.NewSeparator())
	left := container.NewBorder(top, nil, nil, nil, container.NewStack(o.list, container.NewPadded(o.empty)))
	buttons := container.NewHBox(o.retrySel, o.openInvoice)
	head := container.NewVBox(o.title, o.summary, buttons, widget.NewSeparator(), o.attLabel)
	attempts := container.New(env.FitColumns{Table: o.attempts, Needs: o.attemptNeeds, Stretch: 4}, o.attempts)
	right := container.NewBorder(head, nil, nil, nil, attempts)
	split := container.NewHSplit(left, container.NewPadded(right))
	split.SetOffset(0.34)
	return split
}

// Relabel puts the screen in the language chosen.
func (o *Screen) Relabel() {
	tr := o.e.Tr
	o.orderLabel.SetText(tr.T("orders.order_no"))
	o.taxLabel.SetText(tr.T("orders.tax_num"))
	o.orderNo.SetPlaceHolder(tr.T("orders.order_no.placeholder"))
	o.taxNum.SetPlaceHolder(tr.T("orders.tax_num.placeholder"))
	o.retryNew.SetText(tr.T("orders.retry"))
	o.toSettings.SetText(tr.T("orders.to_settings"))
	o.cancel.SetText(tr.T("scan.cancel"))
	o.busyLabel.SetText(tr.T("orders.busy"))
	o.empty.SetText(tr.T("orders.empty"))
	o.attLabel.SetText(tr.T("orders.attempts"))
	o.retrySel.SetText(tr.T("orders.retry_selected"))
	o.openInvoice.SetText(tr.T("orders.open_invoice"))
	o.ShowCredentials()
	o.list.Refresh()
	o.showSelected()
}

// ShowCredentials says whether retries can be sent, and where to fix it.
// The credentials are read in the background: the secret is in the
// system's keyring.
func (o *Screen) ShowCredentials() {
	st, sec := o.e.Store(), o.e.Sec
	o.loadCreds.Run(func(ctx context.Context) (gatewayInfo, error) {
		c, url, err := config.Gateway(ctx, st, sec)
		return gatewayInfo{appID: c.AppID, url: url}, err
	}, func(g gatewayInfo, err error) {
		switch {
		case errors.Is(err, config.ErrNoGateway):
			o.credentials.SetText(o.e.Tr.T("orders.no_credentials"))
			o.toSettings.Show()
		case err != nil:
			o.credentials.SetText(env.ErrorText(o.e.Tr, err))
			o.toSettings.Show()
		default:
			o.credentials.SetText(o.e.Tr.F("orders.credentials", g.appID, g.url))
			o.toSettings.Hide()
		}
	})
}

// Reset reads the orders and the gateway's settings of the history the
// window now uses, none selected.
func (o *Screen) Reset() {
	o.load(0)
	o.ShowCredentials()
}

// Reload reads the orders again, keeping the selected one selected.
func (o *Screen) Reload() {
	var keep int64
	if o.selected >= 0 && o.selected < len(o.orders) {
		keep = o.orders[o.selected].ID
	}
	o.load(keep)
}

// load reads the orders in the background, then selects order keep.
func (o *Screen) load(keep int64) {
	st := o.e.Store()
	o.loadOrders.Run(func(ctx context.Context) ([]store.Order, error) { return st.Orders(ctx) },
		func(list []store.Order, err error) {
			if store.IsUnreachable(err) {
				// The team's server is away: said on the screen, and
				// above the screens, not in a dialog over the scanning.
				o.credentials.SetText(env.ErrorText(o.e.Tr, err))
				return
			}
			if err != nil {
				o.show(env.ErrorText(o.e.Tr, err))
				return
			}
			o.orders = list
			o.selected = -1
			for i, ord := range list {
				if ord.ID == keep {
					o.selected = i
				}
			}
			if len(list) == 0 {
				o.empty.Show()
			} else {
				o.empty.Hide()
			}
			o.list.Refresh()
			if o.selected >= 0 {
				o.list.Select(o.selected)
			}
			o.showSelected()
		})
}

func (o *Screen) createOrder() fyne.CanvasObject {
	top := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top.Truncation = fyne.TextTruncateEllipsis
	bottom := widget.NewLabel("")
	bottom.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, container.NewVBox(top, bottom))
}

func (o *Screen) updateOrder(id widget.ListItemID, obj fyne.CanvasObject) {
	if id >= len(o.orders) {
		return
	}
	ord := o.orders[id]
	c := obj.(*fyne.Container)
	box := c.Objects[0].(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(ord.OrderNo + "  ·  " + o.statusText(ord.Status))
	detail := ord.TaxNum
	if ord.InvoiceNo != "" {
		detail += "  " + o.e.Tr.F("orders.invoice_no", ord.InvoiceNo)
	}
	detail += "  " + o.e.Tr.F("orders.tries", ord.Attempts) + "  " + env.FormatTime(o.e.Tr, ord.UpdatedAt)
	box.Objects[1].(*widget.Label).SetText(detail)
	c.Objects[1].(*widget.Icon).SetResource(statusIcon(ord.Status))
}

// statusIcon marks an order's latest outcome.
func statusIcon(status string) fyne.Resource {
	switch status {
	case "issued":
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case "accepted", "in_progress":
		return theme.NewPrimaryThemedResource(theme.HistoryIcon())
	case "failed":
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case "error":
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.QuestionIcon()
}

func (o *Screen) statusText(status string) string {
	if status == "" {
		return ""
	}
	return o.e.Tr.T("orders.status." + status)
}

func (o *Screen) onSelected(id widget.ListItemID) {
	o.selected = id
	if id >= 0 && id < len(o.orders) {
		// The form holds the selected order, so Enter retries it too.
		o.orderNo.SetText(o.orders[id].OrderNo)
		o.taxNum.SetText(o.orders[id].TaxNum)
	}
	o.showSelected()
}

// showSelected fills the right side with the selected order, and reads
// its attempts in the background.
func (o *Screen) showSelected() {
	tr := o.e.Tr
	if o.selected < 0 || o.selected >= len(o.orders) {
		o.loadAtts.Cancel()
		o.history, o.historyOf = nil, 0
		o.title.SetText(tr.T("orders.none_selected"))
		o.summary.SetText("")
		o.retrySel.Disable()
		o.openInvoice.Disable()
		o.attempts.Refresh()
		return
	}
	ord := o.orders[o.selected]
	if o.historyOf != ord.ID {
		o.history, o.historyOf = nil, ord.ID
	}
	st := o.e.Store()
	o.loadAtts.Run(func(ctx context.Context) ([]store.Attempt, error) { return st.Attempts(ctx, ord.ID) },
		func(atts []store.Attempt, err error) {
			if err == nil {
				o.history = atts
			}
			o.attempts.Refresh()
		})
	o.title.SetText(tr.F("orders.title", ord.OrderNo, ord.TaxNum))
	lines := []string{tr.F("orders.latest", o.statusText(ord.Status), ord.Message)}
	if ord.InvoiceNo != "" {
		lines = append(lines, tr.F("orders.invoice_no", ord.InvoiceNo))
	}
	if ord.PDFURL != "" {
		lines = append(lines, "PDF: "+ord.PDFURL)
	}
	lines = append(lines, tr.F("orders.created", env.FormatTime(tr, ord.CreatedAt), ord.CreatedBy))
	o.summary.SetText(strings.Join(lines, "\n"))
	enable(o.retrySel, !o.running())
	enable(o.openInvoice, ord.InvoiceID != 0)
	o.attempts.Refresh()
}

func enable(b *widget.Button, ok bool) {
	if ok {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (o *Screen) attemptSize() (int, int) { return len(o.history), len(attemptColumns) }

func (o *Screen) updateAttemptHeader(id widget.TableCellID, obj fyne.CanvasObject) {
	if id.Col >= 0 && id.Col < len(attemptColumns) {
		obj.(*widget.Label).SetText(o.e.Tr.T(attemptColumns[id.Col]))
	}
}

// attemptNeeds are the widths the attempts' columns need in the language
// chosen: the time, clerk, result, code and PDF whole, the gateway's
// message taking the rest.
func (o *Screen) attemptNeeds() []float32 {
	tr := o.e.Tr
	n := make([]float32, len(attemptColumns))
	for i, k := range attemptColumns {
		n[i] = env.TextWidth(tr.T(k), fyne.TextStyle{Bold: true})
	}
	n[0] = env.Widest(n[0], env.FormatTime(tr, time.Date(2000, 12, 30, 23, 59, 59, 0, time.Local)))
	n[1] = env.Widest(n[1], "王会计某")
	for _, s := range []string{"accepted", "issued", "in_progress", "failed", "error"} {
		n[2] = env.Widest(n[2], o.statusText(s))
	}
	n[3] = env.Widest(n[3], "0000")
	n[4] = max(n[4], 120)
	n[5] = env.Widest(n[5], o.pdfText("scanned"), o.pdfText("already read"))
	return n
}

func (o *Screen) updateAttempt(id widget.TableCellID, obj fyne.CanvasObject) {
	if id.Row >= len(o.history) {
		return
	}
	// Newest first: that is what the clerk wants to read.
	a := o.history[len(o.history)-1-id.Row]
	l := obj.(*widget.Label)
	l.Importance = widget.MediumImportance
	switch id.Col {
	case 0:
		l.SetText(env.FormatTime(o.e.Tr, a.At))
	case 1:
		l.SetText(a.Clerk)
	case 2:
		switch a.Status {
		case "failed", "error":
			l.Importance = widget.DangerImportance
		case "issued":
			l.Importance = widget.SuccessImportance
		}
		l.SetText(o.statusText(a.Status))
	case 3:
		if a.Status == "error" {
			l.SetText(env.Placeholder)
		} else {
			l.SetText(fmt.Sprint(a.Code))
		}
	case 4:
		text := a.Message
		if a.Error != "" {
			text = o.e.Tr.F("orders.no_answer", a.Error)
		}
		if a.Requests > 1 {
			text = o.e.Tr.F("orders.requests", a.Requests) + " " + text
		}
		l.SetText(text)
	case 5:
		l.SetText(o.pdfText(a.PDF))
	}
}

func (o *Screen) pdfText(p string) string {
	switch p {
	case "":
		return ""
	case "scanned":
		return o.e.Tr.T("orders.pdf.scanned")
	case "already read":
		return o.e.Tr.T("orders.pdf.already")
	}
	return o.e.Tr.F("orders.pdf.failed", p)
}

func (o *Screen) show(text string) {
	o.message = dialog.NewInformation(o.e.Tr.T("nav.orders"), text, o.e.Win)
	o.message.Show()
}
