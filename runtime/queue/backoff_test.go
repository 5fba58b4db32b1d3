package queue

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const base, limit = 5 * time.Second, time.Hour
	for _, tc := range []struct {
		attempt    int
		jitter     float64
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 1, 0, 5 * time.Second},
		{2, 1, 0, 10 * time.Second},
		{3, 1, 0, 20 * time.Second},
		{3, 0.5, 0, 10 * time.Second},
		{3, 0, 0, 0},
		{10, 1, 0, 2560 * time.Second},
		{11, 1, 0, time.Hour},              // 5120s is past the cap
		{1000, 1, 0, time.Hour},            // no overflow
		{1, 2, 0, 5 * time.Second},         // a jitter out of range is clamped
		{1, -1, 0, 0},                      //
		{1, 0.5, time.Minute, time.Minute}, // Retry-After is a floor
		{12, 0.5, time.Minute, 30 * time.Minute},
		{1, 0, 48 * time.Hour, time.Hour}, // honoured up to the cap
	} {
		if got := backoff(tc.attempt, base, limit, tc.jitter, tc.retryAfter); got != tc.want {
			t.Errorf("backoff(attempt %d, jitter %v, Retry-After %v) = %v, want %v", tc.attempt, tc.jitter, tc.retryAfter, got, tc.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"0", 0},
		{" 120 ", 120 * time.Second},
		{"-5", 0},
		{"99999999999999", 366 * 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
		{"1.5", 0},
	} {
		if got := RetryAfter(tc.header, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}
