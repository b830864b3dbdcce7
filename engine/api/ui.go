package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	builderui "crm/builder-ui"
)

// uiCSP lets the app load only itself. Ant Design writes its styles at run time (CSS-in-JS), so
// inline styles are allowed; inline scripts are not. 'unsafe-eval' is there for Ajv, which compiles
// the forms' JSON Schemas (known only at run time) into functions; only the app's own scripts run.
const uiCSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Content types of what the build writes, fixed here rather than taken from the host's mime.types.
var uiTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".json":  "application/json",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
}

type uiFile struct {
	body  []byte
	ctype string
	etag  string

	// Compressed once, at a file's first request (not at start: most of the chunks a server holds
	// are never asked for, and tests start many servers). Compressing per request cost every
	// cold page load the CPU to compress its 2 MB of scripts again.
	compressible bool
	once         sync.Once
	br, gz       []byte
}

// mountUI serves the embedded builder app (its security headers come from securityHeaders) at every GET path the API does not own. It goes after
// the /api routes, whose catch-all keeps answering the JSON 404; routes added to the app later
// still win over the deep-link fallback.
func mountUI(app *fiber.App) {
	app.Get(uiRoute, uiHandler(builderui.FS()))
}

// uiRoute is the pattern the app's files and deep links are served under.
const uiRoute = "/*"

// appRoutes are the first path segments of the app's own routes (builder-ui/src/App.tsx; a test
// keeps the two in step). Any other path is a 404, not the app's HTML: a probe or a client pointed
// at a wrong URL must not read a 200.
var appRoutes = map[string]bool{
	"": true, "login": true, "objects": true, "flows": true, "dashboards": true, "app": true,
	"inbox": true, "calendars": true, "admin": true, "profile": true, "set-password": true, "email": true, "reference": true, "reports": true,
}

func isAppRoute(name string) bool {
	first, _, _ := strings.Cut(name, "/")
	return appRoutes[first]
}

// uiHandler answers files of dist by path, and index.html for any other path so that the app's
// own routes work as deep links. Hashed files under assets/ never change: cached for a year.
func uiHandler(dist fs.FS) fiber.Handler {
	files := loadUI(dist)
	index, ok := files["index.html"]
	if !ok {
		panic("builder-ui/dist has no index.html: run `make ui`")
	}
	return func(c *fiber.Ctx) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
		f, ok := files[name]
		switch {
		case ok && strings.HasPrefix(name, "assets/"):
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		case strings.HasPrefix(name, "assets/"):
			// A missing chunk (an old page after an update) must fail as such, not load HTML as script.
			return fiber.ErrNotFound
		case !ok && !isAppRoute(name):
			// A route registered after the UI, or the 404. A browser that navigated here gets the 404
			// with the app, which says "Page not found" and leads back; a probe or script reads a bare 404.
			own := c.Route()
			err := c.Next()
			if c.Route() != own || !isNotFound(err) || !wantsHTML(c) {
				return err
			}
			c.Status(fiber.StatusNotFound)
			c.Set(fiber.HeaderCacheControl, "no-cache")
			f = index
		case !ok:
			// A deep link, unless a route registered after the UI takes the path.
			own := c.Route()
			if err := c.Next(); c.Route() != own || !isNotFound(err) {
				return err
			}
			f = index
			fallthrough
		default:
			c.Set(fiber.HeaderCacheControl, "no-cache")
			c.Set(fiber.HeaderETag, f.etag)
			if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
				return c.SendStatus(fiber.StatusNotModified)
			}
		}
		c.Set(fiber.HeaderContentType, f.ctype)
		return c.Send(f.encoded(c))
	}
}

// wantsHTML: a page navigation (browsers send Accept: text/html first), not a fetch or a probe.
func wantsHTML(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

func isNotFound(err error) bool {
	var fe *fiber.Error
	return errors.As(err, &fe) && fe.Code == fiber.StatusNotFound
}

// encoded is the file's body in the best encoding the client accepts (Brotli, else gzip), with
// the headers that say so.
func (f *uiFile) encoded(c *fiber.Ctx) []byte {
	if !f.compressible {
		return f.body
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	f.once.Do(func() {
		f.br = fasthttp.AppendBrotliBytesLevel(nil, f.body, fasthttp.CompressBrotliDefaultCompression)
		f.gz = fasthttp.AppendGzipBytesLevel(nil, f.body, fasthttp.CompressBestCompression)
	})
	switch h := &c.Request().Header; {
	case h.HasAcceptEncoding("br") && len(f.br) < len(f.body):
		c.Set(fiber.HeaderContentEncoding, "br")
		return f.br
	case h.HasAcceptEncoding("gzip") && len(f.gz) < len(f.body):
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return f.gz
	}
	return f.body
}

// loadUI reads dist once; dot files and folders (the build's .source-hash stamp, Vite's manifest
// for the bundle budget test) are not served.
func loadUI(dist fs.FS) map[string]*uiFile {
	files := map[string]*uiFile{}
	err := fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		body, err := fs.ReadFile(dist, p)
		if err != nil {
			return err
		}
		ctype := uiTypes[path.Ext(p)]
		if ctype == "" {
			ctype = mime.TypeByExtension(path.Ext(p))
		}
		if ctype == "" {
			ctype = fiber.MIMEOctetStream
		}
		sum := sha256.Sum256(body)
		// Weak: the same tag covers the compressed and the plain representation.
		files[p] = &uiFile{body: body, ctype: ctype, etag: `W/"` + hex.EncodeToString(sum[:12]) + `"`,
			compressible: !strings.HasPrefix(ctype, "image/png") && ctype != "font/woff2" && ctype != fiber.MIMEOctetStream}
		return nil
	})
	if err != nil {
		panic("reading the embedded builder-ui/dist: " + err.Error())
	}
	return files
}
