package check_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/celenv"
)

// BenchmarkLoadAndCheck is the per-file front end of lint for each seed
// workflow: YAML, the strict decoder, the IR and the typed CEL of its
// rules. BenchmarkYAMLParse is the floor it is compared with (bench/
// reports the ratio for whole sets).
func BenchmarkLoadAndCheck(b *testing.B) {
	for _, path := range workflows(b) {
		content, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				s, fs := spec.Load(path, content)
				if len(fs) > 0 {
					b.Fatal(fs[0].Message)
				}
				if _, fs := check.Check(s); len(fs) > 0 {
					b.Fatal(fs[0].Message)
				}
			}
		})
	}
}

// BenchmarkCELCompile splits the CEL part of checking: declaring one
// workflow's typed environment (once per spec) and parsing plus
// type-checking one handoff rule in it (once per rule).
func BenchmarkCELCompile(b *testing.B) {
	fields := []celenv.Field{
		{Name: "issue_type", Type: celenv.Enum}, {Name: "urgency", Type: celenv.Enum},
		{Name: "location", Type: celenv.Text}, {Name: "rooms", Type: celenv.Integer},
		{Name: "income", Type: celenv.Number}, {Name: "tags", Type: celenv.ListKind, Items: celenv.Enum},
	}
	b.Run("environment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := celenv.New(fields); err != nil {
				b.Fatal(err)
			}
		}
	})
	env, err := celenv.New(fields)
	if err != nil {
		b.Fatal(err)
	}
	const rule = `fields.issue_type == "electrical" || (has(fields.urgency) && fields.urgency == "emergency")`
	// rule/antlr is cel-go's own Compile, the baseline; rule/pratt is how
	// lint compiles (celenv's Pratt parser, then the environment's check).
	b.Run("rule/antlr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ast, iss := env.CEL.Compile(rule)
			if iss.Err() != nil || !ast.OutputType().IsExactType(cel.BoolType) {
				b.Fatal(iss.Err())
			}
		}
	})
	b.Run("rule/pratt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parsed, iss := env.Parse(rule)
			if iss.Err() != nil {
				b.Fatal(iss.Err())
			}
			ast, iss := env.CEL.Check(parsed)
			if iss.Err() != nil || !ast.OutputType().IsExactType(cel.BoolType) {
				b.Fatal(iss.Err())
			}
		}
	})
}

func workflows(b *testing.B) []string {
	paths, err := filepath.Glob("../../workflows/*.yaml")
	if err != nil || len(paths) == 0 {
		b.Fatalf("no workflows: %v", err)
	}
	return paths
}
