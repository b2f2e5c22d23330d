package camera_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/fapiaoscanner/fapiao/core/camera"
)

// A capture view opens the first camera and runs a session until the
// clerk closes the view (cancels ctx). The callbacks run on the session's
// goroutines: a Fyne view hands them on with fyne.Do.
func ExampleSession() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	devs, err := camera.List(ctx)
	if errors.Is(err, camera.ErrNoCamera) {
		fmt.Println("no camera: connect one, or open a video file")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	src, err := camera.Open(ctx, devs[0], camera.DefaultMode)
	switch {
	case errors.Is(err, camera.ErrBusy):
		fmt.Println("the camera is in use by another program")
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	defer src.Close()
	s := &camera.Session{
		OnFrame: func(f camera.Frame, outlines []camera.Outline) {
			// Show f.Img, with each outline drawn in the colour of its Status.
		},
		OnCapture: func(c camera.Capture) {
			fmt.Println("taken in:", c.Key) // keep c.Frame.Img with the record
		},
		OnDuplicate: func(c camera.Capture) {
			fmt.Println("already taken in:", c.Key)
		},
	}
	if err := s.Run(ctx, src); err != nil {
		fmt.Println("camera stopped:", err)
	}
}
