package camera

import (
	"regexp"
	"strings"
)

// The device lists of ffmpeg's dshow (Windows) and avfoundation (macOS)
// inputs, which listFFmpeg asks for; read on every system so that their
// tests run everywhere.

// logPrefix is ffmpeg's "[dshow @ 0000023c5d0f0b80] " before each line.
var logPrefix = regexp.MustCompile(`^\[[^\]]*@ *[0-9a-fA-Fx]+\] ?`)

// parseDShowList reads "ffmpeg -list_devices true -f dshow -i dummy": the
// newer form marks each device "(video)", the older lists them under a
// "DirectShow video devices" heading.
func parseDShowList(out string) []Device {
	type dev struct{ name, alt string }
	var video []dev
	section := ""
	last := -1
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		if !logPrefix.MatchString(line) {
			continue
		}
		line = strings.TrimSpace(logPrefix.ReplaceAllString(line, ""))
		low := strings.ToLower(line)
		switch {
		case strings.HasPrefix(low, "directshow video devices"):
			section, last = "video", -1
			continue
		case strings.HasPrefix(low, "directshow audio devices"):
			section, last = "audio", -1
			continue
		case strings.HasPrefix(low, "alternative name"):
			if last >= 0 {
				video[last].alt = strings.Trim(strings.TrimSpace(line[len("alternative name"):]), `"`)
			}
			continue
		}
		if !strings.HasPrefix(line, `"`) {
			continue
		}
		end := strings.LastIndexByte(line, '"')
		if end <= 0 {
			continue
		}
		name, rest := line[1:end], strings.ToLower(line[end+1:])
		last = -1
		isVideo := strings.Contains(rest, "video") || (strings.TrimSpace(rest) == "" && section == "video")
		if isVideo && name != "" {
			video = append(video, dev{name: name})
			last = len(video) - 1
		}
	}
	count := map[string]int{}
	for _, d := range video {
		count[d.name]++
	}
	var devs []Device
	for _, d := range video {
		id := "video=" + d.name
		if count[d.name] > 1 && d.alt != "" {
			id = "video=" + d.alt // two cameras of one model
		}
		devs = append(devs, Device{Name: d.name, Driver: DriverFFmpeg, ID: id, Format: "dshow"})
	}
	return devs
}

var avfDevice = regexp.MustCompile(`^\[(\d+)\] (.+)$`)

// parseAVFoundationList reads the device list of ffmpeg's avfoundation
// input: the video devices, less the screens it can also capture.
func parseAVFoundationList(out string) []Device {
	var devs []Device
	video := false
	for _, line := range strings.Split(out, "\n") {
		if !logPrefix.MatchString(line) {
			continue
		}
		line = strings.TrimSpace(logPrefix.ReplaceAllString(line, ""))
		low := strings.ToLower(line)
		switch {
		case strings.Contains(low, "video devices:"):
			video = true
			continue
		case strings.Contains(low, "audio devices:"):
			video = false
			continue
		}
		m := avfDevice.FindStringSubmatch(line)
		if !video || m == nil || strings.HasPrefix(strings.ToLower(m[2]), "capture screen") {
			continue
		}
		devs = append(devs, Device{Name: m[2], Driver: DriverFFmpeg, ID: m[1] + ":none", Format: "avfoundation"})
	}
	return devs
}
