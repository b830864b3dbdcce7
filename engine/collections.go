package engine

import "crm/engine/store"

// systemColl is one of the engine's own collections (object records live in "obj_<name>").
type systemColl struct {
	name    string
	indexes []store.Index // secondary indexes
	// notExported says why `crm export` leaves the collection out; "" when an export carries it.
	notExported string
	// rehearsed: a package import's rehearsal copies it to its scratch database (the definitions
	// and the people they name).
	rehearsed bool
}

// systemColls lists every system collection, the exported ones in the order an import writes
// them. New, the export, the import and a package rehearsal all read this table.
var systemColls = []systemColl{
	{name: collObjects, rehearsed: true},
	{name: collHistory, indexes: []store.Index{{Field: "object"}}},
	{name: collUsers, indexes: []store.Index{{Field: "email", Unique: true}}, rehearsed: true},
	{name: collTokens, indexes: []store.Index{{Field: "user_id"}, {Field: "expires_at"}},
		notExported: "sessions: people sign in again"},
	{name: collAPITokens, indexes: apiTokenIndexes}, // carried, so integrations keep working
	{name: collPasswordLinks, indexes: []store.Index{{Field: "user_id"}},
		notExported: "password links: an admin makes new ones on the new server"},
	{name: collLoginThrottle, indexes: []store.Index{{Field: "expires_at"}},
		notExported: "sign-in lockouts are of this server's recent attempts"},
	{name: collTeams, rehearsed: true},
	{name: collRoles, rehearsed: true},
	{name: collSettings,
		notExported: "engine state (versions the caches compare, package bases): the new database starts its own"},
	{name: collAudit, indexes: auditIndexes},
	{name: collAutomations, indexes: []store.Index{{Field: "object"}}, rehearsed: true},
	{name: collAssignment, rehearsed: true},
	{name: collDuplicateRules, rehearsed: true},
	{name: collCalendars, rehearsed: true},
	{name: collSLAPolicies, indexes: []store.Index{{Field: "object"}, {Field: "calendar"}}, rehearsed: true},
	{name: collRuns, indexes: []store.Index{{Field: "record"}}},
	{name: collNotes, indexes: noteIndexes},
	{name: collSLAOutcomes, indexes: []store.Index{{Field: "stopped_at"}}},
	{name: collDeliveries, indexes: deliveryIndexes},
	{name: collAllowList},
	{name: collReports, rehearsed: true},
	{name: collDashboards, rehearsed: true},
	{name: collWebForms, indexes: []store.Index{{Field: "object"}}, rehearsed: true},
	{name: collWebFormStats, indexes: []store.Index{{Field: "form"}}, notExported: "counts of this server's web form submissions"},
	{name: collEmailTemplates, indexes: []store.Index{{Field: "object"}}, rehearsed: true},
	{name: collSMTP, notExported: "SMTP settings hold the mail password: an admin sets them again on the new server"},
	{name: collEmails, indexes: emailIndexes},
	{name: collViews, indexes: []store.Index{{Field: "object"}}},
	{name: collApprovalProcs, indexes: []store.Index{{Field: "object"}}, rehearsed: true},
	{name: collApprovalVersions, indexes: []store.Index{{Field: "name"}}, rehearsed: true},
	{name: collApprovals, indexes: []store.Index{{Field: "record"}, {Field: "submitter"}}},
	{name: collApprovalTasks, indexes: []store.Index{{Field: "user"}, {Field: "instance"}}},
	{name: collApprovalLocks},
	{name: collMerges, indexes: []store.Index{{Field: "merged_into"}}}, // tombstones of merged records
	// Pending jobs carry timers (SLA thresholds, time-relative automations) to the new database.
	{name: collJobs, indexes: jobIndexes},
	{name: collClaims, notExported: "job claims: the new database runs the pending jobs afresh"},
	// Marks of roll-ups still to fold: the new database folds them.
	{name: collRollupMarks, indexes: rollupMarkIndexes},
	{name: collRollupBackfills, notExported: "backfills of roll-ups are runs of this server"},
	{name: collImports, indexes: []store.Index{{Field: "user"}, {Field: "created_at"}},
		notExported: "record imports are runs of uploads to this server"},
	{name: collImportFiles, indexes: []store.Index{{Field: "import"}}, notExported: "uploads of imports under way"},
	{name: collImportErrors, indexes: []store.Index{{Field: "import"}}, notExported: "error reports of this server's imports"},
}

// systemIndexes are the engine's own collections and their secondary indexes.
func systemIndexes() map[string][]store.Index {
	out := make(map[string][]store.Index, len(systemColls))
	for _, c := range systemColls {
		out[c.name] = c.indexes
	}
	return out
}

// exportedSystemColls lists the collections an export carries, in the order an import writes them.
func exportedSystemColls() []string {
	var out []string
	for _, c := range systemColls {
		if c.notExported == "" {
			out = append(out, c.name)
		}
	}
	return out
}

// rehearsedColls lists the collections a package rehearsal copies.
func rehearsedColls() []systemColl {
	var out []systemColl
	for _, c := range systemColls {
		if c.rehearsed {
			out = append(out, c)
		}
	}
	return out
}
