// Package document reads electronic invoice files — PDF, OFD and the 数电
// XML — into the invoices they hold: for each, the QR codes found on it and
// the values printed on its face, so that the two can be compared.
package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/imaging"
	"github.com/fapiaoscanner/fapiao/core/infile"
	"github.com/fapiaoscanner/fapiao/core/membudget"
	"github.com/fapiaoscanner/fapiao/core/payload"
)

// Format is the kind of file a document came in.
type Format string

const (
	PDF Format = "pdf"
	OFD Format = "ofd"
	XML Format = "xml"
)

// Error kinds, for errors.Is. Every error Read returns wraps one of them.
var (
	ErrUnsupported = errors.New("not a PDF, OFD or invoice XML file")
	ErrEncrypted   = errors.New("document is password protected")
	ErrCorrupt     = errors.New("document is corrupt or truncated")
	ErrTooLarge    = errors.New("document too large")
	ErrUnsafe      = errors.New("document has unsafe contents")
	ErrNotInvoice  = errors.New("no invoice found in document")
	ErrTimeout     = errors.New("reading the document took too long")
)

// Limits on what is read, so that a hostile file costs bounded memory and time.
const (
	// MaxFileBytes bounds the size of one document file.
	MaxFileBytes = 64 << 20
	// MaxPages bounds the pages of a PDF that are read.
	MaxPages = 500
	// DefaultTimeout bounds the time one document may take.
	DefaultTimeout = 60 * time.Second
)

// Code is one QR code found in a document.
type Code struct {
	Text string
	// Page is the page it was found on, from 1; 0 when the format has no pages.
	Page int
	// Source says where it came from, for diagnostics: "pdf-image",
	// "pdf-render", "ofd-data", "ofd-image:Doc_0/Res/qr.png", …
	Source string
}

// Item is one line of goods or services as printed. Values are kept as
// printed text; amounts are decimal text.
type Item struct {
	Name     string `json:"name"`
	Spec     string `json:"spec,omitempty"`
	Unit     string `json:"unit,omitempty"`
	Quantity string `json:"quantity,omitempty"`
	Price    string `json:"price,omitempty"`
	Amount   string `json:"amount,omitempty"`
	TaxRate  string `json:"tax_rate,omitempty"`
	Tax      string `json:"tax,omitempty"`
}

// Printed are the values printed on an invoice's face. Empty strings are
// values that could not be read. Amounts are exact decimal text ("182.26");
// Tax may also be "***", as printed on tax-exempt invoices.
type Printed struct {
	// Kind is the invoice's title as printed, e.g. "电子发票(普通发票)" or
	// "天津增值税电子普通发票".
	Kind string `json:"kind"`
	// TypeCode is the QR type code the title implies ("10", "32", …), "" when
	// the title is not known.
	TypeCode    string `json:"type_code,omitempty"`
	Code        string `json:"code"`
	Number      string `json:"number"`
	Date        string `json:"date"` // YYYY-MM-DD
	CheckCode   string `json:"check_code"`
	BuyerName   string `json:"buyer_name"`
	BuyerTaxID  string `json:"buyer_tax_id"`
	SellerName  string `json:"seller_name"`
	SellerTaxID string `json:"seller_tax_id"`
	Amount      string `json:"amount"` // 合计金额, before tax
	Tax         string `json:"tax"`    // 合计税额
	Total       string `json:"total"`  // 价税合计, including tax
	Items       []Item `json:"items,omitempty"`
	// Source says where the values were read from: "pdf-text",
	// "ofd-content", "ofd-customdata", "ofd-original-invoice", "xml",
	// joined with "+" when several were used; "" when none.
	Source string `json:"source"`
	// NeedsTyping is true when no value could be read (a scanned PDF, a text
	// layer that cannot be decoded): the clerk must type them.
	NeedsTyping bool `json:"needs_typing"`
	// Reads says, for values read by OCR (Source "ocr"), how sure the engine
	// was and where on the page each was read, by field key (the JSON names
	// above: "number", "total", …). A field seen but not read surely has
	// its value "" and its Read marked Unsure.
	Reads map[string]FieldRead `json:"reads,omitempty"`
}

// printedFields is Printed without its goods, comparable with ==.
type printedFields struct {
	kind, typeCode, code, number, date, check, bn, bt, sn, st, amount, tax, total, source string
	needs                                                                                 bool
}

func (p *Printed) fields() printedFields {
	return printedFields{p.Kind, p.TypeCode, p.Code, p.Number, p.Date, p.CheckCode, p.BuyerName, p.BuyerTaxID,
		p.SellerName, p.SellerTaxID, p.Amount, p.Tax, p.Total, p.Source, p.NeedsTyping}
}

// Empty reports whether no identifying or amount value was read.
func (p *Printed) Empty() bool {
	return p.Code == "" && p.Number == "" && p.Date == "" && p.CheckCode == "" &&
		p.Amount == "" && p.Tax == "" && p.Total == "" && p.BuyerTaxID == "" && p.SellerTaxID == ""
}

