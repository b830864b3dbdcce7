package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"crm/rules"
	"crm/workflow"
)

// codeSources are the packages whose errors reach a caller as a top-level code, and in each the
// functions that take a code as an argument (name -> index of that argument).
var codeSources = []struct {
	dir   string
	makes map[string]int
}{
	{".", map[string]int{"errorf": 1}},
	{"api", nil},
	{"query", nil},
	{"../workflow", map[string]int{"refuse": 0}}, // approval refusals, passed through by approvalErr
}

// errorTypes are the error types whose Code field is a top-level code.
var errorTypes = map[string]bool{"Error": true, "engine.Error": true, "query.Error": true, "ApprovalError": true}

// codeConstants resolves the codes other packages name by a constant.
var codeConstants = map[string]string{
	"rules.CodeBudget":        rules.CodeBudget,
	"workflow.CodeControlled": workflow.CodeControlled,
}

// passThrough are the places that hand on a code found in another error (already walked at its
// source) or take it as a parameter: file:expression.
var passThrough = map[string]bool{
	"errors.go:code":             true, // errorf itself
	"approval_decide.go:ae.Code": true, // workflow's refusals, passed on by approvalErr
	"approval_run.go:code":       true, // refuse itself (workflow/approval_run.go)
	"record_list.go:qe.Code":     true, // query errors, walked in query
	"dashboard_data.go:ee.Code":  true, // a widget's own error, copied
	"record_import.go:code":      true, // the stored reason an import failed, made at its source
}

// sourceCodes walks the Go sources for every top-level code they can produce. Each code maps to
// one place it is made, for the failure message.
func sourceCodes(t *testing.T) map[string]string {
	t.Helper()
	codes := map[string]string{}
	passed := map[string]bool{}
	fset := token.NewFileSet()
	for _, src := range codeSources {
		files, err := filepath.Glob(filepath.Join(src.dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Base(name)
			code := func(e ast.Expr) {
				at := fset.Position(e.Pos()).String()
				switch e := e.(type) {
				case *ast.BasicLit:
					s, err := strconv.Unquote(e.Value)
					if err != nil {
						t.Fatalf("%s: %v", at, err)
					}
					codes[s] = at
					return
				case *ast.SelectorExpr:
					if x, ok := e.X.(*ast.Ident); ok {
						if s, ok := codeConstants[x.Name+"."+e.Sel.Name]; ok {
							codes[s] = at
							return
						}
					}
				case *ast.BinaryExpr: // k.code+"_not_found": a named kind's family, listed in namedKinds
					if lit, ok := e.Y.(*ast.BasicLit); ok && e.Op == token.ADD {
						if sel, ok := e.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "code" {
							suffix, _ := strconv.Unquote(lit.Value)
							for _, k := range namedKinds {
								codes[k.code+suffix] = at
							}
							return
						}
					}
				}
				passed[base+":"+types(e)] = true
				if !passThrough[base+":"+types(e)] {
					t.Errorf("%s: a code made from %s: make it a literal, or list it here", at, types(e))
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok {
						if i, ok := src.makes[id.Name]; ok && len(n.Args) > i {
							code(n.Args[i])
						}
					}
				case *ast.CompositeLit:
					if !errorTypes[types(n.Type)] {
						return true
					}
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && types(kv.Key) == "Code" {
							code(kv.Value)
						}
					}
				case *ast.ValueSpec: // the codes of fiber's errors, by status
					for i, id := range n.Names {
						if id.Name != "codeOfStatus" || i >= len(n.Values) {
							continue
						}
						for _, el := range n.Values[i].(*ast.CompositeLit).Elts {
							code(el.(*ast.KeyValueExpr).Value)
						}
					}
				}
				return true
			})
		}
	}
	for p := range passThrough {
		if !passed[p] {
			t.Errorf("passThrough lists %s, which the sources no longer hold: remove it", p)
		}
	}
	return codes
}

// types prints a small expression: an identifier, a selector, a type name.
func types(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return types(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return types(e.X)
	}
	return "?"
}

// TestEveryCodeHasItsMessages walks the sources for every top-level error code and fails when
// the catalog lacks the code or one of its languages, or holds a code nothing makes.
func TestEveryCodeHasItsMessages(t *testing.T) {
	t.Parallel()
	codes := sourceCodes(t)
	if len(codes) < 80 {
		t.Fatalf("found only %d codes: the walk is broken", len(codes))
	}
	names := make([]string, 0, len(codes))
	for c := range codes {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		l, ok := errorTexts[c]
		if !ok {
			t.Errorf("%s: code %q has no entry in errorTexts", codes[c], c)
			continue
		}
		for _, lang := range catalogLanguages {
			if strings.TrimSpace(l[lang]) == "" {
				t.Errorf("%s: code %q has no %s message", codes[c], c, lang)
			}
		}
	}
	for c := range errorTexts {
		if _, ok := codes[c]; !ok {
			t.Errorf("errorTexts holds %q, which no source makes: remove it", c)
		}
	}
	t.Logf("%d codes, each in %v", len(codes), catalogLanguages)
}
