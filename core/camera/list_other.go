//go:build !linux

package camera

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
