package workflow

import (
	"fmt"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/callspec/callspec/runtime/celenv"
	"github.com/callspec/callspec/runtime/celgo"
	"github.com/callspec/callspec/runtime/event"
)

// Compiled is a definition with its expressions compiled once, ready to
// decide many calls concurrently.
type Compiled struct {
	Validator
	env         *celenv.Env
	rules       []expression
	idempotency expression
	// interpretOnly keeps every expression on cel-go's interpreter.
	interpretOnly bool
	// allTranslated is set when no expression needs cel-go's activation.
	allTranslated bool
}

// expression is one compiled expression: translated to Go closures when
// runtime/celgo covers it (every rule of the seed workflows), otherwise a
// cel-go program. Both give the same results; the translation is about
// twenty times faster.
type expression struct {
	fast    celgo.Func
	program cel.Program
}

// eval evaluates the expression for one call; mapAct builds the cel-go
// activation, only when an expression needs it.
func (x *expression) eval(act *celgo.Activation, mapAct func() map[string]any) (any, error) {
	if x.fast != nil {
		return x.fast(act)
	}
	out, _, err := x.program.Eval(mapAct())
	if err != nil {
		return nil, err
	}
	return out.Value(), nil
}

// Compile type-checks and plans every expression of d. It fails only on a
// definition that lint would have refused.
func Compile(d *Definition) (*Compiled, error) { return compile(d, false) }

// CompileInterpreted is Compile with every expression left to cel-go's
// interpreter, the reference the translated expressions are tested
// against.
func CompileInterpreted(d *Definition) (*Compiled, error) { return compile(d, true) }

func compile(d *Definition, interpretOnly bool) (*Compiled, error) {
	env, err := celenv.New(d.CELFields())
	if err != nil {
		return nil, err
	}
	v, err := NewValidator(d)
	if err != nil {
		return nil, err
	}
	c := &Compiled{Validator: *v, env: env, interpretOnly: interpretOnly}
	for _, r := range d.Handoff {
		prg, err := c.program(r.When, cel.BoolType)
		if err != nil {
			return nil, fmt.Errorf("handoff rule %s: %w", r.Reason, err)
		}
		c.rules = append(c.rules, prg)
	}
	key := d.IdempotencyKey
	if key == "" {
		key = DefaultIdempotencyKey
	}
	if c.idempotency, err = c.program(key, cel.StringType); err != nil {
		return nil, fmt.Errorf("idempotency_key: %w", err)
	}
	c.allTranslated = c.idempotency.fast != nil
	for _, r := range c.rules {
		c.allTranslated = c.allTranslated && r.fast != nil
	}
	return c, nil
}

// MustCompile is Compile for generated code, whose definitions passed lint.
func MustCompile(d *Definition) *Compiled {
	c, err := Compile(d)
	if err != nil {
		panic(fmt.Sprintf("callspec: workflow %s does not compile (regenerate it with callspec build): %v", d.ID, err))
	}
	return c
}

func (c *Compiled) program(expr string, want *cel.Type) (expression, error) {
	ast, iss := c.env.CEL.Compile(expr)
	if iss.Err() != nil {
		return expression{}, iss.Err()
	}
	if !ast.OutputType().IsExactType(want) && !ast.OutputType().IsExactType(cel.DynType) {
		return expression{}, fmt.Errorf("%q has type %s, want %s", expr, ast.OutputType(), want)
	}
	// A translated expression has no comprehensions, so its cost is
	// bounded by its size and MaxEvalCost cannot be reached.
	if fast, ok := celgo.Compile(ast); ok && !c.interpretOnly {
		return expression{fast: fast}, nil
	}
	prg, err := c.env.CEL.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(MaxEvalCost))
	return expression{program: prg}, err
}

// MaxEvalCost bounds the work one evaluation of a handoff rule or of the
// idempotency key may do, in cel-go cost units (about one per primitive
// operation). Lint's cel-cost rule already refuses an expression whose
// estimated worst case exceeds a tenth of this; the limit holds when a
// delivery is larger than the estimate assumed (a call metadata string
// longer than celenv.CallStringMaxLength, say). A rule that hits it fails
// closed: the call goes to a person.
const MaxEvalCost = 1_000_000

// Interpreted lists the expressions (a handoff rule's reason, or
// "idempotency_key") that run on cel-go's interpreter because runtime/celgo
// does not translate them; they are correct, only slower.
func (c *Compiled) Interpreted() []string {
	var out []string
	for i, r := range c.rules {
		if r.fast == nil {
			out = append(out, c.def.Handoff[i].Reason)
		}
	}
	if c.idempotency.fast == nil {
		out = append(out, "idempotency_key")
	}
	return out
}

