package forms

import (
	"fmt"
	"slices"
	"strings"
)

// Report is a saved question over one object's records: which records (Filter, in the list
// filter language), how they are grouped (up to two Rows and one Column, a matrix), what is
// measured per group, which detail Columns a drill-down shows, and who may read it (Sharing).
// Owner and Version are the server's: whatever a client sends there is ignored.
type Report struct {
	Name     string          `json:"name"`
	Label    Label           `json:"label,omitempty"`
	Object   string          `json:"object"`
	Columns  []string        `json:"columns,omitempty"`
	Filter   string          `json:"filter,omitempty"`
	Rows     []ReportGroup   `json:"rows,omitempty"`
	Column   *ReportGroup    `json:"column,omitempty"`
	Measures []ReportMeasure `json:"measures"`
	Chart    string          `json:"chart,omitempty"`
	Sharing  string          `json:"sharing,omitempty"`
	Owner    string          `json:"owner,omitempty"`
	Version  int64           `json:"version,omitempty"`
}

// ReportGroup is one group field of a report: a field of the object or a lookup path one level
// deep (account.industry), a date or datetime one cut to a Bucket.
type ReportGroup struct {
	Field  string `json:"field"`
	Bucket string `json:"bucket,omitempty"`
}

// ReportMeasure is one value per group: count, or sum/avg/min/max of a field.
type ReportMeasure struct {
	Op    string `json:"op"`
	Field string `json:"field,omitempty"`
}

// Limits of a report definition.
const (
	MaxReportRows     = 2
	MaxReportMeasures = 4
	MaxReportColumns  = 50
)

// Report sharing: who besides the owner (and admins) reads it.
const (
	ReportPrivate  = "private"
	ReportTeam     = "team"
	ReportEveryone = "everyone"
)

var (
	reportCharts   = []string{"none", "bar", "column", "line", "pie", "funnel"}
	reportSharings = []string{ReportPrivate, ReportTeam, ReportEveryone}
	reportOps      = []string{"count", "sum", "avg", "min", "max"}
)

// ReportFields answers the fields a report names: Field is a field of an object, system fields
// included, nil when there is none (or the object does not exist).
type ReportFields interface {
	Field(object, name string) *Field
}

// ReportField is a name a report uses, resolved: the field itself and, for a lookup path, the
// lookup it follows from the report's object.
type ReportField struct {
	Name   string
	Field  *Field
	Lookup *Field // nil: a field of the object itself
}

// ResolveReportField resolves "stage" or "account.industry" (one lookup deep) on object.
func ResolveReportField(fields ReportFields, object, name string) (ReportField, string) {
	head, rest, path := strings.Cut(name, ".")
	f := fields.Field(object, head)
	if f == nil {
		return ReportField{}, fmt.Sprintf("%q is not a field of %s", head, object)
	}
	if !path {
		return ReportField{Name: name, Field: f}, ""
	}
	if f.ValueType() != "lookup" || f.Target == "" {
		return ReportField{}, fmt.Sprintf("%q is not a lookup: only a lookup is followed (%q)", head, name)
	}
	if strings.Contains(rest, ".") {
		return ReportField{}, fmt.Sprintf("%q follows more than one lookup; a report follows one", name)
	}
	pf := fields.Field(f.Target, rest)
	if pf == nil {
		return ReportField{}, fmt.Sprintf("%q is not a field of %s", rest, f.Target)
	}
	return ReportField{Name: name, Field: pf, Lookup: f}, ""
}

// ReportGroupable tells whether records may be grouped by a field: few distinct values or dates.
func ReportGroupable(f *Field) bool {
	switch f.ValueType() {
	case "picklist", "boolean", "user", "lookup", "date", "datetime":
		return f.Name != "id"
	}
	return false
}

// reportNumeric tells whether sum and avg apply to a field.
func reportNumeric(f *Field) bool {
	switch f.ValueType() {
	case "number", "integer", "currency", "percent":
		return true
	}
	return false
}

