package workflow

import (
	"fmt"
	"regexp"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/callspec/callspec/runtime/celenv"
	"github.com/callspec/callspec/runtime/event"
)

// Compiled is a definition with its expressions compiled once, ready to
// decide many calls concurrently.
type Compiled struct {
	def         *Definition
	env         *celenv.Env
	rules       []cel.Program
	idempotency cel.Program
	patterns    map[string]*regexp.Regexp
}

// Compile type-checks and plans every expression of d. It fails only on a
// definition that lint would have refused.
func Compile(d *Definition) (*Compiled, error) {
	env, err := celenv.New(d.CELFields())
	if err != nil {
		return nil, err
	}
	c := &Compiled{def: d, env: env, patterns: map[string]*regexp.Regexp{}}
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
	for _, f := range d.Fields {
		if f.Pattern == "" {
			continue
		}
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			return nil, fmt.Errorf("field %s: pattern: %w", f.Name, err)
		}
		c.patterns[f.Name] = re
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

func (c *Compiled) program(expr string, want *cel.Type) (cel.Program, error) {
	ast, iss := c.env.CEL.Compile(expr)
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	if !ast.OutputType().IsExactType(want) && !ast.OutputType().IsExactType(cel.DynType) {
		return nil, fmt.Errorf("%q has type %s, want %s", expr, ast.OutputType(), want)
	}
	return c.env.CEL.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(MaxEvalCost))
}

// MaxEvalCost bounds the work one evaluation of a handoff rule or of the
// idempotency key may do, in cel-go cost units (about one per primitive
// operation). Lint's cel-cost rule already refuses an expression whose
// estimated worst case exceeds a tenth of this; the limit holds when a
// delivery is larger than the estimate assumed (a call metadata string
// longer than celenv.CallStringMaxLength, say). A rule that hits it fails
// closed: the call goes to a person.
const MaxEvalCost = 1_000_000

// Definition returns the definition c was compiled from.
func (c *Compiled) Definition() *Definition { return c.def }

// IdempotencyKey evaluates the key expression for a call.
func (c *Compiled) IdempotencyKey(in *event.Inbound) (string, error) {
	if in.Call.ID == "" {
		// Whatever the expression, a key without the call id would merge
		// unrelated calls.
		return "", fmt.Errorf("the delivery has no call id, so it has no idempotency key")
	}
	out, _, err := c.idempotency.Eval(c.activation(celenv.Values{}, in))
	if err != nil {
		return "", fmt.Errorf("evaluate idempotency_key: %w", err)
	}
	s, ok := out.(types.String)
	if !ok || s == "" {
		return "", fmt.Errorf("idempotency_key evaluated to an empty or non-text value")
	}
	return string(s), nil
}

func (c *Compiled) activation(fields celenv.Values, in *event.Inbound) map[string]any {
	var started time.Time
	if in.Call.StartedAt != "" {
		started, _ = time.Parse(time.RFC3339Nano, in.Call.StartedAt)
	}
	call := celenv.CallValues(in.Call.ID, in.Call.Provider, in.Call.Status, in.Call.EndReason,
		in.Call.Direction, in.CallerFrom, in.CalledTo, started, in.Call.DurationS)
	return celenv.Activation(fields, call, c.def.ID)
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
	act := c.activation(v.CEL, in)
	for i, prg := range c.rules {
		out, _, err := prg.Eval(act)
		matched := err == nil && out == types.True
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
