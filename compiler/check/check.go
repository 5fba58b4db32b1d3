// Package check turns a spec syntax tree into IR: it checks field types and
// enum values, declares the typed CEL environment and type-checks every
// expression against it. Its findings carry the structural rule IDs; the
// quality-gate rules in rules/ run afterwards on the same tree and IR.
package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"golang.org/x/text/language"

	"github.com/callspec/callspec/compiler/celpos"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/kernel/workflow/phone"
	"github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/rules/catalog"
)

// Unit is one checked file: its syntax tree, IR and the compiled form of
// its expressions, which rules inspect.
type Unit struct {
	Spec *spec.Spec
	IR   *ir.Workflow
	// When maps each handoff rule's `when` (by index) to its position map.
	When []*celpos.Expr
	// WhenParsed holds each handoff rule's `when` as parsed, also when it
	// did not type-check (nil when it did not parse), so that rules which
	// need only its shape report alongside a type error instead of after
	// it is fixed.
	WhenParsed []*cel.Ast
	// Idempotency is the position map of webhook.idempotency_key, or nil.
	Idempotency *celpos.Expr
}

// Limits on what one spec may declare. Every field is a CEL declaration, a
// JSON Schema property and a Go struct field, and every handoff rule a CEL
// program run on each call; a spec past these is hostile or wants splitting.
//
// MaxCELLength bounds each CEL expression (a `when`, the idempotency key),
// in code points. cel-go parses and checks in time linear in the text, but
// at one to three microseconds per code point (the ANTLR parser, macros,
// list literals): a spec of 1 MiB of CEL took seconds to compile. Real
// rules are a line or two; the 101 expressions a spec may hold, each at
// the limit, compile in well under a second
// (testdata/bad-input/lint/cel-limit-*).
const (
	MaxFields       = 500
	MaxHandoffRules = 100
	MaxCELLength    = 2048
)

// KnownTargets are the platforms a spec may name under targets, sorted:
// the provider registry's, as providers/all fills it (each is a package
// under providers/).
var KnownTargets = all.Names()

var lowerSnake = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// IsLowerSnake reports whether s is a lower_snake identifier.
func IsLowerSnake(s string) bool { return lowerSnake.MatchString(s) }

type checker struct {
	s    *spec.Spec
	w    *ir.Workflow
	u    *Unit
	c    diag.Collector
	file *source.File
	// suggest bounds the did-you-mean work for the file.
	suggest *diag.Suggester
	// enumSets holds each enum field's values as a set, made on the
	// first comparison with a literal.
	enumSets map[string]map[string]bool
	// untyped are the fields whose type did not check: they are declared
	// in CEL as dyn, so that the one finding at the type is not repeated
	// as "undefined field" by every rule that reads them.
	untyped []string
}

// Check builds the IR of s. It always returns a Unit; IR parts that did not
// check are left empty.
func Check(s *spec.Spec) (*Unit, []diag.Finding) {
	w := &ir.Workflow{
		Path:       s.File.Path,
		ID:         s.Workflow.ID.Value,
		Title:      s.Workflow.Title.Value,
		Goal:       s.Workflow.Goal.Value,
		Owner:      s.Workflow.Owner.Value,
		Disclosure: s.Disclosure.Value,
		NextAction: s.NextAction.Value,
	}
	k := &checker{s: s, w: w, u: &Unit{Spec: s, IR: w}, file: s.File, suggest: diag.NewSuggester()}
	if s.Workflow.ID.Set && !IsLowerSnake(w.ID) {
		k.c.Add(catalog.Schema.At(s.Workflow.ID.Range(),
			"workflow id %q must be lower_snake (a-z, 0-9 and _, starting with a letter), because it names generated files and a Go package", w.ID))
	}
	for _, q := range s.Questions.Items {
		w.Questions = append(w.Questions, ir.Question{ID: q.ID.Value, Ask: q.Ask.Value, Collects: values(q.Collects)})
	}
	k.language()
	k.phoneRegion()
	k.fields()
	k.env()
	k.handoff()
	k.incomplete()
	k.webhook()
	w.Log = values(s.Log)
	k.log()
	w.Targets = values(s.Targets)
	k.targets()
	k.platforms()
	w.Docs = ir.Docs{CTALabel: s.Docs.CTA.Label.Value, CTAURL: s.Docs.CTA.URL.Value, Related: values(s.Docs.Related)}
	k.deploy()
	k.scenarios()
	return k.u, k.c.Findings
}

