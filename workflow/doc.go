// Package workflow makes the decisions of the CRM's processes: automations (trigger, condition,
// actions), assignment rules, approval processes and SLA policies with their business calendars.
//
// The package is pure: it never reads the clock and knows nothing of HTTP or databases. The engine
// hands it the current time, the records and the definitions as arguments and gets back effects
// (set these fields, notify this user, schedule this timer), which the engine applies and persists.
// That keeps every decision testable with plain unit tests and every write in one place.
//
// Business calendars (calendar.go) say when work happens; a compiled Schedule (schedule.go) turns
// "4 business hours from now" into an instant and measures business time between two instants,
// for SLA timers.
package workflow
