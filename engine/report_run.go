package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// Running a report. The database groups (store.Aggregate: GROUP BY on SQLite, $group or a fold
// of the matching documents on MongoDB) by the report's fields as stored: a lookup path by the
// lookup (account), a datetime by its UTC hour (minute in a zone whose offset is not whole
// hours), a date by its day, month or year. The engine then brings each database group to the
// report's group: the parent's field as the reader may read it, the bucket in the reader's time
// zone. Averages are carried as a sum and a count of values so that merging stays exact.
// Every row read is under the reader's record access; a field they may not see is refused.

// Limits of one run.
const (
	// MaxReportGroups is how many groups a report answers; beyond it the run is refused
	// (report_too_broad) and the user narrows the filter or groups by fewer fields.
	MaxReportGroups = 10000
	// maxReportScan is how many database groups a run merges (hours of a datetime, lookups).
	maxReportScan = 200000
)

// ReportOptions are a reading's parameters: the reader's language, an extra filter in the list
// language, and the dashboard filters (a period of creation, an owner, a team's members).
type ReportOptions struct {
	Locale string
	Filter string
	Period string
	Owner  string
	Team   string
}

// ReportResult is a report computed for one reader.
type ReportResult struct {
	Object    string         `json:"object"`
	Rows      []ReportAxis   `json:"rows"`
	Column    *ReportAxis    `json:"column,omitempty"`
	Measures  []ReportValue  `json:"measures"`
	Groups    []ReportBucket `json:"groups"`
	Totals    []any          `json:"totals"`
	Truncated bool           `json:"truncated"`
}

// ReportAxis describes one group field of a result.
type ReportAxis struct {
	Field  string      `json:"field"`
	Bucket string      `json:"bucket,omitempty"`
	Label  forms.Label `json:"label"`
	Type   string      `json:"type"`
}

// ReportValue describes one measure of a result.
type ReportValue struct {
	Op    string      `json:"op"`
	Field string      `json:"field,omitempty"`
	Label forms.Label `json:"label"`
}

// ReportBucket is one group: its keys (one per row field), their labels in the reader's
// language, in a matrix the column's key and label, the measures, and the drill-down filter (the
// list filter that lists exactly its records).
type ReportBucket struct {
	Keys        []any    `json:"keys"`
	Labels      []string `json:"labels"`
	ColumnKey   any      `json:"column_key"`
	ColumnLabel string   `json:"column_label"`
	Values      []any    `json:"values"`
	Filter      string   `json:"filter"`
	matrix      bool
}

// reportKey is one group field as planned: the report's field, where the database groups it and
// how a database key becomes the report's.
type reportKey struct {
	group  forms.ReportGroup
	rf     forms.ReportField
	store  store.GroupKey
	parent *definition // a lookup path: the parent object
	pgrant *grant
	values map[string]any    // a lookup path: parent id -> the parent's field as the reader reads it
	titles map[string]string // a lookup key: record id -> its title, as the reader may read it
}

// reportPlan is a checked run of a report for one reader.
type reportPlan struct {
	r        *forms.Report
	def      *definition
	g        *grant
	loc      *time.Location
	locale   string
	keys     []reportKey // rows, then the column
	measures []reportMeasure
	q        store.AggQuery
	filter   string // the whole filter of the run in the list language (report, extra, narrowing)
	users    map[string]*User
	by       *Actor
}

// reportMeasure is where a measure's parts are among the database measures.
type reportMeasure struct {
	m     forms.ReportMeasure
	field *forms.Field
	at    int // count, sum, min, max; avg: its sum
	n     int // avg: the count of values
}

// RunReport computes a report (saved or a draft) for the reader.
func (e *Engine) RunReport(ctx context.Context, by *Actor, r *forms.Report, o ReportOptions) (*ReportResult, error) {
	plan, err := e.planReport(ctx, by, r, o)
	if err != nil {
		return nil, err
	}
	return e.runReport(ctx, plan)
}

// ReportData runs a saved report the reader may read.
func (e *Engine) ReportData(ctx context.Context, by *Actor, name string, o ReportOptions) (*ReportResult, error) {
	r, err := e.GetReport(ctx, by, name)
	if err != nil {
		return nil, err
	}
	return e.RunReport(ctx, by, r, o)
}

