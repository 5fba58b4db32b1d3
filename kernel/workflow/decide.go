package workflow

import (
	"fmt"
	"strings"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/celgo"
	"github.com/callspec/callspec/kernel/event"
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
// kernel/celgo covers it (every rule of the seed workflows), otherwise a
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

// CompileChecked is Compile for a definition whose expressions lint has
// already type-checked in env (declared from the same fields): rules[i] is
// the checked `when` of d.Handoff[i] and key the checked idempotency key,
// nil to compile from the text. It spares lint and callspec test a
// second parse and check of every expression.
func CompileChecked(d *Definition, env *celenv.Env, rules []*cel.Ast, key *cel.Ast) (*Compiled, error) {
	if len(rules) != len(d.Handoff) {
		return nil, fmt.Errorf("%d checked rules for %d handoff rules", len(rules), len(d.Handoff))
	}
	return compileWith(d, env, rules, key, false)
}

func compile(d *Definition, interpretOnly bool) (*Compiled, error) {
	env, err := celenv.New(d.CELFields())
	if err != nil {
		return nil, err
	}
	return compileWith(d, env, make([]*cel.Ast, len(d.Handoff)), nil, interpretOnly)
}

func compileWith(d *Definition, env *celenv.Env, checked []*cel.Ast, checkedKey *cel.Ast, interpretOnly bool) (*Compiled, error) {
	v, err := NewValidator(d)
	if err != nil {
		return nil, err
	}
	c := &Compiled{Validator: *v, env: env, interpretOnly: interpretOnly}
	for i, r := range d.Handoff {
		prg, err := c.program(r.When, checked[i], cel.BoolType)
		if err != nil {
			return nil, fmt.Errorf("handoff rule %s: %w", r.Reason, err)
		}
		c.rules = append(c.rules, prg)
	}
	key := d.IdempotencyKey
	if key == "" {
		key, checkedKey = DefaultIdempotencyKey, nil
	}
	if c.idempotency, err = c.program(key, checkedKey, cel.StringType); err != nil {
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

// program plans expr, from its checked form when there is one.
func (c *Compiled) program(expr string, ast *cel.Ast, want *cel.Type) (expression, error) {
	if ast == nil {
		var iss *cel.Issues
		if ast, iss = c.env.Compile(expr); iss.Err() != nil {
			return expression{}, iss.Err()
		}
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
// longer than celenv.CallStringMaxLength, say). A rule that hits it is
// undecided: unless a later rule is true, the call goes to a person as
// incomplete_call.
const MaxEvalCost = 1_000_000

// Interpreted lists the expressions (a handoff rule's reason, or
// "idempotency_key") that run on cel-go's interpreter because kernel/celgo
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

// Step is the step of the decision order that decided a call (see
// Decide).
type Step int

// The steps, in order.
const (
	// StepCallEnded: the platform says the call failed or was never
	// answered.
	StepCallEnded Step = 1 + iota
	// StepRule: a handoff rule was true.
	StepRule
	// StepIncomplete: no rule was true, and a required field is missing
	// or invalid, or a rule could not be decided.
	StepIncomplete
	// StepCompleted: the call completes with the next action.
	StepCompleted
)

// Decision explains which way a call went, for callspec test and logs.
type Decision struct {
	Event *event.Event
	// Step is the step of the order that decided.
	Step Step
	// Rule is the index of the handoff rule that was true, or -1.
	Rule int
	// Undecided are the indexes of the rules that could not be decided
	// (they read a value the call did not produce), in order; a rule
	// after the one that was true is not evaluated.
	Undecided []int
	Validated *Validated
}

// CallEnded returns the handoff reason of a call that the platform says
// failed (call_failed) or was never answered (no_answer: no answer,
// busy, declined, voicemail), from the canonical call.status and
// call.end_reason the adapters map (providers/internal/payload, tables in
// the providers package documentation); "" for any other call.
func CallEnded(c event.Call) string {
	switch c.Status {
	case "failed":
		return event.CallFailed
	case "no_answer", "busy", "voicemail":
		return event.NoAnswer
	}
	switch c.EndReason {
	case "error", "dial_failed":
		return event.CallFailed
	case "no_answer", "busy", "declined", "voicemail":
		return event.NoAnswer
	}
	return ""
}

// Decide turns one call into exactly one event, in the order every part
// of callspec shares (the handler, callspec test and the docs page):
//
//  1. the platform says the call failed or was never answered: a handoff
//     with reason call_failed or no_answer;
//  2. the handoff rules, in order, over the values that are present: the
//     first rule that is true decides, even when the call is also
//     incomplete. A rule that reads a missing value is undecided, unless
//     CEL decides it anyway (a || b with a true is true);
//  3. no rule is true, and a required field is missing or invalid, or a
//     rule was undecided: incomplete_call;
//  4. otherwise the call completes with the next action.
//
// Every handoff lists the missing and invalid fields and the undecided
// rules.
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
	if reason := CallEnded(in.Call); reason != "" {
		d.Step = StepCallEnded
		c.handoff(d, c.def.BuiltinHandoff(reason))
		return d
	}
	act, mapAct := c.activation(v.CEL, in)
	for i := range c.rules {
		out, err := c.rules[i].eval(act, mapAct)
		if err != nil {
			d.Undecided = append(d.Undecided, i)
			continue
		}
		if out == true {
			r := c.def.Handoff[i]
			d.Step, d.Rule = StepRule, i
			c.handoff(d, &event.HandoffInfo{
				Reason:        r.Reason,
				Severity:      orDefault(r.Severity, DefaultSeverity),
				Owner:         orDefault(r.Owner, c.def.Owner),
				Notify:        nonNil(r.Notify),
				CallerMessage: r.CallerMessage,
			})
			return d
		}
	}
	if !v.OK() || len(d.Undecided) > 0 {
		d.Step = StepIncomplete
		c.handoff(d, c.def.BuiltinHandoff(event.IncompleteCall))
		return d
	}
	d.Step = StepCompleted
	ev.Event = event.Completed
	ev.NextAction = c.def.NextAction
	return d
}

// handoff makes d's event a handoff with h, listing what the call lacked.
func (c *Compiled) handoff(d *Decision, h *event.HandoffInfo) {
	h.MissingFields = nonNil(d.Validated.Missing)
	h.InvalidFields = d.Validated.Invalid
	if h.InvalidFields == nil {
		h.InvalidFields = []event.FieldProblem{}
	}
	h.UndecidedRules = make([]string, len(d.Undecided))
	for i, r := range d.Undecided {
		h.UndecidedRules[i] = c.def.Handoff[r].Reason
	}
	d.Event.Event = event.Handoff
	d.Event.Handoff = h
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

// Summary says in words what a step of the order means; the docs page
// lists the steps with it and callspec test explains a decision with it.
func (s Step) Summary() string {
	switch s {
	case StepCallEnded:
		return "The platform says the call failed or was never answered (an error, no answer, busy, declined, voicemail): a handoff with reason call_failed or no_answer."
	case StepRule:
		return "The handoff rules, in order, over the values the call produced: the first rule that is true decides, even when the call is also incomplete."
	case StepIncomplete:
		return "No rule is true, and a required field is missing or invalid, or a rule could not be decided because it reads a value the call did not produce: a handoff with reason incomplete_call."
	case StepCompleted:
		return "Otherwise the call completes with the next action."
	}
	return ""
}

// Explain says why d went the way it did, naming the step of the order
// (for callspec test's failure messages and logs). It names fields and
// rules, never values.
func (d *Decision) Explain(def *Definition) string {
	step := fmt.Sprintf("step %d of the decision order: ", d.Step)
	ev := d.Event
	switch d.Step {
	case StepCallEnded:
		what := "call.status is " + ev.Call.Status
		if CallEnded(event.Call{Status: ev.Call.Status}) == "" {
			what = "call.end_reason is " + ev.Call.EndReason
		}
		return step + "the platform says the call did not take place (" + what + "), so no rule was evaluated"
	case StepRule:
		r := def.Handoff[d.Rule]
		s := fmt.Sprintf("handoff rule %d (%s, `%s`) is true", d.Rule+1, r.Reason, r.When)
		if lacks := d.lacks(def); lacks != "" {
			s += "; it decides although " + lacks
		}
		return step + s
	case StepIncomplete:
		return step + "no handoff rule is true, and " + d.lacks(def)
	case StepCompleted:
		return step + "no handoff rule is true and every required field is present and valid"
	}
	return ""
}

// lacks lists what makes the call incomplete, or "".
func (d *Decision) lacks(def *Definition) string {
	var parts []string
	v := d.Validated
	if len(v.Missing) > 0 {
		parts = append(parts, "required "+plural(len(v.Missing), "field ", "fields ")+strings.Join(v.Missing, ", ")+" "+plural(len(v.Missing), "is", "are")+" missing")
	}
	for _, p := range v.Invalid {
		parts = append(parts, "required field "+p.Field+" is invalid ("+p.Reason+")")
	}
	if len(d.Undecided) > 0 {
		names := make([]string, len(d.Undecided))
		for i, r := range d.Undecided {
			names[i] = fmt.Sprintf("%d (%s)", r+1, def.Handoff[r].Reason)
		}
		parts = append(parts, plural(len(names), "rule ", "rules ")+strings.Join(names, ", ")+" could not be decided because "+plural(len(names), "it reads", "they read")+" a value the call did not produce")
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
