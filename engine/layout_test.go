package engine

import (
	"path/filepath"
	"strings"
	"testing"
)

// layoutPrefixes are the nouns of doc.go's file table: a file outside them is either a new noun
// (add it there and here) or a file that belongs under one of them.
var layoutPrefixes = []string{"engine", "errors", "collections", "definition_", "doc", "object_", "record_",
	"people_", "auth", "audit", "automation_", "assignment_", "duplicate_", "approval_", "sla_", "job_", "webhook_",
	"dashboard_", "view_", "webform_", "email_", "report_", "ops_", "schema_", "package", "transfer", "export", "import", "backup", "template_", "layout", "bench_"}

// TestFilesFollowTheLayout: every file of the package is named by a noun of doc.go's table.
func TestFilesFollowTheLayout(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ok := false
		for _, p := range layoutPrefixes {
			ok = ok || strings.HasPrefix(f, p)
		}
		if !ok {
			t.Errorf("%s has no noun of doc.go's layout (%v)", f, layoutPrefixes)
		}
	}
}
