package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"crm/engine/store/mongodb/mongotest"
)

// The tests here drive the real binary: built once, started as a child process, spoken to over
// HTTP, stopped with signals.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crm-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "crm")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const adminEmail, adminPassword = "admin@example.com", "admin-password-1"

type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
	tok  string
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs `crm serve` on an empty start (no template) with extra args and waits until it
// answers health.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	return startWith(t, []string{"CRM_TEMPLATE=none"}, args...)
}

// startWith is start with extra environment.
func startWith(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{t: t, base: "http://" + addr, logs: &bytes.Buffer{}}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	s.cmd.Env = append(append(os.Environ(), "CRM_ADMIN_EMAIL="+adminEmail, "CRM_ADMIN_PASSWORD="+adminPassword, "CRM_LOG_LEVEL=WARN"), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
	})
	for i := 0; i < 300; i++ {
		if resp, err := http.Get(s.base + "/api/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				s.login()
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not start: %s", s.logs)
	return nil
}

func (s *server) login() {
	r, body := s.call("POST", "/api/auth/login", fmt.Sprintf(`{"email":%q,"password":%q}`, adminEmail, adminPassword))
	if r != 200 {
		s.t.Fatalf("login: %d %v", r, body)
	}
	s.tok = body["token"].(string)
}

func (s *server) call(method, path, body string, headers ...string) (int, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if s.tok != "" {
		req.Header.Set("Authorization", "Bearer "+s.tok)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, map[string]any{"transport_error": err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func (s *server) stop(sig syscall.Signal) {
	s.t.Helper()
	_ = s.cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.t.Fatalf("server did not stop on %v: %s", sig, s.logs)
	}
}

const leadDef = `{"name":"lead","fields":[
 {"name":"company","type":"text","required":true},
 {"name":"email","type":"email","unique":true},
 {"name":"amount","type":"currency","currency":"CNY","indexed":true},
 {"name":"seq","type":"integer","indexed":true},
 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"}]},
 {"name":"hot","type":"boolean"},
 {"name":"close_date","type":"date"},
 {"name":"ref","type":"autonumber","prefix":"L-"}]}`

func TestServeRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	if code, b := s.call("POST", "/api/meta/objects", leadDef); code != 201 {
		t.Fatalf("define: %d %v", code, b)
	}
	code, rec := s.call("POST", "/api/records/lead", `{"company":"Acme","amount":"100.10","stage":"won"}`)
	if code != 201 {
		t.Fatalf("create: %d %v", code, rec)
	}
	// A second process on the same data dir refuses to start.
	out, err := exec.Command(binary, "serve", "--addr", freeAddr(t), "--data-dir", dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another crm process") {
		t.Errorf("second server on the same data dir: err %v, output %s", err, out)
	}
	// A backup taken while the server runs holds the data.
	backup := filepath.Join(t.TempDir(), "backup.db")
	if out, err := exec.Command(binary, "backup", "--data-dir", dir, backup).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	s.stop(syscall.SIGTERM)
	if !strings.Contains(s.logs.String(), "shutting down") && s.cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("unclean shutdown: %s", s.logs)
	}

	s2 := start(t, "--data-dir", dir)
	code, got := s2.call("GET", "/api/records/lead/"+rec["id"].(string), "")
	if code != 200 || got["amount"] != 100.1 || got["ref"] != "L-0001" {
		t.Fatalf("after restart: %d %v", code, got)
	}
	code, again := s2.call("POST", "/api/records/lead", `{"company":"Beta"}`)
	if code != 201 || again["ref"] != "L-0002" {
		t.Errorf("autonumber after restart: %v", again)
	}
	s2.stop(syscall.SIGTERM)

	// crm restore puts the backup in place in an empty data dir.
	restored := t.TempDir()
	if out, err := exec.Command(binary, "restore", "--data-dir", restored, backup).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	s3 := start(t, "--data-dir", restored)
	if code, got := s3.call("GET", "/api/records/lead/"+rec["id"].(string), ""); code != 200 || got["company"] != "Acme" {
		t.Errorf("from backup: %d %v", code, got)
	}
	if code, _ := s3.call("POST", "/api/records/lead", `{"company":"After the backup"}`); code != 201 {
		t.Fatalf("create after restore: %d", code)
	}
	// Not while a server holds the directory, and not over a database unless asked.
	if out, err := exec.Command(binary, "restore", "--data-dir", restored, "--force", backup).CombinedOutput(); err == nil || !strings.Contains(string(out), "in use by another crm process") {
		t.Errorf("restore under a running server: %v %s", err, out)
	}
	s3.stop(syscall.SIGTERM)
	if out, err := exec.Command(binary, "restore", "--data-dir", restored, backup).CombinedOutput(); err == nil || !strings.Contains(string(out), "already holds a database") {
		t.Errorf("restore over a database without --force: %v %s", err, out)
	}
	notBackup := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notBackup, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary, "restore", "--data-dir", restored, "--force", notBackup).CombinedOutput(); err == nil || !strings.Contains(string(out), "not a crm backup") {
		t.Errorf("restore of a text file: %v %s", err, out)
	}
	out, err = exec.Command(binary, "restore", "--data-dir", restored, "--force", backup).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "before-restore-") {
		t.Fatalf("restore --force: %v %s", err, out)
	}
	s4 := start(t, "--data-dir", restored)
	code, list := s4.call("GET", "/api/records/lead", "")
	if items, _ := list["items"].([]any); code != 200 || len(items) != 1 {
		t.Errorf("after restore --force: the backup's one lead, got %d %v", code, list)
	}
	s4.stop(syscall.SIGTERM)
	// The replaced database is kept whole beside it.
	kept, _ := filepath.Glob(filepath.Join(restored, "crm.db.before-restore-*"))
	var keptDB string
	for _, k := range kept {
		if !strings.HasSuffix(k, "-wal") && !strings.HasSuffix(k, "-shm") {
			keptDB = k
		}
	}
	if keptDB == "" {
		t.Fatalf("no kept database in %v", kept)
	}
	second := t.TempDir()
	if out, err := exec.Command(binary, "restore", "--data-dir", second, keptDB).CombinedOutput(); err != nil {
		t.Fatalf("restore of the kept database: %v %s", err, out)
	}
	s5 := start(t, "--data-dir", second)
	if code, list := s5.call("GET", "/api/records/lead", ""); code != 200 || len(list["items"].([]any)) != 2 {
		t.Errorf("the kept database: %d %v", code, list)
	}
}

