package lint

import (
	"os"
	"runtime"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/internal/parallel"
)

// benchSpecs is the number of generated specs each benchmark run lints.
const benchSpecs = 1000

// benchFiles writes the benchmark's specs once per benchmark.
func benchFiles(b *testing.B) []string {
	b.Helper()
	paths, err := specgen.WriteDir(b.TempDir(), benchSpecs, 1)
	if err != nil {
		b.Fatal(err)
	}
	return paths
}

// BenchmarkLint lints 1,000 generated specs (3–25 fields, 1–5 handoff
// rules, all clean) next to a baseline that only reads and parses the same
// files into yaml.Node. The ratio of the two is the cost of the quality
// gate over parsing:
//
//	go test ./driver/lint -run '^$' -bench Lint -benchtime 5x
//
// Besides wall time (ns/op), each result reports the CPU time the process
// used (cpu-ns/op), which stays meaningful on a busy machine.
func BenchmarkLint(b *testing.B) {
	paths := benchFiles(b)
	for _, bc := range []struct {
		name    string
		workers int
	}{{"parallel", runtime.GOMAXPROCS(0)}, {"serial", 1}} {
		b.Run("lint/"+bc.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				res, err := RunFiles(paths, Options{Parallelism: bc.workers})
				if err != nil {
					b.Fatal(err)
				}
				// The generated specs are valid; some of their handoff rules
				// decide no scenario, which is a warning, not an error.
				if len(res.Units) != benchSpecs || res.HasAtLeast(diag.Error) {
					b.Fatalf("%d units, %d errors", len(res.Units), res.Summary().Error)
				}
			}
		})
		b.Run("parse-only/"+bc.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				parallel.ForEach(len(paths), bc.workers, func(i int) {
					content, err := os.ReadFile(paths[i])
					if err != nil {
						b.Error(err)
						return
					}
					var root yaml.Node
					if err := yaml.Load(content, &root, yaml.WithUniqueKeys(false)); err != nil {
						b.Error(err)
					}
				})
			}
		})
	}
}

// reportCPU starts measuring CPU time; the function it returns reports it
// per operation.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if used := processCPU() - start; start > 0 && b.N > 0 {
			b.ReportMetric(float64(used)/float64(b.N), "cpu-ns/op")
		}
	}
}
