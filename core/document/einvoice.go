package document

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// readXML reads an invoice delivered as XML: the 数电 schema (root EInvoice,
// with Header and EInvoiceData), or the older tax-control e-invoice data
// (root eInvoice, as OFDs carry in Attachs/original_invoice.xml).
func readXML(data []byte) (*Document, error) {
	x, err := parseXMLWhole(data)
	if err != nil {
		return nil, err
	}
	d := &Document{Format: XML}
	var inv Invoice
	switch {
	case x.child("EInvoiceData") != nil || x.path("Header", "EIid") != nil:
		inv.Printed = digitalPrinted(x)
	case x.find("InvoiceNo") != nil:
		inv.Printed = fieldsPrinted(xmlFields(x))
		inv.Printed.Items = goodsInfos(x)
		completeTotal(&inv.Printed)
		inv.Printed.Source = "xml"
		for _, gc := range x.findAll("GraphCode") {
			for _, t := range graphCode(context.Background(), gc.value(), Options{}) {
				inv.Codes = append(inv.Codes, Code{Text: t, Source: "xml-data"})
			}
		}
	default:
		return nil, fmt.Errorf("XML root <%s> is not an invoice: %w", x.name, ErrNotInvoice)
	}
	if inv.Printed.Empty() && len(inv.Codes) == 0 {
		return nil, fmt.Errorf("invoice XML without invoice values: %w", ErrNotInvoice)
	}
	if inv.Printed.Empty() {
		inv.Printed.NeedsTyping = true
		inv.Printed.Source = ""
	}
	d.Invoices = []Invoice{inv}
	return d, nil
}

// digitalPrinted reads the 数电 XML schema (docs/invoice-qr.md §6).
func digitalPrinted(x *node) Printed {
	var p Printed
	p.Number = cleanNumber(x.path("Header", "EIid").value())
	if p.Number == "" {
		p.Number = cleanNumber(x.findText("InvoiceNumber"))
	}
	switch x.find("GeneralOrSpecialVAT").findText("LabelCode") {
	case "01":
		p.Kind, p.TypeCode = "电子发票（增值税专用发票）", "31"
	case "02":
		p.Kind, p.TypeCode = "电子发票（普通发票）", "32"
	}
	data := x.child("EInvoiceData")
	seller := data.child("SellerInformation")
	buyer := data.child("BuyerInformation")
	p.SellerName = cleanSpaces(seller.findText("SellerName"))
	p.SellerTaxID = cleanTaxID(seller.findText("SellerIdNum"))
	p.BuyerName = cleanSpaces(buyer.findText("BuyerName"))
	p.BuyerTaxID = cleanTaxID(buyer.findText("BuyerIdNum"))
	basic := data.child("BasicInformation")
	p.Amount = firstMoney(basic.findText("TotalAmWithoutTax"))
	p.Tax = firstMoney(basic.findText("TotalTaxAm"))
	p.Total = firstMoney(basic.findText("TotalTax-includedAmount"))
	p.Date = cleanDate(x.find("TaxSupervisionInfo").findText("IssueTime"))
	if p.Date == "" {
		p.Date = cleanDate(basic.findText("RequestTime"))
	}
	for _, it := range data.findAll("IssuItemInformation") {
		p.Items = append(p.Items, Item{
			Name:     cleanSpaces(it.findText("ItemName")),
			Spec:     cleanSpaces(it.findText("SpecMod")),
			Unit:     cleanSpaces(it.findText("MeaUnits")),
			Quantity: it.findText("Quantity"),
			Price:    it.findText("UnPrice"),
			Amount:   firstMoney(it.findText("Amount")),
			TaxRate:  percent(it.findText("TaxRate")),
			Tax:      firstMoney(it.findText("ComTaxAm")),
		})
	}
	completeTotal(&p)
	p.Source = "xml"
	return p
}

// goodsInfos reads the goods lines of the older e-invoice data.
func goodsInfos(x *node) []Item {
	var out []Item
	for _, g := range x.findAll("GoodsInfo") {
		out = append(out, Item{
			Name:     cleanSpaces(g.findText("Item")),
			Spec:     cleanSpaces(g.findText("Specification")),
			Unit:     cleanSpaces(g.findText("MeasurementDimension")),
			Quantity: g.findText("Quantity"),
			Price:    g.findText("Price"),
			Amount:   firstMoney(g.findText("Amount")),
			TaxRate:  percent(g.findText("TaxScheme")),
			Tax:      firstMoney(g.findText("TaxAmount")),
		})
	}
	return out
}

// percent shows a rate written as a fraction ("0.03") as printed ("3%");
// anything else ("13%", "免税", "***") is kept.
func percent(s string) string {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f >= 1 {
		return s
	}
	return strconv.FormatFloat(f*100, 'f', -1, 64) + "%"
}