func values(l spec.List[spec.String]) []string {
	out := make([]string, 0, len(l.Items))
	for _, s := range l.Items {
		if s.Set {
			out = append(out, s.Value)
		}
	}
	return out
}

func kindNames(ks []celenv.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func validKind(k string, among []celenv.Kind) bool {
	for _, x := range among {
		if string(x) == k {
			return true
		}
	}
	return false
}

func (k *checker) fields() {
	entries := k.s.Fields.Entries
	if len(entries) > MaxFields {
		k.c.Add(catalog.Schema.At(entries[MaxFields].Key.Range(),
			"the spec declares %d fields; a spec may declare at most %d (limit max-fields), so split the workflow; fields after the %dth are not checked",
			len(entries), MaxFields, MaxFields))
		entries = entries[:MaxFields]
	}
	for _, e := range entries {
		name, f := e.Key, e.Value
		if !IsLowerSnake(name.Value) {
			k.c.Add(catalog.Schema.At(name.Range(),
				"field name %q must be lower_snake (a-z, 0-9 and _, starting with a letter), because it becomes a CEL field, a JSON key and a Go identifier", name.Value))
		}
		if !f.Type.Set {
			k.untyped = append(k.untyped, name.Value)
			continue // reported by schema
		}
		t := f.Type.Value
		if !validKind(t, celenv.Kinds) {
			k.c.Add(catalog.FieldType.At(f.Type.Range(), "field %q has unknown type %q%s",
				name.Value, t, k.typeSuggestion(t, celenv.Kinds)))
			k.untyped = append(k.untyped, name.Value)
			continue
		}
		kind := celenv.Kind(t)
		elem := kind
		if kind == celenv.ListKind {
			switch {
			case !f.Items.Set:
				k.c.Add(catalog.FieldType.At(f.Type.Range(),
					"list field %q needs `items: <type>` naming the type of its elements (one of %s)", name.Value, strings.Join(kindNames(celenv.ItemKinds), ", ")))
				k.untyped = append(k.untyped, name.Value)
				continue
			case !validKind(f.Items.Value, celenv.ItemKinds):
				k.c.Add(catalog.FieldType.At(f.Items.Range(), "list field %q has unknown item type %q%s",
					name.Value, f.Items.Value, k.typeSuggestion(f.Items.Value, celenv.ItemKinds)))
				k.untyped = append(k.untyped, name.Value)
				continue
			}
			elem = celenv.Kind(f.Items.Value)
		} else if f.Items.Set {
			k.c.Add(catalog.FieldType.At(f.Items.KeyOrValue(),
				"`items` only applies to list fields, and %q is a %s field; remove it", name.Value, t))
		}
		k.options(name.Value, &f, kind, elem)
		wf := workflow.Field{
			Name:     name.Value,
			Type:     kind,
			Required: f.Required.Value,
			Values:   values(f.Values),
			Pattern:  f.Pattern.Value,
		}
		if kind == celenv.ListKind {
			wf.Items = elem
		}
		wf.PII = f.PII.Value || (!f.PII.Set && workflow.PIIByDefault(elem))
		if f.Min.Set {
			v := f.Min.Value
			wf.Min = &v
		}
		if f.Max.Set {
			v := f.Max.Value
			wf.Max = &v
		}
		if f.MaxLength.Set {
			wf.MaxLength = f.MaxLength.Value
		}
		field := ir.Field{Field: wf, Description: f.Description.Value}
		for _, ex := range f.Examples.Items {
			field.Examples = append(field.Examples, ex.Interface())
		}
		k.w.Fields = append(k.w.Fields, field)
	}
}

// options checks that each option fits the field's type.
func (k *checker) options(name string, f *spec.Field, kind, elem celenv.Kind) {
	if (f.Min.Set || f.Max.Set) && !workflow.RangeApplies(elem) {
		m := f.Min.Meta
		if !f.Min.Set {
			m = f.Max.Meta
		}
		k.c.Add(catalog.FieldType.At(m.KeyOrValue(), "min and max only apply to number and integer fields, and %q is a %s field", name, kind))
	}
	if f.Min.Set && f.Max.Set && f.Min.Value > f.Max.Value {
		k.c.Add(catalog.FieldType.At(f.Min.Range(), "field %q has min %v greater than max %v, so no value fits", name, f.Min.Value, f.Max.Value))
	}
	if f.MaxLength.Set {
		switch {
		case workflow.LengthUnitOf(kind) == workflow.NoLength:
			k.c.Add(catalog.FieldType.At(f.MaxLength.KeyOrValue(), "max_length only applies to text and list fields, and %q is a %s field", name, kind))
		case f.MaxLength.Value < 1:
			k.c.Add(catalog.FieldType.At(f.MaxLength.Range(), "max_length of %q must be at least 1", name))
		}
	}
	if f.Pattern.Set {
		if !workflow.PatternApplies(elem) {
			k.c.Add(catalog.FieldType.At(f.Pattern.KeyOrValue(), "pattern only applies to text fields, and %q is a %s field", name, kind))
		} else if _, err := regexp.Compile(f.Pattern.Value); err != nil {
			k.c.Add(catalog.FieldType.At(f.Pattern.Range(), "pattern of %q is not a valid RE2 regular expression: %v", name, unwrapRegexpErr(err)))
		}
	}
	if workflow.ValuesApply(elem) {
		if !f.Values.Set || len(f.Values.Items) == 0 {
			k.c.Add(catalog.EnumValues.At(f.Type.Range(), "enum field %q needs `values:` listing the allowed values", name))
			return
		}
		seen := map[string]source.Range{}
		for _, v := range f.Values.Items {
			if !v.Set || strings.TrimSpace(v.Value) == "" {
				k.c.Add(catalog.EnumValues.At(v.Where(), "enum field %q has an empty value; every value must be a word the platform can return", name))
				continue
			}
			if first, dup := seen[v.Value]; dup {
				k.c.Add(catalog.EnumValues.At(v.Range(), "enum field %q lists %q twice (first at line %d, column %d)", name, v.Value, first.Start.Line, first.Start.Col))
				continue
			}
			seen[v.Value] = v.Range()
		}
	} else if f.Values.Set {
		k.c.Add(catalog.EnumValues.At(f.Values.KeyOrValue(), "`values` only applies to enum fields, and %q is a %s field; use type: enum or remove values", name, kind))
	}
}

func unwrapRegexpErr(err error) string {
	msg := err.Error()
	return strings.TrimPrefix(msg, "error parsing regexp: ")
}

// maxListed is the most names a message lists: an enum may have
// thousands of values, and a message naming them all for each of
// thousands of wrong literals made gigabytes of findings.
const maxListed = 32

// suggestion is "; did you mean …?" for the name nearest got, or else the
// list of names to use.
func (k *checker) suggestion(got string, known []string) string {
	if best := k.suggest.Nearest(got, known); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	if len(known) > maxListed {
		return fmt.Sprintf(" (use one of %s and %d more)", strings.Join(known[:maxListed], ", "), len(known)-maxListed)
	}
	return fmt.Sprintf(" (use one of %s)", strings.Join(known, ", "))
}

// typeAliases are the type names of JSON Schema, Go and CEL that authors
// write for a callspec type; edit distance alone does not find them
// (bool is three edits from boolean).
var typeAliases = map[string]celenv.Kind{
	"bool": celenv.Boolean, "int": celenv.Integer, "int64": celenv.Integer, "float": celenv.Number,
	"double": celenv.Number, "string": celenv.Text, "str": celenv.Text, "timestamp": celenv.DateTime,
	"array": celenv.ListKind,
}

// typeSuggestion is suggestion for a field type among the kinds.
func (k *checker) typeSuggestion(got string, among []celenv.Kind) string {
	if a, ok := typeAliases[strings.ToLower(got)]; ok && validKind(string(a), among) {
		return fmt.Sprintf("; did you mean %q?", a)
	}
	return k.suggestion(got, kindNames(among))
}

func (k *checker) env() {
	decls := make([]celenv.Field, 0, len(k.w.Fields)+len(k.untyped))
	for i := range k.w.Fields {
		decls = append(decls, k.w.Fields[i].CEL())
	}
	for _, name := range k.untyped {
		decls = append(decls, celenv.Field{Name: name}) // no kind: dyn
	}
	env, err := celenv.New(decls)
	if err != nil {
		// Only an internal error can get here; report it where it hurts.
		k.c.Add(catalog.CELType.At(k.s.Fields.KeyOrValue(), "the fields could not be declared for CEL: %v", err))
		return
	}
	k.w.Env = env
}

func (k *checker) handoff() {
	items := k.s.Handoff.Items
	if len(items) > MaxHandoffRules {
		k.c.Add(catalog.Schema.At(items[MaxHandoffRules].Where(),
			"the spec has %d handoff rules; a spec may have at most %d (limit max-handoff-rules), so merge rules or split the workflow; rules after the %dth are not checked",
			len(items), MaxHandoffRules, MaxHandoffRules))
		items = items[:MaxHandoffRules]
	}
	for _, r := range items {
		// incomplete_call stays allowed: a version 1 spec configures the
		// built-in handoff with such a rule (see incomplete).
		if v := r.Reason.Value; v == event.CallFailed || v == event.NoAnswer {
			k.c.Add(catalog.Schema.At(r.Reason.Range(),
				"handoff reason %q is decided by callspec itself, before any rule (the platform says the call failed or was not answered); rename this rule, and set its owner and notify under `incomplete:`", v))
		}
		rule := ir.HandoffRule{HandoffRule: workflow.HandoffRule{
			Reason:        r.Reason.Value,
			When:          r.When.Value,
			Severity:      r.Severity.Value,
			Owner:         r.Owner.Value,
			Notify:        values(r.Notify),
			CallerMessage: r.CallerMessage.Value,
		}}
		if rule.Severity == "" {
			rule.Severity = workflow.DefaultSeverity
		}
		var pos *celpos.Expr
		var parsed *cel.Ast
		if r.When.Set {
			pos = celpos.New(k.file, r.When)
			rule.Checked, parsed = k.compile(pos, "when", cel.BoolType)
		}
		k.u.When = append(k.u.When, pos)
		k.u.WhenParsed = append(k.u.WhenParsed, parsed)
		k.w.Handoff = append(k.w.Handoff, rule)
	}
}

// language reads `language:` as a BCP 47 tag (golang.org/x/text/language)
// and keeps its base language, which selects the phrase lists, the
// placeholders and the built-in messages; es-MX and es share them. An
// unsupported language is not an error here: missing-disclosure says, as
// info, that the phrase checks are off.
func (k *checker) language() {
	l := k.s.Language
	if !l.Set {
		return
	}
	tag, err := language.Parse(strings.TrimSpace(l.Value))
	if err != nil {
		k.c.Add(catalog.Schema.At(l.Range(),
			"language %q is not a BCP 47 language tag; write one such as en, es, es-MX, fr, de or pt-BR", l.Value))
		return
	}
	base, _ := tag.Base()
	k.w.Language = base.String()
}

// phoneRegion reads `phone_region:` as an ISO 3166-1 region that
// libphonenumber has numbering rules for.
func (k *checker) phoneRegion() {
	r := k.s.PhoneRegion
	if !r.Set {
		return
	}
	region := strings.ToUpper(strings.TrimSpace(r.Value))
	if !phone.Supported(region) {
		k.c.Add(catalog.Schema.At(r.Range(),
			"phone_region %q is not a region with known phone numbering; write an ISO 3166-1 two-letter code such as US, GB, DE or MX", r.Value))
		return
	}
	k.w.PhoneRegion = region
}

// incomplete reads the incomplete: block. A version 1 spec without it may
// configure incomplete_call with a handoff rule of that reason, as before;
// the rule also stays a rule.
func (k *checker) incomplete() {
	if b := k.s.Incomplete; b.Set {
		k.w.Incomplete = &workflow.Incomplete{
			Owner: b.Owner.Value, Severity: b.Severity.Value, Notify: values(b.Notify), CallerMessage: b.CallerMessage.Value,
		}
		return
	}
	for _, r := range k.w.Handoff {
		if r.Reason == event.IncompleteCall {
			k.w.Incomplete = &workflow.Incomplete{Owner: r.Owner, Severity: r.Severity, Notify: r.Notify, CallerMessage: r.CallerMessage}
			return
		}
	}
}

func (k *checker) webhook() {
	wh := k.s.Webhook
	k.w.Webhook = ir.Webhook{URL: wh.URL.Value, IdempotencyKey: wh.IdempotencyKey.Value}
	if name, ok := strings.CutPrefix(wh.Secret.Value, "env:"); ok {
		k.w.Webhook.SecretEnv = name
	}
	if wh.IdempotencyKey.Set {
		k.u.Idempotency = celpos.New(k.file, wh.IdempotencyKey)
		k.w.Webhook.IdempotencyChecked, _ = k.compile(k.u.Idempotency, "idempotency_key", cel.StringType)
	} else {
		k.w.Webhook.IdempotencyKey = workflow.DefaultIdempotencyKey
	}
	if wh.Forward.Set {
		fw := &workflow.Forward{URL: wh.Forward.URL.Value, MaxAttempts: int(wh.Forward.MaxAttempts.Value)}
		if name, ok := strings.CutPrefix(wh.Forward.Secret.Value, "env:"); ok {
			fw.SecretEnv = name
		}
		if !wh.Forward.MaxAttempts.Set {
			fw.MaxAttempts = workflow.DefaultMaxAttempts
		} else if fw.MaxAttempts < 1 || fw.MaxAttempts > 100 {
			k.c.Add(catalog.Schema.At(wh.Forward.MaxAttempts.Range(), "max_attempts must be between 1 and 100"))
		}
		k.w.Webhook.Forward = fw
	}
}

// compile parses and type-checks one expression, reporting every issue at
// its place in the file, and checks its result type. It returns the
// checked AST, nil unless all of that passed, and the parsed one, nil
// unless the expression parsed.
func (k *checker) compile(pos *celpos.Expr, what string, want *cel.Type) (checked, parsed *cel.Ast) {
	if k.w.Env == nil {
		return nil, nil
	}
	if n := utf8.RuneCountInString(pos.Text); n > MaxCELLength {
		hint := "split the condition into several handoff rules"
		if want != cel.BoolType {
			hint = "build the key from a few call and field values"
		}
		k.c.Add(catalog.Schema.At(pos.Whole(),
			"`%s` is %d characters long; a CEL expression may be at most %d (limit max-cel-length), so %s",
			what, n, MaxCELLength, hint))
		return nil, nil
	}
	env := k.w.Env.CEL
	parsed, iss := k.w.Env.Parse(pos.Text)
	if iss.Err() != nil {
		for _, se := range syntaxErrors(pos, iss.Errors()) {
			k.c.Add(catalog.CELSyntax.At(pos.ErrorRange(se.err, nil), "`%s` is not valid CEL: %s", what, se.msg))
		}
		return nil, nil
	}
	// The checker reports every type error of the expression; the enum
	// literals are read from the parsed tree, so that they are reported
	// in the same run as a type error elsewhere in the expression.
	checked, iss = env.Check(parsed)
	if iss.Err() != nil {
		for _, e := range iss.Errors() {
			k.c.Add(catalog.CELType.At(pos.ErrorRange(e, parsed), "`%s` does not type-check: %s", what, k.explainTypeError(e, parsed)))
		}
		k.enumLiterals(pos, parsed)
		return nil, parsed
	}
	k.enumLiterals(pos, checked)
	out := checked.OutputType()
	if !out.IsExactType(want) && !out.IsExactType(cel.DynType) {
		rule := catalog.CELNotBool
		if want != cel.BoolType {
			rule = catalog.IdempotencyKey
		}
		k.c.Add(rule.At(pos.Whole(), "`%s` must evaluate to %s, but this expression is %s", what, typeWord(want), typeWord(out)))
		return nil, parsed
	}
	return checked, parsed
}

func typeWord(t *types.Type) string {
	switch {
	case t.IsExactType(cel.BoolType):
		return "a bool"
	case t.IsExactType(cel.StringType):
		return "a string"
	}
	return "of type " + t.String()
}

type syntaxError struct {
	err *common.Error
	msg string
}

// syntaxErrors words the parser's errors of one expression, one per place:
// where the parser reports two at one place (`fields.x == (` is both
// "expected ')'" and "ends too early"), "ends too early" is kept, which
// says what is missing wherever it is.
func syntaxErrors(pos *celpos.Expr, errs []*common.Error) []syntaxError {
	var out []syntaxError
	at := map[int]int{} // location → index in out
	for i, e := range errs {
		msg := explainSyntaxError(pos, e, i == 0)
		if msg == "" {
			continue
		}
		loc := -1
		if e.Location != nil {
			loc = e.Location.Line()<<20 | e.Location.Column()
		}
		if j, ok := at[loc]; ok {
			if msg == endsTooEarly {
				out[j].msg = msg
			}
			continue
		}
		at[loc] = len(out)
		out = append(out, syntaxError{e, msg})
	}
	return out
}

const endsTooEarly = "the expression ends too early; an operand or a closing bracket is missing"

// explainSyntaxError words a Pratt parser error for a spec author. It
// keeps what that parser says better than ANTLR did (one error where ANTLR
// reported a token error and then its consequence; "unexpected single
// '&', expected '&&'"; "unterminated string literal"), and adds what
// ANTLR said better: which token is unexpected. It returns "" for an
// error that only follows from an earlier one of the same expression.
func explainSyntaxError(pos *celpos.Expr, e *common.Error, first bool) string {
	msg := strings.TrimPrefix(e.Message, "Syntax error: ")
	if strings.HasPrefix(msg, "mismatched input '<EOF>'") || strings.HasPrefix(msg, "mismatched input <EOF>") {
		return endsTooEarly
	}
	tok := pos.Token(e)
	switch msg {
	case "unexpected token after expression":
		if !first {
			return ""
		}
		if tok == "" {
			return msg
		}
		return fmt.Sprintf("unexpected %s after the expression%s", quoteToken(tok), tokenHint(tok))
	case "unexpected token", "unexpected character":
		if tok == "" {
			return msg
		}
		return fmt.Sprintf("%s %s%s", msg, quoteToken(tok), tokenHint(tok))
	}
	return msg
}

func quoteToken(tok string) string { return "'" + tok + "'" }

// tokenHint names the CEL spelling of operators borrowed from other
// languages.
func tokenHint(tok string) string {
	switch tok {
	case "=":
		return " (compare with ==)"
	case "and", "AND":
		return " (CEL writes and as &&)"
	case "or", "OR":
		return " (CEL writes or as ||)"
	case "not", "NOT":
		return " (CEL writes not as !)"
	}
	return ""
}

// dateHint says how dates and datetimes are written in CEL (see
// kernel/celenv): CEL has no date type, and authors reach for date(…).
const dateHint = `dates are "YYYY-MM-DD" strings in CEL, so compare a date field with a string such as fields.day == "2026-01-31" or fields.day < "2026-02-01"; datetime fields are timestamps: fields.at < timestamp("2026-01-31T09:00:00Z")`

// explainTypeError adds to a checker message what to do about it.
func (k *checker) explainTypeError(e *common.Error, parsed *cel.Ast) string {
	msg := e.Message
	switch {
	case strings.HasPrefix(msg, "found no matching overload for"):
		if strings.Contains(msg, "google.protobuf.Timestamp") && strings.Contains(msg, "string") || k.readsDate(findExpr(parsed, e.ExprID)) {
			return msg + " (" + dateHint + ")"
		}
		if name, _, _ := strings.Cut(strings.TrimPrefix(msg, "found no matching overload for '"), "'"); !strings.HasPrefix(name, "_") {
			return msg + fmt.Sprintf(" (%s does not take arguments of these types)", name)
		}
		return msg + " (the two sides have different types; compare a field with a value of its declared type)"
	case strings.HasPrefix(msg, "undefined field"):
		if hint := k.fieldSuggestion(e.ExprID, parsed); hint != "" {
			return msg + hint
		}
		return msg + " (only declared fields exist; check the name under fields:)"
	case strings.HasPrefix(msg, "undeclared reference to 'date'"), strings.HasPrefix(msg, "undeclared reference to 'datetime'"):
		return msg + " (" + dateHint + ")"
	case strings.HasPrefix(msg, "undeclared reference to '"):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "undeclared reference to '"), "'")
		if _, ok := k.w.Env.Field(name); ok {
			return msg + fmt.Sprintf("; did you mean %q?", "fields."+name)
		}
		return msg + " (the variables are fields, call and workflow)"
	}
	return msg
}

