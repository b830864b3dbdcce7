package engine

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
)

// Counting a workbook's rows before an import starts. Reading every cell through excelize cost
// 6.6 s per 200,000 rows, all of it inside the upload's request; the count only needs to know
// which rows hold a value, which a scan of the worksheet's XML bytes tells at the speed of
// inflating it (0.75 s). The header is still read through excelize (countRows).

// xlsxValueRows counts the rows of the first worksheet of the workbook at path that hold a value
// (a <v> or an inline string's <t> with more than white space), stopping past max. A cell whose
// value indexes the shared strings counts as a value even when that string is white space: such
// a row is counted but then skipped as blank, as a formatted empty row never is.
func xlsxValueRows(path string, max int) (int, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return 0, err
	}
	defer z.Close()
	part, err := firstSheetPart(&z.Reader)
	if err != nil {
		return 0, err
	}
	for _, m := range z.File {
		if m.Name == part {
			r, err := m.Open()
			if err != nil {
				return 0, err
			}
			defer r.Close()
			return valueRows(r, max)
		}
	}
	return 0, errors.New("the workbook's first worksheet is missing")
}

// firstSheetPart is the zip member of the workbook's first sheet, as excelize lists them: the
// first <sheet> of xl/workbook.xml, through its relationship's target.
func firstSheetPart(z *zip.Reader) (string, error) {
	var book struct {
		Sheets []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeMember(z, "xl/workbook.xml", &book); err != nil {
		return "", err
	}
	if err := decodeMember(z, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	if len(book.Sheets) == 0 {
		return "", errors.New("the workbook has no worksheet")
	}
	for _, r := range rels.Rels {
		if r.ID == book.Sheets[0].RID {
			if strings.HasPrefix(r.Target, "/") {
				return strings.TrimPrefix(r.Target, "/"), nil
			}
			return path.Join("xl", r.Target), nil
		}
	}
	return "", errors.New("the workbook's first worksheet has no part")
}

func decodeMember(z *zip.Reader, name string, v any) error {
	for _, m := range z.File {
		if m.Name == name {
			r, err := m.Open()
			if err != nil {
				return err
			}
			defer r.Close()
			return xml.NewDecoder(io.LimitReader(r, 16<<20)).Decode(v)
		}
	}
	return errors.New("the workbook has no " + name)
}

// valueRows scans worksheet XML for <row> elements holding a value, up to max+1 of them.
func valueRows(r io.Reader, max int) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	rows := 0
	inRow, has := false, false
	inText := false // inside <v> or <t>
	for {
		// The text up to the next tag.
		text, err := br.ReadSlice('<')
		for errors.Is(err, bufio.ErrBufferFull) { // a long text: judged piece by piece
			if inText && len(bytes.TrimSpace(text)) > 0 {
				has = true
			}
			text, err = br.ReadSlice('<')
		}
		if inText && len(bytes.TrimSpace(bytes.TrimSuffix(text, []byte("<")))) > 0 {
			has = true
		}
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return 0, err
		}
		// The tag, up to its '>' (its name is all that matters, so a long one is skipped through).
		tag, err := br.ReadSlice('>')
		name, closing := tagName(tag)
		for errors.Is(err, bufio.ErrBufferFull) {
			tag, err = br.ReadSlice('>')
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return rows, nil
			}
			return 0, err
		}
		empty := bytes.HasSuffix(tag, []byte("/>")) // <row .../>: an element without content
		switch {
		case name == "row" && closing:
			if inRow && has {
				if rows++; rows > max {
					return rows, nil
				}
			}
			inRow = false
		case name == "row":
			inRow, has = !empty, false
		case name != "" && closing: // </v>, </t>
			inText = false
		case name != "":
			inText = inRow && !empty
		}
	}
}

// tagName is the local name of a tag read after its '<' when it is one the scan heeds (row, v,
// t; "" for the others), and whether the tag closes an element.
func tagName(tag []byte) (name string, closing bool) {
	if closing = len(tag) > 0 && tag[0] == '/'; closing {
		tag = tag[1:]
	}
	if end := bytes.IndexAny(tag, " \t\r\n/>"); end >= 0 {
		tag = tag[:end]
	}
	if i := bytes.IndexByte(tag, ':'); i >= 0 {
		tag = tag[i+1:]
	}
	switch string(tag) { // constants: no string is made for the many other tags
	case "row":
		return "row", closing
	case "v":
		return "v", closing
	case "t":
		return "t", closing
	}
	return "", closing
}
