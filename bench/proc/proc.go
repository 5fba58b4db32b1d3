// Package proc measures fresh processes for the bench/ harnesses: wall
// time, CPU time (user+system) and peak RSS as the kernel reports them
// when the process is reaped (wait4's rusage), and medians of several
// runs. The CPU time covers every thread of the process and of the
// descendants it waited for, so a Node or Go runtime's GC and compiler
// threads are counted, not only the main thread.
package proc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sample is one measured process.
type Sample struct {
	Wall, CPU time.Duration
	RSSKiB    int64
}

// Measure runs name with args to completion, its output discarded, and
// returns what it cost. An exit code outside ok is an error that carries
// the command's standard error.
func Measure(name string, ok []int, args ...string) (Sample, error) {
	return MeasureCmd(exec.Command(name, args...), ok)
}

// MeasureCmd is Measure for a command the caller set up (directory,
// environment); its Stdout and Stderr are replaced.
func MeasureCmd(cmd *exec.Cmd, ok []int) (Sample, error) {
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && slices.Contains(ok, exit.ExitCode())) {
		return Sample{}, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	s := Sample{Wall: wall, CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage); ru != nil {
		s.RSSKiB = ru.Maxrss // kilobytes on Linux
	}
	return s, nil
}

// Wall, CPU and RSS read one quantity of a sample, in seconds and MiB,
// for Median.
func Wall(s Sample) float64 { return s.Wall.Seconds() }
func CPU(s Sample) float64  { return s.CPU.Seconds() }
func RSS(s Sample) float64  { return float64(s.RSSKiB) / 1024 }

// Median is the median of get over xs (the mean of the middle two when
// len(xs) is even); 0 when xs is empty.
func Median(xs []Sample, get func(Sample) float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = get(x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// Spread is the smallest and largest of get over xs, for stating the
// noise beside a median.
func Spread(xs []Sample, get func(Sample) float64) (lo, hi float64) {
	for i, x := range xs {
		v := get(x)
		if i == 0 || v < lo {
			lo = v
		}
		if i == 0 || v > hi {
			hi = v
		}
	}
	return lo, hi
}

// Sizes parses a -n flag: comma-separated positive numbers of specs.
func Sizes(flag string) ([]int, error) {
	var out []int
	for _, field := range strings.Split(flag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number; give numbers of specs separated by commas, e.g. -n 100,1000", field)
		}
		out = append(out, n)
	}
	return out, nil
}

// Prepare sets up a harness run: its work directory (keep, made
// absolute and created, when given; else a new temporary one) and the
// callspec binary to measure (bin when given; else ./cmd/callspec built
// into the work directory, so the harness runs from the repository
// root). Call remove when the harness ends: it deletes a temporary work
// directory and leaves a kept one.
func Prepare(keep, prefix, bin string) (work, callspec string, remove func(), err error) {
	remove = func() {}
	if keep == "" {
		if work, err = os.MkdirTemp("", prefix); err != nil {
			return "", "", remove, err
		}
		remove = func() { os.RemoveAll(work) }
	} else if work, err = filepath.Abs(keep); err == nil {
		err = os.MkdirAll(work, 0o755)
	}
	if err != nil || bin != "" {
		return work, bin, remove, err
	}
	callspec = filepath.Join(work, "callspec")
	fmt.Fprintf(os.Stderr, "building callspec into %s\n", callspec)
	cmd := exec.Command("go", "build", "-o", callspec, "./cmd/callspec")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return work, "", remove, fmt.Errorf("build callspec (run this from the repository root): %w", err)
	}
	return work, callspec, remove, nil
}
