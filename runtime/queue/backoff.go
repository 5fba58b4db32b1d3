package queue

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff is the delay before the retry that follows failed attempt number
// attempt (1-based): "full jitter", a random share of
// min(limit, base × 2^(attempt-1)), so that receivers coming back from an
// outage are not hit by every sender at once. A Retry-After the receiver
// sent is a floor, honoured up to limit.
func backoff(attempt int, base, limit time.Duration, jitter float64, retryAfter time.Duration) time.Duration {
	ceiling := base
	for i := 1; i < attempt && ceiling < limit; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, limit)
	jitter = max(0, min(jitter, 1))
	d := time.Duration(jitter * float64(ceiling))
	if retryAfter > d {
		d = min(retryAfter, limit)
	}
	return d
}

// maxRetryAfterSeconds keeps a huge Retry-After from overflowing; any value
// above the backoff cap is cut to the cap anyway.
const maxRetryAfterSeconds = 366 * 24 * 60 * 60

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date. It
// returns 0 for an absent, past or malformed value.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(max(0, min(secs, maxRetryAfterSeconds))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
