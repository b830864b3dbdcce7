//go:build !(linux || darwin || freebsd)

package rules

import "time"

// threadCPU is unknown here: FuzzCompileEval then bounds memory only.
func threadCPU() (time.Duration, bool) { return 0, false }