func (e *Engine) planReport(ctx context.Context, by *Actor, r *forms.Report, o ReportOptions) (*reportPlan, error) {
	if !forms.NamePattern.MatchString(r.Name) {
		r.Name = "draft" // a draft's name is not checked until it is saved
	}
	if probs := e.checkReport(ctx, r); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	def, g, err := e.access(ctx, by, r.Object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	plan := &reportPlan{r: r, def: def, g: g, loc: location(by.Timezone), locale: o.Locale, by: by}
	fields := wholeFields{e: e, ctx: ctx}
	grants := map[string]*grant{}
	// Every field the report reads must be visible to the reader: on the object, and through a
	// lookup on a parent they may read.
	for _, name := range forms.ReportUses(r) {
		rf, _ := forms.ResolveReportField(fields, r.Object, name)
		hidden := g.hidden[rf.Name] || (rf.Lookup != nil && g.hidden[rf.Lookup.Name])
		if rf.Lookup != nil && !hidden {
			pg, err := e.parentGrant(ctx, by, rf.Lookup.Target, grants)
			if err != nil {
				return nil, err
			}
			hidden = pg == nil || pg.hidden[rf.Field.Name]
		}
		if hidden {
			return nil, errorf(KindForbidden, "field_hidden", "the report reads %q, which you may not see", name)
		}
	}
	for _, gr := range reportGroups(r) {
		rf, _ := forms.ResolveReportField(fields, r.Object, gr.Field)
		k := reportKey{group: gr, rf: rf, store: store.GroupKey{Field: rf.Name}}
		if rf.Lookup != nil {
			k.store.Field = rf.Lookup.Name
			if k.parent, err = e.current(ctx, rf.Lookup.Target); err != nil {
				return nil, err
			}
			k.pgrant = grants[rf.Lookup.Target]
		}
		switch rf.Field.ValueType() {
		case "date", "datetime":
			if rf.Lookup != nil { // grouped by the lookup; the parent's value is cut here
				break
			}
			if rf.Field.ValueType() == "datetime" {
				k.store.Prefix = instantPrefix(gr.Bucket, plan.loc)
				break
			}
			k.store.Prefix = map[string]int{"month": 7, "year": 4}[gr.Bucket]
			if k.store.Prefix == 0 {
				k.store.Prefix = 10
			}
		}
		if t := rf.Field.ValueType(); (t == "date" || t == "datetime") && k.group.Bucket == "" {
			k.group.Bucket = "day"
		}
		plan.keys = append(plan.keys, k)
		if rf.Field.Type == "user" {
			dir, err := e.directory(ctx)
			if err != nil {
				return nil, err
			}
			plan.users = dir.users
		}
	}
	for _, m := range r.Measures {
		rm := reportMeasure{m: m}
		if m.Field != "" {
			rm.field = fields.Field(r.Object, m.Field)
		}
		rm.at = len(plan.q.Measures)
		switch m.Op {
		case "avg":
			plan.q.Measures = append(plan.q.Measures, store.Measure{Op: store.AggSum, Field: m.Field}, store.Measure{Op: store.AggCount, Field: m.Field})
			rm.n = rm.at + 1
		default:
			plan.q.Measures = append(plan.q.Measures, store.Measure{Op: store.AggOp(m.Op), Field: m.Field})
		}
		plan.measures = append(plan.measures, rm)
	}
	for _, k := range plan.keys {
		plan.q.GroupBy = append(plan.q.GroupBy, k.store)
	}
	narrow, err := e.narrowText(ctx, o, plan.loc)
	if err != nil {
		return nil, err
	}
	plan.filter = andFilters(r.Filter, o.Filter, narrow)
	f, err := e.listFilter(ctx, by, g.view, plan.filter)
	if err != nil {
		return nil, err
	}
	switch {
	case f != nil && g.read != nil:
		plan.q.Filter = store.And{f, g.read}
	case f != nil:
		plan.q.Filter = f
	case g.read != nil:
		plan.q.Filter = g.read
	}
	return plan, nil
}

// parentGrant is the reader's grant on a parent object, nil when they may not read it.
func (e *Engine) parentGrant(ctx context.Context, by *Actor, object string, grants map[string]*grant) (*grant, error) {
	if g, ok := grants[object]; ok {
		return g, nil
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return nil, err
	}
	g, err := e.grantOn(ctx, by, def)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		g = nil
	}
	grants[object] = g
	return g, nil
}

// reportGroups are a report's group fields: its rows, then its column.
func reportGroups(r *forms.Report) []forms.ReportGroup {
	out := slices.Clone(r.Rows)
	if r.Column != nil {
		out = append(out, *r.Column)
	}
	return out
}

