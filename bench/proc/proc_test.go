package proc

import (
	"os/exec"
	"testing"
	"time"
)

func TestMedianAndSpread(t *testing.T) {
	xs := []Sample{{CPU: 3 * time.Second}, {CPU: time.Second}, {CPU: 2 * time.Second}}
	if got := Median(xs, CPU); got != 2 {
		t.Errorf("median of 3, 1, 2 s = %v, want 2", got)
	}
	if got := Median(xs[:2], CPU); got != 2 {
		t.Errorf("median of 3, 1 s = %v, want 2 (the mean of the middle two)", got)
	}
	if got := Median(nil, CPU); got != 0 {
		t.Errorf("median of nothing = %v, want 0", got)
	}
	if lo, hi := Spread(xs, CPU); lo != 1 || hi != 3 {
		t.Errorf("spread of 3, 1, 2 s = %v–%v, want 1–3", lo, hi)
	}
}

func TestMeasureExitCodes(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skipf("no sh: %v", err)
	}
	if _, err := Measure("sh", []int{0, 1}, "-c", "exit 1"); err != nil {
		t.Errorf("exit 1 allowed by ok: %v", err)
	}
	if _, err := Measure("sh", []int{0}, "-c", "echo broken >&2; exit 2"); err == nil {
		t.Error("exit 2 outside ok: no error")
	}
}

func TestSizes(t *testing.T) {
	if ns, err := Sizes("100, 1000"); err != nil || len(ns) != 2 || ns[1] != 1000 {
		t.Errorf("Sizes(100, 1000) = %v, %v", ns, err)
	}
	for _, bad := range []string{"", "0", "ten", "10,,20"} {
		if _, err := Sizes(bad); err == nil {
			t.Errorf("Sizes(%q): no error", bad)
		}
	}
}
