package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// Record imports (engine/record_import.go): a multipart upload answered 202 with the import, whose
// progress, error report and cancel have their own routes.
func mountImports(r fiber.Router, e *engine.Engine) {
	r.Post("/imports", startImport(e))
	r.Get("/imports", listImports(e))
	r.Get("/imports/:id", getImport(e))
	r.Get("/imports/:id/errors", importErrors(e))
	r.Post("/imports/:id/cancel", cancelImport(e))
}

func startImport(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
			return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_request", Message: "send the import as multipart/form-data with a file"}
		}
		req := engine.ImportRequest{Object: c.FormValue("object"), Mode: c.FormValue("mode"), Key: c.FormValue("key"),
			OnDuplicate: c.FormValue("on_duplicate")}
		if req.Object == "" {
			return &engine.Error{Kind: engine.KindInvalid, Code: "missing_object", Message: "name the object"}
		}
		switch dry := c.FormValue("dry_run"); dry {
		case "", "false", "0":
		case "true", "1":
			req.DryRun = true
		default:
			return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_parameter", Message: "dry_run is true or false"}
		}
		if m := c.FormValue("mapping"); m != "" {
			if err := json.Unmarshal([]byte(m), &req.Mapping); err != nil {
				return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_mapping", Message: "mapping is a JSON object of column names to field names"}
			}
			if req.Mapping == nil {
				req.Mapping = map[string]string{}
			}
		}
		fh, err := c.FormFile("file")
		if err != nil {
			return &engine.Error{Kind: engine.KindValidation, Code: "import_empty", Message: "no file was sent"}
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		req.FileName, req.File = fh.Filename, f
		im, err := e.StartImport(c.UserContext(), actor(c), req, locale(c))
		if err != nil {
			return err
		}
		c.Location("/api/imports/" + im.ID)
		return c.Status(fiber.StatusAccepted).JSON(im)
	}
}

func listImports(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		list, err := e.ListImports(c.UserContext(), actor(c), c.Query("object"), c.QueryInt("limit", 0))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": list})
	}
}

func getImport(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		im, err := e.GetImport(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(im)
	}
}

func cancelImport(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		im, err := e.CancelImport(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(im)
	}
}

// reportColumns name the columns an error report adds to the file's own.
var reportColumns = map[string][]string{
	"en":    {"Row", "Column", "Error code", "Error"},
	"zh-CN": {"行号", "列", "错误代码", "错误信息"},
}

// importErrors answers the failed rows as uploaded, each with its row number and what was wrong
// (several problems of a row joined by "; "), in the caller's language.
func importErrors(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		format, err := tableFormat(c)
		if err != nil {
			return err
		}
		lang := locale(c)
		extra := reportColumns["en"]
		if strings.HasPrefix(lang, "zh") {
			extra, lang = reportColumns["zh-CN"], "zh-CN"
		}
		id := c.Params("id")
		if _, err := e.GetImport(c.UserContext(), actor(c), id); err != nil {
			return err
		}
		// A report holds the failed rows only: it is built whole, so a failure midway is still an
		// error answer rather than a cut file.
		var buf bytes.Buffer
		var tw tableWriter
		err = e.ImportErrors(c.UserContext(), actor(c), id, func(header []string, r *engine.ImportErrorRow) error {
			if r == nil {
				var err error
				if tw, err = newTableWriter(&buf, format); err != nil {
					return err
				}
				return tw.Write(append(append([]string{}, header...), extra...))
			}
			cells := make([]string, len(header), len(header)+4)
			copy(cells, r.Cells)
			var cols, codes, msgs []string
			for _, ce := range r.Errors {
				cols, codes, msgs = append(cols, ce.Column), append(codes, ce.Code), append(msgs, ce.Message.In(lang))
			}
			cells = append(cells, strconv.FormatInt(r.Row, 10), strings.Join(cols, "; "), strings.Join(codes, "; "), strings.Join(msgs, "; "))
			return tw.Write(cells)
		})
		if err == nil {
			err = tw.Close()
		}
		if err != nil {
			return err
		}
		setDownload(c, format, "import-"+id+"-errors")
		return c.Send(buf.Bytes())
	}
}

// uploadLimit is the server's body limit: an import's file (and its multipart wrapping) may be
// larger than any other body, which bodyLimit holds to the configured limit.
func uploadLimit(cfg Config) int {
	if cfg.Engine == nil {
		return cfg.BodyLimit
	}
	return max(cfg.BodyLimit, int(cfg.Engine.ImportMaxBytes())+1<<20)
}

// bodyLimit answers 413 to a body over limit on every route but the import upload.
func bodyLimit(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Request().Body()) > limit && !(c.Method() == fiber.MethodPost && c.Path() == "/api/imports") {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}
