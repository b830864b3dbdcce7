package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"crm/internal/testenv"
)

var scriptRef = regexp.MustCompile(`src="(/assets/[^"]+\.js)"`)

// TestUI serves the embedded builder app over a real listener next to the API.
func TestUI(t *testing.T) {
	t.Parallel()
	h := newHarnessOn(t, testenv.OpenSQLite(t))

	root := h.mustDo(200, "GET", "/", "")
	if !strings.Contains(root.Text, `<div id="root">`) || !strings.HasPrefix(root.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/ is not the app: %s %s", root.Header.Get("Content-Type"), root.Text)
	}
	for header, want := range map[string]string{
		"Cache-Control":           "no-cache",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'self'",
	} {
		if got := root.Header.Get(header); !strings.Contains(got, want) {
			t.Errorf("/ %s = %q, want %q", header, got, want)
		}
	}
	if csp := root.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self' 'unsafe-inline'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP %q: inline styles only", csp)
	}

	t.Run("deep links answer index.html", func(t *testing.T) {
		h.t = t
		for _, p := range []string{"/objects", "/objects/lead/fields?tab=1", "/app/lead/123", "/login?next=/app"} {
			r := h.mustDo(200, "GET", p, "", "Authorization", "")
			if r.Text != root.Text || r.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("%s is not index.html: %s", p, r.Text)
			}
		}
		again := h.mustDo(304, "GET", "/objects", "", "If-None-Match", root.Header.Get("ETag"))
		if again.Text != "" {
			t.Errorf("304 with a body: %s", again.Text)
		}
	})

	t.Run("hashed assets are immutable", func(t *testing.T) {
		h.t = t
		m := scriptRef.FindStringSubmatch(root.Text)
		if m == nil {
			t.Fatalf("index.html loads no script: %s", root.Text)
		}
		js := h.mustDo(200, "GET", m[1], "", "Accept-Encoding", "gzip")
		if got := js.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s Cache-Control %q", m[1], got)
		}
		if got := js.Header.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
			t.Errorf("%s Content-Type %q", m[1], got)
		}
		if got := js.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s X-Content-Type-Options %q", m[1], got)
		}
		h.mustDo(404, "GET", "/assets/gone-12345678.js", "")
	})

	t.Run("scripts come compressed as the browser accepts, the same bytes each time", func(t *testing.T) {
		h.t = t
		src := scriptRef.FindStringSubmatch(root.Text)[1]
		get := func(accept string) (string, []byte) {
			req, _ := http.NewRequest("GET", h.base+src, nil)
			req.Header.Set("Accept-Encoding", accept) // set by hand: the client then decodes nothing itself
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s (%s): %d, Vary %q", src, accept, res.StatusCode, res.Header.Get("Vary"))
			}
			return res.Header.Get("Content-Encoding"), body
		}
		enc, plain := get("identity")
		if enc != "" || !bytes.Contains(plain, []byte("import")) {
			t.Fatalf("identity: Content-Encoding %q, %.80s", enc, plain)
		}
		decoders := map[string]func(io.Reader) io.Reader{
			"br":   func(r io.Reader) io.Reader { return brotli.NewReader(r) },
			"gzip": func(r io.Reader) io.Reader { z, _ := gzip.NewReader(r); return z },
		}
		for accept, want := range map[string]string{"gzip, deflate, br, zstd": "br", "gzip, deflate": "gzip"} {
			enc, body := get(accept)
			_, again := get(accept)
			if enc != want || len(body) >= len(plain)/2 || !bytes.Equal(body, again) {
				t.Errorf("%s: Content-Encoding %q (want %s), %d of %d bytes, same again %v", accept, enc, want, len(body), len(plain), bytes.Equal(body, again))
				continue
			}
			got, err := io.ReadAll(decoders[want](bytes.NewReader(body)))
			if err != nil || !bytes.Equal(got, plain) {
				t.Errorf("%s does not decode to the script: %v", want, err)
			}
		}
	})

	t.Run("paths outside the app's routes are 404, not the app", func(t *testing.T) {
		h.t = t
		for _, p := range []string{"/.source-hash", "/.vite/manifest.json", "/openapi.json", "/wp-login.php", "/healthz", "/metrics.json", "/apps"} {
			r := h.mustDo(404, "GET", p, "", "Authorization", "")
			if strings.Contains(r.Text, `<div id="root">`) {
				t.Errorf("%s answered the app's HTML", p)
			}
			// A person who typed the URL sees the app's "Page not found", still with the 404 status.
			r = h.mustDo(404, "GET", p, "", "Authorization", "", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
			if !strings.Contains(r.Text, `<div id="root">`) {
				t.Errorf("%s did not answer a browser with the app: %.200s", p, r.Text)
			}
		}
	})

	t.Run("the API keeps its JSON 404", func(t *testing.T) {
		h.t = t
		for _, p := range []string{"/api/nope", "/api"} {
			r := h.mustDo(404, "GET", p, "")
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.JSON["error"] == nil {
				t.Errorf("%s: %s %s", p, r.Header.Get("Content-Type"), r.Text)
			}
		}
	})
}