// instantPrefix is how much of a stored instant the database groups by: in UTC the bucket's own
// prefix (day, month, year), elsewhere the hour, or the minute where the zone's offset is not
// whole hours, which the engine then brings to the reader's calendar.
func instantPrefix(bucket string, loc *time.Location) int {
	if loc == time.UTC {
		switch bucket {
		case "month":
			return 7
		case "year":
			return 4
		}
		return 10
	}
	for y := 1970; y <= 2040; y++ {
		for _, m := range []time.Month{time.January, time.July} {
			if _, off := time.Date(y, m, 1, 0, 0, 0, 0, loc).Zone(); off%3600 != 0 {
				return 16
			}
		}
	}
	return 13
}

// andFilters joins filters in the list language, each in parentheses; empty ones are left out.
func andFilters(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, "("+p+")")
		}
	}
	if len(out) == 1 {
		return strings.TrimSuffix(strings.TrimPrefix(out[0], "("), ")")
	}
	return strings.Join(out, " and ")
}

// narrowText is a reading's period, owner and team in the list language: records created in the
// period (the reader's calendar), owned by the owner or by a member of the team. An unknown
// period, user or team is refused rather than narrowing to nothing.
func (e *Engine) narrowText(ctx context.Context, o ReportOptions, loc *time.Location) (string, error) {
	var parts []string
	if o.Period != "" {
		from, to, ok := forms.PeriodDays(o.Period, e.now(), loc)
		if !ok {
			return "", errorf(KindInvalid, "invalid_filter", "period is one of %v", forms.Periods)
		}
		parts = append(parts, "created_at >= "+forms.FilterString(forms.LocalMidnight(from, loc))+
			" and created_at < "+forms.FilterString(forms.LocalMidnight(to, loc)))
	}
	if o.Owner == "" && o.Team == "" {
		return strings.Join(parts, " and "), nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return "", err
	}
	if o.Owner != "" {
		if dir.users[o.Owner] == nil {
			return "", errorf(KindInvalid, "invalid_filter", "owner: no user %q", o.Owner)
		}
		parts = append(parts, "owner = "+forms.FilterString(o.Owner))
	}
	if o.Team != "" {
		if dir.teams[o.Team] == nil {
			return "", errorf(KindInvalid, "invalid_filter", "team: no team %q", o.Team)
		}
		var members []string
		for id, u := range dir.users {
			if slices.Contains(u.Teams, o.Team) {
				members = append(members, forms.FilterString(id))
			}
		}
		slices.Sort(members)
		switch {
		case len(members) == 0:
			parts = append(parts, "id is null") // no member: no record
		case len(members) > query.MaxInValues:
			return "", errorf(KindInvalid, "invalid_filter", "team: %q has more than %d members; filter by owner", o.Team, query.MaxInValues)
		default:
			parts = append(parts, "owner in ("+strings.Join(members, ", ")+")")
		}
	}
	return strings.Join(parts, " and "), nil
}

// runReport asks the database under the query time limit and brings its groups to the report's.
func (e *Engine) runReport(ctx context.Context, plan *reportPlan) (*ReportResult, error) {
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	groups, err := e.store.Aggregate(ctx, recordsColl(plan.def.obj.Name), plan.q)
	if err != nil {
		return nil, storeErr(err)
	}
	if len(groups) > maxReportScan {
		return nil, e.reportTooBroad()
	}
	for i := range plan.keys {
		if err := e.readParents(ctx, &plan.keys[i], i, groups); err != nil {
			return nil, err
		}
	}
	merged := newGroupMerger(plan.q.Measures)
	totals := newGroupMerger(plan.q.Measures)
	for _, g := range groups {
		key := make([]any, len(plan.keys))
		for i, k := range plan.keys {
			key[i] = plan.reportKey(k, g.Key[i])
		}
		merged.add(key, g.Values)
		if len(g.Key) > 0 || len(groups) > 1 || countOf(plan, g) > 0 {
			totals.add(nil, g.Values)
		}
	}
	if len(merged.order) > e.maxReportGroups {
		return nil, e.reportTooBroad()
	}
	for i := range plan.keys {
		if err := e.lookupTitles(ctx, plan, &plan.keys[i], i, merged.order); err != nil {
			return nil, err
		}
	}
	out := &ReportResult{Object: plan.r.Object, Groups: make([]ReportBucket, 0, len(merged.order))}
	nrows := len(plan.r.Rows)
	for i, k := range plan.keys {
		a := ReportAxis{Field: k.group.Field, Bucket: k.group.Bucket, Label: fieldLabel(k.rf), Type: k.rf.Field.ValueType()}
		if i < nrows {
			out.Rows = append(out.Rows, a)
		} else {
			out.Column = &a
		}
	}
	if out.Rows == nil {
		out.Rows = []ReportAxis{}
	}
	for _, m := range plan.measures {
		out.Measures = append(out.Measures, ReportValue{Op: m.m.Op, Field: m.m.Field, Label: measureLabel(m)})
	}
	accs := merged.sorted(plan)
	for _, a := range accs {
		b := ReportBucket{Keys: make([]any, nrows), Labels: make([]string, nrows), Values: plan.values(a), matrix: out.Column != nil}
		var terms []string
		for i, k := range plan.keys {
			label := plan.keyLabel(k, a.key[i])
			if i < nrows {
				b.Keys[i], b.Labels[i] = a.key[i], label
			} else {
				b.ColumnKey, b.ColumnLabel = a.key[i], label
			}
			terms = append(terms, plan.keyTerm(k, a.key[i]))
		}
		b.Filter = andFilters(plan.filter, strings.Join(terms, " and "))
		out.Groups = append(out.Groups, b)
	}
	if t := totals.sorted(plan); len(t) == 1 {
		out.Totals = plan.values(t[0])
	} else {
		out.Totals = plan.values(&mergeAcc{vals: make([]measureAcc, len(plan.q.Measures))})
	}
	return out, nil
}

