package orders

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/gateway/gatewaytest"
	"github.com/fapiaoscanner/fapiao/core/store"
	"github.com/fapiaoscanner/fapiao/internal/shared"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
	"github.com/fapiaoscanner/fapiao/ui/internal/uitest"
)

// fakeGateway serves the re-billing call as the gateway documents it,
// checking each signature: orders starting with I are issued with a real
// invoice PDF.
func fakeGateway(t *testing.T, secret string) *httptest.Server {
	t.Helper()
	pdf, err := os.ReadFile(shared.Path(t, "corpus", "real", "pdf", "Caisin__fapiao-print__7.22底座.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&gatewaytest.Handler{Secret: secret, PDF: pdf, InvoiceNo: "25322000000337005189"})
	t.Cleanup(srv.Close)
	return srv
}

// newScreen is the re-billing screen, shown, over a fresh history. What the
// background hands to the window waits until settle runs it on the test
// goroutine.
func newScreen(t *testing.T) (o *Screen, e *env.Env, settle func()) {
	t.Helper()
	w := uitest.NewWindow(t)
	o = New(w.Env)
	w.Show(o.Content())
	o.Relabel()
	w.Settle()
	return o, w.Env, w.Settle
}

func TestOrdersRetryRecordsAndReadsThePDF(t *testing.T) {
	for _, k := range []string{config.EnvAppID, config.EnvSecret, config.EnvEndpoint} {
		t.Setenv(k, "")
	}
	srv := fakeGateway(t, "s3cret")
	o, e, settle := newScreen(t)

	// Without credentials the screen says where to set them, and sends nothing.
	if !strings.Contains(o.credentials.Text, "设置") || o.toSettings.Hidden {
		t.Fatalf("no credentials: %q", o.credentials.Text)
	}
	test.Type(o.orderNo, "I1")
	test.Type(o.taxNum, "91310117568051223x")
	test.Tap(o.retryNew)
	settle()
	if o.message == nil || len(o.orders) != 0 {
		t.Fatalf("retry without credentials: orders %v", o.orders)
	}
	o.message.Hide()

	ctx := context.Background()
	if err := config.SetGateway(ctx, e.Store(), e.Sec, "app", "s3cret", srv.URL+"/rebill", "王会计"); err != nil {
		t.Fatal(err)
	}
	o.ShowCredentials() // as when the screen is shown again
	settle()
	if !strings.Contains(o.credentials.Text, "app") || !o.toSettings.Hidden {
		t.Fatalf("credentials line: %q", o.credentials.Text)
	}
	test.Tap(o.retryNew)
	settle()
	if len(o.orders) != 1 || o.orders[0].Status != "issued" || o.orders[0].InvoiceID == 0 {
		t.Fatalf("orders after retry: %+v", o.orders)
	}
	if o.selected != 0 || len(o.history) != 1 || o.openInvoice.Disabled() {
		t.Fatalf("selected %d, attempts %d, open disabled %v", o.selected, len(o.history), o.openInvoice.Disabled())
	}
	if got := uitest.CellText(o.attempts, 0, 2); got != "已开具" {
		t.Errorf("status cell %q", got)
	}
	if got := uitest.CellText(o.attempts, 0, 5); got != "PDF 已读取并记入历史" {
		t.Errorf("PDF cell %q", got)
	}
	if !strings.Contains(o.summary.Text, "25322000000337005189") {
		t.Errorf("summary %q", o.summary.Text)
	}
	// The re-issued invoice is in the history, read from its PDF.
	inv, err := e.Store().Get(ctx, o.orders[0].InvoiceID)
	if err != nil || inv.Number != "25322000000337005189" || inv.Sightings[0].Source != store.SourceGateway {
		t.Fatalf("recorded invoice: %+v, %v", inv, err)
	}
	o.message.Hide()

	// The gateway goes down: the retry of the selected order is recorded
	// as unanswered, and the invoice stays linked.
	srv.Close()
	test.Tap(o.retrySel)
	settle()
	if len(o.orders) != 1 || o.orders[0].Status != "error" || o.orders[0].Attempts != 2 || o.orders[0].InvoiceID == 0 {
		t.Fatalf("after an unanswered retry: %+v", o.orders)
	}
	if got := uitest.CellText(o.attempts, 0, 2); got != "网关无应答" {
		t.Errorf("newest attempt first: status cell %q", got)
	}

	// Opening the invoice shows it in the history.
	opened := int64(0)
	o.OnOpenInvoice = func(id int64) { opened = id }
	test.Tap(o.openInvoice)
	if opened != inv.ID {
		t.Errorf("opened invoice %d, want %d", opened, inv.ID)
	}
}
