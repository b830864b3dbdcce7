package api

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/forms"
)

// Reports (engine/report_*.go): the definitions are served by mountDefinitions under /reports;
// these run them. A draft is run from the request body (POST /reports/run), a saved one by
// name; both answer the result computed for the caller.

func reportOptions(c *fiber.Ctx) engine.ReportOptions {
	return engine.ReportOptions{Locale: locale(c), Filter: c.Query("filter"), Period: c.Query("period"),
		Owner: c.Query("owner"), Team: c.Query("team")}
}

// reportOf is the report a request names: the draft in its body (POST), else the saved one.
func reportOf(c *fiber.Ctx, e *engine.Engine) (*forms.Report, error) {
	if c.Method() == fiber.MethodPost {
		var r forms.Report
		if err := decodeStrict(c, &r); err != nil {
			return nil, err
		}
		return &r, nil
	}
	return e.GetReport(c.UserContext(), actor(c), c.Params("name"))
}

func runReport(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := reportOf(c, e)
		if err != nil {
			return err
		}
		out, err := e.RunReport(c.UserContext(), actor(c), r, reportOptions(c))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func reportRows(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := reportOf(c, e)
		if err != nil {
			return err
		}
		num := func(name string) (int, error) {
			s := c.Query(name)
			if s == "" {
				return 0, nil
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return 0, &engine.Error{Kind: engine.KindInvalid, Code: "invalid_page", Message: name + " is a whole number from 1"}
			}
			return n, nil
		}
		page, err := num("page")
		if err != nil {
			return err
		}
		size, err := num("page_size")
		if err != nil {
			return err
		}
		out, err := e.RunReportRows(c.UserContext(), actor(c), r, reportOptions(c), c.Query("group"), page, size)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// exportReport answers a saved report as a CSV or .xlsx file: its groups with a line of totals,
// or its detail rows when it groups by nothing.
func exportReport(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		format, err := tableFormat(c)
		if err != nil {
			return err
		}
		r, err := reportOf(c, e)
		if err != nil {
			return err
		}
		rows, err := e.ReportTable(c.UserContext(), actor(c), r, reportOptions(c))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		tw, err := newTableWriter(&buf, format)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := tw.Write(row); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		setDownload(c, format, r.Name)
		return c.Send(buf.Bytes())
	}
}