// countOf is a group's count when the report measures one (0 otherwise); an empty ungrouped
// answer holds the group of nothing, which totals leave out.
func countOf(plan *reportPlan, g store.Group) int64 {
	for _, m := range plan.measures {
		if m.m.Op == "count" {
			n, _ := g.Values[m.at].(int64)
			return n
		}
	}
	return 1
}

func (e *Engine) reportTooBroad() error {
	return errorf(KindInvalid, "report_too_broad", "the report has more than %d groups; narrow its filter or group by fewer fields or a larger bucket", e.maxReportGroups)
}

// readParents reads the parents the groups' lookup ids (the key at place i) point at, under the
// reader's access on the parent object, and keeps the field the path names. A parent the reader
// may not read, or one that is gone, gives null, as the path does in a filter.
func (e *Engine) readParents(ctx context.Context, k *reportKey, i int, groups []store.Group) error {
	if k.rf.Lookup == nil {
		return nil
	}
	k.values = map[string]any{}
	var ids []any
	seen := map[string]bool{}
	for _, g := range groups {
		if id, ok := g.Key[i].(string); ok && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		var f store.Filter = store.In{Field: "id", Values: ids[:n], Scalar: true}
		if k.pgrant.read != nil {
			f = store.And{f, k.pgrant.read}
		}
		docs, err := e.store.Find(ctx, recordsColl(k.parent.obj.Name), store.Query{Filter: f})
		if err != nil {
			return storeErr(err)
		}
		for _, d := range docs {
			id, _ := d["id"].(string)
			k.values[id] = d[k.rf.Field.Name]
		}
		ids = ids[n:]
	}
	return nil
}

// reportKey is the report's key of a database key: the parent's field for a lookup path, the
// bucket in the reader's zone for a date or an instant.
func (p *reportPlan) reportKey(k reportKey, v any) any {
	if k.rf.Lookup != nil {
		id, _ := v.(string)
		v = k.values[id]
	}
	if k.rf.Lookup == nil && (k.store.Prefix == 4 || k.store.Prefix == 7) {
		return v // the database cut it to its year or month already
	}
	if k.store.Prefix > 0 || (k.rf.Lookup != nil && k.group.Bucket != "") {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		b, ok := forms.BucketKey(s, k.group.Bucket, p.loc)
		if !ok {
			return nil
		}
		return b
	}
	return v
}

// keyLabel is what a key shows: a picklist option's label in the reader's language, a user's
// name, a boolean or bucket as text, "" for the group of records without a value.
func (p *reportPlan) keyLabel(k reportKey, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return forms.Label{"en": "Yes", "zh-CN": "是"}.In(p.locale)
		}
		return forms.Label{"en": "No", "zh-CN": "否"}.In(p.locale)
	case string:
		f := k.rf.Field
		switch f.Type {
		case "picklist":
			for _, o := range f.Options {
				if o.Value == x {
					if l := o.Label.In(p.locale); l != "" {
						return l
					}
				}
			}
		case "lookup":
			if t := k.titles[x]; t != "" {
				return t
			}
		case "user":
			if u := p.users[x]; u != nil {
				if u.Name != "" {
					return u.Name
				}
				return u.Email
			}
		}
		return x
	}
	return ""
}