// CheckReport finds every problem of a report definition at once, each with its JSON pointer.
// The filter is the caller's to check (it is the list filter language).
func CheckReport(r *Report, fields ReportFields) []Problem {
	var probs []Problem
	bad := func(at, code, format string, args ...any) {
		probs = append(probs, Problem{Pointer: at, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if !NamePattern.MatchString(r.Name) {
		bad("/name", codeInvalidName, "a report name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	if r.Chart != "" && !slices.Contains(reportCharts, r.Chart) {
		bad("/chart", "invalid_chart", "a chart is one of %v", reportCharts)
	}
	if r.Sharing != "" && !slices.Contains(reportSharings, r.Sharing) {
		bad("/sharing", "invalid_sharing", "sharing is one of %v", reportSharings)
	}
	if fields.Field(r.Object, "id") == nil {
		bad("/object", codeUnknownObject, "no object named %q", r.Object)
		return probs
	}
	if len(r.Columns) > MaxReportColumns {
		bad("/columns", "too_many", "a report shows at most %d columns", MaxReportColumns)
	}
	for i, c := range r.Columns {
		if _, msg := ResolveReportField(fields, r.Object, c); msg != "" {
			bad(fmt.Sprintf("/columns/%d", i), codeUnknownField, "%s", msg)
		}
	}
	if len(r.Rows) > MaxReportRows {
		bad("/rows", "too_many", "a report groups by at most %d row fields", MaxReportRows)
	}
	seen := map[string]bool{}
	group := func(at string, g ReportGroup) {
		rf, msg := ResolveReportField(fields, r.Object, g.Field)
		if msg != "" {
			bad(at+"/field", codeUnknownField, "%s", msg)
			return
		}
		if seen[g.Field] {
			bad(at+"/field", "duplicate_group", "%q is grouped by twice", g.Field)
		}
		seen[g.Field] = true
		if !ReportGroupable(rf.Field) {
			bad(at+"/field", "invalid_group", "cannot group by %s field %q: only picklist, boolean, user, lookup, date and datetime fields", rf.Field.Type, g.Field)
			return
		}
		t := rf.Field.ValueType()
		switch {
		case g.Bucket != "" && t != "date" && t != "datetime":
			bad(at+"/bucket", "invalid_bucket", "only date and datetime fields take a bucket (%q is %s)", g.Field, rf.Field.Type)
		case g.Bucket != "" && !slices.Contains(Buckets, g.Bucket):
			bad(at+"/bucket", "invalid_bucket", "a bucket is one of %v", Buckets)
		}
	}
	for i, g := range r.Rows {
		group(fmt.Sprintf("/rows/%d", i), g)
	}
	if r.Column != nil {
		group("/column", *r.Column)
	}
	switch n := len(r.Measures); {
	case n == 0:
		bad("/measures", "missing_measure", "a report measures at least one thing (count)")
	case n > MaxReportMeasures:
		bad("/measures", "too_many", "a report has at most %d measures", MaxReportMeasures)
	}
	ms := map[ReportMeasure]bool{}
	for i, m := range r.Measures {
		at := fmt.Sprintf("/measures/%d", i)
		if !slices.Contains(reportOps, m.Op) {
			bad(at+"/op", "invalid_measure", "a measure is one of %v", reportOps)
			continue
		}
		if ms[m] {
			bad(at, "duplicate_measure", "the measure appears twice")
		}
		ms[m] = true
		if m.Op == "count" {
			if m.Field != "" {
				bad(at+"/field", "invalid_measure", "count takes no field")
			}
			continue
		}
		if strings.Contains(m.Field, ".") {
			bad(at+"/field", "invalid_measure", "a measure is over a field of %s itself (a roll-up brings a child's values to it)", r.Object)
			continue
		}
		rf, msg := ResolveReportField(fields, r.Object, m.Field)
		if msg != "" {
			bad(at+"/field", codeUnknownField, "%s", msg)
			continue
		}
		t := rf.Field.ValueType()
		if !reportNumeric(rf.Field) && !((t == "date" || t == "datetime") && (m.Op == "min" || m.Op == "max")) {
			bad(at+"/field", "invalid_measure", "cannot %s %s field %q: sum and avg take number, integer, currency and percent fields; min and max also dates", m.Op, rf.Field.Type, m.Field)
		}
	}
	return probs
}

// ReportUses lists every field name a report reads (columns, groups, measures), once each.
func ReportUses(r *Report) []string {
	var out []string
	add := func(n string) {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, g := range r.Rows {
		add(g.Field)
	}
	if r.Column != nil {
		add(r.Column.Field)
	}
	for _, m := range r.Measures {
		add(m.Field)
	}
	for _, c := range r.Columns {
		add(c)
	}
	return out
}
