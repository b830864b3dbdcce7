package main_test

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestFirstStartTemplate: a first start on an empty database is a working CRM (the default
// template, with the demo people when asked); a restart applies nothing again; the command line
// applies and exports packages, refusing a broken one with its pointer.
func TestFirstStartTemplate(t *testing.T) {
	dir := t.TempDir()
	s := startWith(t, []string{"CRM_DEMO=true"}, "--data-dir", dir)
	code, body := s.call("GET", "/api/meta/objects", "")
	if items, _ := body["items"].([]any); code != 200 || len(items) != 15 {
		t.Fatalf("objects after the first start: %d, %d objects", code, len(items))
	}
	s.tok = ""
	if code, body = s.call("POST", "/api/auth/login", `{"email":"lin@demo.example.com","password":"Demo-CRM-2026!"}`); code != 200 {
		t.Fatalf("demo sign-in: %d %v", code, body)
	}
	s.stop(syscall.SIGTERM)

	out, err := exec.Command(binary, "template", "apply", "default", "--demo", "--data-dir", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 created, 0 updated") || !strings.Contains(string(out), "demo: 0 users, 0 records") {
		t.Fatalf("apply again: %v\n%s", err, out)
	}
	exp := t.TempDir() + "/app.json"
	if out, err := exec.Command(binary, "template", "export", "--out", exp, "--data-dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	// The demo's teams name people an empty database lacks: refused with their pointers, or
	// imported without them on request.
	out, err = exec.Command(binary, "template", "apply", exp, "--dry-run", "--data-dir", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "lin@demo.example.com") || !strings.Contains(string(out), "unknown_user") {
		t.Fatalf("the export on an empty database: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "template", "apply", exp, "--dry-run", "--drop-missing-users", "--data-dir", t.TempDir()).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "created") || !strings.Contains(string(out), "dropped (no such user here) /teams/") {
		t.Fatalf("the export on an empty database, dropping its people: %v\n%s", err, out)
	}

	s = startWith(t, nil, "--data-dir", dir)
	if code, body := s.call("GET", "/api/meta/objects/lead", ""); code != 200 || body["version"] != float64(1) {
		t.Fatalf("the restart changed the lead definition: %d %v", code, body)
	}
}