// Definition returns the definition c was compiled from.
func (c *Compiled) Definition() *Definition { return c.def }

// IdempotencyKey evaluates the key expression for a call.
func (c *Compiled) IdempotencyKey(in *event.Inbound) (string, error) {
	if in.Call.ID == "" {
		// Whatever the expression, a key without the call id would merge
		// unrelated calls.
		return "", fmt.Errorf("the delivery has no call id, so it has no idempotency key")
	}
	act, mapAct := c.activation(celenv.Values{}, in)
	out, err := c.idempotency.eval(act, mapAct)
	if err != nil {
		return "", fmt.Errorf("evaluate idempotency_key: %w", err)
	}
	s, ok := out.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("idempotency_key evaluated to an empty or non-text value")
	}
	return string(s), nil
}

// activation returns the variables of one evaluation, and a function that
// builds them as cel-go's map activation (once, on first use).
func (c *Compiled) activation(fields celenv.Values, in *event.Inbound) (*celgo.Activation, func() map[string]any) {
	call := &celenv.Call{
		ID: in.Call.ID, Provider: in.Call.Provider, Status: in.Call.Status, EndReason: in.Call.EndReason,
		Direction: in.Call.Direction, From: in.CallerFrom, To: in.CalledTo, DurationS: in.Call.DurationS,
	}
	if in.Call.StartedAt != "" {
		call.StartedAt, _ = time.Parse(time.RFC3339Nano, in.Call.StartedAt)
	}
	act := &celgo.Activation{Fields: fields, Call: call, WorkflowID: c.def.ID}
	if c.allTranslated {
		return act, nil
	}
	var m map[string]any
	return act, func() map[string]any {
		if m == nil {
			m = celenv.Activation(fields, call.Values(), c.def.ID)
		}
		return m
	}
}

// Decision explains which way a call went, for callspec test and logs.
type Decision struct {
	Event *event.Event
	// Rule is the index of the handoff rule that matched, or -1.
	Rule int
	// FailedClosed is set when the matching rule could not be evaluated
	// (for example it read an optional field the call did not produce).
	FailedClosed bool
	Validated    *Validated
}

// Decide validates the call's fields and evaluates the handoff rules in
// order. The first rule that is true (or that fails to evaluate: the rule
// fails closed) hands the call to a person; a call that misses required
// fields or sent invalid values hands off as incomplete_call before any
// rule runs; otherwise the call completes with the next action.
func (c *Compiled) Decide(in *event.Inbound, idempotencyKey, signatureStatus string) *Decision {
	v := c.Validate(in.Fields)
	ev := &event.Event{
		WorkflowID:      c.def.ID,
		Call:            in.Call,
		Caller:          event.Caller{PhoneE164: in.CallerPhone},
		Fields:          v.JSON,
		IdempotencyKey:  idempotencyKey,
		SignatureStatus: signatureStatus,
	}
	d := &Decision{Event: ev, Rule: -1, Validated: v}
	if !v.OK() {
		ev.Event = event.Handoff
		ev.Handoff = c.incomplete(v)
		return d
	}
	act, mapAct := c.activation(v.CEL, in)
	for i := range c.rules {
		out, err := c.rules[i].eval(act, mapAct)
		matched := err == nil && out == true
		if err != nil {
			d.FailedClosed = true
		}
		if matched || err != nil {
			r := c.def.Handoff[i]
			ev.Event = event.Handoff
			ev.Handoff = &event.HandoffInfo{
				Reason:        r.Reason,
				Severity:      orDefault(r.Severity, DefaultSeverity),
				Owner:         orDefault(r.Owner, c.def.Owner),
				Notify:        nonNil(r.Notify),
				CallerMessage: r.CallerMessage,
			}
			d.Rule = i
			return d
		}
	}
	ev.Event = event.Completed
	ev.NextAction = c.def.NextAction
	return d
}

// incomplete builds the incomplete_call handoff, from the spec's own
// incomplete_call rule when it declares one.
func (c *Compiled) incomplete(v *Validated) *event.HandoffInfo {
	h := &event.HandoffInfo{
		Reason:        event.IncompleteCall,
		Severity:      DefaultSeverity,
		Owner:         c.def.Owner,
		Notify:        []string{},
		CallerMessage: DefaultIncompleteMessage,
		MissingFields: v.Missing,
		InvalidFields: v.Invalid,
	}
	for _, r := range c.def.Handoff {
		if r.Reason == event.IncompleteCall {
			h.Severity = orDefault(r.Severity, DefaultSeverity)
			h.Owner = orDefault(r.Owner, c.def.Owner)
			h.Notify = nonNil(r.Notify)
			h.CallerMessage = orDefault(r.CallerMessage, DefaultIncompleteMessage)
		}
	}
	return h
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
