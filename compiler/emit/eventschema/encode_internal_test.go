package eventschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/invopop/jsonschema"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
)

// TestEncodeAsLibrary: encode writes the bytes that encoding/json writes
// through the library's MarshalJSON, for both schemas of the seed
// workflows, the test cases, generated specs and the golden spec with
// texts that need escaping and examples of every JSON type.
func TestEncodeAsLibrary(t *testing.T) {
	var files []string
	for _, glob := range []string{"../../../workflows/*.yaml", "../../../testdata/cases/*.yaml", "../../../testdata/cases/*/*.yaml", "testdata/*.yaml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	var ws []*ir.Workflow
	for _, f := range files {
		if w := loadIR(t, f, nil); w != nil {
			ws = append(ws, w)
		}
	}
	for i := range 100 {
		ws = append(ws, loadIR(t, fmt.Sprintf("gen_%d.yaml", i), specgen.Spec(uint64(i%3+1), i)))
	}
	if len(ws) < 105 {
		t.Fatalf("only %d specs load", len(ws))
	}
	base := loadIR(t, "testdata/all_types.yaml", nil)
	texts := []string{"", "<b>&amp;</b>", "\u2028\u2029", "\x00\x01\x1f\x7f", "\xff\xfe invalid", "\"\\/", "\t\n\r\b\f", "ünï 中文 😀", "a"}
	examples := []any{"x<y", 1.5, float64(-3), json.Number("7"), true, nil, []any{"a", 2.0, []any{}}, map[string]any{"b": "<", "a": []any{map[string]any{}}}, map[string]any{}}
	r := rand.New(rand.NewPCG(19, 1))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	for i := range 300 {
		w := *base
		w.ID, w.Title = fmt.Sprintf("w%d%s", i, pick(texts)), pick(texts)
		w.Fields = slices.Clone(base.Fields)
		for j := range w.Fields {
			f := &w.Fields[j]
			f.Name, f.Description, f.Pattern = f.Name+pick(texts), pick(texts), pick(texts)
			f.PII = r.IntN(2) == 0
			f.Examples = nil
			for range r.IntN(3) {
				f.Examples = append(f.Examples, examples[r.IntN(len(examples))])
			}
			if f.Values != nil {
				f.Values = append(slices.Clone(f.Values), pick(texts)+"v")
			}
		}
		w.Handoff = slices.Clone(base.Handoff[:r.IntN(len(base.Handoff)+1)])
		for j := range w.Handoff {
			w.Handoff[j].Reason = pick(texts) + "r"
		}
		w.NextAction = pick(texts)
		ws = append(ws, &w)
	}

	for _, w := range ws {
		for _, s := range []*jsonschema.Schema{outcomeSchema(w), handoffEventSchema(w)} {
			got, ok := encode(s)
			if !ok {
				t.Fatalf("%s: encode does not cover the schema", w.ID)
			}
			want, err := marshalLibrary(s)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: encode writes\n%s\nencoding/json writes\n%s", w.ID, got, want)
			}
		}
	}

	// What encode does not cover goes through the library.
	s := &jsonschema.Schema{Type: "string", UniqueItems: true, Extras: map[string]any{"x-a": 1}}
	if _, ok := encode(s); ok {
		t.Error("encode covers UniqueItems and Extras")
	}
	for _, s := range []*jsonschema.Schema{{}, {Enum: []any{}}, {Properties: jsonschema.NewProperties()}, jsonschema.TrueSchema} {
		got, _ := encode(s)
		want, _ := marshalLibrary(s)
		if !bytes.Equal(got, want) {
			t.Errorf("%+v: encode writes %s, encoding/json %s", s, got, want)
		}
	}
}

// loadIR loads and checks a spec, from b or else from the file; nil when
// it does not check clean.
func loadIR(t *testing.T, path string, b []byte) *ir.Workflow {
	t.Helper()
	if b == nil {
		var err error
		if b, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	s, fs := spec.Load(path, b)
	if len(fs) > 0 {
		return nil
	}
	u, _ := check.Check(s)
	if u == nil {
		return nil
	}
	return u.IR
}
