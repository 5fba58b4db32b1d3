// Package gocheck checks what compiler/emit/gohandler generates the way a
// user's build would see it: handler.go parses, is gofmt-clean, declares
// exactly the package-level names gohandler.Plan intends (so nothing a spec
// wrote became code), holds every spec value as a string literal, has
// comments of printable text only, and type-checks against callspec's
// real runtime packages; the stub likewise. Vet runs `go vet` over many
// generated packages at once, placed inside the module by an overlay.
// The generator's tests and its fuzz target share it.
package gocheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
)

// runtimeImports are the packages generated files import, besides the
// handler package itself.
var runtimeImports = []string{
	"context", "time", "log", "log/slog", "net/http", "os", "os/signal", "sync", "syscall",
	gohandler.Module + "/kernel/celenv",
	gohandler.Module + "/kernel/event",
	gohandler.Module + "/kernel/workflow",
	gohandler.Module + "/runtime/forward",
	gohandler.Module + "/runtime/handler",
	gohandler.Module + "/runtime/inbox",
	gohandler.Module + "/runtime/server",
	gohandler.Module + "/runtime/store",
	gohandler.Module + "/runtime/store/storeopen",
}

// Checker type-checks generated files. It is not safe for concurrent use.
type Checker struct {
	// Root is the module's directory.
	Root string
	fset *token.FileSet
	imp  types.Importer
}

// New finds the module and the export data of the packages generated
// code imports (compiled by `go list -export`, from the build cache).
func New() (*Checker, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" || strings.TrimSpace(string(out)) == os.DevNull {
		return nil, fmt.Errorf("find the module with go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}} {{.Export}}{{end}}"}, runtimeImports...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -export: %v\n%s", err, stderr.Bytes())
	}
	exports := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), " "); ok {
			exports[path] = file
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("generated code imports %s, which is not among the packages it may import", path)
		}
		return os.Open(file)
	})
	return &Checker{Root: root, fset: fset, imp: imp}, nil
}

