package verify

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

func req(typ, code, number, date, amount, total, check string) Request {
	r := Request{Type: typ, Code: code, Number: number, Amount: amount, Total: total, CheckCode: check}
	if date != "" {
		r.Date = payload.Date{Year: 2024, Month: 12, Day: 30}
	}
	return r
}

// What each provider is sent, type by type (invoice-verification §2).
func TestParamsByType(t *testing.T) {
	const check = "80883429292637169951"
	cases := []struct {
		name    string
		r       Request
		tencent map[string]any
		baidu   url.Values
	}{
		{"01 special: amount before tax", req("01", "3100231130", "11111111", "d", "100.00", "106.00", ""),
			map[string]any{"InvoiceNo": "11111111", "InvoiceDate": "2024-12-30", "InvoiceCode": "3100231130", "InvoiceKind": "01", "Amount": "100.00"},
			url.Values{"invoice_code": {"3100231130"}, "invoice_num": {"11111111"}, "invoice_date": {"20241230"},
				"invoice_type": {"special_vat_invoice"}, "total_amount": {"100.00"}}},
		{"04 ordinary: check code", req("04", "3100231130", "22222222", "d", "100.00", "", check),
			map[string]any{"InvoiceNo": "22222222", "InvoiceDate": "2024-12-30", "InvoiceCode": "3100231130", "InvoiceKind": "04", "CheckCode": "169951"},
			url.Values{"invoice_code": {"3100231130"}, "invoice_num": {"22222222"}, "invoice_date": {"20241230"},
				"invoice_type": {"normal_invoice"}, "check_code": {"169951"}}},
		{"10 electronic ordinary", req("10", "044031900111", "12345678", "d", "100.00", "", check),
			map[string]any{"InvoiceNo": "12345678", "InvoiceDate": "2024-12-30", "InvoiceCode": "044031900111", "InvoiceKind": "10", "CheckCode": "169951"},
			url.Values{"invoice_code": {"044031900111"}, "invoice_num": {"12345678"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_normal_invoice"}, "check_code": {"169951"}}},
		{"11 roll", req("11", "044031900106", "12345678", "d", "", "", check),
			map[string]any{"InvoiceNo": "12345678", "InvoiceDate": "2024-12-30", "InvoiceCode": "044031900106", "InvoiceKind": "11", "CheckCode": "169951"},
			url.Values{"invoice_code": {"044031900106"}, "invoice_num": {"12345678"}, "invoice_date": {"20241230"},
				"invoice_type": {"roll_normal_invoice"}, "check_code": {"169951"}}},
		{"14 toll", req("14", "044031900112", "12345678", "d", "", "", check),
			map[string]any{"InvoiceNo": "12345678", "InvoiceDate": "2024-12-30", "InvoiceCode": "044031900112", "InvoiceKind": "14", "CheckCode": "169951"},
			url.Values{"invoice_code": {"044031900112"}, "invoice_num": {"12345678"}, "invoice_date": {"20241230"},
				"invoice_type": {"toll_elec_normal_invoice"}, "check_code": {"169951"}}},
		{"20 electronic special: kind 08; Baidu also the check code", req("20", "044031900113", "33333333", "d", "100.00", "106.00", check),
			map[string]any{"InvoiceNo": "33333333", "InvoiceDate": "2024-12-30", "InvoiceCode": "044031900113", "InvoiceKind": "08", "Amount": "100.00"},
			url.Values{"invoice_code": {"044031900113"}, "invoice_num": {"33333333"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_special_vat_invoice"}, "total_amount": {"100.00"}, "check_code": {"169951"}}},
		{"31 数电 special: total including tax", req("31", "", "24312000000000000031", "d", "100.00", "106.00", ""),
			map[string]any{"InvoiceNo": "24312000000000000031", "InvoiceDate": "2024-12-30", "InvoiceKind": "08", "Amount": "106.00"},
			url.Values{"invoice_code": {""}, "invoice_num": {"24312000000000000031"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_invoice_special"}, "total_amount": {"106.00"}}},
		{"32 数电 ordinary", req("32", "", "24442000000012345678", "d", "", "106.00", ""),
			map[string]any{"InvoiceNo": "24442000000012345678", "InvoiceDate": "2024-12-30", "InvoiceKind": "10", "Amount": "106.00"},
			url.Values{"invoice_code": {""}, "invoice_num": {"24442000000012345678"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_invoice_normal"}, "total_amount": {"106.00"}}},
		{"51 railway: no Tencent kind", req("51", "", "24519000000000000051", "d", "", "55.50", ""),
			map[string]any{"InvoiceNo": "24519000000000000051", "InvoiceDate": "2024-12-30", "Amount": "55.50"},
			url.Values{"invoice_code": {""}, "invoice_num": {"24519000000000000051"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_train_ticket_invoice"}, "total_amount": {"55.50"}}},
		{"61 air", req("61", "", "24619000000000000061", "d", "", "1200.00", ""),
			map[string]any{"InvoiceNo": "24619000000000000061", "InvoiceDate": "2024-12-30", "Amount": "1200.00"},
			url.Values{"invoice_code": {""}, "invoice_num": {"24619000000000000061"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_flight_itinerary_invoice"}, "total_amount": {"1200.00"}}},
		{"32 on paper: Tencent the check code, no kind", req("32", "044031600111", "24312000", "d", "", "106.00", check),
			map[string]any{"InvoiceNo": "24312000", "InvoiceDate": "2024-12-30", "InvoiceCode": "044031600111", "CheckCode": "169951"},
			url.Values{"invoice_code": {"044031600111"}, "invoice_num": {"24312000"}, "invoice_date": {"20241230"},
				"invoice_type": {"elec_invoice_normal"}, "total_amount": {"106.00"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp, err := tencentParams(c.r)
			if err != nil || !reflect.DeepEqual(tp, c.tencent) {
				t.Errorf("Tencent:\n got %v %v\nwant %v", tp, err, c.tencent)
			}
			bf, err := baiduForm(c.r)
			if err != nil || !reflect.DeepEqual(bf, c.baidu) {
				t.Errorf("Baidu:\n got %v %v\nwant %v", bf, err, c.baidu)
			}
		})
	}
}

func TestMissingValues(t *testing.T) {
	cases := []struct {
		name     string
		r        Request
		provider string
		fields   []string
		zh       string
	}{
		{"04 without check code", req("04", "3100231130", "22222222", "d", "100.00", "", ""), Tencent, []string{FieldCheckCode}, "校验码后6位"},
		{"04 with 5 characters", req("04", "3100231130", "22222222", "d", "100.00", "", "12345"), Baidu, []string{FieldCheckCode}, "校验码后6位"},
		{"01 without amount", req("01", "3100231130", "11111111", "d", "", "106.00", ""), Tencent, []string{FieldAmount}, "合计金额（不含税）"},
		{"01 without amount", req("01", "3100231130", "11111111", "d", "", "106.00", ""), Baidu, []string{FieldAmount}, "合计金额（不含税）"},
		{"20 needs both at Baidu", req("20", "044031900113", "33333333", "d", "", "", ""), Baidu, []string{FieldAmount, FieldCheckCode}, "合计金额（不含税）、校验码后6位"},
		{"20 needs the amount at Tencent", req("20", "044031900113", "33333333", "d", "", "", ""), Tencent, []string{FieldAmount}, "合计金额（不含税）"},
		{"32 without total", req("32", "", "24442000000012345678", "d", "100.00", "", ""), Tencent, []string{FieldTotal}, "价税合计"},
		{"10 without code and date", req("10", "", "12345678", "", "", "", "80883429292637169951"), Baidu, []string{FieldCode, FieldDate}, "发票代码、开票日期"},
		{"no type", req("", "", "12345678", "d", "", "", ""), Tencent, []string{FieldType}, "发票种类"},
	}
	for _, c := range cases {
		t.Run(c.provider+" "+c.name, func(t *testing.T) {
			err := Ready(c.provider, c.r)
			var me *MissingError
			if !errors.As(err, &me) || !errors.Is(err, ErrMissing) || !reflect.DeepEqual(me.Fields, c.fields) {
				t.Fatalf("Ready = %v, want fields %v", err, c.fields)
			}
			if zh := me.Text("zh"); !strings.Contains(zh, c.zh) || !strings.Contains(zh, "请录入") {
				t.Errorf("Chinese: %s", zh)
			}
			if en := me.Text("en"); !strings.Contains(en, "type it in") {
				t.Errorf("English: %s", en)
			}
			if !strings.Contains(err.Error(), me.Text("zh")) || !strings.Contains(err.Error(), me.Text("en")) {
				t.Errorf("Error() lacks a language: %s", err)
			}
		})
	}
	for _, typ := range []string{"15", "33", "99"} {
		err := Ready(Baidu, req(typ, "", "24442000000012345678", "d", "", "1.00", ""))
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), typ) {
			t.Errorf("type %s: %v", typ, err)
		}
	}
}

func TestNewRequest(t *testing.T) {
	q := payload.Analyze("01,10,044031900111,12345678,100,20241230,80883429292637169951,D8EA,", issued)
	inv := FromPayload(q)
	r := NewRequest(inv)
	want := Request{Type: "10", Code: "044031900111", Number: "12345678", Date: payload.Date{Year: 2024, Month: 12, Day: 30},
		Amount: "100.00", CheckCode: "80883429292637169951"}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("from a QR code:\n got %+v\nwant %+v", r, want)
	}

	// Printed values fill in what the QR code lacks; a typed date in
	// Chinese form is read.
	inv = Invoice{QR: map[string]string{document.KeyKind: "04", document.KeyNumber: "22222222"},
		Printed: map[string]string{document.KeyCode: " 3100231130 ", document.KeyDate: "2024年12月30日",
			document.KeyCheckCode: "1234 5678 9012 3456 7890", document.KeyAmount: "1,000.5"}}
	r = NewRequest(inv)
	if r.Code != "3100231130" || r.Date.String() != "2024-12-30" || r.CheckCode != "12345678901234567890" || r.Amount != "1000.50" {
		t.Errorf("from printed values: %+v", r)
	}

	// A 代开 invoice's QR code carries the total including tax where the
	// amount before tax belongs: the printed amount is sent.
	inv = Invoice{QR: map[string]string{document.KeyKind: "01", document.KeyAmount: "106.00"},
		Printed: map[string]string{document.KeyAmount: "100.00", document.KeyTotal: "106.00"}}
	if r = NewRequest(inv); r.Amount != "100.00" || r.Total != "106.00" {
		t.Errorf("代开: amount %s total %s", r.Amount, r.Total)
	}
}

// The tax authority answers for five years back: an older invoice is not
// sent, and says why.
func TestPrepareRefusesTooOld(t *testing.T) {
	now := time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC) // 2 March in Beijing
	for date, old := range map[string]bool{"2020-03-01": true, "2020-03-02": false, "2024-05-14": false} {
		inv := qrOf(t, taxControl)
		inv.QR[document.KeyDate] = date
		_, err := Prepare(Tencent, inv, now)
		var oe *OldError
		if got := errors.As(err, &oe) && errors.Is(err, ErrTooOld) && strings.Contains(err.Error(), "五年"); got != old {
			t.Errorf("issued %s: %v, want too old %v", date, err, old)
		}
		if !old && err != nil {
			t.Errorf("issued %s: %v", date, err)
		}
	}
}

func TestPrepareRefusesToday(t *testing.T) {
	now := issued.AddDate(0, 0, 10) // today, Beijing
	for _, d := range []int{0, 1} {
		inv := qrOf(t, taxControl)
		inv.QR[document.KeyDate] = now.AddDate(0, 0, d).Format("2006-01-02")
		_, err := Prepare(Tencent, inv, now)
		var we *WaitError
		if !errors.As(err, &we) || !errors.Is(err, ErrTooEarly) || !strings.Contains(err.Error(), "明天") {
			t.Errorf("issued %d days from today: %v", d, err)
		}
	}
	// Beijing's day, not the machine's: 20:00 UTC is the next day there.
	utcEvening := time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC)
	inv := qrOf(t, taxControl)
	inv.QR[document.KeyDate] = "2025-03-02"
	if _, err := Prepare(Baidu, inv, utcEvening); !errors.Is(err, ErrTooEarly) {
		t.Errorf("Beijing's today: %v", err)
	}
	inv.QR[document.KeyDate] = "2025-03-01"
	if _, err := Prepare(Baidu, inv, utcEvening); err != nil {
		t.Errorf("Beijing's yesterday: %v", err)
	}
	if _, err := Prepare(Baidu, Invoice{}, utcEvening); !errors.Is(err, ErrNotInvoice) {
		t.Errorf("nothing: %v", err)
	}
}
