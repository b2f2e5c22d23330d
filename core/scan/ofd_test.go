package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/document/ofdtest"
	"github.com/fapiaoscanner/fapiao/core/finding"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// scanOFD writes inv as an OFD file and scans it.
func scanOFD(t *testing.T, inv ofdtest.Invoice) FileResult {
	t.Helper()
	data, err := ofdtest.Build(inv)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "invoice.ofd")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Scanner{Now: docNow}
	r := s.File(context.Background(), path)
	if r.Err != nil {
		t.Fatalf("scan: %v", r.Err)
	}
	return r
}

func findingCodes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+"/"+string(f.Severity))
	}
	return out
}

// railwayTicket is a 12306 e-ticket of 2022 as an OFD: the QR code in the
// six-field layout, the fare and its tax printed under captions of their
// own, the buyer's ID captioned 统一社会信用代码:.
func railwayTicket(qr string) ofdtest.Invoice {
	return ofdtest.Invoice{
		QR: qr,
		Customs: map[string]string{
			"发票号码": "22110000000012345678", "开票日期": "2022年03月17日",
		},
		Texts: []ofdtest.Text{
			{X: 70, Y: 8, Size: 6, S: "电子发票（铁路电子客票）"},
			{X: 140, Y: 10, Size: 3, S: "发票号码:22110000000012345678"},
			{X: 140, Y: 15, Size: 3, S: "开票日期:2022年03月17日"},
			{X: 30, Y: 35, Size: 4, S: "北京南站"},
			{X: 90, Y: 35, Size: 4, S: "G123"},
			{X: 140, Y: 35, Size: 4, S: "上海虹桥站"},
			{X: 30, Y: 50, Size: 3, S: "票价:￥166.05"},
			{X: 90, Y: 50, Size: 3, S: "二等座"},
			{X: 30, Y: 58, Size: 3, S: "金额:￥152.34"},
			{X: 80, Y: 58, Size: 3, S: "税额:￥13.71"},
			{X: 30, Y: 70, Size: 3, S: "购买方名称:北京某某科技有限公司"},
			{X: 110, Y: 70, Size: 3, S: "统一社会信用代码:91320621MA1MRHG205"},
			{X: 30, Y: 80, Size: 3, S: "电子客票号:1234567890123456789012"},
		},
	}
}

// TestScanRailwayTicketOFD: the six-field QR of a 2022 railway e-ticket is
// read for what it is, the fare and the buyer's ID are read from the page,
// and nothing is flagged.
func TestScanRailwayTicketOFD(t *testing.T) {
	body := "01,51,22110000000012345678,166.05,20220317"
	qr := body + "," + payload.ComputeCRCVariant(body, "umts-with-comma")
	r := scanOFD(t, railwayTicket(qr))
	if len(r.Invoices) != 1 || r.Invoices[0].QR == nil {
		t.Fatalf("invoices %+v", r.Invoices)
	}
	inv := r.Invoices[0]
	q, p := inv.QR, inv.Printed
	if q.Layout != payload.LayoutTicket || q.Number != "22110000000012345678" || q.Amount.String() != "166.05" || q.Date.String() != "2022-03-17" {
		t.Errorf("QR read as layout %s number %q amount %q date %s", q.Layout, q.Number, q.AmountText, q.Date)
	}
	if p.Total != "166.05" || p.Amount != "152.34" || p.Tax != "13.71" || p.BuyerTaxID != "91320621MA1MRHG205" {
		t.Errorf("printed total %q amount %q tax %q buyer ID %q", p.Total, p.Amount, p.Tax, p.BuyerTaxID)
	}
	if w := finding.Worst(inv.Findings); w.Rank() > finding.Info.Rank() {
		t.Errorf("findings %v, want nothing above info", findingCodes(inv.Findings))
	}
	// Its check value is of no kind known here: the page vouches for it.
	odd := scanOFD(t, railwayTicket(body+",b2b2"))
	if inv := odd.Invoices[0]; !finding.Has(inv.Findings, "crc_unknown_kind") || finding.Worst(inv.Findings).Rank() > finding.Info.Rank() {
		t.Errorf("odd check value: findings %v, want crc_unknown_kind and nothing above info", findingCodes(inv.Findings))
	}
}

