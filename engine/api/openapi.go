package api

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// The OpenAPI 3.1 document at GET /api/openapi.json is built from the routes the app really
// registered (fiber's route list), each described by its entry in routeDocs
// (openapi_routes.go) or, for the definition kinds, by engine.DefinitionKinds; a route without
// a description fails TestOpenAPIDocumentsEveryRoute. With a session or an API token the
// document adds, per object the caller may read, the object's JSON Schema (the one records are
// validated with, less the fields hidden from the caller) and typed record routes under
// /api/records/<object>. Without one it is the static part only.

// answer is the shape of a route's successful answer.
type answer int

const (
	ansObject answer = iota // a JSON object
	ansList                 // {"items": [...]}
	ansNone                 // 204, no body
	ansFile                 // a file (CSV, XLSX, JSON package)
	ansRecord               // a record
	ansPage                 // a page of records: {"items": [...], "next_cursor": "..."}
)

// bodyKind is what a route reads.
type bodyKind int

const (
	bodyNone   bodyKind = iota
	bodyJSON            // one JSON object
	bodyRecord          // a record's field values
	bodyPatch           // some of a record's field values
	bodyUpload          // multipart/form-data with a file
)

// op describes one route for the document.
type op struct {
	id      string // operationId; "": made from the method and path
	tag     string
	summary string
	query   []string // query parameters it reads
	body    bodyKind
	answer  answer
	status  int      // the success status; 0: 200 (201 for a create, 204 for ansNone)
	errs    []string // error codes beyond the general ones (see generalErrors)
	public  bool     // answers without signing in
	ifMatch bool     // takes an optional If-Match version
}

// errorStatus is the HTTP status of each error code the document names. Every code is one of
// the catalog's (engine.IsErrorCode; the test checks it).
var errorStatus = map[string]int{}

func init() {
	for status, codes := range map[int][]string{
		400: {"bad_request", "malformed_json", "invalid_request", "invalid_parameter", "invalid_query", "invalid_if_match",
			"invalid_key", "invalid_version", "invalid_filter", "invalid_sort", "invalid_cursor", "invalid_limit",
			"invalid_group_by", "invalid_measure", "invalid_search", "invalid_bulk", "invalid_action", "invalid_definition",
			"invalid_kind", "invalid_view", "invalid_email", "invalid_user", "invalid_api_token", "weak_password",
			"wrong_password", "invalid_status", "missing_object", "merge_invalid_records", "merge_too_many",
			"merge_invalid_field", "merge_invalid_choice", "invalid_delegate", "invalid_page", "invalid_advance"},
		401: {"unauthorized", "invalid_credentials"},
		403: {"forbidden", "session_required", "csrf_failed", "field_hidden", "not_approver"},
		404: {"not_found", "object_not_found", "record_not_found", "user_not_found", "view_not_found",
			"notification_not_found", "delivery_not_found", "approval_not_found", "api_token_not_found",
			"web_form_not_found", "no_sla", "no_approval_process", "email_not_found", "email_template_not_found"},
		409: {"version_conflict", "duplicate_value", "record_exists", "object_exists", "object_in_use", "record_locked",
			"user_exists", "approval_pending", "approval_conflict", "already_decided", "already_answered",
			"not_pending", "delivery_not_dead", "breaking_change", "smtp_not_configured", "email_not_retryable"},
		413: {"too_large"},
		422: {"validation_failed", "controlled_field", "duplicate_found", "invalid_smtp_settings", "smtp_insecure_auth", "header_injection",
			"too_many_recipients", "smtp_failed"},
		429: {"too_many_attempts", "too_many_submissions"},
		500: {"internal_error"},
		503: {"database_unavailable", "query_timeout"},
	} {
		for _, c := range codes {
			errorStatus[c] = status
		}
	}
}

// generalErrors are the codes any route of its shape may answer.
func generalErrors(o op, params []string) []string {
	codes := []string{"internal_error", "database_unavailable"}
	if !o.public {
		codes = append(codes, "unauthorized", "forbidden", "csrf_failed")
	}
	if o.body != bodyNone {
		codes = append(codes, "malformed_json", "bad_request", "too_large")
	}
	if len(params) > 0 {
		codes = append(codes, "not_found")
	}
	if o.ifMatch {
		codes = append(codes, "invalid_if_match", "version_conflict")
	}
	if len(o.query) > 0 {
		codes = append(codes, "invalid_query")
	}
	return codes
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// openAPIPath turns fiber's /records/:object/:id into /records/{object}/{id}, and the names of
// its parameters.
func openAPIPath(p string) (string, []string) {
	var names []string
	for _, m := range fiberParam.FindAllStringSubmatch(p, -1) {
		names = append(names, m[1])
	}
	return fiberParam.ReplaceAllString(p, "{$1}"), names
}

// routeKey is how routeDocs names a route: its method and its fiber path under /api.
func routeKey(method, path string) string { return method + " " + strings.TrimPrefix(path, "/api") }

// apiRoutes are the app's /api routes, method and fiber path, each once (HEAD twins of GETs left
// out), in a stable order.
func apiRoutes(app *fiber.App) [][2]string {
	seen := map[string]bool{}
	var out [][2]string
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		k := r.Method + " " + r.Path
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, [2]string{r.Method, r.Path})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][1] != out[j][1] {
			return out[i][1] < out[j][1]
		}
		return out[i][0] < out[j][0]
	})
	return out
}

