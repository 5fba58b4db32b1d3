// Package words says a handoff rule's condition in plain words, for the
// docs page (Markdown) and the agent prompts of the platform configs
// (plain text), so both say the same thing.
package words

import (
	"math"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
)

// Style is how text and code come out.
type Style int

// Styles.
const (
	// Markdown escapes text for a Markdown page (&, < and > as entities)
	// and shows code as code spans.
	Markdown Style = iota
	// Plain leaves text as it is, for a prompt that is a JSON string;
	// code is still shown in backquotes, which language models read as
	// code.
	Plain
)

// Condition renders a handoff rule's `when` in plain words, walking the
// checked expression: `fields.urgency == "emergency" || fields.issue_type
// == "electrical"` becomes "urgency is emergency or issue type is
// electrical". Shapes it does not know are shown as code, part by part, so
// a reader never sees a claim the expression does not make.
func Condition(w *ir.Workflow, r *ir.HandoffRule, st Style) string {
	if r.Checked == nil {
		return Code(r.When)
	}
	a := r.Checked.NativeRep()
	x := &words{w: w, a: a, style: st}
	s, _ := x.cond(a.Expr())
	if x.unprintable {
		// A part could be neither said nor printed on its own (macros such
		// as exists() are not kept for printing); show the whole rule.
		return Code(r.When)
	}
	return s
}

// MarkdownText is s with its white space collapsed and &, < and > written
// as entities, so Markdown shows it as text.
func MarkdownText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return markupEscaper.Replace(s)
}