// findExpr returns the node id of parsed, or nil. Only an error message
// looks a node up, so a walk is cheap enough.
func findExpr(parsed *cel.Ast, id int64) ast.Expr {
	var found ast.Expr
	ast.PreOrderVisit(parsed.NativeRep().Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.ID() == id {
			found = e
		}
	}))
	return found
}

// readsDate reports whether e is a call with a date field as an operand:
// fields.day > 3.
func (k *checker) readsDate(e ast.Expr) bool {
	if e == nil || e.Kind() != ast.CallKind {
		return false
	}
	for _, a := range e.AsCall().Args() {
		if a.Kind() != ast.SelectKind || a.AsSelect().Operand().Kind() != ast.IdentKind || a.AsSelect().Operand().AsIdent() != "fields" {
			continue
		}
		if f, ok := k.w.Field(a.AsSelect().FieldName()); ok && f.Type == celenv.Date {
			return true
		}
	}
	return false
}

// fieldSuggestion is "; did you mean …?" for the select node id of parsed
// that reads an undefined field of fields, call or workflow, when a
// declared name is near; "" otherwise.
func (k *checker) fieldSuggestion(id int64, parsed *cel.Ast) string {
	var operand ast.Expr
	var name string
	switch e := findExpr(parsed, id); {
	case e == nil:
		return ""
	case e.Kind() == ast.SelectKind:
		operand, name = e.AsSelect().Operand(), e.AsSelect().FieldName()
	case e.Kind() == ast.CallKind && e.AsCall().FunctionName() == operators.OptSelect && len(e.AsCall().Args()) == 2:
		// fields.?x
		operand = e.AsCall().Args()[0]
		lit := e.AsCall().Args()[1]
		if lit.Kind() != ast.LiteralKind {
			return ""
		}
		s, ok := lit.AsLiteral().(types.String)
		if !ok {
			return ""
		}
		name = string(s)
	default:
		return ""
	}
	if operand.Kind() != ast.IdentKind {
		return ""
	}
	var known []string
	switch operand.AsIdent() {
	case "fields":
		for _, f := range k.w.Env.Fields {
			known = append(known, f.Name)
		}
	case "call":
		for _, f := range celenv.CallFields {
			known = append(known, f.Name)
		}
	case "workflow":
		known = []string{"id"}
	}
	if best := k.suggest.Nearest(name, known); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// enumLiterals reports comparisons of an enum field with a literal that is
// not among its values: fields.urgency == "emergancy".
func (k *checker) enumLiterals(pos *celpos.Expr, checked *cel.Ast) {
	a := checked.NativeRep()
	ast.PreOrderVisit(a.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.CallKind {
			return
		}
		call := e.AsCall()
		args := call.Args()
		switch call.FunctionName() {
		case operators.Equals, operators.NotEquals:
			if len(args) == 2 {
				k.enumLiteral(pos, a, args[0], args[1])
				k.enumLiteral(pos, a, args[1], args[0])
			}
		case operators.In:
			if len(args) == 2 && args[1].Kind() == ast.ListKind {
				for _, el := range args[1].AsList().Elements() {
					k.enumLiteral(pos, a, args[0], el)
				}
			}
			if len(args) == 2 {
				k.enumLiteral(pos, a, args[1], args[0]) // "x" in fields.tags
			}
		}
	}))
}

