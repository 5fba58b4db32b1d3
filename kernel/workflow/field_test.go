package workflow

import (
	"strings"
	"testing"

	"github.com/callspec/callspec/kernel/celenv"
)

func TestLengthLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     Field
		n     int64
		unit  LengthUnit
		ok    bool
		words string
	}{
		{"text counts code points", Field{Type: celenv.Text, MaxLength: 200}, 200, CodePoints, true, "at most 200 characters"},
		{"list counts items", Field{Type: celenv.ListKind, Items: celenv.Text, MaxLength: 3}, 3, Items, true, "at most 3 items"},
		{"no max_length", Field{Type: celenv.Text}, 0, NoLength, false, ""},
		{"not a type it applies to", Field{Type: celenv.Email, MaxLength: 5}, 0, NoLength, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, unit, ok := tc.f.LengthLimit()
			if n != tc.n || unit != tc.unit || ok != tc.ok {
				t.Errorf("LengthLimit() = %d, %v, %v; want %d, %v, %v", n, unit, ok, tc.n, tc.unit, tc.ok)
			}
			if got := tc.f.LengthWords(); got != tc.words {
				t.Errorf("LengthWords() = %q, want %q", got, tc.words)
			}
		})
	}
}

func TestLengthUnitOf(t *testing.T) {
	want := map[celenv.Kind]LengthUnit{celenv.Text: CodePoints, celenv.ListKind: Items}
	for _, k := range celenv.Kinds {
		if got := LengthUnitOf(k); got != want[k] {
			t.Errorf("LengthUnitOf(%s) = %v, want %v", k, got, want[k])
		}
	}
	for u, words := range map[LengthUnit][2]string{
		CodePoints: {"characters", "its length"},
		Items:      {"items", "its number of items"},
		NoLength:   {"", ""},
	} {
		if u.Noun() != words[0] || u.Measure() != words[1] {
			t.Errorf("unit %v: Noun() = %q, Measure() = %q; want %q, %q", u, u.Noun(), u.Measure(), words[0], words[1])
		}
	}
}

func TestLengthProblem(t *testing.T) {
	text := Field{Type: celenv.Text, MaxLength: 3}
	list := Field{Type: celenv.ListKind, Items: celenv.Text, MaxLength: 2}
	for _, tc := range []struct {
		name string
		f    Field
		v    any
		want string
	}{
		{"three code points in six bytes fit", text, "äöü", ""},
		{"four code points", text, "abcd", "longer than max_length 3"},
		{"two items of any length fit", list, []any{"a long item", "another long item"}, ""},
		{"three items", list, []any{"a", "b", "c"}, "more than max_length 2 items"},
		{"a string is not measured in items", list, "abcdef", ""},
		{"unbounded", Field{Type: celenv.Text}, strings.Repeat("x", 10000), ""},
	} {
		if got := tc.f.LengthProblem(tc.v); got != tc.want {
			t.Errorf("%s: LengthProblem(%v) = %q, want %q", tc.name, tc.v, got, tc.want)
		}
	}
}

func TestRangeProblem(t *testing.T) {
	f := Field{Type: celenv.Number, Min: Float(1), Max: Float(2.5)}
	for n, want := range map[float64]string{0.5: "below min 1", 1: "", 2.5: "", 3: "above max 2.5"} {
		if got := f.RangeProblem(n); got != want {
			t.Errorf("RangeProblem(%v) = %q, want %q", n, got, want)
		}
	}
	if got := (&Field{Type: celenv.Number}).RangeProblem(-1e300); got != "" {
		t.Errorf("a field without min and max refused a number: %q", got)
	}
}

