package gohandler

import (
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// GoName turns lower_snake (or any text) into an exported Go identifier:
// issue_type → IssueType, "not-a-value" → NotAValue, "3d" → X3d. Every
// rune that is not a letter or a digit separates words and is dropped, so
// the result is a valid identifier whatever the input; two inputs that
// differ only in such runes or in case give the same name, which Plan
// reports as a Clash.
func GoName(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		} else {
			b.WriteRune(r)
		}
	}
	out := b.String()
	// A name must start with an upper-case letter to be exported; digits
	// and letters without case (中) cannot.
	if first := []rune(out + " ")[0]; !unicode.IsUpper(first) {
		out = "X" + out
	}
	return fixInitialisms(out)
}

// fixInitialisms spells common initialisms the Go way (Id → ID).
func fixInitialisms(s string) string {
	for _, w := range []string{"Id", "Url", "Http", "Json", "Api"} {
		if strings.HasSuffix(s, w) {
			s = s[:len(s)-len(w)] + strings.ToUpper(w)
		}
	}
	return s
}

// stubNames are the names the service stub (service.go.txt) imports or
// declares, in any scope, besides the handler package itself; a package
// of the same name would be shadowed by them or shadow them. A test
// renders the stub and keeps this list complete.
var stubNames = []string{
	"context", "log", "slog", "http", "os", "signal", "sync", "syscall", "forward", "rt", "inbox", "server", "store", "storeopen", // imports
	"service", "main", "getenv", // declarations
	"ctx", "o", "h", "st", "err", "stop", "logger", "cfg", "wg", "worker", "services", "mux", "srv", "ln", "r", "name", "def", "v", // parameters and variables
}

// PackageName is the Go package of a workflow's handler: its id without
// underscores (and without anything else that cannot be in a Go name).
// A name that a package cannot have or that the stub would not compile
// with (a Go keyword or predeclared identifier such as nil or error, main,
// init, or a name of stubNames such as os or http) gets "workflow"
// appended, so every id gives a package that compiles and that the stub
// imports under its own name.
func PackageName(id string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, id)
	if name == "" || !unicode.IsLetter([]rune(name)[0]) {
		return "workflow" + name
	}
	if token.IsKeyword(name) || types.Universe.Lookup(name) != nil || name == "main" || name == "init" || slices.Contains(stubNames, name) {
		name += "workflow"
	}
	return name
}

// fixedNames are the package-level names every generated handler.go
// declares; its imports are importNames.
var fixedNames = []string{"Definition", "compiled", "Fields", "Outcome", "Handoff", "HandoffReason", "Service", "Validate", "Decide", "NewHandler", "Routes", "Mount", "fieldsFrom"}

// Methods are the methods every generated handler.go declares, as
// Type.Method.
var Methods = []string{"Handoff.Reason"}

// nextActionType is declared when the workflow has a next action; its name
// is reserved either way, so that adding one renames nothing.
const nextActionType = "NextAction"

var importNames = []string{"context", "http", "time", "celenv", "event", "handler", "workflow", "phone"}

// Names are the Go identifiers of one workflow's generated package, decided
// in one place for the emitter and for the go-name-clash rule.
type Names struct {
	Package string
	// NextMethod is the Service method of the next action.
	NextMethod string
	// Fields are the names of each of the workflow's fields, in order.
	Fields []FieldNames
	// Reasons are the typed constants of the handoff reasons: the spec's,
	// then the ones callspec decides itself (event.BuiltinReasons).
	Reasons []Constant
	// NextActions is the typed constant of the next action, if any.
	NextActions []Constant
	// Clashes are pairs of spec names that became the same Go identifier;
	// the later one got a numeric suffix, which would change when the spec
	// is reordered. Lint reports each (go-name-clash).
	Clashes []Clash
}

// FieldNames are the Go names that come from one field.
type FieldNames struct {
	// Member is the field of the Fields struct.
	Member string
	// Type is the named string type of an enum field or of the items of a
	// list of enum; "" for other fields.
	Type string
	// Consts are the constants of Type, one per value, in order.
	Consts []string
}

// Constant is a typed Go constant of a handoff reason or a next action.
type Constant struct {
	Name, Value string
}

// Origin is a spec name a Go identifier comes from: field number Field of
// the workflow when Value is -1, else its enum value number Value.
type Origin struct{ Field, Value int }

// Clash is two spec names that became one Go identifier.
type Clash struct {
	// GoName is the identifier both wanted.
	GoName string
	// Member is true for two fields of the Fields struct, false for enum
	// types and constants, which share the package scope.
	Member        bool
	First, Second Origin
}

