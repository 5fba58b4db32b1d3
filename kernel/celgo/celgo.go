// Package celgo translates a checked CEL expression into a tree of Go
// closures, so that a handoff rule costs tens of nanoseconds per call
// instead of the microseconds of cel-go's interpreter, which looks every
// variable up through maps of ref.Val and the type provider.
//
// It covers what handoff rules and idempotency keys are made of: literals,
// fields.x / call.x / workflow.id, has(), the comparison, logical and
// conditional operators, `in` over lists, +, size, contains, startsWith,
// endsWith, matches, lowerAscii, upperAscii and timestamp("…") of a
// literal. Compile reports false for anything else (comprehensions,
// optionals, maps, arithmetic but +, dyn-typed operands…), and the caller
// keeps cel-go's program for that expression: translation is an
// optimisation, never a second dialect.
//
// The results follow CEL's semantics, errors included: && and || are
// commutative over errors (false && error is false, true || error is true),
// reading a field the call did not produce is an error, and so is integer
// overflow. TestAgreesWithInterpreter checks this against cel-go on random
// expressions and random values.
package celgo

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"

	"github.com/callspec/callspec/kernel/celenv"
)

// Activation holds the variables of one evaluation.
type Activation struct {
	Fields     celenv.Values
	Call       *celenv.Call
	WorkflowID string
}

// Func evaluates a translated expression. The result is a Go bool,
// string, int64, float64, time.Time or []any, like celenv's values.
type Func func(*Activation) (any, error)

// BoolFunc evaluates a translated boolean expression.
type BoolFunc func(*Activation) (bool, error)

// Compile translates a checked expression. ok is false when the
// expression uses something outside the translated subset.
func Compile(checked *cel.Ast) (fn Func, ok bool) {
	e, ok := translate(checked)
	if !ok {
		return nil, false
	}
	return func(a *Activation) (any, error) {
		v, err := e(a)
		if err != nil {
			return nil, err
		}
		return v.goValue(), nil
	}, true
}

// CompileBool translates a checked expression of type bool.
func CompileBool(checked *cel.Ast) (fn BoolFunc, ok bool) {
	if !checked.OutputType().IsExactType(cel.BoolType) {
		return nil, false
	}
	e, ok := translate(checked)
	if !ok {
		return nil, false
	}
	return func(a *Activation) (bool, error) {
		v, err := e(a)
		return v.b, err
	}, true
}

func translate(checked *cel.Ast) (eval, bool) {
	if !checked.IsChecked() {
		return nil, false
	}
	t := &translator{ast: checked.NativeRep()}
	e := t.expr(t.ast.Expr())
	return e, !t.unsupported
}

// kind is the type of a value in the translated subset.
type kind uint8

const (
	kBool kind = iota + 1
	kInt
	kDouble
	kString
	kTime
	kList
)

// value is one CEL value, unboxed so that evaluation does not allocate.
type value struct {
	k kind
	b bool
	i int64
	f float64
	s string
	t time.Time
	l []any
}

func (v value) goValue() any {
	switch v.k {
	case kBool:
		return v.b
	case kInt:
		return v.i
	case kDouble:
		return v.f
	case kString:
		return v.s
	case kTime:
		return v.t
	case kList:
		return v.l
	}
	return nil
}

// fromGo converts a celenv value; ok is false for a Go type outside the
// subset, which the evaluation reports as an error.
func fromGo(x any) (value, bool) {
	switch y := x.(type) {
	case bool:
		return value{k: kBool, b: y}, true
	case int64:
		return value{k: kInt, i: y}, true
	case float64:
		return value{k: kDouble, f: y}, true
	case string:
		return value{k: kString, s: y}, true
	case time.Time:
		return value{k: kTime, t: y}, true
	case []any:
		return value{k: kList, l: y}, true
	}
	return value{}, false
}

type eval func(*Activation) (value, error)

var (
	errOverflow  = errors.New("integer overflow")
	errNoMatches = errors.New("no such overload")
)

type translator struct {
	ast         *ast.AST
	unsupported bool
}

// fail marks the expression as outside the subset; the returned eval is
// never run.
func (t *translator) fail() eval {
	t.unsupported = true
	return nil
}

// kindOf is the checked type of node e in the subset, or 0.
func (t *translator) kindOf(e ast.Expr) kind {
	typ := t.ast.GetType(e.ID())
	if typ == nil {
		return 0
	}
	if typ.Kind() == types.ListKind {
		if len(typ.Parameters()) == 1 && t.elemKind(typ.Parameters()[0]) != 0 {
			return kList
		}
		return 0
	}
	return t.elemKind(typ)
}

