package engine

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Reading an uploaded sheet: CSV (UTF-8 with or without a byte order mark, or GB18030/GBK, the
// encoding Chinese Excel saves CSV in) or the first worksheet of an .xlsx workbook, one row at a
// time, so that memory does not grow with the file.

// Import file formats.
const (
	formatCSV  = "csv"
	formatXLSX = "xlsx"
)

// sheet yields the rows of an uploaded file: the header first, then the data rows, io.EOF at the
// end. A row's cells are text as the file holds it (for xlsx the raw value: a date is its serial
// number, a number has no thousands separator).
type sheet interface {
	Next() ([]string, error)
	Close() error
}

// sniffFormat tells the format of a file from its first bytes: a zip archive is an xlsx
// workbook, text is CSV; anything else (a PDF, an image, an old binary .xls) is refused.
func sniffFormat(head []byte) (string, error) {
	if len(head) == 0 {
		return "", errorf(KindValidation, "import_empty", "the file is empty")
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return formatXLSX, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", errorf(KindValidation, "import_unsupported_file", "the file is neither CSV nor an Excel .xlsx workbook")
	}
	return formatCSV, nil
}

// openSheet opens the file at path (of format) for reading. unzipLimit bounds what an xlsx may
// unpack to: a zip bomb dressed as a workbook is refused before a byte of it is inflated.
func openSheet(path, format string, unzipLimit int64) (sheet, error) {
	if format == formatXLSX {
		return openXLSX(path, unzipLimit)
	}
	return openCSV(path)
}

// csvSheet reads CSV in whichever encoding it is in.
type csvSheet struct {
	f *os.File
	r *csv.Reader
}

func openCSV(path string) (sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10)
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		_, _ = br.Discard(3)
	case !validUTF8Prefix(head):
		// Not UTF-8: Excel in a Chinese locale saves CSV in GBK, which GB18030 contains.
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	r := csv.NewReader(src)
	r.FieldsPerRecord = -1 // short and long rows are the data's business, reported per row
	r.LazyQuotes = true
	if line, _, _ := bytes.Cut(head, []byte("\n")); bytes.Count(line, []byte("\t")) > bytes.Count(line, []byte(",")) {
		r.Comma = '\t' // "Unicode text" saved by Excel is tab-separated
	}
	return &csvSheet{f: f, r: r}, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func (s *csvSheet) Next() ([]string, error) {
	row, err := s.r.Read()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, errorf(KindValidation, "import_unreadable", "the CSV file cannot be read: %v", err)
	}
	return row, err
}

func (s *csvSheet) Close() error { return s.f.Close() }

// xlsxSheet streams the first worksheet of a workbook.
type xlsxSheet struct {
	f    *excelize.File
	rows *excelize.Rows
}

// Zip bomb guards: besides the total, no member may inflate more than maxRatio times its packed
// size once it is past a size where such ratios are plausible for repetitive XML.
const (
	maxZipRatio   = 200
	ratioFreeSize = 4 << 20
)

func openXLSX(path string, unzipLimit int64) (sheet, error) {
	if err := checkZip(path, unzipLimit); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, errorf(KindValidation, "import_unreadable", "the workbook cannot be read: %v", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errorf(KindValidation, "import_empty", "the workbook has no worksheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, errorf(KindValidation, "import_unreadable", "the worksheet cannot be read: %v", err)
	}
	return &xlsxSheet{f: f, rows: rows}, nil
}

// checkZip refuses an archive whose members would unpack to more than limit in all, or one
// member that inflates implausibly. The sizes are the archive's own claims, which archive/zip
// holds a member to while inflating it, and excelize's UnzipSizeLimit checks them again.
func checkZip(path string, limit int64) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return errorf(KindValidation, "import_unsupported_file", "the file is neither CSV nor an Excel .xlsx workbook")
	}
	defer z.Close()
	var total uint64
	workbook := false
	for _, m := range z.File {
		total += m.UncompressedSize64
		if m.UncompressedSize64 > ratioFreeSize && m.UncompressedSize64 > maxZipRatio*max(m.CompressedSize64, 1) {
			return errorf(KindValidation, "import_unsafe_file", "member %q of the workbook would unpack %d times its size", m.Name, m.UncompressedSize64/max(m.CompressedSize64, 1))
		}
		if m.Name == "xl/workbook.xml" {
			workbook = true
		}
	}
	if total > uint64(limit) {
		return errorf(KindValidation, "import_unsafe_file", "the workbook would unpack to %d bytes, more than the %d allowed", total, limit)
	}
	if !workbook {
		return errorf(KindValidation, "import_unsupported_file", "the archive is not an Excel .xlsx workbook")
	}
	return nil
}

func (s *xlsxSheet) Next() ([]string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, errorf(KindValidation, "import_unreadable", "the worksheet cannot be read: %v", err)
		}
		return nil, io.EOF
	}
	row, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, errorf(KindValidation, "import_unreadable", "the worksheet cannot be read: %v", err)
	}
	return row, nil
}

func (s *xlsxSheet) Close() error {
	s.rows.Close()
	return s.f.Close()
}

// blankRow reports whether every cell of a row is empty: spreadsheets end in such rows, and they
// are neither counted nor imported.
func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
