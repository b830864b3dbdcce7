package api

import (
	"bufio"
	"context"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// List export (engine/record_export.go): the caller's list as a CSV or .xlsx download, streamed
// page by page once the first page has shown the request to be good.
func exportRecords(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		format, err := tableFormat(c)
		if err != nil {
			return err
		}
		var fields []string
		if s := c.Query("fields"); s != "" {
			for _, f := range strings.Split(s, ",") {
				if f = strings.TrimSpace(f); f != "" {
					fields = append(fields, f)
				}
			}
		}
		object := c.Params("object")
		ctx := context.WithoutCancel(c.UserContext()) // the body is written after the handler returns
		x, err := e.ExportRecords(ctx, actor(c), object, engine.ExportParams{Filter: c.Query("filter"), Q: c.Query("q"), Sort: c.Query("sort"), Fields: fields}, locale(c))
		if err != nil {
			return err
		}
		setDownload(c, format, object)
		c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
			tw, err := newTableWriter(w, format)
			if err == nil {
				err = tw.Write(x.Header())
			}
			for err == nil {
				var rows [][]string
				if rows, err = x.Next(ctx); err != nil || rows == nil {
					break
				}
				for _, r := range rows {
					if err = tw.Write(r); err != nil {
						break
					}
				}
				if err == nil {
					err = w.Flush()
				}
			}
			if err == nil {
				err = tw.Close()
			}
			if err != nil { // the status is sent: a failure now can only cut the file short
				slog.Warn("export cut short", "object", object, "err", err)
			}
		})
		return nil
	}
}
