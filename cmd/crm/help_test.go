package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandHelp: `crm --help` and `crm CMD -h` print usage on stdout and exit 0; a wrong flag
// exits 2 and names it.
func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"serve", "-h"}, {"serve", "--help"},
		{"admin", "-h"}, {"admin", "create", "-h"}, {"export", "-h"}, {"import", "-h"}, {"backup", "-h"},
		{"template", "-h"}, {"template", "apply", "-h"}, {"template", "export", "-h"}, {"restore", "-h"}, {"healthcheck", "-h"}} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(binary, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("crm %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
			continue
		}
		if s := stdout.String(); !strings.Contains(s, "usage:") || !strings.Contains(s, "crm ") {
			t.Errorf("crm %s printed no usage on stdout: %q", strings.Join(args, " "), stdout.String())
		}
	}
	out, err := exec.Command(binary, "serve", "--no-such-flag").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "-no-such-flag") {
		t.Errorf("a wrong flag: %v\n%s", err, out)
	}
}

// TestJSONLogs: CRM_LOG_FORMAT=json makes every log line one JSON object.
func TestJSONLogs(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	cmd := exec.Command(binary, "export", "--data-dir", dir, "--out", filepath.Join(dir, "out.jsonl"))
	cmd.Env = append(os.Environ(), "CRM_LOG_FORMAT=json")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("no log lines")
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["msg"] == nil || m["level"] == nil {
			t.Errorf("not a JSON log line: %q", l)
		}
	}
}

// TestHealthcheck: `crm healthcheck` exits 0 against a ready server (found through CRM_ADDR, as in
// the container) and 1 when nothing answers.
func TestHealthcheck(t *testing.T) {
	s := start(t, "--data-dir", t.TempDir())
	cmd := exec.Command(binary, "healthcheck")
	cmd.Env = append(os.Environ(), "CRM_ADDR="+strings.TrimPrefix(s.base, "http://"))
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "ready") {
		t.Errorf("healthcheck of a ready server: %v %s", err, out)
	}
	out, err := exec.Command(binary, "healthcheck", "--url", "http://"+freeAddr(t)+"/readyz").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "not ready") {
		t.Errorf("healthcheck of nothing: %v %s", err, out)
	}
}