// Plan decides the Go names of w's generated package.
func Plan(w *ir.Workflow) *Names {
	n := &Names{Package: PackageName(w.ID), NextMethod: GoName(w.NextAction)}
	if n.NextMethod == "Handoff" {
		n.NextMethod = "HandoffAction"
	}
	scope := newNamer(false, append(slices.Clone(fixedNames), append(importNames, nextActionType)...)...)
	members := newNamer(true)
	for i, f := range w.Fields {
		fn := FieldNames{Member: members.name(GoName(f.Name), Origin{i, -1})}
		if workflow.ValuesApply(f.Elem()) {
			// A field named like a fixed declaration (outcome, service) is
			// common enough to get a fixed, order-independent name.
			fn.Type = scope.name(avoidFixed(GoName(f.Name)), Origin{i, -1})
			for j, v := range f.Values {
				fn.Consts = append(fn.Consts, scope.name(avoidFixed(fn.Type+GoName(v)), Origin{i, j}))
			}
		}
		n.Fields = append(n.Fields, fn)
	}
	// Reason and next-action constants come after every field's names, so
	// a clash with one of those renames the constant, and is not a spec
	// mistake to report: the constant's name is not one the author wrote.
	seen := map[string]bool{}
	for _, r := range w.Handoff {
		n.Reasons = appendReason(n.Reasons, seen, scope, r.Reason)
	}
	for _, r := range event.BuiltinReasons {
		n.Reasons = appendReason(n.Reasons, seen, scope, r)
	}
	if w.NextAction != "" {
		n.NextActions = []Constant{{Name: scope.unreported(nextActionType + GoName(w.NextAction)), Value: w.NextAction}}
	}
	n.Clashes = append(members.clashes, scope.clashes...)
	slices.SortStableFunc(n.Clashes, func(a, b Clash) int {
		if c := a.Second.Field - b.Second.Field; c != 0 {
			return c
		}
		return a.Second.Value - b.Second.Value
	})
	return n
}

func appendReason(out []Constant, seen map[string]bool, scope *namer, reason string) []Constant {
	if seen[reason] {
		return out
	}
	seen[reason] = true
	return append(out, Constant{Name: scope.unreported("Handoff" + GoName(reason)), Value: reason})
}

// avoidFixed renames a wanted name that the generated file declares itself.
func avoidFixed(name string) string {
	if slices.Contains(fixedNames, name) {
		return name + "Value"
	}
	return name
}

// Declarations are the package-level names handler.go declares, sorted:
// the fixed ones and each enum's type and constants. Tests compare the
// parsed file with them.
func (n *Names) Declarations() []string {
	out := slices.Clone(fixedNames)
	for _, f := range n.Fields {
		if f.Type != "" {
			out = append(out, f.Type)
		}
		out = append(out, f.Consts...)
	}
	for _, c := range n.Reasons {
		out = append(out, c.Name)
	}
	if len(n.NextActions) > 0 {
		out = append(out, nextActionType)
	}
	for _, c := range n.NextActions {
		out = append(out, c.Name)
	}
	slices.Sort(out)
	return out
}

// namer hands out identifiers that are unique within one scope and
// remembers which spec name took each, to report clashes.
type namer struct {
	member  bool
	owner   map[string]*Origin // nil for a fixed name
	clashes []Clash
}

func newNamer(member bool, fixed ...string) *namer {
	n := &namer{member: member, owner: map[string]*Origin{}}
	for _, f := range fixed {
		n.owner[f] = nil
	}
	return n
}

// unreported returns base, or base with a numeric suffix when base is
// taken, for a name the spec's author did not write (no clash is kept).
func (n *namer) unreported(base string) string {
	name := n.free(base)
	n.owner[name] = nil
	return name
}

// name returns base, or base with a numeric suffix when base is taken.
func (n *namer) name(base string, o Origin) string {
	if first, taken := n.owner[base]; taken && first != nil {
		n.clashes = append(n.clashes, Clash{GoName: base, Member: n.member, First: *first, Second: o})
	}
	name := n.free(base)
	n.owner[name] = &o
	return name
}

// free returns base, or base with the first numeric suffix not yet taken.
func (n *namer) free(base string) string {
	name := base
	for i := 2; ; i++ {
		if _, taken := n.owner[name]; !taken {
			return name
		}
		name = base + strconv.Itoa(i)
	}
}