// describe is the description of one route: its entry in routeDocs, or the shape of a
// definition kind's route.
func describe(method, path string) (op, bool) {
	if o, ok := routeDocs[routeKey(method, path)]; ok {
		return o, true
	}
	rel := strings.TrimPrefix(path, "/api")
	for _, k := range engine.DefinitionKinds() {
		if k.API == nil {
			continue
		}
		one := k.Path + "/:" + k.Param
		tag, label := "definitions", k.Label()
		nf, exists := k.Code()+"_not_found", k.Code()+"_exists"
		switch {
		case rel == k.Path && method == fiber.MethodGet:
			return op{tag: tag, summary: "List every " + label, query: []string{"object"}, answer: ansList}, true
		case rel == k.Path && method == fiber.MethodPost:
			return op{tag: tag, summary: "Create a " + label, body: bodyJSON, status: 201, errs: []string{exists, "invalid_definition"}}, true
		case rel == one && method == fiber.MethodGet:
			o := op{tag: tag, summary: "Read a " + label, errs: []string{nf}}
			if k.Versions {
				o.query, o.errs = []string{"version"}, append(o.errs, "invalid_version")
			}
			return o, true
		case rel == one && method == fiber.MethodPut:
			return op{tag: tag, summary: "Replace a " + label, body: bodyJSON, ifMatch: true, errs: []string{nf, "invalid_definition"}}, true
		case rel == one && method == fiber.MethodDelete:
			return op{tag: tag, summary: "Delete a " + label, answer: ansNone, errs: []string{nf}}, true
		}
	}
	return op{}, false
}

// openAPIDoc builds the document for the caller: by is nil for an anonymous reader, who gets
// the routes without any object's schema.
func openAPIDoc(c *fiber.Ctx, e *engine.Engine, by *engine.Actor) (map[string]any, error) {
	paths := map[string]any{}
	for _, r := range apiRoutes(c.App()) {
		o, ok := describe(r[0], r[1])
		if !ok {
			continue // TestOpenAPIDocumentsEveryRoute fails on it
		}
		p, params := openAPIPath(r[1])
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(r[0])] = operation(r[0], p, params, o, "")
	}
	schemas := baseSchemas()
	if by != nil {
		if err := addObjects(c, e, by, paths, schemas); err != nil {
			return nil, err
		}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "CRM API",
			"version": "1",
			"description": "The CRM engine's HTTP API. Sign in with POST /api/auth/login or use an API token " +
				"(Authorization: Bearer). Read with a session or a token, this document adds the objects the " +
				"reader may see, each with its JSON Schema and typed record routes.",
		},
		"servers":    []any{map[string]any{"url": "/"}},
		"security":   []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": securitySchemes()},
	}, nil
}

