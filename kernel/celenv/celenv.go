// Package celenv builds the typed CEL environment that handoff rules and
// idempotency keys are checked in at lint time and evaluated in at run time.
//
// Variables:
//
//	fields    callspec.Fields, an object type with one field per declared
//	          field: text, phone, email, enum and date → string; number →
//	          double; integer → int; boolean → bool; datetime →
//	          google.protobuf.Timestamp; list → list(<item type>).
//	call      callspec.Call: id, provider, status, end_reason, direction,
//	          from, to (string), started_at (timestamp), duration_s (int).
//	workflow  callspec.Workflow: id (string).
//
// Numbers compare across int and double (fields.income > 50000 type-checks).
// Dates are ISO 8601 "YYYY-MM-DD" strings, which compare correctly as text.
// The strings extension (lowerAscii, split, …) and optional types
// (fields.?notes.orValue("")) are available.
//
// At run time a field that the call did not produce is absent from the
// fields object: has(fields.x) is false, and reading it is an error, which
// the handler treats as "a person must look at this call".
package celenv

import (
	"fmt"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
)

// Kind is a field type as written in a spec.
type Kind string

// The field types of format version 1.
const (
	Text     Kind = "text"
	Number   Kind = "number"
	Integer  Kind = "integer"
	Boolean  Kind = "boolean"
	Enum     Kind = "enum"
	Phone    Kind = "phone"
	Email    Kind = "email"
	Date     Kind = "date"
	DateTime Kind = "datetime"
	ListKind Kind = "list"
)

// Kinds lists every field type, in documentation order.
var Kinds = []Kind{Text, Number, Integer, Boolean, Enum, Phone, Email, Date, DateTime, ListKind}

// ItemKinds lists the types a list may hold.
var ItemKinds = []Kind{Text, Number, Integer, Boolean, Enum, Phone, Email, Date, DateTime}

// IsString reports whether values of k are strings in CEL and JSON.
func (k Kind) IsString() bool {
	switch k {
	case Text, Enum, Phone, Email, Date:
		return true
	}
	return false
}

// Field declares one field of the fields object.
type Field struct {
	Name  string
	Type  Kind
	Items Kind
}

// Type names of the object types.
const (
	FieldsTypeName   = "callspec.Fields"
	CallTypeName     = "callspec.Call"
	WorkflowTypeName = "callspec.Workflow"
)

// CallFields are the fields of the call object, with their CEL types.
var CallFields = []struct {
	Name string
	Type *cel.Type
}{
	{"id", cel.StringType},
	{"provider", cel.StringType},
	{"status", cel.StringType},
	{"end_reason", cel.StringType},
	{"direction", cel.StringType},
	{"from", cel.StringType},
	{"to", cel.StringType},
	{"started_at", cel.TimestampType},
	{"duration_s", cel.IntType},
}

// MaxComprehensionNesting bounds nested macros such as all() inside all(),
// whose cost multiplies.
const MaxComprehensionNesting = 2

// CallStringMaxLength is the bound on call metadata strings that the cost
// estimator assumes; platform adapters truncate longer values.
const CallStringMaxLength = 256

// CELType is the CEL type of a field kind (items for lists).
func CELType(k, items Kind) *cel.Type {
	switch k {
	case Number:
		return cel.DoubleType
	case Integer:
		return cel.IntType
	case Boolean:
		return cel.BoolType
	case DateTime:
		return cel.TimestampType
	case ListKind:
		return cel.ListType(CELType(items, ""))
	}
	return cel.StringType
}

// Env is a typed environment for one workflow.
type Env struct {
	CEL    *cel.Env
	Fields []Field
	byName map[string]Field
}

// Field returns the declaration of the field named name.
func (e *Env) Field(name string) (Field, bool) {
	f, ok := e.byName[name]
	return f, ok
}

var (
	baseOnce sync.Once
	baseEnv  *cel.Env
	baseErr  error
)

// base is shared by every workflow: the standard library, extensions and
// the call and workflow types are declared once per process.
func base() (*cel.Env, error) {
	baseOnce.Do(func() {
		baseEnv, baseErr = cel.NewEnv(
			cel.CrossTypeNumericComparisons(true),
			cel.DefaultUTCTimeZone(true),
			cel.OptionalTypes(),
			ext.Strings(),
			// Literals are checked when the spec is linted, not when the
			// first call arrives.
			cel.ASTValidators(
				cel.ValidateDurationLiterals(),
				cel.ValidateTimestampLiterals(),
				cel.ValidateRegexLiterals(),
				cel.ValidateHomogeneousAggregateLiterals(),
				cel.ValidateComprehensionNestingLimit(MaxComprehensionNesting),
			),
		)
	})
	return baseEnv, baseErr
}

