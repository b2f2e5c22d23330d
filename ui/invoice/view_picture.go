package invoice

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/fapiaoscanner/fapiao/core/document"
	"github.com/fapiaoscanner/fapiao/core/scan"
	"github.com/fapiaoscanner/fapiao/core/store"
)

// shownPicture is a picture with the corners of the codes and of the
// values read to outline on it.
type shownPicture struct {
	pic   picture
	lines [][]fyne.Position
	boxes []fieldBox
}

// showPicture shows the scanned invoice's picture: its file's, or the
// webcam frame's when there is no file.
func (v *View) showPicture(s Scanned, inv *scan.Invoice) {
	f := s.File
	page, raw := 0, ""
	var reads map[string]document.FieldRead
	if inv != nil {
		page = inv.Page
		if inv.QR != nil {
			raw = inv.QR.Raw
		}
		if inv.Printed != nil {
			reads = inv.Printed.Reads
		}
	}
	switch {
	case f.Err != nil:
		v.noPicture()
	case f.File != "":
		path, codes, text := f.File, f.Codes, pictureText(f.File, raw)
		p, cached := v.cache.recent(path, page, text)
		if cached {
			v.setPicture(shownPicture{p, p.outlines(codes, raw), p.fields(reads)})
		}
		v.loadPicture(cached, func(context.Context) shownPicture {
			p := v.filePicture(path, page, text)
			return shownPicture{p, p.outlines(codes, raw), p.fields(reads)}
		})
	case len(f.Frame) > 0:
		frame, codes := f.Frame, f.Codes
		v.loadPicture(false, func(context.Context) shownPicture {
			p := loadFrame(frame)
			return shownPicture{p, p.outlines(codes, raw), p.fields(reads)}
		})
	default:
		v.noPicture()
	}
}

// showRecordPicture shows the picture of the first sighting that still has
// one: a file that is still there, or a kept webcam frame; the values read
// by OCR in that sighting are outlined where they were read (a region is
// of its own sighting's picture). The sightings whose values were read by
// OCR come first: the marks shown are theirs. With no picture left, the
// values stay marked as read by OCR, without their place.
func (v *View) showRecordPicture(sightings []store.SightingDetail) {
	sightings = slices.Clone(sightings)
	unread := func(s store.SightingDetail) int {
		if len(s.Reads) > 0 {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(sightings, func(a, b store.SightingDetail) int { return unread(a) - unread(b) })
	some := false
	for _, s := range sightings {
		some = some || s.File != "" || s.Source == store.SourceCamera
	}
	if !some { // typed, pasted or read by a scanner gun
		v.noPicture()
		return
	}
	st := v.e.Store()
	v.loadPicture(false, func(ctx context.Context) shownPicture {
		for _, s := range sightings {
			var p picture
			switch {
			case s.File != "":
				if _, err := os.Stat(s.File); err != nil {
					continue
				}
				p = v.filePicture(s.File, s.Page, pictureText(s.File, s.Raw))
			case s.Source == store.SourceCamera:
				frame, _, err := st.Frame(ctx, s.ScanID)
				if err != nil {
					continue
				}
				p = loadFrame(frame)
			default:
				continue
			}
			if p.img != nil && p.codes == nil {
				// A photo's codes were located when it was scanned; that
				// is not kept.
				p.codes = locate(ctx, p.img)
			}
			return shownPicture{p, p.outlines(nil, s.Raw), p.fields(s.Reads)}
		}
		return shownPicture{pic: picture{note: "detail.no_picture"}}
	})
}

// filePicture is the picture of a file's page, from the cache when it was
// made before. It runs off the UI goroutine.
func (v *View) filePicture(path string, page int, text string) picture {
	key, err := fileKey(path, page, text)
	if err != nil {
		return picture{note: "detail.no_picture"}
	}
	return v.cache.get(key, func() picture { return loadFile(path, page, text) })
}

// pictureText is the code an OFD's picture is of; "" for other files, whose
// picture is the same whichever code is shown.
func pictureText(path, raw string) string {
	if strings.EqualFold(filepath.Ext(path), ".ofd") {
		return raw
	}
	return ""
}

// loadPicture makes a picture in the background and shows it, unless
// another invoice is shown by then. Until it comes, the view says it is
// loading, unless it shows the picture made last time (cached).
func (v *View) loadPicture(cached bool, load func(context.Context) shownPicture) {
	if !cached {
		v.setPicture(shownPicture{pic: picture{note: "detail.loading"}})
	}
	v.pictures.Run(func(ctx context.Context) (shownPicture, error) { return load(ctx), nil },
		func(p shownPicture, _ error) { v.setPicture(p) })
}

func (v *View) noPicture() {
	v.pictures.Cancel()
	v.setPicture(shownPicture{pic: picture{note: "detail.no_picture"}})
}

func (v *View) setPicture(p shownPicture) {
	v.picNote = p.pic.note
	note := ""
	if p.pic.note != "" {
		note = v.e.Tr.T(p.pic.note)
	}
	v.image.set(p.pic.img, p.lines, p.boxes, note)
	v.detail.Refresh() // a picture takes more room than a note
}

// enlarge opens the picture shown in a window of its own, as large as the
// main window, the page's width filling it.
func (v *View) enlarge() {
	q := v.image
	if q.img == nil {
		return
	}
	w := v.e.App.NewWindow(v.e.Tr.F("detail.page_window", v.title))
	big := newQRImage()
	big.relabel(v.e.Tr)
	big.set(q.img, q.codes, q.boxes, q.text)
	big.fit = fitWidthMode
	if q.selected != "" {
		big.showField(q.selected)
	}
	w.SetContent(big)
	w.Resize(v.e.Win.Canvas().Size())
	w.Show()
	v.pageWindow = w
}

// showRead shows on the picture where the value of key was read by OCR,
// zoomed to it and outlined more boldly than the others.
func (v *View) showRead(key string) { v.image.showField(key) }