func (k *checker) enumLiteral(pos *celpos.Expr, a *ast.AST, field, lit ast.Expr) {
	if field.Kind() != ast.SelectKind || lit.Kind() != ast.LiteralKind {
		return
	}
	sel := field.AsSelect()
	if sel.Operand().Kind() != ast.IdentKind || sel.Operand().AsIdent() != "fields" {
		return
	}
	f, ok := k.w.Field(sel.FieldName())
	if !ok {
		return
	}
	elem := f.Type
	if elem == celenv.ListKind {
		elem = f.Items
	}
	if elem != celenv.Enum {
		return
	}
	s, ok := lit.AsLiteral().(types.String)
	if !ok {
		return
	}
	// A set, not a scan of the values: a rule may compare with
	// thousands of literals, and an enum may have thousands of values.
	values, ok := k.enumSets[f.Name]
	if !ok {
		values = make(map[string]bool, len(f.Values))
		for _, v := range f.Values {
			values[v] = true
		}
		if k.enumSets == nil {
			k.enumSets = map[string]map[string]bool{}
		}
		k.enumSets[f.Name] = values
	}
	if values[string(s)] {
		return
	}
	k.c.Add(catalog.CELType.At(pos.NodeRange(a, lit.ID()),
		"%q is not a value of enum field %q, so this comparison can never match%s",
		string(s), f.Name, k.suggestion(string(s), f.Values)))
}

