package document

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// node is an element of a leniently parsed XML file. Names are local names
// without namespace prefixes: producers disagree on prefixes (ofd:, fp:, none,
// even an empty one as in <:eInvoice xmlns:="">), never on local names.
type node struct {
	name string
	attr map[string]string
	text string
	kids []*node
}

// XML limits: invoice XML files are a few kilobytes.
const (
	maxXMLNodes = 200_000
	maxXMLDepth = 256
)

var errXMLEmpty = errors.New("no XML element")

// parseXML reads data into a tree, as far as it is well formed: malformed
// XML that some producers write (undeclared or empty prefixes, a stray
// character) keeps everything read before the fault. It fails only when no
// element could be read at all.
func parseXML(data []byte) (*node, error) {
	t, err := parseXMLTree(data)
	return t.root, err
}

// parseXMLWhole reads data into a tree, and fails with ErrCorrupt unless
// the whole file was read: a file cut short, or with zeros or random bytes
// in it, is not an invoice to record with what happened to come before the
// fault. Undeclared and empty prefixes are still accepted.
func parseXMLWhole(data []byte) (*node, error) {
	t, err := parseXMLTree(data)
	switch {
	case err != nil:
		return nil, err
	case errors.Is(t.fault, ErrTooLarge):
		return nil, t.fault
	case t.fault != nil:
		return nil, fmt.Errorf("%w: XML: %v", ErrCorrupt, t.fault)
	}
	return t.root, nil
}

// xmlTree is what parseXMLTree read: the root element, and the fault that
// ended the reading early (nil when the file was read to its end).
type xmlTree struct {
	root  *node
	fault error
}

func parseXMLTree(data []byte) (xmlTree, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.AutoClose = nil
	d.CharsetReader = charsetReader
	root := &node{name: ""}
	stack := []*node{root}
	var text strings.Builder
	count := 0
	var err error
	for {
		var t xml.Token
		t, err = d.Token()
		if err != nil {
			break
		}
		switch t := t.(type) {
		case xml.StartElement:
			count++
			if count > maxXMLNodes || len(stack) > maxXMLDepth {
				err = fmt.Errorf("XML too large: %w", ErrTooLarge)
				break
			}
			n := &node{name: strings.TrimLeft(t.Name.Local, ":"), attr: map[string]string{}}
			for _, a := range t.Attr {
				n.attr[strings.TrimLeft(a.Name.Local, ":")] = a.Value
			}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
			text.Reset()
		case xml.EndElement:
			if len(stack) > 1 {
				n := stack[len(stack)-1]
				if len(n.kids) == 0 {
					n.text = text.String()
				}
				stack = stack[:len(stack)-1]
			}
			text.Reset()
		case xml.CharData:
			if text.Len() < 1<<20 {
				text.Write(t)
			}
		}
		if errors.Is(err, ErrTooLarge) {
			break
		}
	}
	if len(root.kids) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return xmlTree{}, fmt.Errorf("%w: XML: %v", ErrCorrupt, err)
		}
		return xmlTree{}, fmt.Errorf("%w: XML: %v", ErrCorrupt, errXMLEmpty)
	}
	// An element left open by a truncated file keeps the text read so far.
	if len(stack) > 1 {
		if n := stack[len(stack)-1]; len(n.kids) == 0 && n.text == "" {
			n.text = text.String()
		}
	}
	t := xmlTree{root: root.kids[0]}
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		t.fault = err
	case len(stack) > 1:
		t.fault = fmt.Errorf("the file ends inside <%s>", stack[len(stack)-1].name)
	}
	return t, nil
}

func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "gbk", "gb2312", "cp936":
		return simplifiedchinese.GBK.NewDecoder().Reader(input), nil
	case "gb18030":
		return simplifiedchinese.GB18030.NewDecoder().Reader(input), nil
	}
	return nil, fmt.Errorf("XML encoding %q not supported", label)
}

// child returns the first child named name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			return k
		}
	}
	return nil
}

// path follows child names from n.
func (n *node) path(names ...string) *node {
	for _, nm := range names {
		n = n.child(nm)
	}
	return n
}

// find returns the first element named name at any depth below n, or nil.
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// findAll lists every element named name below n, in document order.
func (n *node) findAll(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			out = append(out, k)
		}
		out = append(out, k.findAll(name)...)
	}
	return out
}

// value is the trimmed text of n, "" for nil.
func (n *node) value() string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.text)
}

// findText is the text of the first element named name below n.
func (n *node) findText(name string) string { return n.find(name).value() }
