package api

import (
	"encoding/csv"
	"io"
	"regexp"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"crm/engine"
)

// Spreadsheet downloads (list exports, import error reports): rows of text cells as CSV or .xlsx.

// tableFormat reads ?format=csv|xlsx (csv when absent).
func tableFormat(c *fiber.Ctx) (string, error) {
	switch f := c.Query("format", "csv"); f {
	case "csv", "xlsx":
		return f, nil
	default:
		return "", &engine.Error{Kind: engine.KindInvalid, Code: "invalid_format", Message: "format is csv or xlsx"}
	}
}

func setDownload(c *fiber.Ctx, format, name string) {
	if format == "xlsx" {
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	c.Attachment(name + "." + format)
}

// tableWriter writes rows of text cells as a file.
type tableWriter interface {
	Write(cells []string) error
	Close() error
}

func newTableWriter(w io.Writer, format string) (tableWriter, error) {
	if format == "xlsx" {
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, err
		}
		return &xlsxWriter{f: f, sw: sw, w: w}, nil
	}
	// A byte order mark: Excel opens UTF-8 CSV as such only with one.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	return &csvWriter{w: csv.NewWriter(w)}, nil
}

type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) Write(cells []string) error {
	out := make([]string, len(cells))
	for i, s := range cells {
		out[i] = defuse(s)
	}
	return c.w.Write(out)
}

func (c *csvWriter) Close() error { c.w.Flush(); return c.w.Error() }

var plainNumber = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)$`)

// defuse keeps a spreadsheet from running a cell as a formula (CSV injection): a text that starts
// with = + - @ (or a tab or carriage return, which some spreadsheets skip before looking) gets a
// leading apostrophe, which spreadsheets show as text and the import takes off again. A plain
// number ("-12.50") is left as it is.
func defuse(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// xlsxWriter writes the first sheet of a workbook through excelize's stream writer (rows go to
// a temporary file, not memory); the workbook is written out on Close. Cells are text, so no
// value is ever a formula and money keeps its digits.
type xlsxWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	w   io.Writer
	row int
}

func (x *xlsxWriter) Write(cells []string) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	vals := make([]any, len(cells))
	for i, s := range cells {
		vals[i] = s
	}
	return x.sw.SetRow(cell, vals)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}