func (k *checker) targets() {
	seen := map[string]bool{}
	for _, t := range k.s.Targets.Items {
		if !t.Set {
			continue
		}
		known := false
		for _, name := range KnownTargets {
			known = known || name == t.Value
		}
		switch {
		case !known:
			k.c.Add(catalog.Schema.At(t.Range(), "unknown target %q%s", t.Value, k.suggestion(t.Value, KnownTargets)))
		case seen[t.Value]:
			k.c.Add(catalog.Schema.At(t.Range(), "target %q is listed twice", t.Value))
		}
		seen[t.Value] = true
	}
}

// platforms checks webhook.platforms: each key is a target of the spec,
// and its auth a mode that platform can produce. Secret references are
// checked by the secret-literal rule, like webhook.secret.
func (k *checker) platforms() {
	for _, e := range k.s.Webhook.Platforms.Entries {
		name := e.Key.Value
		auth, known := workflow.AuthOf(name)
		switch {
		case !known:
			k.c.Add(catalog.Schema.At(e.Key.Range(), "webhook.platforms names an unknown platform %q%s", name, k.suggestion(name, KnownTargets)))
			continue
		case !slices.Contains(k.w.Targets, name):
			k.c.Add(catalog.Schema.At(e.Key.Range(), "webhook.platforms.%s configures a platform that is not a target; add %s to targets or remove this entry", name, name))
			continue
		}
		p := workflow.Platform{Name: name, Auth: e.Value.Auth.Value}
		if a := e.Value.Auth; a.Set && !slices.Contains(auth.Modes, a.Value) {
			k.c.Add(catalog.Schema.At(a.Range(), "%s cannot authenticate with %q%s", name, a.Value, k.suggestion(a.Value, auth.Modes)))
			p.Auth = ""
		}
		if env, ok := strings.CutPrefix(e.Value.Secret.Value, "env:"); ok {
			p.SecretEnv = env
		}
		k.w.Webhook.Platforms = append(k.w.Webhook.Platforms, p)
	}
}

func (k *checker) scenarios() {
	for _, t := range k.s.Tests.Items {
		sc := ir.Scenario{
			Name: t.Name.Value,
			Kind: t.Kind.Value,
			Call: event.Call{
				ID:        t.Call.ID.Value,
				Provider:  t.Call.Provider.Value,
				Status:    t.Call.Status.Value,
				EndReason: t.Call.EndReason.Value,
				Direction: t.Call.Direction.Value,
				StartedAt: t.Call.StartedAt.Value,
				DurationS: t.Call.DurationS.Value,
			},
			From:   t.Call.From.Value,
			To:     t.Call.To.Value,
			Fields: map[string]any{},
			Expect: ir.Expect{NextAction: t.Expect.NextAction.Value, Handoff: t.Expect.Handoff.Value, Severity: t.Expect.Severity.Value},
		}
		for _, e := range t.Fields.Entries {
			sc.Fields[e.Key.Value] = e.Value.Interface()
			sc.FieldOrder = append(sc.FieldOrder, e.Key.Value)
		}
		k.w.Tests = append(k.w.Tests, sc)
	}
}