// operation is one route's OpenAPI operation. object, when set, is the object a typed record
// route serves: its bodies and answers refer to that object's schemas.
func operation(method, path string, params []string, o op, object string) map[string]any {
	id := o.id
	if id == "" {
		id = operationID(method, path)
	}
	out := map[string]any{
		"operationId": id,
		"summary":     o.summary,
		"tags":        []any{o.tag},
	}
	if o.public {
		out["security"] = []any{map[string]any{}}
	}
	var ps []any
	for _, n := range params {
		ps = append(ps, map[string]any{"name": n, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, n := range o.query {
		ps = append(ps, map[string]any{"name": n, "in": "query", "required": false, "schema": map[string]any{"type": "string"}})
	}
	if o.ifMatch {
		ps = append(ps, map[string]any{"name": "If-Match", "in": "header", "required": false,
			"description": "the version the change is based on; a later version answers 409 version_conflict",
			"schema":      map[string]any{"type": "string"}})
	}
	if ps != nil {
		out["parameters"] = ps
	}
	recordRef, inputRef, patchRef := ref("Record"), ref("RecordValues"), ref("RecordValues")
	if object != "" {
		recordRef, inputRef, patchRef = ref(object+"_record"), ref(object), ref(object+"_patch")
	}
	switch o.body {
	case bodyJSON:
		out["requestBody"] = jsonBody(map[string]any{"type": "object"})
	case bodyRecord:
		out["requestBody"] = jsonBody(inputRef)
	case bodyPatch:
		out["requestBody"] = jsonBody(patchRef)
	case bodyUpload:
		out["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
			"schema": map[string]any{"type": "object", "required": []any{"file"},
				"properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}}}
	}
	status := o.status
	if status == 0 {
		switch {
		case o.answer == ansNone:
			status = 204
		case o.body != bodyNone && method == fiber.MethodPost && o.answer == ansRecord:
			status = 201
		default:
			status = 200
		}
	}
	ok := map[string]any{"description": http.StatusText(status)}
	switch o.answer {
	case ansObject:
		ok["content"] = jsonContent(map[string]any{"type": "object"})
	case ansList:
		ok["content"] = jsonContent(ref("List"))
	case ansRecord:
		ok["content"] = jsonContent(recordRef)
	case ansPage:
		ok["content"] = jsonContent(map[string]any{"type": "object", "required": []any{"items", "next_cursor"},
			"properties": map[string]any{"items": map[string]any{"type": "array", "items": recordRef},
				"next_cursor": map[string]any{"type": "string", "description": "empty on the last page"}}})
	case ansFile:
		ok["content"] = map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	for s, codes := range errorsByStatus(append(generalErrors(o, params), o.errs...)) {
		responses[strconv.Itoa(s)] = map[string]any{
			"description":   http.StatusText(s) + ". Error codes: " + strings.Join(codes, ", "),
			"x-error-codes": codes,
			"content":       jsonContent(ref("Error")),
		}
	}
	out["responses"] = responses
	return out
}

// errorsByStatus groups codes under their status, each list sorted and without repeats.
func errorsByStatus(codes []string) map[int][]string {
	out := map[int][]string{}
	for _, c := range codes {
		s := errorStatus[c]
		if s == 0 {
			s = 400
		}
		if !slices.Contains(out[s], c) {
			out[s] = append(out[s], c)
		}
	}
	for _, l := range out {
		sort.Strings(l)
	}
	return out
}

// operationID is unique per method and path: GET /api/records/{object}/{id} is
// get_records_object_id.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.Split(strings.TrimPrefix(path, "/api"), "/") {
		part = strings.Trim(part, "{}")
		if part == "" {
			continue
		}
		b.WriteByte('_')
		for _, r := range part {
			if r == '-' || r == '.' {
				r = '_'
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func jsonBody(schema any) map[string]any {
	return map[string]any{"required": true, "content": jsonContent(schema)}
}

func securitySchemes() map[string]any {
	return map[string]any{
		"bearer": map[string]any{"type": "http", "scheme": "bearer",
			"description": "a session token from POST /api/auth/login, or an API token (POST /api/auth/tokens)"},
		"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
			"description": "the browser's session cookie; a change must also send the CSRF header"},
	}
}

// systemFields are the fields every record carries beside its object's own.
var systemFields = map[string]any{
	"id":         map[string]any{"type": "string", "readOnly": true},
	"version":    map[string]any{"type": "integer", "readOnly": true},
	"owner":      map[string]any{"type": "string"},
	"created_at": map[string]any{"type": "string", "format": "date-time", "readOnly": true},
	"created_by": map[string]any{"type": "string", "readOnly": true},
	"updated_at": map[string]any{"type": "string", "format": "date-time", "readOnly": true},
	"updated_by": map[string]any{"type": "string", "readOnly": true},
}

// baseSchemas are the components every document has: the one error shape, a list, a record of
// any object.
func baseSchemas() map[string]any {
	sys := map[string]any{}
	for k, v := range systemFields {
		sys[k] = v
	}
	return map[string]any{
		"Error": map[string]any{
			"type":     "object",
			"required": []any{"error"},
			"properties": map[string]any{"error": map[string]any{
				"type":     "object",
				"required": []any{"code", "message"},
				"properties": map[string]any{
					"code":    map[string]any{"type": "string", "description": "a stable machine code; each response lists the codes it may carry"},
					"message": map[string]any{"type": "string", "description": "for a person, in the language of Accept-Language where the catalog has it"},
					"detail":  map[string]any{"type": "string", "description": "the English particulars when message is the catalog's text"},
					"fields": map[string]any{"type": "array", "items": map[string]any{
						"type":     "object",
						"required": []any{"field", "code", "message"},
						"properties": map[string]any{
							"field":   map[string]any{"type": "string"},
							"code":    map[string]any{"type": "string"},
							"message": map[string]any{"type": "string"},
						},
					}},
					"problems": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
					"details":  map[string]any{},
				},
			}},
		},
		"List": map[string]any{"type": "object", "required": []any{"items"},
			"properties": map[string]any{"items": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}},
		"RecordValues": map[string]any{"type": "object", "description": "field values of the object's fields",
			"additionalProperties": true},
		"Record": map[string]any{"type": "object", "description": "a record: its field values and the system fields",
			"properties": sys, "additionalProperties": true},
	}
}