// TestOptionsApply pins which types each option applies to, decided for
// the checker, the handler, the schemas and the configs at once.
func TestOptionsApply(t *testing.T) {
	for _, tc := range []struct {
		k                                  celenv.Kind
		rangeApplies, pattern, values, pii bool
	}{
		{celenv.Text, false, true, false, false},
		{celenv.Number, true, false, false, false},
		{celenv.Integer, true, false, false, false},
		{celenv.Boolean, false, false, false, false},
		{celenv.Enum, false, false, true, false},
		{celenv.Phone, false, false, false, true},
		{celenv.Email, false, false, false, true},
		{celenv.Date, false, false, false, false},
		{celenv.DateTime, false, false, false, false},
	} {
		got := [4]bool{RangeApplies(tc.k), PatternApplies(tc.k), ValuesApply(tc.k), PIIByDefault(tc.k)}
		want := [4]bool{tc.rangeApplies, tc.pattern, tc.values, tc.pii}
		if got != want {
			t.Errorf("%s: range, pattern, values, pii = %v, want %v", tc.k, got, want)
		}
	}
}

func TestElemAndCEL(t *testing.T) {
	list := Field{Name: "tags", Type: celenv.ListKind, Items: celenv.Enum, MaxLength: 4}
	if got := list.Elem(); got != celenv.Enum {
		t.Errorf("Elem() of a list of enum = %s", got)
	}
	if got := (&Field{Type: celenv.Phone}).Elem(); got != celenv.Phone {
		t.Errorf("Elem() of a phone field = %s", got)
	}
	if got, want := list.CEL(), (celenv.Field{Name: "tags", Type: celenv.ListKind, Items: celenv.Enum}); got != want {
		t.Errorf("CEL() = %+v, want %+v", got, want)
	}
}

func TestSchemaType(t *testing.T) {
	want := map[celenv.Kind]string{celenv.Number: "number", celenv.Integer: "integer", celenv.Boolean: "boolean", celenv.ListKind: "array"}
	for _, k := range celenv.Kinds {
		w, ok := want[k]
		if !ok {
			w = "string"
		}
		if got := SchemaType(k); got != w {
			t.Errorf("SchemaType(%s) = %q, want %q", k, got, w)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		k       celenv.Kind
		want    Format
		bounded bool
	}{
		{celenv.Phone, Format{Name: "E.164", Example: "+14155550123", SchemaPattern: E164Pattern, MaxLength: 16}, true},
		{celenv.Email, Format{Example: "name@example.com", SchemaFormat: "email", MaxLength: 254}, true},
		{celenv.Date, Format{Name: "YYYY-MM-DD", Example: "2026-11-23", SchemaFormat: "date", MaxLength: 10}, true},
		{celenv.DateTime, Format{Name: "RFC 3339", Example: "2026-11-23T15:04:05Z", SchemaFormat: "date-time"}, false},
		{celenv.Text, Format{}, false},
		{celenv.ListKind, Format{}, false},
	} {
		got := FormatOf(tc.k)
		if got != tc.want {
			t.Errorf("FormatOf(%s) = %+v, want %+v", tc.k, got, tc.want)
		}
		if n, ok := TypeLengthBound(tc.k, nil); ok != tc.bounded || n != tc.want.MaxLength {
			t.Errorf("TypeLengthBound(%s) = %d, %v", tc.k, n, ok)
		}
		if got.Example == "" {
			continue
		}
		// Every example is a value the handler accepts, within the bound.
		c, err := NewValidator(&Definition{Fields: []Field{{Name: "x", Type: tc.k}}})
		if err != nil {
			t.Fatal(err)
		}
		if v := c.Validate(map[string]any{"x": got.Example}); len(v.Dropped) > 0 {
			t.Errorf("%s: the handler refuses the example %q: %+v", tc.k, got.Example, v.Dropped)
		}
		if tc.bounded && int64(len(got.Example)) > got.MaxLength {
			t.Errorf("%s: the example %q is longer than the bound %d", tc.k, got.Example, got.MaxLength)
		}
	}
	if n, ok := TypeLengthBound(celenv.Enum, []string{"ab", "ñandú"}); n != 5 || !ok {
		t.Errorf("TypeLengthBound(enum) = %d, %v; want 5 code points", n, ok)
	}
}