// markupEscaper is built once: a Replacer builds its lookup tables on first
// use, which cost more than the replacing on every call of MarkdownText.
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (x *words) text(s string) string {
	if x.style == Markdown {
		return MarkdownText(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

type words struct {
	w *ir.Workflow
	a *ast.AST
	// unprintable is set when a part could not be printed as code.
	unprintable bool
	style       Style
}

// Precedence of a rendered condition, so that "and" inside "or" (and the
// other way round) gets parentheses.
const (
	atom = iota
	andChain
	orChain
)

// Code is s as a Markdown code span, where HTML is text: the fence is one
// backquote longer than the longest run of backquotes in s, so s cannot
// end the span early (CommonMark 6.1).
func Code(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " " // one space each side is stripped again
	}
	fence := strings.Repeat("`", longest+1)
	return fence + s + fence
}

// asCode shows e as CEL source.
func (x *words) asCode(e ast.Expr) string {
	s, err := parser.Unparse(e, x.a.SourceInfo())
	if err != nil {
		x.unprintable = true
		return ""
	}
	return Code(s)
}

func (x *words) cond(e ast.Expr) (string, int) {
	switch e.Kind() {
	case ast.LiteralKind:
		switch e.AsLiteral() {
		case types.True:
			return "every call", atom
		case types.False:
			return "never", atom
		}
	case ast.SelectKind:
		if s, ok := x.presence(e, false); ok {
			return s, atom
		}
		if s, ok := x.boolSubject(e, true); ok {
			return s, atom
		}
	case ast.CallKind:
		if s, prec, ok := x.call(e); ok {
			return s, prec
		}
	}
	return x.asCode(e), atom
}

func (x *words) call(e ast.Expr) (string, int, bool) {
	c := e.AsCall()
	args := c.Args()
	switch c.FunctionName() {
	case operators.LogicalAnd:
		s, prec := x.chain(e, operators.LogicalAnd, " and ", andChain)
		return s, prec, true
	case operators.LogicalOr:
		s, prec := x.chain(e, operators.LogicalOr, " or ", orChain)
		return s, prec, true
	case operators.LogicalNot:
		if len(args) == 1 {
			if s, ok := x.negated(args[0]); ok {
				return s, atom, true
			}
			inner, _ := x.cond(args[0])
			return "not (" + inner + ")", atom, true
		}
	case operators.Equals, operators.NotEquals, operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		if s, ok := x.compare(c.FunctionName(), args); ok {
			return s, atom, true
		}
	case operators.In:
		if s, ok := x.in(args, false); ok {
			return s, atom, true
		}
	case "contains", "startsWith", "endsWith", "matches":
		if s, ok := x.stringTest(c, false); ok {
			return s, atom, true
		}
	}
	return "", atom, false
}

// chain renders a run of the same logical operator. In an "and", a
// has(fields.x) guard next to a test that reads fields.x says nothing a
// reader needs ("income was given and income is below 30,000"), so it is
// left out. A chain that comes down to one operand takes that operand's
// precedence.
func (x *words) chain(e ast.Expr, op, sep string, prec int) (string, int) {
	var operands []ast.Expr
	var flatten func(ast.Expr)
	flatten = func(e ast.Expr) {
		if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == op {
			for _, a := range e.AsCall().Args() {
				flatten(a)
			}
			return
		}
		operands = append(operands, e)
	}
	flatten(e)
	if op == operators.LogicalAnd {
		read := map[string]bool{}
		for _, o := range operands {
			if _, guard := presenceField(o); !guard {
				for name := range fieldsRead(o) {
					read[name] = true
				}
			}
		}
		kept := operands[:0:0]
		for _, o := range operands {
			if name, guard := presenceField(o); guard && read[name] {
				continue
			}
			kept = append(kept, o)
		}
		operands = kept
	}
	if len(operands) == 1 {
		return x.cond(operands[0])
	}
	parts := make([]string, len(operands))
	for i, o := range operands {
		s, p := x.cond(o)
		if p != atom && p != prec {
			s = "(" + s + ")"
		}
		parts[i] = s
	}
	return strings.Join(parts, sep), prec
}

// presenceField returns x for has(fields.x).
func presenceField(e ast.Expr) (string, bool) {
	if e.Kind() != ast.SelectKind || !e.AsSelect().IsTestOnly() {
		return "", false
	}
	op := e.AsSelect().Operand()
	if op.Kind() != ast.IdentKind || op.AsIdent() != "fields" {
		return "", false
	}
	return e.AsSelect().FieldName(), true
}

// fieldsRead names the fields an expression reads (not just tests), by
// the walk the rules use (celenv.ForEachChild): a comprehension variable
// named fields is not the workflow's fields.
func fieldsRead(e ast.Expr) map[string]bool {
	out := map[string]bool{}
	var walk func(e ast.Expr, shadowed bool)
	walk = func(e ast.Expr, shadowed bool) {
		if r, ok := celenv.AsFieldRead(e, shadowed); ok && !r.TestOnly {
			out[r.Name] = true
		}
		celenv.ForEachChild(e, shadowed, walk)
	}
	walk(e, false)
	return out
}

// negated renders !e for the shapes that have a natural negative.
func (x *words) negated(e ast.Expr) (string, bool) {
	switch e.Kind() {
	case ast.SelectKind:
		if s, ok := x.presence(e, true); ok {
			return s, true
		}
		return x.boolSubject(e, false)
	case ast.CallKind:
		c := e.AsCall()
		switch c.FunctionName() {
		case operators.Equals:
			return x.compare(operators.NotEquals, c.Args())
		case operators.NotEquals:
			return x.compare(operators.Equals, c.Args())
		case operators.In:
			return x.in(c.Args(), true)
		case "contains", "startsWith", "endsWith", "matches":
			return x.stringTest(c, true)
		}
	}
	return "", false
}

func (x *words) presence(e ast.Expr, negate bool) (string, bool) {
	name, ok := presenceField(e)
	if !ok {
		return "", false
	}
	if negate {
		return Human(name) + " was not given", true
	}
	return Human(name) + " was given", true
}

// boolSubject renders a boolean field read on its own: "immediate danger
// is true".
func (x *words) boolSubject(e ast.Expr, want bool) (string, bool) {
	subj, _, ok := x.subject(e)
	if !ok || !x.a.GetType(e.ID()).IsExactType(types.BoolType) {
		return "", false
	}
	return subj + " is " + strconv.FormatBool(want), true
}

// callWords name the call object's fields for a reader.
var callWords = map[string]string{
	"id":         "call id",
	"provider":   "platform",
	"status":     "call status",
	"end_reason": "end reason",
	"direction":  "call direction",
	"from":       "caller number",
	"to":         "called number",
	"started_at": "call start time",
	"duration_s": "call length in seconds",
}

// subject names what an expression reads: a field, a call attribute or
// the workflow id. The field is returned so literals compared with an
// enum field can be written as words.
func (x *words) subject(e ast.Expr) (string, *ir.Field, bool) {
	if e.Kind() != ast.SelectKind || e.AsSelect().IsTestOnly() {
		return "", nil, false
	}
	sel := e.AsSelect()
	if sel.Operand().Kind() != ast.IdentKind {
		return "", nil, false
	}
	name := sel.FieldName()
	switch sel.Operand().AsIdent() {
	case "fields":
		f, ok := x.w.Field(name)
		if !ok {
			return "", nil, false
		}
		return Human(name), f, true
	case "call":
		if s, ok := callWords[name]; ok {
			return s, nil, true
		}
	case "workflow":
		if name == "id" {
			return "workflow id", nil, true
		}
	}
	return "", nil, false
}

// literal renders a constant; values of an enum field read as words.
func (x *words) literal(e ast.Expr, f *ir.Field) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	switch v := e.AsLiteral().(type) {
	case types.String:
		if f != nil && workflow.ValuesApply(f.Elem()) {
			return x.text(Human(string(v))), true
		}
		return x.text(strconv.Quote(string(v))), true
	case types.Bool:
		return strconv.FormatBool(bool(v)), true
	case types.Int:
		return GroupDigits(strconv.FormatInt(int64(v), 10)), true
	case types.Uint:
		return GroupDigits(strconv.FormatUint(uint64(v), 10)), true
	case types.Double:
		f := float64(v)
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return GroupDigits(strconv.FormatFloat(f, 'f', 0, 64)), true
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}

// GroupDigits writes 30000 as 30,000 and 250000.5 as 250,000.5;
// four-digit numbers (years, codes) stay as they are.
func GroupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	s, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac {
		frac = "." + frac
	}
	if len(s) <= 4 {
		return sign + s + frac
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}

var comparisonWords = map[string]string{
	operators.Equals:        "is",
	operators.NotEquals:     "is not",
	operators.Less:          "is below",
	operators.LessEquals:    "is at most",
	operators.Greater:       "is above",
	operators.GreaterEquals: "is at least",
}

// flipped is the operator with its operands swapped: 5 < x is x > 5.
var flipped = map[string]string{
	operators.Equals:        operators.Equals,
	operators.NotEquals:     operators.NotEquals,
	operators.Less:          operators.Greater,
	operators.LessEquals:    operators.GreaterEquals,
	operators.Greater:       operators.Less,
	operators.GreaterEquals: operators.LessEquals,
}

func (x *words) compare(op string, args []ast.Expr) (string, bool) {
	if len(args) != 2 {
		return "", false
	}
	lhs, rhs := args[0], args[1]
	if lhs.Kind() == ast.LiteralKind {
		lhs, rhs, op = rhs, lhs, flipped[op]
	}
	subj, f, ok := x.subject(lhs)
	if !ok {
		return "", false
	}
	val, ok := x.literal(rhs, f)
	if !ok {
		return "", false
	}
	return subj + " " + comparisonWords[op] + " " + val, true
}

// in renders `fields.x in ["a", "b"]` ("x is a or b") and `"a" in
// fields.tags` ("tags includes a").
func (x *words) in(args []ast.Expr, negate bool) (string, bool) {
	if len(args) != 2 {
		return "", false
	}
	if subj, f, ok := x.subject(args[0]); ok && args[1].Kind() == ast.ListKind {
		elems := args[1].AsList().Elements()
		if len(elems) == 0 || len(args[1].AsList().OptionalIndices()) > 0 {
			return "", false
		}
		vals := make([]string, len(elems))
		for i, el := range elems {
			v, ok := x.literal(el, f)
			if !ok {
				return "", false
			}
			vals[i] = v
		}
		if negate {
			if len(vals) == 1 {
				return subj + " is not " + vals[0], true
			}
			if len(vals) == 2 {
				return subj + " is neither " + vals[0] + " nor " + vals[1], true
			}
			return subj + " is none of " + orList(vals), true
		}
		return subj + " is " + orList(vals), true
	}
	if subj, f, ok := x.subject(args[1]); ok && f != nil && f.Type == celenv.ListKind {
		v, ok := x.literal(args[0], f)
		if !ok {
			return "", false
		}
		if negate {
			return subj + " does not include " + v, true
		}
		return subj + " includes " + v, true
	}
	return "", false
}

func orList(vals []string) string {
	if len(vals) == 1 {
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

var stringTestWords = map[string][2]string{
	"contains":   {"contains", "does not contain"},
	"startsWith": {"starts with", "does not start with"},
	"endsWith":   {"ends with", "does not end with"},
	"matches":    {"matches the pattern", "does not match the pattern"},
}

func (x *words) stringTest(c ast.CallExpr, negate bool) (string, bool) {
	if !c.IsMemberFunction() || len(c.Args()) != 1 {
		return "", false
	}
	subj, _, ok := x.subject(c.Target())
	if !ok || c.Args()[0].Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := c.Args()[0].AsLiteral().(types.String)
	if !ok {
		return "", false
	}
	verb := stringTestWords[c.FunctionName()][0]
	if negate {
		verb = stringTestWords[c.FunctionName()][1]
	}
	val := x.text(strconv.Quote(string(s)))
	if c.FunctionName() == "matches" {
		val = Code(string(s))
	}
	return subj + " " + verb + " " + val, true
}

// Human writes an identifier as words: issue_type → issue type.
func Human(id string) string {
	return strings.ReplaceAll(id, "_", " ")
}
