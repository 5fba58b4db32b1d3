package gohandler_test

import (
	"bytes"
	"fmt"
	"go/format"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/workflow"
)

// TestGofmtClean: Emit writes gofmt's layout itself instead of running
// go/format, so go/format must leave every file it writes unchanged. The
// alignment of columns depends on the names' lengths and on which
// optional parts a spec has, so the specs are the seed workflows, the
// test cases, the generator's corpus, the name and hostile cases of
// TestLintCleanBuildsAndCompiles, generated specs, and the golden spec
// with random names, lengths, comments and optional parts.
func TestGofmtClean(t *testing.T) {
	var ws []*ir.Workflow
	var files []string
	for _, glob := range []string{"../../../workflows/*.yaml", "../../../testdata/cases/*.yaml", "../../../testdata/cases/*/*.yaml", filepath.Join(corpus, "*.yaml")} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	dir := t.TempDir()
	for _, c := range nameCases {
		file := filepath.Join(dir, c.id+".yaml")
		if err := os.WriteFile(file, []byte(namesSpec(c.id, c.next, c.fields)), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	for i, h := range hostile {
		file := filepath.Join(dir, fmt.Sprintf("hostile_%d.yaml", i))
		if err := os.WriteFile(file, hostileSpec(i, h), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	for i := range 150 {
		file := filepath.Join(dir, fmt.Sprintf("gen_%d.yaml", i))
		if err := os.WriteFile(file, specgen.Spec(uint64(i%3+1), i), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	for _, file := range files {
		if w, rules := lintOne(t, file); w != nil && len(rules) == 0 {
			ws = append(ws, w)
		}
	}
	if len(ws) < 200 {
		t.Fatalf("only %d of %d specs lint clean", len(ws), len(files))
	}

	base := load(t, "testdata/all_types.yaml")
	r := rand.New(rand.NewPCG(19, 19))
	for range 400 {
		ws = append(ws, mutate(r, base))
	}

	roots := []gohandler.Options{{}, {ImportRoot: "example.com/acme/voice/gen"}, {ImportRoot: "a/b"}, {ImportRoot: "zz.example/gen", NoModule: true}}
	for i, w := range ws {
		opts := roots[i%len(roots)]
		out, err := gohandler.Emit(w, opts)
		if err != nil {
			t.Fatalf("%s (%s): %v", w.ID, w.Path, err)
		}
		for _, f := range out {
			want, err := format.Source(f.Content)
			if err != nil {
				t.Fatalf("%s of %s (%s) is not valid Go: %v", f.Path, w.ID, w.Path, err)
			}
			if !bytes.Equal(want, f.Content) {
				t.Fatalf("%s of %s (%s, %+v) is not as gofmt writes it:\n%s", f.Path, w.ID, w.Path, opts, firstDiff(f.Content, want))
			}
		}
	}
}

// firstDiff shows the first lines where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		if i >= len(g) || i >= len(w) || g[i] != w[i] {
			lo, hi := max(0, i-3), i+4
			return fmt.Sprintf("line %d\ngot:\n%s\ngofmt:\n%s", i+1, strings.Join(g[lo:min(hi, len(g))], "\n"), strings.Join(w[lo:min(hi, len(w))], "\n"))
		}
	}
	return ""
}

// names are words of every length, some not ASCII, for random fields.
var names = []string{"a", "id", "url", "x_1", "tag_list", "ünï", "中文", "visit_date", "a_very_long_field_name_for_alignment", "ǅx", "b2", "phone_number_of_the_caller", "n", "é_é", "q"}

// mutate is base with random field names, descriptions, pii and required
// flags, enum values, handoff rules, targets and optional parts.
func mutate(r *rand.Rand, base *ir.Workflow) *ir.Workflow {
	w := *base
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	w.Fields = nil
	seen := map[string]bool{}
	for range r.IntN(14) {
		f := base.Fields[r.IntN(len(base.Fields))]
		f.Name = pick(names)
		if r.IntN(2) == 0 {
			f.Name += "_" + pick(names)
		}
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		// A description of white space only is a comment line with
		// nothing after the colon.
		f.Description = pick([]string{"", "", "", "About " + f.Name + ".", " ", "\t\u00a0\n"})
		f.PII, f.Required = r.IntN(4) == 0, r.IntN(2) == 0
		if f.Values != nil {
			f.Values = nil
			for j := range 1 + r.IntN(5) {
				f.Values = append(f.Values, fmt.Sprintf("%s_%d", pick(names), j))
			}
		}
		w.Fields = append(w.Fields, f)
	}
	w.Handoff = nil
	for j := range r.IntN(4) {
		h := base.Handoff[0]
		h.Reason = fmt.Sprintf("%s_%d", pick(names), j)
		h.Notify = slices.Clone(names[:r.IntN(3)])
		w.Handoff = append(w.Handoff, h)
	}
	platforms := []string{"bland", "callcow", "callurl", "phonely", "retell", "synthflow", "vapi"}
	r.Shuffle(len(platforms), func(i, j int) { platforms[i], platforms[j] = platforms[j], platforms[i] })
	w.Targets = platforms[:r.IntN(4)]
	w.Webhook.Forward = nil
	if r.IntN(2) == 0 {
		w.Webhook.Forward = &workflow.Forward{URL: "https://example.com/f", SecretEnv: "F", MaxAttempts: 1 + r.IntN(9)}
	}
	w.Language, w.PhoneRegion, w.Incomplete = "", "", nil
	if r.IntN(2) == 0 {
		w.Language = "es"
	}
	if r.IntN(2) == 0 {
		w.PhoneRegion = "US"
	}
	if r.IntN(2) == 0 {
		w.Incomplete = &workflow.Incomplete{Severity: "normal", Owner: "ops", Notify: []string{"email"}, CallerMessage: "Someone will call."}
	}
	w.Log = names[:r.IntN(3)]
	w.NextAction = pick([]string{"", "file_ticket", "x"})
	return &w
}
