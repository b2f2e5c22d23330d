package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/rebill"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// ordersScreen lists the orders whose invoice issue was sent to the fw199
// gateway again, each with every attempt, and retries them: a new order
// from its number and the seller's tax number, or the selected one.
type ordersScreen struct {
	e *env
	// onOpenInvoice opens a recorded invoice (the history's detail).
	onOpenInvoice func(invoiceID int64)
	// onSettings shows the settings, where the credentials are entered.
	onSettings func()
	// onChange tells the history that an invoice was recorded.
	onChange func()

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

	orders   []store.Order
	selected int
	history  []store.Attempt

	retrying sync.WaitGroup
	stop     context.CancelFunc
	message  dialog.Dialog
}

func newOrdersScreen(e *env) *ordersScreen {
	o := &ordersScreen{e: e, selected: -1}
	o.orderLabel, o.taxLabel = widget.NewLabel(""), widget.NewLabel("")
	o.orderNo, o.taxNum = widget.NewEntry(), widget.NewEntry()
	o.taxNum.OnSubmitted = func(string) { o.onRetryNew() }
	o.retryNew = widget.NewButtonWithIcon("", theme.MediaReplayIcon(), o.onRetryNew)
	o.retryNew.Importance = widget.HighImportance
	o.credentials = widget.NewLabel("")
	o.credentials.Wrapping = fyne.TextWrapWord
	o.toSettings = widget.NewButtonWithIcon("", theme.SettingsIcon(), func() {
		if o.onSettings != nil {
			o.onSettings()
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
	o.attempts = widget.NewTableWithHeaders(o.attemptSize, o.createAttempt, o.updateAttempt)
	o.attempts.ShowHeaderColumn = false
	o.attempts.UpdateHeader = o.updateAttemptHeader
	for i, w := range []float32{165, 75, 90, 55, 240, 150} {
		o.attempts.SetColumnWidth(i, w)
	}
	o.retrySel = widget.NewButtonWithIcon("", theme.MediaReplayIcon(), o.onRetrySelected)
	o.openInvoice = widget.NewButtonWithIcon("", theme.DocumentIcon(), o.onOpenInvoiceTapped)
	o.reload()
	o.showSelected()
	return o
}

var attemptColumns = []string{"orders.col.at", "orders.col.clerk", "orders.col.status", "orders.col.code",
	"orders.col.message", "orders.col.pdf"}

func (o *ordersScreen) content() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout(),
		o.orderLabel, o.orderNo,
		o.taxLabel, container.NewBorder(nil, nil, nil, o.retryNew, o.taxNum))
	creds := container.NewBorder(nil, nil, nil, o.toSettings, o.credentials)
	busy := container.NewBorder(nil, nil, o.busyLabel, o.cancel, o.busy)
	top := container.NewVBox(form, creds, busy, widget.NewSeparator())
	left := container.NewBorder(top, nil, nil, nil, container.NewStack(o.list, container.NewPadded(o.empty)))
	buttons := container.NewHBox(o.retrySel, o.openInvoice)
	head := container.NewVBox(o.title, o.summary, buttons, widget.NewSeparator(), o.attLabel)
	right := container.NewBorder(head, nil, nil, nil, o.attempts)
	split := container.NewHSplit(left, container.NewPadded(right))
	split.SetOffset(0.34)
	return split
}

func (o *ordersScreen) relabel() {
	tr := o.e.tr
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
	o.showCredentials()
	o.list.Refresh()
	o.showSelected()
}

// showCredentials says whether retries can be sent, and where to fix it.
func (o *ordersScreen) showCredentials() {
	c, url, err := config.Gateway(context.Background(), o.e.st, o.e.sec)
	switch {
	case errors.Is(err, config.ErrNoGateway):
		o.credentials.SetText(o.e.tr.T("orders.no_credentials"))
		o.toSettings.Show()
	case err != nil:
		o.credentials.SetText(errorText(o.e.tr, err))
		o.toSettings.Show()
	default:
		o.credentials.SetText(o.e.tr.F("orders.credentials", c.AppID, url))
		o.toSettings.Hide()
	}
}

// reload reads the orders again, keeping the selected one selected.
func (o *ordersScreen) reload() {
	var keep int64
	if o.selected >= 0 && o.selected < len(o.orders) {
		keep = o.orders[o.selected].ID
	}
	list, err := o.e.st.Orders(context.Background())
	if err != nil {
		o.show(errorText(o.e.tr, err))
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
}

func (o *ordersScreen) createOrder() fyne.CanvasObject {
	top := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top.Truncation = fyne.TextTruncateEllipsis
	bottom := widget.NewLabel("")
	bottom.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, container.NewVBox(top, bottom))
}

func (o *ordersScreen) updateOrder(id widget.ListItemID, obj fyne.CanvasObject) {
	if id >= len(o.orders) {
		return
	}
	ord := o.orders[id]
	c := obj.(*fyne.Container)
	box := c.Objects[0].(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(ord.OrderNo + "  ·  " + o.statusText(ord.Status))
	detail := ord.TaxNum
	if ord.InvoiceNo != "" {
		detail += "  " + o.e.tr.F("orders.invoice_no", ord.InvoiceNo)
	}
	detail += "  " + o.e.tr.F("orders.tries", ord.Attempts) + "  " + formatTime(o.e.tr, ord.UpdatedAt)
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

func (o *ordersScreen) statusText(status string) string {
	if status == "" {
		return ""
	}
	return o.e.tr.T("orders.status." + status)
}

func (o *ordersScreen) onSelected(id widget.ListItemID) {
	o.selected = id
	if id >= 0 && id < len(o.orders) {
		// The form holds the selected order, so Enter retries it too.
		o.orderNo.SetText(o.orders[id].OrderNo)
		o.taxNum.SetText(o.orders[id].TaxNum)
	}
	o.showSelected()
}

// showSelected fills the right side with the selected order and its attempts.
func (o *ordersScreen) showSelected() {
	tr := o.e.tr
	o.history = nil
	if o.selected < 0 || o.selected >= len(o.orders) {
		o.title.SetText(tr.T("orders.none_selected"))
		o.summary.SetText("")
		o.retrySel.Disable()
		o.openInvoice.Disable()
		o.attempts.Refresh()
		return
	}
	ord := o.orders[o.selected]
	if atts, err := o.e.st.Attempts(context.Background(), ord.ID); err == nil {
		o.history = atts
	}
	o.title.SetText(tr.F("orders.title", ord.OrderNo, ord.TaxNum))
	lines := []string{tr.F("orders.latest", o.statusText(ord.Status), ord.Message)}
	if ord.InvoiceNo != "" {
		lines = append(lines, tr.F("orders.invoice_no", ord.InvoiceNo))
	}
	if ord.PDFURL != "" {
		lines = append(lines, "PDF: "+ord.PDFURL)
	}
	lines = append(lines, tr.F("orders.created", formatTime(tr, ord.CreatedAt), ord.CreatedBy))
	o.summary.SetText(strings.Join(lines, "\n"))
	if o.running() {
		o.retrySel.Disable()
	} else {
		o.retrySel.Enable()
	}
	if ord.InvoiceID != 0 {
		o.openInvoice.Enable()
	} else {
		o.openInvoice.Disable()
	}
	o.attempts.Refresh()
}

func (o *ordersScreen) attemptSize() (int, int) { return len(o.history), len(attemptColumns) }

func (o *ordersScreen) createAttempt() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (o *ordersScreen) updateAttemptHeader(id widget.TableCellID, obj fyne.CanvasObject) {
	if id.Col >= 0 && id.Col < len(attemptColumns) {
		obj.(*widget.Label).SetText(o.e.tr.T(attemptColumns[id.Col]))
	}
}

func (o *ordersScreen) updateAttempt(id widget.TableCellID, obj fyne.CanvasObject) {
	if id.Row >= len(o.history) {
		return
	}
	// Newest first: that is what the clerk wants to read.
	a := o.history[len(o.history)-1-id.Row]
	l := obj.(*widget.Label)
	l.Importance = widget.MediumImportance
	switch id.Col {
	case 0:
		l.SetText(formatTime(o.e.tr, a.At))
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
			l.SetText("—")
		} else {
			l.SetText(fmt.Sprint(a.Code))
		}
	case 4:
		text := a.Message
		if a.Error != "" {
			text = o.e.tr.F("orders.no_answer", a.Error)
		}
		if a.Requests > 1 {
			text = o.e.tr.F("orders.requests", a.Requests) + " " + text
		}
		l.SetText(text)
	case 5:
		l.SetText(o.pdfText(a.PDF))
	}
}

func (o *ordersScreen) pdfText(p string) string {
	switch p {
	case "":
		return ""
	case "scanned":
		return o.e.tr.T("orders.pdf.scanned")
	case "already read":
		return o.e.tr.T("orders.pdf.already")
	}
	return o.e.tr.F("orders.pdf.failed", p)
}

// --- retrying ---

func (o *ordersScreen) onRetryNew() {
	order, tax := strings.TrimSpace(o.orderNo.Text), store.NormalizeTaxID(normalizeGun(o.taxNum.Text))
	if order == "" || tax == "" {
		o.show(o.e.tr.T("orders.need_both"))
		return
	}
	o.retry(order, tax)
}

func (o *ordersScreen) onRetrySelected() {
	if o.selected >= 0 && o.selected < len(o.orders) {
		o.retry(o.orders[o.selected].OrderNo, o.orders[o.selected].TaxNum)
	}
}

func (o *ordersScreen) running() bool { return o.stop != nil }

// retry sends the order to the gateway on a goroutine: the call, its
// retries and the PDF download can take many seconds.
func (o *ordersScreen) retry(order, tax string) {
	if o.running() {
		return
	}
	ctx := context.Background()
	creds, url, err := config.Gateway(ctx, o.e.st, o.e.sec)
	if err != nil {
		o.showCredentials()
		o.show(o.e.tr.T("orders.no_credentials"))
		return
	}
	svc := &rebill.Service{Store: o.e.st, Client: &gateway.Client{Endpoint: url, Creds: creds}, Scanner: o.e.scanner}
	clerk := o.e.clerk(ctx)
	ctx, o.stop = context.WithCancel(ctx)
	o.setBusy(true)
	o.retrying.Add(1)
	go func() {
		defer o.retrying.Done()
		out, err := svc.Retry(ctx, order, tax, clerk)
		fyne.Do(func() { o.finish(out, err) })
	}()
}

func (o *ordersScreen) finish(out rebill.Outcome, err error) {
	o.stop()
	o.stop = nil
	o.setBusy(false)
	tr := o.e.tr
	if err != nil {
		o.show(errorText(tr, err))
		return
	}
	o.reload()
	// The order just tried is what the clerk looks at next.
	for i, ord := range o.orders {
		if ord.ID == out.Order.ID {
			o.selected = i
			o.list.Select(i)
			o.showSelected()
		}
	}
	switch {
	case out.Err != nil:
		o.show(tr.F("orders.result.error", out.Err))
	case out.PDFErr != nil:
		o.show(tr.F("orders.result.pdf_failed", o.statusText(string(out.Result.Status)), out.PDFErr))
	case out.PDF != nil && len(out.PDF.Invoices) > 0 && out.PDF.Invoices[0].Recorded != nil:
		if out.Order.InvoiceID != 0 && o.onChange != nil {
			o.onChange()
		}
		o.show(tr.F("orders.result.scanned", out.Result.InvoiceNo))
	}
}

func (o *ordersScreen) setBusy(on bool) {
	for _, w := range []fyne.Widget{o.busy, o.busyLabel, o.cancel} {
		if on {
			w.Show()
		} else {
			w.Hide()
		}
	}
	if on {
		o.busy.Start()
		o.retryNew.Disable()
		o.retrySel.Disable()
	} else {
		o.busy.Stop()
		o.retryNew.Enable()
		o.showSelected()
	}
}

func (o *ordersScreen) onCancel() {
	if o.stop != nil {
		o.stop()
	}
}

func (o *ordersScreen) onOpenInvoiceTapped() {
	if o.selected >= 0 && o.selected < len(o.orders) && o.onOpenInvoice != nil && o.orders[o.selected].InvoiceID != 0 {
		o.onOpenInvoice(o.orders[o.selected].InvoiceID)
	}
}

func (o *ordersScreen) show(text string) {
	o.message = dialog.NewInformation(o.e.tr.T("nav.orders"), text, o.e.win)
	o.message.Show()
}

// wait blocks until the retry in flight is done (tests).
func (o *ordersScreen) wait() { o.retrying.Wait() }
