package api

// routeDocs describes every /api route registered in server.go and beside it (key: method and
// fiber path under /api), except the definition kinds' routes, which describe() makes from
// engine.DefinitionKinds. The routes themselves come from fiber's list of what was registered:
// TestOpenAPIDocumentsEveryRoute fails when a registered route has no entry here, and when an
// entry names no registered route.
var routeDocs = map[string]op{
	// Service and sign-in.
	"GET /health":       {tag: "service", summary: "Whether the service and its database answer", public: true},
	"GET /openapi.json": {tag: "service", summary: "This OpenAPI document; with a session or token it includes the caller's objects", public: true, errs: []string{"unauthorized"}},
	"POST /auth/login": {tag: "auth", summary: "Sign in with email and password: answers {token} and sets the session cookie", public: true,
		body: bodyJSON, errs: []string{"invalid_credentials", "too_many_attempts"}},
	"POST /auth/logout":     {tag: "auth", summary: "Sign out this session", public: true, answer: ansNone},
	"GET /auth/me":          {tag: "auth", summary: "The signed-in user"},
	"PATCH /auth/me":        {tag: "auth", summary: "Change one's own name, language or settings", body: bodyJSON, errs: []string{"invalid_user"}},
	"POST /auth/logout-all": {tag: "auth", summary: "Sign out every session of the caller", answer: ansNone, errs: []string{"session_required"}},
	"POST /auth/set-password": {tag: "auth", summary: "Set a password with a one-time password link (no session: the link is the proof)", public: true,
		body: bodyJSON, answer: ansNone, errs: []string{"link_invalid", "link_used", "link_expired", "weak_password", "user_inactive"}},
	"POST /auth/password":     {tag: "auth", summary: "Change one's own password", body: bodyJSON, errs: []string{"wrong_password", "weak_password", "session_required"}},
	"GET /auth/tokens":        {tag: "auth", summary: "List API tokens", query: []string{"user"}, answer: ansList},
	"POST /auth/tokens":       {tag: "auth", summary: "Create an API token; its secret is answered once", body: bodyJSON, status: 201, errs: []string{"invalid_api_token", "session_required"}},
	"DELETE /auth/tokens/:id": {tag: "auth", summary: "Revoke an API token", answer: ansNone, errs: []string{"api_token_not_found"}},

	// Object definitions and forms.
	"GET /meta/objects":                  {tag: "objects", summary: "List object definitions", answer: ansList},
	"POST /meta/objects":                 {tag: "objects", summary: "Create an object", body: bodyJSON, status: 201, errs: []string{"object_exists", "invalid_definition"}},
	"GET /meta/objects/:object":          {tag: "objects", summary: "Read an object definition (ETag: its version)", errs: []string{"object_not_found"}},
	"PUT /meta/objects/:object":          {tag: "objects", summary: "Replace an object definition", body: bodyJSON, ifMatch: true, errs: []string{"object_not_found", "invalid_definition", "breaking_change"}},
	"DELETE /meta/objects/:object":       {tag: "objects", summary: "Delete an object and its records", answer: ansNone, ifMatch: true, errs: []string{"object_not_found", "object_in_use"}},
	"GET /meta/objects/:object/history":  {tag: "objects", summary: "Changes of an object definition", answer: ansList, errs: []string{"object_not_found"}},
	"GET /meta/objects/:object/rollups":  {tag: "objects", summary: "Progress of computing roll-ups for existing records", errs: []string{"object_not_found"}},
	"GET /meta/export":                   {tag: "objects", summary: "Export definitions as a package", query: []string{"name", "missing_users"}, answer: ansFile},
	"POST /meta/import":                  {tag: "objects", summary: "Import a package of definitions", body: bodyJSON, errs: []string{"invalid_definition"}},
	"POST /meta/expressions/check":       {tag: "objects", summary: "Type-check an expression against an object; errors with line and column", body: bodyJSON, errs: []string{"object_not_found", "invalid_kind"}},
	"GET /meta/expressions/library":      {tag: "objects", summary: "The functions, operators and variables expressions may use"},
	"GET /forms/:object":                 {tag: "forms", summary: "What a form needs: fields, layout, JSON Schema, conditions", query: []string{"layout"}, errs: []string{"object_not_found"}},
	"POST /forms/:object/evaluate":       {tag: "forms", summary: "Run the write path on a draft without writing: field states, values, errors", body: bodyJSON, errs: []string{"object_not_found", "record_not_found"}},
	"POST /meta/forms/preview":           {tag: "forms", summary: "A form of an unsaved definition", body: bodyJSON, errs: []string{"invalid_definition"}},
	"GET /meta/assignment-rules/:object": {tag: "definitions", summary: "An object's assignment rules", errs: []string{"object_not_found"}},
	"PUT /meta/assignment-rules/:object": {tag: "definitions", summary: "Replace an object's assignment rules", body: bodyJSON, ifMatch: true, errs: []string{"object_not_found", "invalid_definition"}},
	"GET /meta/web-forms/:name/stats":    {tag: "definitions", summary: "Submission counts of a web form", errs: []string{"web_form_not_found"}},

	// People.
	"GET /users":                      {tag: "people", summary: "List users", answer: ansList},
	"POST /users":                     {tag: "people", summary: "Create a user", body: bodyJSON, errs: []string{"invalid_user", "invalid_email", "user_exists", "weak_password"}},
	"GET /users/:id":                  {tag: "people", summary: "Read a user", errs: []string{"user_not_found"}},
	"PATCH /users/:id":                {tag: "people", summary: "Change a user", body: bodyJSON, errs: []string{"user_not_found", "invalid_user", "invalid_email", "user_exists"}},
	"POST /users/:id/password-link":   {tag: "people", summary: "Make a one-time link with which a user sets a password; its secret is answered once", status: 201, errs: []string{"user_not_found", "user_inactive", "session_required"}},
	"POST /users/:id/revoke-sessions": {tag: "people", summary: "Sign a user out everywhere", answer: ansNone, errs: []string{"user_not_found"}},
	"GET /audit":                      {tag: "people", summary: "The audit trail", query: []string{"actor", "action", "limit", "cursor"}, answer: ansList, errs: []string{"invalid_limit", "invalid_cursor"}},

	// Search, views, notifications, jobs.
	"GET /search":                         {tag: "records", summary: "Search every object the caller may read", query: []string{"q"}, errs: []string{"invalid_search"}},
	"GET /views":                          {tag: "views", summary: "List saved list views", query: []string{"object"}, answer: ansList},
	"POST /views":                         {tag: "views", summary: "Save a list view", body: bodyJSON, status: 201, errs: []string{"invalid_view"}},
	"PUT /views/:id":                      {tag: "views", summary: "Replace a list view", body: bodyJSON, ifMatch: true, errs: []string{"view_not_found", "invalid_view"}},
	"DELETE /views/:id":                   {tag: "views", summary: "Delete a list view", answer: ansNone, errs: []string{"view_not_found"}},
	"GET /notifications":                  {tag: "notifications", summary: "The caller's notifications", query: []string{"unread", "limit"}, answer: ansList, errs: []string{"invalid_limit"}},
	"POST /notifications/read-all":        {tag: "notifications", summary: "Mark every notification read", answer: ansNone},
	"POST /notifications/:id/read":        {tag: "notifications", summary: "Mark a notification read", answer: ansNone, errs: []string{"notification_not_found"}},
	"GET /jobs":                           {tag: "operations", summary: "Scheduled and dead jobs", query: []string{"state", "limit"}, answer: ansList, errs: []string{"invalid_limit", "invalid_status"}},
	"GET /webhooks/deliveries":            {tag: "operations", summary: "Webhook deliveries", query: []string{"status", "automation", "limit"}, answer: ansList, errs: []string{"invalid_limit", "invalid_status"}},
	"GET /webhooks/deliveries/:id":        {tag: "operations", summary: "One webhook delivery with its attempts", errs: []string{"delivery_not_found"}},
	"POST /webhooks/deliveries/:id/retry": {tag: "operations", summary: "Retry a delivery that gave up", errs: []string{"delivery_not_found", "delivery_not_dead"}},
	"GET /admin/webhook-allowlist":        {tag: "operations", summary: "The hosts webhooks may call"},
	"PUT /admin/webhook-allowlist":        {tag: "operations", summary: "Replace the hosts webhooks may call", body: bodyJSON, ifMatch: true},

	// Email: SMTP settings (admins), template previews (admins and analysts, reading the record as
	// they may), the outbox (admins).
	"GET /admin/smtp": {tag: "email", summary: "The SMTP settings; the password shows as ******** (admins)"},
	"PUT /admin/smtp": {tag: "email", summary: "Replace the SMTP settings; the mask as password keeps the stored one (admins)", body: bodyJSON, ifMatch: true,
		errs: []string{"invalid_smtp_settings", "smtp_insecure_auth", "header_injection", "invalid_email", "too_many_recipients"}},
	"POST /admin/smtp/test": {tag: "email", summary: "Send a test email at once with the stored settings; answers the server's words on failure (admins)", body: bodyJSON,
		errs: []string{"invalid_email", "header_injection", "smtp_not_configured", "smtp_failed"}},
	"POST /meta/email-templates/:name/preview": {tag: "email", summary: "Fill the stored email template, or a draft, for a real record in a language", body: bodyJSON,
		errs: []string{"email_template_not_found", "invalid_definition", "object_not_found", "record_not_found"}},
	"GET /emails":            {tag: "email", summary: "Outbox emails, newest first (admins)", query: []string{"record", "status", "limit"}, answer: ansList, errs: []string{"invalid_status"}},
	"POST /emails/:id/retry": {tag: "email", summary: "Send a dead or uncertain email again (admins)", errs: []string{"email_not_found", "email_not_retryable"}},

	// Dashboards and reports.
	"GET /dashboards/:name/data":     {tag: "reports", summary: "A dashboard's widgets computed", query: []string{"period", "from", "to", "owner", "team"}, errs: []string{"dashboard_not_found"}},
	"POST /reports/run":              {tag: "reports", summary: "Run an unsaved report", body: bodyJSON, errs: []string{"invalid_group_by", "invalid_measure", "invalid_filter", "report_too_broad", "field_hidden"}},
	"POST /reports/run/rows":         {tag: "reports", summary: "The records behind a group of an unsaved report", body: bodyJSON, errs: []string{"invalid_filter", "field_hidden"}},
	"GET /reports/:name/data":        {tag: "reports", summary: "Run a saved report", query: []string{"filter", "period", "owner", "team"}, errs: []string{"report_not_found", "report_too_broad", "field_hidden"}},
	"GET /reports/:name/rows":        {tag: "reports", summary: "The records behind a group of a saved report", query: []string{"group", "filter"}, errs: []string{"report_not_found"}},
	"GET /reports/:name/export":      {tag: "reports", summary: "Export a saved report (CSV or XLSX)", query: []string{"format"}, answer: ansFile, errs: []string{"report_not_found"}},
	"GET /sla/report":                {tag: "reports", summary: "SLA attainment", query: []string{"policy", "from", "to"}},
	"GET /records/:object/aggregate": {tag: "reports", summary: "Group and measure an object's records", query: []string{"filter"}, errs: []string{"object_not_found", "invalid_filter", "invalid_group_by", "invalid_measure"}},

	// Approvals and SLA.
	"GET /approvals":                      {tag: "approvals", summary: "Approvals waiting for or submitted by the caller", query: []string{"assigned", "submitted", "status", "limit"}, answer: ansList, errs: []string{"invalid_limit", "invalid_status"}},
	"GET /approvals/:id":                  {tag: "approvals", summary: "One approval with its steps", errs: []string{"approval_not_found"}},
	"POST /approvals/:id/:action":         {tag: "approvals", summary: "Approve, reject, recall, delegate or comment", body: bodyJSON, errs: []string{"approval_not_found", "invalid_action", "not_approver", "not_pending", "already_decided", "already_answered", "approval_conflict", "invalid_delegate"}},
	"POST /records/:object/:id/approvals": {tag: "approvals", summary: "Submit a record for approval", body: bodyJSON, status: 201, errs: []string{"record_not_found", "approval_pending", "no_approval_process"}},
	"GET /records/:object/:id/activity":   {tag: "records", summary: "A record's timeline: its child records, approvals and field changes, newest first", query: []string{"limit", "before"}, errs: []string{"record_not_found", "invalid_limit", "invalid_cursor"}},
	"GET /records/:object/:id/approvals":  {tag: "approvals", summary: "A record's approvals", answer: ansList, errs: []string{"record_not_found"}},
	"GET /records/:object/:id/sla":        {tag: "approvals", summary: "A record's SLA clocks", errs: []string{"record_not_found", "no_sla"}},
	"POST /records/:object/:id/assign":    {tag: "records", summary: "Run the assignment rules on a record", errs: []string{"record_not_found", "record_locked", "version_conflict"}},

	// Records.
	"POST /records/:object": {tag: "records", summary: "Create a record", body: bodyRecord, answer: ansRecord,
		errs: []string{"object_not_found", "validation_failed", "duplicate_value", "duplicate_found", "controlled_field", "invalid_key"}},
	"GET /records/:object": {tag: "records", summary: "List records: filter is the safe filter language, sort a field list, cursor the previous page's next_cursor",
		query: []string{"filter", "sort", "limit", "cursor", "q"}, answer: ansPage, errs: []string{"object_not_found", "invalid_filter", "invalid_sort", "invalid_limit", "invalid_cursor", "query_timeout", "filter_too_broad"}},
	"GET /records/:object/:id": {tag: "records", summary: "Read a record (ETag: its version)", answer: ansRecord, errs: []string{"object_not_found", "record_not_found", "record_merged"}},
	"PATCH /records/:object/:id": {tag: "records", summary: "Change some fields of a record", body: bodyPatch, answer: ansRecord, ifMatch: true,
		errs: []string{"object_not_found", "record_not_found", "validation_failed", "duplicate_value", "controlled_field", "record_locked", "invalid_key"}},
	"DELETE /records/:object/:id":                        {tag: "records", summary: "Delete a record", answer: ansNone, ifMatch: true, errs: []string{"object_not_found", "record_not_found", "record_locked"}},
	"GET /records/:object/:id/history":                   {tag: "records", summary: "A record's changes", answer: ansList, errs: []string{"record_not_found"}},
	"GET /records/:object/:id/runs":                      {tag: "records", summary: "Automation runs on a record", answer: ansList, errs: []string{"record_not_found"}},
	"GET /records/:object/:id/automations":               {tag: "records", summary: "The manual automations the caller may run on a record now (enabled, condition holding; none for a caller who may only read it)", answer: ansList, errs: []string{"object_not_found", "record_not_found"}},
	"POST /records/:object/:id/automations/:name":        {tag: "records", summary: "Run a manual automation on a record", body: bodyJSON, errs: []string{"record_not_found", "automation_not_found", "not_manual", "automation_failed", "invalid_use"}},
	"GET /records/:object/:id/automations/:name/matches": {tag: "records", summary: "Existing records a manual automation's create action could use instead", errs: []string{"record_not_found", "automation_not_found", "not_manual"}},
	"GET /records/:object/export":                        {tag: "records", summary: "Export a list of records (CSV or XLSX)", query: []string{"filter", "sort", "q", "fields", "format"}, answer: ansFile, errs: []string{"object_not_found", "invalid_filter", "invalid_sort"}},
	"POST /records/:object/merge":                        {tag: "records", summary: "Merge up to 3 records into one", body: bodyJSON, answer: ansRecord, status: 200, errs: []string{"record_not_found", "merge_invalid_records", "merge_too_many", "merge_invalid_field", "merge_invalid_choice", "record_locked"}},
	"POST /records/:object/:id/claim": {tag: "records", summary: "Take a record its pool owns into one's own hands (one of several claiming at once wins; the others get already_claimed)", answer: ansRecord, status: 200,
		errs: []string{"object_not_found", "record_not_found", "already_claimed", "not_pool_member", "validation_failed", "record_locked"}},
	"POST /records/:object/:id/return": {tag: "records", summary: "Give a record back to a pool of its object: {pool?, reason}", body: bodyJSON, answer: ansRecord, status: 200,
		errs: []string{"object_not_found", "record_not_found", "already_in_pool", "pool_not_found", "return_reason_required", "return_reason_too_long", "validation_failed", "record_locked"}},
	"POST /records/:object/bulk":       {tag: "records", summary: "One action on 1 to 200 records", body: bodyJSON, errs: []string{"object_not_found", "invalid_bulk"}},
	"POST /records/:object/duplicates": {tag: "records", summary: "Records a draft would duplicate", body: bodyJSON, errs: []string{"object_not_found"}},

	// Imports.
	"POST /imports":            {tag: "imports", summary: "Start importing a CSV or XLSX file into an object", query: []string{"object"}, body: bodyUpload, status: 202, errs: []string{"object_not_found", "missing_object"}},
	"GET /imports":             {tag: "imports", summary: "List imports", answer: ansList},
	"GET /imports/:id":         {tag: "imports", summary: "An import's progress"},
	"GET /imports/:id/errors":  {tag: "imports", summary: "The rows an import refused, as CSV", answer: ansFile},
	"POST /imports/:id/cancel": {tag: "imports", summary: "Cancel a running import"},

	// Public web forms.
	"GET /public/forms/:name":     {tag: "web forms", summary: "A published web form", query: []string{"lang"}, public: true, errs: []string{"web_form_not_found"}},
	"OPTIONS /public/forms/:name": {tag: "web forms", summary: "CORS preflight of a web form's sites", public: true, answer: ansNone},
	"POST /public/forms/:name": {tag: "web forms", summary: "Submit a web form", public: true, body: bodyJSON, status: 201,
		errs: []string{"web_form_not_found", "validation_failed", "web_form_token_invalid", "web_form_too_fast", "web_form_expired", "too_many_submissions"}},

	// Only in builds for the browser tests (build tag e2eclock).
	"POST /test/clock": {tag: "service", summary: "Move the test clock forward (test builds only)", body: bodyJSON, errs: []string{"invalid_advance"}},
}