// elemKind is the kind of a scalar type (what a list may hold), or 0.
func (t *translator) elemKind(typ *types.Type) kind {
	switch typ.Kind() {
	case types.BoolKind:
		return kBool
	case types.IntKind:
		return kInt
	case types.DoubleKind:
		return kDouble
	case types.StringKind:
		return kString
	case types.TimestampKind:
		return kTime
	}
	return 0
}

func (t *translator) expr(e ast.Expr) eval {
	if t.unsupported {
		return nil
	}
	if t.kindOf(e) == 0 {
		return t.fail()
	}
	switch e.Kind() {
	case ast.LiteralKind:
		v, ok := literal(e)
		if !ok {
			return t.fail()
		}
		return func(*Activation) (value, error) { return v, nil }
	case ast.SelectKind:
		return t.selectExpr(e)
	case ast.ListKind:
		return t.list(e)
	case ast.CallKind:
		return t.call(e)
	}
	return t.fail()
}

func literal(e ast.Expr) (value, bool) {
	switch v := e.AsLiteral().(type) {
	case types.Bool:
		return value{k: kBool, b: bool(v)}, true
	case types.Int:
		return value{k: kInt, i: int64(v)}, true
	case types.Double:
		return value{k: kDouble, f: float64(v)}, true
	case types.String:
		return value{k: kString, s: string(v)}, true
	}
	return value{}, false
}

// selectExpr reads fields.x, call.x or workflow.id, or tests presence
// (has()).
func (t *translator) selectExpr(e ast.Expr) eval {
	sel := e.AsSelect()
	op := sel.Operand()
	if op.Kind() != ast.IdentKind {
		return t.fail()
	}
	name := sel.FieldName()
	switch op.AsIdent() {
	case "fields":
		if sel.IsTestOnly() {
			return func(a *Activation) (value, error) {
				x, ok := a.Fields[name]
				return value{k: kBool, b: ok && x != nil}, nil
			}
		}
		return func(a *Activation) (value, error) {
			x, ok := a.Fields[name]
			if !ok || x == nil {
				return value{}, fmt.Errorf("no such field %q: the call did not produce it", name)
			}
			v, ok := fromGo(x)
			if !ok {
				return value{}, fmt.Errorf("field %q holds a %T", name, x)
			}
			return v, nil
		}
	case "call":
		get := celenv.CallGetter(name)
		if get == nil {
			return t.fail()
		}
		if sel.IsTestOnly() {
			return func(*Activation) (value, error) { return value{k: kBool, b: true}, nil }
		}
		return func(a *Activation) (value, error) {
			v, _ := fromGo(get(a.Call))
			return v, nil
		}
	case "workflow":
		if name != "id" {
			return t.fail()
		}
		if sel.IsTestOnly() {
			return func(*Activation) (value, error) { return value{k: kBool, b: true}, nil }
		}
		return func(a *Activation) (value, error) { return value{k: kString, s: a.WorkflowID}, nil }
	}
	return t.fail()
}

// list is a list literal; its items are evaluated in order and the first
// error wins, as in cel-go.
func (t *translator) list(e ast.Expr) eval {
	l := e.AsList()
	if len(l.OptionalIndices()) > 0 {
		return t.fail()
	}
	items := make([]eval, len(l.Elements()))
	for i, el := range l.Elements() {
		if t.elemKind(t.ast.GetType(el.ID())) == 0 {
			return t.fail()
		}
		items[i] = t.expr(el)
	}
	return func(a *Activation) (value, error) {
		out := make([]any, len(items))
		for i, item := range items {
			v, err := item(a)
			if err != nil {
				return value{}, err
			}
			out[i] = v.goValue()
		}
		return value{k: kList, l: out}, nil
	}
}

