package gohandler

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
)

func loadAllTypes(t *testing.T) *ir.Workflow {
	t.Helper()
	b, err := os.ReadFile("testdata/all_types.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, fs := spec.Load("testdata/all_types.yaml", b)
	if len(fs) > 0 {
		t.Fatal(fs)
	}
	u, fs := check.Check(s)
	if len(fs) > 0 {
		t.Fatal(fs)
	}
	return u.IR
}

// TestStubNames keeps stubNames equal to the names the stub uses in any
// scope (other than the handler package, predeclared names, the methods
// it implements and struct keys), so that PackageName avoids all of them.
func TestStubNames(t *testing.T) {
	w := loadAllTypes(t)
	m, err := newModel(w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// With a forward, so that the names of the forward worker are used too.
	m.Forward, m.ForwardURL, m.ForwardSecret, m.ForwardMax = true, "https://crm.example.com/in", "F", 3
	var b bytes.Buffer
	if err := stubTemplate.Execute(&b, m); err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "service.go.txt", b.Bytes(), parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	skip := map[*ast.Ident]bool{f.Name: true}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				skip[id] = true
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				skip[n.Name] = true
			}
		}
		return true
	})
	var used []string
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !skip[id] && id.Name != m.Package && id.Name != "_" && types.Universe.Lookup(id.Name) == nil {
			used = append(used, id.Name)
		}
		return true
	})
	// Imports without a name are used through their package name.
	for _, s := range f.Imports {
		if path := strings.Trim(s.Path.Value, `"`); s.Name == nil && path != m.ImportPath {
			used = append(used, path[strings.LastIndex(path, "/")+1:])
		}
	}
	slices.Sort(used)
	used = slices.Compact(used)
	want := slices.Sorted(slices.Values(stubNames))
	if !slices.Equal(used, want) {
		t.Errorf("the stub uses the names %v; stubNames lists %v", used, want)
	}
}

func TestPackageName(t *testing.T) {
	for id, want := range map[string]string{
		"maintenance_report": "maintenancereport",
		"func_":              "funcworkflow",
		"main":               "mainworkflow",
		"init":               "initworkflow",
		"nil":                "nilworkflow",
		"os":                 "osworkflow",
		"err":                "errworkflow",
		"handler":            "handler",
		"x1":                 "x1",
		"":                   "workflow",
		"1x":                 "workflow1x",
		"a-b/../c":           "abc",
	} {
		if got := PackageName(id); got != want {
			t.Errorf("PackageName(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"issue_type":   "IssueType",
		"not-a-value":  "NotAValue",
		"3d":           "X3d",
		"user_id":      "UserID",
		"中文":           "X中文",
		"ünï":          "Ünï",
		"ǅ":            "Ǆ",
		"":             "X",
		"*/ //":        "X",
		"\x00a\u202eb": "AB",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
		if !token.IsIdentifier(GoName(in)) || !token.IsExported(GoName(in)) {
			t.Errorf("GoName(%q) = %q is not an exported Go identifier", in, GoName(in))
		}
	}
}

// TestEmitRefusesID: an id that lint would refuse (its finding may be
// suppressed) names no Go package and no directory.
func TestEmitRefusesID(t *testing.T) {
	w := loadAllTypes(t)
	w.ID = "../x\nfunc init() {}"
	_, err := Emit(w, Options{})
	want := `workflow id "../x\nfunc init() {}" is not lower_snake (a-z, 0-9 and _, starting with a letter), so it cannot name a Go package or a directory; fix the id (lint reports it as schema, a finding that must not be suppressed)`
	if err == nil || err.Error() != want {
		t.Fatalf("Emit error:\n%v\nwant:\n%s", err, want)
	}
}

// TestCommentTextFastPath: the texts that commentText returns as they
// are are exactly those it would not change.
func TestCommentTextFastPath(t *testing.T) {
	for _, s := range []string{"", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "a\u2028b", "a\x00b", "ünï 中文", "\ufeffa", "a\u202eb", " ", "x\r", "\xff"} {
		slow := strings.Join(strings.Fields(s), " ")
		var b strings.Builder
		for _, r := range slow {
			if !strconv.IsPrint(r) {
				q := strconv.QuoteRune(r)
				b.WriteString(q[1 : len(q)-1])
			} else {
				b.WriteRune(r)
			}
		}
		if got := commentText(s); got != b.String() {
			t.Errorf("commentText(%q) = %q, want %q", s, got, b.String())
		}
		if isCommentText(s) != (b.String() == s) {
			t.Errorf("isCommentText(%q) = %v", s, isCommentText(s))
		}
	}
}