// generatedHeader is how go vet and editors recognise a generated file.
var generatedHeader = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// Check checks the files gohandler.Emit returned for w with the default
// options (callspec's own generated/).
func (c *Checker) Check(w *ir.Workflow, files []gohandler.File) error {
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Content
	}
	if len(byPath) != 2 {
		return fmt.Errorf("%d files, want exactly %s and %s", len(byPath), gohandler.GoFile(w.ID), gohandler.StubFile)
	}
	names := gohandler.Plan(w)
	importPath := gohandler.ImportPath("", w.ID)

	src, ok := byPath[gohandler.GoFile(w.ID)]
	if !ok {
		return fmt.Errorf("no %s", gohandler.GoFile(w.ID))
	}
	f, err := c.parse("handler.go", src, names.Package)
	if err != nil {
		return err
	}
	wantImports := []string{"context", "net/http", gohandler.Module + "/kernel/celenv", gohandler.Module + "/kernel/event", gohandler.Module + "/kernel/workflow", gohandler.Module + "/runtime/handler"}
	if slices.ContainsFunc(w.Fields, func(f ir.Field) bool { return f.Elem() == celenv.DateTime }) {
		wantImports = append(wantImports, "time")
	}
	var named map[string]string
	if w.PhoneRegion != "" {
		phone := gohandler.Module + "/kernel/workflow/phone"
		wantImports = append(wantImports, phone)
		named = map[string]string{phone: "_"}
	}
	if err := imports(f, wantImports, named); err != nil {
		return fmt.Errorf("handler.go: %w", err)
	}
	var decls []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				id, ok := recv.(*ast.Ident)
				if !ok || !slices.Contains(gohandler.Methods, id.Name+"."+d.Name.Name) {
					return fmt.Errorf("handler.go declares the method %s, which the generator does not write", d.Name.Name)
				}
				continue
			}
			decls = append(decls, d.Name.Name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					decls = append(decls, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						decls = append(decls, n.Name)
					}
				}
			}
		}
	}
	slices.Sort(decls)
	if want := names.Declarations(); !slices.Equal(decls, want) {
		return fmt.Errorf("handler.go declares %v, want exactly %v", decls, want)
	}
	if err := literals(f, values(w)); err != nil {
		return fmt.Errorf("handler.go: %w", err)
	}
	if err := c.plain("handler.go", src, f); err != nil {
		return err
	}
	pkg, err := (&types.Config{Importer: c.imp}).Check(importPath, c.fset, []*ast.File{f}, nil)
	if err != nil {
		return fmt.Errorf("handler.go does not type-check: %w", err)
	}

	stub, ok := byPath[gohandler.StubFile]
	if !ok {
		return errors.New("no " + gohandler.StubFile)
	}
	sf, err := c.parse("service.go.txt", stub, "main")
	if err != nil {
		return err
	}
	stubImports := []string{"context", "log", "log/slog", "net/http", "os", "os/signal", "sync", "syscall", importPath,
		gohandler.Module + "/runtime/handler", gohandler.Module + "/runtime/inbox", gohandler.Module + "/runtime/server", gohandler.Module + "/runtime/store",
		gohandler.Module + "/runtime/store/storeopen"}
	if w.Webhook.Forward != nil {
		stubImports = append(stubImports, gohandler.Module+"/runtime/forward")
	}
	// The package is imported under its own name: no alias.
	if err := imports(sf, stubImports, map[string]string{gohandler.Module + "/runtime/handler": "rt"}); err != nil {
		return fmt.Errorf("service.go.txt: %w", err)
	}
	var stubDecls []string
	for _, d := range sf.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil {
				name = "service." + name
			}
			stubDecls = append(stubDecls, name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if s, ok := s.(*ast.TypeSpec); ok {
					stubDecls = append(stubDecls, s.Name.Name)
				}
			}
		}
	}
	slices.Sort(stubDecls)
	wantStub := []string{"getenv", "main", "service", "service.Handoff", "service." + names.NextMethod}
	slices.Sort(wantStub)
	if !slices.Equal(stubDecls, wantStub) {
		return fmt.Errorf("service.go.txt declares %v, want exactly %v", stubDecls, wantStub)
	}
	if err := c.plain("service.go.txt", stub, sf); err != nil {
		return err
	}
	stubImp := importerFunc(func(path string) (*types.Package, error) {
		if path == importPath {
			return pkg, nil
		}
		return c.imp.Import(path)
	})
	if _, err := (&types.Config{Importer: stubImp}).Check("main", c.fset, []*ast.File{sf}, nil); err != nil {
		return fmt.Errorf("service.go.txt does not type-check: %w", err)
	}
	return nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// parse parses one generated file and checks what every file must be.
func (c *Checker) parse(name string, src []byte, pkg string) (*ast.File, error) {
	f, err := parser.ParseFile(c.fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("%s does not parse: %w", name, err)
	}
	if f.Name.Name != pkg {
		return nil, fmt.Errorf("%s is package %s, want %s", name, f.Name.Name, pkg)
	}
	return f, nil
}

// plain checks what a generated file must be besides its declarations:
// gofmt-clean, marked as generated, and with comments that are printable
// text after "// " (no block comments, no directives such as //go: and
// //line, no runes that make an editor show other code than compiles).
func (c *Checker) plain(name string, src []byte, f *ast.File) error {
	if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
		return fmt.Errorf("%s is not gofmt-clean", name)
	}
	if name == "handler.go" {
		if first, _, _ := strings.Cut(string(src), "\n"); !generatedHeader.MatchString(first) {
			return fmt.Errorf("%s: the first line %q does not mark the file as generated", name, first)
		}
	}
	for _, g := range f.Comments {
		for _, cm := range g.List {
			if cm.Text != "//" && !strings.HasPrefix(cm.Text, "// ") {
				return fmt.Errorf("%s:%d: the comment %q is not a plain // comment", name, c.fset.Position(cm.Pos()).Line, cm.Text)
			}
			for _, r := range cm.Text {
				if !strconv.IsPrint(r) {
					return fmt.Errorf("%s:%d: the comment %q holds the unprintable rune %U", name, c.fset.Position(cm.Pos()).Line, cm.Text, r)
				}
			}
		}
	}
	return nil
}

