package camera

import (
	"context"
	"time"
)

// pacer plays frames in time with their stream positions, at speed times
// real time, as a camera delivers them.
type pacer struct {
	speed float64
	fps   float64
	start time.Time
	first time.Duration
}

// due says when the frame at pts should be delivered, and whether it is
// already more than a frame late (a camera would have dropped it).
func (p *pacer) due(pts time.Duration) (time.Time, bool) {
	now := time.Now()
	if p.start.IsZero() {
		p.start, p.first = now, pts
	}
	at := p.start.Add(time.Duration(float64(pts-p.first) / p.speed))
	slack := time.Duration(float64(time.Second) / max(p.fps, 1) / p.speed)
	return at, now.Sub(at) > slack
}

// sleepUntil waits until t or until ctx is done.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
