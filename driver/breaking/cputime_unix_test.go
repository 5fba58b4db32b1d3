//go:build unix

package breaking

import "syscall"

// processCPU returns the CPU time, user and system, that the process and
// its finished children (git) have used so far, in nanoseconds; 0 where
// it cannot be read.
func processCPU() int64 {
	var self, children syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil || syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children) != nil {
		return 0
	}
	return self.Utime.Nano() + self.Stime.Nano() + children.Utime.Nano() + children.Stime.Nano()
}
