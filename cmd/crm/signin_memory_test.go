package main_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// peakRSS is a running process's high-water mark of resident memory, in KiB (Linux).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// TestSignInBurstMemoryIsBounded: each password hash takes 19 MiB; 100 sign-ins at once used to
// hash side by side (2.7 GB, the server unusable). The hashes running at once are bounded, so
// the server's peak memory stays near its idle size and it answers health throughout. Measured,
// not timed: the bound is in memory.
func TestSignInBurstMemoryIsBounded(t *testing.T) {
	s := start(t, "--data-dir", t.TempDir())
	before := peakRSS(t, s.cmd.Process.Pid)
	var wg sync.WaitGroup
	statuses := make([]int, 100)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Distinct unknown emails: no email locks, each is hashed against the dummy hash.
			statuses[i], _ = s.call("POST", "/api/auth/login", fmt.Sprintf(`{"email":"guess%d@example.com","password":"password-%d"}`, i, i))
		}()
	}
	wg.Wait()
	after := peakRSS(t, s.cmd.Process.Pid)
	for _, st := range statuses {
		if st != 401 && st != 429 {
			t.Fatalf("statuses %v", statuses)
		}
	}
	if code, _ := s.call("GET", "/api/health", ""); code != 200 {
		t.Fatalf("health after the burst: %d", code)
	}
	t.Logf("peak RSS %d MiB before the burst, %d MiB after", before>>10, after>>10)
	// 16 hashes side by side would be 300 MiB; the bound is the CPU count (2 here).
	if grown := (after - before) >> 10; grown > 300 {
		t.Fatalf("a burst of 100 sign-ins grew the peak memory by %d MiB", grown)
	}
}

// TestCommandsDoNotHashAtStart: a command that signs nobody in (crm version) does not compute the
// dummy password hash, which took 19 MiB and a fifth of a second at every start. The runtime's
// init trace counts what the engine package allocates while it initializes.
func TestCommandsDoNotHashAtStart(t *testing.T) {
	cmd := exec.Command(binary, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		// init crm/engine @9.2 ms, 57 ms clock, 19941240 bytes, 133 allocs
		f := strings.Fields(line)
		if len(f) < 9 || f[0] != "init" || f[1] != "crm/engine" {
			continue
		}
		n, err := strconv.ParseInt(f[7], 10, 64)
		if err != nil || f[8] != "bytes," {
			t.Fatalf("unreadable init trace: %q", line)
		}
		if n > 1<<20 {
			t.Fatalf("the engine package allocates %d bytes at start: %s", n, line)
		}
		return
	}
	t.Fatalf("no init trace of crm/engine in:\n%s", out)
}