// imports checks that f imports exactly paths, each under its own name or
// the one named.
func imports(f *ast.File, paths []string, named map[string]string) error {
	var got []string
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			return fmt.Errorf("import path %s: %v", s.Path.Value, err)
		}
		got = append(got, p)
		name := ""
		if s.Name != nil {
			name = s.Name.Name
		}
		if name != named[p] {
			return fmt.Errorf("imports %s as %q, want %q", p, name, named[p])
		}
	}
	slices.Sort(got)
	paths = slices.Sorted(slices.Values(paths))
	if !slices.Equal(got, paths) {
		return fmt.Errorf("imports %v, want %v", got, paths)
	}
	return nil
}

// values are the spec's strings that the generated Definition holds.
func values(w *ir.Workflow) []string {
	d := w.Definition()
	out := []string{d.ID, d.Owner, d.NextAction, d.SecretEnv, d.IdempotencyKey}
	out = append(out, d.Log...)
	for _, f := range d.Fields {
		out = append(out, f.Name, f.Pattern)
		out = append(out, f.Values...)
	}
	for _, r := range d.Handoff {
		out = append(out, r.Reason, r.When, r.Severity, r.Owner, r.CallerMessage)
		out = append(out, r.Notify...)
	}
	if d.Forward != nil {
		out = append(out, d.Forward.URL, d.Forward.SecretEnv)
	}
	for _, t := range w.Targets {
		p, err := workflow.HookPath(w.Webhook.URL, t)
		if err == nil {
			out = append(out, t, p)
		}
	}
	return out
}

// literals checks that each of want is the value of a string literal of f,
// so that no spec text was cut short or changed on its way.
func literals(f *ast.File, want []string) error {
	have := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				have[s] = true
			}
		}
		return true
	})
	for _, s := range want {
		if s != "" && !have[s] {
			return fmt.Errorf("no string literal holds the spec's %q", s)
		}
	}
	return nil
}

// Package is the emitted files of one workflow, for Vet.
type Package struct {
	ID    string
	Files []gohandler.File
}

// vetModule is the module path Vet builds in.
const vetModule = "gocheck.test"

var moduleLine = regexp.MustCompile(`(?m)^module .*$`)

// Vet runs one `go vet` over the handler package and the stub of each of
// pkgs, in a module of its own under dir that requires callspec from this
// directory (go vet needs the packages' directories to exist, so an overlay
// inside this module would not do). The stub imports the handler from
// there: its import path is the one thing changed.
func (c *Checker) Vet(dir string, pkgs []Package) error {
	gomod, err := os.ReadFile(filepath.Join(c.Root, "go.mod"))
	if err != nil {
		return err
	}
	gosum, err := os.ReadFile(filepath.Join(c.Root, "go.sum"))
	if err != nil {
		return err
	}
	// The same requirements as callspec's, so that no module is looked up.
	mod := moduleLine.ReplaceAllString(string(gomod), "module "+vetModule) +
		fmt.Sprintf("\nrequire %s v0.0.0\n\nreplace %s => %s\n", gohandler.Module, gohandler.Module, c.Root)
	write := func(name string, content []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, content, 0o644)
	}
	if err := errors.Join(write("go.mod", []byte(mod)), write("go.sum", gosum)); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		if seen[p.ID] {
			return fmt.Errorf("two packages to vet have the id %s", p.ID)
		}
		seen[p.ID] = true
		for _, f := range p.Files {
			var err error
			switch f.Path {
			case gohandler.GoFile(p.ID):
				err = write(p.ID+"/"+f.Path, f.Content)
			case gohandler.StubFile:
				from := strconv.Quote(gohandler.ImportPath("", p.ID))
				to := strconv.Quote(gohandler.ImportPath(vetModule, p.ID))
				if !bytes.Contains(f.Content, []byte(from)) {
					return fmt.Errorf("the stub of %s does not import %s", p.ID, from)
				}
				err = write(p.ID+"/stub/main.go", bytes.Replace(f.Content, []byte(from), []byte(to), 1))
			}
			if err != nil {
				return err
			}
		}
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go vet: %v\n%s", err, out)
	}
	return nil
}
