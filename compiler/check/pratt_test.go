package check_test

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"cel.dev/cel-go/cel"
	"google.golang.org/protobuf/proto"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/spec"
)

// TestPrattParsesLikeANTLR parses every `when` and idempotency key of the
// seed workflows, the rule and lint testdata and 300 generated specs with
// both cel-go parsers: where ANTLR parses, the Pratt parser that lint uses
// must build the same tree (same node ids, offsets and macro calls), so
// checking, the rules and the emitted code see no difference; where ANTLR
// fails, Pratt must fail too.
func TestPrattParsesLikeANTLR(t *testing.T) {
	var paths []string
	for _, glob := range []string{"../../workflows/*.yaml", "../../rules/testdata/*/*.yaml", "../../testdata/bad-input/lint/*.yaml", "../../testdata/bad-input/*.yaml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	type file struct {
		name    string
		content []byte
	}
	var files []file
	for _, p := range paths {
		content, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file{p, content})
	}
	for i := range 300 {
		files = append(files, file{"specgen", specgen.Spec(1, i)})
	}
	compared := 0
	for _, f := range files {
		s, _ := spec.Load(f.name, f.content)
		if s == nil {
			continue
		}
		u, _ := check.Check(s)
		if u.IR == nil || u.IR.Env == nil {
			continue
		}
		var exprs []string
		if compared == 0 {
			exprs = append(exprs, syntaxCorpus...)
		}
		for _, h := range s.Handoff.Items {
			exprs = append(exprs, h.When.Value)
		}
		if s.Webhook.IdempotencyKey.Value != "" {
			exprs = append(exprs, s.Webhook.IdempotencyKey.Value)
		}
		for _, text := range exprs {
			want, wantIss := u.IR.Env.CEL.Parse(text)
			got, gotIss := u.IR.Env.Parse(text)
			if (wantIss.Err() == nil) != (gotIss.Err() == nil) {
				t.Errorf("%s: %q: ANTLR error %v, Pratt error %v", f.name, text, wantIss.Err(), gotIss.Err())
				continue
			}
			if wantIss.Err() != nil {
				continue
			}
			wp, err := cel.AstToParsedExpr(want)
			if err != nil {
				t.Fatal(err)
			}
			gp, err := cel.AstToParsedExpr(got)
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(wp, gp) {
				t.Errorf("%s: %q parses differently:\nANTLR %v\nPratt %v", f.name, text, wp, gp)
			}
			// The protobuf form has no end offsets; findings use them.
			// ANTLR ends a string literal holding non-ASCII text bytes,
			// not code points, after its start (Pratt is right), so the
			// ends are compared on ASCII text.
			if !isASCII(text) {
				continue
			}
			if w, g := want.NativeRep().SourceInfo().OffsetRanges(), got.NativeRep().SourceInfo().OffsetRanges(); !maps.Equal(w, g) {
				t.Errorf("%s: %q: node ranges differ:\nANTLR %v\nPratt %v", f.name, text, w, g)
			}
			compared++
		}
	}
	if compared < 500 {
		t.Fatalf("compared only %d expressions", compared)
	}
	t.Logf("%d expressions parse alike", compared)
}

// syntaxCorpus covers CEL syntax the specs above may not: macros,
// optionals, the strings extension, literals of each kind, escapes,
// multi-line text and non-ASCII. (One difference is known: a leading-dot
// name, .fields, starts at the dot for Pratt and after it for ANTLR.)
var syntaxCorpus = []string{
	`fields.tags.exists(t, t == "a") && fields.tags.all(t, t != "") || fields.tags.exists_one(t, t == "b")`,
	`fields.tags.map(t, t + "x").filter(t, size(t) > 1).size() > 0`,
	`[1, 2, 3].map(x, x > 1, x * 2)[0] == 4`,
	`fields.?notes.orValue("") == "" && has(fields.notes) && !has(call.id)`,
	`{"a": 1, "b": 2}[?"a"].hasValue() ? 1u : 2u`,
	`call.duration_s >= 30 && call.duration_s % 2 == 0 && -call.duration_s < 0 && 1.5e3 > 2.0 && 0x1F == 31`,
	`fields.name.lowerAscii().split(" ").size() > 1 && fields.name.startsWith("Dr") && "x".matches("^x$")`,
	`'single' + "double" + '''triple''' + r"raw\n" + "\u00e9\t\x41\101" == b"\xff".string()`,
	"fields.a ==\n  \"b\" ||\n  fields.c in [\"d\", \"é\"]",
	`timestamp("2026-01-31T09:00:00Z") < call.started_at && duration("1h") > duration("1m")`,
	`int("1") + int(2.0) == 3 && double(1) == 1.0 && string(1) == "1" && type(1) == int`,
	`(((call.id))) == workflow.id && call.id != null`,
	`fields.x.y.z == 1 || fields["k"] == 2 || [[1]][0][0] == 1 || !!true`,
	"fields.`weird-name` == 1",
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
