package eventschema_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/callspec/callspec/compiler/emit/eventschema"
)

// keywords2020 are the keywords of the JSON Schema 2020-12 vocabularies
// (core, applicator, unevaluated, validation, meta-data, format-annotation,
// content). A strict validator (Ajv's default mode) refuses any other, so
// an emitted schema may use these only.
var keywords2020 = map[string]bool{}

func init() {
	for _, k := range []string{
		"$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
		"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
		"contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
		"unevaluatedItems", "unevaluatedProperties",
		"type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
		"maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
		"maxProperties", "minProperties", "required", "dependentRequired",
		"title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
		"format", "contentEncoding", "contentMediaType", "contentSchema",
	} {
		keywords2020[k] = true
	}
}

// Keywords whose value is a subschema, a map of them or a list of them.
var (
	subschema     = []string{"not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
	subschemaMap  = []string{"$defs", "properties", "patternProperties", "dependentSchemas"}
	subschemaList = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
)

// unknownKeywords lists the keywords of doc and its subschemas that are
// not 2020-12 keywords, by JSON pointer.
func unknownKeywords(path string, doc any) []string {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil // true or false
	}
	var out []string
	for k, v := range m {
		switch {
		case !keywords2020[k]:
			out = append(out, path+"/"+k)
		case slices.Contains(subschema, k):
			out = append(out, unknownKeywords(path+"/"+k, v)...)
		case slices.Contains(subschemaMap, k):
			for name, s := range v.(map[string]any) {
				out = append(out, unknownKeywords(path+"/"+k+"/"+name, s)...)
			}
		case slices.Contains(subschemaList, k):
			for i, s := range v.([]any) {
				out = append(out, unknownKeywords(fmt.Sprintf("%s/%s/%d", path, k, i), s)...)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestOnlyStandardKeywords: the schemas compile in strict validators,
// which refused the "x-pii" extension keyword these schemas once had.
// The Ajv run itself is in interop/.
func TestOnlyStandardKeywords(t *testing.T) {
	w := load(t, "testdata/all_types.yaml")
	for name, emit := range map[string]func() ([]byte, error){
		"outcome": func() ([]byte, error) { return eventschema.Outcome(w) },
		"handoff": func() ([]byte, error) { return eventschema.Handoff(w) },
	} {
		raw, err := emit()
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if bad := unknownKeywords("#", doc); len(bad) > 0 {
			t.Errorf("%s schema uses keywords outside JSON Schema 2020-12, which strict validators refuse: %v", name, bad)
		}
		// The walk can fail: an extension keyword deep in a field is found.
		fields := doc.(map[string]any)["properties"].(map[string]any)["fields"].(map[string]any)["properties"].(map[string]any)
		fields["phone"].(map[string]any)["x-pii"] = true
		if bad := unknownKeywords("#", doc); !slices.Equal(bad, []string{"#/properties/fields/properties/phone/x-pii"}) {
			t.Errorf("the keyword walk found %v in a schema with x-pii on phone", bad)
		}
	}
}

// TestPIIMarkers: the pii fields are listed in $defs.pii_fields and carry
// the $comment; the others carry neither.
func TestPIIMarkers(t *testing.T) {
	w := load(t, "testdata/all_types.yaml")
	raw, err := eventschema.Outcome(w)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Enum []string `json:"enum"`
		} `json:"$defs"`
		Properties struct {
			Fields struct {
				Properties map[string]struct {
					Comment string `json:"$comment"`
				} `json:"properties"`
			} `json:"fields"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range w.Fields {
		if f.PII {
			want = append(want, f.Name)
		}
		if got := doc.Properties.Fields.Properties[f.Name].Comment; (got == eventschema.PIIComment) != f.PII {
			t.Errorf("field %s (pii %v) has $comment %q", f.Name, f.PII, got)
		}
	}
	if len(want) == 0 {
		t.Fatal("testdata/all_types.yaml has no pii field; the test proves nothing")
	}
	if got := doc.Defs[eventschema.PIIDef].Enum; !slices.Equal(got, want) {
		t.Errorf("$defs.%s enum %v, want the pii fields %v", eventschema.PIIDef, got, want)
	}
}
