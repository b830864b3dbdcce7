// Package engine is the composition root: it owns persistence and concurrency, runs the record
// pipeline (validate, check lookups, number, persist) over the pure decisions of forms, rules and
// workflow, and keeps users, sessions and definitions. Every call carries the acting user.
//
// One package, its files named by noun and aspect (<noun>_<aspect>.go), tests beside them:
//
//	engine.go, errors*.go        Engine and Config; the one error type and its message catalog
//	collections.go               every system collection and its indexes
//	definition_*.go              the kinds of definition (one table), named definitions, cached versions,
//	                             compiled sets rebuilt once for all callers
//	doc_*.go                     stored documents: JSON-shaped values to the seam's kinds, and
//	                             system documents decoded into structs (StoredDocError when corrupt)
//	object_*.go                  object definitions: save and history, the compiled current version,
//	                             forms and their preview, expression checks, references through
//	                             lookups, roll-up fields and their backfill
//	record_*.go                  records: write, list, aggregate, access (grants, sharing, field
//	                             security), fields only processes set, the durable event of a write,
//	                             roll-ups kept current (marks, settle, fold)
//	                             merge (tombstones, the job that moves lookups to the winner)
//	people_*.go                  users, teams, roles, the directory they make, notifications
//	auth*.go                     sign-in, sessions and their cache, API tokens, password policy, throttle
//	audit.go                     the audit trail
//	automation_*.go              automation definitions, runs (actions, timers, run log), webhook actions
//	assignment_*.go              assignment rules, the owner decision (turn, load), when it runs, its trace
//	duplicate_*.go               duplicate rules, the normalized keys records carry for them, the
//	                             check of a write (what the caller may see of the matches)
//	approval_*.go                approval processes and versions; instances: submit, lock, decide,
//	                             escalate, effects, queries
//	sla_*.go                     calendars and policies, clocks, escalation, reports, webhook actions
//	job_*.go                     the durable job queue (claims, leases, retries), job kinds, the cron
//	                             scheduler, the sweep of expired sessions and throttles
//	webhook_*.go                 deliveries, the guarded HTTP client, the allow-list
//	dashboard_*.go, view_defs.go dashboards and their data; saved list views
//	webform_*.go                 public web forms: definitions, the page and its submissions, limits and counts
//	email_*.go                   email: SMTP settings (the write-only password), templates and their
//	                             preview, the email action's recipients, the durable outbox and its
//	                             SMTP client
//	report_*.go                  reports: definitions, running them in the database (groups, buckets,
//	                             measures merged across keys), detail rows
//	ops_*.go                     what operators watch: due and dead jobs, job lag, webhook deliveries
//	schema_*.go                  the stored layout's version and its ordered migrations
//	package*.go, transfer*.go    definition packages (export, merge, rehearsed import); whole-database
//	                             export and import
//	template_demo.go             a template's demo data
//
// Subpackages have narrow interfaces of their own: store (the storage seam and its backends),
// query (the filter language), jobs (typed job arguments) and api (the HTTP face).
package engine
