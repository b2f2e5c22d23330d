package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/fapiaoscanner/fapiao/core/document"
)

// How each printed value was read by OCR (document.FieldRead: the engine's
// confidence, the value's region on the page, and whether it was seen but
// not read surely) is kept beside the printed values: on the sighting as
// its scan read them, and on the invoice for the values it keeps, so that
// an invoice opened from the history shows its values as read by OCR and
// where, as after its scan. A region is a fraction of the sighting's page,
// so it is only of the picture of that sighting.

// schemaV11 adds the reads, "{}" for values not read by OCR and for every
// invoice recorded before.
const schemaV11 = `
ALTER TABLE invoices ADD COLUMN reads TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sightings ADD COLUMN reads TEXT NOT NULL DEFAULT '{}';
`

// cleanReads keeps the reads of known keys with a value in printed, or
// marked Unsure (a value seen but not read surely has none), with
// confidences and regions within [0, 1].
func cleanReads(reads map[string]document.FieldRead, printed map[string]string) map[string]document.FieldRead {
	out := map[string]document.FieldRead{}
	for k, r := range reads {
		if !slices.Contains(PrintedKeys, k) {
			continue
		}
		_, has := printed[k]
		switch {
		case has:
			r.Unsure = false // what was kept was read surely enough
		case !r.Unsure:
			continue // a read of no value kept: nothing to show
		}
		r.Confidence = unit(r.Confidence)
		g := &r.Region
		g.X0, g.Y0, g.X1, g.Y1 = unit(g.X0), unit(g.Y0), unit(g.X1), unit(g.Y1)
		out[k] = r
	}
	return out
}

// unit is v within [0, 1]; 0 when it is not a number.
func unit(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return min(max(v, 0), 1)
}

// mergeReads are an invoice's reads once a sighting's values join those it
// has (had, of the values curPrinted): a value's read goes with the value
// the invoice keeps (what was read first stays), so a value read from a
// file keeps no read of OCR. A value read by neither keeps the first
// sighting's unsure read, to show where to look.
func mergeReads(curPrinted map[string]string, had map[string]document.FieldRead,
	newPrinted map[string]string, reads map[string]document.FieldRead) map[string]document.FieldRead {
	out := map[string]document.FieldRead{}
	for _, k := range PrintedKeys {
		_, curHas := curPrinted[k]
		_, newHas := newPrinted[k]
		var r document.FieldRead
		ok := false
		switch {
		case curHas:
			r, ok = had[k]
		case newHas:
			r, ok = reads[k]
		default:
			if r, ok = had[k]; !ok {
				r, ok = reads[k]
			}
		}
		if ok {
			out[k] = r
		}
	}
	return out
}

// readsJSON is how reads are stored: "{}" when there are none.
func readsJSON(reads map[string]document.FieldRead) string {
	if len(reads) == 0 {
		return "{}"
	}
	return mustJSON(reads)
}

// parseReads reads the stored reads back; nil when there are none.
func parseReads(text string) (map[string]document.FieldRead, error) {
	var reads map[string]document.FieldRead
	if err := json.Unmarshal([]byte(text), &reads); err != nil {
		return nil, fmt.Errorf("OCR reads: %w", err)
	}
	if len(reads) == 0 {
		return nil, nil
	}
	return reads, nil
}

// loadReads are the reads invoice id keeps.
func loadReads(ctx context.Context, q querier, id int64) (map[string]document.FieldRead, error) {
	var text string
	if err := q.QueryRowContext(ctx, "SELECT reads FROM invoices WHERE id = ?", id).Scan(&text); err != nil {
		return nil, err
	}
	reads, err := parseReads(text)
	if err != nil {
		return nil, fmt.Errorf("invoice %d: %w", id, err)
	}
	return reads, nil
}
