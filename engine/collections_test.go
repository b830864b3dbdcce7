package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestSystemCollsComplete fails when a coll* constant of the engine is missing from systemColls,
// so a new collection cannot miss its indexes, the export or a rehearsal by being forgotten.
func TestSystemCollsComplete(t *testing.T) {
	t.Parallel()
	listed := map[string]bool{}
	for _, c := range systemColls {
		if listed[c.name] {
			t.Errorf("%s is listed twice", c.name)
		}
		listed[c.name] = true
	}
	fset := token.NewFileSet()
	found := 0
	for _, file := range engineSources(t, fset, 0) {
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					rest, ok := strings.CutPrefix(n.Name, "coll")
					if !ok || rest == "" || !unicode.IsUpper(rune(rest[0])) || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					name, _ := strconv.Unquote(lit.Value)
					found++
					if !listed[name] {
						t.Errorf("%s (%s, %s) is not in systemColls (collections.go)", n.Name, name, fset.Position(n.Pos()))
					}
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("found no coll* constants")
	}
}

// engineSources parses the engine's own source files (tests left out).
func engineSources(t *testing.T, fset *token.FileSet, mode parser.Mode) []*ast.File {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(fset, f, nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parsed)
	}
	return out
}
