package words

import (
	"maps"
	"slices"
	"testing"

	"cel.dev/cel-go/cel"
)

// TestFieldsReadIgnoresALoopVariableNamedFields: the page names the fields
// a rule reads by the rules' own walk, so a comprehension variable called
// fields is not the workflow's fields (it was, before the walk was shared).
func TestFieldsReadIgnoresALoopVariableNamedFields(t *testing.T) {
	env, err := cel.NewEnv(cel.OptionalTypes(), cel.Variable("fields", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		t.Fatal(err)
	}
	for expr, want := range map[string][]string{
		`[{"a": 1}].exists(fields, fields.a > 0) || fields.urgency == "x"`: {"urgency"},
		`has(fields.notes) && fields.?callback.hasValue()`:                 {"callback"},
		`fields.a == fields.b`: {"a", "b"},
	} {
		a, iss := env.Parse(expr)
		if iss.Err() != nil {
			t.Fatal(iss.Err())
		}
		got := slices.Sorted(maps.Keys(fieldsRead(a.NativeRep().Expr())))
		if !slices.Equal(got, want) {
			t.Errorf("%s: reads %v, want %v", expr, got, want)
		}
	}
}