func (t *translator) call(e ast.Expr) eval {
	c := e.AsCall()
	args := c.Args()
	if c.IsMemberFunction() {
		args = append([]ast.Expr{c.Target()}, args...)
	}
	name := c.FunctionName()
	switch {
	case name == operators.LogicalAnd && len(args) == 2:
		return logical(t.expr(args[0]), t.expr(args[1]), false)
	case name == operators.LogicalOr && len(args) == 2:
		return logical(t.expr(args[0]), t.expr(args[1]), true)
	case name == operators.LogicalNot && len(args) == 1:
		x := t.expr(args[0])
		return func(a *Activation) (value, error) {
			v, err := x(a)
			return value{k: kBool, b: !v.b}, err
		}
	case name == operators.Conditional && len(args) == 3:
		cond, yes, no := t.expr(args[0]), t.expr(args[1]), t.expr(args[2])
		return func(a *Activation) (value, error) {
			c, err := cond(a)
			if err != nil {
				return value{}, err
			}
			if c.b {
				return yes(a)
			}
			return no(a)
		}
	case name == operators.Equals && len(args) == 2:
		return t.binary(args, func(x, y value) (value, error) { return boolValue(equal(x, y)), nil })
	case name == operators.NotEquals && len(args) == 2:
		return t.binary(args, func(x, y value) (value, error) { return boolValue(!equal(x, y)), nil })
	case name == operators.Less && len(args) == 2:
		return t.compare(args, func(c int) bool { return c < 0 })
	case name == operators.LessEquals && len(args) == 2:
		return t.compare(args, func(c int) bool { return c <= 0 })
	case name == operators.Greater && len(args) == 2:
		return t.compare(args, func(c int) bool { return c > 0 })
	case name == operators.GreaterEquals && len(args) == 2:
		return t.compare(args, func(c int) bool { return c >= 0 })
	case name == operators.In && len(args) == 2:
		if t.kindOf(args[1]) != kList {
			return t.fail()
		}
		return t.binary(args, func(x, list value) (value, error) {
			for _, item := range list.l {
				if y, ok := fromGo(item); ok && equal(x, y) {
					return boolValue(true), nil
				}
			}
			return boolValue(false), nil
		})
	case name == operators.Add && len(args) == 2:
		return t.add(args)
	case name == overloads.Size && len(args) == 1:
		return t.unary(args[0], func(v value) (value, error) {
			switch v.k {
			case kString:
				return value{k: kInt, i: int64(utf8.RuneCountInString(v.s))}, nil
			case kList:
				return value{k: kInt, i: int64(len(v.l))}, nil
			}
			return value{}, errNoMatches
		})
	case (name == overloads.Contains || name == overloads.StartsWith || name == overloads.EndsWith) && len(args) == 2 && c.IsMemberFunction():
		test := map[string]func(string, string) bool{
			overloads.Contains: strings.Contains, overloads.StartsWith: strings.HasPrefix, overloads.EndsWith: strings.HasSuffix,
		}[name]
		return t.stringPair(args, func(s, sub string) value { return boolValue(test(s, sub)) })
	case name == overloads.Matches && len(args) == 2:
		return t.matches(args)
	case (name == "lowerAscii" || name == "upperAscii") && len(args) == 1 && c.IsMemberFunction():
		conv := asciiLower
		if name == "upperAscii" {
			conv = asciiUpper
		}
		return t.unary(args[0], func(v value) (value, error) { return value{k: kString, s: conv(v.s)}, nil })
	case name == overloads.TypeConvertTimestamp && len(args) == 1 && args[0].Kind() == ast.LiteralKind:
		v, ok := literal(args[0])
		if !ok || v.k != kString {
			return t.fail()
		}
		ts, err := time.Parse(time.RFC3339, v.s)
		if err != nil {
			return t.fail()
		}
		return func(*Activation) (value, error) { return value{k: kTime, t: ts.UTC()}, nil }
	}
	return t.fail()
}

func boolValue(b bool) value { return value{k: kBool, b: b} }

// logical is && (stop on false) and || (stop on true): the first operand
// that is decisive wins, whichever errors the other one has.
func logical(x, y eval, decisive bool) eval {
	if x == nil || y == nil {
		return nil
	}
	return func(a *Activation) (value, error) {
		l, lerr := x(a)
		if lerr == nil && l.b == decisive {
			return boolValue(decisive), nil
		}
		r, rerr := y(a)
		if rerr == nil && r.b == decisive {
			return boolValue(decisive), nil
		}
		if lerr != nil {
			return value{}, lerr
		}
		if rerr != nil {
			return value{}, rerr
		}
		return boolValue(!decisive), nil
	}
}

func (t *translator) unary(arg ast.Expr, op func(value) (value, error)) eval {
	x := t.expr(arg)
	return func(a *Activation) (value, error) {
		v, err := x(a)
		if err != nil {
			return value{}, err
		}
		return op(v)
	}
}

func (t *translator) binary(args []ast.Expr, op func(x, y value) (value, error)) eval {
	x, y := t.expr(args[0]), t.expr(args[1])
	return func(a *Activation) (value, error) {
		l, err := x(a)
		if err != nil {
			return value{}, err
		}
		r, err := y(a)
		if err != nil {
			return value{}, err
		}
		return op(l, r)
	}
}

