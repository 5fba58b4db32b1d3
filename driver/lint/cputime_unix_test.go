//go:build unix

package lint

import "syscall"

// processCPU returns the CPU time, user and system, that the process has
// used so far, in nanoseconds; 0 where it cannot be read.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
