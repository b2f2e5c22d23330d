//go:build !linux

package camera

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// listDevices asks ffmpeg: DirectShow on Windows, AVFoundation on macOS.
func listDevices(ctx context.Context) ([]Device, error) {
	switch runtime.GOOS {
	case "windows":
		return listFFmpeg(ctx, "dshow")
	case "darwin":
		return listFFmpeg(ctx, "avfoundation")
	}
	return nil, fmt.Errorf("list cameras on %s: %w", runtime.GOOS, ErrNoCamera)
}

// openV4L2 is Linux only.
func openV4L2(ctx context.Context, d Device, m Mode) (Source, error) {
	return nil, errors.New("open camera " + d.Name + ": V4L2 is Linux only")
}

// deviceSizes is Linux only, as V4L2 is.
func deviceSizes(ctx context.Context, d Device) ([]Mode, error) {
	return nil, errors.New("list sizes of camera " + d.Name + ": V4L2 is Linux only")
}

// listFFmpeg asks ffmpeg for the cameras of an input format (dshow on
// Windows, avfoundation on macOS).
func listFFmpeg(ctx context.Context, format string) ([]Device, error) {
	bin, err := LookFFmpeg()
	if err != nil {
		return nil, fmt.Errorf("list cameras: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	input := "dummy"
	if format == "avfoundation" {
		input = ""
	}
	// ffmpeg lists the devices on stderr, then fails for want of an input.
	cmd := exec.CommandContext(ctx, bin, "-hide_banner", "-nostdin", "-list_devices", "true", "-f", format, "-i", input)
	hideConsole(cmd)
	out, _ := cmd.CombinedOutput()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list cameras: %w", err)
	}
	var devs []Device
	switch format {
	case "dshow":
		devs = parseDShowList(string(out))
	case "avfoundation":
		devs = parseAVFoundationList(string(out))
	}
	if len(devs) == 0 {
		return nil, fmt.Errorf("list cameras (%s): %w", format, ErrNoCamera)
	}
	return devs, nil
}