func (t *translator) compare(args []ast.Expr, test func(int) bool) eval {
	lk, rk := t.kindOf(args[0]), t.kindOf(args[1])
	if lk == kList || rk == kList {
		return t.fail()
	}
	return t.binary(args, func(x, y value) (value, error) {
		c, ok := compare(x, y)
		if !ok {
			return value{}, errNoMatches
		}
		return boolValue(c != unordered && test(c)), nil
	})
}

func (t *translator) stringPair(args []ast.Expr, op func(s, arg string) value) eval {
	if t.kindOf(args[0]) != kString || t.kindOf(args[1]) != kString {
		return t.fail()
	}
	return t.binary(args, func(x, y value) (value, error) { return op(x.s, y.s), nil })
}

// matches compiles a literal pattern once (lint has checked it); a
// pattern computed at run time stays with the interpreter.
func (t *translator) matches(args []ast.Expr) eval {
	if args[1].Kind() != ast.LiteralKind || t.kindOf(args[0]) != kString {
		return t.fail()
	}
	p, ok := literal(args[1])
	if !ok || p.k != kString {
		return t.fail()
	}
	re, err := regexp.Compile(p.s)
	if err != nil {
		return t.fail()
	}
	return t.unary(args[0], func(v value) (value, error) { return boolValue(re.MatchString(v.s)), nil })
}

func (t *translator) add(args []ast.Expr) eval {
	lk, rk := t.kindOf(args[0]), t.kindOf(args[1])
	switch {
	case lk == kString && rk == kString:
		return t.binary(args, func(x, y value) (value, error) { return value{k: kString, s: x.s + y.s}, nil })
	case lk == kInt && rk == kInt:
		return t.binary(args, func(x, y value) (value, error) {
			s := x.i + y.i
			if (s > x.i) != (y.i > 0) {
				return value{}, errOverflow
			}
			return value{k: kInt, i: s}, nil
		})
	case lk == kDouble && rk == kDouble:
		return t.binary(args, func(x, y value) (value, error) { return value{k: kDouble, f: x.f + y.f}, nil })
	}
	return t.fail()
}

// equal is CEL's == on two values of the subset: numbers compare across
// int and double, lists item by item, other kinds only with their own.
func equal(x, y value) bool {
	if x.k == kList && y.k == kList {
		if len(x.l) != len(y.l) {
			return false
		}
		for i := range x.l {
			a, ok1 := fromGo(x.l[i])
			b, ok2 := fromGo(y.l[i])
			if !ok1 || !ok2 || !equal(a, b) {
				return false
			}
		}
		return true
	}
	c, ok := compare(x, y)
	return ok && c == 0
}

// unordered is what compare returns for NaN, which is neither less than,
// equal to nor greater than anything: every ordering test is false.
const unordered = 2

// compare orders two values; ok is false when CEL has no ordering for
// them.
func compare(x, y value) (c int, ok bool) {
	switch {
	case x.k == kInt && y.k == kInt:
		return cmp3(x.i < y.i, x.i > y.i), true
	case isNum(x.k) && isNum(y.k):
		return compareNumbers(x, y)
	case x.k != y.k:
		return 0, false
	case x.k == kString:
		return strings.Compare(x.s, y.s), true
	case x.k == kBool:
		return cmp3(!x.b && y.b, x.b && !y.b), true
	case x.k == kTime:
		return x.t.Compare(y.t), true
	}
	return 0, false
}

func isNum(k kind) bool { return k == kInt || k == kDouble }

// compareNumbers compares int with double exactly, as cel-go does: an int
// is compared with the double's integer part when the double is in range.
func compareNumbers(x, y value) (int, bool) {
	switch {
	case x.k == kDouble && y.k == kDouble:
		if math.IsNaN(x.f) || math.IsNaN(y.f) {
			return unordered, true
		}
		return cmp3(x.f < y.f, x.f > y.f), true
	case x.k == kInt:
		c, ok := compareDoubleInt(y.f, x.i)
		if c == unordered {
			return c, ok
		}
		return -c, ok
	default:
		return compareDoubleInt(x.f, y.i)
	}
}

func compareDoubleInt(d float64, i int64) (int, bool) {
	switch {
	case math.IsNaN(d):
		return unordered, true
	case d < math.MinInt64:
		return -1, true
	case d >= math.MaxInt64:
		return 1, true
	}
	t := math.Trunc(d)
	if c := cmp3(int64(t) < i, int64(t) > i); c != 0 {
		return c, true
	}
	return cmp3(d < t, d > t), true
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - ('a' - 'A')
		}
		return r
	}, s)
}