// keyTerm is a key as a condition of the list filter language: the records of that group.
func (p *reportPlan) keyTerm(k reportKey, v any) string {
	name := k.group.Field
	if v == nil {
		return name + " is null"
	}
	if k.group.Bucket != "" && (k.rf.Field.ValueType() == "date" || k.rf.Field.ValueType() == "datetime") {
		from, to, _ := forms.BucketDays(v.(string), k.group.Bucket)
		if k.rf.Field.ValueType() == "datetime" {
			from, to = forms.LocalMidnight(from, p.loc), forms.LocalMidnight(to, p.loc)
		}
		return name + " >= " + forms.FilterString(from) + " and " + name + " < " + forms.FilterString(to)
	}
	switch x := v.(type) {
	case bool:
		if x {
			return name + " = true"
		}
		return name + " = false"
	case string:
		return name + " = " + forms.FilterString(x)
	}
	return name + " is not null"
}

// fieldLabel is a group field's label: the field's (the parent's field for a path).
func fieldLabel(rf forms.ReportField) forms.Label {
	if len(rf.Field.Label) > 0 {
		return rf.Field.Label
	}
	if l, ok := systemLabels[rf.Field.Name]; ok && rf.Lookup == nil {
		return l
	}
	return forms.Label{"en": rf.Name}
}

// measureLabel names a measure in every catalog language.
func measureLabel(m reportMeasure) forms.Label {
	if m.m.Op == "count" {
		return forms.Label{"en": "Count", "zh-CN": "数量"}
	}
	name := forms.Label{"en": m.m.Field, "zh-CN": m.m.Field}
	if m.field != nil && len(m.field.Label) > 0 {
		name = forms.Label{"en": m.field.Label.In("en"), "zh-CN": m.field.Label.In("zh-CN")}
	}
	en := map[string]string{"sum": "Sum of ", "avg": "Average of ", "min": "Min of ", "max": "Max of "}[m.m.Op]
	zh := map[string]string{"sum": "合计", "avg": "平均值", "min": "最小值", "max": "最大值"}[m.m.Op]
	return forms.Label{"en": en + name["en"], "zh-CN": name["zh-CN"] + zh}
}

// MarshalJSON leaves the column's key and label out of a group that is not in a matrix.
func (b ReportBucket) MarshalJSON() ([]byte, error) {
	if b.matrix {
		type matrix ReportBucket
		return json.Marshal(matrix(b))
	}
	return json.Marshal(struct {
		Keys   []any    `json:"keys"`
		Labels []string `json:"labels"`
		Values []any    `json:"values"`
		Filter string   `json:"filter"`
	}{b.Keys, b.Labels, b.Values, b.Filter})
}

// lookupTitles names the records a lookup key's groups point at by their title field (as the
// list and export do), reading only those the reader may read; the others keep their id.
func (e *Engine) lookupTitles(ctx context.Context, plan *reportPlan, k *reportKey, i int, groups []*mergeAcc) error {
	f := k.rf.Field
	if f.ValueType() != "lookup" || f.Target == "" {
		return nil
	}
	tdef, err := e.current(ctx, f.Target)
	if err != nil {
		return nil // the target is gone: ids it is
	}
	tg, err := e.parentGrant(ctx, plan.by, f.Target, map[string]*grant{})
	if err != nil || tg == nil {
		return err
	}
	title := titleOf(tdef.obj)
	if title == "" || tg.hidden[title] {
		return nil
	}
	var ids []any
	for _, g := range groups {
		if id, ok := g.key[i].(string); ok {
			ids = append(ids, id)
		}
	}
	k.titles = map[string]string{}
	for len(ids) > 0 {
		n := min(500, len(ids))
		var flt store.Filter = store.In{Field: "id", Values: ids[:n], Scalar: true}
		if tg.read != nil {
			flt = store.And{flt, tg.read}
		}
		docs, err := e.store.Find(ctx, recordsColl(f.Target), store.Query{Filter: flt})
		if err != nil {
			return storeErr(err)
		}
		for _, d := range docs {
			id, _ := d["id"].(string)
			if t, ok := d[title].(string); ok {
				k.titles[id] = t
			}
		}
		ids = ids[n:]
	}
	return nil
}