// New builds the environment for a workflow's fields. Unknown kinds are
// declared as dyn so that one bad field does not hide findings elsewhere.
func New(fields []Field) (*Env, error) {
	b, err := base()
	if err != nil {
		return nil, fmt.Errorf("build the base CEL environment: %w", err)
	}
	p := &provider{Provider: b.CELTypeProvider(), objects: map[string]*object{}}
	fo := &object{fields: map[string]*types.FieldType{}}
	byName := make(map[string]Field, len(fields))
	for _, f := range fields {
		t := CELType(f.Type, f.Items)
		if !knownKind(f.Type) {
			t = cel.DynType
		}
		fo.add(f.Name, t)
		byName[f.Name] = f
	}
	p.objects[FieldsTypeName] = fo
	co := &object{fields: map[string]*types.FieldType{}}
	for _, cf := range CallFields {
		co.add(cf.Name, cf.Type)
	}
	p.objects[CallTypeName] = co
	wo := &object{fields: map[string]*types.FieldType{}}
	wo.add("id", cel.StringType)
	p.objects[WorkflowTypeName] = wo

	env, err := b.Extend(
		cel.CustomTypeProvider(p),
		cel.Variable("fields", cel.ObjectType(FieldsTypeName)),
		cel.Variable("call", cel.ObjectType(CallTypeName)),
		cel.Variable("workflow", cel.ObjectType(WorkflowTypeName)),
	)
	if err != nil {
		return nil, fmt.Errorf("declare the workflow's CEL variables: %w", err)
	}
	return &Env{CEL: env, Fields: fields, byName: byName}, nil
}

func knownKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Values is the run-time value of an object: fields, call or workflow.
// A key that is absent is an unset field.
type Values map[string]any

// Activation returns the variables for evaluating an expression.
func Activation(fields, call Values, workflowID string) map[string]any {
	return map[string]any{
		"fields":   fields,
		"call":     call,
		"workflow": Values{"id": workflowID},
	}
}

// Call is the call object of an evaluation. It is a struct, not Values,
// so that translated expressions (kernel/celgo) read a member directly;
// Values builds the map cel-go's interpreter reads.
type Call struct {
	ID, Provider, Status, EndReason, Direction, From, To string
	StartedAt                                            time.Time
	DurationS                                            int64
}

// callGetters reads each member of CallFields.
var callGetters = map[string]func(*Call) any{
	"id":         func(c *Call) any { return c.ID },
	"provider":   func(c *Call) any { return c.Provider },
	"status":     func(c *Call) any { return c.Status },
	"end_reason": func(c *Call) any { return c.EndReason },
	"direction":  func(c *Call) any { return c.Direction },
	"from":       func(c *Call) any { return c.From },
	"to":         func(c *Call) any { return c.To },
	"started_at": func(c *Call) any { return c.StartedAt },
	"duration_s": func(c *Call) any { return c.DurationS },
}

// CallGetter returns the function that reads member name of the call
// object, or nil when CallFields has no such member.
func CallGetter(name string) func(*Call) any { return callGetters[name] }

// Values builds the call object for cel-go; every member is present.
func (c *Call) Values() Values {
	v := make(Values, len(callGetters))
	for name, get := range callGetters {
		v[name] = get(c)
	}
	return v
}

// object is one declared object type.
type object struct {
	names  []string
	fields map[string]*types.FieldType
}

func (o *object) add(name string, t *cel.Type) {
	o.names = append(o.names, name)
	o.fields[name] = &types.FieldType{
		Type: t,
		IsSet: func(target any) bool {
			_, ok := lookup(target, name)
			return ok
		},
		GetFrom: func(target any) (any, error) {
			v, ok := lookup(target, name)
			if !ok {
				return nil, fmt.Errorf("no such field %q: the call did not produce it", name)
			}
			return v, nil
		},
	}
}

func lookup(target any, name string) (any, bool) {
	switch m := target.(type) {
	case Values:
		v, ok := m[name]
		return v, ok && v != nil
	case map[string]any:
		v, ok := m[name]
		return v, ok && v != nil
	}
	return nil, false
}

// provider adds the callspec object types to the base type provider, the way
// Kubernetes' DeclTypeProvider adds structural schemas.
type provider struct {
	types.Provider
	objects map[string]*object
}

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if _, ok := p.objects[name]; ok {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return p.Provider.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if o, ok := p.objects[name]; ok {
		return o.names, true
	}
	return p.Provider.FindStructFieldNames(name)
}

func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if o, ok := p.objects[name]; ok {
		ft, ok := o.fields[field]
		return ft, ok
	}
	return p.Provider.FindStructFieldType(name, field)
}

func (p *provider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := p.objects[name]; ok {
		return types.NewErr("%s cannot be constructed in an expression", name)
	}
	return p.Provider.NewValue(name, fields)
}

// EstimateCost estimates the worst-case cost of an expression checked in
// any workflow's environment. cel-go's estimate reads only the AST and the
// environment's cost models, and every workflow's environment extends the
// base one with variables only, so the models are the base's. Estimating
// in the base environment compiles them once per process; a workflow's
// own environment holds a copy of them that cel-go compiles again on its
// first estimate, which was half of the cel-cost rule's time (issue 19).
func EstimateCost(checked *cel.Ast, est cost.Estimator) (cost.CostEstimate, error) {
	b, err := base()
	if err != nil {
		return cost.CostEstimate{}, fmt.Errorf("build the base CEL environment: %w", err)
	}
	return b.EstimateCost(checked, est)
}
