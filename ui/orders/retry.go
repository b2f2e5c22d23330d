package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/gateway"
	"github.com/fapiaoscanner/fapiao/core/rebill"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/ui/internal/bridge"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// errNoCredentials: the gateway's credentials are not set, or cannot be
// read; nothing was sent.
var errNoCredentials = errors.New("no gateway credentials")

func (o *Screen) onRetryNew() {
	order, tax := strings.TrimSpace(o.orderNo.Text), store.NormalizeTaxID(env.NormalizeGun(o.taxNum.Text))
	if order == "" || tax == "" {
		o.show(o.e.Tr.T("orders.need_both"))
		return
	}
	o.retry(order, tax)
}

func (o *Screen) onRetrySelected() {
	if o.selected >= 0 && o.selected < len(o.orders) {
		o.retry(o.orders[o.selected].OrderNo, o.orders[o.selected].TaxNum)
	}
}

func (o *Screen) running() bool { return o.stop != nil }

// retry sends the order to the gateway in the background: reading the
// credentials (the secret is in the keyring), the call, its retries and the
// PDF's download can take many seconds.
func (o *Screen) retry(order, tax string) {
	if o.running() {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	o.stop = stop
	o.setBusy(true)
	e := o.e
	bridge.Run(e.Bridge, ctx, func(ctx context.Context) (rebill.Outcome, error) {
		creds, url, err := config.Gateway(ctx, e.Store(), e.Sec)
		if err != nil {
			return rebill.Outcome{}, fmt.Errorf("%w: %w", errNoCredentials, err)
		}
		svc := &rebill.Service{Store: e.Store(), Client: &gateway.Client{Endpoint: url, Creds: creds}, Scanner: e.Scanner}
		return svc.Retry(ctx, order, tax, e.Clerk(ctx))
	}, o.finish)
}

func (o *Screen) finish(out rebill.Outcome, err error) {
	o.stop()
	o.stop = nil
	o.setBusy(false)
	tr := o.e.Tr
	switch {
	case errors.Is(err, errNoCredentials):
		o.ShowCredentials()
		o.show(tr.T("orders.no_credentials"))
		return
	case err != nil:
		o.show(env.ErrorText(tr, err))
		return
	}
	// The order just tried is what the clerk looks at next.
	o.load(out.Order.ID)
	switch {
	case out.Err != nil:
		o.show(tr.F("orders.result.error", out.Err))
	case out.PDFErr != nil:
		o.show(tr.F("orders.result.pdf_failed", o.statusText(string(out.Result.Status)), out.PDFErr))
	case out.PDF != nil && len(out.PDF.Invoices) > 0 && out.PDF.Invoices[0].Recorded != nil:
		if out.Order.InvoiceID != 0 && o.OnChange != nil {
			o.OnChange()
		}
		o.show(tr.F("orders.result.scanned", out.Result.InvoiceNo))
	}
}

func (o *Screen) setBusy(on bool) {
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

func (o *Screen) onCancel() {
	if o.stop != nil {
		o.stop()
	}
}

func (o *Screen) onOpenInvoiceTapped() {
	if o.selected >= 0 && o.selected < len(o.orders) && o.OnOpenInvoice != nil && o.orders[o.selected].InvoiceID != 0 {
		o.OnOpenInvoice(o.orders[o.selected].InvoiceID)
	}
}