// TestKillDuringWrites kills the server with SIGKILL in the middle of a stream of writes: after a
// restart, every acknowledged write is there and every stored record is whole.
func TestKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	if code, b := s.call("POST", "/api/meta/objects", leadDef); code != 201 {
		t.Fatalf("define: %d %v", code, b)
	}
	var mu sync.Mutex
	acked := map[string]int{}
	var wg sync.WaitGroup
	stopAt := time.Now().Add(1500 * time.Millisecond)
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				seq := w*100000 + i
				code, b := s.call("POST", "/api/records/lead", fmt.Sprintf(`{"company":"c%d","seq":%d,"amount":"%d.25","email":"e%d@x.test","stage":"won","hot":true,"close_date":"2027-01-01"}`, seq, seq, seq, seq))
				if code != 201 {
					return // the server is gone
				}
				mu.Lock()
				acked[b["id"].(string)] = seq
				mu.Unlock()
			}
		}(w)
	}
	time.Sleep(time.Until(stopAt))
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}

	s2 := start(t, "--data-dir", dir)
	for id, seq := range acked {
		code, got := s2.call("GET", "/api/records/lead/"+id, "")
		if code != 200 || got["seq"] != float64(seq) || got["company"] != fmt.Sprintf("c%d", seq) {
			t.Fatalf("acknowledged write %s (seq %d) after the crash: %d %v", id, seq, code, got)
		}
	}
	// Every stored record (acknowledged or caught in flight) is whole.
	cursor, total := "", 0
	for {
		code, page := s2.call("GET", "/api/records/lead?limit=200&cursor="+cursor, "")
		if code != 200 {
			t.Fatalf("list: %d %v", code, page)
		}
		for _, it := range page["items"].([]any) {
			m := it.(map[string]any)
			for _, f := range []string{"company", "seq", "amount", "email", "stage", "hot", "close_date", "ref", "version", "created_at"} {
				if m[f] == nil {
					t.Fatalf("half-written record: %v", m)
				}
			}
			total++
		}
		cursor, _ = page["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if total < len(acked) || total > len(acked)+6 {
		t.Errorf("%d records stored for %d acknowledged writes by 6 writers", total, len(acked))
	}
	t.Logf("%d acknowledged writes survived SIGKILL, %d stored", len(acked), total)
}

// TestMoveToMongoDB moves a database from the embedded default to the MongoDB backend with
// `crm export` and `crm import`, and serves it from there.
func TestMoveToMongoDB(t *testing.T) {
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	if code, b := s.call("POST", "/api/meta/objects", leadDef); code != 201 {
		t.Fatalf("define: %d %v", code, b)
	}
	var ids []string
	for i := 0; i < 30; i++ {
		code, b := s.call("POST", "/api/records/lead", fmt.Sprintf(`{"company":"c%d","amount":"%d.05","seq":%d}`, i, i, i))
		if code != 201 {
			t.Fatalf("create: %d %v", code, b)
		}
		ids = append(ids, b["id"].(string))
	}
	s.call("PATCH", "/api/records/lead/"+ids[0], `{"stage":"won"}`)
	s.stop(syscall.SIGTERM)

	export := filepath.Join(t.TempDir(), "crm.jsonl")
	if out, err := exec.Command(binary, "export", "--data-dir", dir, "--out", export).CombinedOutput(); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	uri := mongotest.URI(t)
	db := fmt.Sprintf("move_%d", time.Now().UnixNano())
	out, err := exec.Command(binary, "import", "--mongodb-uri", uri, "--db", db, "--in", export).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"lead":30`) {
		t.Fatalf("import: %v %s", err, out)
	}
	// Importing again into the now non-empty database is refused and changes nothing.
	if out, err := exec.Command(binary, "import", "--mongodb-uri", uri, "--db", db, "--in", export).CombinedOutput(); err == nil {
		t.Errorf("second import accepted: %s", out)
	}

	m := start(t, "--mongodb-uri", uri, "--db", db)
	code, got := m.call("GET", "/api/records/lead/"+ids[0], "")
	if code != 200 || got["stage"] != "won" || got["version"] != float64(2) || got["amount"] != 0.05 {
		t.Fatalf("moved record: %d %v", code, got)
	}
	code, page := m.call("GET", "/api/records/lead?sort=-amount&limit=3", "")
	if code != 200 || len(page["items"].([]any)) != 3 || page["items"].([]any)[0].(map[string]any)["company"] != "c29" {
		t.Errorf("list on MongoDB: %d %v", code, page)
	}
	code, next := m.call("POST", "/api/records/lead", `{"company":"after move"}`)
	if code != 201 || next["ref"] != "L-0031" {
		t.Errorf("autonumber continues after the move: %v", next)
	}
}