// Invoice is one invoice in a document.
type Invoice struct {
	// Page is the first page of the invoice, from 1; 0 when the format has
	// no pages (XML). Pages is the number of pages it spans (a goods list
	// continues it).
	Page    int
	Pages   int
	Codes   []Code
	Printed Printed
	// DataCodes are QR texts the file keeps as data (an OFD's
	// original_invoice.xml) that differ from what its QR image gives: the
	// image's code is in Codes, and the difference is for the clerk to see.
	DataCodes []Code
}

// Document is what a file gave.
type Document struct {
	Format   Format
	Pages    int
	Invoices []Invoice
	// Rendered counts the pages that had to be rendered to find a QR code
	// (no embedded image held one): the slow path.
	Rendered int
}

// Codes lists every QR code of the document in page order.
func (d *Document) Codes() []Code {
	var out []Code
	for _, inv := range d.Invoices {
		out = append(out, inv.Codes...)
	}
	return out
}

// Options tune a read. The zero value is ready to use.
type Options struct {
	// Timeout bounds the time one document may take; DefaultTimeout when 0.
	Timeout time.Duration
	// Budget bounds the QR decoding work of one image (imaging.Options);
	// imaging.DefaultBudget when 0.
	Budget time.Duration
}

var docExts = map[string]Format{".pdf": PDF, ".ofd": OFD, ".xml": XML}

// Supported reports whether path has a document extension (.pdf, .ofd, .xml).
func Supported(path string) bool {
	_, ok := docExts[strings.ToLower(filepath.Ext(path))]
	return ok
}

// Read reads the document at path.
func Read(ctx context.Context, path string, opt Options) (*Document, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	d, err := ReadBytes(ctx, path, data, opt)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", path, err)
	}
	return d, nil
}

// readFile reads a document file of at most MaxFileBytes.
func readFile(path string) ([]byte, error) {
	data, err := infile.Read(path, MaxFileBytes)
	if errors.Is(err, infile.ErrTooLarge) {
		return nil, fmt.Errorf("document %w: %w", err, ErrTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("open document: %w", err)
	}
	return data, nil
}

// ReadBytes reads a document held in memory. name is used only to guess the
// format when the content does not tell.
func ReadBytes(ctx context.Context, name string, data []byte, opt Options) (d *Document, err error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%d MB, more than %d MB: %w", len(data)>>20, MaxFileBytes>>20, ErrTooLarge)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	format := sniff(name, data)
	if format == "" {
		return nil, ErrUnsupported
	}
	// The wait for memory is not counted in the time a document may take.
	release, err := membudget.Default.Reserve(ctx, readCost(format, len(data)))
	if err != nil {
		return nil, err
	}
	defer release()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	// Parsers of malformed files have been known to panic; a bad file must
	// be an error for that file, never a crash.
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("%w: reader failed: %v", ErrCorrupt, r)
		}
	}()
	switch format {
	case PDF:
		d, err = readPDF(ctx, data, opt)
	case OFD:
		d, err = readOFD(ctx, data, opt)
	case XML:
		d, err = readXML(data)
	default:
		return nil, ErrUnsupported
	}
	if ctx.Err() != nil {
		// Cancelled by the caller: say so as is. Out of time: a kind.
		if perr := parent.Err(); perr != nil {
			return nil, perr
		}
		err = fmt.Errorf("%w (more than %s)", ErrTimeout, opt.Timeout)
	}
	if err != nil {
		return nil, err
	}
	if len(d.Invoices) == 0 {
		return d, ErrNotInvoice
	}
	return d, nil
}

// readCost is the memory reserved to read a document: for PDF and OFD
// (whose JBIG2 images PDFium decodes) a PDFium instance's memory and what
// its pages cost once out of it (a page rendered at 12 megapixels and the
// search for its QR code, an embedded image); for XML its tree.
func readCost(f Format, size int) int64 {
	if f == XML {
		return 16<<20 + 8*int64(size)
	}
	return pdfiumMemory + 128<<20
}

// sniff tells the format by content, then by name.
func sniff(name string, data []byte) Format {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return OFD
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(t, []byte("<")) {
		return XML
	}
	return docExts[strings.ToLower(filepath.Ext(name))]
}

// isInvoiceText tells which codes are sought: any the payload model does
// not call "other" (invoices, invoice URLs, sealed codes, fiscal receipts).
func isInvoiceText(text string) bool { return payload.Parse(text).Kind != payload.KindOther }

// decodeOptions are the imaging options for a QR image inside a document.
func decodeOptions(opt Options, budget time.Duration) imaging.Options {
	if opt.Budget > 0 && opt.Budget < budget {
		budget = opt.Budget
	}
	return imaging.Options{Budget: budget, IsInvoice: isInvoiceText}
}