// TestScanOFDUnknownCheckValue: a genuine invoice whose check value matches
// no known variant is said to carry a check value of an unknown kind when
// its printed values agree with the QR code; when they do not, the warning
// of alteration stays.
func TestScanOFDUnknownCheckValue(t *testing.T) {
	const qr = "01,10,050001700111,12235358,10000.00,20200805,16630282980991510014,1234,"
	inv := ofdtest.Invoice{QR: qr, Customs: map[string]string{
		"发票代码": "050001700111", "发票号码": "12235358", "开票日期": "2020年08月05日",
		"校验码": "16630282980991510014", "合计金额": "10000.00", "合计税额": "600.00", "价税合计": "10600.00",
	}}
	got := scanOFD(t, inv).Invoices[0].Findings
	if !finding.Has(got, "crc_unknown_kind") || finding.Has(got, payload.CodeCRCMismatch) {
		t.Errorf("corroborated: findings %v", findingCodes(got))
	}
	inv.Customs["合计金额"], inv.Customs["价税合计"] = "1000.00", "1600.00"
	got = scanOFD(t, inv).Invoices[0].Findings
	if finding.Has(got, "crc_unknown_kind") || !finding.Has(got, payload.CodeCRCMismatch) {
		t.Errorf("amount differs: findings %v, want the alteration warning", findingCodes(got))
	}
}

// TestScanOFDDataDiffersFromImage: original_invoice.xml's GraphCode holds
// the check code where the invoice code belongs; the QR image on the page
// is right. The image is read, the difference reported, and the data's
// wrong code brings no false CRC or format error.
func TestScanOFDDataDiffersFromImage(t *testing.T) {
	const image = "01,10,032001900311,25577301,181.14,20201112,58569302723370975117,989C,"
	const data = "01,10,58569302723370975117,25577301,181.14,20201112,58569302723370975117,989C,"
	for _, enc := range []string{"text", "base64 image"} {
		t.Run(enc, func(t *testing.T) {
			gc := data
			if enc != "text" {
				var err error
				if gc, err = ofdtest.Base64PNG(data); err != nil {
					t.Fatal(err)
				}
			}
			r := scanOFD(t, ofdtest.Invoice{
				QR: image,
				Customs: map[string]string{
					"发票代码": "032001900311", "发票号码": "25577301", "开票日期": "2020年11月12日",
					"校验码": "58569302723370975117", "合计金额": "181.14", "合计税额": "5.43", "价税合计": "186.57",
				},
				Data: map[string]string{"InvoiceCode": "032001900311", "InvoiceNo": "25577301", "GraphCode": gc},
			})
			if len(r.Invoices) != 1 || r.Invoices[0].QR == nil || r.Invoices[0].QR.Raw != image {
				t.Fatalf("invoices %+v, want the image's code", r.Invoices)
			}
			got := r.Invoices[0].Findings
			if !finding.Has(got, "qr_data_differs") {
				t.Errorf("findings %v, want qr_data_differs", findingCodes(got))
			}
			if finding.Worst(got) == finding.Error || finding.Has(got, payload.CodeCRCMismatch) {
				t.Errorf("findings %v: the data's wrong code was trusted", findingCodes(got))
			}
			if len(r.Codes) != 1 || r.Codes[0].Text != image {
				t.Errorf("codes %+v, want the image's symbol only", r.Codes)
			}
		})
	}
	// Data that agrees with the image stands for it, and nothing is said.
	r := scanOFD(t, ofdtest.Invoice{QR: image, Data: map[string]string{"InvoiceNo": "25577301", "GraphCode": image},
		Customs: map[string]string{"发票号码": "25577301"}})
	if len(r.Codes) != 1 || finding.Has(r.Invoices[0].Findings, "qr_data_differs") {
		t.Errorf("agreeing data: codes %+v findings %v", r.Codes, findingCodes(r.Invoices[0].Findings))
	}
}
