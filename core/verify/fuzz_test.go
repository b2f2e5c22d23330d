package verify

import (
	"encoding/json"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/document"
)

// The providers' answers are outside input: whatever they hold, reading
// them never panics, and the invoice read from them compares.
func FuzzTencentAnswer(f *testing.F) {
	f.Add([]byte(`{"Response":{"Invoice":{"Number":"12345678","Date":"20241230","IsAbandoned":"N","RedLetterInvoiceMark":true,
		"Items":[{"Name":"a","AmountWithoutTax":"1.00"}],"IssuingTypeMark":1},"RequestId":"r"}}`))
	f.Add([]byte(`{"Response":{"Error":{"Code":"ResourceNotFound.NoInvoice","Message":"x"},"RequestId":12}}`))
	f.Add([]byte(`{"Response":{"Invoice":{"Number":123,"Items":{"x":1},"Date":null}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var a tcAnswer
		if json.Unmarshal(b, &a) != nil {
			return
		}
		if a.Response.Error != nil {
			tencentCode(Result{}, string(a.Response.Error.Code), string(a.Response.Error.Message))
		}
		if a.Response.Invoice != nil {
			Compare(fuzzInvoice, a.Response.Invoice.official())
		}
	})
}

func FuzzBaiduAnswer(f *testing.F) {
	f.Add([]byte(`{"log_id":1234567890123456789,"VerifyResult":"0001","InvalidSign":"N","words_result":{"SellerName":"x",
		"CommodityName":[{"row":"1","word":"a"},{"row":"x","word":"b"}],"CommodityAmount":[{"word":"1.00"}]}}`))
	f.Add([]byte(`{"log_id":1,"error_code":110,"error_msg":"Access token invalid"}`))
	f.Add([]byte(`{"words_result":[{"words":"x"}],"VerifyResult":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var a bdAnswer
		if json.Unmarshal(b, &a) != nil {
			return
		}
		w := a.words()
		Compare(fuzzInvoice, w.official(a.bdVerdict.or(w.bdVerdict)))
		baiduPlatform(Result{}, string(a.ErrorCode), string(a.ErrorMsg))
	})
}

var fuzzInvoice = Invoice{
	QR:      map[string]string{document.KeyCode: "044031900111", document.KeyDate: "2024-12-30", document.KeyAmount: "1.00"},
	Printed: map[string]string{document.KeyCheckCode: "169951", document.KeyTax: "***", document.KeySellerName: "x"},
	Items:   []document.Item{{Amount: "1.00"}},
}

// What a clerk types or a file says never makes building a request panic.
func FuzzRequest(f *testing.F) {
	f.Add("10", "044031900111", "12345678", "2024年12月30日", "1,000.5", "", "8088 3429")
	f.Add("32", "", "24442000000012345678", "20241230", "", "¥106", "")
	f.Add("", "x", "", "2024-13-45", "1e9", "-", "12345")
	f.Fuzz(func(t *testing.T, kind, code, number, date, amount, total, check string) {
		inv := Invoice{Printed: map[string]string{document.KeyKind: kind, document.KeyCode: code, document.KeyNumber: number,
			document.KeyDate: date, document.KeyAmount: amount, document.KeyTotal: total, document.KeyCheckCode: check}}
		r := NewRequest(inv)
		for _, p := range Providers {
			_ = Ready(p, r)
		}
	})
}
