// Package api is the HTTP face of the engine, served by Fiber: thin handlers that parse the
// request, call the engine with the acting user and return its result, and one error handler that
// turns every error into the single error shape.
//
// Files:
//
//	server.go            the app: middleware, the acting user, the wiring of every route group
//	routes_<group>.go    one endpoint group each (records, meta, definitions, people, auth,
//	                     approvals, assignment, duplicates, sla, workflow, webhooks, views, dashboards,
//	                     aggregate, package), each handler a factory over the engine
//	errors.go            the one error handler: engine errors to statuses, the rest to a logged 500
//	request.go           reading bodies, queries and If-Match the same way everywhere
//	headers.go           security headers; auth_csrf.go the CSRF check of cookie sessions
//	ui.go                the embedded builder UI
//	testclock_{on,off}.go the movable clock route, only in binaries built with -tags e2eclock
package api
