//go:build linux || darwin || freebsd

package rules

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU is the CPU time the calling OS thread has used, and whether it is known. Unlike
// wall-clock time it does not grow while other processes have the CPU, so a bound on it holds
// on a loaded machine. Callers lock their goroutine to its thread (runtime.LockOSThread).
func threadCPU() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
