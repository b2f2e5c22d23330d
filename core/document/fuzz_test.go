package document

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fapiaoscanner/fapiao/internal/shared"
)

// The fuzzers feed outside input to the readers that parse it in Go: the OFD
// package (zip, XML, text placement), the XML readers and the JBIG2 segment
// parser. Whatever the bytes, a reader returns an error of a documented kind
// or a document; it never panics or runs away.

var kinds = []error{ErrUnsupported, ErrEncrypted, ErrCorrupt, ErrTooLarge, ErrUnsafe, ErrNotInvoice, ErrTimeout}

func checkKind(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, k := range kinds {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("error of no documented kind: %v", err)
}

func addCorpusSeeds(f *testing.F, dir, pattern string) {
	if shared.Dir() == "" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(shared.Dir(), "corpus", "real", dir, pattern))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

func FuzzOFD(f *testing.F) {
	addCorpusSeeds(f, "ofd", "*.ofd")
	f.Add(zipOf(f, map[string]string{"OFD.xml": ofdXML}))
	f.Add(zipOf(f, map[string]string{"OFD.xml": ofdXML, "Doc_0/Document.xml": `<Document><Pages><Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></Pages></Document>`,
		"Doc_0/Pages/Page_0/Content.xml": `<Page><Content><Layer><TextObject ID="1" Boundary="10 10 50 5" Size="3"><TextCode X="0" Y="3" DeltaX="g 3 1.5">发票号码：12345678</TextCode></TextObject></Layer></Content></Page>`}))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := readOFD(ctx, data, Options{Budget: 200 * time.Millisecond})
		checkKind(t, err)
	})
}

func FuzzXML(f *testing.F) {
	addCorpusSeeds(f, "xml", "*.xml")
	f.Add([]byte(`<EInvoice><Header><EIid>26337906210400590013</EIid></Header></EInvoice>`))
	f.Add([]byte(`<:eInvoice xmlns:=""><InvoiceNo>12345678</InvoiceNo><GraphCode>MDEsMTAsLA==</GraphCode></:eInvoice>`))
	f.Add([]byte(`<?xml version="1.0" encoding="GBK"?><eInvoice><InvoiceNo>1</InvoiceNo></eInvoice>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := readXML(data)
		checkKind(t, err)
	})
}

func FuzzJBIG2(f *testing.F) {
	if shared.Dir() != "" {
		for _, name := range []string{"ofdrw__ofdrw__keyword2.ofd", "swpudp__OfdSharp__test1.ofd"} {
			if b, err := os.ReadFile(filepath.Join(shared.Dir(), "corpus", "real", "ofd", name)); err == nil {
				if p, err := openPkg(b); err == nil {
					for _, n := range p.names {
						if filepath.Ext(n) == ".jb2" {
							if jb, err := p.get(n); err == nil {
								f.Add(jb)
							}
						}
					}
				}
			}
		}
	}
	f.Add(append(append([]byte{}, jbig2Magic...), 1, 0, 0, 0, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, w, h, err := parseJBIG2(data)
		if err != nil {
			return
		}
		if w == 0 || h == 0 || w > 10000 || h > 10000 {
			t.Fatalf("page size %d × %d accepted", w, h)
		}
		_ = jbig2PDF(segs, w, h)
	})
}
